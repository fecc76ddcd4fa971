-- A node's host, sampled with its VMs and kept at the same tiers as
-- vm_samples. CPU and load are averaged over a bucket's `n` samples;
-- memory and running VMs are the last reading.
CREATE TABLE host_samples (
    node_id            INTEGER NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    tier               INTEGER NOT NULL,
    at                 INTEGER NOT NULL,
    n                  INTEGER NOT NULL,
    cpu_percent        REAL NOT NULL,
    load_1m            REAL NOT NULL,
    memory_used_bytes  INTEGER NOT NULL,
    running_vms        INTEGER NOT NULL,
    PRIMARY KEY (node_id, tier, at)
);
CREATE INDEX host_samples_age ON host_samples (tier, at);
