-- A running VM's use of its host, sampled by one task and kept at four
-- resolutions (tiers: the sampling interval for an hour, a minute for a
-- day, ten minutes for a week, an hour for 30 days). A bucket holds the
-- average CPU of its `n` samples and the last counters (cumulative since
-- the VM's start).
CREATE TABLE vm_samples (
    vm_id         BIGINT NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    tier          BIGINT NOT NULL,
    at            BIGINT NOT NULL,
    n             BIGINT NOT NULL,
    cpu_percent   DOUBLE PRECISION NOT NULL,
    vcpu_percent  DOUBLE PRECISION NOT NULL,
    rss_bytes     BIGINT NOT NULL,
    read_bytes    BIGINT NOT NULL,
    write_bytes   BIGINT NOT NULL,
    rx_bytes      BIGINT,
    tx_bytes      BIGINT,
    PRIMARY KEY (vm_id, tier, at)
);
CREATE INDEX vm_samples_age ON vm_samples (tier, at);
