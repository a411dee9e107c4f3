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

// 2: appointments — recurring series, visits, dispatch status events, days-out, notice outbox.
const char* k_v2 = R"SQL(
CREATE TABLE series (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customer (id),
    pool_id          INTEGER NOT NULL REFERENCES pool (id),
    worker_id        INTEGER REFERENCES worker (id),
    rrule            TEXT NOT NULL CHECK (rrule GLOB 'FREQ=*'),
    dtstart          TEXT NOT NULL CHECK (date(dtstart) IS dtstart),
    window_start     TEXT CHECK (window_start IS NULL OR window_start GLOB '[0-2][0-9]:[0-5][0-9]'),
    window_end       TEXT CHECK (window_end IS NULL OR window_end GLOB '[0-2][0-9]:[0-5][0-9]'),
    duration_min     INTEGER NOT NULL CHECK (duration_min BETWEEN 1 AND 1440),
    service_type     TEXT NOT NULL,
    priority         TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'high', 'urgent')),
    route_order      INTEGER CHECK (route_order IS NULL OR route_order >= 0),
    tech_note        TEXT,
    office_note      TEXT,
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'ended')),
    suspended_from   TEXT CHECK (suspended_from IS NULL OR date(suspended_from) IS suspended_from),
    suspended_until  TEXT CHECK (suspended_until IS NULL OR date(suspended_until) IS suspended_until),
    ended_on         TEXT CHECK (ended_on IS NULL OR date(ended_on) IS ended_on),
    expanded_through TEXT CHECK (expanded_through IS NULL OR date(expanded_through) IS expanded_through),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK (window_start IS NULL OR window_end IS NULL OR window_start < window_end)
) STRICT;
CREATE INDEX series_expand ON series (status, expanded_through);

CREATE TABLE appointment (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customer (id),
    pool_id         INTEGER NOT NULL REFERENCES pool (id),
    worker_id       INTEGER REFERENCES worker (id),
    date            TEXT NOT NULL CHECK (date(date) IS date),
    window_start    TEXT CHECK (window_start IS NULL OR window_start GLOB '[0-2][0-9]:[0-5][0-9]'),
    window_end      TEXT CHECK (window_end IS NULL OR window_end GLOB '[0-2][0-9]:[0-5][0-9]'),
    duration_min    INTEGER NOT NULL CHECK (duration_min BETWEEN 1 AND 1440),
    route_order     INTEGER CHECK (route_order IS NULL OR route_order >= 0),
    service_type    TEXT NOT NULL,
    priority        TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'high', 'urgent')),
    status          TEXT NOT NULL DEFAULT 'scheduled'
                    CHECK (status IN ('scheduled', 'en_route', 'in_progress', 'paused', 'completed', 'cancelled', 'skipped')),
    status_reason   TEXT,
    status_at       TEXT,
    eta             TEXT,
    tech_note       TEXT,
    office_note     TEXT,
    series_id       INTEGER REFERENCES series (id),
    occurrence_date TEXT CHECK (occurrence_date IS NULL OR date(occurrence_date) IS occurrence_date),
    detached        INTEGER NOT NULL DEFAULT 0 CHECK (detached IN (0, 1)),
    rolled_count    INTEGER NOT NULL DEFAULT 0 CHECK (rolled_count >= 0),
    follow_up_of    INTEGER REFERENCES appointment (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (series_id, occurrence_date),
    CHECK ((series_id IS NULL) = (occurrence_date IS NULL)),
    CHECK (window_start IS NULL OR window_end IS NULL OR window_start < window_end)
) STRICT;
CREATE INDEX appointment_date ON appointment (date, worker_id, route_order);
CREATE INDEX appointment_worker ON appointment (worker_id, date);
CREATE INDEX appointment_customer ON appointment (customer_id, date);
CREATE INDEX appointment_open ON appointment (status, date) WHERE status IN ('scheduled', 'en_route');

CREATE TABLE appointment_event (
    id             INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL REFERENCES appointment (id),
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    at             TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    actor          TEXT NOT NULL,
    reason         TEXT,
    eta            TEXT
) STRICT;
CREATE INDEX appointment_event_appt ON appointment_event (appointment_id);

CREATE TABLE days_out (
    id     INTEGER PRIMARY KEY,
    value  INTEGER NOT NULL CHECK (value BETWEEN 0 AND 365),
    set_at TEXT NOT NULL,
    set_by TEXT NOT NULL
) STRICT;

CREATE TABLE notice (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient       TEXT NOT NULL,
    customer_id     INTEGER REFERENCES customer (id),
    appointment_id  INTEGER REFERENCES appointment (id),
    subject         TEXT,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    dedupe_key      TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    claimed_at      TEXT,
    claimed_by      TEXT,
    sent_at         TEXT
) STRICT;
CREATE INDEX notice_due ON notice (status, next_attempt_at);
)SQL";

// 3: service tickets — checklist, readings, doses, items used, notes, photos; inventory with its
// movements; billable lines recorded at submit.
const char* k_v3 = R"SQL(
CREATE TABLE service (
    id             INTEGER PRIMARY KEY,
    appointment_id INTEGER REFERENCES appointment (id),
    customer_id    INTEGER NOT NULL REFERENCES customer (id),
    pool_id        INTEGER NOT NULL REFERENCES pool (id),
    worker_id      INTEGER REFERENCES worker (id),
    service_type   TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted')),
    started_at     TEXT NOT NULL,
    ended_at       TEXT,
    start_lat      REAL CHECK (start_lat IS NULL OR start_lat BETWEEN -90 AND 90),
    start_lon      REAL CHECK (start_lon IS NULL OR start_lon BETWEEN -180 AND 180),
    submit_lat     REAL CHECK (submit_lat IS NULL OR submit_lat BETWEEN -90 AND 90),
    submit_lon     REAL CHECK (submit_lon IS NULL OR submit_lon BETWEEN -180 AND 180),
    gps_flag       TEXT,
    forced_reason  TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK (status = 'open' OR ended_at IS NOT NULL)
) STRICT;
CREATE UNIQUE INDEX service_one_per_appointment ON service (appointment_id) WHERE appointment_id IS NOT NULL;
CREATE INDEX service_worker ON service (worker_id, started_at);
CREATE INDEX service_pool ON service (pool_id, started_at);
CREATE INDEX service_customer ON service (customer_id, started_at);

CREATE TABLE service_check (
    service_id     INTEGER NOT NULL REFERENCES service (id),
    position       INTEGER NOT NULL,
    item           TEXT NOT NULL,
    required       INTEGER NOT NULL CHECK (required IN (0, 1)),
    photo_required INTEGER NOT NULL CHECK (photo_required IN (0, 1)),
    done_at        TEXT,
    PRIMARY KEY (service_id, item)
) STRICT;

CREATE TABLE reading (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES service (id),
    taken_at   TEXT NOT NULL,
    fc REAL CHECK (fc IS NULL OR fc >= 0), cc REAL CHECK (cc IS NULL OR cc >= 0),
    ph REAL CHECK (ph IS NULL OR ph BETWEEN 0 AND 14), ta REAL CHECK (ta IS NULL OR ta >= 0),
    ch REAL CHECK (ch IS NULL OR ch >= 0), cya REAL CHECK (cya IS NULL OR cya >= 0),
    salt REAL CHECK (salt IS NULL OR salt >= 0), phosphate REAL CHECK (phosphate IS NULL OR phosphate >= 0),
    tds REAL CHECK (tds IS NULL OR tds >= 0), temp_f REAL CHECK (temp_f IS NULL OR temp_f BETWEEN 32 AND 110),
    borate REAL CHECK (borate IS NULL OR borate >= 0),
    lsi REAL,
    csi REAL,
    flags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(flags))
) STRICT;
CREATE INDEX reading_service ON reading (service_id);

CREATE TABLE inventory_item (
    id            INTEGER PRIMARY KEY,
    sku           TEXT NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 64),
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    unit          TEXT NOT NULL,
    cost_cents    INTEGER NOT NULL DEFAULT 0 CHECK (cost_cents >= 0),
    price_cents   INTEGER NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
    stock_milli   INTEGER NOT NULL DEFAULT 0,
    reorder_milli INTEGER NOT NULL DEFAULT 0 CHECK (reorder_milli >= 0),
    chemical      TEXT,
    billable      INTEGER NOT NULL DEFAULT 1 CHECK (billable IN (0, 1)),
    taxable       INTEGER NOT NULL DEFAULT 1 CHECK (taxable IN (0, 1)),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX inventory_chemical ON inventory_item (chemical) WHERE chemical IS NOT NULL;

CREATE TABLE inventory_move (
    id             INTEGER PRIMARY KEY,
    item_id        INTEGER NOT NULL REFERENCES inventory_item (id),
    kind           TEXT NOT NULL CHECK (kind IN ('receive', 'adjust', 'use')),
    quantity_milli INTEGER NOT NULL,
    cost_cents     INTEGER CHECK (cost_cents IS NULL OR cost_cents >= 0),
    service_id     INTEGER REFERENCES service (id),
    note           TEXT,
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL
) STRICT;
CREATE INDEX inventory_move_item ON inventory_move (item_id, at);

CREATE TABLE dose (
    id             INTEGER PRIMARY KEY,
    service_id     INTEGER NOT NULL REFERENCES service (id),
    chemical       TEXT NOT NULL,
    amount_milli   INTEGER NOT NULL CHECK (amount_milli > 0),
    unit           TEXT NOT NULL,
    item_id        INTEGER REFERENCES inventory_item (id),
    stock_milli    INTEGER,
    created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX dose_service ON dose (service_id);

CREATE TABLE service_item (
    id             INTEGER PRIMARY KEY,
    service_id     INTEGER NOT NULL REFERENCES service (id),
    item_id        INTEGER NOT NULL REFERENCES inventory_item (id),
    quantity_milli INTEGER NOT NULL CHECK (quantity_milli > 0),
    created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX service_item_service ON service_item (service_id);

CREATE TABLE service_note (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES service (id),
    text       TEXT NOT NULL CHECK (length(trim(text)) > 0),
    private    INTEGER NOT NULL CHECK (private IN (0, 1)),
    author     TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX service_note_service ON service_note (service_id);

CREATE TABLE photo (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES service (id),
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    media_type TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/gif')),
    bytes      INTEGER NOT NULL CHECK (bytes > 0),
    caption    TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (service_id, sha256)
) STRICT;

CREATE TABLE billable_line (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customer (id),
    service_id       INTEGER REFERENCES service (id),
    kind             TEXT NOT NULL CHECK (kind IN ('service', 'item', 'chemical', 'monthly', 'extra')),
    description      TEXT NOT NULL,
    quantity_milli   INTEGER NOT NULL CHECK (quantity_milli > 0),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    amount_cents     INTEGER NOT NULL CHECK (amount_cents >= 0),
    taxable          INTEGER NOT NULL CHECK (taxable IN (0, 1)),
    service_date     TEXT NOT NULL CHECK (date(service_date) IS service_date),
    source_key       TEXT NOT NULL UNIQUE,
    created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX billable_line_customer ON billable_line (customer_id, service_date);
)SQL";

// 5: sales and customer service — customer status history, tag rule audit, quotes and their
// lines, callbacks, issue and warranty tickets with their routes and visits, notes with a full-text
// index. Depends only on schema 1-3 (customer, worker, pool, appointment).
const char* k_v5 = R"SQL(
ALTER TABLE customer_tag ADD COLUMN added_rule TEXT;
ALTER TABLE customer_tag ADD COLUMN removed_rule TEXT;

CREATE TABLE customer_status_change (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    from_status TEXT CHECK (from_status IS NULL OR from_status IN ('lead', 'active', 'inactive')),
    to_status   TEXT NOT NULL CHECK (to_status IN ('lead', 'active', 'inactive')),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    rule        TEXT,
    CHECK (from_status IS NOT to_status)
) STRICT;
CREATE INDEX customer_status_change_customer ON customer_status_change (customer_id, at);
-- Customers from before this schema: their history starts with the status they have now.
INSERT INTO customer_status_change (customer_id, from_status, to_status, at, actor)
SELECT id, NULL, status, created_at, 'schema 5' FROM customer;

CREATE TABLE tag_rule_run (
    id          INTEGER PRIMARY KEY,
    rule        TEXT NOT NULL CHECK (length(rule) > 0),
    event       TEXT NOT NULL CHECK (event IN ('customer_created', 'quote_sent', 'quote_accepted', 'quote_declined',
                                               'appointment_created', 'followup_stale')),
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    subject     TEXT,
    added       TEXT NOT NULL CHECK (json_valid(added)),
    removed     TEXT NOT NULL CHECK (json_valid(removed)),
    status_from TEXT,
    status_to   TEXT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL
) STRICT;
CREATE INDEX tag_rule_run_customer ON tag_rule_run (customer_id, at);
CREATE TRIGGER tag_rule_run_no_update BEFORE UPDATE ON tag_rule_run
BEGIN SELECT RAISE(ABORT, 'the tag rule log is append-only'); END;

CREATE TABLE quote (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customer (id),
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'accepted', 'declined', 'expired')),
    valid_days     INTEGER NOT NULL CHECK (valid_days BETWEEN 1 AND 365),
    valid_until    TEXT NOT NULL CHECK (date(valid_until) IS valid_until),
    total_cents    INTEGER NOT NULL CHECK (total_cents >= 0),
    terms          TEXT,
    sent_at        TEXT,
    accepted_at    TEXT,
    declined_at    TEXT,
    decline_reason TEXT,
    expired_at     TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK (status = 'draft' OR status = 'expired' OR sent_at IS NOT NULL),
    CHECK (status <> 'accepted' OR accepted_at IS NOT NULL),
    CHECK (status <> 'declined' OR (declined_at IS NOT NULL AND length(trim(decline_reason)) > 0)),
    CHECK (status <> 'expired' OR expired_at IS NOT NULL)
) STRICT;
CREATE INDEX quote_customer ON quote (customer_id, created_at);
CREATE INDEX quote_open ON quote (status, customer_id) WHERE status IN ('draft', 'sent');

CREATE TABLE quote_line (
    id               INTEGER PRIMARY KEY,
    quote_id         INTEGER NOT NULL REFERENCES quote (id),
    position         INTEGER NOT NULL CHECK (position >= 1),
    description      TEXT NOT NULL CHECK (length(trim(description)) > 0),
    quantity_milli   INTEGER NOT NULL CHECK (quantity_milli > 0),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    amount_cents     INTEGER NOT NULL CHECK (amount_cents >= 0),
    UNIQUE (quote_id, position)
) STRICT;
-- What was sent is what the customer accepts: lines change only while the quote is a draft.
CREATE TRIGGER quote_line_frozen_insert BEFORE INSERT ON quote_line
WHEN (SELECT status FROM quote WHERE id = NEW.quote_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the lines of a quote that was sent cannot change'); END;
CREATE TRIGGER quote_line_frozen_update BEFORE UPDATE ON quote_line
WHEN (SELECT status FROM quote WHERE id = OLD.quote_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the lines of a quote that was sent cannot change'); END;
CREATE TRIGGER quote_line_frozen_delete BEFORE DELETE ON quote_line
WHEN (SELECT status FROM quote WHERE id = OLD.quote_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'the lines of a quote that was sent cannot change'); END;

CREATE TABLE ticket (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customer (id),
    pool_id        INTEGER REFERENCES pool (id),
    category       TEXT NOT NULL CHECK (category IN ('question', 'communication', 'construction', 'service', 'warranty',
                                                     'chemistry', 'route')),
    severity       TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    urgency        TEXT NOT NULL CHECK (urgency IN ('low', 'normal', 'high')),
    summary        TEXT NOT NULL CHECK (length(trim(summary)) > 0),
    told           TEXT NOT NULL CHECK (length(trim(told)) > 0),
    owner_id       INTEGER NOT NULL REFERENCES worker (id),
    source         TEXT NOT NULL CHECK (source IN ('phone', 'email', 'meeting', 'portal')),
    warranty       TEXT CHECK (warranty IS NULL OR warranty IN ('in', 'out', 'unknown')),
    warranty_until TEXT CHECK (warranty_until IS NULL OR date(warranty_until) IS warranty_until),
    promise_s      INTEGER NOT NULL CHECK (promise_s > 0),
    due_at         TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    route          TEXT CHECK (route IS NULL OR route IN ('customer-service', 'construction', 'service', 'warranty',
                                                          'service-plan', 'route-planning')),
    next_action    TEXT,
    outcome        TEXT,
    notified_at    TEXT,
    closed_at      TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK (warranty_until IS NULL OR warranty = 'in'),
    -- the loop is closed only when the homeowner was told and the outcome is written down
    CHECK (status <> 'closed' OR (closed_at IS NOT NULL AND notified_at IS NOT NULL AND length(trim(outcome)) > 0))
) STRICT;
CREATE INDEX ticket_open ON ticket (due_at) WHERE status = 'open';
CREATE INDEX ticket_owner ON ticket (owner_id, status);
CREATE INDEX ticket_customer ON ticket (customer_id, created_at);

CREATE TABLE ticket_route (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES ticket (id),
    route       TEXT NOT NULL,
    next_action TEXT NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_route_ticket ON ticket_route (ticket_id);

CREATE TABLE ticket_visit (
    id             INTEGER PRIMARY KEY,
    ticket_id      INTEGER NOT NULL REFERENCES ticket (id),
    appointment_id INTEGER NOT NULL UNIQUE REFERENCES appointment (id)
) STRICT;
CREATE INDEX ticket_visit_ticket ON ticket_visit (ticket_id);

CREATE TABLE callback (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customer (id),
    contact         TEXT NOT NULL CHECK (contact IN ('phone', 'email', 'sms')),
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    owner_id        INTEGER NOT NULL REFERENCES worker (id),
    due_at          TEXT NOT NULL,
    first_due_at    TEXT NOT NULL,
    summary         TEXT NOT NULL CHECK (length(trim(summary)) > 0),
    ticket_id       INTEGER REFERENCES ticket (id),
    appointment_id  INTEGER REFERENCES appointment (id),
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    outcome         TEXT,
    done_at         TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((status = 'done') = (done_at IS NOT NULL)),
    CHECK (status <> 'done' OR length(trim(outcome)) > 0)
) STRICT;
CREATE INDEX callback_open ON callback (due_at) WHERE status = 'open';
CREATE INDEX callback_owner ON callback (owner_id, due_at) WHERE status = 'open';
CREATE INDEX callback_customer ON callback (customer_id, created_at);
CREATE INDEX callback_ticket ON callback (ticket_id) WHERE ticket_id IS NOT NULL;

CREATE TABLE note (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customer (id),
    ticket_id      INTEGER REFERENCES ticket (id),
    appointment_id INTEGER REFERENCES appointment (id),
    callback_id    INTEGER REFERENCES callback (id),
    kind           TEXT NOT NULL CHECK (kind IN ('meeting', 'call', 'transcript', 'internal')),
    text           TEXT NOT NULL CHECK (length(trim(text)) > 0),
    source_file    TEXT,
    author         TEXT NOT NULL,
    created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX note_customer ON note (customer_id, created_at);
CREATE TRIGGER note_no_update BEFORE UPDATE ON note
BEGIN SELECT RAISE(ABORT, 'notes are a record of what was said: add a new note instead'); END;
CREATE VIRTUAL TABLE note_fts USING fts5 (text, content = 'note', content_rowid = 'id', tokenize = 'porter unicode61');
CREATE TRIGGER note_fts_insert AFTER INSERT ON note
BEGIN INSERT INTO note_fts (rowid, text) VALUES (NEW.id, NEW.text); END;
CREATE TRIGGER note_fts_delete AFTER DELETE ON note
BEGIN INSERT INTO note_fts (note_fts, rowid, text) VALUES ('delete', OLD.id, OLD.text); END;
)SQL";

}  // namespace

const std::vector<std::string>& migrations() {
    static const std::vector<std::string> all{k_v1, k_v2, k_v3, k_v5};
    return all;
}

}  // namespace pom
