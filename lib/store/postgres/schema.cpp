#include "schema.h"

namespace pom::pg {

namespace {

const char* k_schema = R"SQL(
-- pom's schema on PostgreSQL 15: SQLite's schema version 10, table for table and column for
-- column. INTEGER is bigint, REAL double precision, TEXT text COLLATE "C" (compared bytewise, as
-- SQLite's BINARY), flags stay 0/1 integers with their CHECKs. Every object goes into the first
-- schema of the search path; no extension is needed. Each CHECK is named <table>_ckNN_<column>,
-- NN its place in SQLite's table, because PostgreSQL evaluates CHECKs by name and SQLite in order:
-- a row that breaks several fails on the same one. Its comment is the text SQLite quotes.

-- SQLite's functions that the schema and pom's SQL use, so that the same SQL runs on both engines.

-- `date(x) IS x` of SQLite: x is YYYY-MM-DD (a '-' before the year for years BC) with a month 01-12
-- and a day 01-31 in any month (SQLite's date() returns '2023-02-30' unchanged), within the
-- Julian-day range SQLite accepts (-4713-11-25 .. 9999-12-31). NULL for NULL, so that a CHECK
-- passes on NULL as SQLite's does. A plain SQL expression: the planner inlines it into each CHECK.
CREATE FUNCTION pom_is_date(t text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT t ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
    OR (t ~ '^-[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
        AND (substr(t, 2) COLLATE "C" BETWEEN '0001' AND '4713'
             OR substr(t, 2) COLLATE "C" BETWEEN '4713-11-25' AND '4713-12-31'))
$$;

-- json_valid(x) of SQLite 3.40 (RFC 8259 text, any value at the top): whether x parses as json.
CREATE FUNCTION pom_json_valid(t text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    PERFORM t::json;
    RETURN true;
EXCEPTION WHEN data_exception OR program_limit_exceeded THEN
    RETURN false;
END
$$;

-- unixepoch(x) of SQLite 3.40: seconds since 1970 of a time value, NULL when x is not one. Parsed
-- as SQLite's date.c does: YYYY-MM-DD (day 01-31 in any month, carried over), then any run of
-- white space and 'T', then HH:MM[:SS[.fff]] (hour up to 24) and a zone 'Z' or +HH:MM; or HH:MM...
-- alone (on 2000-01-01); or 'now'; or a number, a Julian day. The day arithmetic is SQLite's
-- (computeJD), in milliseconds, so that results agree to the second.
CREATE FUNCTION unixepoch(t text) RETURNS bigint LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
DECLARE
    space constant text := ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13);
    m text[];
    y int := 2000;
    mo int := 1;
    d int := 1;
    time_part text;
    h int := 0;
    mi int := 0;
    s double precision := 0;
    tz int := 0;
    a int;
    b int;
    jd bigint;
    r double precision;
BEGIN
    m := regexp_match(t, '^(-?)([0-9]{4})-([0-9]{2})-([0-9]{2})(.*)$');
    IF m IS NOT NULL THEN
        y := m[2]::int;
        mo := m[3]::int;
        d := m[4]::int;
        IF mo NOT BETWEEN 1 AND 12 OR d NOT BETWEEN 1 AND 31 THEN
            RETURN NULL;
        END IF;
        IF m[1] = '-' THEN
            y := -y;
        END IF;
        time_part := ltrim(m[5], space || 'T');
        IF time_part = '' THEN
            time_part := NULL;
        END IF;
    ELSIF t ~ '^[0-9]{2}:' THEN
        time_part := t;
    ELSIF lower(t) = 'now' THEN
        RETURN floor(extract(epoch FROM statement_timestamp()))::bigint;
    ELSIF t ~ ('^[' || space || ']*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?[' || space || ']*$') THEN
        r := t::double precision;
        IF r < 0 OR r >= 5373484.5 THEN
            RETURN NULL;
        END IF;
        RETURN trunc(r * 86400000.0 + 0.5)::bigint / 1000 - 210866760000;
    ELSE
        RETURN NULL;
    END IF;

    IF time_part IS NOT NULL THEN
        m := regexp_match(time_part, '^([0-9]{2}):([0-9]{2})(:([0-9]{2})(\.[0-9]+)?)?(.*)$');
        IF m IS NULL THEN
            RETURN NULL;
        END IF;
        h := m[1]::int;
        mi := m[2]::int;
        s := coalesce(m[4]::double precision, 0) + coalesce(('0' || m[5])::double precision, 0);
        IF h > 24 OR mi > 59 OR coalesce(m[4]::int, 0) > 59 THEN
            RETURN NULL;
        END IF;
        time_part := ltrim(m[6], space);
        IF time_part ~ '^[Zz]' THEN
            time_part := substr(time_part, 2);
        ELSIF time_part ~ '^[-+]' THEN
            m := regexp_match(time_part, '^([-+])([0-9]{2}):([0-9]{2})(.*)$');
            IF m IS NULL OR m[2]::int > 14 OR m[3]::int > 59 THEN
                RETURN NULL;
            END IF;
            tz := (m[2]::int * 60 + m[3]::int) * (CASE m[1] WHEN '-' THEN -1 ELSE 1 END);
            time_part := m[4];
        END IF;
        IF ltrim(time_part, space) <> '' THEN
            RETURN NULL;
        END IF;
    END IF;

    IF y < -4713 OR y > 9999 THEN
        RETURN NULL;
    END IF;
    IF mo <= 2 THEN
        y := y - 1;
        mo := mo + 12;
    END IF;
    a := y / 100;
    b := 2 - a + a / 4;
    jd := trunc((36525 * (y + 4716) / 100 + 306001 * (mo + 1) / 10000 + d + b - 1524.5) * 86400000)::bigint;
    jd := jd + h * 3600000 + mi * 60000 + trunc(s * 1000.0 + 0.5)::bigint - tz * 60000;
    IF jd < 0 OR jd > 464269060799999 THEN
        RETURN NULL;
    END IF;
    RETURN jd / 1000 - 210866760000;
END
$$;

-- unixepoch() of SQLite: now, the time of the current statement.
CREATE FUNCTION unixepoch() RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT floor(extract(epoch FROM statement_timestamp()))::bigint
$$;

-- SQLite's scalar max(a, b) and min(a, b): NULL when either is NULL (GREATEST and LEAST skip
-- NULLs). anycompatible, not anyelement, so that max(0, bigint_expr) or min(int, numeric) resolve to
-- the common type as in SQLite. The aggregates max(x) and min(x) are PostgreSQL's own.
CREATE FUNCTION max(a anycompatible, b anycompatible) RETURNS anycompatible LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE GREATEST(a, b) END
$$;
CREATE FUNCTION min(a anycompatible, b anycompatible) RETURNS anycompatible LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE LEAST(a, b) END
$$;

-- SQLite's iif(c, a, b), for a boolean condition and for a 0/1 flag as a condition (SQLite takes
-- any number: non-zero is true). A NULL condition gives b.
CREATE FUNCTION iif(c boolean, a anycompatible, b anycompatible) RETURNS anycompatible LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN c THEN a ELSE b END
$$;
CREATE FUNCTION iif(c bigint, a anycompatible, b anycompatible) RETURNS anycompatible LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN c <> 0 THEN a ELSE b END
$$;

-- Ids. SQLite gives a new row of a table with an INTEGER PRIMARY KEY max(id) + 1, so a rolled-back
-- insert's id is given again, and so must PostgreSQL (a sequence would skip it). Writers are
-- serialized by pom's advisory lock, so reading max(id) here does not race. The id is also left in
-- the transaction-local setting pom.last_id, SQLite's last_insert_rowid(). Each table has its own
-- static query because plpgsql keeps its plan: a dynamic EXECUTE, kept for a table added without one,
-- costs three times as much per row (56 against 18 us).
CREATE FUNCTION pom_assign_id() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.id IS NULL THEN
        CASE TG_TABLE_NAME
        WHEN 'audit_log' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM audit_log);
        WHEN 'customer' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer);
        WHEN 'customer_contact' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_contact);
        WHEN 'customer_tag' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_tag);
        WHEN 'pool' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM pool);
        WHEN 'worker' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM worker);
        WHEN 'series' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM series);
        WHEN 'appointment' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM appointment);
        WHEN 'appointment_event' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM appointment_event);
        WHEN 'days_out' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM days_out);
        WHEN 'notice' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM notice);
        WHEN 'service' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service);
        WHEN 'reading' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM reading);
        WHEN 'inventory_item' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM inventory_item);
        WHEN 'inventory_move' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM inventory_move);
        WHEN 'dose' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM dose);
        WHEN 'service_item' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service_item);
        WHEN 'service_note' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service_note);
        WHEN 'photo' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM photo);
        WHEN 'billable_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billable_line);
        WHEN 'billing_plan' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billing_plan);
        WHEN 'billing_plan_price' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billing_plan_price);
        WHEN 'invoice' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM invoice);
        WHEN 'invoice_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM invoice_line);
        WHEN 'payment' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM payment);
        WHEN 'export_batch' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM export_batch);
        WHEN 'customer_status_change' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_status_change);
        WHEN 'tag_rule_run' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM tag_rule_run);
        WHEN 'quote' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM quote);
        WHEN 'quote_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM quote_line);
        WHEN 'ticket' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket);
        WHEN 'ticket_route' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket_route);
        WHEN 'ticket_visit' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket_visit);
        WHEN 'callback' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM callback);
        WHEN 'note' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM note);
        ELSE
            EXECUTE format('SELECT coalesce(max(id), 0) + 1 FROM %I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO NEW.id;
        END CASE;
    END IF;
    PERFORM set_config('pom.last_id', NEW.id::text, true);
    RETURN NEW;
END
$$;

-- SELECT RAISE(ABORT, msg) of SQLite, for the triggers whose condition fits in a WHEN clause: the
-- message is the trigger's argument. SQLSTATE 23000 (integrity_constraint_violation) stands for
-- SQLITE_CONSTRAINT_TRIGGER.
CREATE FUNCTION pom_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = TG_ARGV[0];
END
$$;

-- SQLite has no TRUNCATE: emptying a table is a DELETE of each row, which the row triggers refuse
-- for a protected row. TRUNCATE skips row triggers, so it is refused where a DELETE would be.
CREATE FUNCTION pom_truncate_guard() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_TABLE_NAME = 'invoice' AND EXISTS (SELECT 1 FROM invoice WHERE seq IS NOT NULL)
       OR TG_TABLE_NAME = 'invoice_line'
          AND EXISTS (SELECT 1 FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id WHERE i.seq IS NOT NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = 'an issued invoice never changes';
    END IF;
    IF TG_TABLE_NAME = 'billable_line' AND EXISTS (SELECT 1 FROM invoice_line WHERE billable_line_id IS NOT NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = 'a billed line never changes';
    END IF;
    IF TG_TABLE_NAME = 'quote_line'
       AND EXISTS (SELECT 1 FROM quote_line l JOIN quote q ON q.id = l.quote_id WHERE q.status <> 'draft') THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'the lines of a quote that was sent cannot change';
    END IF;
    RETURN NULL;
END
$$;

-- The triggers whose condition reads other rows (a WHEN clause cannot hold a subquery). A NULL
-- condition does not fire, as in SQLite's WHEN and WHERE.
CREATE FUNCTION invoice_issue_number() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.seq != (SELECT last FROM number_series WHERE kind = NEW.kind)
       OR NEW.seq != 1 + coalesce((SELECT max(seq) FROM invoice WHERE kind = NEW.kind), 0) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'an invoice number must be the next of its series';
    END IF;
    IF NEW.subtotal_cents != (SELECT coalesce(sum(amount_cents), 0) FROM invoice_line WHERE invoice_id = NEW.id)
       OR NEW.tax_cents != (SELECT coalesce(sum(tax_cents), 0) FROM invoice_line WHERE invoice_id = NEW.id)
       OR NOT EXISTS (SELECT 1 FROM invoice_line WHERE invoice_id = NEW.id) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'an issued invoice must add up: its lines, tax and total disagree';
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION invoice_line_issued() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' AND (SELECT seq FROM invoice WHERE id = NEW.invoice_id) IS NOT NULL
       OR TG_OP = 'UPDATE' AND ((SELECT seq FROM invoice WHERE id = OLD.invoice_id) IS NOT NULL
                                OR (SELECT seq FROM invoice WHERE id = NEW.invoice_id) IS NOT NULL)
       OR TG_OP = 'DELETE' AND (SELECT seq FROM invoice WHERE id = OLD.invoice_id) IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = 'an issued invoice never changes';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE FUNCTION billable_line_billed() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM invoice_line WHERE billable_line_id = OLD.id) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = 'a billed line never changes';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

-- As in SQLite, an update checks the quote the line was on, not the one it moves to.
CREATE FUNCTION quote_line_frozen() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF (SELECT status FROM quote WHERE id = CASE TG_OP WHEN 'INSERT' THEN NEW.quote_id ELSE OLD.quote_id END) <> 'draft' THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'the lines of a quote that was sent cannot change';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE FUNCTION payment_check() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM invoice WHERE id = NEW.invoice_id AND kind = 'invoice'
                      AND seq IS NOT NULL AND customer_id = NEW.customer_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'payments go to issued invoices of the same customer';
    END IF;
    IF NEW.applied_cents > (SELECT total_cents FROM invoice WHERE id = NEW.invoice_id)
           - (SELECT coalesce(sum(applied_cents), 0) FROM payment WHERE invoice_id = NEW.invoice_id)
           - (SELECT coalesce(sum(total_cents), 0) FROM invoice WHERE credits_invoice_id = NEW.invoice_id AND seq IS NOT NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'a payment cannot apply more than the balance of its invoice';
    END IF;
    RETURN NEW;
END
$$;

-- note_fts: SQLite's FTS5 table over note.text (porter stemmer, no stop words). Here a table of
-- tsvectors kept by a trigger, not a column of note: `SELECT * FROM note` (the audit log's row
-- images) must give the same columns on both engines.
CREATE FUNCTION note_fts_insert() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO note_fts (id, tsv) VALUES (NEW.id, to_tsvector('pom_english', NEW.text));
    RETURN NULL;
END
$$;

CREATE TABLE audit_log (
    id        bigint PRIMARY KEY,
    at        text COLLATE "C" NOT NULL CONSTRAINT audit_log_ck01_at CHECK (at ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*Z$'),
    actor     text COLLATE "C" NOT NULL,
    command   text COLLATE "C" NOT NULL,
    entity    text COLLATE "C" NOT NULL,
    entity_id bigint NOT NULL,
    action    text COLLATE "C" NOT NULL
              CONSTRAINT audit_log_ck02_action CHECK (action IN ('create', 'update', 'delete')),
    before    text COLLATE "C" CONSTRAINT audit_log_ck03_before CHECK (before IS NULL OR pom_json_valid(before)),
    after     text COLLATE "C" CONSTRAINT audit_log_ck04_after CHECK (after IS NULL OR pom_json_valid(after))
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION pom_assign_id();
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('the audit log is append-only');
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('the audit log is append-only');
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION pom_refuse('the audit log is append-only');

CREATE TABLE customer (
    id         bigint PRIMARY KEY,
    ref        text COLLATE "C" UNIQUE
               CONSTRAINT customer_ck01_ref CHECK (ref IS NULL OR length(ref) BETWEEN 1 AND 64),
    name       text COLLATE "C" NOT NULL CONSTRAINT customer_ck02_name CHECK (length(trim(name)) > 0),
    company    text COLLATE "C",
    status     text COLLATE "C" NOT NULL DEFAULT 'lead'
               CONSTRAINT customer_ck03_status CHECK (status IN ('lead', 'active', 'inactive')),
    street     text COLLATE "C",
    city       text COLLATE "C",
    state      text COLLATE "C",
    zip        text COLLATE "C",
    notes      text COLLATE "C",
    created_at text COLLATE "C" NOT NULL,
    updated_at text COLLATE "C" NOT NULL
);
CREATE INDEX customer_status ON customer (status);
-- SQLite's (name COLLATE NOCASE, id, ...every column): lower() of a "C" text folds A-Z only, as
-- NOCASE does; `ORDER BY lower(name), id` reads it. The other columns stay out: an index entry
-- cannot pass 2.7 kB here, and notes have no bound.
CREATE INDEX customer_name ON customer (lower(name), id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON customer FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE customer_contact (
    id          bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    kind        text COLLATE "C" NOT NULL CONSTRAINT customer_contact_ck01_kind CHECK (kind IN ('email', 'phone')),
    value       text COLLATE "C" NOT NULL CONSTRAINT customer_contact_ck02_value CHECK (length(value) > 0),
    opt_in      bigint NOT NULL CONSTRAINT customer_contact_ck03_opt_in CHECK (opt_in IN (0, 1)),
    position    bigint NOT NULL,
    UNIQUE (customer_id, kind, value)
);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON customer_contact FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE customer_tag (
    id           bigint PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    tag          text COLLATE "C" NOT NULL CONSTRAINT customer_tag_ck01_tag CHECK (length(trim(tag)) > 0),
    added_at     text COLLATE "C" NOT NULL,
    added_by     text COLLATE "C" NOT NULL,
    removed_at   text COLLATE "C",
    removed_by   text COLLATE "C",
    added_rule   text COLLATE "C",
    removed_rule text COLLATE "C"
);
CREATE UNIQUE INDEX customer_tag_current ON customer_tag (customer_id, tag) WHERE removed_at IS NULL;
CREATE INDEX customer_tag_queue ON customer_tag (tag, added_at) WHERE removed_at IS NULL;
CREATE TRIGGER pom_assign_id BEFORE INSERT ON customer_tag FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE pool (
    id           bigint PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES customer (id),
    name         text COLLATE "C" NOT NULL DEFAULT 'Pool',
    street       text COLLATE "C",
    city         text COLLATE "C",
    state        text COLLATE "C",
    zip          text COLLATE "C",
    lat          double precision CONSTRAINT pool_ck01_lat CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon          double precision CONSTRAINT pool_ck02_lon CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    gate_code    text COLLATE "C",
    access_notes text COLLATE "C",
    dog          bigint NOT NULL DEFAULT 0 CONSTRAINT pool_ck03_dog CHECK (dog IN (0, 1)),
    body         text COLLATE "C" NOT NULL DEFAULT 'pool' CONSTRAINT pool_ck04_body CHECK (body IN ('pool', 'spa')),
    gallons      bigint CONSTRAINT pool_ck05_gallons CHECK (gallons IS NULL OR gallons BETWEEN 1 AND 10000000),
    surface      text COLLATE "C"
                 CONSTRAINT pool_ck06_surface CHECK (surface IS NULL OR surface IN ('plaster', 'pebble', 'quartz', 'vinyl', 'fiberglass', 'tile', 'other')),
    sanitizer    text COLLATE "C"
                 CONSTRAINT pool_ck07_sanitizer CHECK (sanitizer IS NULL OR sanitizer IN ('chlorine', 'salt', 'bromine', 'biguanide', 'mineral', 'other')),
    active       bigint NOT NULL DEFAULT 1 CONSTRAINT pool_ck08_active CHECK (active IN (0, 1)),
    created_at   text COLLATE "C" NOT NULL,
    updated_at   text COLLATE "C" NOT NULL
);
CREATE INDEX pool_customer ON pool (customer_id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON pool FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE worker (
    id         bigint PRIMARY KEY,
    name       text COLLATE "C" NOT NULL UNIQUE CONSTRAINT worker_ck01_name CHECK (length(trim(name)) > 0),
    phone      text COLLATE "C",
    email      text COLLATE "C",
    role       text COLLATE "C" NOT NULL DEFAULT 'technician'
               CONSTRAINT worker_ck02_role CHECK (role IN ('technician', 'office', 'manager', 'admin')),
    active     bigint NOT NULL DEFAULT 1 CONSTRAINT worker_ck03_active CHECK (active IN (0, 1)),
    created_at text COLLATE "C" NOT NULL,
    updated_at text COLLATE "C" NOT NULL
);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON worker FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE series (
    id               bigint PRIMARY KEY,
    customer_id      bigint NOT NULL REFERENCES customer (id),
    pool_id          bigint NOT NULL REFERENCES pool (id),
    worker_id        bigint REFERENCES worker (id),
    rrule            text COLLATE "C" NOT NULL CONSTRAINT series_ck01_rrule CHECK (rrule ~ '^FREQ='),
    dtstart          text COLLATE "C" NOT NULL CONSTRAINT series_ck02_dtstart CHECK (pom_is_date(dtstart)),
    window_start     text COLLATE "C"
                     CONSTRAINT series_ck03_window_start CHECK (window_start IS NULL OR window_start ~ '^[0-2][0-9]:[0-5][0-9]$'),
    window_end       text COLLATE "C"
                     CONSTRAINT series_ck04_window_end CHECK (window_end IS NULL OR window_end ~ '^[0-2][0-9]:[0-5][0-9]$'),
    duration_min     bigint NOT NULL CONSTRAINT series_ck05_duration_min CHECK (duration_min BETWEEN 1 AND 1440),
    service_type     text COLLATE "C" NOT NULL,
    priority         text COLLATE "C" NOT NULL DEFAULT 'normal'
                     CONSTRAINT series_ck06_priority CHECK (priority IN ('normal', 'high', 'urgent')),
    route_order      bigint CONSTRAINT series_ck07_route_order CHECK (route_order IS NULL OR route_order >= 0),
    tech_note        text COLLATE "C",
    office_note      text COLLATE "C",
    status           text COLLATE "C" NOT NULL DEFAULT 'active'
                     CONSTRAINT series_ck08_status CHECK (status IN ('active', 'suspended', 'ended')),
    suspended_from   text COLLATE "C"
                     CONSTRAINT series_ck09_suspended_from CHECK (suspended_from IS NULL OR pom_is_date(suspended_from)),
    suspended_until  text COLLATE "C"
                     CONSTRAINT series_ck10_suspended_until CHECK (suspended_until IS NULL OR pom_is_date(suspended_until)),
    ended_on         text COLLATE "C"
                     CONSTRAINT series_ck11_ended_on CHECK (ended_on IS NULL OR pom_is_date(ended_on)),
    expanded_through text COLLATE "C"
                     CONSTRAINT series_ck12_expanded_through CHECK (expanded_through IS NULL OR pom_is_date(expanded_through)),
    created_at       text COLLATE "C" NOT NULL,
    updated_at       text COLLATE "C" NOT NULL,
    CONSTRAINT series_ck13_window CHECK (window_start IS NULL OR window_end IS NULL OR window_start < window_end)
);
CREATE INDEX series_expand ON series (status, expanded_through);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON series FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE appointment (
    id              bigint PRIMARY KEY,
    customer_id     bigint NOT NULL REFERENCES customer (id),
    pool_id         bigint NOT NULL REFERENCES pool (id),
    worker_id       bigint REFERENCES worker (id),
    date            text COLLATE "C" NOT NULL CONSTRAINT appointment_ck01_date CHECK (pom_is_date(date)),
    window_start    text COLLATE "C"
                    CONSTRAINT appointment_ck02_window_start CHECK (window_start IS NULL OR window_start ~ '^[0-2][0-9]:[0-5][0-9]$'),
    window_end      text COLLATE "C"
                    CONSTRAINT appointment_ck03_window_end CHECK (window_end IS NULL OR window_end ~ '^[0-2][0-9]:[0-5][0-9]$'),
    duration_min    bigint NOT NULL CONSTRAINT appointment_ck04_duration_min CHECK (duration_min BETWEEN 1 AND 1440),
    route_order     bigint CONSTRAINT appointment_ck05_route_order CHECK (route_order IS NULL OR route_order >= 0),
    service_type    text COLLATE "C" NOT NULL,
    priority        text COLLATE "C" NOT NULL DEFAULT 'normal'
                    CONSTRAINT appointment_ck06_priority CHECK (priority IN ('normal', 'high', 'urgent')),
    status          text COLLATE "C" NOT NULL DEFAULT 'scheduled'
                    CONSTRAINT appointment_ck07_status CHECK (status IN ('scheduled', 'en_route', 'in_progress', 'paused', 'completed', 'cancelled', 'skipped')),
    status_reason   text COLLATE "C",
    status_at       text COLLATE "C",
    eta             text COLLATE "C",
    tech_note       text COLLATE "C",
    office_note     text COLLATE "C",
    series_id       bigint REFERENCES series (id),
    occurrence_date text COLLATE "C"
                    CONSTRAINT appointment_ck08_occurrence_date CHECK (occurrence_date IS NULL OR pom_is_date(occurrence_date)),
    detached        bigint NOT NULL DEFAULT 0 CONSTRAINT appointment_ck09_detached CHECK (detached IN (0, 1)),
    rolled_count    bigint NOT NULL DEFAULT 0 CONSTRAINT appointment_ck10_rolled_count CHECK (rolled_count >= 0),
    follow_up_of    bigint REFERENCES appointment (id),
    created_at      text COLLATE "C" NOT NULL,
    updated_at      text COLLATE "C" NOT NULL,
    UNIQUE (series_id, occurrence_date),
    CONSTRAINT appointment_ck11_series CHECK ((series_id IS NULL) = (occurrence_date IS NULL)),
    CONSTRAINT appointment_ck12_window CHECK (window_start IS NULL OR window_end IS NULL OR window_start < window_end)
);
CREATE INDEX appointment_worker ON appointment (worker_id, date);
CREATE INDEX appointment_customer ON appointment (customer_id, date);
CREATE INDEX appointment_date ON appointment (date, worker_id, route_order, status);
CREATE INDEX appointment_rolled ON appointment (date) WHERE rolled_count > 0;
CREATE TRIGGER pom_assign_id BEFORE INSERT ON appointment FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE appointment_event (
    id             bigint PRIMARY KEY,
    appointment_id bigint NOT NULL REFERENCES appointment (id),
    from_status    text COLLATE "C",
    to_status      text COLLATE "C" NOT NULL,
    at             text COLLATE "C" NOT NULL,
    recorded_at    text COLLATE "C" NOT NULL,
    actor          text COLLATE "C" NOT NULL,
    reason         text COLLATE "C",
    eta            text COLLATE "C"
);
CREATE INDEX appointment_event_appt ON appointment_event (appointment_id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON appointment_event FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE days_out (
    id     bigint PRIMARY KEY,
    value  bigint NOT NULL CONSTRAINT days_out_ck01_value CHECK (value BETWEEN 0 AND 365),
    set_at text COLLATE "C" NOT NULL,
    set_by text COLLATE "C" NOT NULL
);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON days_out FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE notice (
    id              bigint PRIMARY KEY,
    kind            text COLLATE "C" NOT NULL,
    channel         text COLLATE "C" NOT NULL CONSTRAINT notice_ck01_channel CHECK (channel IN ('email', 'sms')),
    recipient       text COLLATE "C" NOT NULL,
    customer_id     bigint REFERENCES customer (id),
    appointment_id  bigint REFERENCES appointment (id),
    subject         text COLLATE "C",
    body            text COLLATE "C" NOT NULL,
    status          text COLLATE "C" NOT NULL DEFAULT 'pending'
                    CONSTRAINT notice_ck02_status CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts        bigint NOT NULL DEFAULT 0 CONSTRAINT notice_ck03_attempts CHECK (attempts >= 0),
    next_attempt_at text COLLATE "C" NOT NULL,
    last_error      text COLLATE "C",
    skip_reason     text COLLATE "C"
                    CONSTRAINT notice_ck04_skip_reason CHECK ((status = 'skipped') = (skip_reason IS NOT NULL)),
    dedupe_key      text COLLATE "C" NOT NULL UNIQUE,
    created_at      text COLLATE "C" NOT NULL,
    claimed_at      text COLLATE "C",
    claimed_by      text COLLATE "C",
    sent_at         text COLLATE "C",
    CONSTRAINT notice_ck05_sent CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    CONSTRAINT notice_ck06_claimed CHECK (status != 'sending' OR (claimed_at IS NOT NULL AND claimed_by IS NOT NULL))
);
CREATE INDEX notice_due ON notice (status, next_attempt_at);
CREATE INDEX notice_appointment ON notice (appointment_id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON notice FOR EACH ROW EXECUTE FUNCTION pom_assign_id();
CREATE TRIGGER notice_sent_is_final BEFORE UPDATE OF status ON notice
    FOR EACH ROW WHEN (OLD.status = 'sent' AND NEW.status != 'sent')
    EXECUTE FUNCTION pom_refuse('notice already sent: a sent notice is never queued again');

CREATE TABLE service (
    id             bigint PRIMARY KEY,
    appointment_id bigint REFERENCES appointment (id),
    customer_id    bigint NOT NULL REFERENCES customer (id),
    pool_id        bigint NOT NULL REFERENCES pool (id),
    worker_id      bigint REFERENCES worker (id),
    service_type   text COLLATE "C" NOT NULL,
    status         text COLLATE "C" NOT NULL DEFAULT 'open'
                   CONSTRAINT service_ck01_status CHECK (status IN ('open', 'submitted')),
    started_at     text COLLATE "C" NOT NULL,
    ended_at       text COLLATE "C",
    start_lat      double precision
                   CONSTRAINT service_ck02_start_lat CHECK (start_lat IS NULL OR start_lat BETWEEN -90 AND 90),
    start_lon      double precision
                   CONSTRAINT service_ck03_start_lon CHECK (start_lon IS NULL OR start_lon BETWEEN -180 AND 180),
    submit_lat     double precision
                   CONSTRAINT service_ck04_submit_lat CHECK (submit_lat IS NULL OR submit_lat BETWEEN -90 AND 90),
    submit_lon     double precision
                   CONSTRAINT service_ck05_submit_lon CHECK (submit_lon IS NULL OR submit_lon BETWEEN -180 AND 180),
    gps_flag       text COLLATE "C",
    forced_reason  text COLLATE "C",
    created_at     text COLLATE "C" NOT NULL,
    updated_at     text COLLATE "C" NOT NULL,
    CONSTRAINT service_ck06_ended CHECK (status = 'open' OR ended_at IS NOT NULL)
);
CREATE UNIQUE INDEX service_one_per_appointment ON service (appointment_id) WHERE appointment_id IS NOT NULL;
CREATE INDEX service_worker ON service (worker_id, started_at);
CREATE INDEX service_pool ON service (pool_id, started_at);
CREATE INDEX service_customer ON service (customer_id, started_at);
CREATE INDEX service_started ON service (started_at);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON service FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE service_check (
    service_id     bigint NOT NULL REFERENCES service (id),
    position       bigint NOT NULL,
    item           text COLLATE "C" NOT NULL,
    required       bigint NOT NULL CONSTRAINT service_check_ck01_required CHECK (required IN (0, 1)),
    photo_required bigint NOT NULL CONSTRAINT service_check_ck02_photo_required CHECK (photo_required IN (0, 1)),
    done_at        text COLLATE "C",
    PRIMARY KEY (service_id, item)
);

CREATE TABLE reading (
    id         bigint PRIMARY KEY,
    service_id bigint NOT NULL REFERENCES service (id),
    taken_at   text COLLATE "C" NOT NULL,
    fc         double precision CONSTRAINT reading_ck01_fc CHECK (fc IS NULL OR fc >= 0),
    cc         double precision CONSTRAINT reading_ck02_cc CHECK (cc IS NULL OR cc >= 0),
    ph         double precision CONSTRAINT reading_ck03_ph CHECK (ph IS NULL OR ph BETWEEN 0 AND 14),
    ta         double precision CONSTRAINT reading_ck04_ta CHECK (ta IS NULL OR ta >= 0),
    ch         double precision CONSTRAINT reading_ck05_ch CHECK (ch IS NULL OR ch >= 0),
    cya        double precision CONSTRAINT reading_ck06_cya CHECK (cya IS NULL OR cya >= 0),
    salt       double precision CONSTRAINT reading_ck07_salt CHECK (salt IS NULL OR salt >= 0),
    phosphate  double precision CONSTRAINT reading_ck08_phosphate CHECK (phosphate IS NULL OR phosphate >= 0),
    tds        double precision CONSTRAINT reading_ck09_tds CHECK (tds IS NULL OR tds >= 0),
    temp_f     double precision CONSTRAINT reading_ck10_temp_f CHECK (temp_f IS NULL OR temp_f BETWEEN 32 AND 110),
    borate     double precision CONSTRAINT reading_ck11_borate CHECK (borate IS NULL OR borate >= 0),
    lsi        double precision,
    csi        double precision,
    flags      text COLLATE "C" NOT NULL DEFAULT '[]' CONSTRAINT reading_ck12_flags CHECK (pom_json_valid(flags))
);
CREATE INDEX reading_service ON reading (service_id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON reading FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE inventory_item (
    id            bigint PRIMARY KEY,
    sku           text COLLATE "C" NOT NULL UNIQUE
                  CONSTRAINT inventory_item_ck01_sku CHECK (length(sku) BETWEEN 1 AND 64),
    name          text COLLATE "C" NOT NULL CONSTRAINT inventory_item_ck02_name CHECK (length(trim(name)) > 0),
    unit          text COLLATE "C" NOT NULL,
    cost_cents    bigint NOT NULL DEFAULT 0 CONSTRAINT inventory_item_ck03_cost_cents CHECK (cost_cents >= 0),
    price_cents   bigint NOT NULL DEFAULT 0 CONSTRAINT inventory_item_ck04_price_cents CHECK (price_cents >= 0),
    stock_milli   bigint NOT NULL DEFAULT 0,
    reorder_milli bigint NOT NULL DEFAULT 0 CONSTRAINT inventory_item_ck05_reorder_milli CHECK (reorder_milli >= 0),
    chemical      text COLLATE "C",
    billable      bigint NOT NULL DEFAULT 1 CONSTRAINT inventory_item_ck06_billable CHECK (billable IN (0, 1)),
    taxable       bigint NOT NULL DEFAULT 1 CONSTRAINT inventory_item_ck07_taxable CHECK (taxable IN (0, 1)),
    active        bigint NOT NULL DEFAULT 1 CONSTRAINT inventory_item_ck08_active CHECK (active IN (0, 1)),
    created_at    text COLLATE "C" NOT NULL,
    updated_at    text COLLATE "C" NOT NULL
);
CREATE INDEX inventory_chemical ON inventory_item (chemical) WHERE chemical IS NOT NULL;
CREATE TRIGGER pom_assign_id BEFORE INSERT ON inventory_item FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE inventory_move (
    id             bigint PRIMARY KEY,
    item_id        bigint NOT NULL REFERENCES inventory_item (id),
    kind           text COLLATE "C" NOT NULL
                   CONSTRAINT inventory_move_ck01_kind CHECK (kind IN ('receive', 'adjust', 'use')),
    quantity_milli bigint NOT NULL,
    cost_cents     bigint CONSTRAINT inventory_move_ck02_cost_cents CHECK (cost_cents IS NULL OR cost_cents >= 0),
    service_id     bigint REFERENCES service (id),
    note           text COLLATE "C",
    at             text COLLATE "C" NOT NULL,
    actor          text COLLATE "C" NOT NULL
);
CREATE INDEX inventory_move_item ON inventory_move (item_id, at);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON inventory_move FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE dose (
    id           bigint PRIMARY KEY,
    service_id   bigint NOT NULL REFERENCES service (id),
    chemical     text COLLATE "C" NOT NULL,
    amount_milli bigint NOT NULL CONSTRAINT dose_ck01_amount_milli CHECK (amount_milli > 0),
    unit         text COLLATE "C" NOT NULL,
    item_id      bigint REFERENCES inventory_item (id),
    stock_milli  bigint,
    created_at   text COLLATE "C" NOT NULL
);
CREATE INDEX dose_service ON dose (service_id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON dose FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE service_item (
    id             bigint PRIMARY KEY,
    service_id     bigint NOT NULL REFERENCES service (id),
    item_id        bigint NOT NULL REFERENCES inventory_item (id),
    quantity_milli bigint NOT NULL CONSTRAINT service_item_ck01_quantity_milli CHECK (quantity_milli > 0),
    created_at     text COLLATE "C" NOT NULL
);
CREATE INDEX service_item_service ON service_item (service_id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON service_item FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE service_note (
    id         bigint PRIMARY KEY,
    service_id bigint NOT NULL REFERENCES service (id),
    text       text COLLATE "C" NOT NULL CONSTRAINT service_note_ck01_text CHECK (length(trim(text)) > 0),
    private    bigint NOT NULL CONSTRAINT service_note_ck02_private CHECK (private IN (0, 1)),
    author     text COLLATE "C" NOT NULL,
    created_at text COLLATE "C" NOT NULL
);
CREATE INDEX service_note_service ON service_note (service_id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON service_note FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE photo (
    id         bigint PRIMARY KEY,
    service_id bigint NOT NULL REFERENCES service (id),
    sha256     text COLLATE "C" NOT NULL CONSTRAINT photo_ck01_sha256 CHECK (length(sha256) = 64),
    media_type text COLLATE "C" NOT NULL
               CONSTRAINT photo_ck02_media_type CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/gif')),
    bytes      bigint NOT NULL CONSTRAINT photo_ck03_bytes CHECK (bytes > 0),
    caption    text COLLATE "C",
    created_at text COLLATE "C" NOT NULL,
    UNIQUE (service_id, sha256)
);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON photo FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE billable_line (
    id               bigint PRIMARY KEY,
    customer_id      bigint NOT NULL REFERENCES customer (id),
    service_id       bigint REFERENCES service (id),
    kind             text COLLATE "C" NOT NULL
                     CONSTRAINT billable_line_ck01_kind CHECK (kind IN ('service', 'item', 'chemical', 'monthly', 'extra')),
    description      text COLLATE "C" NOT NULL,
    quantity_milli   bigint NOT NULL CONSTRAINT billable_line_ck02_quantity_milli CHECK (quantity_milli > 0),
    unit_price_cents bigint NOT NULL CONSTRAINT billable_line_ck03_unit_price_cents CHECK (unit_price_cents >= 0),
    amount_cents     bigint NOT NULL CONSTRAINT billable_line_ck04_amount_cents CHECK (amount_cents >= 0),
    taxable          bigint NOT NULL CONSTRAINT billable_line_ck05_taxable CHECK (taxable IN (0, 1)),
    service_date     text COLLATE "C" NOT NULL
                     CONSTRAINT billable_line_ck06_service_date CHECK (pom_is_date(service_date)),
    source_key       text COLLATE "C" NOT NULL UNIQUE,
    created_at       text COLLATE "C" NOT NULL
);
CREATE INDEX billable_line_customer ON billable_line (customer_id, service_date);
CREATE INDEX billable_line_service ON billable_line (service_id) WHERE service_id IS NOT NULL;
CREATE TRIGGER pom_assign_id BEFORE INSERT ON billable_line FOR EACH ROW EXECUTE FUNCTION pom_assign_id();
CREATE TRIGGER billable_line_billed_immutable BEFORE UPDATE ON billable_line
    FOR EACH ROW EXECUTE FUNCTION billable_line_billed();
CREATE TRIGGER billable_line_billed_no_delete BEFORE DELETE ON billable_line
    FOR EACH ROW EXECUTE FUNCTION billable_line_billed();
CREATE TRIGGER billable_line_no_truncate BEFORE TRUNCATE ON billable_line
    FOR EACH STATEMENT EXECUTE FUNCTION pom_truncate_guard();

CREATE TABLE billing_plan (
    id                  bigint PRIMARY KEY,
    customer_id         bigint NOT NULL UNIQUE REFERENCES customer (id),
    monthly_cents       bigint
                        CONSTRAINT billing_plan_ck01_monthly_cents CHECK (monthly_cents IS NULL OR monthly_cents >= 0),
    monthly_timing      text COLLATE "C" NOT NULL DEFAULT 'arrears'
                        CONSTRAINT billing_plan_ck02_monthly_timing CHECK (monthly_timing IN ('advance', 'arrears')),
    monthly_description text COLLATE "C",
    starts_on           text COLLATE "C" NOT NULL
                        CONSTRAINT billing_plan_ck03_starts_on CHECK (pom_is_date(starts_on)),
    chemicals           text COLLATE "C" NOT NULL DEFAULT 'billed'
                        CONSTRAINT billing_plan_ck04_chemicals CHECK (chemicals IN ('billed', 'included')),
    parts               text COLLATE "C" NOT NULL DEFAULT 'billed'
                        CONSTRAINT billing_plan_ck05_parts CHECK (parts IN ('billed', 'included')),
    terms               text COLLATE "C",
    tax_exempt          bigint NOT NULL DEFAULT 0 CONSTRAINT billing_plan_ck06_tax_exempt CHECK (tax_exempt IN (0, 1)),
    tax_rate            text COLLATE "C",
    created_at          text COLLATE "C" NOT NULL,
    updated_at          text COLLATE "C" NOT NULL
);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON billing_plan FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE billing_plan_price (
    id           bigint PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES billing_plan (customer_id),
    service_type text COLLATE "C" NOT NULL,
    price_cents  bigint NOT NULL CONSTRAINT billing_plan_price_ck01_price_cents CHECK (price_cents >= 0),
    created_at   text COLLATE "C" NOT NULL,
    updated_at   text COLLATE "C" NOT NULL,
    UNIQUE (customer_id, service_type)
);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON billing_plan_price FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE number_series (
    kind text COLLATE "C" PRIMARY KEY CONSTRAINT number_series_ck01_kind CHECK (kind IN ('invoice', 'credit')),
    last bigint NOT NULL DEFAULT 0 CONSTRAINT number_series_ck02_last CHECK (last >= 0)
);
INSERT INTO number_series (kind, last) VALUES ('invoice', 0), ('credit', 0);
CREATE TRIGGER number_series_only_up BEFORE UPDATE ON number_series
    FOR EACH ROW WHEN (NEW.last != OLD.last + 1 OR NEW.kind != OLD.kind)
    EXECUTE FUNCTION pom_refuse('a number series only moves up by one');
CREATE TRIGGER number_series_no_delete BEFORE DELETE ON number_series
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('a number series is never deleted');
CREATE TRIGGER number_series_no_truncate BEFORE TRUNCATE ON number_series
    FOR EACH STATEMENT EXECUTE FUNCTION pom_refuse('a number series is never deleted');

CREATE TABLE invoice (
    id                 bigint PRIMARY KEY,
    kind               text COLLATE "C" NOT NULL DEFAULT 'invoice'
                       CONSTRAINT invoice_ck01_kind CHECK (kind IN ('invoice', 'credit')),
    customer_id        bigint NOT NULL REFERENCES customer (id),
    period             text COLLATE "C",
    period_end         text COLLATE "C" NOT NULL CONSTRAINT invoice_ck02_period_end CHECK (pom_is_date(period_end)),
    seq                bigint CONSTRAINT invoice_ck03_seq CHECK (seq IS NULL OR seq > 0),
    number             text COLLATE "C" UNIQUE,
    issue_date         text COLLATE "C"
                       CONSTRAINT invoice_ck04_issue_date CHECK (issue_date IS NULL OR pom_is_date(issue_date)),
    due_date           text COLLATE "C"
                       CONSTRAINT invoice_ck05_due_date CHECK (due_date IS NULL OR pom_is_date(due_date)),
    terms              text COLLATE "C" NOT NULL,
    terms_days         bigint NOT NULL CONSTRAINT invoice_ck06_terms_days CHECK (terms_days BETWEEN 0 AND 365),
    currency           text COLLATE "C" NOT NULL CONSTRAINT invoice_ck07_currency CHECK (length(currency) = 3),
    tax_name           text COLLATE "C" NOT NULL,
    tax_rate_micro     bigint NOT NULL
                       CONSTRAINT invoice_ck08_tax_rate_micro CHECK (tax_rate_micro BETWEEN 0 AND 1000000),
    tax_level          text COLLATE "C" NOT NULL
                       CONSTRAINT invoice_ck09_tax_level CHECK (tax_level IN ('line', 'invoice')),
    tax_rounding       text COLLATE "C" NOT NULL
                       CONSTRAINT invoice_ck10_tax_rounding CHECK (tax_rounding IN ('half-up', 'half-even')),
    subtotal_cents     bigint NOT NULL CONSTRAINT invoice_ck11_subtotal_cents CHECK (subtotal_cents >= 0),
    tax_cents          bigint NOT NULL CONSTRAINT invoice_ck12_tax_cents CHECK (tax_cents >= 0),
    total_cents        bigint NOT NULL
                       CONSTRAINT invoice_ck13_total_cents CHECK (total_cents = subtotal_cents + tax_cents),
    credits_invoice_id bigint REFERENCES invoice (id),
    full_reversal      bigint NOT NULL DEFAULT 0 CONSTRAINT invoice_ck14_full_reversal CHECK (full_reversal IN (0, 1)),
    reason             text COLLATE "C",
    bill_to_name       text COLLATE "C",
    bill_to_email      text COLLATE "C",
    bill_to_street     text COLLATE "C",
    bill_to_city       text COLLATE "C",
    bill_to_state      text COLLATE "C",
    bill_to_zip        text COLLATE "C",
    issued_at          text COLLATE "C",
    created_at         text COLLATE "C" NOT NULL,
    updated_at         text COLLATE "C" NOT NULL,
    UNIQUE (kind, seq),
    CONSTRAINT invoice_ck15_issued
        CHECK ((seq IS NULL) = (number IS NULL) AND (seq IS NULL) = (issued_at IS NULL) AND (seq IS NULL) = (issue_date IS NULL) AND (seq IS NULL) = (due_date IS NULL)),
    CONSTRAINT invoice_ck16_credit CHECK ((kind = 'credit') = (credits_invoice_id IS NOT NULL)),
    CONSTRAINT invoice_ck17_reversal CHECK (kind = 'credit' OR full_reversal = 0)
);
CREATE INDEX invoice_customer ON invoice (customer_id, issue_date);
CREATE INDEX invoice_draft ON invoice (customer_id, period_end) WHERE seq IS NULL;
CREATE INDEX invoice_credits ON invoice (credits_invoice_id) WHERE credits_invoice_id IS NOT NULL;
CREATE INDEX invoice_issue_date ON invoice (issue_date) WHERE seq IS NOT NULL;
CREATE TRIGGER pom_assign_id BEFORE INSERT ON invoice FOR EACH ROW EXECUTE FUNCTION pom_assign_id();
CREATE TRIGGER invoice_issue_number BEFORE UPDATE OF seq ON invoice
    FOR EACH ROW WHEN (OLD.seq IS NULL AND NEW.seq IS NOT NULL) EXECUTE FUNCTION invoice_issue_number();
CREATE TRIGGER invoice_insert_draft BEFORE INSERT ON invoice
    FOR EACH ROW WHEN (NEW.seq IS NOT NULL)
    EXECUTE FUNCTION pom_refuse('an invoice is created as a draft and then issued');
CREATE TRIGGER invoice_issued_immutable BEFORE UPDATE ON invoice
    FOR EACH ROW WHEN (OLD.seq IS NOT NULL) EXECUTE FUNCTION pom_refuse('an issued invoice never changes');
CREATE TRIGGER invoice_issued_no_delete BEFORE DELETE ON invoice
    FOR EACH ROW WHEN (OLD.seq IS NOT NULL) EXECUTE FUNCTION pom_refuse('an issued invoice never changes');
CREATE TRIGGER invoice_no_truncate BEFORE TRUNCATE ON invoice
    FOR EACH STATEMENT EXECUTE FUNCTION pom_truncate_guard();

CREATE TABLE invoice_line (
    id               bigint PRIMARY KEY,
    invoice_id       bigint NOT NULL REFERENCES invoice (id),
    position         bigint NOT NULL CONSTRAINT invoice_line_ck01_position CHECK (position > 0),
    billable_line_id bigint UNIQUE REFERENCES billable_line (id),
    credits_line_id  bigint REFERENCES invoice_line (id),
    kind             text COLLATE "C" NOT NULL
                     CONSTRAINT invoice_line_ck02_kind CHECK (kind IN ('service', 'item', 'chemical', 'monthly', 'extra', 'adjustment')),
    item             text COLLATE "C" NOT NULL,
    description      text COLLATE "C" NOT NULL,
    quantity_milli   bigint NOT NULL CONSTRAINT invoice_line_ck03_quantity_milli CHECK (quantity_milli > 0),
    unit_price_cents bigint NOT NULL CONSTRAINT invoice_line_ck04_unit_price_cents CHECK (unit_price_cents >= 0),
    amount_cents     bigint NOT NULL CONSTRAINT invoice_line_ck05_amount_cents CHECK (amount_cents >= 0),
    taxable          bigint NOT NULL CONSTRAINT invoice_line_ck06_taxable CHECK (taxable IN (0, 1)),
    tax_cents        bigint NOT NULL
                     CONSTRAINT invoice_line_ck07_tax_cents CHECK (tax_cents >= 0 AND (taxable = 1 OR tax_cents = 0)),
    included         bigint NOT NULL DEFAULT 0
                     CONSTRAINT invoice_line_ck08_included CHECK (included IN (0, 1) AND (included = 0 OR amount_cents = 0)),
    service_date     text COLLATE "C" NOT NULL
                     CONSTRAINT invoice_line_ck09_service_date CHECK (pom_is_date(service_date)),
    UNIQUE (invoice_id, position)
);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON invoice_line FOR EACH ROW EXECUTE FUNCTION pom_assign_id();
CREATE TRIGGER invoice_line_issued_insert BEFORE INSERT ON invoice_line
    FOR EACH ROW EXECUTE FUNCTION invoice_line_issued();
CREATE TRIGGER invoice_line_issued_update BEFORE UPDATE ON invoice_line
    FOR EACH ROW EXECUTE FUNCTION invoice_line_issued();
CREATE TRIGGER invoice_line_issued_delete BEFORE DELETE ON invoice_line
    FOR EACH ROW EXECUTE FUNCTION invoice_line_issued();
CREATE TRIGGER invoice_line_no_truncate BEFORE TRUNCATE ON invoice_line
    FOR EACH STATEMENT EXECUTE FUNCTION pom_truncate_guard();

CREATE TABLE payment (
    id            bigint PRIMARY KEY,
    invoice_id    bigint NOT NULL REFERENCES invoice (id),
    customer_id   bigint NOT NULL REFERENCES customer (id),
    amount_cents  bigint NOT NULL CONSTRAINT payment_ck01_amount_cents CHECK (amount_cents > 0),
    applied_cents bigint NOT NULL
                  CONSTRAINT payment_ck02_applied_cents CHECK (applied_cents >= 0 AND applied_cents <= amount_cents),
    paid_on       text COLLATE "C" NOT NULL CONSTRAINT payment_ck03_paid_on CHECK (pom_is_date(paid_on)),
    method        text COLLATE "C" NOT NULL
                  CONSTRAINT payment_ck04_method CHECK (method IN ('cash', 'check', 'card', 'ach', 'other')),
    ref           text COLLATE "C",
    created_at    text COLLATE "C" NOT NULL,
    actor         text COLLATE "C" NOT NULL
);
CREATE INDEX payment_invoice ON payment (invoice_id);
CREATE INDEX payment_customer ON payment (customer_id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON payment FOR EACH ROW EXECUTE FUNCTION pom_assign_id();
CREATE TRIGGER payment_check BEFORE INSERT ON payment
    FOR EACH ROW EXECUTE FUNCTION payment_check();
CREATE TRIGGER payment_no_update BEFORE UPDATE ON payment
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('a recorded payment never changes');
CREATE TRIGGER payment_no_delete BEFORE DELETE ON payment
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('a recorded payment never changes');
CREATE TRIGGER payment_no_truncate BEFORE TRUNCATE ON payment
    FOR EACH STATEMENT EXECUTE FUNCTION pom_refuse('a recorded payment never changes');

CREATE TABLE export_batch (
    id            bigint PRIMARY KEY,
    format        text COLLATE "C" NOT NULL
                  CONSTRAINT export_batch_ck01_format CHECK (format IN ('csv', 'json', 'qbo', 'iif', 'xero')),
    selection     text COLLATE "C" NOT NULL CONSTRAINT export_batch_ck02_selection CHECK (pom_json_valid(selection)),
    settings      text COLLATE "C" NOT NULL CONSTRAINT export_batch_ck03_settings CHECK (pom_json_valid(settings)),
    invoice_count bigint NOT NULL CONSTRAINT export_batch_ck04_invoice_count CHECK (invoice_count >= 0),
    line_count    bigint NOT NULL CONSTRAINT export_batch_ck05_line_count CHECK (line_count >= 0),
    total_cents   bigint NOT NULL,
    tax_cents     bigint NOT NULL,
    files         bigint NOT NULL CONSTRAINT export_batch_ck06_files CHECK (files >= 1),
    bytes         bigint NOT NULL CONSTRAINT export_batch_ck07_bytes CHECK (bytes >= 0),
    sha256        text COLLATE "C" NOT NULL CONSTRAINT export_batch_ck08_sha256 CHECK (length(sha256) = 64),
    created_at    text COLLATE "C" NOT NULL,
    actor         text COLLATE "C" NOT NULL
);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON export_batch FOR EACH ROW EXECUTE FUNCTION pom_assign_id();
CREATE TRIGGER export_batch_no_update BEFORE UPDATE ON export_batch
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('an export batch never changes');
CREATE TRIGGER export_batch_no_delete BEFORE DELETE ON export_batch
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('an export batch never changes');
CREATE TRIGGER export_batch_no_truncate BEFORE TRUNCATE ON export_batch
    FOR EACH STATEMENT EXECUTE FUNCTION pom_refuse('an export batch never changes');

CREATE TABLE export_batch_invoice (
    batch_id   bigint NOT NULL REFERENCES export_batch (id),
    invoice_id bigint NOT NULL REFERENCES invoice (id),
    PRIMARY KEY (batch_id, invoice_id)
);
CREATE INDEX export_batch_invoice_invoice ON export_batch_invoice (invoice_id);
CREATE TRIGGER export_batch_invoice_no_delete BEFORE DELETE ON export_batch_invoice
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('an export batch never changes');
CREATE TRIGGER export_batch_invoice_no_truncate BEFORE TRUNCATE ON export_batch_invoice
    FOR EACH STATEMENT EXECUTE FUNCTION pom_refuse('an export batch never changes');

CREATE TABLE customer_status_change (
    id          bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    from_status text COLLATE "C"
                CONSTRAINT customer_status_change_ck01_from_status CHECK (from_status IS NULL OR from_status IN ('lead', 'active', 'inactive')),
    to_status   text COLLATE "C" NOT NULL
                CONSTRAINT customer_status_change_ck02_to_status CHECK (to_status IN ('lead', 'active', 'inactive')),
    at          text COLLATE "C" NOT NULL,
    actor       text COLLATE "C" NOT NULL,
    rule        text COLLATE "C",
    CONSTRAINT customer_status_change_ck03_change CHECK (from_status IS DISTINCT FROM to_status)
);
CREATE INDEX customer_status_change_customer ON customer_status_change (customer_id, at);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON customer_status_change FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE tag_rule_run (
    id          bigint PRIMARY KEY,
    rule        text COLLATE "C" NOT NULL CONSTRAINT tag_rule_run_ck01_rule CHECK (length(rule) > 0),
    event       text COLLATE "C" NOT NULL
                CONSTRAINT tag_rule_run_ck02_event CHECK (event IN ('customer_created', 'quote_sent', 'quote_accepted', 'quote_declined', 'appointment_created', 'followup_stale')),
    customer_id bigint NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    subject     text COLLATE "C",
    added       text COLLATE "C" NOT NULL CONSTRAINT tag_rule_run_ck03_added CHECK (pom_json_valid(added)),
    removed     text COLLATE "C" NOT NULL CONSTRAINT tag_rule_run_ck04_removed CHECK (pom_json_valid(removed)),
    status_from text COLLATE "C",
    status_to   text COLLATE "C",
    at          text COLLATE "C" NOT NULL,
    actor       text COLLATE "C" NOT NULL
);
CREATE INDEX tag_rule_run_customer ON tag_rule_run (customer_id, at);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON tag_rule_run FOR EACH ROW EXECUTE FUNCTION pom_assign_id();
CREATE TRIGGER tag_rule_run_no_update BEFORE UPDATE ON tag_rule_run
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('the tag rule log is append-only');

CREATE TABLE quote (
    id             bigint PRIMARY KEY,
    customer_id    bigint NOT NULL REFERENCES customer (id),
    status         text COLLATE "C" NOT NULL DEFAULT 'draft'
                   CONSTRAINT quote_ck01_status CHECK (status IN ('draft', 'sent', 'accepted', 'declined', 'expired')),
    valid_days     bigint NOT NULL CONSTRAINT quote_ck02_valid_days CHECK (valid_days BETWEEN 1 AND 365),
    valid_until    text COLLATE "C" NOT NULL CONSTRAINT quote_ck03_valid_until CHECK (pom_is_date(valid_until)),
    total_cents    bigint NOT NULL CONSTRAINT quote_ck04_total_cents CHECK (total_cents >= 0),
    terms          text COLLATE "C",
    sent_at        text COLLATE "C",
    accepted_at    text COLLATE "C",
    declined_at    text COLLATE "C",
    decline_reason text COLLATE "C",
    expired_at     text COLLATE "C",
    created_at     text COLLATE "C" NOT NULL,
    updated_at     text COLLATE "C" NOT NULL,
    CONSTRAINT quote_ck05_sent CHECK (status = 'draft' OR status = 'expired' OR sent_at IS NOT NULL),
    CONSTRAINT quote_ck06_accepted CHECK (status <> 'accepted' OR accepted_at IS NOT NULL),
    CONSTRAINT quote_ck07_declined
        CHECK (status <> 'declined' OR (declined_at IS NOT NULL AND length(trim(decline_reason)) > 0)),
    CONSTRAINT quote_ck08_expired CHECK (status <> 'expired' OR expired_at IS NOT NULL)
);
CREATE INDEX quote_customer ON quote (customer_id, created_at);
CREATE INDEX quote_open ON quote (status, customer_id) WHERE status IN ('draft', 'sent');
CREATE TRIGGER pom_assign_id BEFORE INSERT ON quote FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE quote_line (
    id               bigint PRIMARY KEY,
    quote_id         bigint NOT NULL REFERENCES quote (id),
    position         bigint NOT NULL CONSTRAINT quote_line_ck01_position CHECK (position >= 1),
    description      text COLLATE "C" NOT NULL
                     CONSTRAINT quote_line_ck02_description CHECK (length(trim(description)) > 0),
    quantity_milli   bigint NOT NULL CONSTRAINT quote_line_ck03_quantity_milli CHECK (quantity_milli > 0),
    unit_price_cents bigint NOT NULL CONSTRAINT quote_line_ck04_unit_price_cents CHECK (unit_price_cents >= 0),
    amount_cents     bigint NOT NULL CONSTRAINT quote_line_ck05_amount_cents CHECK (amount_cents >= 0),
    UNIQUE (quote_id, position)
);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON quote_line FOR EACH ROW EXECUTE FUNCTION pom_assign_id();
CREATE TRIGGER quote_line_frozen_insert BEFORE INSERT ON quote_line
    FOR EACH ROW EXECUTE FUNCTION quote_line_frozen();
CREATE TRIGGER quote_line_frozen_update BEFORE UPDATE ON quote_line
    FOR EACH ROW EXECUTE FUNCTION quote_line_frozen();
CREATE TRIGGER quote_line_frozen_delete BEFORE DELETE ON quote_line
    FOR EACH ROW EXECUTE FUNCTION quote_line_frozen();
CREATE TRIGGER quote_line_no_truncate BEFORE TRUNCATE ON quote_line
    FOR EACH STATEMENT EXECUTE FUNCTION pom_truncate_guard();

CREATE TABLE ticket (
    id             bigint PRIMARY KEY,
    customer_id    bigint NOT NULL REFERENCES customer (id),
    pool_id        bigint REFERENCES pool (id),
    category       text COLLATE "C" NOT NULL
                   CONSTRAINT ticket_ck01_category CHECK (category IN ('question', 'communication', 'construction', 'service', 'warranty', 'chemistry', 'route')),
    severity       text COLLATE "C" NOT NULL
                   CONSTRAINT ticket_ck02_severity CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    urgency        text COLLATE "C" NOT NULL
                   CONSTRAINT ticket_ck03_urgency CHECK (urgency IN ('low', 'normal', 'high')),
    summary        text COLLATE "C" NOT NULL CONSTRAINT ticket_ck04_summary CHECK (length(trim(summary)) > 0),
    told           text COLLATE "C" NOT NULL CONSTRAINT ticket_ck05_told CHECK (length(trim(told)) > 0),
    owner_id       bigint NOT NULL REFERENCES worker (id),
    source         text COLLATE "C" NOT NULL
                   CONSTRAINT ticket_ck06_source CHECK (source IN ('phone', 'email', 'meeting', 'portal')),
    warranty       text COLLATE "C"
                   CONSTRAINT ticket_ck07_warranty CHECK (warranty IS NULL OR warranty IN ('in', 'out', 'unknown')),
    warranty_until text COLLATE "C"
                   CONSTRAINT ticket_ck08_warranty_until CHECK (warranty_until IS NULL OR pom_is_date(warranty_until)),
    promise_s      bigint NOT NULL CONSTRAINT ticket_ck09_promise_s CHECK (promise_s > 0),
    due_at         text COLLATE "C" NOT NULL,
    status         text COLLATE "C" NOT NULL DEFAULT 'open'
                   CONSTRAINT ticket_ck10_status CHECK (status IN ('open', 'closed')),
    route          text COLLATE "C"
                   CONSTRAINT ticket_ck11_route CHECK (route IS NULL OR route IN ('customer-service', 'construction', 'service', 'warranty', 'service-plan', 'route-planning')),
    next_action    text COLLATE "C",
    outcome        text COLLATE "C",
    notified_at    text COLLATE "C",
    closed_at      text COLLATE "C",
    created_at     text COLLATE "C" NOT NULL,
    updated_at     text COLLATE "C" NOT NULL,
    CONSTRAINT ticket_ck12_warranty CHECK (warranty_until IS NULL OR warranty = 'in'),
    CONSTRAINT ticket_ck13_closed
        CHECK (status <> 'closed' OR (closed_at IS NOT NULL AND notified_at IS NOT NULL AND length(trim(outcome)) > 0))
);
CREATE INDEX ticket_open ON ticket (due_at) WHERE status = 'open';
CREATE INDEX ticket_owner ON ticket (owner_id, status);
CREATE INDEX ticket_customer ON ticket (customer_id, created_at);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON ticket FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE ticket_route (
    id          bigint PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES ticket (id),
    route       text COLLATE "C" NOT NULL,
    next_action text COLLATE "C" NOT NULL,
    at          text COLLATE "C" NOT NULL,
    actor       text COLLATE "C" NOT NULL
);
CREATE INDEX ticket_route_ticket ON ticket_route (ticket_id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON ticket_route FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE ticket_visit (
    id             bigint PRIMARY KEY,
    ticket_id      bigint NOT NULL REFERENCES ticket (id),
    appointment_id bigint NOT NULL UNIQUE REFERENCES appointment (id)
);
CREATE INDEX ticket_visit_ticket ON ticket_visit (ticket_id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON ticket_visit FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE callback (
    id             bigint PRIMARY KEY,
    customer_id    bigint NOT NULL REFERENCES customer (id),
    contact        text COLLATE "C" NOT NULL
                   CONSTRAINT callback_ck01_contact CHECK (contact IN ('phone', 'email', 'sms')),
    reason         text COLLATE "C" NOT NULL CONSTRAINT callback_ck02_reason CHECK (length(trim(reason)) > 0),
    owner_id       bigint NOT NULL REFERENCES worker (id),
    due_at         text COLLATE "C" NOT NULL,
    first_due_at   text COLLATE "C" NOT NULL,
    summary        text COLLATE "C" NOT NULL CONSTRAINT callback_ck03_summary CHECK (length(trim(summary)) > 0),
    ticket_id      bigint REFERENCES ticket (id),
    appointment_id bigint REFERENCES appointment (id),
    status         text COLLATE "C" NOT NULL DEFAULT 'open'
                   CONSTRAINT callback_ck04_status CHECK (status IN ('open', 'done')),
    outcome        text COLLATE "C",
    done_at        text COLLATE "C",
    created_at     text COLLATE "C" NOT NULL,
    updated_at     text COLLATE "C" NOT NULL,
    CONSTRAINT callback_ck05_done CHECK ((status = 'done') = (done_at IS NOT NULL)),
    CONSTRAINT callback_ck06_outcome CHECK (status <> 'done' OR length(trim(outcome)) > 0)
);
CREATE INDEX callback_open ON callback (due_at) WHERE status = 'open';
CREATE INDEX callback_owner ON callback (owner_id, due_at) WHERE status = 'open';
CREATE INDEX callback_customer ON callback (customer_id, created_at);
CREATE INDEX callback_ticket ON callback (ticket_id) WHERE ticket_id IS NOT NULL;
CREATE TRIGGER pom_assign_id BEFORE INSERT ON callback FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE note (
    id             bigint PRIMARY KEY,
    customer_id    bigint NOT NULL REFERENCES customer (id),
    ticket_id      bigint REFERENCES ticket (id),
    appointment_id bigint REFERENCES appointment (id),
    callback_id    bigint REFERENCES callback (id),
    kind           text COLLATE "C" NOT NULL
                   CONSTRAINT note_ck01_kind CHECK (kind IN ('meeting', 'call', 'transcript', 'internal')),
    text           text COLLATE "C" NOT NULL CONSTRAINT note_ck02_text CHECK (length(trim(text)) > 0),
    source_file    text COLLATE "C",
    author         text COLLATE "C" NOT NULL,
    created_at     text COLLATE "C" NOT NULL
);
CREATE INDEX note_customer ON note (customer_id, created_at);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON note FOR EACH ROW EXECUTE FUNCTION pom_assign_id();
CREATE TRIGGER note_no_update BEFORE UPDATE ON note
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('notes are a record of what was said: add a new note instead');
CREATE TRIGGER note_fts_insert AFTER INSERT ON note
    FOR EACH ROW EXECUTE FUNCTION note_fts_insert();

CREATE TEXT SEARCH DICTIONARY pom_english_stem (TEMPLATE = pg_catalog.snowball, LANGUAGE = english);
CREATE TEXT SEARCH CONFIGURATION pom_english (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION pom_english ALTER MAPPING REPLACE pg_catalog.english_stem WITH pom_english_stem;
CREATE TABLE note_fts (
    id  bigint PRIMARY KEY REFERENCES note (id) ON DELETE CASCADE,
    tsv tsvector NOT NULL
);
CREATE INDEX note_fts_tsv ON note_fts USING gin (tsv);

-- What SQLite quotes when a CHECK fails, "CHECK constraint failed: <text>": the CHECK as SQLite's
-- schema holds it, with the IN lists of three or more that migration 8 rewrote as ORs.
COMMENT ON CONSTRAINT audit_log_ck01_at ON audit_log IS 'at GLOB ''[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z''';
COMMENT ON CONSTRAINT audit_log_ck02_action ON audit_log IS '(action = ''create'' OR action = ''update'' OR action = ''delete'')';
COMMENT ON CONSTRAINT audit_log_ck03_before ON audit_log IS 'before IS NULL OR json_valid(before)';
COMMENT ON CONSTRAINT audit_log_ck04_after ON audit_log IS 'after IS NULL OR json_valid(after)';
COMMENT ON CONSTRAINT customer_ck01_ref ON customer IS 'ref IS NULL OR length(ref) BETWEEN 1 AND 64';
COMMENT ON CONSTRAINT customer_ck02_name ON customer IS 'length(trim(name)) > 0';
COMMENT ON CONSTRAINT customer_ck03_status ON customer IS '(status = ''lead'' OR status = ''active'' OR status = ''inactive'')';
COMMENT ON CONSTRAINT customer_contact_ck01_kind ON customer_contact IS 'kind IN (''email'', ''phone'')';
COMMENT ON CONSTRAINT customer_contact_ck02_value ON customer_contact IS 'length(value) > 0';
COMMENT ON CONSTRAINT customer_contact_ck03_opt_in ON customer_contact IS 'opt_in IN (0, 1)';
COMMENT ON CONSTRAINT customer_tag_ck01_tag ON customer_tag IS 'length(trim(tag)) > 0';
COMMENT ON CONSTRAINT pool_ck01_lat ON pool IS 'lat IS NULL OR lat BETWEEN -90 AND 90';
COMMENT ON CONSTRAINT pool_ck02_lon ON pool IS 'lon IS NULL OR lon BETWEEN -180 AND 180';
COMMENT ON CONSTRAINT pool_ck03_dog ON pool IS 'dog IN (0, 1)';
COMMENT ON CONSTRAINT pool_ck04_body ON pool IS 'body IN (''pool'', ''spa'')';
COMMENT ON CONSTRAINT pool_ck05_gallons ON pool IS 'gallons IS NULL OR gallons BETWEEN 1 AND 10000000';
COMMENT ON CONSTRAINT pool_ck06_surface ON pool IS 'surface IS NULL OR (surface = ''plaster'' OR surface = ''pebble'' OR surface = ''quartz'' OR surface = ''vinyl'' OR surface = ''fiberglass'' OR surface = ''tile'' OR surface = ''other'')';
COMMENT ON CONSTRAINT pool_ck07_sanitizer ON pool IS 'sanitizer IS NULL OR (sanitizer = ''chlorine'' OR sanitizer = ''salt'' OR sanitizer = ''bromine'' OR sanitizer = ''biguanide'' OR sanitizer = ''mineral'' OR sanitizer = ''other'')';
COMMENT ON CONSTRAINT pool_ck08_active ON pool IS 'active IN (0, 1)';
COMMENT ON CONSTRAINT worker_ck01_name ON worker IS 'length(trim(name)) > 0';
COMMENT ON CONSTRAINT worker_ck02_role ON worker IS '(role = ''technician'' OR role = ''office'' OR role = ''manager'' OR role = ''admin'')';
COMMENT ON CONSTRAINT worker_ck03_active ON worker IS 'active IN (0, 1)';
COMMENT ON CONSTRAINT series_ck01_rrule ON series IS 'rrule GLOB ''FREQ=*''';
COMMENT ON CONSTRAINT series_ck02_dtstart ON series IS 'date(dtstart) IS dtstart';
COMMENT ON CONSTRAINT series_ck03_window_start ON series IS 'window_start IS NULL OR window_start GLOB ''[0-2][0-9]:[0-5][0-9]''';
COMMENT ON CONSTRAINT series_ck04_window_end ON series IS 'window_end IS NULL OR window_end GLOB ''[0-2][0-9]:[0-5][0-9]''';
COMMENT ON CONSTRAINT series_ck05_duration_min ON series IS 'duration_min BETWEEN 1 AND 1440';
COMMENT ON CONSTRAINT series_ck06_priority ON series IS '(priority = ''normal'' OR priority = ''high'' OR priority = ''urgent'')';
COMMENT ON CONSTRAINT series_ck07_route_order ON series IS 'route_order IS NULL OR route_order >= 0';
COMMENT ON CONSTRAINT series_ck08_status ON series IS '(status = ''active'' OR status = ''suspended'' OR status = ''ended'')';
COMMENT ON CONSTRAINT series_ck09_suspended_from ON series IS 'suspended_from IS NULL OR date(suspended_from) IS suspended_from';
COMMENT ON CONSTRAINT series_ck10_suspended_until ON series IS 'suspended_until IS NULL OR date(suspended_until) IS suspended_until';
COMMENT ON CONSTRAINT series_ck11_ended_on ON series IS 'ended_on IS NULL OR date(ended_on) IS ended_on';
COMMENT ON CONSTRAINT series_ck12_expanded_through ON series IS 'expanded_through IS NULL OR date(expanded_through) IS expanded_through';
COMMENT ON CONSTRAINT series_ck13_window ON series IS 'window_start IS NULL OR window_end IS NULL OR window_start < window_end';
COMMENT ON CONSTRAINT appointment_ck01_date ON appointment IS 'date(date) IS date';
COMMENT ON CONSTRAINT appointment_ck02_window_start ON appointment IS 'window_start IS NULL OR window_start GLOB ''[0-2][0-9]:[0-5][0-9]''';
COMMENT ON CONSTRAINT appointment_ck03_window_end ON appointment IS 'window_end IS NULL OR window_end GLOB ''[0-2][0-9]:[0-5][0-9]''';
COMMENT ON CONSTRAINT appointment_ck04_duration_min ON appointment IS 'duration_min BETWEEN 1 AND 1440';
COMMENT ON CONSTRAINT appointment_ck05_route_order ON appointment IS 'route_order IS NULL OR route_order >= 0';
COMMENT ON CONSTRAINT appointment_ck06_priority ON appointment IS '(priority = ''normal'' OR priority = ''high'' OR priority = ''urgent'')';
COMMENT ON CONSTRAINT appointment_ck07_status ON appointment IS '(status = ''scheduled'' OR status = ''en_route'' OR status = ''in_progress'' OR status = ''paused'' OR status = ''completed'' OR status = ''cancelled'' OR status = ''skipped'')';
COMMENT ON CONSTRAINT appointment_ck08_occurrence_date ON appointment IS 'occurrence_date IS NULL OR date(occurrence_date) IS occurrence_date';
COMMENT ON CONSTRAINT appointment_ck09_detached ON appointment IS 'detached IN (0, 1)';
COMMENT ON CONSTRAINT appointment_ck10_rolled_count ON appointment IS 'rolled_count >= 0';
COMMENT ON CONSTRAINT appointment_ck11_series ON appointment IS '(series_id IS NULL) = (occurrence_date IS NULL)';
COMMENT ON CONSTRAINT appointment_ck12_window ON appointment IS 'window_start IS NULL OR window_end IS NULL OR window_start < window_end';
COMMENT ON CONSTRAINT days_out_ck01_value ON days_out IS 'value BETWEEN 0 AND 365';
COMMENT ON CONSTRAINT notice_ck01_channel ON notice IS 'channel IN (''email'', ''sms'')';
COMMENT ON CONSTRAINT notice_ck02_status ON notice IS '(status = ''pending'' OR status = ''sending'' OR status = ''sent'' OR status = ''failed'' OR status = ''skipped'')';
COMMENT ON CONSTRAINT notice_ck03_attempts ON notice IS 'attempts >= 0';
COMMENT ON CONSTRAINT notice_ck04_skip_reason ON notice IS '(status = ''skipped'') = (skip_reason IS NOT NULL)';
COMMENT ON CONSTRAINT notice_ck05_sent ON notice IS '(status = ''sent'') = (sent_at IS NOT NULL)';
COMMENT ON CONSTRAINT notice_ck06_claimed ON notice IS 'status != ''sending'' OR (claimed_at IS NOT NULL AND claimed_by IS NOT NULL)';
COMMENT ON CONSTRAINT service_ck01_status ON service IS 'status IN (''open'', ''submitted'')';
COMMENT ON CONSTRAINT service_ck02_start_lat ON service IS 'start_lat IS NULL OR start_lat BETWEEN -90 AND 90';
COMMENT ON CONSTRAINT service_ck03_start_lon ON service IS 'start_lon IS NULL OR start_lon BETWEEN -180 AND 180';
COMMENT ON CONSTRAINT service_ck04_submit_lat ON service IS 'submit_lat IS NULL OR submit_lat BETWEEN -90 AND 90';
COMMENT ON CONSTRAINT service_ck05_submit_lon ON service IS 'submit_lon IS NULL OR submit_lon BETWEEN -180 AND 180';
COMMENT ON CONSTRAINT service_ck06_ended ON service IS 'status = ''open'' OR ended_at IS NOT NULL';
COMMENT ON CONSTRAINT service_check_ck01_required ON service_check IS 'required IN (0, 1)';
COMMENT ON CONSTRAINT service_check_ck02_photo_required ON service_check IS 'photo_required IN (0, 1)';
COMMENT ON CONSTRAINT reading_ck01_fc ON reading IS 'fc IS NULL OR fc >= 0';
COMMENT ON CONSTRAINT reading_ck02_cc ON reading IS 'cc IS NULL OR cc >= 0';
COMMENT ON CONSTRAINT reading_ck03_ph ON reading IS 'ph IS NULL OR ph BETWEEN 0 AND 14';
COMMENT ON CONSTRAINT reading_ck04_ta ON reading IS 'ta IS NULL OR ta >= 0';
COMMENT ON CONSTRAINT reading_ck05_ch ON reading IS 'ch IS NULL OR ch >= 0';
COMMENT ON CONSTRAINT reading_ck06_cya ON reading IS 'cya IS NULL OR cya >= 0';
COMMENT ON CONSTRAINT reading_ck07_salt ON reading IS 'salt IS NULL OR salt >= 0';
COMMENT ON CONSTRAINT reading_ck08_phosphate ON reading IS 'phosphate IS NULL OR phosphate >= 0';
COMMENT ON CONSTRAINT reading_ck09_tds ON reading IS 'tds IS NULL OR tds >= 0';
COMMENT ON CONSTRAINT reading_ck10_temp_f ON reading IS 'temp_f IS NULL OR temp_f BETWEEN 32 AND 110';
COMMENT ON CONSTRAINT reading_ck11_borate ON reading IS 'borate IS NULL OR borate >= 0';
COMMENT ON CONSTRAINT reading_ck12_flags ON reading IS 'json_valid(flags)';
COMMENT ON CONSTRAINT inventory_item_ck01_sku ON inventory_item IS 'length(sku) BETWEEN 1 AND 64';
COMMENT ON CONSTRAINT inventory_item_ck02_name ON inventory_item IS 'length(trim(name)) > 0';
COMMENT ON CONSTRAINT inventory_item_ck03_cost_cents ON inventory_item IS 'cost_cents >= 0';
COMMENT ON CONSTRAINT inventory_item_ck04_price_cents ON inventory_item IS 'price_cents >= 0';
COMMENT ON CONSTRAINT inventory_item_ck05_reorder_milli ON inventory_item IS 'reorder_milli >= 0';
COMMENT ON CONSTRAINT inventory_item_ck06_billable ON inventory_item IS 'billable IN (0, 1)';
COMMENT ON CONSTRAINT inventory_item_ck07_taxable ON inventory_item IS 'taxable IN (0, 1)';
COMMENT ON CONSTRAINT inventory_item_ck08_active ON inventory_item IS 'active IN (0, 1)';
COMMENT ON CONSTRAINT inventory_move_ck01_kind ON inventory_move IS '(kind = ''receive'' OR kind = ''adjust'' OR kind = ''use'')';
COMMENT ON CONSTRAINT inventory_move_ck02_cost_cents ON inventory_move IS 'cost_cents IS NULL OR cost_cents >= 0';
COMMENT ON CONSTRAINT dose_ck01_amount_milli ON dose IS 'amount_milli > 0';
COMMENT ON CONSTRAINT service_item_ck01_quantity_milli ON service_item IS 'quantity_milli > 0';
COMMENT ON CONSTRAINT service_note_ck01_text ON service_note IS 'length(trim(text)) > 0';
COMMENT ON CONSTRAINT service_note_ck02_private ON service_note IS 'private IN (0, 1)';
COMMENT ON CONSTRAINT photo_ck01_sha256 ON photo IS 'length(sha256) = 64';
COMMENT ON CONSTRAINT photo_ck02_media_type ON photo IS '(media_type = ''image/jpeg'' OR media_type = ''image/png'' OR media_type = ''image/webp'' OR media_type = ''image/gif'')';
COMMENT ON CONSTRAINT photo_ck03_bytes ON photo IS 'bytes > 0';
COMMENT ON CONSTRAINT billable_line_ck01_kind ON billable_line IS '(kind = ''service'' OR kind = ''item'' OR kind = ''chemical'' OR kind = ''monthly'' OR kind = ''extra'')';
COMMENT ON CONSTRAINT billable_line_ck02_quantity_milli ON billable_line IS 'quantity_milli > 0';
COMMENT ON CONSTRAINT billable_line_ck03_unit_price_cents ON billable_line IS 'unit_price_cents >= 0';
COMMENT ON CONSTRAINT billable_line_ck04_amount_cents ON billable_line IS 'amount_cents >= 0';
COMMENT ON CONSTRAINT billable_line_ck05_taxable ON billable_line IS 'taxable IN (0, 1)';
COMMENT ON CONSTRAINT billable_line_ck06_service_date ON billable_line IS 'date(service_date) IS service_date';
COMMENT ON CONSTRAINT billing_plan_ck01_monthly_cents ON billing_plan IS 'monthly_cents IS NULL OR monthly_cents >= 0';
COMMENT ON CONSTRAINT billing_plan_ck02_monthly_timing ON billing_plan IS 'monthly_timing IN (''advance'', ''arrears'')';
COMMENT ON CONSTRAINT billing_plan_ck03_starts_on ON billing_plan IS 'date(starts_on) IS starts_on';
COMMENT ON CONSTRAINT billing_plan_ck04_chemicals ON billing_plan IS 'chemicals IN (''billed'', ''included'')';
COMMENT ON CONSTRAINT billing_plan_ck05_parts ON billing_plan IS 'parts IN (''billed'', ''included'')';
COMMENT ON CONSTRAINT billing_plan_ck06_tax_exempt ON billing_plan IS 'tax_exempt IN (0, 1)';
COMMENT ON CONSTRAINT billing_plan_price_ck01_price_cents ON billing_plan_price IS 'price_cents >= 0';
COMMENT ON CONSTRAINT number_series_ck01_kind ON number_series IS 'kind IN (''invoice'', ''credit'')';
COMMENT ON CONSTRAINT number_series_ck02_last ON number_series IS 'last >= 0';
COMMENT ON CONSTRAINT invoice_ck01_kind ON invoice IS 'kind IN (''invoice'', ''credit'')';
COMMENT ON CONSTRAINT invoice_ck02_period_end ON invoice IS 'date(period_end) IS period_end';
COMMENT ON CONSTRAINT invoice_ck03_seq ON invoice IS 'seq IS NULL OR seq > 0';
COMMENT ON CONSTRAINT invoice_ck04_issue_date ON invoice IS 'issue_date IS NULL OR date(issue_date) IS issue_date';
COMMENT ON CONSTRAINT invoice_ck05_due_date ON invoice IS 'due_date IS NULL OR date(due_date) IS due_date';
COMMENT ON CONSTRAINT invoice_ck06_terms_days ON invoice IS 'terms_days BETWEEN 0 AND 365';
COMMENT ON CONSTRAINT invoice_ck07_currency ON invoice IS 'length(currency) = 3';
COMMENT ON CONSTRAINT invoice_ck08_tax_rate_micro ON invoice IS 'tax_rate_micro BETWEEN 0 AND 1000000';
COMMENT ON CONSTRAINT invoice_ck09_tax_level ON invoice IS 'tax_level IN (''line'', ''invoice'')';
COMMENT ON CONSTRAINT invoice_ck10_tax_rounding ON invoice IS 'tax_rounding IN (''half-up'', ''half-even'')';
COMMENT ON CONSTRAINT invoice_ck11_subtotal_cents ON invoice IS 'subtotal_cents >= 0';
COMMENT ON CONSTRAINT invoice_ck12_tax_cents ON invoice IS 'tax_cents >= 0';
COMMENT ON CONSTRAINT invoice_ck13_total_cents ON invoice IS 'total_cents = subtotal_cents + tax_cents';
COMMENT ON CONSTRAINT invoice_ck14_full_reversal ON invoice IS 'full_reversal IN (0, 1)';
COMMENT ON CONSTRAINT invoice_ck15_issued ON invoice IS '(seq IS NULL) = (number IS NULL) AND (seq IS NULL) = (issued_at IS NULL)
           AND (seq IS NULL) = (issue_date IS NULL) AND (seq IS NULL) = (due_date IS NULL)';
COMMENT ON CONSTRAINT invoice_ck16_credit ON invoice IS '(kind = ''credit'') = (credits_invoice_id IS NOT NULL)';
COMMENT ON CONSTRAINT invoice_ck17_reversal ON invoice IS 'kind = ''credit'' OR full_reversal = 0';
COMMENT ON CONSTRAINT invoice_line_ck01_position ON invoice_line IS 'position > 0';
COMMENT ON CONSTRAINT invoice_line_ck02_kind ON invoice_line IS '(kind = ''service'' OR kind = ''item'' OR kind = ''chemical'' OR kind = ''monthly'' OR kind = ''extra'' OR kind = ''adjustment'')';
COMMENT ON CONSTRAINT invoice_line_ck03_quantity_milli ON invoice_line IS 'quantity_milli > 0';
COMMENT ON CONSTRAINT invoice_line_ck04_unit_price_cents ON invoice_line IS 'unit_price_cents >= 0';
COMMENT ON CONSTRAINT invoice_line_ck05_amount_cents ON invoice_line IS 'amount_cents >= 0';
COMMENT ON CONSTRAINT invoice_line_ck06_taxable ON invoice_line IS 'taxable IN (0, 1)';
COMMENT ON CONSTRAINT invoice_line_ck07_tax_cents ON invoice_line IS 'tax_cents >= 0 AND (taxable = 1 OR tax_cents = 0)';
COMMENT ON CONSTRAINT invoice_line_ck08_included ON invoice_line IS 'included IN (0, 1) AND (included = 0 OR amount_cents = 0)';
COMMENT ON CONSTRAINT invoice_line_ck09_service_date ON invoice_line IS 'date(service_date) IS service_date';
COMMENT ON CONSTRAINT payment_ck01_amount_cents ON payment IS 'amount_cents > 0';
COMMENT ON CONSTRAINT payment_ck02_applied_cents ON payment IS 'applied_cents >= 0 AND applied_cents <= amount_cents';
COMMENT ON CONSTRAINT payment_ck03_paid_on ON payment IS 'date(paid_on) IS paid_on';
COMMENT ON CONSTRAINT payment_ck04_method ON payment IS '(method = ''cash'' OR method = ''check'' OR method = ''card'' OR method = ''ach'' OR method = ''other'')';
COMMENT ON CONSTRAINT export_batch_ck01_format ON export_batch IS '(format = ''csv'' OR format = ''json'' OR format = ''qbo'' OR format = ''iif'' OR format = ''xero'')';
COMMENT ON CONSTRAINT export_batch_ck02_selection ON export_batch IS 'json_valid(selection)';
COMMENT ON CONSTRAINT export_batch_ck03_settings ON export_batch IS 'json_valid(settings)';
COMMENT ON CONSTRAINT export_batch_ck04_invoice_count ON export_batch IS 'invoice_count >= 0';
COMMENT ON CONSTRAINT export_batch_ck05_line_count ON export_batch IS 'line_count >= 0';
COMMENT ON CONSTRAINT export_batch_ck06_files ON export_batch IS 'files >= 1';
COMMENT ON CONSTRAINT export_batch_ck07_bytes ON export_batch IS 'bytes >= 0';
COMMENT ON CONSTRAINT export_batch_ck08_sha256 ON export_batch IS 'length(sha256) = 64';
COMMENT ON CONSTRAINT customer_status_change_ck01_from_status ON customer_status_change IS 'from_status IS NULL OR (from_status = ''lead'' OR from_status = ''active'' OR from_status = ''inactive'')';
COMMENT ON CONSTRAINT customer_status_change_ck02_to_status ON customer_status_change IS '(to_status = ''lead'' OR to_status = ''active'' OR to_status = ''inactive'')';
COMMENT ON CONSTRAINT customer_status_change_ck03_change ON customer_status_change IS 'from_status IS NOT to_status';
COMMENT ON CONSTRAINT tag_rule_run_ck01_rule ON tag_rule_run IS 'length(rule) > 0';
COMMENT ON CONSTRAINT tag_rule_run_ck02_event ON tag_rule_run IS 'event IN (''customer_created'', ''quote_sent'', ''quote_accepted'', ''quote_declined'',
                                               ''appointment_created'', ''followup_stale'')';
COMMENT ON CONSTRAINT tag_rule_run_ck03_added ON tag_rule_run IS 'json_valid(added)';
COMMENT ON CONSTRAINT tag_rule_run_ck04_removed ON tag_rule_run IS 'json_valid(removed)';
COMMENT ON CONSTRAINT quote_ck01_status ON quote IS '(status = ''draft'' OR status = ''sent'' OR status = ''accepted'' OR status = ''declined'' OR status = ''expired'')';
COMMENT ON CONSTRAINT quote_ck02_valid_days ON quote IS 'valid_days BETWEEN 1 AND 365';
COMMENT ON CONSTRAINT quote_ck03_valid_until ON quote IS 'date(valid_until) IS valid_until';
COMMENT ON CONSTRAINT quote_ck04_total_cents ON quote IS 'total_cents >= 0';
COMMENT ON CONSTRAINT quote_ck05_sent ON quote IS 'status = ''draft'' OR status = ''expired'' OR sent_at IS NOT NULL';
COMMENT ON CONSTRAINT quote_ck06_accepted ON quote IS 'status <> ''accepted'' OR accepted_at IS NOT NULL';
COMMENT ON CONSTRAINT quote_ck07_declined ON quote IS 'status <> ''declined'' OR (declined_at IS NOT NULL AND length(trim(decline_reason)) > 0)';
COMMENT ON CONSTRAINT quote_ck08_expired ON quote IS 'status <> ''expired'' OR expired_at IS NOT NULL';
COMMENT ON CONSTRAINT quote_line_ck01_position ON quote_line IS 'position >= 1';
COMMENT ON CONSTRAINT quote_line_ck02_description ON quote_line IS 'length(trim(description)) > 0';
COMMENT ON CONSTRAINT quote_line_ck03_quantity_milli ON quote_line IS 'quantity_milli > 0';
COMMENT ON CONSTRAINT quote_line_ck04_unit_price_cents ON quote_line IS 'unit_price_cents >= 0';
COMMENT ON CONSTRAINT quote_line_ck05_amount_cents ON quote_line IS 'amount_cents >= 0';
COMMENT ON CONSTRAINT ticket_ck01_category ON ticket IS 'category IN (''question'', ''communication'', ''construction'', ''service'', ''warranty'',
                                                     ''chemistry'', ''route'')';
COMMENT ON CONSTRAINT ticket_ck02_severity ON ticket IS '(severity = ''low'' OR severity = ''medium'' OR severity = ''high'' OR severity = ''critical'')';
COMMENT ON CONSTRAINT ticket_ck03_urgency ON ticket IS '(urgency = ''low'' OR urgency = ''normal'' OR urgency = ''high'')';
COMMENT ON CONSTRAINT ticket_ck04_summary ON ticket IS 'length(trim(summary)) > 0';
COMMENT ON CONSTRAINT ticket_ck05_told ON ticket IS 'length(trim(told)) > 0';
COMMENT ON CONSTRAINT ticket_ck06_source ON ticket IS '(source = ''phone'' OR source = ''email'' OR source = ''meeting'' OR source = ''portal'')';
COMMENT ON CONSTRAINT ticket_ck07_warranty ON ticket IS 'warranty IS NULL OR (warranty = ''in'' OR warranty = ''out'' OR warranty = ''unknown'')';
COMMENT ON CONSTRAINT ticket_ck08_warranty_until ON ticket IS 'warranty_until IS NULL OR date(warranty_until) IS warranty_until';
COMMENT ON CONSTRAINT ticket_ck09_promise_s ON ticket IS 'promise_s > 0';
COMMENT ON CONSTRAINT ticket_ck10_status ON ticket IS 'status IN (''open'', ''closed'')';
COMMENT ON CONSTRAINT ticket_ck11_route ON ticket IS 'route IS NULL OR route IN (''customer-service'', ''construction'', ''service'', ''warranty'',
                                                          ''service-plan'', ''route-planning'')';
COMMENT ON CONSTRAINT ticket_ck12_warranty ON ticket IS 'warranty_until IS NULL OR warranty = ''in''';
COMMENT ON CONSTRAINT ticket_ck13_closed ON ticket IS 'status <> ''closed'' OR (closed_at IS NOT NULL AND notified_at IS NOT NULL AND length(trim(outcome)) > 0)';
COMMENT ON CONSTRAINT callback_ck01_contact ON callback IS '(contact = ''phone'' OR contact = ''email'' OR contact = ''sms'')';
COMMENT ON CONSTRAINT callback_ck02_reason ON callback IS 'length(trim(reason)) > 0';
COMMENT ON CONSTRAINT callback_ck03_summary ON callback IS 'length(trim(summary)) > 0';
COMMENT ON CONSTRAINT callback_ck04_status ON callback IS 'status IN (''open'', ''done'')';
COMMENT ON CONSTRAINT callback_ck05_done ON callback IS '(status = ''done'') = (done_at IS NOT NULL)';
COMMENT ON CONSTRAINT callback_ck06_outcome ON callback IS 'status <> ''done'' OR length(trim(outcome)) > 0';
COMMENT ON CONSTRAINT note_ck01_kind ON note IS '(kind = ''meeting'' OR kind = ''call'' OR kind = ''transcript'' OR kind = ''internal'')';
COMMENT ON CONSTRAINT note_ck02_text ON note IS 'length(trim(text)) > 0';

-- The message SQLite gives for a failed constraint, made from the fields of PostgreSQL's error,
-- so that both engines print the same words (see schema.h). The comment on each CHECK above is the
-- text SQLite quotes: the constraint as written in SQLite's schema.
CREATE FUNCTION pom_error_message(state text, tbl text, col text, cons text, msg text) RETURNS text
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
SELECT coalesce(CASE state
    WHEN '23514' THEN 'CHECK constraint failed: ' || coalesce(
        (SELECT obj_description(c.oid, 'pg_constraint') FROM pg_constraint c
          WHERE c.conname = cons AND c.conrelid = to_regclass(quote_ident(tbl))), cons)
    WHEN '23502' THEN 'NOT NULL constraint failed: ' || tbl || '.' || col
    WHEN '23505' THEN 'UNIQUE constraint failed: ' || (
        SELECT string_agg(tbl || '.' || a.attname, ', ' ORDER BY k.n)
          FROM pg_index i
         CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k (attnum, n)
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
         WHERE i.indexrelid = to_regclass(quote_ident(cons)))
    WHEN '23503' THEN 'FOREIGN KEY constraint failed'
END, msg)
$$;

-- SQLite's PRAGMA user_version and application_id.
CREATE TABLE pom_meta (
    key   text COLLATE "C" PRIMARY KEY,
    value text COLLATE "C" NOT NULL
);
INSERT INTO pom_meta (key, value) VALUES ('schema_version', '10'), ('application_id', 'POM1');
)SQL";

// Schema version 11, as SQLite's migration 11 makes it: worker.role takes 'accountant', and the
// tables of pom serve, api_token and api_answer. pom_assign_id is given again, with a static
// query for each new table (see its comment in version 10).
const char* k_v11 = R"SQL(
-- A worker may be an accountant. The CHECK keeps its name, so that it is still evaluated in
-- SQLite's order, and its comment is again the text SQLite quotes.
ALTER TABLE worker DROP CONSTRAINT worker_ck02_role;
ALTER TABLE worker ADD CONSTRAINT worker_ck02_role CHECK (role IN ('technician', 'office', 'manager', 'accountant', 'admin'));

CREATE OR REPLACE FUNCTION pom_assign_id() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.id IS NULL THEN
        CASE TG_TABLE_NAME
        WHEN 'audit_log' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM audit_log);
        WHEN 'customer' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer);
        WHEN 'customer_contact' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_contact);
        WHEN 'customer_tag' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_tag);
        WHEN 'pool' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM pool);
        WHEN 'worker' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM worker);
        WHEN 'series' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM series);
        WHEN 'appointment' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM appointment);
        WHEN 'appointment_event' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM appointment_event);
        WHEN 'days_out' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM days_out);
        WHEN 'notice' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM notice);
        WHEN 'service' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service);
        WHEN 'reading' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM reading);
        WHEN 'inventory_item' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM inventory_item);
        WHEN 'inventory_move' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM inventory_move);
        WHEN 'dose' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM dose);
        WHEN 'service_item' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service_item);
        WHEN 'service_note' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service_note);
        WHEN 'photo' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM photo);
        WHEN 'billable_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billable_line);
        WHEN 'billing_plan' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billing_plan);
        WHEN 'billing_plan_price' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billing_plan_price);
        WHEN 'invoice' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM invoice);
        WHEN 'invoice_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM invoice_line);
        WHEN 'payment' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM payment);
        WHEN 'export_batch' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM export_batch);
        WHEN 'customer_status_change' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_status_change);
        WHEN 'tag_rule_run' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM tag_rule_run);
        WHEN 'quote' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM quote);
        WHEN 'quote_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM quote_line);
        WHEN 'ticket' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket);
        WHEN 'ticket_route' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket_route);
        WHEN 'ticket_visit' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket_visit);
        WHEN 'callback' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM callback);
        WHEN 'note' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM note);
        WHEN 'api_token' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM api_token);
        WHEN 'api_answer' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM api_answer);
        ELSE
            EXECUTE format('SELECT coalesce(max(id), 0) + 1 FROM %I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO NEW.id;
        END CASE;
    END IF;
    PERFORM set_config('pom.last_id', NEW.id::text, true);
    RETURN NEW;
END
$$;

-- A worker's secret for the HTTP API, kept only as its SHA-256 (hex); a request finds its token
-- by that hash, through the unique index.
CREATE TABLE api_token (
    id          bigint PRIMARY KEY,
    worker_id   bigint NOT NULL REFERENCES worker (id),
    label       text COLLATE "C",
    secret_hash text COLLATE "C" NOT NULL UNIQUE
                CONSTRAINT api_token_ck01_secret_hash CHECK (length(secret_hash) = 64 AND secret_hash !~ '[^0-9a-f]'),
    created_at  text COLLATE "C" NOT NULL,
    expires_at  text COLLATE "C",
    revoked_at  text COLLATE "C"
);
CREATE INDEX api_token_worker ON api_token (worker_id, id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON api_token FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

-- What a POST with an Idempotency-Key answered, for its retries, kept a week.
CREATE TABLE api_answer (
    id          bigint PRIMARY KEY,
    worker_id   bigint NOT NULL REFERENCES worker (id),
    key         text COLLATE "C" NOT NULL
                CONSTRAINT api_answer_ck01_key CHECK (length(key) BETWEEN 1 AND 200 AND key !~ '[^ -~]'),
    fingerprint text COLLATE "C" NOT NULL CONSTRAINT api_answer_ck02_fingerprint CHECK (length(fingerprint) > 0),
    status      bigint NOT NULL CONSTRAINT api_answer_ck03_status CHECK (status BETWEEN 100 AND 599),
    body        text COLLATE "C" NOT NULL,
    created_at  text COLLATE "C" NOT NULL,
    UNIQUE (worker_id, key)
);
CREATE INDEX api_answer_created ON api_answer (created_at);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON api_answer FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

COMMENT ON CONSTRAINT worker_ck02_role ON worker IS '(role = ''technician'' OR role = ''office'' OR role = ''manager'' OR role = ''accountant'' OR role = ''admin'')';
COMMENT ON CONSTRAINT api_token_ck01_secret_hash ON api_token IS 'length(secret_hash) = 64 AND secret_hash NOT GLOB ''*[^0-9a-f]*''';
COMMENT ON CONSTRAINT api_answer_ck01_key ON api_answer IS 'length(key) BETWEEN 1 AND 200 AND key NOT GLOB ''*[^ -~]*''';
COMMENT ON CONSTRAINT api_answer_ck02_fingerprint ON api_answer IS 'length(fingerprint) > 0';
COMMENT ON CONSTRAINT api_answer_ck03_status ON api_answer IS 'status BETWEEN 100 AND 599';
)SQL";

// Schema version 12, as SQLite's migration 12 makes it: login_code, the one-time sign-in codes of
// `pom worker login-link`, and pom_assign_id again with a static query for it.
const char* k_v12 = R"SQL(
CREATE OR REPLACE FUNCTION pom_assign_id() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.id IS NULL THEN
        CASE TG_TABLE_NAME
        WHEN 'audit_log' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM audit_log);
        WHEN 'customer' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer);
        WHEN 'customer_contact' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_contact);
        WHEN 'customer_tag' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_tag);
        WHEN 'pool' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM pool);
        WHEN 'worker' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM worker);
        WHEN 'series' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM series);
        WHEN 'appointment' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM appointment);
        WHEN 'appointment_event' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM appointment_event);
        WHEN 'days_out' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM days_out);
        WHEN 'notice' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM notice);
        WHEN 'service' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service);
        WHEN 'reading' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM reading);
        WHEN 'inventory_item' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM inventory_item);
        WHEN 'inventory_move' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM inventory_move);
        WHEN 'dose' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM dose);
        WHEN 'service_item' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service_item);
        WHEN 'service_note' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service_note);
        WHEN 'photo' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM photo);
        WHEN 'billable_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billable_line);
        WHEN 'billing_plan' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billing_plan);
        WHEN 'billing_plan_price' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billing_plan_price);
        WHEN 'invoice' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM invoice);
        WHEN 'invoice_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM invoice_line);
        WHEN 'payment' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM payment);
        WHEN 'export_batch' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM export_batch);
        WHEN 'customer_status_change' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_status_change);
        WHEN 'tag_rule_run' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM tag_rule_run);
        WHEN 'quote' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM quote);
        WHEN 'quote_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM quote_line);
        WHEN 'ticket' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket);
        WHEN 'ticket_route' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket_route);
        WHEN 'ticket_visit' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket_visit);
        WHEN 'callback' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM callback);
        WHEN 'note' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM note);
        WHEN 'api_token' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM api_token);
        WHEN 'api_answer' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM api_answer);
        WHEN 'login_code' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM login_code);
        ELSE
            EXECUTE format('SELECT coalesce(max(id), 0) + 1 FROM %I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO NEW.id;
        END CASE;
    END IF;
    PERFORM set_config('pom.last_id', NEW.id::text, true);
    RETURN NEW;
END
$$;

-- A one-time sign-in code, kept only as its SHA-256 (hex); exchanged once for an API token.
CREATE TABLE login_code (
    id          bigint PRIMARY KEY,
    worker_id   bigint NOT NULL REFERENCES worker (id),
    code_hash   text COLLATE "C" NOT NULL UNIQUE
                CONSTRAINT login_code_ck01_code_hash CHECK (length(code_hash) = 64 AND code_hash !~ '[^0-9a-f]'),
    created_at  text COLLATE "C" NOT NULL,
    expires_at  text COLLATE "C" NOT NULL,
    used_at     text COLLATE "C",
    token_id    bigint REFERENCES api_token (id)
);
CREATE INDEX login_code_worker ON login_code (worker_id, id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON login_code FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

COMMENT ON CONSTRAINT login_code_ck01_code_hash ON login_code IS 'length(code_hash) = 64 AND code_hash NOT GLOB ''*[^0-9a-f]*''';
)SQL";

// Schema version 13, as SQLite's migration 13 makes it: where a technician's day starts and ends,
// their working hours, and the office's pin on a visit's place in its route.
const char* k_v13 = R"SQL(
ALTER TABLE worker ADD COLUMN start_lat double precision
    CONSTRAINT worker_ck04_start_lat CHECK (start_lat IS NULL OR start_lat BETWEEN -90 AND 90);
ALTER TABLE worker ADD COLUMN start_lon double precision
    CONSTRAINT worker_ck05_start_lon CHECK (start_lon IS NULL OR start_lon BETWEEN -180 AND 180);
ALTER TABLE worker ADD COLUMN end_lat double precision
    CONSTRAINT worker_ck06_end_lat CHECK (end_lat IS NULL OR end_lat BETWEEN -90 AND 90);
ALTER TABLE worker ADD COLUMN end_lon double precision
    CONSTRAINT worker_ck07_end_lon CHECK (end_lon IS NULL OR end_lon BETWEEN -180 AND 180);
ALTER TABLE worker ADD COLUMN day_start text COLLATE "C"
    CONSTRAINT worker_ck08_day_start CHECK (day_start IS NULL OR day_start ~ '^[0-2][0-9]:[0-5][0-9]$');
ALTER TABLE worker ADD COLUMN day_end text COLLATE "C"
    CONSTRAINT worker_ck09_day_end CHECK (day_end IS NULL OR day_end ~ '^[0-2][0-9]:[0-5][0-9]$');
-- SQLite checks a column's CHECK before the table's and PostgreSQL checks in name order: the two
-- table CHECKs move up one number so that pinned's comes where SQLite has it.
ALTER TABLE appointment RENAME CONSTRAINT appointment_ck12_window TO appointment_ck13_window;
ALTER TABLE appointment RENAME CONSTRAINT appointment_ck11_series TO appointment_ck12_series;
ALTER TABLE appointment ADD COLUMN pinned bigint NOT NULL DEFAULT 0
    CONSTRAINT appointment_ck11_pinned CHECK (pinned IN (0, 1));

COMMENT ON CONSTRAINT worker_ck04_start_lat ON worker IS 'start_lat IS NULL OR start_lat BETWEEN -90 AND 90';
COMMENT ON CONSTRAINT worker_ck05_start_lon ON worker IS 'start_lon IS NULL OR start_lon BETWEEN -180 AND 180';
COMMENT ON CONSTRAINT worker_ck06_end_lat ON worker IS 'end_lat IS NULL OR end_lat BETWEEN -90 AND 90';
COMMENT ON CONSTRAINT worker_ck07_end_lon ON worker IS 'end_lon IS NULL OR end_lon BETWEEN -180 AND 180';
COMMENT ON CONSTRAINT worker_ck08_day_start ON worker IS 'day_start IS NULL OR day_start GLOB ''[0-2][0-9]:[0-5][0-9]''';
COMMENT ON CONSTRAINT worker_ck09_day_end ON worker IS 'day_end IS NULL OR day_end GLOB ''[0-2][0-9]:[0-5][0-9]''';
COMMENT ON CONSTRAINT appointment_ck11_pinned ON appointment IS 'pinned IN (0, 1)';
)SQL";

// Schema version 15, as SQLite's migration 15 makes it: one payment model (payment_application,
// refund, write_off), payment.invoice_id optional and applied_cents moved into applications,
// export_batch.content and export_batch_entry, and pom_assign_id again with their static queries.
const char* k_v15 = R"SQL(
CREATE OR REPLACE FUNCTION pom_assign_id() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.id IS NULL THEN
        CASE TG_TABLE_NAME
        WHEN 'audit_log' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM audit_log);
        WHEN 'customer' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer);
        WHEN 'customer_contact' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_contact);
        WHEN 'customer_tag' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_tag);
        WHEN 'pool' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM pool);
        WHEN 'worker' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM worker);
        WHEN 'series' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM series);
        WHEN 'appointment' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM appointment);
        WHEN 'appointment_event' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM appointment_event);
        WHEN 'days_out' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM days_out);
        WHEN 'notice' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM notice);
        WHEN 'service' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service);
        WHEN 'reading' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM reading);
        WHEN 'inventory_item' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM inventory_item);
        WHEN 'inventory_move' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM inventory_move);
        WHEN 'dose' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM dose);
        WHEN 'service_item' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service_item);
        WHEN 'service_note' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service_note);
        WHEN 'photo' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM photo);
        WHEN 'billable_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billable_line);
        WHEN 'billing_plan' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billing_plan);
        WHEN 'billing_plan_price' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billing_plan_price);
        WHEN 'invoice' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM invoice);
        WHEN 'invoice_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM invoice_line);
        WHEN 'payment' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM payment);
        WHEN 'export_batch' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM export_batch);
        WHEN 'customer_status_change' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_status_change);
        WHEN 'tag_rule_run' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM tag_rule_run);
        WHEN 'quote' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM quote);
        WHEN 'quote_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM quote_line);
        WHEN 'ticket' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket);
        WHEN 'ticket_route' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket_route);
        WHEN 'ticket_visit' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket_visit);
        WHEN 'callback' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM callback);
        WHEN 'note' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM note);
        WHEN 'api_token' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM api_token);
        WHEN 'api_answer' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM api_answer);
        WHEN 'login_code' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM login_code);
        WHEN 'refund' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM refund);
        WHEN 'write_off' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM write_off);
        WHEN 'payment_application' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM payment_application);
        ELSE
            EXECUTE format('SELECT coalesce(max(id), 0) + 1 FROM %I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO NEW.id;
        END CASE;
    END IF;
    PERFORM set_config('pom.last_id', NEW.id::text, true);
    RETURN NEW;
END
$$;

ALTER TABLE payment ALTER COLUMN invoice_id DROP NOT NULL;
CREATE INDEX payment_paid_on ON payment (paid_on);

CREATE TABLE refund (
    id           bigint PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES customer (id),
    amount_cents bigint NOT NULL CONSTRAINT refund_ck01_amount_cents CHECK (amount_cents > 0),
    refunded_on  text COLLATE "C" NOT NULL CONSTRAINT refund_ck02_refunded_on CHECK (pom_is_date(refunded_on)),
    method       text COLLATE "C" NOT NULL CONSTRAINT refund_ck03_method CHECK (method IN ('cash', 'check', 'card', 'ach', 'other')),
    ref          text COLLATE "C",
    reason       text COLLATE "C" NOT NULL CONSTRAINT refund_ck04_reason CHECK (length(trim(reason)) > 0),
    created_at   text COLLATE "C" NOT NULL,
    actor        text COLLATE "C" NOT NULL
);
CREATE INDEX refund_customer ON refund (customer_id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON refund FOR EACH ROW EXECUTE FUNCTION pom_assign_id();
CREATE TRIGGER refund_no_update BEFORE UPDATE ON refund
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('a recorded refund never changes');
CREATE TRIGGER refund_no_delete BEFORE DELETE ON refund
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('a recorded refund never changes');
CREATE TRIGGER refund_no_truncate BEFORE TRUNCATE ON refund
    FOR EACH STATEMENT EXECUTE FUNCTION pom_refuse('a recorded refund never changes');

CREATE TABLE write_off (
    id           bigint PRIMARY KEY,
    invoice_id   bigint NOT NULL REFERENCES invoice (id),
    customer_id  bigint NOT NULL REFERENCES customer (id),
    amount_cents bigint NOT NULL CONSTRAINT write_off_ck01_amount_cents CHECK (amount_cents > 0),
    written_on   text COLLATE "C" NOT NULL CONSTRAINT write_off_ck02_written_on CHECK (pom_is_date(written_on)),
    account      text COLLATE "C" NOT NULL CONSTRAINT write_off_ck03_account CHECK (length(trim(account)) > 0),
    reason       text COLLATE "C" NOT NULL CONSTRAINT write_off_ck04_reason CHECK (length(trim(reason)) > 0),
    created_at   text COLLATE "C" NOT NULL,
    actor        text COLLATE "C" NOT NULL
);
CREATE INDEX write_off_invoice ON write_off (invoice_id);
CREATE INDEX write_off_customer ON write_off (customer_id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON write_off FOR EACH ROW EXECUTE FUNCTION pom_assign_id();

CREATE TABLE payment_application (
    id                bigint PRIMARY KEY,
    customer_id       bigint NOT NULL REFERENCES customer (id),
    payment_id        bigint REFERENCES payment (id),
    source_invoice_id bigint REFERENCES invoice (id),
    invoice_id        bigint REFERENCES invoice (id),
    refund_id         bigint REFERENCES refund (id),
    kind              text COLLATE "C" NOT NULL
                      CONSTRAINT payment_application_ck01_kind CHECK (kind IN ('payment', 'credit', 'refund')),
    amount_cents      bigint NOT NULL CONSTRAINT payment_application_ck02_amount_cents CHECK (amount_cents > 0),
    applied_on        text COLLATE "C" NOT NULL CONSTRAINT payment_application_ck03_applied_on CHECK (pom_is_date(applied_on)),
    created_at        text COLLATE "C" NOT NULL,
    actor             text COLLATE "C" NOT NULL,
    CONSTRAINT payment_application_ck04_source CHECK ((payment_id IS NULL) <> (source_invoice_id IS NULL)),
    CONSTRAINT payment_application_ck05_target CHECK ((invoice_id IS NULL) <> (refund_id IS NULL)),
    CONSTRAINT payment_application_ck06_kind CHECK ((refund_id IS NOT NULL) = (kind = 'refund'))
);
CREATE INDEX payment_application_customer ON payment_application (customer_id);
CREATE INDEX payment_application_payment ON payment_application (payment_id);
CREATE INDEX payment_application_source ON payment_application (source_invoice_id);
CREATE INDEX payment_application_invoice ON payment_application (invoice_id);
CREATE INDEX payment_application_refund ON payment_application (refund_id);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON payment_application FOR EACH ROW EXECUTE FUNCTION pom_assign_id();
INSERT INTO payment_application (customer_id, payment_id, invoice_id, kind, amount_cents, applied_on, created_at, actor)
    SELECT customer_id, id, invoice_id, 'payment', applied_cents, paid_on, created_at, actor FROM payment WHERE applied_cents > 0 ORDER BY id;
ALTER TABLE payment DROP COLUMN applied_cents;

CREATE OR REPLACE FUNCTION payment_check() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.invoice_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM invoice WHERE id = NEW.invoice_id AND kind = 'invoice'
                                                     AND seq IS NOT NULL AND customer_id = NEW.customer_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'payments go to issued invoices of the same customer';
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION payment_application_check() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.invoice_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM invoice WHERE id = NEW.invoice_id AND kind = 'invoice'
                                                     AND seq IS NOT NULL AND customer_id = NEW.customer_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'credit is applied to issued invoices of the same customer';
    END IF;
    IF (NEW.payment_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM payment WHERE id = NEW.payment_id AND customer_id = NEW.customer_id))
        OR (NEW.source_invoice_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM invoice WHERE id = NEW.source_invoice_id
                                                                 AND kind = 'invoice' AND seq IS NOT NULL AND customer_id = NEW.customer_id))
        OR (NEW.refund_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM refund WHERE id = NEW.refund_id AND customer_id = NEW.customer_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'credit is applied from a payment or invoice of the same customer';
    END IF;
    IF NEW.invoice_id IS NOT NULL AND NEW.amount_cents > (SELECT total_cents FROM invoice WHERE id = NEW.invoice_id)
           - (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE invoice_id = NEW.invoice_id)
           + (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE source_invoice_id = NEW.invoice_id)
           - (SELECT coalesce(sum(total_cents), 0) FROM invoice WHERE credits_invoice_id = NEW.invoice_id AND seq IS NOT NULL)
           - (SELECT coalesce(sum(amount_cents), 0) FROM write_off WHERE invoice_id = NEW.invoice_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'an application cannot take an invoice below zero';
    END IF;
    IF NEW.payment_id IS NOT NULL AND NEW.amount_cents > (SELECT amount_cents FROM payment WHERE id = NEW.payment_id)
           - (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE payment_id = NEW.payment_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'an application cannot use more of a payment than is left of it';
    END IF;
    IF NEW.source_invoice_id IS NOT NULL AND NEW.amount_cents > -((SELECT total_cents FROM invoice WHERE id = NEW.source_invoice_id)
           - (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE invoice_id = NEW.source_invoice_id)
           + (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE source_invoice_id = NEW.source_invoice_id)
           - (SELECT coalesce(sum(total_cents), 0) FROM invoice WHERE credits_invoice_id = NEW.source_invoice_id AND seq IS NOT NULL)
           - (SELECT coalesce(sum(amount_cents), 0) FROM write_off WHERE invoice_id = NEW.source_invoice_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'an application cannot use more credit than an invoice''s credit notes left over';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER payment_application_check BEFORE INSERT ON payment_application
    FOR EACH ROW EXECUTE FUNCTION payment_application_check();
CREATE TRIGGER payment_application_no_update BEFORE UPDATE ON payment_application
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('a recorded payment never changes');
CREATE TRIGGER payment_application_no_delete BEFORE DELETE ON payment_application
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('a recorded payment never changes');
CREATE TRIGGER payment_application_no_truncate BEFORE TRUNCATE ON payment_application
    FOR EACH STATEMENT EXECUTE FUNCTION pom_refuse('a recorded payment never changes');

CREATE FUNCTION write_off_check() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM invoice WHERE id = NEW.invoice_id AND kind = 'invoice'
                      AND seq IS NOT NULL AND customer_id = NEW.customer_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'write-offs go to issued invoices of the same customer';
    END IF;
    IF NEW.amount_cents > (SELECT total_cents FROM invoice WHERE id = NEW.invoice_id)
           - (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE invoice_id = NEW.invoice_id)
           + (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE source_invoice_id = NEW.invoice_id)
           - (SELECT coalesce(sum(total_cents), 0) FROM invoice WHERE credits_invoice_id = NEW.invoice_id AND seq IS NOT NULL)
           - (SELECT coalesce(sum(amount_cents), 0) FROM write_off WHERE invoice_id = NEW.invoice_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                              MESSAGE = 'a write-off cannot take an invoice below zero';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER write_off_check BEFORE INSERT ON write_off
    FOR EACH ROW EXECUTE FUNCTION write_off_check();
CREATE TRIGGER write_off_no_update BEFORE UPDATE ON write_off
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('a recorded write-off never changes');
CREATE TRIGGER write_off_no_delete BEFORE DELETE ON write_off
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('a recorded write-off never changes');
CREATE TRIGGER write_off_no_truncate BEFORE TRUNCATE ON write_off
    FOR EACH STATEMENT EXECUTE FUNCTION pom_refuse('a recorded write-off never changes');

ALTER TABLE export_batch ADD COLUMN content text COLLATE "C" NOT NULL DEFAULT 'invoices'
    CONSTRAINT export_batch_ck09_content CHECK (content IN ('invoices', 'payments'));
CREATE TABLE export_batch_entry (
    batch_id  bigint NOT NULL REFERENCES export_batch (id),
    entity    text COLLATE "C" NOT NULL
              CONSTRAINT export_batch_entry_ck01_entity CHECK (entity IN ('payment', 'application', 'refund', 'write_off')),
    entity_id bigint NOT NULL,
    PRIMARY KEY (batch_id, entity, entity_id)
);
CREATE INDEX export_batch_entry_entity ON export_batch_entry (entity, entity_id);
CREATE TRIGGER export_batch_entry_no_delete BEFORE DELETE ON export_batch_entry
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('an export batch never changes');
CREATE TRIGGER export_batch_entry_no_update BEFORE UPDATE ON export_batch_entry
    FOR EACH ROW EXECUTE FUNCTION pom_refuse('an export batch never changes');
CREATE TRIGGER export_batch_entry_no_truncate BEFORE TRUNCATE ON export_batch_entry
    FOR EACH STATEMENT EXECUTE FUNCTION pom_refuse('an export batch never changes');

COMMENT ON CONSTRAINT refund_ck01_amount_cents ON refund IS 'amount_cents > 0';
COMMENT ON CONSTRAINT refund_ck02_refunded_on ON refund IS 'date(refunded_on) IS refunded_on';
COMMENT ON CONSTRAINT refund_ck03_method ON refund IS '(method = ''cash'' OR method = ''check'' OR method = ''card'' OR method = ''ach'' OR method = ''other'')';
COMMENT ON CONSTRAINT refund_ck04_reason ON refund IS 'length(trim(reason)) > 0';
COMMENT ON CONSTRAINT write_off_ck01_amount_cents ON write_off IS 'amount_cents > 0';
COMMENT ON CONSTRAINT write_off_ck02_written_on ON write_off IS 'date(written_on) IS written_on';
COMMENT ON CONSTRAINT write_off_ck03_account ON write_off IS 'length(trim(account)) > 0';
COMMENT ON CONSTRAINT write_off_ck04_reason ON write_off IS 'length(trim(reason)) > 0';
COMMENT ON CONSTRAINT payment_application_ck01_kind ON payment_application IS '(kind = ''payment'' OR kind = ''credit'' OR kind = ''refund'')';
COMMENT ON CONSTRAINT payment_application_ck02_amount_cents ON payment_application IS 'amount_cents > 0';
COMMENT ON CONSTRAINT payment_application_ck03_applied_on ON payment_application IS 'date(applied_on) IS applied_on';
COMMENT ON CONSTRAINT payment_application_ck04_source ON payment_application IS '(payment_id IS NULL) <> (source_invoice_id IS NULL)';
COMMENT ON CONSTRAINT payment_application_ck05_target ON payment_application IS '(invoice_id IS NULL) <> (refund_id IS NULL)';
COMMENT ON CONSTRAINT payment_application_ck06_kind ON payment_application IS '(refund_id IS NOT NULL) = (kind = ''refund'')';
COMMENT ON CONSTRAINT export_batch_ck09_content ON export_batch IS '(content = ''invoices'' OR content = ''payments'')';
COMMENT ON CONSTRAINT export_batch_entry_ck01_entity ON export_batch_entry IS '(entity = ''payment'' OR entity = ''application'' OR entity = ''refund'' OR entity = ''write_off'')';
)SQL";

// Schema version 14, as SQLite's migration 14 makes it: a plan says whether its visits are
// included in the monthly fee, a billable line may come from a visit completed without a ticket,
// a draft's adjustment (discount) lines may be negative, and a quote line says whether it is
// taxable and whether it prices the customer's plan.
const char* k_v14 = R"SQL(
ALTER TABLE billing_plan ADD COLUMN visits text COLLATE "C" NOT NULL DEFAULT 'billed'
    CONSTRAINT billing_plan_ck07_visits CHECK (visits IN ('billed', 'included'));
ALTER TABLE billable_line ADD COLUMN appointment_id bigint REFERENCES appointment (id);
CREATE INDEX billable_line_appointment ON billable_line (appointment_id) WHERE appointment_id IS NOT NULL;
ALTER TABLE quote_line ADD COLUMN taxable bigint NOT NULL DEFAULT 0 CONSTRAINT quote_line_ck06_taxable CHECK (taxable IN (0, 1));
ALTER TABLE quote_line ADD COLUMN plan text COLLATE "C" CONSTRAINT quote_line_ck07_plan CHECK (plan IS NULL OR length(plan) > 0);
ALTER TABLE invoice_line DROP CONSTRAINT invoice_line_ck04_unit_price_cents;
ALTER TABLE invoice_line ADD CONSTRAINT invoice_line_ck04_unit_price_cents CHECK (unit_price_cents >= 0 OR kind = 'adjustment');
ALTER TABLE invoice_line DROP CONSTRAINT invoice_line_ck05_amount_cents;
ALTER TABLE invoice_line ADD CONSTRAINT invoice_line_ck05_amount_cents CHECK (amount_cents >= 0 OR kind = 'adjustment');
ALTER TABLE invoice_line DROP CONSTRAINT invoice_line_ck07_tax_cents;
ALTER TABLE invoice_line ADD CONSTRAINT invoice_line_ck07_tax_cents
    CHECK ((tax_cents >= 0 OR kind = 'adjustment') AND (taxable = 1 OR tax_cents = 0));

COMMENT ON CONSTRAINT billing_plan_ck07_visits ON billing_plan IS 'visits IN (''billed'', ''included'')';
COMMENT ON CONSTRAINT quote_line_ck06_taxable ON quote_line IS 'taxable IN (0, 1)';
COMMENT ON CONSTRAINT quote_line_ck07_plan ON quote_line IS 'plan IS NULL OR length(plan) > 0';
COMMENT ON CONSTRAINT invoice_line_ck04_unit_price_cents ON invoice_line IS 'unit_price_cents >= 0 OR kind = ''adjustment''';
COMMENT ON CONSTRAINT invoice_line_ck05_amount_cents ON invoice_line IS 'amount_cents >= 0 OR kind = ''adjustment''';
COMMENT ON CONSTRAINT invoice_line_ck07_tax_cents ON invoice_line IS '(tax_cents >= 0 OR kind = ''adjustment'') AND (taxable = 1 OR tax_cents = 0)';
)SQL";

// Schema version 16, as SQLite's migration 16 makes it: a technician's skills and truck capacity,
// a visit's load, a customer's preferred service day. The appointment's two table CHECKs move up
// one number again so that load_milli's comes where SQLite checks it (see version 13).
const char* k_v16 = R"SQL(
ALTER TABLE worker ADD COLUMN skills text COLLATE "C"
    CONSTRAINT worker_ck10_skills CHECK (skills IS NULL OR length(skills) BETWEEN 1 AND 500);
ALTER TABLE worker ADD COLUMN capacity_milli bigint
    CONSTRAINT worker_ck11_capacity_milli CHECK (capacity_milli IS NULL OR capacity_milli > 0);
ALTER TABLE appointment RENAME CONSTRAINT appointment_ck13_window TO appointment_ck14_window;
ALTER TABLE appointment RENAME CONSTRAINT appointment_ck12_series TO appointment_ck13_series;
ALTER TABLE appointment ADD COLUMN load_milli bigint
    CONSTRAINT appointment_ck12_load_milli CHECK (load_milli IS NULL OR load_milli >= 0);
ALTER TABLE customer ADD COLUMN preferred_day text COLLATE "C"
    CONSTRAINT customer_ck04_preferred_day CHECK (preferred_day IS NULL OR preferred_day IN ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'));

COMMENT ON CONSTRAINT worker_ck10_skills ON worker IS 'skills IS NULL OR length(skills) BETWEEN 1 AND 500';
COMMENT ON CONSTRAINT worker_ck11_capacity_milli ON worker IS 'capacity_milli IS NULL OR capacity_milli > 0';
COMMENT ON CONSTRAINT appointment_ck12_load_milli ON appointment IS 'load_milli IS NULL OR load_milli >= 0';
COMMENT ON CONSTRAINT customer_ck04_preferred_day ON customer IS 'preferred_day IS NULL OR (preferred_day = ''mon'' OR preferred_day = ''tue'' OR preferred_day = ''wed'' OR preferred_day = ''thu'' OR preferred_day = ''fri'' OR preferred_day = ''sat'' OR preferred_day = ''sun'')';
)SQL";

// Schema version 17, as SQLite's migration 17 makes it: closed_day, series.on_closed (its CHECK
// before the table's window CHECK, as SQLite checks them), the unit of billable and invoice
// lines, and pom_assign_id again with closed_day's static query.
const char* k_v17 = R"SQL(
CREATE OR REPLACE FUNCTION pom_assign_id() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.id IS NULL THEN
        CASE TG_TABLE_NAME
        WHEN 'audit_log' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM audit_log);
        WHEN 'customer' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer);
        WHEN 'customer_contact' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_contact);
        WHEN 'customer_tag' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_tag);
        WHEN 'pool' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM pool);
        WHEN 'worker' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM worker);
        WHEN 'series' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM series);
        WHEN 'appointment' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM appointment);
        WHEN 'appointment_event' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM appointment_event);
        WHEN 'days_out' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM days_out);
        WHEN 'notice' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM notice);
        WHEN 'service' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service);
        WHEN 'reading' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM reading);
        WHEN 'inventory_item' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM inventory_item);
        WHEN 'inventory_move' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM inventory_move);
        WHEN 'dose' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM dose);
        WHEN 'service_item' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service_item);
        WHEN 'service_note' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM service_note);
        WHEN 'photo' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM photo);
        WHEN 'billable_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billable_line);
        WHEN 'billing_plan' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billing_plan);
        WHEN 'billing_plan_price' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM billing_plan_price);
        WHEN 'invoice' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM invoice);
        WHEN 'invoice_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM invoice_line);
        WHEN 'payment' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM payment);
        WHEN 'export_batch' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM export_batch);
        WHEN 'customer_status_change' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM customer_status_change);
        WHEN 'tag_rule_run' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM tag_rule_run);
        WHEN 'quote' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM quote);
        WHEN 'quote_line' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM quote_line);
        WHEN 'ticket' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket);
        WHEN 'ticket_route' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket_route);
        WHEN 'ticket_visit' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM ticket_visit);
        WHEN 'callback' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM callback);
        WHEN 'note' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM note);
        WHEN 'api_token' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM api_token);
        WHEN 'api_answer' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM api_answer);
        WHEN 'login_code' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM login_code);
        WHEN 'refund' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM refund);
        WHEN 'write_off' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM write_off);
        WHEN 'payment_application' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM payment_application);
        WHEN 'closed_day' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM closed_day);
        ELSE
            EXECUTE format('SELECT coalesce(max(id), 0) + 1 FROM %I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO NEW.id;
        END CASE;
    END IF;
    PERFORM set_config('pom.last_id', NEW.id::text, true);
    RETURN NEW;
END
$$;

CREATE TABLE closed_day (
    id         bigint PRIMARY KEY,
    date       text COLLATE "C" NOT NULL UNIQUE CONSTRAINT closed_day_ck01_date CHECK (pom_is_date(date)),
    reason     text COLLATE "C" CONSTRAINT closed_day_ck02_reason CHECK (reason IS NULL OR length(trim(reason)) > 0),
    created_at text COLLATE "C" NOT NULL,
    actor      text COLLATE "C" NOT NULL
);
CREATE TRIGGER pom_assign_id BEFORE INSERT ON closed_day FOR EACH ROW EXECUTE FUNCTION pom_assign_id();
ALTER TABLE series RENAME CONSTRAINT series_ck13_window TO series_ck14_window;
ALTER TABLE series ADD COLUMN on_closed text COLLATE "C" NOT NULL DEFAULT 'after'
    CONSTRAINT series_ck13_on_closed CHECK (on_closed IN ('before', 'after', 'skip'));
ALTER TABLE billable_line ADD COLUMN unit text COLLATE "C"
    CONSTRAINT billable_line_ck07_unit CHECK (unit IS NULL OR length(trim(unit)) > 0);
ALTER TABLE invoice_line ADD COLUMN unit text COLLATE "C"
    CONSTRAINT invoice_line_ck10_unit CHECK (unit IS NULL OR length(trim(unit)) > 0);

COMMENT ON CONSTRAINT closed_day_ck01_date ON closed_day IS 'date(date) IS date';
COMMENT ON CONSTRAINT closed_day_ck02_reason ON closed_day IS 'reason IS NULL OR length(trim(reason)) > 0';
COMMENT ON CONSTRAINT series_ck13_on_closed ON series IS '(on_closed = ''before'' OR on_closed = ''after'' OR on_closed = ''skip'')';
COMMENT ON CONSTRAINT billable_line_ck07_unit ON billable_line IS 'unit IS NULL OR length(trim(unit)) > 0';
COMMENT ON CONSTRAINT invoice_line_ck10_unit ON invoice_line IS 'unit IS NULL OR length(trim(unit)) > 0';
)SQL";

// Schema version 18, as SQLite's migration 18 makes it: a quote line's unit.
const char* k_v18 = R"SQL(
ALTER TABLE quote_line ADD COLUMN unit text COLLATE "C"
    CONSTRAINT quote_line_ck08_unit CHECK (unit IS NULL OR length(trim(unit)) > 0);

COMMENT ON CONSTRAINT quote_line_ck08_unit ON quote_line IS 'unit IS NULL OR length(trim(unit)) > 0';
)SQL";

// Schema version 19: a row whose id pom gives (every INSERT pom runs inside its write transaction)
// no longer calls pom_assign_id, whose plpgsql, SET search_path and set_config cost more than the
// row's own insert; only an INSERT without an id (SQL typed by hand, a pom of schema 18) still has
// the trigger number it. Each table's trigger is made again with a WHEN clause.
const char* k_v19 = R"SQL(
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
             WHERE g.tgname = 'pom_assign_id' AND c.relnamespace = current_schema()::regnamespace ORDER BY 1
    LOOP
        EXECUTE format('DROP TRIGGER pom_assign_id ON %I', t);
        EXECUTE format('CREATE TRIGGER pom_assign_id BEFORE INSERT ON %I FOR EACH ROW WHEN (NEW.id IS NULL) '
                       'EXECUTE FUNCTION pom_assign_id()', t);
    END LOOP;
END
$$;
)SQL";

// Schema version 20: a line added to an issued invoice is refused once per INSERT statement, not
// once per row. The row trigger's plpgsql (a function call with its SET search_path, and a query
// of the invoice) cost more than the row itself: bill run's 21,000 new lines took 1.1 s of server
// time with it and 0.5 s without. The statement trigger sees the statement's new rows as a
// transition table, after they are in and before the statement ends: the same error, nothing
// kept. Updates and deletes of lines stay per row (pom does neither in bulk).
const char* k_v20 = R"SQL(
CREATE FUNCTION invoice_line_issued_added() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM invoice_line_added a JOIN invoice i ON i.id = a.invoice_id WHERE i.seq IS NOT NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = 'an issued invoice never changes';
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER invoice_line_issued_insert ON invoice_line;
CREATE TRIGGER invoice_line_issued_insert AFTER INSERT ON invoice_line
    REFERENCING NEW TABLE AS invoice_line_added FOR EACH STATEMENT EXECUTE FUNCTION invoice_line_issued_added();
)SQL";

// Schema version 21, as SQLite's migration 21 makes it: a customer's pools indexed with whether
// they are active. The board's customers with several active pools are an index-only scan (1 ms
// on a new connection to the large company, where the table's scan and hash took 2-4 ms).
const char* k_v21 = R"SQL(
DROP INDEX pool_customer;
CREATE INDEX pool_customer ON pool (customer_id, active);
)SQL";

}  // namespace

const char* schema_sql() { return k_schema; }
const char* schema_v11_sql() { return k_v11; }
const char* schema_v12_sql() { return k_v12; }
const char* schema_v13_sql() { return k_v13; }
const char* schema_v14_sql() { return k_v14; }
const char* schema_v15_sql() { return k_v15; }
const char* schema_v16_sql() { return k_v16; }
const char* schema_v17_sql() { return k_v17; }
const char* schema_v18_sql() { return k_v18; }
const char* schema_v19_sql() { return k_v19; }
const char* schema_v20_sql() { return k_v20; }
const char* schema_v21_sql() { return k_v21; }

std::span<const std::string_view> numbered_tables() {
    static constexpr std::string_view k_tables[] = {
        "api_answer", "api_token", "appointment", "appointment_event", "audit_log", "billable_line",
        "billing_plan", "billing_plan_price", "callback", "closed_day", "customer", "customer_contact",
        "customer_status_change", "customer_tag", "days_out", "dose", "export_batch", "inventory_item",
        "inventory_move", "invoice", "invoice_line", "login_code", "note", "notice", "payment",
        "payment_application", "photo", "pool", "quote", "quote_line", "reading", "refund", "series",
        "service", "service_item", "service_note", "tag_rule_run", "ticket", "ticket_route", "ticket_visit",
        "worker", "write_off"};
    return k_tables;
}

}  // namespace pom::pg
