// The CSV reader of customer import: any bytes are read to the end or refused with a pom::Error.
#include "csv.h"
#include "error.h"

#include <cstddef>
#include <cstdint>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    pom::CsvReader reader(in, "fuzz.csv");
    std::vector<std::string> fields;
    try {
        while (reader.next(fields)) {
        }
    } catch (const pom::Error&) {
    }
    return 0;
}
