-- Disk images and the ISO library. Files live in vlab's pools under names
-- vlab makes from these ids; no path is ever taken from a request.
CREATE TABLE disks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    owner_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    format       TEXT NOT NULL CHECK (format IN ('qcow2', 'raw', 'vmdk')),
    size_bytes   INTEGER NOT NULL,
    vm_id        INTEGER REFERENCES vms (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX disks_vm ON disks (vm_id);

CREATE TABLE isos (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL,
    owner_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    received_bytes INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL CHECK (status IN ('uploading', 'ready')),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

ALTER TABLE vms ADD COLUMN iso_id INTEGER REFERENCES isos (id) ON DELETE SET NULL;
