#include "money.h"

#include "error.h"

namespace pom {

namespace {

/// Parses a decimal with at most `decimals` places into an integer scaled by 10^decimals.
int64_t parse_scaled(std::string_view text, std::string_view what, bool allow_negative, int decimals, const char* example) {
    std::string_view s = text;
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    auto bad = [&]() -> int64_t {
        fail(ErrorKind::BadInput, std::string(what) + ": '" + std::string(text) + "' is not " + example);
    };
    if (s.empty()) return bad();
    int64_t whole = 0, frac = 0;
    int places = 0;
    bool dot = false, digits = false;
    for (char c : s) {
        if (c == '.' && !dot) {
            dot = true;
            continue;
        }
        if (c < '0' || c > '9') return bad();
        digits = true;
        if (dot) {
            if (++places > decimals) return bad();
            frac = frac * 10 + (c - '0');
        } else {
            if (whole > 100000000000LL) return bad();
            whole = whole * 10 + (c - '0');
        }
    }
    if (!digits) return bad();
    int64_t scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    for (int i = places; i < decimals; ++i) frac *= 10;
    int64_t v = whole * scale + frac;
    if (negative && v != 0) {
        if (!allow_negative) fail(ErrorKind::BadInput, std::string(what) + ": '" + std::string(text) + "' must not be negative");
        v = -v;
    }
    return v;
}

std::string format_scaled(int64_t v, int decimals, bool trim) {
    bool negative = v < 0;
    uint64_t u = negative ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
    uint64_t scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    std::string frac = std::to_string(u % scale);
    frac = std::string(static_cast<size_t>(decimals) - frac.size(), '0') + frac;
    if (trim)
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
    return (negative ? "-" : "") + std::to_string(u / scale) + (frac.empty() ? "" : "." + frac);
}

}  // namespace

Cents parse_money(std::string_view text, std::string_view what, bool allow_negative) {
    return parse_scaled(text, what, allow_negative, 2, "an amount (45, 45.5, 45.50)");
}

std::string format_money(Cents cents) { return format_scaled(cents, 2, false); }

int64_t parse_milli(std::string_view text, std::string_view what, bool allow_negative) {
    return parse_scaled(text, what, allow_negative, 3, "a quantity (2, 1.5, 0.125)");
}

std::string format_milli(int64_t milli) { return format_scaled(milli, 3, true); }

__extension__ typedef __int128 Wide;

Cents line_amount(int64_t quantity_milli, Cents unit_price) {
    // Exact in 128-bit, then half away from zero.
    Wide p = static_cast<Wide>(quantity_milli) * unit_price;
    Wide q = p / 1000, r = p % 1000;
    if (r >= 500) ++q;
    else if (r <= -500) --q;
    return static_cast<Cents>(q);
}

}  // namespace pom
