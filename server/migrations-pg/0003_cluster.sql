-- The key nodes sign their calls to each other with (one row, made by the
-- first node that needs it).
CREATE TABLE cluster_keys (
    id     BIGINT PRIMARY KEY CHECK (id = 1),
    secret TEXT NOT NULL
);

-- The node that runs an operation: a node that restarts fails only its own.
ALTER TABLE operations ADD COLUMN node_id BIGINT REFERENCES nodes (id) ON DELETE SET NULL;

-- The node a disk's file lives on (an attached disk: its VM's node).
ALTER TABLE disks ADD COLUMN node_id BIGINT REFERENCES nodes (id) ON DELETE RESTRICT;

-- A lab an admin pinned to a node: its VMs are made there.
ALTER TABLE labs ADD COLUMN node_id BIGINT REFERENCES nodes (id) ON DELETE SET NULL;
