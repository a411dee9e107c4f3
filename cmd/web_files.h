#pragma once
// The browser pages of `pom serve` (the files of web/), embedded in the binary at build time by
// cmake/embed_web.cmake.
#include <string_view>
#include <vector>

namespace pom::cli {

struct WebFile {
    std::string_view path;          ///< "/app.js": where pom serve serves it
    std::string_view content_type;  ///< "text/javascript; charset=utf-8"
    std::string_view body;
};

/// Every file of web/, in the order of its listing.
const std::vector<WebFile>& web_files();

}  // namespace pom::cli
