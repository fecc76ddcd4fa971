-- Snapshots: the same internal qcow2 snapshot tag on every qcow2 disk of a VM.
CREATE TABLE vm_snapshots (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    vm_id      INTEGER NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    tag        TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    UNIQUE (vm_id, name)
);
