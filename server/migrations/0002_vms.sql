-- Virtual machines, their port forwards, and long-running operations.
CREATE TABLE vms (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    owner_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    cpus          INTEGER NOT NULL,
    memory_mib    INTEGER NOT NULL,
    boot_order    TEXT NOT NULL,
    disk_bus      TEXT NOT NULL CHECK (disk_bus IN ('virtio', 'ide')),
    network       TEXT NOT NULL CHECK (network IN ('user', 'none', 'bridge')),
    bridge        TEXT,
    -- Name of a kernel bundle in the kernels pool, for direct kernel boot.
    kernel        TEXT,
    state         TEXT NOT NULL DEFAULT 'stopped'
                  CHECK (state IN ('stopped', 'starting', 'running', 'paused', 'stopping', 'crashed')),
    state_reason  TEXT,
    needs_restart INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX vms_owner ON vms (owner_id);

CREATE TABLE vm_port_forwards (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    vm_id      INTEGER NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    protocol   TEXT NOT NULL CHECK (protocol IN ('tcp', 'udp')),
    host_port  INTEGER NOT NULL CHECK (host_port BETWEEN 1 AND 65535),
    guest_port INTEGER NOT NULL CHECK (guest_port BETWEEN 1 AND 65535),
    UNIQUE (protocol, host_port),
    UNIQUE (vm_id, protocol, guest_port)
);

CREATE TABLE operations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    target_kind  TEXT NOT NULL,
    target_id    INTEGER NOT NULL,
    -- Who may see it: the target's owner (and admins).
    owner_id     INTEGER,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    progress     INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    requested_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
CREATE INDEX operations_target ON operations (target_kind, target_id);
