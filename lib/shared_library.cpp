#include "shared_library.h"

#include "error.h"

#include <dlfcn.h>

namespace pom {

void* load_shared_library(const std::string& file, bool lazy, const std::string& what) {
    void* library = ::dlopen(file.c_str(), (lazy ? RTLD_LAZY : RTLD_NOW) | RTLD_LOCAL);
    if (!library) {
        // dlerror names the file: "libpq.so.5: cannot open shared object file: No such file or directory"
        const char* why = ::dlerror();
        fail(ErrorKind::Config, what + ": " + (why ? std::string(why) : "cannot load " + file));
    }
    return library;
}

void* shared_library_function(void* library, const char* name, const std::string& file, const std::string& what) {
    void* f = ::dlsym(library, name);
    if (!f) fail(ErrorKind::Config, what + ": " + file + " has no " + name);
    return f;
}

}  // namespace pom
