// Windows-1252 for QuickBooks Desktop's IIF (lib/windows_1252.h).
#include "error.h"
#include "windows_1252.h"

#include <catch2/catch.hpp>

using namespace pom;

namespace {

std::string refusal(const std::string& text) {
    try {
        to_windows_1252(text, "INV-000001 (customer X)", "; hint");
    } catch (const Error& e) {
        return std::to_string(exit_code(e.kind())) + " " + e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("windows-1252 holds ASCII, Latin-1 and the typographic characters of 0x80-0x9F") {
    CHECK(to_windows_1252("Blue Wave Pools, Inc.\t", "x") == "Blue Wave Pools, Inc.\t");
    CHECK(to_windows_1252("Café Olé ñ ü ß ÿ", "x") == "Caf\xe9 Ol\xe9 \xf1 \xfc \xdf \xff");
    CHECK(to_windows_1252("\xc2\xa0", "x") == "\xa0");  // no-break space
    CHECK(to_windows_1252("€ “quoted” ‘a’ – — … ™ Œ š Ÿ", "x") ==
          "\x80 \x93quoted\x94 \x91" "a\x92 \x96 \x97 \x85 \x99 \x8c \x9a \x9f");
    CHECK(to_windows_1252("", "x").empty());
    for (char32_t c = 0; c < 0x80; ++c) CHECK(windows_1252_byte(c) == static_cast<int>(c));
    for (char32_t c : {0x81u, 0x8Du, 0x8Fu, 0x90u, 0x9Du}) CHECK(windows_1252_byte(c) == -1);  // C1 controls it has no byte for
    CHECK(windows_1252_byte(0x20AC) == 0x80);
}

TEST_CASE("a character windows-1252 cannot hold is refused, naming where and what") {
    CHECK(refusal("Łukasz") == "65 INV-000001 (customer X): 'Ł' (U+0141) has no windows-1252 form; hint");
    CHECK(refusal("Heater → repaired") == "65 INV-000001 (customer X): '→' (U+2192) has no windows-1252 form; hint");
    CHECK(refusal("pool 🏊") == "65 INV-000001 (customer X): '🏊' (U+1F3CA) has no windows-1252 form; hint");
    CHECK(refusal("日本") == "65 INV-000001 (customer X): '日' (U+65E5) has no windows-1252 form; hint");
    CHECK(refusal("abc\xc3") == "65 INV-000001 (customer X): the byte \\xC3 is not UTF-8 text and has no windows-1252 form; hint");
}
