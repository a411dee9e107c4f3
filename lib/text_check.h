#pragma once
// Text as it enters pom: the one check of every value from outside (command-line arguments, batch
// lines, CSV cells, config strings, files read as text), and the escapes that keep text already
// stored (by an older pom) from breaking an output or an error line.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pom {

/// The kinds of text pom takes in. Every kind must be valid UTF-8 without NUL or other control
/// characters (C0, DEL, C1); the kinds differ in whether lines may break and in their length.
enum class TextKind {
    Name,       ///< a name (customer, worker, company): one line, at most 200 characters
    Line,       ///< any other one-line value (a ref, an address, a rule, a path): at most 1,000 characters
    Note,       ///< prose (notes, summaries, descriptions, reasons): lines and tabs, at most 20,000 characters
    Document,   ///< a text file read whole (note add --file): lines and tabs, at most 1,000,000 characters
    CsvField,   ///< one cell of a CSV file: lines and tabs, at most 10,000 characters
    BatchLine,  ///< one line of a batch file: tabs, at most 1,000,000 characters
    Config,     ///< a string or key in pom.toml: lines and tabs, at most 10,000 characters
};

struct TextRule {
    const char* what;      ///< "a name", "a note", … for messages
    bool lines;            ///< a line break ("\n", or "\r\n") is allowed
    bool tabs;             ///< a tab is allowed
    std::size_t max_chars; ///< in characters (Unicode code points)
};

const TextRule& text_rule(TextKind kind);

/// Why `text` cannot be taken as `kind` ("is not valid UTF-8 (byte 4)", "holds a line break
/// (character 7); a name is one line", "is 250 characters long; a name is at most 200"), or empty.
std::string text_problem(std::string_view text, TextKind kind);

/// The text with ASCII letters lowered and every other byte as it is (no locale): for comparing
/// names, keywords and rules case-insensitively as SQLite's NOCASE does.
std::string ascii_lower(std::string text);
/// The order of SQLite's COLLATE NOCASE, without copying: ascii_lower(a) against ascii_lower(b)
/// byte by byte (unsigned), the shorter first on a tie; negative, zero or positive.
int nocase_compare(std::string_view a, std::string_view b);

/// Throws BadInput "<field>: <problem>" when text_problem finds one.
void check_text(std::string_view text, TextKind kind, const std::string& field);

/// What a number given as text must be.
enum class NumberKind {
    Integer,  ///< a whole number, optionally signed, within 64 bits
    Count,    ///< a whole number of 0 or more
    Decimal,  ///< a decimal number (1, -2.5, 1.5e3), finite, of magnitude at most 1e15
};

/// Checks the text of a number before anything converts it. Empty text is not zero and a number
/// the kind cannot take (out of range rather than clamped, 1.5 for a whole number) is BadInput; a
/// word, hex or a negative count is Usage. Messages start "<field>: ". Leading zeros are dropped
/// from `text` ("010" is ten, never octal).
void check_number_text(std::string& text, NumberKind kind, const std::string& field);

/// What makes stored text unfit for output, or empty: "is not valid UTF-8 (byte 4 is \xFF)" or
/// "holds a NUL byte (byte 4)". (What db check looks for in text an older pom stored.)
std::string encoding_problem(std::string_view text);

/// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool valid_utf8(std::string_view text);

/// `text` with each byte that is not part of well-formed UTF-8 replaced by U+FFFD.
std::string replace_invalid_utf8(std::string_view text);

/// `text` made fit for one line of an error message: control characters as \n, \r, \t or \xNN,
/// bytes that are not UTF-8 as \xNN; everything else as it is.
std::string escape_for_line(std::string_view text);

/// A unit of measure typed for a line ("visit", "hour", "sq ft", "bag"): trimmed, one line, at
/// most 20 characters, starting with a letter, no '|'. BadInput naming `what` otherwise.
std::string parse_unit(const std::string& text, const std::string& what);

/// A list of skills as pom keeps them: each trimmed, lower case, spaces as '-', letters, digits,
/// '-' and '_' only, each once, in the order given. BadInput naming `what` otherwise.
std::vector<std::string> parse_skills(const std::string& text, const std::string& what);

}  // namespace pom
