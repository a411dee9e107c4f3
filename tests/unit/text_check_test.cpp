// Text as it enters pom (lib/text_check.h).
#include "error.h"
#include "text_check.h"

#include <catch2/catch.hpp>

using namespace pom;

namespace {

std::string number_error(std::string text, NumberKind kind) {
    try {
        check_number_text(text, kind, "--n");
    } catch (const Error& e) {
        return std::to_string(exit_code(e.kind())) + " " + e.what();
    }
    return "";
}

std::string number(std::string text, NumberKind kind) {
    check_number_text(text, kind, "--n");
    return text;
}

}  // namespace

TEST_CASE("UTF-8 is well-formed or refused") {
    CHECK(valid_utf8(""));
    CHECK(valid_utf8("Zoë Señor 日本 🏊"));
    CHECK_FALSE(valid_utf8("\xff"));
    CHECK_FALSE(valid_utf8("caf\xe9"));              // Latin-1
    CHECK_FALSE(valid_utf8("\xc0\xaf"));             // overlong '/'
    CHECK_FALSE(valid_utf8("\xe0\x80\xaf"));         // overlong, three bytes
    CHECK_FALSE(valid_utf8("\xed\xa0\x80"));         // a surrogate
    CHECK_FALSE(valid_utf8("\xf4\x90\x80\x80"));     // past U+10FFFF
    CHECK_FALSE(valid_utf8("\xe6\x97"));             // cut short
    CHECK(replace_invalid_utf8("a\xffz\xe6\x97") == "a\xEF\xBF\xBDz\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(replace_invalid_utf8("Zoë") == "Zoë");
}

TEST_CASE("stored text is fit for output when it is UTF-8 without NUL") {
    CHECK(encoding_problem("Zoë\n\tfine").empty());
    CHECK(encoding_problem("An\xffn") == "is not valid UTF-8 (byte 3 is \\xFF)");
    CHECK(encoding_problem(std::string("no\0tes", 6)) == "holds a NUL byte (byte 3)");
}

TEST_CASE("each kind of field has its rules") {
    CHECK(text_problem("Ann O'Brien", TextKind::Name).empty());
    CHECK(text_problem("line 1\nline 2\r\n\tindented", TextKind::Note).empty());
    CHECK(text_problem("a\nb", TextKind::Name) == "holds a line break (character 2), where one line is expected");
    CHECK(text_problem("a\tb", TextKind::Line) == "holds a tab (character 2), where none is allowed");
    CHECK(text_problem("[\"a\",\t\"b\"]", TextKind::BatchLine).empty());
    CHECK(text_problem("a\rb", TextKind::Note) == "holds the control character U+000D (character 2)");  // CR only before LF
    CHECK(text_problem(std::string("a\0b", 3), TextKind::Note) == "holds a NUL byte (character 2)");
    CHECK(text_problem("a\x7f", TextKind::Note) == "holds the control character U+007F (character 2)");
    CHECK(text_problem("a\xc2\x85", TextKind::Note) == "holds the control character U+0085 (character 2)");  // C1
    CHECK(text_problem("ok \xff", TextKind::Note) == "is not valid UTF-8 (byte 4 is \\xFF)");
    // Lengths count characters, not bytes.
    CHECK(text_problem(std::string(200, 'x'), TextKind::Name).empty());
    std::string e200;
    for (int i = 0; i < 200; ++i) e200 += "é";
    CHECK(text_problem(e200, TextKind::Name).empty());
    CHECK(text_problem(e200 + "é", TextKind::Name) == "is 201 characters long, over the 200 allowed for a name");
    CHECK(text_problem(std::string(1001, 'x'), TextKind::Line) == "is 1001 characters long, over the 1000 allowed for a one-line value");
    CHECK(text_problem(std::string(20001, 'x'), TextKind::Note) == "is 20001 characters long, over the 20000 allowed for a note");
    CHECK_THROWS_WITH(check_text("a\nb", TextKind::Name, "--name"), "--name: holds a line break (character 2), where one line is expected");
}

TEST_CASE("an error line shows what it quotes without breaking the line") {
    CHECK(escape_for_line("every\nday\tat\r9") == "every\\nday\\tat\\r9");
    CHECK(escape_for_line(std::string("a\0b\x1b", 4)) == "a\\x00b\\x1B");
    CHECK(escape_for_line("Zoë \xff") == "Zoë \\xFF");
    CHECK(escape_for_line("a\xc2\x85") == "a\\u0085");
}

TEST_CASE("numbers are checked as text before they are converted") {
    CHECK(number("42", NumberKind::Integer) == "42");
    CHECK(number("-7", NumberKind::Integer) == "-7");
    CHECK(number("010", NumberKind::Integer) == "10");  // never octal
    CHECK(number("000", NumberKind::Count) == "0");
    CHECK(number("+007", NumberKind::Integer) == "+7");
    CHECK(number("7.25", NumberKind::Decimal) == "7.25");
    CHECK(number("-.5", NumberKind::Decimal) == "-.5");
    CHECK(number("1.5e3", NumberKind::Decimal) == "1.5e3");
    // Empty is not zero, and a number the option cannot take is an invalid value (65) …
    CHECK(number_error("", NumberKind::Decimal) == "65 --n: empty, not a number");
    CHECK(number_error("", NumberKind::Integer) == "65 --n: empty, not a number");
    CHECK(number_error("1e20", NumberKind::Integer) == "65 --n: '1e20' is out of range");
    CHECK(number_error("1.5", NumberKind::Integer) == "65 --n: '1.5' is not a whole number");
    CHECK(number_error("99999999999999999999", NumberKind::Integer) == "65 --n: '99999999999999999999' is out of range");
    CHECK(number_error("1e20", NumberKind::Decimal) == "65 --n: '1e20' is out of range");
    CHECK(number_error("1e400", NumberKind::Decimal) == "65 --n: '1e400' is out of range");
    // … while a word where a number goes is a usage error, as it always was.
    CHECK(number_error("abc", NumberKind::Integer) == "64 --n: 'abc' is not a whole number");
    CHECK(number_error("0x10", NumberKind::Integer) == "64 --n: '0x10' is not a whole number");
    CHECK(number_error("-1", NumberKind::Count) == "64 --n: '-1' is not a whole number of 0 or more");
    CHECK(number_error("nan", NumberKind::Decimal) == "64 --n: 'nan' is not a number");
    CHECK(number_error("inf", NumberKind::Decimal) == "64 --n: 'inf' is not a number");
    CHECK(number_error("1e", NumberKind::Decimal) == "64 --n: '1e' is not a number");
    CHECK(number_error(".", NumberKind::Decimal) == "64 --n: '.' is not a number");
    CHECK(number_error("7,5", NumberKind::Decimal) == "64 --n: '7,5' is not a number");
}
