-- Accounts made with a one-time password (CSV enrolment) must choose their
-- own before they can do anything else.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
