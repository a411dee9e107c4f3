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

DatabaseStats database_stats(Store& store);

}  // namespace pom
