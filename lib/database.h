#pragma once
#include "audit.h"

#include <string>
#include <vector>

namespace pom {

/// integrity_check and foreign_key_check; an empty list means the database is sound.
std::vector<std::string> check_database(Store& store);

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
