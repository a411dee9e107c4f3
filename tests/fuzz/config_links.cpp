// config.cpp names two functions of the store (lib/store/), whose sources would bring SQLite,
// libpq and every domain file into the fuzz build. The fuzz targets link these instead.
#include "store/postgres/pg_store.h"
#include "store/store.h"

#include <cstdlib>

namespace pom {

// The same test as lib/store/postgres/pg_store.cpp: load_config_file keeps a PostgreSQL URI as
// written instead of resolving it as a path.
bool pg::is_uri(const std::string& location) {
    return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

// Only config_to_json calls it, and no fuzz target does.
std::string Store::display(const std::string&) { std::abort(); }

}  // namespace pom
