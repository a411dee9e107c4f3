#pragma once
// The SQLite engine: one file in WAL mode with foreign keys on, or an in-memory database for tests.
#include "store/store.h"

namespace pom::sqlite {

std::unique_ptr<Store> open(const std::string& path, const Store::OpenOptions& options);
std::unique_ptr<Store> open_memory();
/// The newest schema version of the SQLite migrations.
int latest_schema_version();

}  // namespace pom::sqlite
