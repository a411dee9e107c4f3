#pragma once
// A whole company moved from one store to another, whatever engine holds each (`pom db copy`, and
// `pom db backup` where the engine cannot copy its own file). Only the Store interface is used:
// what an engine must do its own way is a hook of Store (tables, begin_bulk_load, end_bulk_load,
// row_loader).
#include "store/store.h"

#include <optional>

namespace pom {

/// A table's rows and their content checksum.
///
/// The checksum is SHA-256 over a text both engines render alike: the table's name and columns
/// (`name(a,b,c)` and a newline), then every row in primary-key order, each value written as `N`
/// for NULL, `I<decimal digits>;` for an integer, `R<the shortest decimal that reads back as the
/// same double>;` for a real, `T<byte length>:<bytes>` for text, and a newline after each row.
struct TableDigest {
    int64_t rows = 0;
    std::string sha256;
    bool operator==(const TableDigest&) const = default;
};

/// Reads a table in primary-key order and checksums it (see TableDigest). Pages of rows by key,
/// so that no engine holds more than a page in memory.
TableDigest digest_table(Store& store, const TableInfo& table);

/// pom's tables in the order a copy loads them: each after the tables its foreign keys name, ties
/// by name, so that both engines give the same order for the same schema.
std::vector<TableInfo> tables_in_load_order(Store& store);

/// One table of a copy, on both sides.
struct TableCopy {
    std::string table;
    TableDigest source;
    std::optional<TableDigest> target;  ///< none when nothing was written (a dry run)
    bool same() const { return target && *target == source; }
};

/// Copies every row of `source` (one snapshot of it) into `target`, which must be inside its write
/// transaction and hold no row a new database would not (else Conflict, and nothing is written).
/// Both must be at the same schema version. Ids, numbers and every column are kept as they are; the
/// derived tables are rebuilt by the target's engine. Then each table of the target is read back
/// and checksummed; the caller commits only when every table is the same.
std::vector<TableCopy> copy_rows(Store& source, Store& target);

/// The source's side of a copy only: rows and checksums, nothing written anywhere (a dry run).
std::vector<TableCopy> survey_rows(Store& source);

/// Copies `source` into a new SQLite file `dest` (which must not exist) and checks the copy, all
/// or nothing: a failed copy removes the file. `db backup` on an engine that has no file to copy.
void backup_by_copy(Store& source, const std::string& dest);

}  // namespace pom
