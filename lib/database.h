#pragma once
#include "audit.h"
#include "store/copy.h"

#include <string>
#include <vector>

namespace pom {

/// integrity_check and foreign_key_check; an empty list means the database is sound.
std::vector<std::string> check_database(Store& store);

/// Writes a consistent copy of the open database to `dest` (VACUUM INTO, never a file copy).
/// Refuses to overwrite an existing file.
void backup_database(Store& store, const std::string& dest);

DatabaseStats database_stats(Store& store);

/// What `pom db copy` did.
struct CompanyCopy {
    std::string from, to;          ///< the two databases as shown (never a password)
    std::vector<TableCopy> tables;  ///< every table, in the order it was copied
    bool written = false;          ///< committed: every table has the same rows in both
    int64_t photos = 0;            ///< photo files the photo rows refer to
    int64_t photos_copied = 0;     ///< of them, copied into the target's photos folder
    int64_t photos_missing = 0;    ///< of them, found in neither photos folder
    std::string photo_dir;         ///< where the target's photo files are
    bool photo_files_moved = false;  ///< the target is a file: its photos folder is beside it
};

/// Copies the whole company of `source` into the database at `to` (a SQLite file or a PostgreSQL
/// URI; made when missing, and refused unless it is empty) in one transaction on the target:
/// interrupted, the target is left empty. Every table is checked (rows and checksum) before the
/// commit; a difference rolls it all back. The photo files go to the photos folder beside a
/// target file; a target that is not a file keeps none, and `photo_dir` says where they stay.
/// With `dry_run`, only the source is read (rows and checksums) and nothing is opened at `to`.
CompanyCopy copy_company(Store& source, const std::string& to, bool dry_run);

}  // namespace pom
