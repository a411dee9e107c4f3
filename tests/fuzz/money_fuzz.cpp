// Amounts and quantities (lib/money.h). What parses must print back as the same value.
#include "error.h"
#include "money.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    for (bool negative : {false, true}) {
        try {
            pom::Cents cents = pom::parse_money(text, "--amount", negative);
            if (pom::parse_money(pom::format_money(cents), "--amount", true) != cents) std::abort();
        } catch (const pom::Error&) {
        }
        try {
            int64_t milli = pom::parse_milli(text, "--qty", negative);
            if (pom::parse_milli(pom::format_milli(milli), "--qty", true) != milli) std::abort();
            pom::line_amount(milli, 4550);
        } catch (const pom::Error&) {
        }
    }
    return 0;
}
