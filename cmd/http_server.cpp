#include "http_server.h"

#include "error.h"
#include "shared_library.h"

#include <filesystem>
#include <strings.h>

namespace pom::http {

std::string Request::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), name.size()) == 0) return v;
    return {};
}

namespace {

/// pom-http.so beside the running pom (a build tree), else in ../lib/pom (an installed one).
pom_http_server_fn load() {
    std::error_code ec;
    std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    std::vector<std::filesystem::path> places;
    if (!ec) places = {self.parent_path() / "pom-http.so", self.parent_path().parent_path() / "lib" / "pom" / "pom-http.so"};
    std::string tried;
    for (const auto& place : places) {
        if (!std::filesystem::exists(place, ec)) {
            tried += (tried.empty() ? "" : ", ") + place.string();
            continue;
        }
        // Bound at once: a module that does not fit this pom is refused at start, not mid-request.
        void* module = load_shared_library(place.string(), false, "pom serve cannot load its HTTP module");
        return reinterpret_cast<pom_http_server_fn>(
            shared_library_function(module, "pom_http_server", place.string(), "pom serve: not pom's HTTP module"));
    }
    fail(ErrorKind::Config, "pom serve needs its HTTP module, pom-http.so, beside pom or in ../lib/pom; not found at " +
                                (tried.empty() ? std::string("/proc/self/exe unreadable") : tried));
}

}  // namespace

std::unique_ptr<Server> make_server(const Options& options, Handler& handler) {
    static const pom_http_server_fn make = load();
    return std::unique_ptr<Server>(make(&options, &handler));
}

}  // namespace pom::http
