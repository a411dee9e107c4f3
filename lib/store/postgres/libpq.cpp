#include "store/postgres/libpq.h"

#include "shared_library.h"

#include <cstdlib>
#include <string>

namespace pom::pg {

namespace {

Libpq load() {
    const char* named = std::getenv("POM_LIBPQ");
    std::string file = named && *named ? named : "libpq.so.5";
    // RTLD_LOCAL: libpq's own dependencies (libcrypto among them) stay out of pom's symbol scope.
    // RTLD_LAZY: binding every function of libpq's 25 libraries up front was 15 M instructions,
    // more than a PostgreSQL `appt list` of 1,000 visits does besides; the few pom calls are bound
    // on first use, as a linked library's are.
    void* lib = load_shared_library(file, true, "PostgreSQL needs libpq (Debian's package libpq5)");
    Libpq api;
#define POM_LIBPQ_LOOKUP(name) \
    api.name = reinterpret_cast<decltype(&::name)>(shared_library_function(lib, #name, file, "PostgreSQL needs libpq 10 or newer"));
    POM_LIBPQ_FUNCTIONS(POM_LIBPQ_LOOKUP)
#undef POM_LIBPQ_LOOKUP
    return api;  // the library stays loaded for the life of the process
}

}  // namespace

const Libpq& pq() {
    static const Libpq api = load();
    return api;
}

}  // namespace pom::pg
