// Recurrence rules as typed after --repeat: an RRULE or a friendly form. A rule that parses is
// also expanded (a bounded number of dates), as appt add does right after.
#include "error.h"
#include "recurrence.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    pom::friendly_rrule(text);
    try {
        auto rule = pom::Recurrence::parse(text);
        using namespace date;
        pom::Date start = 2026_y / March / 29;
        rule.dates(start, start, 2027_y / March / 29, 20);
        rule.times(local_days{start} + std::chrono::hours{9}, local_days{start},
                   local_days{2026_y / December / 31}, 20);
    } catch (const pom::Error&) {
    }
    return 0;
}
