#include "windows_1252.h"

#include "error.h"

#include <cstdio>
#include <utility>

namespace pom {

int windows_1252_byte(char32_t c) {
    if (c < 0x80 || (c >= 0xA0 && c <= 0xFF)) return static_cast<int>(c);
    static const std::pair<char32_t, int> high[] = {
        {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85}, {0x2020, 0x86}, {0x2021, 0x87},
        {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A}, {0x2039, 0x8B}, {0x0152, 0x8C}, {0x017D, 0x8E}, {0x2018, 0x91},
        {0x2019, 0x92}, {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95}, {0x2013, 0x96}, {0x2014, 0x97}, {0x02DC, 0x98},
        {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B}, {0x0153, 0x9C}, {0x017E, 0x9E}, {0x0178, 0x9F}};
    for (const auto& [cp, b] : high)
        if (cp == c) return b;
    return -1;
}

std::string to_windows_1252(const std::string& text, const std::string& where, const std::string& hint) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        auto b = static_cast<unsigned char>(text[i]);
        int n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
        char32_t c = n == 1 ? b : n == 2 ? b & 0x1F : n == 3 ? b & 0x0F : b & 0x07;
        for (int k = 1; k < n; ++k) {
            auto cb = i + static_cast<size_t>(k) < text.size() ? static_cast<unsigned char>(text[i + static_cast<size_t>(k)]) : 0;
            if ((cb & 0xC0) != 0x80) n = 0;
            c = (c << 6) | (cb & 0x3F);
        }
        if (n == 0) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", b);
            fail(ErrorKind::BadInput, where + ": the byte " + hex + " is not UTF-8 text and has no windows-1252 form" + hint);
        }
        int byte = windows_1252_byte(c);
        if (byte < 0) {
            char code[16];
            std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
            fail(ErrorKind::BadInput, where + ": '" + text.substr(i, static_cast<size_t>(n)) + "' (" + code +
                                          ") has no windows-1252 form" + hint);
        }
        out += static_cast<char>(byte);
        i += static_cast<size_t>(n);
    }
    return out;
}

}  // namespace pom
