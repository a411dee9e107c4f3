#include "store/sqlite/migrations.h"

#include "error.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <cctype>
#include <regex>

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


// 4: the notice outbox keeps notices it will not send (a recipient not opted in: 'skipped', with
// the reason), and a sent notice can never go back to the queue: the schema refuses.
const char* k_v4 = R"SQL(
CREATE TABLE notice_v4 (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient       TEXT NOT NULL,
    customer_id     INTEGER REFERENCES customer (id),
    appointment_id  INTEGER REFERENCES appointment (id),
    subject         TEXT,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    skip_reason     TEXT CHECK ((status = 'skipped') = (skip_reason IS NOT NULL)),
    dedupe_key      TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    claimed_at      TEXT,
    claimed_by      TEXT,
    sent_at         TEXT,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    CHECK (status != 'sending' OR (claimed_at IS NOT NULL AND claimed_by IS NOT NULL))
) STRICT;
INSERT INTO notice_v4 (id, kind, channel, recipient, customer_id, appointment_id, subject, body, status, attempts,
                       next_attempt_at, last_error, dedupe_key, created_at, claimed_at, claimed_by, sent_at)
    SELECT id, kind, channel, recipient, customer_id, appointment_id, subject, body, status, attempts,
           next_attempt_at, last_error, dedupe_key, created_at, claimed_at, claimed_by, sent_at FROM notice;
DROP TABLE notice;
ALTER TABLE notice_v4 RENAME TO notice;
CREATE INDEX notice_due ON notice (status, next_attempt_at);
CREATE INDEX notice_appointment ON notice (appointment_id);
CREATE TRIGGER notice_sent_is_final BEFORE UPDATE OF status ON notice
    WHEN OLD.status = 'sent' AND NEW.status != 'sent'
BEGIN
    SELECT RAISE(ABORT, 'notice already sent: a sent notice is never queued again');
END;
)SQL";

// 5: billing — plans, invoices and credit notes with gapless numbers, payments, export batches.
// A billable line is billed at most once (invoice_line.billable_line_id is UNIQUE); an issued
// invoice or credit note, its lines and its payments never change (triggers refuse it).
const char* k_v5 = R"SQL(
CREATE TABLE billing_plan (
    id                  INTEGER PRIMARY KEY,
    customer_id         INTEGER NOT NULL UNIQUE REFERENCES customer (id),
    monthly_cents       INTEGER CHECK (monthly_cents IS NULL OR monthly_cents >= 0),
    monthly_timing      TEXT NOT NULL DEFAULT 'arrears' CHECK (monthly_timing IN ('advance', 'arrears')),
    monthly_description TEXT,
    starts_on           TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    chemicals           TEXT NOT NULL DEFAULT 'billed' CHECK (chemicals IN ('billed', 'included')),
    parts               TEXT NOT NULL DEFAULT 'billed' CHECK (parts IN ('billed', 'included')),
    terms               TEXT,
    tax_exempt          INTEGER NOT NULL DEFAULT 0 CHECK (tax_exempt IN (0, 1)),
    tax_rate            TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;

CREATE TABLE billing_plan_price (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES billing_plan (customer_id),
    service_type TEXT NOT NULL,
    price_cents  INTEGER NOT NULL CHECK (price_cents >= 0),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (customer_id, service_type)
) STRICT;

CREATE TABLE number_series (
    kind   TEXT PRIMARY KEY CHECK (kind IN ('invoice', 'credit')),
    last   INTEGER NOT NULL DEFAULT 0 CHECK (last >= 0)
) STRICT;
INSERT INTO number_series (kind, last) VALUES ('invoice', 0), ('credit', 0);
CREATE TRIGGER number_series_only_up BEFORE UPDATE ON number_series
WHEN NEW.last != OLD.last + 1 OR NEW.kind != OLD.kind
BEGIN SELECT RAISE(ABORT, 'a number series only moves up by one'); END;
CREATE TRIGGER number_series_no_delete BEFORE DELETE ON number_series
BEGIN SELECT RAISE(ABORT, 'a number series is never deleted'); END;

CREATE TABLE invoice (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'credit')),
    customer_id     INTEGER NOT NULL REFERENCES customer (id),
    period          TEXT,
    period_end      TEXT NOT NULL CHECK (date(period_end) IS period_end),
    seq             INTEGER CHECK (seq IS NULL OR seq > 0),
    number          TEXT UNIQUE,
    issue_date      TEXT CHECK (issue_date IS NULL OR date(issue_date) IS issue_date),
    due_date        TEXT CHECK (due_date IS NULL OR date(due_date) IS due_date),
    terms           TEXT NOT NULL,
    terms_days      INTEGER NOT NULL CHECK (terms_days BETWEEN 0 AND 365),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    tax_name        TEXT NOT NULL,
    tax_rate_micro  INTEGER NOT NULL CHECK (tax_rate_micro BETWEEN 0 AND 1000000),
    tax_level       TEXT NOT NULL CHECK (tax_level IN ('line', 'invoice')),
    tax_rounding    TEXT NOT NULL CHECK (tax_rounding IN ('half-up', 'half-even')),
    subtotal_cents  INTEGER NOT NULL CHECK (subtotal_cents >= 0),
    tax_cents       INTEGER NOT NULL CHECK (tax_cents >= 0),
    total_cents     INTEGER NOT NULL CHECK (total_cents = subtotal_cents + tax_cents),
    credits_invoice_id INTEGER REFERENCES invoice (id),
    full_reversal   INTEGER NOT NULL DEFAULT 0 CHECK (full_reversal IN (0, 1)),
    reason          TEXT,
    bill_to_name    TEXT,
    bill_to_email   TEXT,
    bill_to_street  TEXT,
    bill_to_city    TEXT,
    bill_to_state   TEXT,
    bill_to_zip     TEXT,
    issued_at       TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (kind, seq),
    CHECK ((seq IS NULL) = (number IS NULL) AND (seq IS NULL) = (issued_at IS NULL)
           AND (seq IS NULL) = (issue_date IS NULL) AND (seq IS NULL) = (due_date IS NULL)),
    CHECK ((kind = 'credit') = (credits_invoice_id IS NOT NULL)),
    CHECK (kind = 'credit' OR full_reversal = 0)
) STRICT;
CREATE INDEX invoice_customer ON invoice (customer_id, issue_date);
CREATE INDEX invoice_draft ON invoice (customer_id, period_end) WHERE seq IS NULL;
CREATE INDEX invoice_credits ON invoice (credits_invoice_id) WHERE credits_invoice_id IS NOT NULL;
CREATE INDEX invoice_issue_date ON invoice (issue_date) WHERE seq IS NOT NULL;

CREATE TABLE invoice_line (
    id               INTEGER PRIMARY KEY,
    invoice_id       INTEGER NOT NULL REFERENCES invoice (id),
    position         INTEGER NOT NULL CHECK (position > 0),
    billable_line_id INTEGER UNIQUE REFERENCES billable_line (id),
    credits_line_id  INTEGER REFERENCES invoice_line (id),
    kind             TEXT NOT NULL CHECK (kind IN ('service', 'item', 'chemical', 'monthly', 'extra', 'adjustment')),
    item             TEXT NOT NULL,
    description      TEXT NOT NULL,
    quantity_milli   INTEGER NOT NULL CHECK (quantity_milli > 0),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    amount_cents     INTEGER NOT NULL CHECK (amount_cents >= 0),
    taxable          INTEGER NOT NULL CHECK (taxable IN (0, 1)),
    tax_cents        INTEGER NOT NULL CHECK (tax_cents >= 0 AND (taxable = 1 OR tax_cents = 0)),
    included         INTEGER NOT NULL DEFAULT 0 CHECK (included IN (0, 1) AND (included = 0 OR amount_cents = 0)),
    service_date     TEXT NOT NULL CHECK (date(service_date) IS service_date),
    UNIQUE (invoice_id, position)
) STRICT;

-- Issuing takes the next number of the series, exactly: no gaps, no reuse, checked by the schema.
CREATE TRIGGER invoice_issue_number BEFORE UPDATE OF seq ON invoice
WHEN OLD.seq IS NULL AND NEW.seq IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'an invoice number must be the next of its series')
     WHERE NEW.seq != (SELECT last FROM number_series WHERE kind = NEW.kind)
        OR NEW.seq != 1 + coalesce((SELECT max(seq) FROM invoice WHERE kind = NEW.kind), 0);
    SELECT RAISE(ABORT, 'an issued invoice must add up: its lines, tax and total disagree')
     WHERE NEW.subtotal_cents != (SELECT coalesce(sum(amount_cents), 0) FROM invoice_line WHERE invoice_id = NEW.id)
        OR NEW.tax_cents != (SELECT coalesce(sum(tax_cents), 0) FROM invoice_line WHERE invoice_id = NEW.id)
        OR NOT EXISTS (SELECT 1 FROM invoice_line WHERE invoice_id = NEW.id);
END;
CREATE TRIGGER invoice_insert_draft BEFORE INSERT ON invoice
WHEN NEW.seq IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an invoice is created as a draft and then issued'); END;
CREATE TRIGGER invoice_issued_immutable BEFORE UPDATE ON invoice
WHEN OLD.seq IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes'); END;
CREATE TRIGGER invoice_issued_no_delete BEFORE DELETE ON invoice
WHEN OLD.seq IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes'); END;
CREATE TRIGGER invoice_line_issued_insert BEFORE INSERT ON invoice_line
WHEN (SELECT seq FROM invoice WHERE id = NEW.invoice_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes'); END;
CREATE TRIGGER invoice_line_issued_update BEFORE UPDATE ON invoice_line
WHEN (SELECT seq FROM invoice WHERE id = OLD.invoice_id) IS NOT NULL
  OR (SELECT seq FROM invoice WHERE id = NEW.invoice_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes'); END;
CREATE TRIGGER invoice_line_issued_delete BEFORE DELETE ON invoice_line
WHEN (SELECT seq FROM invoice WHERE id = OLD.invoice_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes'); END;
CREATE TRIGGER billable_line_billed_immutable BEFORE UPDATE ON billable_line
WHEN EXISTS (SELECT 1 FROM invoice_line WHERE billable_line_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a billed line never changes'); END;
CREATE TRIGGER billable_line_billed_no_delete BEFORE DELETE ON billable_line
WHEN EXISTS (SELECT 1 FROM invoice_line WHERE billable_line_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a billed line never changes'); END;

CREATE TABLE payment (
    id            INTEGER PRIMARY KEY,
    invoice_id    INTEGER NOT NULL REFERENCES invoice (id),
    customer_id   INTEGER NOT NULL REFERENCES customer (id),
    amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
    applied_cents INTEGER NOT NULL CHECK (applied_cents >= 0 AND applied_cents <= amount_cents),
    paid_on       TEXT NOT NULL CHECK (date(paid_on) IS paid_on),
    method        TEXT NOT NULL CHECK (method IN ('cash', 'check', 'card', 'ach', 'other')),
    ref           TEXT,
    created_at    TEXT NOT NULL,
    actor         TEXT NOT NULL
) STRICT;
CREATE INDEX payment_invoice ON payment (invoice_id);
CREATE INDEX payment_customer ON payment (customer_id);
-- A payment goes to an issued invoice of its customer, and never applies more than is owed.
CREATE TRIGGER payment_check BEFORE INSERT ON payment
BEGIN
    SELECT RAISE(ABORT, 'payments go to issued invoices of the same customer')
     WHERE NOT EXISTS (SELECT 1 FROM invoice WHERE id = NEW.invoice_id AND kind = 'invoice'
                          AND seq IS NOT NULL AND customer_id = NEW.customer_id);
    SELECT RAISE(ABORT, 'a payment cannot apply more than the balance of its invoice')
     WHERE NEW.applied_cents > (SELECT total_cents FROM invoice WHERE id = NEW.invoice_id)
           - (SELECT coalesce(sum(applied_cents), 0) FROM payment WHERE invoice_id = NEW.invoice_id)
           - (SELECT coalesce(sum(total_cents), 0) FROM invoice WHERE credits_invoice_id = NEW.invoice_id AND seq IS NOT NULL);
END;
CREATE TRIGGER payment_no_update BEFORE UPDATE ON payment
BEGIN SELECT RAISE(ABORT, 'a recorded payment never changes'); END;
CREATE TRIGGER payment_no_delete BEFORE DELETE ON payment
BEGIN SELECT RAISE(ABORT, 'a recorded payment never changes'); END;

CREATE TABLE export_batch (
    id             INTEGER PRIMARY KEY,
    format         TEXT NOT NULL CHECK (format IN ('csv', 'json', 'qbo', 'iif', 'xero')),
    selection      TEXT NOT NULL CHECK (json_valid(selection)),
    settings       TEXT NOT NULL CHECK (json_valid(settings)),
    invoice_count  INTEGER NOT NULL CHECK (invoice_count >= 0),
    line_count     INTEGER NOT NULL CHECK (line_count >= 0),
    total_cents    INTEGER NOT NULL,
    tax_cents      INTEGER NOT NULL,
    files          INTEGER NOT NULL CHECK (files >= 1),
    bytes          INTEGER NOT NULL CHECK (bytes >= 0),
    sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
    created_at     TEXT NOT NULL,
    actor          TEXT NOT NULL
) STRICT;
CREATE TABLE export_batch_invoice (
    batch_id   INTEGER NOT NULL REFERENCES export_batch (id),
    invoice_id INTEGER NOT NULL REFERENCES invoice (id),
    PRIMARY KEY (batch_id, invoice_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX export_batch_invoice_invoice ON export_batch_invoice (invoice_id);
CREATE TRIGGER export_batch_no_update BEFORE UPDATE ON export_batch
BEGIN SELECT RAISE(ABORT, 'an export batch never changes'); END;
CREATE TRIGGER export_batch_no_delete BEFORE DELETE ON export_batch
BEGIN SELECT RAISE(ABORT, 'an export batch never changes'); END;
CREATE TRIGGER export_batch_invoice_no_delete BEFORE DELETE ON export_batch_invoice
BEGIN SELECT RAISE(ABORT, 'an export batch never changes'); END;
CREATE INDEX billable_line_service ON billable_line (service_id) WHERE service_id IS NOT NULL;
)SQL";

// 6: service list over a date range for every worker (the office's month, `--flagged`) reads by
// start instead of scanning every ticket.
const char* k_v6 = R"SQL(
CREATE INDEX service_started ON service (started_at);
)SQL";

// 7: sales and customer service — customer status history, tag rule audit, quotes and their
// lines, callbacks, issue and warranty tickets with their routes and visits, notes with a full-text
// index. Depends only on schema 1-3 (customer, worker, pool, appointment).
const char* k_v7 = R"SQL(
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
SELECT id, NULL, status, created_at, 'schema 7' FROM customer;

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

// 8: CHECK (col IN ('a', 'b', 'c')) becomes CHECK ((col = 'a' OR col = 'b' OR col = 'c')).
// SQLite 3.40 codes an IN list of three or more values inside a CHECK as a temporary b-tree that
// it builds afresh for every row written: 2-4 us per row and list, a fifth of `appt expand` and a
// cost on every audit row. Comparisons cost next to nothing. Only the text of CHECK constraints
// changes, which SQLite documents as safe through writable_schema when the stored rows satisfy
// the new constraints (https://sqlite.org/lang_altertable.html, "making other kinds of table
// schema changes"): these say the same thing. The schema version is bumped so that every
// connection re-reads the schema.
void v8_checks_without_in_lists(SQLite::Database& db) {
    std::vector<std::pair<std::string, std::string>> changed;
    {
        SQLite::Statement q(db, "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE TABLE%'");
        while (q.executeStep()) {
            std::string sql = q.getColumn(1).getString();
            std::string rewritten = in_lists_as_comparisons(sql);
            if (rewritten != sql) changed.emplace_back(q.getColumn(0).getString(), rewritten);
        }
    }
    if (changed.empty()) return;
    int version = db.execAndGet("PRAGMA schema_version").getInt();
    db.exec("PRAGMA writable_schema = ON");
    for (const auto& [name, sql] : changed) {
        SQLite::Statement u(db, "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?");
        u.bind(1, sql);
        u.bind(2, name);
        u.exec();
    }
    db.exec("PRAGMA schema_version = " + std::to_string(version + 1));
    db.exec("PRAGMA writable_schema = OFF");
}

// 9: rollover finds past visits still open through the date index, which now carries the status;
// the partial index of open visits goes. Every visit expand creates is open, so that index took a
// fifth of the b-tree work of each expanded visit to serve one query a day, which a scan of the
// date index (no table reads) answers in about 150 ms over three years of a large company's
// history. Visits that were rolled over get a partial index of their own: `appt list --rolled`
// read the whole table (a second over those three years), and a visit enters it only when rolled.
const char* k_v9 = R"SQL(
DROP INDEX appointment_open;
DROP INDEX appointment_date;
CREATE INDEX appointment_date ON appointment (date, worker_id, route_order, status);
CREATE INDEX appointment_rolled ON appointment (date) WHERE rolled_count > 0;
)SQL";

// 10: the name index carries every column `customer list` reads, so the list (5,000 customers in
// name order) is one pass over the index instead of a table look-up per customer in name order,
// each on a different page: 45 -> 35 ms for 5,000 customers, 130 -> 126 M instructions. Writing a
// customer costs one wider index entry (an import of 10,000: 851 -> 873 ms).
const char* k_v10 = R"SQL(
DROP INDEX customer_name;
CREATE INDEX customer_name ON customer (name COLLATE NOCASE, id, ref, company, status, street, city, state, zip, notes,
                                        created_at, updated_at);
)SQL";

// 11: the data of `pom serve` (issue 15). A worker may be an accountant. An API token is a
// worker's secret for the HTTP API, kept only as the SHA-256 of the secret (hex), which is how a
// request finds it: one read of the unique index. An API answer is what a POST with an
// Idempotency-Key answered, kept a week so that a retry of it gets the same answer instead of
// a second change; the key is what the client sent (1-200 printable ASCII characters, the
// sf-string of the Idempotency-Key draft), unique per worker.
const char* k_v11 = R"SQL(
CREATE TABLE api_token (
    id          INTEGER PRIMARY KEY,
    worker_id   INTEGER NOT NULL REFERENCES worker (id),
    label       TEXT,
    secret_hash TEXT NOT NULL UNIQUE CHECK (length(secret_hash) = 64 AND secret_hash NOT GLOB '*[^0-9a-f]*'),
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    revoked_at  TEXT
) STRICT;
CREATE INDEX api_token_worker ON api_token (worker_id, id);

CREATE TABLE api_answer (
    id          INTEGER PRIMARY KEY,
    worker_id   INTEGER NOT NULL REFERENCES worker (id),
    key         TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200 AND key NOT GLOB '*[^ -~]*'),
    fingerprint TEXT NOT NULL CHECK (length(fingerprint) > 0),
    status      INTEGER NOT NULL CHECK (status BETWEEN 100 AND 599),
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (worker_id, key)
) STRICT;
CREATE INDEX api_answer_created ON api_answer (created_at);
)SQL";

// 12: one-time sign-in codes for the browser pages of `pom serve` (issue 16). The office prints a
// link with a code (`pom worker login-link`); the technician's phone exchanges it once, before it
// expires, for a new API token. Only the code's SHA-256 (hex) is kept, as for a token.
const char* k_v12 = R"SQL(
CREATE TABLE login_code (
    id          INTEGER PRIMARY KEY,
    worker_id   INTEGER NOT NULL REFERENCES worker (id),
    code_hash   TEXT NOT NULL UNIQUE CHECK (length(code_hash) = 64 AND code_hash NOT GLOB '*[^0-9a-f]*'),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    token_id    INTEGER REFERENCES api_token (id)
) STRICT;
CREATE INDEX login_code_worker ON login_code (worker_id, id);
)SQL";

/// Replaces CHECK texts of one table in place, each found exactly once (any other text is a schema
/// pom did not make). Only for changes that widen what a column takes, so every stored row still
/// satisfies them: the change SQLite documents as safe through writable_schema (see migration 8),
/// without rebuilding a table others refer to.
void widen_checks(SQLite::Database& db, int migration, const std::string& table,
                  const std::vector<std::pair<std::string, std::string>>& checks) {
    SQLite::Statement get(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?");
    get.bind(1, table);
    if (!get.executeStep()) fail(ErrorKind::Internal, "schema " + std::to_string(migration) + ": no " + table + " table");
    std::string sql = get.getColumn(0).getString();
    get.reset();
    for (const auto& [old_text, new_text] : checks) {
        auto at = sql.find(old_text);
        if (at == std::string::npos || sql.find(old_text, at + 1) != std::string::npos)
            fail(ErrorKind::Internal, "schema " + std::to_string(migration) + ": the " + table + " table's CHECKs are not the ones pom made");
        sql.replace(at, old_text.size(), new_text);
    }
    int version = db.execAndGet("PRAGMA schema_version").getInt();
    db.exec("PRAGMA writable_schema = ON");
    SQLite::Statement u(db, "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?");
    u.bind(1, sql);
    u.bind(2, table);
    u.exec();
    db.exec("PRAGMA schema_version = " + std::to_string(version + 1));
    db.exec("PRAGMA writable_schema = OFF");
}

// 11, continued: worker.role takes 'accountant'. Only the CHECK's text changes, and it only
// widens what the column takes, so every stored row satisfies it: the change SQLite documents as
// safe through writable_schema (see migration 8), without rebuilding a table that seven others
// refer to. The text is the one migration 8 left; any other text is a schema pom did not make.
void v11_accountant_role(SQLite::Database& db) {
    widen_checks(db, 11, "worker",
                 {{"(role = 'technician' OR role = 'office' OR role = 'manager' OR role = 'admin')",
                   "(role = 'technician' OR role = 'office' OR role = 'manager' OR role = 'accountant' OR role = 'admin')"}});
}

// 13: routes (issue 22). A technician's day starts (and may end) at a place of their own, home or
// the shop, and has working hours; without them the config's `[routing] depot` and the visits'
// own times stand in. A visit the office pinned keeps its place when its route is optimised.
const char* k_v13 = R"SQL(
ALTER TABLE worker ADD COLUMN start_lat REAL CHECK (start_lat IS NULL OR start_lat BETWEEN -90 AND 90);
ALTER TABLE worker ADD COLUMN start_lon REAL CHECK (start_lon IS NULL OR start_lon BETWEEN -180 AND 180);
ALTER TABLE worker ADD COLUMN end_lat REAL CHECK (end_lat IS NULL OR end_lat BETWEEN -90 AND 90);
ALTER TABLE worker ADD COLUMN end_lon REAL CHECK (end_lon IS NULL OR end_lon BETWEEN -180 AND 180);
ALTER TABLE worker ADD COLUMN day_start TEXT CHECK (day_start IS NULL OR day_start GLOB '[0-2][0-9]:[0-5][0-9]');
ALTER TABLE worker ADD COLUMN day_end TEXT CHECK (day_end IS NULL OR day_end GLOB '[0-2][0-9]:[0-5][0-9]');
ALTER TABLE appointment ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1));
)SQL";

// 15: one payment model (issue 18). A payment is money received from a customer; it no longer
// belongs to one invoice: payment_application applies it, in parts, to that customer's issued
// invoices, and what is not applied is the customer's credit. Credit also comes from an invoice
// whose credit notes came to more than it still owed (source_invoice_id): that surplus can be
// applied to another invoice or paid back. A refund pays credit back (its applications say where
// the credit came from); a write-off closes (part of) a balance into the write-off account.
// An invoice's balance is its total, less what was applied to it, its issued credit notes and
// its write-offs, plus what of its surplus was used elsewhere; the triggers keep it from going
// below zero through an application or write-off, and keep a payment or a surplus from being used
// beyond what it holds. None of these rows ever changes. payment.invoice_id stays as the invoice a
// payment was recorded against with `bill pay INVOICE` (NULL for a customer's payment), and its
// applied_cents becomes the payment's first application (dated the day it was paid). Payment
// exports remember what they carried in export_batch_entry; export_batch.content says whether
// a batch carried invoices or payments (the formats are the same five, so the format CHECK stays).
// payment is rebuilt (SQLite cannot drop a NOT NULL); nothing referred to it yet.
const char* k_v15 = R"SQL(
CREATE TEMP TABLE v14_applied AS
    SELECT id, customer_id, invoice_id, applied_cents, paid_on, created_at, actor FROM payment WHERE applied_cents > 0;
CREATE TABLE payment_v14 (
    id            INTEGER PRIMARY KEY,
    invoice_id    INTEGER REFERENCES invoice (id),
    customer_id   INTEGER NOT NULL REFERENCES customer (id),
    amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
    paid_on       TEXT NOT NULL CHECK (date(paid_on) IS paid_on),
    method        TEXT NOT NULL CHECK ((method = 'cash' OR method = 'check' OR method = 'card' OR method = 'ach' OR method = 'other')),
    ref           TEXT,
    created_at    TEXT NOT NULL,
    actor         TEXT NOT NULL
) STRICT;
INSERT INTO payment_v14 (id, invoice_id, customer_id, amount_cents, paid_on, method, ref, created_at, actor)
    SELECT id, invoice_id, customer_id, amount_cents, paid_on, method, ref, created_at, actor FROM payment ORDER BY id;
DROP TABLE payment;
ALTER TABLE payment_v14 RENAME TO payment;
CREATE INDEX payment_invoice ON payment (invoice_id);
CREATE INDEX payment_customer ON payment (customer_id);
CREATE INDEX payment_paid_on ON payment (paid_on);
CREATE TRIGGER payment_no_update BEFORE UPDATE ON payment
BEGIN SELECT RAISE(ABORT, 'a recorded payment never changes'); END;
CREATE TRIGGER payment_no_delete BEFORE DELETE ON payment
BEGIN SELECT RAISE(ABORT, 'a recorded payment never changes'); END;

CREATE TABLE refund (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customer (id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    refunded_on  TEXT NOT NULL CHECK (date(refunded_on) IS refunded_on),
    method       TEXT NOT NULL CHECK ((method = 'cash' OR method = 'check' OR method = 'card' OR method = 'ach' OR method = 'other')),
    ref          TEXT,
    reason       TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    created_at   TEXT NOT NULL,
    actor        TEXT NOT NULL
) STRICT;
CREATE INDEX refund_customer ON refund (customer_id);
CREATE TRIGGER refund_no_update BEFORE UPDATE ON refund
BEGIN SELECT RAISE(ABORT, 'a recorded refund never changes'); END;
CREATE TRIGGER refund_no_delete BEFORE DELETE ON refund
BEGIN SELECT RAISE(ABORT, 'a recorded refund never changes'); END;

CREATE TABLE write_off (
    id           INTEGER PRIMARY KEY,
    invoice_id   INTEGER NOT NULL REFERENCES invoice (id),
    customer_id  INTEGER NOT NULL REFERENCES customer (id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    written_on   TEXT NOT NULL CHECK (date(written_on) IS written_on),
    account      TEXT NOT NULL CHECK (length(trim(account)) > 0),
    reason       TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    created_at   TEXT NOT NULL,
    actor        TEXT NOT NULL
) STRICT;
CREATE INDEX write_off_invoice ON write_off (invoice_id);
CREATE INDEX write_off_customer ON write_off (customer_id);

CREATE TABLE payment_application (
    id                INTEGER PRIMARY KEY,
    customer_id       INTEGER NOT NULL REFERENCES customer (id),
    payment_id        INTEGER REFERENCES payment (id),
    source_invoice_id INTEGER REFERENCES invoice (id),
    invoice_id        INTEGER REFERENCES invoice (id),
    refund_id         INTEGER REFERENCES refund (id),
    kind              TEXT NOT NULL CHECK ((kind = 'payment' OR kind = 'credit' OR kind = 'refund')),
    amount_cents      INTEGER NOT NULL CHECK (amount_cents > 0),
    applied_on        TEXT NOT NULL CHECK (date(applied_on) IS applied_on),
    created_at        TEXT NOT NULL,
    actor             TEXT NOT NULL,
    CHECK ((payment_id IS NULL) <> (source_invoice_id IS NULL)),
    CHECK ((invoice_id IS NULL) <> (refund_id IS NULL)),
    CHECK ((refund_id IS NOT NULL) = (kind = 'refund'))
) STRICT;
CREATE INDEX payment_application_customer ON payment_application (customer_id);
CREATE INDEX payment_application_payment ON payment_application (payment_id);
CREATE INDEX payment_application_source ON payment_application (source_invoice_id);
CREATE INDEX payment_application_invoice ON payment_application (invoice_id);
CREATE INDEX payment_application_refund ON payment_application (refund_id);
INSERT INTO payment_application (customer_id, payment_id, invoice_id, kind, amount_cents, applied_on, created_at, actor)
    SELECT customer_id, id, invoice_id, 'payment', applied_cents, paid_on, created_at, actor FROM temp.v14_applied ORDER BY id;
DROP TABLE temp.v14_applied;

-- After the copy: a payment recorded before a credit note of its invoice may leave that invoice
-- below zero, which is the customer's credit, as it was.
CREATE TRIGGER payment_check BEFORE INSERT ON payment
WHEN NEW.invoice_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'payments go to issued invoices of the same customer')
     WHERE NOT EXISTS (SELECT 1 FROM invoice WHERE id = NEW.invoice_id AND kind = 'invoice'
                          AND seq IS NOT NULL AND customer_id = NEW.customer_id);
END;
CREATE TRIGGER payment_application_check BEFORE INSERT ON payment_application
BEGIN
    SELECT RAISE(ABORT, 'credit is applied to issued invoices of the same customer')
     WHERE NEW.invoice_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM invoice WHERE id = NEW.invoice_id AND kind = 'invoice'
                                                         AND seq IS NOT NULL AND customer_id = NEW.customer_id);
    SELECT RAISE(ABORT, 'credit is applied from a payment or invoice of the same customer')
     WHERE (NEW.payment_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM payment WHERE id = NEW.payment_id AND customer_id = NEW.customer_id))
        OR (NEW.source_invoice_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM invoice WHERE id = NEW.source_invoice_id
                                                                 AND kind = 'invoice' AND seq IS NOT NULL AND customer_id = NEW.customer_id))
        OR (NEW.refund_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM refund WHERE id = NEW.refund_id AND customer_id = NEW.customer_id));
    SELECT RAISE(ABORT, 'an application cannot take an invoice below zero')
     WHERE NEW.invoice_id IS NOT NULL AND NEW.amount_cents > ((SELECT total_cents FROM invoice WHERE id = NEW.invoice_id)
           - (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE invoice_id = NEW.invoice_id)
           + (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE source_invoice_id = NEW.invoice_id)
           - (SELECT coalesce(sum(total_cents), 0) FROM invoice WHERE credits_invoice_id = NEW.invoice_id AND seq IS NOT NULL)
           - (SELECT coalesce(sum(amount_cents), 0) FROM write_off WHERE invoice_id = NEW.invoice_id));
    SELECT RAISE(ABORT, 'an application cannot use more of a payment than is left of it')
     WHERE NEW.payment_id IS NOT NULL AND NEW.amount_cents > (SELECT amount_cents FROM payment WHERE id = NEW.payment_id)
           - (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE payment_id = NEW.payment_id);
    SELECT RAISE(ABORT, 'an application cannot use more credit than an invoice''s credit notes left over')
     WHERE NEW.source_invoice_id IS NOT NULL AND NEW.amount_cents > -((SELECT total_cents FROM invoice WHERE id = NEW.source_invoice_id)
           - (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE invoice_id = NEW.source_invoice_id)
           + (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE source_invoice_id = NEW.source_invoice_id)
           - (SELECT coalesce(sum(total_cents), 0) FROM invoice WHERE credits_invoice_id = NEW.source_invoice_id AND seq IS NOT NULL)
           - (SELECT coalesce(sum(amount_cents), 0) FROM write_off WHERE invoice_id = NEW.source_invoice_id));
END;
CREATE TRIGGER payment_application_no_update BEFORE UPDATE ON payment_application
BEGIN SELECT RAISE(ABORT, 'a recorded payment never changes'); END;
CREATE TRIGGER payment_application_no_delete BEFORE DELETE ON payment_application
BEGIN SELECT RAISE(ABORT, 'a recorded payment never changes'); END;
CREATE TRIGGER write_off_check BEFORE INSERT ON write_off
BEGIN
    SELECT RAISE(ABORT, 'write-offs go to issued invoices of the same customer')
     WHERE NOT EXISTS (SELECT 1 FROM invoice WHERE id = NEW.invoice_id AND kind = 'invoice'
                          AND seq IS NOT NULL AND customer_id = NEW.customer_id);
    SELECT RAISE(ABORT, 'a write-off cannot take an invoice below zero')
     WHERE NEW.amount_cents > ((SELECT total_cents FROM invoice WHERE id = NEW.invoice_id)
           - (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE invoice_id = NEW.invoice_id)
           + (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE source_invoice_id = NEW.invoice_id)
           - (SELECT coalesce(sum(total_cents), 0) FROM invoice WHERE credits_invoice_id = NEW.invoice_id AND seq IS NOT NULL)
           - (SELECT coalesce(sum(amount_cents), 0) FROM write_off WHERE invoice_id = NEW.invoice_id));
END;
CREATE TRIGGER write_off_no_update BEFORE UPDATE ON write_off
BEGIN SELECT RAISE(ABORT, 'a recorded write-off never changes'); END;
CREATE TRIGGER write_off_no_delete BEFORE DELETE ON write_off
BEGIN SELECT RAISE(ABORT, 'a recorded write-off never changes'); END;

ALTER TABLE export_batch ADD COLUMN content TEXT NOT NULL DEFAULT 'invoices' CHECK ((content = 'invoices' OR content = 'payments'));
CREATE TABLE export_batch_entry (
    batch_id  INTEGER NOT NULL REFERENCES export_batch (id),
    entity    TEXT NOT NULL CHECK ((entity = 'payment' OR entity = 'application' OR entity = 'refund' OR entity = 'write_off')),
    entity_id INTEGER NOT NULL,
    PRIMARY KEY (batch_id, entity, entity_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX export_batch_entry_entity ON export_batch_entry (entity, entity_id);
CREATE TRIGGER export_batch_entry_no_delete BEFORE DELETE ON export_batch_entry
BEGIN SELECT RAISE(ABORT, 'an export batch never changes'); END;
CREATE TRIGGER export_batch_entry_no_update BEFORE UPDATE ON export_batch_entry
BEGIN SELECT RAISE(ABORT, 'an export batch never changes'); END;
)SQL";

// 14: what is billed (issue 18). A plan with a flat monthly fee says whether its visits are
// included in it or billed on top ('billed' for every plan there is, so nothing changes unasked).
// A billable line may come from a visit completed without a service ticket (appointment_id), so
// that it is billed once and a ticket written later for that visit does not bill it again. A
// quote line says whether sales tax applies, as an invoice line does, and whether it is a price of
// the customer's plan once accepted ('monthly', or the service type of a per-visit price) rather
// than a one-off line.
const char* k_v14 = R"SQL(
ALTER TABLE billing_plan ADD COLUMN visits TEXT NOT NULL DEFAULT 'billed' CHECK (visits IN ('billed', 'included'));
ALTER TABLE billable_line ADD COLUMN appointment_id INTEGER REFERENCES appointment (id);
CREATE INDEX billable_line_appointment ON billable_line (appointment_id) WHERE appointment_id IS NOT NULL;
ALTER TABLE quote_line ADD COLUMN taxable INTEGER NOT NULL DEFAULT 0 CHECK (taxable IN (0, 1));
ALTER TABLE quote_line ADD COLUMN plan TEXT CHECK (plan IS NULL OR length(plan) > 0);
)SQL";

// 14, continued: a draft may carry discount and adjustment lines, which are negative. Only the
// CHECK texts of invoice_line change, and they only widen what the table takes (a negative
// amount, price or tax only on an 'adjustment' line), so every stored row satisfies them: the
// change SQLite documents as safe through writable_schema (see migrations 8 and 11), without
// rebuilding a table that invoice_line itself, billable_line's triggers and the invoice's
// triggers refer to. The texts are the ones migration 8 left; any other is not pom's schema.
void v14_negative_adjustments(SQLite::Database& db) {
    widen_checks(db, 14, "invoice_line",
                 {{"unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0)",
                   "unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0 OR kind = 'adjustment')"},
                  {"amount_cents     INTEGER NOT NULL CHECK (amount_cents >= 0)",
                   "amount_cents     INTEGER NOT NULL CHECK (amount_cents >= 0 OR kind = 'adjustment')"},
                  {"tax_cents        INTEGER NOT NULL CHECK (tax_cents >= 0 AND (taxable = 1 OR tax_cents = 0))",
                   "tax_cents        INTEGER NOT NULL CHECK ((tax_cents >= 0 OR kind = 'adjustment') AND (taxable = 1 OR tax_cents = 0))"}});
}

// 16: what a route can carry and who can do it (issue 22). A technician has skills (a repair tech,
// a green-pool tech; the service types that need one say so in config) and may drive a truck
// with a capacity, in thousandths of `[routing] load_unit` (gallons of liquid chlorine by
// default); a visit may carry a load set by the office, else it is estimated from the pool's
// recent doses. A customer may have a preferred service day, which `route plan` keeps. The day's
// CHECK is written with comparisons, not an IN list (see migration 8).
const char* k_v16 = R"SQL(
ALTER TABLE worker ADD COLUMN skills TEXT CHECK (skills IS NULL OR length(skills) BETWEEN 1 AND 500);
ALTER TABLE worker ADD COLUMN capacity_milli INTEGER CHECK (capacity_milli IS NULL OR capacity_milli > 0);
ALTER TABLE appointment ADD COLUMN load_milli INTEGER CHECK (load_milli IS NULL OR load_milli >= 0);
ALTER TABLE customer ADD COLUMN preferred_day TEXT CHECK (preferred_day IS NULL OR (preferred_day = 'mon' OR preferred_day = 'tue' OR preferred_day = 'wed' OR preferred_day = 'thu' OR preferred_day = 'fri' OR preferred_day = 'sat' OR preferred_day = 'sun'));
)SQL";

// 17: closed days and units (issue 17). A day the office closes (`appt closed add`), what each
// series does with a visit due on a closed or non-working day (the open day before or after, or
// none), and the unit a billed quantity is counted in ("lb", "gal", "visit"), carried from the
// billable line onto the invoice line; lines written before have none.
const char* k_v17 = R"SQL(
CREATE TABLE closed_day (
    id         INTEGER PRIMARY KEY,
    date       TEXT NOT NULL UNIQUE CHECK (date(date) IS date),
    reason     TEXT CHECK (reason IS NULL OR length(trim(reason)) > 0),
    created_at TEXT NOT NULL,
    actor      TEXT NOT NULL
) STRICT;
ALTER TABLE series ADD COLUMN on_closed TEXT NOT NULL DEFAULT 'after' CHECK ((on_closed = 'before' OR on_closed = 'after' OR on_closed = 'skip'));
ALTER TABLE billable_line ADD COLUMN unit TEXT CHECK (unit IS NULL OR length(trim(unit)) > 0);
ALTER TABLE invoice_line ADD COLUMN unit TEXT CHECK (unit IS NULL OR length(trim(unit)) > 0);
)SQL";

// Schema version 18: a quote line's unit ("4 visits", "2 bags"), carried to the billable line
// when the quote is accepted; lines written before have none.
const char* k_v18 = R"SQL(
ALTER TABLE quote_line ADD COLUMN unit TEXT CHECK (unit IS NULL OR length(trim(unit)) > 0);
)SQL";

// Schema version 21: a customer's pools indexed with whether they are active, so the customers
// with several active pools (the board's question) are counted from the index alone.
const char* k_v21 = R"SQL(
DROP INDEX pool_customer;
CREATE INDEX pool_customer ON pool (customer_id, active);
)SQL";

}  // namespace

std::string in_lists_as_comparisons(const std::string& sql) {
    static const std::regex list(R"(\b([A-Za-z_][A-Za-z0-9_]*) IN \(((?:'[^']*'|-?[0-9]+)(?:, *(?:'[^']*'|-?[0-9]+)){2,})\))");
    static const std::regex literal(R"('[^']*'|-?[0-9]+)");
    std::string out;
    auto last = sql.cbegin();
    for (std::sregex_iterator it(sql.begin(), sql.end(), list), end; it != end; ++it) {
        const auto& m = *it;
        std::string column = m[1].str();
        std::string upper;
        for (char c : column) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (upper == "NOT" || upper == "AND" || upper == "OR") continue;  // `x NOT IN (...)` and the like stay
        out.append(last, m[0].first);
        std::string values = m[2].str();
        std::string chain;
        for (std::sregex_iterator v(values.begin(), values.end(), literal); v != std::sregex_iterator(); ++v)
            chain += (chain.empty() ? "" : " OR ") + column + " = " + v->str();
        out += "(" + chain + ")";
        last = m[0].second;
    }
    out.append(last, sql.cend());
    return out;
}

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> all{{k_v1}, {k_v2}, {k_v3}, {k_v4}, {k_v5}, {k_v6}, {k_v7},
                                            {"", v8_checks_without_in_lists}, {k_v9}, {k_v10},
                                            {k_v11, v11_accountant_role}, {k_v12}, {k_v13},
                                            {k_v14, v14_negative_adjustments}, {k_v15}, {k_v16}, {k_v17}, {k_v18},
                                            // 19: PostgreSQL's id triggers skip a row pom gave its id (lib/store/postgres/schema.cpp);
                                            // SQLite numbers rows itself, so here the version alone moves.
                                            {""},
                                            // 20: PostgreSQL checks lines added to an issued invoice per statement,
                                            // not per row; SQLite's row trigger is cheap, and stays.
                                            {""}, {k_v21}};
    return all;
}

}  // namespace pom
