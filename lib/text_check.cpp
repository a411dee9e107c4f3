#include "text_check.h"

#include <cctype>

#include <algorithm>

#include "error.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace pom {

namespace {

/// The length of the well-formed UTF-8 sequence at `i` with its code point, or 0 when the byte
/// there does not start one (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    unsigned char c = b(0);
    if (c < 0x80) {
        cp = c;
        return 1;
    }
    std::size_t n;
    char32_t min;
    if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07, min = 0x10000;
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(k) & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (b(k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

std::string hex_byte(unsigned char c) {
    static const char* digits = "0123456789ABCDEF";
    return std::string("\\x") + digits[c >> 4] + digits[c & 15];
}

std::string code_point(char32_t cp) {
    static const char* digits = "0123456789ABCDEF";
    std::string s = "U+";
    for (int shift = 12; shift >= 0; shift -= 4) s += digits[(cp >> shift) & 15];
    return s;
}

}  // namespace

const TextRule& text_rule(TextKind kind) {
    static const TextRule rules[] = {
        {"a name", false, false, 200},        {"a one-line value", false, false, 1000}, {"a note", true, true, 20000},
        {"a text file", true, true, 1000000}, {"a CSV field", true, true, 10000},       {"a batch line", false, true, 1000000},
        {"a config string", true, true, 10000},
    };
    return rules[static_cast<int>(kind)];
}

bool valid_utf8(std::string_view text) {
    char32_t cp;
    for (std::size_t i = 0; i < text.size();) {
        // ASCII runs are most text (every output passes here): eight bytes at a time.
        if (uint64_t word; i + 8 <= text.size() && (std::memcpy(&word, text.data() + i, 8), (word & 0x8080808080808080u) == 0)) {
            i += 8;
            continue;
        }
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        std::size_t n = decode(text, i, cp);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string encoding_problem(std::string_view text) {
    char32_t cp;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = decode(text, i, cp);
        if (n == 0) return "is not valid UTF-8 (byte " + std::to_string(i + 1) + " is " + hex_byte(static_cast<unsigned char>(text[i])) + ")";
        if (cp == 0) return "holds a NUL byte (byte " + std::to_string(i + 1) + ")";
        i += n;
    }
    return "";
}

std::string text_problem(std::string_view text, TextKind kind) {
    const TextRule& rule = text_rule(kind);
    std::size_t chars = 0;
    char32_t cp = 0;
    for (std::size_t i = 0; i < text.size(); ++chars) {
        std::size_t n = decode(text, i, cp);
        if (n == 0) return "is not valid UTF-8 (byte " + std::to_string(i + 1) + " is " + hex_byte(static_cast<unsigned char>(text[i])) + ")";
        std::string at = " (character " + std::to_string(chars + 1) + ")";
        if (cp == '\n' || (cp == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
            if (!rule.lines) return "holds a line break" + at + ", where one line is expected";
        } else if (cp == '\t') {
            if (!rule.tabs) return "holds a tab" + at + ", where none is allowed";
        } else if (cp == 0) {
            return "holds a NUL byte" + at;
        } else if (is_control(cp)) {
            return "holds the control character " + code_point(cp) + at;
        }
        i += n;
    }
    if (chars > rule.max_chars)
        return "is " + std::to_string(chars) + " characters long, over the " + std::to_string(rule.max_chars) + " allowed for " + rule.what;
    return "";
}

void check_text(std::string_view text, TextKind kind, const std::string& field) {
    if (std::string problem = text_problem(text, kind); !problem.empty()) fail(ErrorKind::BadInput, field + ": " + problem);
}

namespace {

/// The length of the decimal number at the start of `text` ([+-]digits[.digits][e[+-]digits], at
/// least one digit before the exponent), or 0.
std::size_t decimal_length(std::string_view text, bool& whole) {
    auto digits_from = [&](std::size_t at) {
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
        return at;
    };
    std::size_t i = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
    std::size_t end = digits_from(i);
    bool any = end > i;
    whole = true;
    if (end < text.size() && text[end] == '.') {
        std::size_t frac = digits_from(end + 1);
        any = any || frac > end + 1;
        end = frac;
        whole = false;
    }
    if (!any) return 0;
    if (end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
        std::size_t at = end + 1 < text.size() && (text[end + 1] == '-' || text[end + 1] == '+') ? end + 2 : end + 1;
        std::size_t exp = digits_from(at);
        if (exp == at) return 0;
        end = exp;
        whole = false;
    }
    return end;
}

}  // namespace

void check_number_text(std::string& text, NumberKind kind, const std::string& field) {
    std::string quoted = "'" + escape_for_line(text) + "'";
    if (text.empty()) fail(ErrorKind::BadInput, field + ": empty, not a number");
    bool whole = false;
    bool is_number = decimal_length(text, whole) == text.size();
    const char* wanted = kind == NumberKind::Decimal ? " is not a number"
                         : kind == NumberKind::Count ? " is not a whole number of 0 or more"
                                                     : " is not a whole number";
    // A word where a number goes is a usage error, as CLI11 has it; a number the option cannot
    // take is an invalid value.
    if (!is_number || (kind == NumberKind::Count && text[0] == '-' && text.find_first_not_of("-0") != std::string::npos))
        fail(ErrorKind::Usage, field + ": " + quoted + wanted);
    const char* from = text.data() + (text[0] == '+' ? 1 : 0);
    const char* end = text.data() + text.size();
    if (kind == NumberKind::Decimal || !whole) {
        double v = 0;
        auto r = std::from_chars(from, end, v);
        if (r.ec != std::errc() || !std::isfinite(v) || std::fabs(v) > (kind == NumberKind::Decimal ? 1e15 : 9.2e18))
            fail(ErrorKind::BadInput, field + ": " + quoted + " is out of range");
        if (kind != NumberKind::Decimal) fail(ErrorKind::BadInput, field + ": " + quoted + wanted);
        return;
    }
    int64_t v = 0;
    auto r = std::from_chars(from, end, v);
    if (r.ec != std::errc() || r.ptr != end) fail(ErrorKind::BadInput, field + ": " + quoted + " is out of range");
    // Without leading zeros: CLI11 reads "010" as octal.
    std::size_t sign = text[0] == '-' || text[0] == '+' ? 1 : 0;
    std::size_t first = text.find_first_not_of('0', sign);
    text.erase(sign, (first == std::string::npos ? text.size() - 1 : first) - sign);
}

std::string replace_invalid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    char32_t cp;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = decode(text, i, cp);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(text, i, n);
            i += n;
        }
    }
    return out;
}

std::string escape_for_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    char32_t cp;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = decode(text, i, cp);
        if (n == 0) {
            out += hex_byte(static_cast<unsigned char>(text[i]));
            ++i;
            continue;
        }
        if (cp == '\n') out += "\\n";
        else if (cp == '\r') out += "\\r";
        else if (cp == '\t') out += "\\t";
        else if (is_control(cp) && cp < 0x80) out += hex_byte(static_cast<unsigned char>(cp));
        else if (is_control(cp)) out += "\\u" + code_point(cp).substr(2);
        else out.append(text, i, n);
        i += n;
    }
    return out;
}

std::string parse_unit(const std::string& text, const std::string& what) {
    auto b = text.find_first_not_of(" \t");
    std::string u = b == std::string::npos ? "" : text.substr(b, text.find_last_not_of(" \t") - b + 1);
    if (u.empty()) fail(ErrorKind::BadInput, what + ": the unit is empty");
    check_text(u, TextKind::Name, what);
    std::size_t chars = 0;
    for (unsigned char c : u)
        if ((c & 0xC0) != 0x80) ++chars;
    if (chars > 20) fail(ErrorKind::BadInput, what + ": '" + u + "' is " + std::to_string(chars) + " characters long; a unit is at most 20");
    if (u.find('|') != std::string::npos || u.find('\t') != std::string::npos)
        fail(ErrorKind::BadInput, what + ": '" + u + "' holds a '|' or a tab; a unit is a word or two (visit, hour, sq ft)");
    unsigned char first = static_cast<unsigned char>(u[0]);
    if (first < 0x80 && !std::isalpha(first))
        fail(ErrorKind::BadInput, what + ": '" + u + "' does not start with a letter; a unit is a word (visit, hour, bag)");
    return u;
}

std::vector<std::string> parse_skills(const std::string& text, const std::string& what) {
    std::vector<std::string> out;
    size_t at = 0;
    while (at <= text.size()) {
        size_t comma = text.find(',', at);
        if (comma == std::string::npos) comma = text.size();
        std::string one = text.substr(at, comma - at);
        at = comma + 1;
        size_t b = one.find_first_not_of(" \t"), e = one.find_last_not_of(" \t");
        if (b == std::string::npos) {
            if (comma == text.size() && out.empty() && text.find_first_not_of(" \t,") == std::string::npos) break;
            fail(ErrorKind::BadInput, what + ": an empty skill in '" + text + "'");
        }
        std::string skill;
        for (char c : one.substr(b, e - b + 1)) {
            char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (l == ' ') l = '-';
            if (!((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '-' || l == '_'))
                fail(ErrorKind::BadInput, what + ": '" + one + "' is not a skill name (letters, digits, spaces, '-' and '_')");
            skill += l;
        }
        if (skill.size() > 40) fail(ErrorKind::BadInput, what + ": '" + one + "' is longer than 40 characters");
        if (std::find(out.begin(), out.end(), skill) == out.end()) out.push_back(skill);
    }
    return out;
}

std::string ascii_lower(std::string text) {
    for (char& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

int nocase_compare(std::string_view a, std::string_view b) {
    auto fold = [](char c) { return static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
    for (size_t i = 0, n = std::min(a.size(), b.size()); i < n; ++i)
        if (fold(a[i]) != fold(b[i])) return fold(a[i]) < fold(b[i]) ? -1 : 1;
    return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

}  // namespace pom
