// One line of `pom batch` as cmd/batch.cpp reads it: the text check, then a JSON array of
// strings. A JSON parse or type error is a refusal there too (the line fails as usage).
#include "error.h"
#include "json.h"
#include "text_check.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view line(reinterpret_cast<const char*>(data), size);
    if (!pom::text_problem(line, pom::TextKind::BatchLine).empty()) return 0;
    try {
        pom::Json parsed = pom::Json::parse(line);
        if (!parsed.is_array() || parsed.empty()) return 0;
        std::vector<std::string> args;
        for (const auto& a : parsed) {
            if (!a.is_string()) return 0;
            args.push_back(a.get<std::string>());
        }
    } catch (const nlohmann::json::exception&) {
    }
    return 0;
}
