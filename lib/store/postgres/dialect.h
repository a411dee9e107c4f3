#pragma once
// pom's SQL (written once, in the dialect SQLite reads) as PostgreSQL reads it. The few forms
// the two engines spell differently are rewritten here, beside the engine, and nowhere else.
#include <string>
#include <vector>

namespace pom::pg {

struct Translated {
    std::string sql;                  ///< with $1, $2, … parameters
    std::vector<std::string> names;   ///< names[i] is parameter i+1's name (":x"), "" when numbered
    int parameters = 0;
    /// An INSERT given `RETURNING current_setting('pom.last_id', true)`: its rows are the ids
    /// the id trigger gave, read without a second round trip (SQLite's last_insert_rowid()).
    bool returns_last_id = false;
    /// The statement's kind, by its first word ("INSERT", "WITH", …, upper case).
    std::string verb;
    /// It may delete rows: it says DELETE somewhere, or it is not a SELECT, INSERT, UPDATE or
    /// WITH (DDL, TRUNCATE).
    bool may_delete = false;
    /// An INSERT's table, as written (lower case), and whether its column list names `id`.
    std::string table;
    bool explicit_id = false;
    /// An INSERT of one row (VALUES with one tuple, or a SELECT without FROM) whose id pom may
    /// give itself: the same statement with `id` first in its column list, taken as parameter
    /// `parameters + 1`, and `RETURNING id` (no row when ON CONFLICT DO NOTHING skipped it).
    /// Empty when the statement has another shape; the id trigger then gives the ids.
    /// An INSERT … RETURNING of one row keeps its own RETURNING here (returns_own_rows).
    std::string sql_with_id;
    /// sql_with_id numbering its row itself, `(SELECT coalesce(max(id), 0) + 1 FROM table)` in the
    /// parameter's place: the id the trigger would give, without the trigger (a PL/pgSQL function
    /// compiled, and its query planned, in each new connection: 1-2 ms of a first INSERT).
    std::string sql_numbered;
    /// An INSERT with a RETURNING of its own: its rows are the caller's.
    bool returns_own_rows = false;
};

/// Rewrites one statement:
/// - parameters `?`, `?N` and `:name` become `$N` (a name used twice is one parameter);
/// - `x = ? COLLATE NOCASE` compares lower() of both sides and `x COLLATE NOCASE` becomes
///   `lower(x)` (text columns are COLLATE "C", so lower() folds ASCII only, as NOCASE does);
/// - `LIKE` becomes `ILIKE` (SQLite's LIKE ignores ASCII case);
/// - `a IS ?` / `a IS NOT ?` become IS [NOT] DISTINCT FROM;
/// - `NOT INDEXED` goes; `CAST(x AS REAL)` is double precision;
/// - every ORDER BY term sorts NULLs as SQLite does: first when ascending, last when descending;
/// - an INSERT without RETURNING returns the ids it gave (returns_last_id); an INSERT of one row,
///   with or without a RETURNING of its own, has a second form that takes its id as a parameter
///   (sql_with_id) and a third that numbers the row itself (sql_numbered).
/// String literals, quoted identifiers and comments are left as they are.
Translated translate(const std::string& sql);

}  // namespace pom::pg
