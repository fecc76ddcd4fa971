-- The hosts vlab runs on: one with SQLite; with PostgreSQL, every vlab
-- process sharing the database registers itself and heartbeats.
CREATE TABLE nodes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL UNIQUE,
    -- Where the other nodes reach it.
    address         TEXT NOT NULL,
    cpus            INTEGER NOT NULL,
    memory_mib      INTEGER NOT NULL,
    pool_bytes      INTEGER NOT NULL,
    accelerator     TEXT NOT NULL,
    qemu_version    TEXT NOT NULL,
    vlab_version    TEXT NOT NULL,
    -- A disabled node takes no new VMs; its running ones stay.
    enabled         INTEGER NOT NULL DEFAULT 1,
    -- Its state at the last heartbeat.
    load_1m         REAL NOT NULL DEFAULT 0,
    memory_free_mib INTEGER NOT NULL DEFAULT 0,
    pool_free_bytes INTEGER NOT NULL DEFAULT 0,
    started_at      INTEGER NOT NULL,
    heartbeat_at    INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);

-- The node a VM's disks and QEMU live on.
ALTER TABLE vms ADD COLUMN node_id INTEGER REFERENCES nodes (id) ON DELETE RESTRICT;
CREATE INDEX vms_node ON vms (node_id);
