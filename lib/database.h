#pragma once
#include "audit.h"

#include <optional>
#include <string>
#include <vector>

namespace pom {

/// One thing `db check` found wrong.
struct DatabaseProblem {
    std::string check;           ///< "integrity", "foreign key" or "text"
    std::string table;           ///< empty when SQLite's integrity check names none
    std::optional<int64_t> row;  ///< the rowid (a table's id)
    std::string column;          ///< for "text": the column holding it
    std::string detail;          ///< one line
    /// The problem on one line: "foreign key: pool row 2 refers to a missing customer".
    std::string summary() const;
};

/// integrity_check, foreign_key_check, and every TEXT value read for what an older pom may have
/// stored unchecked (not UTF-8, a NUL byte): an empty list means the database is sound.
std::vector<DatabaseProblem> check_database(Store& store);

/// Writes a consistent copy of the open database to `dest` (VACUUM INTO, never a file copy).
/// Refuses to overwrite an existing file.
void backup_database(Store& store, const std::string& dest);

struct TableStat {
    std::string table;
    int64_t rows = 0;
};

struct DatabaseStats {
    std::string path;
    int schema_version = 0;
    int64_t page_size = 0;
    int64_t page_count = 0;
    int64_t freelist_count = 0;
    std::string journal_mode;
    std::vector<TableStat> tables;
};

DatabaseStats database_stats(Store& store);

}  // namespace pom
