#pragma once
// The PostgreSQL engine's side of a bulk load (`db copy`): its catalog, its user triggers set
// aside table by table, and rows streamed with COPY.
#include "error.h"
#include "store/store.h"

#include "store/postgres/libpq.h"

namespace pom::pg {

/// PostgreSQL's error as pom's (pg_store.cpp).
Error error_of(const PGresult* result, PGconn* conn);

/// pom's tables in the current schema from the catalog: all but pom_meta (the schema version)
/// and note_fts (derived from note).
std::vector<TableInfo> catalog_tables(Store& store);

/// A loader that sets the table's user triggers aside (ALTER TABLE ... DISABLE TRIGGER USER,
/// which the table's owner may do: no superuser's session_replication_role) and its foreign keys
/// (dropped), empties it and streams the rows with COPY. The statements that put them back are
/// added to `restore`. A table is locked only when the copy reaches it.
std::unique_ptr<RowLoader> copy_loader(Store& store, PGconn* conn, const TableInfo& table, std::vector<std::string>& restore);

/// Runs the `restore` statements (triggers enabled, foreign keys added back, each checking the
/// whole table once) and fills note_fts from note, as its trigger would have.
void finish_bulk_load(Store& store, const std::vector<std::string>& restore);

}  // namespace pom::pg
