-- A node's host, sampled with its VMs and kept at the same tiers as
-- vm_samples. CPU and load are averaged over a bucket's `n` samples;
-- memory and running VMs are the last reading.
CREATE TABLE host_samples (
    node_id            BIGINT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    tier               BIGINT NOT NULL,
    at                 BIGINT NOT NULL,
    n                  BIGINT NOT NULL,
    cpu_percent        DOUBLE PRECISION NOT NULL,
    load_1m            DOUBLE PRECISION NOT NULL,
    memory_used_bytes  BIGINT NOT NULL,
    running_vms        BIGINT NOT NULL,
    PRIMARY KEY (node_id, tier, at)
);
CREATE INDEX host_samples_age ON host_samples (tier, at);
