-- Courses, their members, templates, labs; quotas; usage records.
CREATE TABLE courses (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    code          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    title         TEXT NOT NULL,
    term          TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    archived      INTEGER NOT NULL DEFAULT 0,
    -- On a reset to baseline, keep the old overlay as a disk for the teacher.
    keep_reset_disks INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE course_members (
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('teacher', 'student')),
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX course_members_user ON course_members (user_id);

CREATE TABLE templates (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id    INTEGER NOT NULL REFERENCES courses (id) ON DELETE RESTRICT,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    cpus         INTEGER NOT NULL,
    memory_mib   INTEGER NOT NULL,
    disk_bus     TEXT NOT NULL DEFAULT 'virtio',
    kernel       TEXT,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (course_id, name)
);

-- A version's image lives in the templates pool as `<id>.qcow2`, read-only.
CREATE TABLE template_versions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    template_id  INTEGER NOT NULL REFERENCES templates (id) ON DELETE RESTRICT,
    version      INTEGER NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    size_bytes   INTEGER NOT NULL,
    -- Uploads: bytes received so far and the declared SHA-256.
    sha256         TEXT,
    received_bytes INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL CHECK (status IN ('uploading', 'ready')),
    created_at   INTEGER NOT NULL,
    UNIQUE (template_id, version)
);

CREATE TABLE labs (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    course_id           INTEGER NOT NULL REFERENCES courses (id) ON DELETE RESTRICT,
    template_version_id INTEGER NOT NULL REFERENCES template_versions (id) ON DELETE RESTRICT,
    name                TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    cpus                INTEGER NOT NULL,
    memory_mib          INTEGER NOT NULL,
    opens_at            INTEGER,
    closes_at           INTEGER,
    auto_start_minutes  INTEGER,
    auto_stop_minutes   INTEGER,
    idle_stop_minutes   INTEGER,
    created_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (course_id, name)
);

-- A lab VM belongs to one lab and one student.
ALTER TABLE vms ADD COLUMN lab_id INTEGER REFERENCES labs (id) ON DELETE RESTRICT;
CREATE UNIQUE INDEX vms_lab_owner ON vms (lab_id, owner_id) WHERE lab_id IS NOT NULL;
-- A linked clone's disk: an overlay on this template version.
ALTER TABLE disks ADD COLUMN backing_version_id INTEGER REFERENCES template_versions (id) ON DELETE RESTRICT;

-- Limits; NULL means no limit. scope 'user' or 'course'.
CREATE TABLE quotas (
    scope                   TEXT NOT NULL CHECK (scope IN ('user', 'course')),
    scope_id                INTEGER NOT NULL,
    max_vms                 INTEGER,
    max_vcpus               INTEGER,
    max_memory_mib          INTEGER,
    max_disk_mib            INTEGER,
    max_running_vms         INTEGER,
    max_running_vcpus       INTEGER,
    max_running_memory_mib  INTEGER,
    PRIMARY KEY (scope, scope_id)
);

-- Usage: one row per run of a VM (started .. stopped), console session and reset.
CREATE TABLE vm_activity (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    vm_id       INTEGER NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('run', 'console', 'reset')),
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER
);
CREATE INDEX vm_activity_vm ON vm_activity (vm_id, kind);
