-- Every change asked of vlab, once: through the API, the UI or the lab
-- scheduler. Rows outlive the users and resources they name (no foreign
-- keys), and go after `audit_retention_days`. `course_id` is the course the
-- target belonged to when it was recorded, so teachers see their courses'.
CREATE TABLE audit_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           INTEGER NOT NULL,
    user_id      INTEGER,
    username     TEXT,
    role         TEXT,
    -- session, token, password (a login), scheduler or none (a failed login)
    via          TEXT NOT NULL,
    token_id     INTEGER,
    client       TEXT NOT NULL,
    -- api, ui or scheduler
    channel      TEXT NOT NULL,
    action       TEXT NOT NULL,
    target_kind  TEXT,
    target_id    INTEGER,
    course_id    INTEGER,
    summary      TEXT NOT NULL,
    -- ok, or the error code
    result       TEXT NOT NULL,
    status       INTEGER NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_user ON audit_events (user_id, at);
CREATE INDEX audit_events_target ON audit_events (target_kind, target_id);
CREATE INDEX audit_events_course ON audit_events (course_id, at);
