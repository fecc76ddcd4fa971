-- Whether the lab's VMs may open connections to other hosts; the lab's
-- VMs take it when they are made and whenever it changes.
ALTER TABLE labs ADD COLUMN outbound INTEGER NOT NULL DEFAULT 1;
