#pragma once
// Windows-1252, the code page QuickBooks Desktop (US editions) reads IIF files in.
#include <string>

namespace pom {

/// The windows-1252 byte of a Unicode code point, or -1 when the code page has none (most of
/// Unicode, and the five bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D it leaves undefined).
int windows_1252_byte(char32_t code_point);

/// UTF-8 text as windows-1252 bytes. A character the code page cannot hold fails with BadInput,
/// one line: "<where>: 'Ł' (U+0141) has no windows-1252 form<hint>"; replacing it with '?' would
/// put a wrong name in the books. Bytes that are not UTF-8 fail the same way.
std::string to_windows_1252(const std::string& text, const std::string& where, const std::string& hint = "");

}  // namespace pom
