// The travel-time matrix of `pom route ... --matrix FILE`: any bytes are read whole or refused
// with a pom::Error; a matrix that is read answers every pair of its keys with 0 or more seconds.
#include "error.h"
#include "route_travel.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        auto m = pom::TravelMatrix::parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.csv");
        for (const auto& a : m.keys())
            for (const auto& b : m.keys())
                if (m.seconds(a, b) < 0) std::abort();
    } catch (const pom::Error&) {
    }
    return 0;
}
