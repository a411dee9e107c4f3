#pragma once
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace pom {

/// One step of the schema: SQL, or (rarely) a change SQL alone cannot say.
struct Migration {
    std::string sql;
    void (*apply)(SQLite::Database&) = nullptr;  ///< run after `sql`, in the same transaction
};

/// The schema, as numbered migrations: element i takes the database from user_version i to i+1.
/// Append only: a released migration is never edited.
const std::vector<Migration>& migrations();

/// `col IN ('a', 'b', 'c')` (three or more literals) rewritten as `(col = 'a' OR col = 'b' OR
/// col = 'c')`; other text unchanged. What migration 8 does to the CHECK constraints.
std::string in_lists_as_comparisons(const std::string& sql);

}  // namespace pom
