#include "migrations.h"

namespace pom {

namespace {

// 1: the foundation — audit log, customers with contacts and tags, pools, workers.
const char* k_v1 = R"SQL(
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL CHECK (at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    actor     TEXT NOT NULL,
    command   TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    before    TEXT CHECK (before IS NULL OR json_valid(before)),
    after     TEXT CHECK (after IS NULL OR json_valid(after))
) STRICT;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE customer (
    id         INTEGER PRIMARY KEY,
    ref        TEXT UNIQUE CHECK (ref IS NULL OR length(ref) BETWEEN 1 AND 64),
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    company    TEXT,
    status     TEXT NOT NULL DEFAULT 'lead' CHECK (status IN ('lead', 'active', 'inactive')),
    street     TEXT,
    city       TEXT,
    state      TEXT,
    zip        TEXT,
    notes      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX customer_name ON customer (name COLLATE NOCASE);
CREATE INDEX customer_status ON customer (status);

CREATE TABLE customer_contact (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
    value       TEXT NOT NULL CHECK (length(value) > 0),
    opt_in      INTEGER NOT NULL CHECK (opt_in IN (0, 1)),
    position    INTEGER NOT NULL,
    UNIQUE (customer_id, kind, value)
) STRICT;

CREATE TABLE customer_tag (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    tag         TEXT NOT NULL CHECK (length(trim(tag)) > 0),
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    removed_at  TEXT,
    removed_by  TEXT
) STRICT;
CREATE UNIQUE INDEX customer_tag_current ON customer_tag (customer_id, tag) WHERE removed_at IS NULL;
CREATE INDEX customer_tag_queue ON customer_tag (tag, added_at) WHERE removed_at IS NULL;

CREATE TABLE pool (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customer (id),
    name         TEXT NOT NULL DEFAULT 'Pool',
    street       TEXT,
    city         TEXT,
    state        TEXT,
    zip          TEXT,
    lat          REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon          REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    gate_code    TEXT,
    access_notes TEXT,
    dog          INTEGER NOT NULL DEFAULT 0 CHECK (dog IN (0, 1)),
    body         TEXT NOT NULL DEFAULT 'pool' CHECK (body IN ('pool', 'spa')),
    gallons      INTEGER CHECK (gallons IS NULL OR gallons BETWEEN 1 AND 10000000),
    surface      TEXT CHECK (surface IS NULL OR surface IN ('plaster', 'pebble', 'quartz', 'vinyl', 'fiberglass', 'tile', 'other')),
    sanitizer    TEXT CHECK (sanitizer IS NULL OR sanitizer IN ('chlorine', 'salt', 'bromine', 'biguanide', 'mineral', 'other')),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX pool_customer ON pool (customer_id);

CREATE TABLE worker (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    phone      TEXT,
    email      TEXT,
    role       TEXT NOT NULL DEFAULT 'technician' CHECK (role IN ('technician', 'office', 'manager', 'admin')),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
)SQL";

}  // namespace

const std::vector<std::string>& migrations() {
    static const std::vector<std::string> all{k_v1};
    return all;
}

}  // namespace pom
