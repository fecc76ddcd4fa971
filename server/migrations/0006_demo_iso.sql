-- The demo guest vlab installs into a new data dir's ISO library.
ALTER TABLE isos ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
