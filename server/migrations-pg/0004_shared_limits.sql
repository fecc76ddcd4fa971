-- Limits every node counts together, so spreading requests or password
-- guesses over several nodes gains nothing. Unlogged: losing them in a
-- crash only resets the counts.

-- One token bucket per API caller; `taken` is what the last take got.
CREATE UNLOGGED TABLE rate_buckets (
    key    TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    at     DOUBLE PRECISION NOT NULL,
    taken  DOUBLE PRECISION NOT NULL
);
CREATE INDEX rate_buckets_at ON rate_buckets (at);

-- One row per login attempt counted against a key (user and address, or
-- address alone) inside the window.
CREATE UNLOGGED TABLE login_marks (
    id  BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL,
    at  DOUBLE PRECISION NOT NULL
);
CREATE INDEX login_marks_key ON login_marks (key, at);
CREATE INDEX login_marks_at ON login_marks (at);
