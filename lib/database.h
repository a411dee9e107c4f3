#pragma once
#include "audit.h"

#include <optional>
#include <string>
#include <vector>

namespace pom {

/// The engine's integrity and reference checks and every text value read for what an older pom
/// may have stored unchecked (not UTF-8, a NUL byte): an empty list means the database is sound.
std::vector<DatabaseProblem> check_database(Store& store);

/// Writes a consistent copy of the open database to `dest` (VACUUM INTO, never a file copy).
/// Refuses to overwrite an existing file.
void backup_database(Store& store, const std::string& dest);

DatabaseStats database_stats(Store& store);

}  // namespace pom
