#include "csv.h"

#include "error.h"
#include "text_check.h"

namespace pom {

bool CsvReader::next(std::vector<std::string>& fields) {
    fields.clear();
    int c = m_in.get();
    if (m_first) {
        m_first = false;
        if (c == 0xEF && m_in.peek() == 0xBB) {
            m_in.get();
            if (m_in.get() != 0xBF) fail(ErrorKind::BadInput, m_source + ": row 1: not UTF-8 text");
            c = m_in.get();
        }
    }
    if (c == EOF) return false;
    ++m_row;
    std::string field;
    bool quoted = false;
    bool after_quote = false;  // a quoted field has closed; only a separator may follow
    for (;; c = m_in.get()) {
        if (quoted) {
            if (c == EOF) fail(ErrorKind::BadInput, m_source + ": row " + std::to_string(m_row) + ": unterminated quoted field");
            if (c == '"') {
                if (m_in.peek() == '"') {
                    m_in.get();
                    field += '"';
                } else {
                    quoted = false;
                    after_quote = true;
                }
            } else {
                field += static_cast<char>(c);
            }
            continue;
        }
        if (c == ',' ) {
            fields.push_back(std::move(field));
            field.clear();
            after_quote = false;
            continue;
        }
        if (c == '\r' && m_in.peek() == '\n') c = m_in.get();
        if (c == '\n' || c == EOF) {
            fields.push_back(std::move(field));
            for (size_t i = 0; i < fields.size(); ++i)
                check_text(fields[i], TextKind::CsvField, m_source + ": row " + std::to_string(m_row) + ", column " + std::to_string(i + 1));
            return true;
        }
        if (after_quote)
            fail(ErrorKind::BadInput, m_source + ": row " + std::to_string(m_row) + ", column " +
                                          std::to_string(fields.size() + 1) + ": text after a closing quote");
        if (c == '"') {
            if (!field.empty())
                fail(ErrorKind::BadInput, m_source + ": row " + std::to_string(m_row) + ", column " +
                                              std::to_string(fields.size() + 1) + ": quote inside an unquoted field");
            quoted = true;
            continue;
        }
        field += static_cast<char>(c);
    }
}

}  // namespace pom
