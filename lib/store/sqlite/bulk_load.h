#pragma once
// The SQLite engine's side of a bulk load (`db copy`): its catalog, and its triggers set aside.
#include "store/store.h"

namespace pom::sqlite {

/// pom's tables from the catalog: ordinary tables only (no FTS5 table, none of its shadow tables,
/// no sqlite_* table).
std::vector<TableInfo> catalog_tables(Store& store);

/// Drops every trigger (SQLite cannot disable one) and defers foreign-key checks to the commit;
/// returns the triggers' SQL for restore_triggers. Inside the write transaction, so a rollback
/// brings them back.
std::vector<std::string> set_triggers_aside(Store& store);

/// Creates the triggers again and rebuilds every FTS5 index from its content table.
void restore_triggers(Store& store, const std::vector<std::string>& triggers);

}  // namespace pom::sqlite
