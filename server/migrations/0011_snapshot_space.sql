-- The space a snapshot holds: what its VM's qcow2 disks had allocated when
-- it was taken (later writes go around it). Counted in disk quotas.
ALTER TABLE vm_snapshots ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
