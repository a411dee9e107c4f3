#!/usr/bin/python3
"""pom's PostgreSQL schema (lib/store/postgres/schema.cpp) against SQLite's at the same version.

Loads the script into a throwaway cluster (tests/pg/cluster) and a fresh SQLite database from
`pom init`, then checks that the two agree:

- structure: tables, columns in order with their types, NOT NULL and defaults, primary keys,
  unique constraints, foreign keys with their actions, indexes, triggers, and the text SQLite
  quotes for each CHECK (kept as the comment on each PostgreSQL CHECK);
- behaviour: the same statements run on both (a shared fixture, then each case in a transaction
  that is rolled back) succeed or fail alike, with the same kind of error (BadInput, NotFound,
  Conflict as lib/store.cpp maps them) and the same message (pom_error_message on PostgreSQL);
  ids are max(id) + 1 on both, also after a rolled-back insert;
- the emulated functions: `date(x) IS x`, json_valid, unixepoch, max/min, iif, NOCASE order, on
  corpora of hand-picked and generated inputs;
- full-text search on note_fts;
- with --copy DB: every row of a real SQLite database fits the PostgreSQL schema, and reads back
  the same (row counts and the rows themselves, table by table).

Usage: tests/pg/schema_check.py [--pom PATH] [--uri URI] [--copy SQLITE_DB ...]
Without --uri it starts its own cluster and stops it at the end. Exit 0 when all checks pass,
1 when one fails, 77 (skipped) when PostgreSQL 15 or pom is not there.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PG_BIN = Path(os.environ.get("POM_PG_BIN", "/usr/lib/postgresql/15/bin"))
csv.field_size_limit(1 << 30)  # an audit row's JSON can be long

failures: list[str] = []


def check(ok: bool, what: str) -> None:
    if not ok:
        failures.append(what)
        print(f"FAIL {what}", file=sys.stderr)


def schema_sql() -> str:
    """The PostgreSQL migrations in order, as the engine runs them on a new database: the script
    of version 10, then each later step (the R"SQL(...)SQL" strings of schema.cpp, in file order)."""
    text = (ROOT / "lib/store/postgres/schema.cpp").read_text()
    scripts = re.findall(r'R"SQL\((.*?)\)SQL"', text, re.S)
    assert scripts, "no R\"SQL(...)SQL\" string in schema.cpp"
    version = str(len(scripts) + 9)  # the first script makes version 10
    return "\n".join(scripts) + f"\nUPDATE pom_meta SET value = '{version}' WHERE key = 'schema_version';\n"


# ---------------------------------------------------------------------------------------------
# PostgreSQL through psql (no driver is needed).

class Pg:
    def __init__(self, uri: str):
        self.uri = uri

    def run(self, sql: str, check_ok: bool = True) -> subprocess.CompletedProcess:
        p = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", self.uri],
                           input="\\set VERBOSITY verbose\n" + sql, capture_output=True, text=True)
        if check_ok and p.returncode != 0:
            raise RuntimeError(f"psql failed: {p.stderr}\n--- for:\n{sql[:2000]}")
        return p

    def rows(self, sql: str) -> list[list[str]]:
        out = self.run(sql).stdout
        return [line.split("\x1f") for line in out.splitlines()]

    def value(self, sql: str) -> str:
        return self.run(sql).stdout.strip()

    def csv(self, query: str) -> list[list[str | None]]:
        """Rows of a query whose values may hold line breaks; NULL as None."""
        out = self.run(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, NULL '\\N');").stdout
        return [[None if v == "\\N" else v for v in r] for r in csv.reader(io.StringIO(out))]


def pg_error(stderr: str) -> dict | None:
    """The first error psql printed, with the fields pom's engine reads from libpq."""
    m = re.search(r"ERROR:  ([0-9A-Z]{5}): (.*)", stderr)
    if not m:
        return None
    err = {"state": m.group(1), "msg": m.group(2), "table": None, "column": None, "constraint": None}
    tail = stderr[m.end():]
    for key, label in (("table", "TABLE NAME"), ("column", "COLUMN NAME"), ("constraint", "CONSTRAINT NAME")):
        f = re.search(rf"^{label}:  (.*)$", tail, re.M)
        if f:
            err[key] = f.group(1)
    return err


def lit(v) -> str:
    if v is None:
        return "NULL"
    return "'" + str(v).replace("'", "''") + "'"


# ---------------------------------------------------------------------------------------------
# How lib/store.cpp (translate_sqlite_error) sorts errors, and how the PostgreSQL engine must.

SQLITE_KIND = {275: "bad_input", 1299: "bad_input", 3091: "bad_input",  # CHECK, NOTNULL, DATATYPE
               787: "not_found"}                                         # FOREIGNKEY


def sqlite_kind(e: sqlite3.Error) -> str:
    code = getattr(e, "sqlite_errorcode", 0)
    if code & 0xFF == 19:  # SQLITE_CONSTRAINT: UNIQUE, PRIMARYKEY, TRIGGER ... are conflicts
        return SQLITE_KIND.get(code, "conflict")
    return f"other:{code}"


def pg_kind(state: str) -> str:
    if state in ("23514", "23502") or state.startswith("22"):
        return "bad_input"
    if state == "23503":
        return "not_found"
    if state in ("23505", "23000"):
        return "conflict"
    return f"other:{state}"


# ---------------------------------------------------------------------------------------------
# Structure

def sqlite_structure(db: sqlite3.Connection) -> dict:
    s = {}
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'note_fts%' ORDER BY name")]
    for t in tables:
        cols = [(r[1], r[2], bool(r[3]), r[4], r[5]) for r in db.execute(f"PRAGMA table_info({t})")]
        fks = {}
        for r in db.execute(f"PRAGMA foreign_key_list({t})"):
            fks.setdefault(r[0], [r[2], [], [], r[5], r[6]])
            fks[r[0]][1].append(r[3])
            fks[r[0]][2].append(r[4] if r[4] is not None else "id")
        uniques = set()
        indexes = {}
        for r in db.execute(f"PRAGMA index_list({t})"):
            name, unique, origin, partial = r[1], r[2], r[3], r[4]
            icols = [c[2] for c in db.execute(f"PRAGMA index_xinfo({name})") if c[5]]
            if unique:
                uniques.add((tuple(icols), bool(partial)))
            if origin == "c":
                indexes[name] = (tuple(icols), bool(unique), bool(partial))
        pk = [c[0] for c in sorted((c for c in cols if c[4]), key=lambda c: c[4])]
        if pk:
            uniques.add((tuple(pk), False))
        s[t] = {"cols": cols, "fks": sorted((v[0], tuple(v[1]), tuple(v[2]), v[3], v[4]) for v in fks.values()),
                "uniques": uniques, "indexes": indexes}
    return s


def check_structure(pg: Pg, db: sqlite3.Connection) -> None:
    lite = sqlite_structure(db)
    pg_tables = {r[0] for r in pg.rows("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    check(pg_tables == set(lite) | {"note_fts", "pom_meta"},
          f"tables differ: only in PostgreSQL {sorted(pg_tables - set(lite))}, only in SQLite {sorted(set(lite) - pg_tables)}")
    type_of = {"INTEGER": ("bigint", None), "TEXT": ("text", "C"), "REAL": ("double precision", None), "BLOB": ("bytea", None)}
    actions = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
    def by_table(query: str) -> dict[str, list[list[str | None]]]:
        out: dict[str, list[list[str | None]]] = {}
        for r in pg.csv(query):
            out.setdefault(r[0], []).append(r[1:])
        return out

    in_schema = "IN (SELECT oid FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r')"
    all_cols = by_table(f"""
        SELECT a.attrelid::regclass, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               coalesce(pg_get_expr(d.adbin, d.adrelid), ''), coalesce(co.collname, '')
          FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
         WHERE a.attrelid {in_schema} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum""")
    all_fks = by_table(f"""
        SELECT conrelid::regclass, confrelid::regclass,
               (SELECT string_agg(attname, ',' ORDER BY k.n) FROM unnest(conkey) WITH ORDINALITY k (a, n)
                  JOIN pg_attribute ON attrelid = conrelid AND attnum = k.a),
               (SELECT string_agg(attname, ',' ORDER BY k.n) FROM unnest(confkey) WITH ORDINALITY k (a, n)
                  JOIN pg_attribute ON attrelid = confrelid AND attnum = k.a),
               confupdtype, confdeltype, condeferrable
          FROM pg_constraint WHERE conrelid {in_schema} AND contype = 'f'""")
    all_idx = by_table(f"""
        SELECT i.indrelid::regclass, c.relname, i.indisunique, i.indpred IS NOT NULL,
               (SELECT string_agg(coalesce(a.attname, '?'), ',' ORDER BY k.n) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k (a, n)
                  LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.a),
               pg_get_indexdef(i.indexrelid)
          FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid {in_schema}""")
    all_checks = by_table(f"""
        SELECT conrelid::regclass, obj_description(oid, 'pg_constraint') FROM pg_constraint
         WHERE conrelid {in_schema} AND contype = 'c' ORDER BY conrelid, conname COLLATE "C" """)
    for t, info in lite.items():
        if t not in pg_tables:
            continue
        cols = all_cols.get(t, [])
        check([c[0] for c in cols] == [c[0] for c in info["cols"]], f"{t}: columns or their order differ")
        for (name, ty, notnull, default, pk), pgc in zip(info["cols"], cols):
            want_type, want_coll = type_of[ty]
            check(pgc[1] == want_type, f"{t}.{name}: type {pgc[1]}, SQLite {ty}")
            check((pgc[4] or None) == want_coll, f"{t}.{name}: collation {pgc[4]!r}")
            check((pgc[2] == "t") == (notnull or bool(pk)), f"{t}.{name}: NOT NULL differs")
            pg_default = re.sub(r"::(text|bigint|double precision)$", "", pgc[3])
            check(pg_default == (default or ""), f"{t}.{name}: default {pg_default!r}, SQLite {default!r}")
        fks = all_fks.get(t, [])
        got = sorted((r[0], tuple(r[1].split(",")), tuple(r[2].split(",")), actions[r[3]], actions[r[4]]) for r in fks)
        check(got == info["fks"], f"{t}: foreign keys differ:\n  pg     {got}\n  sqlite {info['fks']}")
        check(all(r[5] == "f" for r in fks), f"{t}: a deferrable foreign key (SQLite's are immediate)")
        idx = all_idx.get(t, [])
        pg_uniques = {(tuple(r[3].split(",")), r[2] == "t") for r in idx if r[1] == "t"}
        check(pg_uniques == info["uniques"], f"{t}: unique keys differ:\n  pg     {sorted(pg_uniques)}\n  sqlite {sorted(info['uniques'])}")
        pg_idx = {r[0]: r for r in idx}
        for name, (icols, unique, partial) in info["indexes"].items():
            r = pg_idx.get(name)
            check(r is not None, f"index {name} missing")
            if r is None:
                continue
            check((r[1] == "t") == unique and (r[2] == "t") == partial, f"index {name}: unique or partial differs")
            if name == "customer_name":
                check(r[4].endswith("(lower(name), id)"), f"customer_name is {r[4]}")
            else:
                check(tuple(r[3].split(",")) == icols, f"index {name}: columns {r[3]}, SQLite {icols}")
        # The text SQLite quotes for each CHECK, in SQLite's order of evaluation, is the comment on
        # the PostgreSQL CHECK, and PostgreSQL evaluates them by name: the same first failure on both.
        sql = db.execute("SELECT sql FROM sqlite_schema WHERE name = ?", (t,)).fetchone()[0]
        comments = [r[0] for r in all_checks.get(t, [])]
        spans = check_spans(sql)
        check(comments == spans, f"{t}: CHECK comments differ from SQLite's CHECKs:\n  pg     {comments}\n  sqlite {spans}")

    lite_triggers = {(r[0], r[1]) for r in db.execute("SELECT name, tbl_name FROM sqlite_schema WHERE type = 'trigger'")}
    lite_triggers.discard(("note_fts_delete", "note"))  # note_fts's rows go with their note (ON DELETE CASCADE)
    pg_triggers = {(r[0], r[1]) for r in pg.rows("SELECT tgname, tgrelid::regclass FROM pg_trigger WHERE NOT tgisinternal")}
    check(lite_triggers <= pg_triggers, f"triggers missing: {sorted(lite_triggers - pg_triggers)}")
    with_id = {t for t, info in lite.items() if any(c[0] == "id" and c[4] for c in info["cols"])}
    assigned = {r[1] for r in pg_triggers if r[0] == "pom_assign_id"}
    check(assigned == with_id, f"pom_assign_id triggers: {sorted(assigned ^ with_id)}")
    # Schema 19: a row pom gave its id never calls the trigger.
    unguarded = pg.rows("SELECT tgrelid::regclass FROM pg_trigger WHERE tgname = 'pom_assign_id' "
                        "AND pg_get_triggerdef(oid) NOT LIKE '%WHEN ((new.id IS NULL))%'")
    check(not unguarded, f"pom_assign_id without WHEN (NEW.id IS NULL): {sorted(r[0] for r in unguarded)}")
    src = pg.value("SELECT prosrc FROM pg_proc WHERE proname = 'pom_assign_id'")
    for t in with_id:
        check(f"WHEN '{t}' THEN NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM {t});" in src,
              f"pom_assign_id has no static query for {t}")
    check(pg.value("SELECT value FROM pom_meta WHERE key = 'schema_version'")
          == str(db.execute("PRAGMA user_version").fetchone()[0]), "pom_meta schema_version")


def check_spans(sql: str) -> list[str]:
    out = []
    for m in re.finditer(r"\bCHECK\s*\(", sql):
        depth, i, quoted = 1, m.end(), False
        while depth:
            c = sql[i]
            if quoted:
                quoted = c != "'"
            elif c == "'":
                quoted = True
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            i += 1
        out.append(sql[m.end():i - 1])
    return out


# ---------------------------------------------------------------------------------------------
# Behaviour: the same statements on both engines

NOW = "'2026-11-23T07:00:00Z'"
FIXTURE = f"""
INSERT INTO customer (ref, name, status, created_at, updated_at) VALUES ('C-1', 'Ada Byron', 'active', {NOW}, {NOW});
INSERT INTO customer (ref, name, status, created_at, updated_at) VALUES ('C-2', 'bob Stone', 'lead', {NOW}, {NOW});
INSERT INTO customer (ref, name, status, created_at, updated_at) VALUES (NULL, 'Carla Diaz', 'lead', {NOW}, {NOW});
INSERT INTO customer_contact (customer_id, kind, value, opt_in, position) VALUES (1, 'email', 'ada@example.com', 1, 1);
INSERT INTO customer_contact (customer_id, kind, value, opt_in, position) VALUES (2, 'phone', '602-555-0100', 0, 1);
INSERT INTO customer_tag (customer_id, tag, added_at, added_by) VALUES (2, 'Quote', {NOW}, 'dana');
INSERT INTO customer_tag (customer_id, tag, added_at, added_by, removed_at, removed_by) VALUES (1, 'Quote', {NOW}, 'dana', {NOW}, 'dana');
INSERT INTO customer_status_change (customer_id, from_status, to_status, at, actor) VALUES (2, NULL, 'lead', {NOW}, 'dana');
INSERT INTO tag_rule_run (rule, event, customer_id, added, removed, at, actor)
    VALUES ('new lead', 'customer_created', 2, '["Quote"]', '[]', {NOW}, 'dana');
INSERT INTO worker (name, role, created_at, updated_at) VALUES ('Maria Lopez', 'technician', {NOW}, {NOW});
INSERT INTO worker (name, role, created_at, updated_at) VALUES ('Dana Fox', 'office', {NOW}, {NOW});
INSERT INTO pool (customer_id, lat, lon, gallons, created_at, updated_at) VALUES (1, 33.5, -111.9, 18000, {NOW}, {NOW});
INSERT INTO series (customer_id, pool_id, worker_id, rrule, dtstart, duration_min, service_type, created_at, updated_at)
    VALUES (1, 1, 1, 'FREQ=WEEKLY;BYDAY=MO', '2026-11-23', 30, 'weekly', {NOW}, {NOW});
INSERT INTO appointment (customer_id, pool_id, worker_id, date, duration_min, service_type, series_id, occurrence_date, created_at, updated_at)
    VALUES (1, 1, 1, '2026-11-23', 30, 'weekly', 1, '2026-11-23', {NOW}, {NOW});
INSERT INTO appointment (customer_id, pool_id, worker_id, date, window_start, window_end, duration_min, service_type, created_at, updated_at)
    VALUES (1, 1, NULL, '2026-11-24', '08:00', '10:00', 60, 'repair', {NOW}, {NOW});
INSERT INTO appointment_event (appointment_id, from_status, to_status, at, recorded_at, actor)
    VALUES (1, NULL, 'scheduled', {NOW}, {NOW}, 'dana');
INSERT INTO notice (kind, channel, recipient, customer_id, appointment_id, body, status, next_attempt_at, dedupe_key, created_at, sent_at)
    VALUES ('reminder', 'email', 'ada@example.com', 1, 1, 'See you', 'sent', {NOW}, 'reminder:1', {NOW}, {NOW});
INSERT INTO service (appointment_id, customer_id, pool_id, worker_id, service_type, status, started_at, ended_at, created_at, updated_at)
    VALUES (1, 1, 1, 1, 'weekly', 'submitted', {NOW}, {NOW}, {NOW}, {NOW});
INSERT INTO service_check (service_id, position, item, required, photo_required) VALUES (1, 1, 'Skim', 1, 0);
INSERT INTO reading (service_id, taken_at, fc, ph, flags) VALUES (1, {NOW}, 3.0, 7.4, '["ok"]');
INSERT INTO inventory_item (sku, name, unit, price_cents, chemical, created_at, updated_at)
    VALUES ('CHL-1', 'Liquid chlorine', 'gal', 599, 'chlorine', {NOW}, {NOW});
INSERT INTO inventory_move (item_id, kind, quantity_milli, at, actor) VALUES (1, 'receive', 10000, {NOW}, 'dana');
INSERT INTO dose (service_id, chemical, amount_milli, unit, item_id, created_at) VALUES (1, 'chlorine', 500, 'gal', 1, {NOW});
INSERT INTO service_note (service_id, text, private, author, created_at) VALUES (1, 'Filter looks worn', 0, 'maria', {NOW});
INSERT INTO photo (service_id, sha256, media_type, bytes, created_at)
    VALUES (1, '{'0' * 64}', 'image/jpeg', 100, {NOW});
INSERT INTO billable_line (customer_id, service_id, kind, description, quantity_milli, unit_price_cents, amount_cents, taxable,
                           service_date, source_key, created_at)
    VALUES (1, 1, 'service', 'Weekly service', 1000, 4500, 4500, 0, '2026-11-23', 'service:1', {NOW});
INSERT INTO billable_line (customer_id, service_id, kind, description, quantity_milli, unit_price_cents, amount_cents, taxable,
                           service_date, source_key, created_at)
    VALUES (1, 1, 'chemical', 'Chlorine', 500, 599, 300, 1, '2026-11-23', 'dose:1', {NOW});
INSERT INTO billable_line (customer_id, service_id, kind, description, quantity_milli, unit_price_cents, amount_cents, taxable,
                           service_date, source_key, created_at)
    VALUES (1, NULL, 'extra', 'Unbilled extra', 1000, 1000, 1000, 0, '2026-11-23', 'extra:1', {NOW});
INSERT INTO billing_plan (customer_id, monthly_cents, starts_on, created_at, updated_at) VALUES (1, 18000, '2026-11-01', {NOW}, {NOW});
INSERT INTO billing_plan_price (customer_id, service_type, price_cents, created_at, updated_at) VALUES (1, 'weekly', 4500, {NOW}, {NOW});
INSERT INTO invoice (customer_id, period, period_end, terms, terms_days, currency, tax_name, tax_rate_micro, tax_level, tax_rounding,
                     subtotal_cents, tax_cents, total_cents, created_at, updated_at)
    VALUES (1, '2026-11', '2026-11-30', 'Net 15', 15, 'USD', 'Tax', 80000, 'line', 'half-up', 4500, 0, 4500, {NOW}, {NOW});
INSERT INTO invoice_line (invoice_id, position, billable_line_id, kind, item, description, quantity_milli, unit_price_cents,
                          amount_cents, taxable, tax_cents, service_date)
    VALUES (1, 1, 1, 'service', 'Service', 'Weekly service', 1000, 4500, 4500, 0, 0, '2026-11-23');
INSERT INTO invoice (customer_id, period, period_end, terms, terms_days, currency, tax_name, tax_rate_micro, tax_level, tax_rounding,
                     subtotal_cents, tax_cents, total_cents, created_at, updated_at)
    VALUES (1, '2026-11', '2026-11-30', 'Net 15', 15, 'USD', 'Tax', 80000, 'line', 'half-up', 300, 24, 324, {NOW}, {NOW});
INSERT INTO invoice_line (invoice_id, position, billable_line_id, kind, item, description, quantity_milli, unit_price_cents,
                          amount_cents, taxable, tax_cents, service_date)
    VALUES (2, 1, 2, 'chemical', 'Chlorine', 'Chlorine', 500, 599, 300, 1, 24, '2026-11-23');
UPDATE number_series SET last = last + 1 WHERE kind = 'invoice';
UPDATE invoice SET seq = 1, number = 'INV-0001', issue_date = '2026-11-30', due_date = '2026-12-15', issued_at = {NOW} WHERE id = 2;
INSERT INTO payment (invoice_id, customer_id, amount_cents, paid_on, method, created_at, actor)
    VALUES (2, 1, 100, '2026-12-01', 'card', {NOW}, 'dana');
INSERT INTO payment_application (customer_id, payment_id, invoice_id, kind, amount_cents, applied_on, created_at, actor)
    VALUES (1, 1, 2, 'payment', 100, '2026-12-01', {NOW}, 'dana');
INSERT INTO export_batch (format, selection, settings, invoice_count, line_count, total_cents, tax_cents, files, bytes, sha256, created_at, actor)
    VALUES ('csv', '{{}}', '{{}}', 1, 1, 324, 24, 1, 10, '{'1' * 64}', {NOW}, 'dana');
INSERT INTO export_batch_invoice (batch_id, invoice_id) VALUES (1, 2);
INSERT INTO quote (customer_id, valid_days, valid_until, total_cents, created_at, updated_at) VALUES (2, 30, '2026-12-23', 4500, {NOW}, {NOW});
INSERT INTO quote_line (quote_id, position, description, quantity_milli, unit_price_cents, amount_cents) VALUES (1, 1, 'Weekly', 1000, 4500, 4500);
INSERT INTO quote (customer_id, valid_days, valid_until, total_cents, created_at, updated_at) VALUES (2, 30, '2026-12-23', 6500, {NOW}, {NOW});
INSERT INTO quote_line (quote_id, position, description, quantity_milli, unit_price_cents, amount_cents) VALUES (2, 1, 'Salt cell', 1000, 6500, 6500);
UPDATE quote SET status = 'sent', sent_at = {NOW} WHERE id = 2;
INSERT INTO ticket (customer_id, pool_id, category, severity, urgency, summary, told, owner_id, source, promise_s, due_at, created_at, updated_at)
    VALUES (1, 1, 'warranty', 'medium', 'normal', 'Pump noise', 'Within two days', 2, 'phone', 172800, {NOW}, {NOW}, {NOW});
INSERT INTO ticket_route (ticket_id, route, next_action, at, actor) VALUES (1, 'service', 'Send Tom', {NOW}, 'dana');
INSERT INTO ticket_visit (ticket_id, appointment_id) VALUES (1, 2);
INSERT INTO callback (customer_id, contact, reason, owner_id, due_at, first_due_at, summary, ticket_id, created_at, updated_at)
    VALUES (1, 'phone', 'Pump findings', 2, {NOW}, {NOW}, 'Tell her', 1, {NOW}, {NOW});
INSERT INTO note (customer_id, ticket_id, kind, text, author, created_at)
    VALUES (1, 1, 'call', 'The pumps were running loudly; the homeowner heard grinding at night', 'dana', {NOW});
INSERT INTO note (customer_id, kind, text, author, created_at) VALUES (2, 'meeting', 'Wants a quote for the salt cell and the heater', 'dana', {NOW});
INSERT INTO audit_log (at, actor, command, entity, entity_id, action, after) VALUES ({NOW}, 'dana', 'customer add', 'customer', 1, 'create', '{{"id":1}}');
INSERT INTO days_out (value, set_at, set_by) VALUES (14, {NOW}, 'dana');
INSERT INTO worker (name, role, created_at, updated_at) VALUES ('Ava Stone', 'accountant', {NOW}, {NOW});
INSERT INTO api_token (worker_id, label, secret_hash, created_at, expires_at) VALUES (2, 'laptop', '{'ab' * 32}', {NOW}, NULL);
INSERT INTO api_answer (worker_id, key, fingerprint, status, body, created_at)
    VALUES (2, 'order-1', '{'cd' * 32}', 201, '{{"id":1}}', {NOW});
"""

CUSTOMER = "INSERT INTO customer (name, created_at, updated_at) VALUES ('New', 'c', 'u')"
ISSUE_1 = ("UPDATE invoice SET seq = 2, number = 'INV-0002', issue_date = '2026-11-30', due_date = '2026-12-15', "
           f"issued_at = {NOW} WHERE id = 1")
LINE_1 = ("INSERT INTO invoice_line (invoice_id, position, kind, item, description, quantity_milli, unit_price_cents, amount_cents, "
          "taxable, tax_cents, service_date) VALUES ({inv}, 9, 'extra', 'X', 'X', 1000, 0, 0, 0, 0, '2026-11-23')")
QUOTE_LINE = ("INSERT INTO quote_line (quote_id, position, description, quantity_milli, unit_price_cents, amount_cents) "
              "VALUES ({q}, 5, 'More', 1000, 1, 1)")

TOKEN = f"INSERT INTO api_token (worker_id, secret_hash, created_at) VALUES ({{w}}, {{h}}, {NOW})"
ANSWER = f"INSERT INTO api_answer (worker_id, key, fingerprint, status, body, created_at) VALUES ({{w}}, {{k}}, 'f', {{s}}, 'b', {NOW})"


def appt(**over) -> str:
    row = {"customer_id": 1, "pool_id": 1, "date": "'2026-12-01'", "duration_min": 30, "service_type": "'x'",
           "created_at": "'c'", "updated_at": "'u'"}
    row.update({k: v if isinstance(v, (int, float)) or v == "NULL" or str(v).startswith("'") else lit(v) for k, v in over.items()})
    return f"INSERT INTO appointment ({', '.join(row)}) VALUES ({', '.join(str(v) for v in row.values())})"


# Each case: a name and its statements, run in one transaction that is rolled back. A statement is
# SQL for both engines, or a pair (SQLite's, PostgreSQL's) where they must differ. The last
# statement's rows, or the first error, are compared.
CASES = [
    # ids
    ("id is max + 1", [CUSTOMER, "SELECT id FROM customer ORDER BY id DESC LIMIT 1"]),
    ("id again after the rollback", [CUSTOMER, "SELECT max(id) FROM customer"]),
    ("id after deleting the last row is reused", ["DELETE FROM customer WHERE id = 3", CUSTOMER, "SELECT max(id) FROM customer"]),
    ("id after an explicit id", ["INSERT INTO customer (id, name, created_at, updated_at) VALUES (100, 'X', 'c', 'u')", CUSTOMER,
                                 "SELECT id FROM customer ORDER BY id"]),
    ("ids of a multi-row insert", ["INSERT INTO worker (name, created_at, updated_at) SELECT name || ' 2', 'c', 'u' FROM customer ORDER BY id",
                                   "SELECT id, name FROM worker ORDER BY id"]),
    ("last inserted id", [CUSTOMER, ("SELECT last_insert_rowid()", "SELECT current_setting('pom.last_id')::bigint")]),
    # An explicit id: since schema 19 the trigger does not run for it, so pom.last_id stays the id
    # it last gave (pom reads an explicit id back with RETURNING id, lib/store/postgres/dialect.h).
    ("explicit id", ["INSERT INTO days_out (id, value, set_at, set_by) VALUES (7, 1, 'a', 'b')",
                     "SELECT id, value FROM days_out ORDER BY id"]),
    ("duplicate id", ["INSERT INTO customer (id, name, created_at, updated_at) VALUES (1, 'X', 'c', 'u')"]),
    # NOT NULL, CHECK, types
    ("name NULL", ["INSERT INTO customer (name, created_at, updated_at) VALUES (NULL, 'c', 'u')"]),
    ("name blank", ["INSERT INTO customer (name, created_at, updated_at) VALUES ('   ', 'c', 'u')"]),
    ("status unknown", ["UPDATE customer SET status = 'gone' WHERE id = 1"]),
    ("ref empty", ["UPDATE customer SET ref = '' WHERE id = 1"]),
    ("ref 64 characters", [f"UPDATE customer SET ref = '{'é' * 64}' WHERE id = 1", "SELECT length(ref) FROM customer WHERE id = 1"]),
    ("ref 65 characters", [f"UPDATE customer SET ref = '{'é' * 65}' WHERE id = 1"]),
    ("first failing CHECK of several", ["INSERT INTO customer (ref, name, status, created_at, updated_at) VALUES ('', ' ', 'x', 'c', 'u')"]),
    ("NOT NULL before CHECK", ["INSERT INTO customer (ref, name, status, created_at, updated_at) VALUES ('', ' ', 'x', NULL, 'u')"]),
    ("opt_in 2", ["UPDATE customer_contact SET opt_in = 2 WHERE id = 1"]),
    ("text in an integer column", ["UPDATE customer_contact SET opt_in = 'yes' WHERE id = 1"]),
    ("lat 90 and -180", ["UPDATE pool SET lat = 90, lon = -180 WHERE id = 1", "SELECT lat, lon FROM pool"]),
    ("lat 90.5", ["UPDATE pool SET lat = 90.5 WHERE id = 1"]),
    ("integer into a REAL column", ["UPDATE pool SET lat = 33 WHERE id = 1", "SELECT lat FROM pool"]),
    ("surface", ["UPDATE pool SET surface = 'marble' WHERE id = 1"]),
    ("gallons 0", ["UPDATE pool SET gallons = 0 WHERE id = 1"]),
    ("rrule", ["UPDATE series SET rrule = 'freq=WEEKLY' WHERE id = 1"]),
    ("dtstart 30 February (SQLite's date() keeps it)", ["UPDATE series SET dtstart = '2027-02-30' WHERE id = 1", "SELECT dtstart FROM series"]),
    ("dtstart month 13", ["UPDATE series SET dtstart = '2027-13-01' WHERE id = 1"]),
    ("dtstart with a time", ["UPDATE series SET dtstart = '2027-01-01 10:00' WHERE id = 1"]),
    ("dtstart day 32", ["UPDATE series SET dtstart = '2027-01-32' WHERE id = 1"]),
    ("window 29:59 passes the GLOB", ["UPDATE series SET window_start = '29:59' WHERE id = 1", "SELECT window_start FROM series"]),
    ("window 8:00", ["UPDATE series SET window_start = '8:00' WHERE id = 1"]),
    ("window with a newline", ["UPDATE series SET window_start = '08:00\n' WHERE id = 1"]),
    ("window start after end", ["UPDATE appointment SET window_start = '11:00' WHERE id = 2"]),
    ("series without occurrence", [appt(series_id=1)]),
    ("one visit per series and date", [appt(series_id=1, occurrence_date="'2026-11-23'")]),
    ("two one-off visits the same date", [appt(), appt(), "SELECT count(*) FROM appointment WHERE date = '2026-12-01'"]),
    ("appointment status", ["UPDATE appointment SET status = 'done' WHERE id = 1"]),
    ("appointment follow_up_of missing", [appt(follow_up_of=99)]),
    ("duration 1441", ["UPDATE appointment SET duration_min = 1441 WHERE id = 2"]),
    ("days_out 366", ["INSERT INTO days_out (value, set_at, set_by) VALUES (366, 'a', 'b')"]),
    ("service one per appointment", ["INSERT INTO service (appointment_id, customer_id, pool_id, service_type, started_at, created_at, updated_at) "
                                     "VALUES (1, 1, 1, 'x', 'a', 'c', 'u')"]),
    ("service submitted without end", ["UPDATE service SET ended_at = NULL WHERE id = 1"]),
    ("service_check primary key", ["INSERT INTO service_check (service_id, position, item, required, photo_required) VALUES (1, 2, 'Skim', 0, 0)"]),
    ("reading flags not json", ["UPDATE reading SET flags = '[ok]' WHERE id = 1"]),
    ("reading pH 14.5", ["UPDATE reading SET ph = 14.5 WHERE id = 1"]),
    ("reading temp 31", ["UPDATE reading SET temp_f = 31 WHERE id = 1"]),
    ("sku duplicate", ["INSERT INTO inventory_item (sku, name, unit, created_at, updated_at) VALUES ('CHL-1', 'X', 'gal', 'c', 'u')"]),
    ("dose amount 0", ["UPDATE dose SET amount_milli = 0 WHERE id = 1"]),
    ("photo sha256 short", ["UPDATE photo SET sha256 = 'abc' WHERE id = 1"]),
    ("photo media type", ["UPDATE photo SET media_type = 'image/bmp' WHERE id = 1"]),
    ("billable source_key duplicate", ["UPDATE billable_line SET source_key = 'extra:1' WHERE id = 2"]),
    ("billable service_date", ["UPDATE billable_line SET service_date = '2026-11-31x' WHERE id = 3"]),
    ("notice skipped without reason", ["UPDATE notice SET status = 'skipped' WHERE id = 1"]),
    ("notice sending unclaimed", ["INSERT INTO notice (kind, channel, recipient, body, status, next_attempt_at, dedupe_key, created_at) "
                                  "VALUES ('k', 'sms', 'r', 'b', 'sending', 'n', 'd2', 'c')"]),
    ("notice sent is final", ["UPDATE notice SET status = 'pending', sent_at = NULL WHERE id = 1"]),
    ("notice sent, other column", ["UPDATE notice SET attempts = 3 WHERE id = 1", "SELECT attempts FROM notice"]),
    ("notice sent to sent", ["UPDATE notice SET status = 'sent' WHERE id = 1", "SELECT status FROM notice"]),
    ("plan price for a customer without plan", ["INSERT INTO billing_plan_price (customer_id, service_type, price_cents, created_at, updated_at) "
                                                "VALUES (2, 'weekly', 1, 'c', 'u')"]),
    ("plan twice", ["INSERT INTO billing_plan (customer_id, starts_on, created_at, updated_at) VALUES (1, '2026-01-01', 'c', 'u')"]),
    ("status change to the same status", ["INSERT INTO customer_status_change (customer_id, from_status, to_status, at, actor) "
                                          "VALUES (2, 'lead', 'lead', 'a', 'b')"]),
    ("status change from NULL", ["INSERT INTO customer_status_change (customer_id, from_status, to_status, at, actor) VALUES (2, NULL, 'active', 'a', 'b')",
                                 "SELECT count(*) FROM customer_status_change"]),
    ("tag twice", ["INSERT INTO customer_tag (customer_id, tag, added_at, added_by) VALUES (2, 'Quote', 'a', 'b')"]),
    ("tag again after removal", ["INSERT INTO customer_tag (customer_id, tag, added_at, added_by) VALUES (1, 'Quote', 'a', 'b')",
                                 "SELECT count(*) FROM customer_tag"]),
    ("tag rule log added not json", ["UPDATE tag_rule_run SET added = 'x' WHERE id = 1"]),
    ("tag rule log append-only", ["UPDATE tag_rule_run SET actor = 'x' WHERE id = 1"]),
    ("tag rule log delete", ["DELETE FROM tag_rule_run WHERE id = 1", "SELECT count(*) FROM tag_rule_run"]),
    ("contact duplicate", ["INSERT INTO customer_contact (customer_id, kind, value, opt_in, position) VALUES (1, 'email', 'ada@example.com', 0, 2)"]),
    ("pool of a missing customer", ["INSERT INTO pool (customer_id, created_at, updated_at) VALUES (99, 'c', 'u')"]),
    ("delete a customer with pools", ["DELETE FROM customer WHERE id = 1"]),
    ("delete a customer cascades", ["DELETE FROM note WHERE customer_id = 2", "UPDATE quote SET customer_id = 1",
                                    "DELETE FROM customer WHERE id = 2",
                                    "SELECT (SELECT count(*) FROM customer_contact) || ' ' || (SELECT count(*) FROM customer_tag) || ' ' "
                                    "|| (SELECT count(*) FROM customer_status_change) || ' ' || (SELECT count(*) FROM tag_rule_run)"]),
    ("audit log update", ["UPDATE audit_log SET actor = 'x'"]),
    ("audit log delete", ["DELETE FROM audit_log"]),
    ("audit log at", ["INSERT INTO audit_log (at, actor, command, entity, entity_id, action) VALUES ('2026-11-23 07:00:00', 'a', 'c', 'e', 1, 'create')"]),
    ("audit log before not json", ["INSERT INTO audit_log (at, actor, command, entity, entity_id, action, before) "
                                   "VALUES ('2026-11-23T07:00:00Z', 'a', 'c', 'e', 1, 'update', '{a:1}')"]),
    ("audit log action", ["INSERT INTO audit_log (at, actor, command, entity, entity_id, action) VALUES ('2026-11-23T07:00:00Z', 'a', 'c', 'e', 1, 'read')"]),
    # billing
    ("number series by two", ["UPDATE number_series SET last = last + 2 WHERE kind = 'invoice'"]),
    ("number series by one", ["UPDATE number_series SET last = last + 1 WHERE kind = 'credit'", "SELECT kind, last FROM number_series ORDER BY kind"]),
    ("number series kind", ["UPDATE number_series SET kind = 'credit', last = last + 1 WHERE kind = 'invoice'"]),
    ("number series delete", ["DELETE FROM number_series WHERE kind = 'credit'"]),
    ("invoice inserted issued", ["INSERT INTO invoice (customer_id, period_end, seq, number, issue_date, due_date, issued_at, terms, terms_days, "
                                 "currency, tax_name, tax_rate_micro, tax_level, tax_rounding, subtotal_cents, tax_cents, total_cents, "
                                 "created_at, updated_at) VALUES (1, '2026-11-30', 5, 'N', '2026-11-30', '2026-11-30', 'x', 't', 0, 'USD', "
                                 "'t', 0, 'line', 'half-up', 0, 0, 0, 'c', 'u')"]),
    ("issue without taking the number", [ISSUE_1]),
    ("issue with a gap", ["UPDATE number_series SET last = last + 1 WHERE kind = 'invoice'", ISSUE_1.replace("seq = 2", "seq = 3")]),
    ("issue", ["UPDATE number_series SET last = last + 1 WHERE kind = 'invoice'", ISSUE_1, "SELECT seq, number FROM invoice ORDER BY id"]),
    ("issue not adding up", ["UPDATE number_series SET last = last + 1 WHERE kind = 'invoice'", "UPDATE invoice SET subtotal_cents = 4400, "
                             "total_cents = 4400 WHERE id = 1", ISSUE_1]),
    ("issue without lines", ["UPDATE number_series SET last = last + 1 WHERE kind = 'invoice'", "DELETE FROM invoice_line WHERE invoice_id = 1",
                             "UPDATE invoice SET subtotal_cents = 0, total_cents = 0 WHERE id = 1", ISSUE_1]),
    ("issue half-filled", ["UPDATE number_series SET last = last + 1 WHERE kind = 'invoice'", "UPDATE invoice SET seq = 2 WHERE id = 1"]),
    ("invoice total", ["UPDATE invoice SET total_cents = 1 WHERE id = 1"]),
    ("issued invoice update", ["UPDATE invoice SET reason = 'x' WHERE id = 2"]),
    ("issued invoice delete", ["DELETE FROM invoice WHERE id = 2"]),
    ("draft invoice delete with lines", ["DELETE FROM invoice WHERE id = 1"]),
    ("draft invoice delete", ["DELETE FROM invoice_line WHERE invoice_id = 1", "DELETE FROM invoice WHERE id = 1", "SELECT count(*) FROM invoice"]),
    ("credit without invoice", ["UPDATE invoice SET kind = 'credit' WHERE id = 1"]),
    ("line on an issued invoice", [LINE_1.format(inv=2)]),
    ("line on a draft", [LINE_1.format(inv=1), "SELECT count(*) FROM invoice_line"]),
    # Schema 20: PostgreSQL checks the lines an INSERT adds together; one on an issued invoice
    # refuses the statement, the draft's line with it.
    ("lines on a draft and an issued invoice in one statement",
     [LINE_1.format(inv=1) + ", (2, 10, 'extra', 'Y', 'Y', 1000, 0, 0, 0, 0, '2026-11-23')"]),
    ("lines on a draft in one statement", [LINE_1.format(inv=1) + ", (1, 10, 'extra', 'Y', 'Y', 1000, 0, 0, 0, 0, '2026-11-23')",
                                           "SELECT count(*) FROM invoice_line"]),
    ("issued line update", ["UPDATE invoice_line SET description = 'x' WHERE invoice_id = 2"]),
    ("draft line moved to an issued invoice", ["UPDATE invoice_line SET invoice_id = 2, position = 7 WHERE invoice_id = 1"]),
    ("issued line delete", ["DELETE FROM invoice_line WHERE invoice_id = 2"]),
    ("line included with an amount", ["UPDATE invoice_line SET included = 1 WHERE invoice_id = 1"]),
    ("line tax without taxable", ["UPDATE invoice_line SET tax_cents = 1 WHERE invoice_id = 1"]),
    ("billable line billed once", ["INSERT INTO invoice_line (invoice_id, position, billable_line_id, kind, item, description, quantity_milli, "
                                   "unit_price_cents, amount_cents, taxable, tax_cents, service_date) "
                                   "VALUES (1, 2, 2, 'chemical', 'C', 'C', 500, 599, 300, 1, 0, '2026-11-23')"]),
    ("billed line update", ["UPDATE billable_line SET description = 'x' WHERE id = 1"]),
    ("billed line delete", ["DELETE FROM billable_line WHERE id = 2"]),
    ("unbilled line update and delete", ["UPDATE billable_line SET description = 'y' WHERE id = 3", "DELETE FROM billable_line WHERE id = 3",
                                         "SELECT count(*) FROM billable_line"]),
    ("payment to a draft", ["INSERT INTO payment (invoice_id, customer_id, amount_cents, paid_on, method, created_at, actor) "
                            "VALUES (1, 1, 10, '2026-12-01', 'cash', 'c', 'a')"]),
    ("payment of another customer", ["INSERT INTO payment (invoice_id, customer_id, amount_cents, paid_on, method, created_at, actor) "
                                     "VALUES (2, 2, 10, '2026-12-01', 'cash', 'c', 'a')"]),
    ("payment without an invoice", ["INSERT INTO payment (invoice_id, customer_id, amount_cents, paid_on, method, created_at, actor) "
                                    "VALUES (NULL, 2, 10, '2026-12-01', 'cash', 'c', 'a')", "SELECT count(*) FROM payment"]),
    ("application over the balance", ["INSERT INTO payment_application (customer_id, payment_id, source_invoice_id, invoice_id, refund_id, kind, amount_cents, applied_on, created_at, actor) "
                                      "VALUES (1, 1, NULL, 2, NULL, 'credit', 225, '2026-12-01', 'c', 'a')"]),
    ("application of the balance over the payment", ["INSERT INTO payment (invoice_id, customer_id, amount_cents, paid_on, method, created_at, actor) "
                                      "VALUES (2, 1, 300, '2026-12-01', 'cash', 'c', 'a')",
                                      "INSERT INTO payment_application (customer_id, payment_id, source_invoice_id, invoice_id, refund_id, kind, amount_cents, applied_on, created_at, actor) "
                                      "VALUES (1, 2, NULL, 2, NULL, 'payment', 224, '2026-12-01', 'c', 'a')",
                                      "SELECT sum(amount_cents) FROM payment_application"]),
    ("application beyond its payment", ["INSERT INTO payment_application (customer_id, payment_id, source_invoice_id, invoice_id, refund_id, kind, amount_cents, applied_on, created_at, actor) "
                                        "VALUES (1, 1, NULL, 2, NULL, 'credit', 1, '2026-12-01', 'c', 'a')"]),
    ("application to a draft", ["INSERT INTO payment (invoice_id, customer_id, amount_cents, paid_on, method, created_at, actor) "
                                "VALUES (NULL, 1, 300, '2026-12-01', 'cash', 'c', 'a')",
                                "INSERT INTO payment_application (customer_id, payment_id, source_invoice_id, invoice_id, refund_id, kind, amount_cents, applied_on, created_at, actor) "
                                "VALUES (1, 2, NULL, 1, NULL, 'payment', 10, '2026-12-01', 'c', 'a')"]),
    ("application of another customer", ["INSERT INTO payment_application (customer_id, payment_id, source_invoice_id, invoice_id, refund_id, kind, amount_cents, applied_on, created_at, actor) "
                                         "VALUES (2, 1, NULL, 2, NULL, 'credit', 1, '2026-12-01', 'c', 'a')"]),
    ("application with two sources", ["INSERT INTO payment_application (customer_id, payment_id, source_invoice_id, invoice_id, refund_id, kind, amount_cents, applied_on, created_at, actor) "
                                      "VALUES (1, 1, 2, 2, NULL, 'credit', 1, '2026-12-01', 'c', 'a')"]),
    ("application from a surplus that is not there", ["INSERT INTO payment_application (customer_id, payment_id, source_invoice_id, invoice_id, refund_id, kind, amount_cents, applied_on, created_at, actor) "
                                                     "VALUES (1, NULL, 2, 2, NULL, 'credit', 1, '2026-12-01', 'c', 'a')"]),
    ("payment update", ["UPDATE payment SET ref = 'x'"]),
    ("payment delete", ["DELETE FROM payment"]),
    ("application update", ["UPDATE payment_application SET amount_cents = 1"]),
    ("application delete", ["DELETE FROM payment_application"]),
    ("write-off over the balance", ["INSERT INTO write_off (invoice_id, customer_id, amount_cents, written_on, account, reason, created_at, actor) "
                                    "VALUES (2, 1, 225, '2026-12-01', 'Bad Debt', 'gone', 'c', 'a')"]),
    ("write-off of the balance", ["INSERT INTO write_off (invoice_id, customer_id, amount_cents, written_on, account, reason, created_at, actor) "
                                  "VALUES (2, 1, 224, '2026-12-01', 'Bad Debt', 'gone', 'c', 'a')", "SELECT amount_cents FROM write_off"]),
    ("refund without reason", ["INSERT INTO refund (customer_id, amount_cents, refunded_on, method, reason, created_at, actor) "
                               "VALUES (1, 10, '2026-12-01', 'cash', ' ', 'c', 'a')"]),
    ("export batch update", ["UPDATE export_batch SET actor = 'x'"]),
    ("export batch delete", ["DELETE FROM export_batch"]),
    ("export batch invoice delete", ["DELETE FROM export_batch_invoice"]),
    ("export batch invoice update", ["UPDATE export_batch_invoice SET invoice_id = 1", "SELECT batch_id, invoice_id FROM export_batch_invoice"]),
    ("export batch settings not json", ["INSERT INTO export_batch (format, selection, settings, invoice_count, line_count, total_cents, tax_cents, "
                                        f"files, bytes, sha256, created_at, actor) VALUES ('csv', '{{}}', '', 1, 1, 0, 0, 1, 1, '{'1' * 64}', 'c', 'a')"]),
    # sales and customer service
    ("quote line on a sent quote", [QUOTE_LINE.format(q=2)]),
    ("quote line on a draft", [QUOTE_LINE.format(q=1), "SELECT count(*) FROM quote_line"]),
    ("quote line of a sent quote update", ["UPDATE quote_line SET description = 'x' WHERE quote_id = 2"]),
    ("quote line moved from a draft to a sent quote", ["UPDATE quote_line SET quote_id = 2, position = 3 WHERE quote_id = 1",
                                                       "SELECT quote_id FROM quote_line ORDER BY id"]),
    ("quote line of a sent quote delete", ["DELETE FROM quote_line WHERE quote_id = 2"]),
    ("quote line on a missing quote", [QUOTE_LINE.format(q=9)]),
    ("quote declined without reason", ["UPDATE quote SET status = 'declined', declined_at = 'x', decline_reason = ' ' WHERE id = 2"]),
    ("quote accepted", ["UPDATE quote SET status = 'accepted' WHERE id = 2"]),
    ("ticket closed without telling", ["UPDATE ticket SET status = 'closed', closed_at = 'x', outcome = 'Fixed' WHERE id = 1"]),
    ("ticket warranty until without warranty", ["UPDATE ticket SET warranty_until = '2027-01-01' WHERE id = 1"]),
    ("ticket category", ["UPDATE ticket SET category = 'other' WHERE id = 1"]),
    ("ticket visit twice", ["INSERT INTO ticket_visit (ticket_id, appointment_id) VALUES (1, 2)"]),
    ("callback done without outcome", ["UPDATE callback SET status = 'done', done_at = 'x' WHERE id = 1"]),
    ("callback done without done_at", ["UPDATE callback SET status = 'done', outcome = 'ok' WHERE id = 1"]),
    ("note update", ["UPDATE note SET author = 'x' WHERE id = 1"]),
    ("note delete", ["DELETE FROM note WHERE id = 2", "SELECT count(*) FROM note"]),
    ("note blank", ["INSERT INTO note (customer_id, kind, text, author, created_at) VALUES (1, 'call', ' ', 'a', 'c')"]),
    # pom serve (schema 11)
    ("worker role accountant", ["UPDATE worker SET role = 'accountant' WHERE id = 1", "SELECT role FROM worker WHERE id = 1"]),
    ("worker role auditor", ["UPDATE worker SET role = 'auditor' WHERE id = 1"]),
    ("api token", [TOKEN.format(w=1, h="'" + "0123456789abcdef" * 4 + "'"), "SELECT id, worker_id, label, expires_at FROM api_token ORDER BY id"]),
    ("api token hash twice", [TOKEN.format(w=1, h="'" + "ab" * 32 + "'")]),
    ("api token hash short", [TOKEN.format(w=1, h="'" + "ab" * 31 + "'")]),
    ("api token hash upper case", [TOKEN.format(w=1, h="'" + "AB" * 32 + "'")]),
    ("api token hash not hex", [TOKEN.format(w=1, h="'" + "g" * 64 + "'")]),
    ("api token hash missing", [TOKEN.format(w=1, h="NULL")]),
    ("api token of a missing worker", [TOKEN.format(w=99, h="'" + "12" * 32 + "'")]),
    ("api token revoked", ["UPDATE api_token SET revoked_at = '2026-11-24T00:00:00Z' WHERE id = 1", "SELECT revoked_at FROM api_token"]),
    ("api answer", [ANSWER.format(w=1, k="'order-1'", s=200), "SELECT id, worker_id, key, status FROM api_answer ORDER BY id"]),
    ("api answer key twice", [ANSWER.format(w=2, k="'order-1'", s=200)]),
    ("api answer key empty", [ANSWER.format(w=1, k="''", s=200)]),
    ("api answer key of 200", [ANSWER.format(w=1, k="'" + "k" * 200 + "'", s=200), "SELECT length(key) FROM api_answer ORDER BY id"]),
    ("api answer key of 201", [ANSWER.format(w=1, k="'" + "k" * 201 + "'", s=200)]),
    ("api answer key with spaces and symbols", [ANSWER.format(w=1, k="' a b!~{}'", s=200), "SELECT key FROM api_answer ORDER BY id"]),
    ("api answer key with a tab", [ANSWER.format(w=1, k="'a\tb'", s=200)]),
    ("api answer key with a line break", [ANSWER.format(w=1, k="'a\nb'", s=200)]),
    ("api answer key with DEL", [ANSWER.format(w=1, k="'a\x7fb'", s=200)]),
    ("api answer key not ASCII", [ANSWER.format(w=1, k="'caf\u00e9'", s=200)]),
    ("api answer fingerprint empty", ["UPDATE api_answer SET fingerprint = '' WHERE id = 1"]),
    ("api answer status 99", [ANSWER.format(w=1, k="'s'", s=99)]),
    ("api answer status 600", [ANSWER.format(w=1, k="'s'", s=600)]),
    ("api answer body missing", ["UPDATE api_answer SET body = NULL WHERE id = 1"]),
    ("api answer of a missing worker", [ANSWER.format(w=99, k="'x'", s=200)]),
    ("api answer sweep by age", [ANSWER.format(w=1, k="'old'", s=200).replace(NOW, "'2026-11-01T00:00:00Z'"),
                                 "DELETE FROM api_answer WHERE id IN (SELECT id FROM api_answer WHERE created_at < '2026-11-16T07:00:00Z' "
                                 "ORDER BY created_at LIMIT 100)", "SELECT key FROM api_answer ORDER BY id"]),
    # comparisons and functions in the domain's SQL
    ("NOCASE order", [("SELECT name FROM customer ORDER BY name COLLATE NOCASE, id", "SELECT name FROM customer ORDER BY lower(name), id")]),
    ("bytewise order", ["SELECT name FROM customer ORDER BY name, id"]),
    ("scalar max and min", ["SELECT max(0, (unixepoch('2026-11-23T07:00:00Z') - unixepoch('2026-11-20T08:00:00Z')) / 86400), "
                            "max(0, -5), min(3, 2), max(2, 2.5), min('b', 'a'), CASE WHEN max(1, NULL) IS NULL THEN 'null' END"]),
    ("iif", ["SELECT iif(1 = 1, 'y', 'n'), iif(0, 1, 2), iif(2, 'a', 'b'), iif(NULL = 1, 1, 2)"]),
    ("substr lower length", ["SELECT id FROM worker WHERE substr(lower(name), 1, length('MAR')) = lower('MAR')"]),
]


def normalize(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v).removesuffix(".0") if v == int(v) and abs(v) < 1e15 else repr(v)
    return str(v)


def canon(v, sqlite_type: str):
    """A value as both engines must give it back: REAL as a float, INTEGER as an int, TEXT as is."""
    if v is None:
        return None
    if sqlite_type == "REAL":
        return float(v)
    if sqlite_type == "INTEGER":
        return int(v)
    return str(v)


def run_cases(pg: Pg, lite: sqlite3.Connection) -> dict[str, int]:
    pg.run(FIXTURE)
    lite.executescript(FIXTURE)
    script = []
    with tempfile.TemporaryDirectory() as out:
        for i, (name, stmts) in enumerate(CASES):
            script += [f"\\warn @@case {i}", f"\\o {out}/{i}", "BEGIN;"]
            script += [(s[1] if isinstance(s, tuple) else s) + ";" for s in stmts]
            script += ["ROLLBACK;", "\\o"]
        p = pg.run("\\set ON_ERROR_STOP 0\n" + "\n".join(script) + "\n", check_ok=False)
        errors = re.split(r"^@@case \d+$", p.stderr, flags=re.M)[1:]
        check(len(errors) == len(CASES), f"psql ran {len(errors)} of {len(CASES)} cases: {p.stderr[-2000:]}")
        results_pg = []
        for i, text in enumerate(errors):
            err = pg_error(text)
            if err is None and text.strip():
                raise RuntimeError(f"{CASES[i][0]}: psql said {text}")
            results_pg.append((Path(out, str(i)).read_text().splitlines(), err))
    # SQLite's messages for PostgreSQL's errors, asked for after the rollback, as the engine will
    errs = [(i, e) for i, (_, e) in enumerate(results_pg) if e]
    messages = {}
    if errs:
        values = ",\n".join(f"({i}, {lit(e['state'])}, {lit(e['table'])}, {lit(e['column'])}, {lit(e['constraint'])}, {lit(e['msg'])})"
                            for i, e in errs)
        for row in pg.csv(f"SELECT i, pom_error_message(s, t, c, k, m) FROM (VALUES {values}) v (i, s, t, c, k, m) ORDER BY i"):
            messages[int(row[0])] = row[1]
    outcomes: dict[str, int] = {}
    for i, (name, stmts) in enumerate(CASES):
        lite.execute("BEGIN")
        rows, lerr = [], None
        try:
            for s in stmts:
                cur = lite.execute(s[0] if isinstance(s, tuple) else s)
                rows = ["\x1f".join(normalize(v) for v in r) for r in cur.fetchall()]
        except sqlite3.Error as e:
            lerr = e
        finally:
            lite.execute("ROLLBACK")
        pg_rows, perr = results_pg[i]
        outcome = "ok" if lerr is None else sqlite_kind(lerr)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if lerr is None and perr is None:
            check(rows == pg_rows, f"case {name!r}: rows differ: SQLite {rows}, PostgreSQL {pg_rows}")
        elif lerr is None or perr is None:
            check(False, f"case {name!r}: SQLite {'ok' if lerr is None else lerr}, PostgreSQL {'ok' if perr is None else perr}")
        else:
            check(sqlite_kind(lerr) == pg_kind(perr["state"]),
                  f"case {name!r}: SQLite {sqlite_kind(lerr)} ({lerr}), PostgreSQL {pg_kind(perr['state'])} ({perr})")
            if lerr.sqlite_errorcode == 3091:  # SQLITE_CONSTRAINT_DATATYPE: PostgreSQL's own words (see schema.h)
                continue
            check(str(lerr) == messages[i], f"case {name!r}: message: SQLite {str(lerr)!r}, PostgreSQL {messages[i]!r}")
    return outcomes


def check_pg_only(pg: Pg) -> None:
    """What has no SQLite counterpart to compare with."""
    for t in ("audit_log", "payment", "payment_application", "refund", "write_off", "export_batch_entry", "export_batch", "export_batch_invoice", "number_series", "invoice", "invoice_line",
              "billable_line", "quote_line"):
        p = pg.run(f"BEGIN; TRUNCATE {t} CASCADE; ROLLBACK;", check_ok=False)
        e = pg_error(p.stderr)
        check(e is not None and e["state"] == "23000", f"TRUNCATE {t} is not refused: {p.stderr.strip()}")
    check(pg.value("BEGIN; DELETE FROM note; SELECT count(*) FROM note_fts; ROLLBACK;") == "0",
          "note_fts rows stay after their note is deleted")
    # pom.last_id is the transaction's: none is left after COMMIT
    check(pg.value("BEGIN; INSERT INTO days_out (value, set_at, set_by) VALUES (1, 'a', 'b'); COMMIT; "
                   "SELECT coalesce(nullif(current_setting('pom.last_id', true), ''), 'none');") == "none",
          "pom.last_id outlives its transaction")
    # the name index serves `ORDER BY lower(name), id` without a sort
    plan = pg.value("SET enable_seqscan = off; EXPLAIN SELECT id, name FROM customer ORDER BY lower(name), id;")
    check("customer_name" in plan and "Sort" not in plan, f"customer list does not read the name index:\n{plan}")
    # the board's customers with several active pools are read from pool_customer alone (schema 21)
    plan = pg.value("SET enable_seqscan = off; EXPLAIN SELECT customer_id FROM pool WHERE active = 1 "
                    "GROUP BY customer_id HAVING count(*) > 1;")
    check("Index Only Scan using pool_customer" in plan, f"several pools are not counted from the index:\n{plan}")
    # lower() of a "C" text folds ASCII only, as SQLite's lower() and NOCASE do
    check(pg.value("SELECT lower('ÀÉÎ Straße ABC' COLLATE \"C\"), lower(name) FROM customer WHERE id = 1")
          == "ÀÉÎ straße abc\x1fada byron", "lower() folds more than ASCII")
    # full-text search as schema.h describes it, for `note search "pump gri*"`: every word, stemmed,
    # a prefix, ranked, with a snippet; and stop words are words too, as in FTS5
    q = "phraseto_tsquery('pom_english', 'pump') && to_tsquery('pom_english', quote_literal('gri') || ':*')"
    hits = pg.rows(f"""
        SELECT n.id, ts_headline('pom_english', n.text, q, 'StartSel=[, StopSel=], MaxWords=16,
               MinWords=8, ShortWord=0, MaxFragments=1, FragmentDelimiter=…')
          FROM note_fts f JOIN note n ON n.id = f.id, (SELECT {q}) AS x (q)
         WHERE f.tsv @@ q ORDER BY ts_rank_cd(f.tsv, q) DESC, n.id LIMIT 20""")
    check([h[0] for h in hits] == ["1"] and "[pumps]" in hits[0][1] and "[grinding]" in hits[0][1], f"note search: {hits}")
    stop = pg.rows("SELECT n.id FROM note_fts f JOIN note n ON n.id = f.id WHERE f.tsv @@ phraseto_tsquery('pom_english', 'the') ORDER BY n.id")
    check(stop == [["1"], ["2"]], f"a search for a stop word finds {stop}")


# ---------------------------------------------------------------------------------------------
# The emulated functions on corpora

def corpus_dates(rng: random.Random) -> list[str]:
    out = ["2026-11-23", "2026-02-29", "2026-02-30", "2026-02-31", "2026-02-32", "2026-00-10", "2026-13-01", "2026-12-00",
           "0000-01-01", "9999-12-31", "-0001-01-01", "-0000-01-01", "-4713-11-24", "-4713-11-25", "-4713-12-31", "-4714-01-01",
           "-4712-01-01", "2026-1-01", "2026-01-1", " 2026-01-01", "2026-01-01 ", "2026-01-01T", "2026-01-01T10:00",
           "2026-01-01 10:00:00Z", "2026/01/01", "20260101", "2026-01-01\n", "", "now", "2461000.5", "x", "２０２６-01-01"]
    alphabet = "0123456789-: TZ.+"
    for _ in range(1500):
        s = list(rng.choice(out[:20]))
        for _ in range(rng.randint(1, 2)):
            op = rng.random()
            pos = rng.randrange(len(s) + 1)
            if op < 0.4 and s:
                s[min(pos, len(s) - 1)] = rng.choice(alphabet)
            elif op < 0.7:
                s.insert(pos, rng.choice(alphabet))
            elif s:
                del s[min(pos, len(s) - 1)]
        out.append("".join(s))
    for _ in range(500):
        out.append(f"{rng.choice(['', '-'])}{rng.randint(0, 9999):04d}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}")
    return out


def corpus_times(rng: random.Random) -> list[str]:
    base = ["2026-11-23T07:00:00Z", "2026-11-23T07:00:00", "2026-11-23 07:00", "2026-11-23", "2026-11-23T07:00:00.5Z",
            "2026-11-23T07:00:00.9996", "2026-11-23T07:00:59.9999", "2026-11-23T24:00", "2026-11-23T25:00", "2026-11-23T07:60",
            "2026-11-23T07:00:60", "2026-11-23T07:00+05:30", "2026-11-23T07:00 -14:00", "2026-11-23T07:00+15:00",
            "2026-11-23T07:00+5:00", "2026-11-23T07:00 z ", "2026-11-23TT07:00", "2026-11-23 \t07:00", "2026-11-23T7:00",
            "2026-11-23T07:00:5", "2026-11-23T07:00:05.", "2026-11-23T07:00:05.x", "07:00", "07:00:30Z", "7:00", "24:00",
            "now", "NoW", " now", "2461000.5", "2461000", " 2461000.5 ", "+2461000", "-1", "0", "5373484.4", "5373484.5",
            "1e6", "1E+6", "1e", ".5", "5.", ".", "0x10", "2026-02-30T10:00", "9999-12-31T23:59:59", "9999-12-31T23:00-05:00",
            "0000-01-01T00:00+00:01", "-4713-11-25T00:00", "-4713-11-24T12:00", "1969-12-31T23:59:59.5", "2026-11-23T07:00:00.123456789Z",
            "2026-11-23T07:00Z junk", "", " ", "2026-11-23T07:00:00+00:00", "2026-11-23T07:00:00-00:30"]
    out = list(base)
    alphabet = "0123456789-: TZ.+e"
    for _ in range(2000):
        s = list(rng.choice(base[:24]))
        for _ in range(rng.randint(1, 2)):
            pos = rng.randrange(len(s) + 1)
            op = rng.random()
            if op < 0.4 and s:
                s[min(pos, len(s) - 1)] = rng.choice(alphabet)
            elif op < 0.7:
                s.insert(pos, rng.choice(alphabet))
            elif s:
                del s[min(pos, len(s) - 1)]
        out.append("".join(s))
    for _ in range(300):
        out.append(f"{rng.uniform(0, 5400000):.{rng.randint(0, 9)}f}")
    return out


def corpus_json(rng: random.Random) -> list[str]:
    base = ["", " ", "1", "-1", "01", "-01", "1.", ".5", "1.5", "1e5", "1E+5", "1e", "-0", "+1", "0x10", "NaN", "Infinity",
            "true", "TRUE", "false", "null", "nul", '"a"', "'a'", '"a', '"\\u0041"', '"\\u00zz"', '"\\ud800"', '"\\ud83d\\ude00"',
            '"\\x"', '"\\/"', '"tab\there"', '"nl\nhere"', '"\x01"', " [] ", "[]x", "[1,]", "[,1]", "[1 2]", "{}", '{"a":1}',
            '{"a":1,}', '{"a"}', '{a:1}', '{"a":1 "b":2}', '{"a":[1,{"b":null}]}', "[" * 50 + "]" * 50, "\n[1]\r\n", "\f[1]",
            "[1]\x00", '["é"]', "[1e400]", "[-]", "[--1]", "[1.e5]", "[.1]", "[1e+]", '["\\u0000"]', "[true, false, null]",
            '{"a":1,"a":2}', "[[]]]", "[[[]]", '"\\"', '"\\\\"']
    out = list(base)
    for _ in range(1500):
        s = list(rng.choice(base[39:]))
        for _ in range(rng.randint(1, 2)):
            pos = rng.randrange(len(s) + 1)
            c = rng.choice('[]{}:,"\\ 0123456789.eE+-tfnul\tx')
            if rng.random() < 0.5 and s:
                del s[min(pos, len(s) - 1)]
            else:
                s.insert(pos, c)
        out.append("".join(s))
    return [s for s in out if "\x00" not in s]


def compare_function(pg: Pg, lite: sqlite3.Connection, name: str, corpus: list[str], lite_expr: str, pg_expr: str) -> None:
    values = ",\n".join(f"({i}, {lit(s)})" for i, s in enumerate(corpus))
    pg_out = {int(r[0]): r[1] for r in pg.rows(f"SELECT i, {pg_expr} FROM (VALUES {values}) v (i, x) ORDER BY i")}
    bad = []
    for i, s in enumerate(corpus):
        want = normalize(lite.execute(f"SELECT {lite_expr}", {"x": s}).fetchone()[0])
        got = pg_out[i]
        if got in ("t", "f"):
            got = "1" if got == "t" else "0"
        if want != got:
            bad.append(f"{s!r}: SQLite {want!r}, PostgreSQL {got!r}")
    check(not bad, f"{name}: {len(bad)} of {len(corpus)} inputs differ:\n  " + "\n  ".join(bad[:20]))
    print(f"{name}: {len(corpus)} inputs compared")


def check_functions(pg: Pg, lite: sqlite3.Connection) -> None:
    rng = random.Random(14)
    compare_function(pg, lite, "date(x) IS x", corpus_dates(rng), "date(:x) IS :x", "coalesce(pom_is_date(x), false)")
    compare_function(pg, lite, "unixepoch(x)", [s for s in corpus_times(rng) if s.lower().strip() != "now"],
                     "unixepoch(:x)", "unixepoch(x)")
    compare_function(pg, lite, "json_valid(x)", corpus_json(rng), "json_valid(:x)", "pom_json_valid(x)")
    now = [r[0] for r in pg.rows("SELECT unixepoch('now') - extract(epoch FROM now())::bigint BETWEEN -1 AND 1, unixepoch() > 0")]
    check(now == ["t\x1ft"] or now == ["t"], f"unixepoch('now'): {now}")
    names = ["abc", "ABC", "abd", "Abc", "a_b", "a-b", "aZ", "az", "a[", "Zed", "zed", "émile", "Émile", "ß", "e", "E", "", " a", "A "]
    values = ",\n".join(f"({i}, {lit(n)})" for i, n in enumerate(names))
    lite_order = [r[0] for r in lite.execute(f"SELECT i FROM (SELECT column1 AS i, column2 AS n FROM (VALUES {values})) "
                                             "ORDER BY n COLLATE NOCASE, i")]
    pg_order = [int(r[0]) for r in pg.rows(f"SELECT i FROM (VALUES {values}) v (i, n) ORDER BY lower(n COLLATE \"C\"), i")]
    check(lite_order == pg_order, f"NOCASE order: SQLite {lite_order}, PostgreSQL {pg_order}")


# ---------------------------------------------------------------------------------------------
# A real database copied across

def copy_database(pg: Pg, path: Path) -> None:
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = [r[0] for r in src.execute("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                        "AND name NOT LIKE 'note_fts%'")]
    # parents before children; rows in id order put a row after the rows it refers to in its table
    deps = {t: {r[2] for r in src.execute(f"PRAGMA foreign_key_list({t})")} - {t} for t in tables}
    order: list[str] = []
    while len(order) < len(tables):
        for t in tables:
            if t not in order and deps[t] <= set(order):
                order.append(t)
    # The rows go in as they are: an issued invoice cannot be inserted (it is created as a draft,
    # then issued) and the number series is there already, so the row triggers are off for the
    # copy (ALTER TABLE ... DISABLE TRIGGER USER, which the owner may do). Every CHECK, NOT NULL,
    # UNIQUE and FOREIGN KEY still applies.
    script = ["BEGIN;"]
    script += [f"ALTER TABLE {t} DISABLE TRIGGER USER;" for t in order]
    script += ["DELETE FROM number_series;"]
    for t in order:
        cols = [r[1] for r in src.execute(f"PRAGMA table_info({t})")]
        buf = io.StringIO()
        key = "id" if "id" in cols else ", ".join(cols)
        for row in src.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY {key}"):
            # NULL is an empty field, text is quoted (an empty string too)
            buf.write(",".join("" if v is None else repr(v) if isinstance(v, float) else str(v) if isinstance(v, int)
                               else '"' + str(v).replace('"', '""') + '"' for v in row) + "\n")
        script.append(f"COPY {t} ({', '.join(cols)}) FROM STDIN WITH (FORMAT csv);")
        script.append(buf.getvalue() + "\\.")
    script += [f"ALTER TABLE {t} ENABLE TRIGGER USER;" for t in order]
    script += ["INSERT INTO note_fts (id, tsv) SELECT id, to_tsvector('pom_english', text) FROM note;", "COMMIT;"]
    p = pg.run("\n".join(script) + "\n", check_ok=False)
    check(p.returncode == 0, f"copy of {path}: {p.stderr.strip()}")
    if p.returncode != 0:
        return
    total = 0
    for t in order:
        info = list(src.execute(f"PRAGMA table_info({t})"))
        cols, types = [c[1] for c in info], [c[2] for c in info]
        key = "id" if "id" in cols else ", ".join(cols)
        lite_rows = [tuple(canon(v, ty) for v, ty in zip(r, types))
                     for r in src.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY {key}")]
        pg_rows = [tuple(canon(v, ty) for v, ty in zip(r, types))
                   for r in pg.csv(f"SELECT {', '.join(cols)} FROM {t} ORDER BY {key}")]
        check(lite_rows == pg_rows, f"copy of {path}: {t} reads back different rows")
        total += len(lite_rows)
    print(f"copy of {path}: {len(order)} tables, {total} rows fit and read back the same")
    # ids go on from the copied rows
    nxt = pg.value("BEGIN; INSERT INTO days_out (value, set_at, set_by) VALUES (1, 'a', 'b'); "
                   "SELECT current_setting('pom.last_id'); ROLLBACK;")
    want = (src.execute("SELECT coalesce(max(id), 0) + 1 FROM days_out").fetchone()[0])
    check(nxt == str(want), f"after the copy the next days_out id is {nxt}, not {want}")


# ---------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pom", default=os.environ.get("POM_BIN", str(ROOT / "build/cmd/pom")))
    ap.add_argument("--uri", help="a cluster's URI base (postgresql:///postgres?host=...); default: start one")
    ap.add_argument("--copy", action="append", default=[], type=Path, help="a SQLite database to copy into the schema")
    args = ap.parse_args()
    if not (PG_BIN / "initdb").exists() or not Path(args.pom).exists():
        print(f"skipped: no {PG_BIN}/initdb or no {args.pom}", file=sys.stderr)
        return 77
    work = Path(tempfile.mkdtemp(prefix="pom-pg-"))
    os.chmod(work, 0o755)
    cluster = work / "pg"
    made: list[str] = []
    admin = None
    try:
        base = args.uri
        if not base:
            base = subprocess.run([str(HERE / "cluster"), "start", str(cluster)], check=True, capture_output=True,
                                  text=True).stdout.strip()
        admin = Pg(base)
        db = f"schema_check_{os.getpid()}"
        admin.run(f"CREATE DATABASE {db};")
        made.append(db)
        pg = Pg(base.replace("/postgres?", f"/{db}?", 1))
        # as the engine will: one transaction, in a schema of the user's own
        pg.run("CREATE SCHEMA company; ALTER DATABASE " + db + " SET search_path = company;")
        pg.run("BEGIN;\n" + schema_sql() + "\nCOMMIT;\n")
        lite_path = work / "pom.db"
        subprocess.run([args.pom, "init", "--db", str(lite_path)], check=True, capture_output=True)
        lite = sqlite3.connect(str(lite_path), isolation_level=None)
        lite.execute("PRAGMA foreign_keys = ON")
        check_structure(pg, lite)
        outcomes = run_cases(pg, lite)
        print(f"{len(CASES)} cases compared: " + ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items())))
        check_pg_only(pg)
        check_functions(pg, lite)
        for i, path in enumerate(args.copy):
            target = f"copy_{os.getpid()}_{i}"
            admin.run(f"CREATE DATABASE {target};")
            made.append(target)
            copy = Pg(base.replace("/postgres?", f"/{target}?", 1))
            copy.run("BEGIN;\n" + schema_sql() + "\nCOMMIT;\n")
            copy_database(copy, path)
    finally:
        if args.uri and admin:
            for name in made:
                admin.run(f"DROP DATABASE IF EXISTS {name};", check_ok=False)
        if not args.uri:
            subprocess.run([str(HERE / "cluster"), "stop", str(cluster)], check=False)
        subprocess.run(["rm", "-rf", str(work)], check=False)
    if failures:
        print(f"{len(failures)} checks failed", file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
