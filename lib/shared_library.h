#pragma once
// A shared library pom loads while it runs, rather than links (libpq for PostgreSQL, pom serve's
// HTTP module): commands that do not need it do not pay for loading it at start.
#include <string>

namespace pom {

/// Loads `file` (a path, or a name the system's library path finds) for the life of the process,
/// its symbols kept out of pom's (RTLD_LOCAL); `lazy` binds its functions on first use. A file
/// that cannot be loaded is a Config error: "`what`: " and the loader's reason, which names it.
void* load_shared_library(const std::string& file, bool lazy, const std::string& what);

/// A function of a loaded library; a missing one is a Config error: "`what`: FILE has no NAME".
void* shared_library_function(void* library, const char* name, const std::string& file, const std::string& what);

}  // namespace pom
