// Dates, days, instants and durations as people type them (lib/clock.h). Each parser sees the
// same text; each may refuse it with a pom::Error.
#include "clock.h"
#include "error.h"

#include <cstddef>
#include <cstdint>

namespace {

template <typename F>
void refused_or_parsed(F parse) {
    try {
        parse();
    } catch (const pom::Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    static const pom::TimeZone zone("America/New_York");  // a zone with daylight-saving gaps
    using namespace date;
    refused_or_parsed([&] { pom::format_date(pom::parse_date(text, "--date")); });
    refused_or_parsed([&] { pom::parse_day(text, 2026_y / March / 8, "--date"); });
    refused_or_parsed([&] { pom::format_instant(pom::parse_instant(text, zone, "--at")); });
    refused_or_parsed([&] { pom::parse_stored_instant(text); });
    refused_or_parsed([&] { pom::parse_duration(text, "--older-than"); });
    return 0;
}
