#pragma once
#include "audit.h"
#include "store/copy.h"

#include <optional>
#include <string>
#include <vector>

namespace pom {

/// The engine's integrity and reference checks and every text value read for what an older pom
/// may have stored unchecked (not UTF-8, a NUL byte): an empty list means the database is sound.
std::vector<DatabaseProblem> check_database(Store& store);

/// Writes a consistent copy of the open database to `dest` (VACUUM INTO, never a file copy).
/// With `replace`, an existing `dest` (a file) is replaced; else it is refused (Conflict). The copy is
/// made under a temporary name beside `dest` and renamed into place: `dest` is never half-written.
void backup_database(Store& store, const std::string& dest, bool replace = false);

DatabaseStats database_stats(Store& store);

/// What `pom db copy` did.
struct CompanyCopy {
    std::string from, to;          ///< the two databases as shown (never a password)
    std::vector<TableCopy> tables;  ///< every table, in the order it was copied
    bool written = false;          ///< committed: every table has the same rows in both
    int64_t photos = 0;            ///< photo files the photo rows refer to
    int64_t photos_copied = 0;     ///< of them, copied into the target's photos folder
    int64_t photos_missing = 0;    ///< of them, found in neither photos folder
    std::string photo_dir;         ///< the target's photos folder
    std::string source_photo_dir;  ///< the source's
};

/// Copies the whole company of `source` into the database at `to` (a SQLite file or a PostgreSQL
/// URI; made when missing, and refused unless it is empty) in one transaction on the target:
/// interrupted, the target is left empty. Every table is checked (rows and checksum) before the
/// commit; a difference rolls it all back. The photo files the rows refer to are copied from the
/// source's photos folder into the target's (Store::photo_dir), before the commit.
/// With `dry_run`, only the source is read (rows and checksums) and nothing is opened at `to`.
CompanyCopy copy_company(Store& source, const std::string& to, bool dry_run);

}  // namespace pom
