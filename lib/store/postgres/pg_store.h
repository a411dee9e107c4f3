#pragma once
// The PostgreSQL engine: a database (and schema) named by a libpq connection URI, shared by every
// desk and by pom serve.
#include "store/store.h"

namespace pom::pg {

/// True for a location that names a PostgreSQL database (postgresql://… or postgres://…).
bool is_uri(const std::string& location);
/// The URI as it may be shown: no password, in the user part or as a parameter.
std::string display_uri(const std::string& uri);

std::unique_ptr<Store> open(const std::string& uri, const Store::OpenOptions& options);
/// The newest schema version of the PostgreSQL migrations (the same numbers as SQLite's).
int latest_schema_version();

}  // namespace pom::pg
