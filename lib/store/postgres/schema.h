#pragma once

#include <span>
#include <string_view>

namespace pom::pg {

/// The SQL script that makes pom's schema on PostgreSQL 15: SQLite's schema version 10 (every
/// table with its columns in the same order, CHECK, NOT NULL, UNIQUE, FOREIGN KEY with the same
/// actions, indexes, triggers), the functions that stand in for SQLite's, and `pom_meta` with
/// ('schema_version', '10') and ('application_id', 'POM1'). It creates everything in the first
/// schema of the search path and needs no extension. It neither begins nor commits: run it inside
/// the transaction that initializes the database. tests/pg/schema_check.py compares it with SQLite.
///
/// Ids. An INSERT without an id gets max(id) + 1 from a trigger, as in SQLite (no sequence: an id
/// of a rolled-back insert is given again). The last id inserted is `INSERT ... RETURNING id`, or,
/// as `last_insert_rowid()`, `SELECT current_setting('pom.last_id')::bigint` read before the
/// transaction ends (the setting is local to the transaction).
///
/// Errors, sorted as `translate_sqlite_error` sorts SQLite's extended codes:
///   23514 check_violation (SQLITE_CONSTRAINT_CHECK), 23502 not_null_violation (_NOTNULL), and
///         class 22 data_exception, such as 22P02 for text in a bigint (_DATATYPE)   -> BadInput
///   23503 foreign_key_violation (_FOREIGNKEY)                                      -> NotFound
///   23505 unique_violation (_UNIQUE, _PRIMARYKEY), and 23000
///         integrity_constraint_violation raised by the triggers for SQLite's
///         RAISE(ABORT, msg) (_TRIGGER), with msg as its message                    -> Conflict
/// SQLite's messages are "CHECK constraint failed: <the CHECK as SQLite's schema writes it>",
/// "NOT NULL constraint failed: <table>.<column>", "UNIQUE constraint failed: <table>.<column>,
/// ...", "FOREIGN KEY constraint failed", and the trigger's text. After the ROLLBACK,
/// `SELECT pom_error_message($1, $2, $3, $4, $5)` with libpq's PG_DIAG_SQLSTATE, _TABLE_NAME,
/// _COLUMN_NAME, _CONSTRAINT_NAME and _MESSAGE_PRIMARY returns the same text. Only a type error
/// keeps PostgreSQL's words: SQLite says "cannot store TEXT value in INTEGER column t.c" and
/// PostgreSQL does not report the column.
///
/// Note search. FTS5's note_fts is a table here: note_fts (id = note.id, tsv), filled by a trigger
/// with to_tsvector('pom_english', text), GIN-indexed; pom_english is the English Snowball stemmer
/// without stop words (FTS5's porter tokenizer has none). Each word of fts_query() is ANDed:
/// phraseto_tsquery('pom_english', word) for a word, to_tsquery('pom_english', quote_literal(word)
/// || ':*') for a prefix, joined with &&. Then:
///   SELECT n.id, ts_headline('pom_english', n.text, q, 'StartSel=[, StopSel=], MaxWords=16,
///          MinWords=8, ShortWord=0, MaxFragments=1, FragmentDelimiter=…')
///     FROM note_fts f JOIN note n ON n.id = f.id, (SELECT <tsquery>) AS x (q)
///    WHERE f.tsv @@ q [AND n.customer_id = $c] ORDER BY ts_rank_cd(f.tsv, q) DESC, n.id LIMIT $n
/// Ranks, snippets, stems and accents (FTS5 folds é to e) are close to FTS5's, not equal.
///
/// SQLite's functions in pom's SQL that exist here too: unixepoch(text) and unixepoch(), scalar
/// max(a, b) and min(a, b) (NULL if either is), iif(cond, a, b) with a boolean or a 0/1 condition.
/// What SQL must say differently on PostgreSQL: `x COLLATE NOCASE` is lower(x) (the index
/// customer_name is on (lower(name), id)); a parameter compared with it is lower($1 COLLATE "C"),
/// or a database whose locale is not C folds more than ASCII; LIKE is ILIKE with COLLATE "C";
/// `a IS b` is `a IS NOT DISTINCT FROM b`; a 0/1 column as a condition is `col <> 0`; sum() of
/// integers is numeric.
const char* schema_sql();

/// SQLite's migration 11 on PostgreSQL, run after schema_sql() (in the same transaction when a
/// database is made, or alone on a database of version 10): worker.role takes 'accountant', the
/// tables api_token and api_answer, and pom_assign_id again with a static query for each. It
/// leaves pom_meta's schema_version to the engine, which sets it after the last step.
const char* schema_v11_sql();

/// SQLite's migration 12 on PostgreSQL: the table login_code (`pom worker login-link`), and
/// pom_assign_id again with a static query for it.
const char* schema_v12_sql();

/// SQLite's migration 13 on PostgreSQL: a worker's start and end location and working hours, and
/// appointment.pinned.
const char* schema_v13_sql();

/// SQLite's migration 15 on PostgreSQL: one payment model (payment_application, refund, write_off),
/// payment exports (export_batch.content, export_batch_entry), and pom_assign_id again.
const char* schema_v15_sql();

/// SQLite's migration 14 on PostgreSQL: billing_plan.visits, billable_line.appointment_id, and
/// negative amounts on adjustment (discount) lines of invoice_line.
const char* schema_v14_sql();

/// SQLite's migration 16 on PostgreSQL: worker.skills and capacity_milli, appointment.load_milli,
/// customer.preferred_day.
const char* schema_v16_sql();

/// SQLite's migration 17 on PostgreSQL: closed_day, series.on_closed, billable_line.unit and
/// invoice_line.unit, and pom_assign_id again.
const char* schema_v17_sql();
/// SQLite's migration 18 on PostgreSQL: quote_line.unit.
const char* schema_v18_sql();
/// SQLite's migration 19 on PostgreSQL: each table's id trigger only for a row without an id.
const char* schema_v19_sql();
/// SQLite's migration 20 on PostgreSQL: lines added to an issued invoice refused per statement.
const char* schema_v20_sql();
/// SQLite's migration 21 on PostgreSQL: pool_customer on (customer_id, active).
const char* schema_v21_sql();

/// The tables whose new rows get max(id) + 1 at the latest schema version (each with the
/// pom_assign_id trigger: every table with an integer primary key `id`), sorted. pom numbers their
/// rows itself inside a write transaction; knowing them costs no catalog query (1.6 ms on a new
/// connection). unit_pg compares the list with the catalog of a database pom has just made.
std::span<const std::string_view> numbered_tables();

}  // namespace pom::pg
