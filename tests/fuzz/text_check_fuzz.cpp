// The one check of text from outside (lib/text_check.h), for every kind of text and of number.
#include "error.h"
#include "text_check.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    using pom::TextKind;
    for (TextKind kind : {TextKind::Name, TextKind::Line, TextKind::Note, TextKind::Document,
                          TextKind::CsvField, TextKind::BatchLine, TextKind::Config})
        pom::text_problem(text, kind);
    using pom::NumberKind;
    for (NumberKind kind : {NumberKind::Integer, NumberKind::Count, NumberKind::Decimal}) {
        std::string number(text);
        try {
            pom::check_number_text(number, kind, "--n");
        } catch (const pom::Error&) {
        }
    }
    pom::encoding_problem(text);
    if (!pom::valid_utf8(pom::replace_invalid_utf8(text))) std::abort();
    pom::escape_for_line(text);
    return 0;
}
