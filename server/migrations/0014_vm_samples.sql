-- A running VM's use of its host, sampled by one task and kept at four
-- resolutions (tiers: the sampling interval for an hour, a minute for a
-- day, ten minutes for a week, an hour for 30 days). A bucket holds the
-- average CPU of its `n` samples and the last counters (cumulative since
-- the VM's start).
CREATE TABLE vm_samples (
    vm_id         INTEGER NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    tier          INTEGER NOT NULL,
    at            INTEGER NOT NULL,
    n             INTEGER NOT NULL,
    cpu_percent   REAL NOT NULL,
    vcpu_percent  REAL NOT NULL,
    rss_bytes     INTEGER NOT NULL,
    read_bytes    INTEGER NOT NULL,
    write_bytes   INTEGER NOT NULL,
    rx_bytes      INTEGER,
    tx_bytes      INTEGER,
    PRIMARY KEY (vm_id, tier, at)
);
CREATE INDEX vm_samples_age ON vm_samples (tier, at);
