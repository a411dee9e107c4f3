#pragma once
// Small text helpers shared by the documents a customer receives (invoices, statements, quotes,
// service reports): HTML escaping and fixed-width columns for the plain-text versions.
#include "json.h"

#include <string>

namespace pom::doc {

/// Text safe inside HTML elements and double- or single-quoted attributes.
std::string html_escape(const std::string& s);
/// A JSON value as document text: strings as they are, null as nothing, anything else dumped.
std::string str(const Json& j);
/// Columns a UTF-8 string takes (code points).
size_t width(const std::string& s);
std::string pad_left(const std::string& s, size_t w);
std::string pad_right(const std::string& s, size_t w);
/// Line breaks and tabs as spaces, for one cell of a text table.
std::string one_line(std::string s);

}  // namespace pom::doc
