#pragma once
#include <istream>
#include <string>
#include <vector>

namespace pom {

/// Reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF, newlines inside quotes,
/// a UTF-8 byte-order mark at the start).
class CsvReader {
public:
    CsvReader(std::istream& in, std::string source) : m_in(in), m_source(std::move(source)) {}
    /// Reads the next record; false at the end. Throws BadInput on an unterminated quote or a
    /// stray quote, naming the source and row, and on a field that is not a CSV field's text
    /// (lib/text_check.h: UTF-8, no control characters but line breaks and tabs, its length),
    /// naming the row and column.
    bool next(std::vector<std::string>& fields);
    /// The row number of the last record read, counting the header as row 1 (as a spreadsheet does).
    int row() const { return m_row; }
    const std::string& source() const { return m_source; }

private:
    std::istream& m_in;
    std::string m_source;
    int m_row = 0;
    bool m_first = true;
};

}  // namespace pom
