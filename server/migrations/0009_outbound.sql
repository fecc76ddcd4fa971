-- Whether a user-mode guest may open connections to other hosts (NAT).
ALTER TABLE vms ADD COLUMN outbound INTEGER NOT NULL DEFAULT 1;
