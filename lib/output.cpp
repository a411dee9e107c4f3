#include "output.h"

#include "error.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace pom {

Format parse_format(std::string_view name) {
    if (name == "table") return Format::table;
    if (name == "json") return Format::json;
    if (name == "jsonl") return Format::jsonl;
    if (name == "csv") return Format::csv;
    if (name == "id") return Format::id;
    fail(ErrorKind::Usage, "-o: unknown format '" + std::string(name) + "' (valid: table, json, jsonl, csv, id)");
}

void select_fields(Rows& rows, const std::vector<std::string>& wanted) {
    for (const auto& w : wanted) {
        if (std::find(rows.fields.begin(), rows.fields.end(), w) == rows.fields.end()) {
            std::string valid;
            for (const auto& f : rows.fields) valid += (valid.empty() ? "" : ", ") + f;
            fail(ErrorKind::Usage, "--fields: unknown field '" + w + "' (valid: " + valid + ")");
        }
    }
    for (auto& r : rows.records) {
        Json picked = Json::object();
        for (const auto& w : wanted) picked[w] = r.contains(w) ? r[w] : Json(nullptr);
        r = std::move(picked);
    }
    rows.fields = wanted;
    rows.table_fields = wanted;
}

std::string cell_text(const Json& v) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    // Integers as dump() writes them, without its serializer (which asks the locale each time).
    if (v.is_number_integer()) return v.is_number_unsigned() ? std::to_string(v.get<uint64_t>()) : std::to_string(v.get<int64_t>());
    if (v.is_array()) {
        bool scalars = std::all_of(v.begin(), v.end(), [](const Json& e) { return !e.is_structured(); });
        if (scalars) {
            std::string out;
            for (const auto& e : v) out += (out.empty() ? "" : "; ") + cell_text(e);
            return out;
        }
    }
    return to_json_text(v);
}

std::string csv_field(std::string_view s) {
    bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos || (!s.empty() && (s.front() == ' ' || s.back() == ' '));
    if (!quote) return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

namespace {

size_t display_width(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;  // count code points, not bytes
    return n;
}

std::string one_line(std::string s) {
    for (auto& c : s)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return s;
}

std::string upper(std::string s) {
    for (auto& c : s) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c == '_') c = ' ';
    }
    return s;
}

/// A column header as words: `days_1_30` reads "1-30 DAYS", `days_over_90` "OVER 90 DAYS",
/// anything else its name in capitals with spaces.
std::string header_text(const std::string& field) {
    auto digits = [](std::string_view v) {
        return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (field.rfind("days_", 0) == 0) {
        std::string_view rest = std::string_view(field).substr(5);
        size_t us = rest.find('_');
        if (us != std::string_view::npos && digits(rest.substr(0, us)) && digits(rest.substr(us + 1)))
            return std::string(rest.substr(0, us)) + "-" + std::string(rest.substr(us + 1)) + " DAYS";
        if (rest.rfind("over_", 0) == 0 && digits(rest.substr(5))) return "OVER " + std::string(rest.substr(5)) + " DAYS";
    }
    return upper(field);
}

/// The widest a table cell gets, in columns, but for the last column: one long name or note
/// must not push every row past the screen. What is cut ends in an ellipsis.
constexpr size_t k_cell_max = 48;

std::string clip(std::string s, size_t max) {
    if (display_width(s) <= max) return s;
    // Keep whole UTF-8 characters up to max - 1 columns, then the ellipsis.
    std::string out;
    size_t cols = 0;
    for (size_t i = 0; i < s.size();) {
        size_t n = 1;
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0xF0) n = 4;
        else if (c >= 0xE0) n = 3;
        else if (c >= 0xC0) n = 2;
        std::string_view ch = std::string_view(s).substr(i, n);
        size_t w = display_width(ch);
        if (cols + w > max - 1) break;
        out += ch;
        cols += w;
        i += n;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\u2026";
}

/// True for an instant as pom stores it: `2026-11-26T17:00:00Z`.
bool is_stored_instant(std::string_view v) {
    if (v.size() != 20 || v[4] != '-' || v[7] != '-' || v[10] != 'T' || v[13] != ':' || v[16] != ':' || v[19] != 'Z')
        return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
        if (v[i] < '0' || v[i] > '9') return false;
    return true;
}

/// What a table cell shows: local times for stored instants, and words, never JSON, for a
/// nested record (its name, or its fields as `key value`) or a list of them.
std::string table_cell(const Json& v, const TimeZone* zone) {
    if (v.is_string() && zone && is_stored_instant(v.get_ref<const std::string&>())) {
        LocalTime t = zone->to_local(parse_stored_instant(v.get_ref<const std::string&>()));
        return date::format("%F %R", t);
    }
    if (v.is_object()) {
        if (auto n = v.find("name"); n != v.end() && n->is_string()) return n->get<std::string>();
        std::string out;
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (it->is_null() || it->is_structured()) continue;
            out += (out.empty() ? "" : ", ") + it.key() + " " + table_cell(*it, zone);
        }
        return out;
    }
    if (v.is_array()) {
        std::string out;
        for (const auto& e : v) out += (out.empty() ? "" : "; ") + table_cell(e, zone);
        return out;
    }
    return cell_text(v);
}

void pad(std::string& out, std::string_view text, size_t width) {
    out += text;
    for (size_t w = display_width(text); w < width; ++w) out += ' ';
}

std::string grid(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& cells) {
    // Each cell measured once, and the lines written straight into the text: a year's expand
    // lists 200,000 visits.
    std::vector<size_t> width(header.size());
    std::vector<size_t> cell_width;
    cell_width.reserve((cells.size() + 1) * header.size());
    auto measure = [&](const std::vector<std::string>& row) {
        for (size_t i = 0; i < row.size(); ++i) {
            cell_width.push_back(display_width(row[i]));
            width[i] = std::max(width[i], cell_width.back());
        }
    };
    measure(header);
    for (const auto& row : cells) measure(row);
    size_t line_size = 1;
    for (size_t w : width) line_size += w + 2;
    std::string out;
    out.reserve(line_size * (cells.size() + 1));
    size_t k = 0;
    auto line = [&](const std::vector<std::string>& row) {
        for (size_t i = 0; i < row.size(); ++i, ++k) {
            if (i) out += "  ";
            out += row[i];
            if (i + 1 < row.size() && cell_width[k] < width[i]) out.append(width[i] - cell_width[k], ' ');
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += '\n';
    };
    line(header);
    for (const auto& row : cells) line(row);
    return out;
}

std::string render_table(const Rows& rows) {
    const auto& fields = rows.table_fields.empty() ? rows.fields : rows.table_fields;
    if (rows.detail) {
        std::string out;
        for (const auto& r : rows.records) {
            if (!out.empty()) out += "\n";
            size_t w = 0;
            for (const auto& f : fields) w = std::max(w, display_width(f));
            std::string tail;
            for (const auto& f : fields) {
                const Json& v = r.contains(f) ? r[f] : Json(nullptr);
                if (v.is_array() && !v.empty() && v.front().is_object()) {
                    // A list of records (a customer's pools) becomes its own small table.
                    std::vector<std::string> header;
                    for (auto it = v.front().begin(); it != v.front().end(); ++it) header.push_back(header_text(it.key()));
                    std::vector<std::vector<std::string>> cells;
                    for (const auto& e : v) {
                        std::vector<std::string> row;
                        for (auto it = v.front().begin(); it != v.front().end(); ++it)
                            row.push_back(clip(one_line(table_cell(e.contains(it.key()) ? e[it.key()] : Json(), rows.zone)), k_cell_max));
                        cells.push_back(std::move(row));
                    }
                    tail += "\n" + f + ":\n" + grid(header, cells);
                    continue;
                }
                std::string l;
                pad(l, f, w);
                out += l + "  " + one_line(table_cell(v, rows.zone));
                while (!out.empty() && out.back() == ' ') out.pop_back();
                out += "\n";
            }
            out += tail;
        }
        return out;
    }
    if (rows.records.empty()) return "";
    std::vector<std::string> header;
    for (const auto& f : fields) header.push_back(header_text(f));
    std::vector<std::vector<std::string>> cells;
    cells.reserve(rows.records.size());
    for (const auto& r : rows.records) {
        std::vector<std::string> row;
        row.reserve(fields.size());
        for (size_t i = 0; i < fields.size(); ++i) {
            auto it = r.find(fields[i]);
            std::string cell = it == r.end() ? std::string() : one_line(table_cell(*it, rows.zone));
            row.push_back(i + 1 < fields.size() ? clip(std::move(cell), k_cell_max) : std::move(cell));
        }
        cells.push_back(std::move(row));
    }
    return grid(header, cells);
}

}  // namespace

// JSON text exactly as nlohmann's dump(indent, ' ', false, replace) writes it, without copying
// the records into one array first and without its per-character stream writes: list output of
// thousands of records is the hot path. Strings that need escaping and floating-point numbers are
// left to nlohmann itself, so the bytes stay the same.

JsonWriter::JsonWriter(std::string& out, int indent, int level)
    : m_out(out), m_at(out.data() + out.size()), m_end(m_at), m_indent(indent), m_base(level) {}

void JsonWriter::finish() {
    m_out.resize(static_cast<size_t>(m_at - m_out.data()));
    m_at = m_out.data() + m_out.size();
    m_end = m_at;
}

std::string JsonWriter::take() {
    finish();
    std::string text = std::move(m_out);
    m_out.clear();
    m_at = m_out.data();
    m_end = m_at;
    return text;
}

char* JsonWriter::grow(size_t n) {
    // The bytes ahead are zeroed by resize(): in steps, so that a big list's pages are touched
    // about once (a reserved string keeps its place; one that is not doubles as strings do).
    size_t used = static_cast<size_t>(m_at - m_out.data());
    size_t step = std::clamp(m_out.size(), size_t{256}, size_t{256} << 10);
    m_out.resize(std::max(used + n + k_slack, m_out.size() + step));
    m_at = m_out.data() + used;
    m_end = m_out.data() + m_out.size();
    return m_at;
}

char* JsonWriter::write_string(char* at, std::string_view s) {
    std::string text = Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
    m_at = at;
    return json_text::copy(room(text.size()), text.data(), text.size());
}

JsonWriter& JsonWriter::open(char c) {
    char* at = before_value(room(1 + lead()));
    *at++ = c;
    m_at = at;
    m_count.push_back(0);
    return *this;
}

JsonWriter& JsonWriter::close(char c) {
    char* at = room(1 + lead());
    int members = m_count.back();
    m_count.pop_back();
    if (members && m_indent >= 0) at = newline(at, m_count.size());
    *at++ = c;
    m_at = at;
    return *this;
}

JsonWriter& JsonWriter::escaped_key(char* at, std::string_view name) {
    m_at = write_string(at, name);
    at = room(2);
    *at++ = ':';
    if (m_indent >= 0) *at++ = ' ';
    m_at = at;
    m_after_key = true;
    return *this;
}

template <class Integer>
JsonWriter& JsonWriter::integer(Integer v) {
    char* at = before_value(room(24 + lead()));
    m_at = std::to_chars(at, at + 24, v).ptr;
    return *this;
}

JsonWriter& JsonWriter::value(int64_t v) { return integer(v); }

JsonWriter& JsonWriter::value(uint64_t v) { return integer(v); }

JsonWriter& JsonWriter::value(bool v) {
    char* at = before_value(room(5 + lead()));
    std::memcpy(at, v ? "true " : "false", 5);
    m_at = at + (v ? 4 : 5);
    return *this;
}

JsonWriter& JsonWriter::value(std::nullptr_t) {
    char* at = before_value(room(4 + lead()));
    std::memcpy(at, "null", 4);
    m_at = at + 4;
    return *this;
}

JsonWriter& JsonWriter::raw(std::string_view text) {
    m_at = json_text::copy(room(text.size()), text.data(), text.size());
    return *this;
}

JsonWriter& JsonWriter::value(const Json& v) {
    switch (v.type()) {
    case Json::value_t::object:
        begin_object();
        for (const auto& [k, member] : v.get_ref<const Json::object_t&>()) key(k).value(member);
        return end_object();
    case Json::value_t::array:
        begin_array();
        for (const auto& e : v.get_ref<const Json::array_t&>()) value(e);
        return end_array();
    case Json::value_t::string: return value(v.get_ref<const std::string&>());
    case Json::value_t::boolean: return value(v.get<bool>());
    case Json::value_t::null: return value(nullptr);
    case Json::value_t::number_integer: return value(v.get<int64_t>());
    case Json::value_t::number_unsigned: return value(v.get<uint64_t>());
    default: {  // floating point (and binary): nlohmann's own digits
        std::string text = v.dump(-1, ' ', false, Json::error_handler_t::replace);
        m_at = before_value(room(lead()));
        return raw(text);
    }
    }
}

namespace {
/// A string with room for `n` bytes that are not yet touched.
std::string reserved(size_t n) {
    std::string s;
    s.reserve(n);
    return s;
}
}  // namespace

JsonRecords::JsonRecords(Format format, size_t expected)
    : m_format(format),
      m_out(reserved(expected * (format == Format::json ? 1024 : 512))),
      m_writer(m_out, format == Format::json ? 2 : -1) {
    if (m_format == Format::json) m_writer.begin_array();
}

std::string JsonRecords::take() {
    if (m_format == Format::json) m_writer.end_array().raw("\n");
    return m_writer.take();
}

JsonBuilder& JsonBuilder::put(Json v) {
    if (m_open.empty()) {
        m_root = std::move(v);
    } else if (m_open.back()->is_array()) {
        m_open.back()->get_ref<Json::array_t&>().push_back(std::move(v));
    } else {
        m_open.back()->get_ref<Json::object_t&>().emplace_back(std::string(m_key), std::move(v));
    }
    return *this;
}

JsonBuilder& JsonBuilder::open(Json v) {
    // A record's fields go in without a new allocation each few (appointment_json has 31).
    if (v.is_object()) v.get_ref<Json::object_t&>().reserve(32);
    put(std::move(v));
    Json* at = m_open.empty()                ? &m_root
               : m_open.back()->is_array() ? &m_open.back()->get_ref<Json::array_t&>().back()
                                             : &m_open.back()->get_ref<Json::object_t&>().back().second;
    m_open.push_back(at);
    return *this;
}

std::string to_json_text(const Json& value, int indent) {
    std::string out;
    JsonWriter(out, indent).value(value);
    return out;
}

std::string render(const Rows& rows, Format format) {
    switch (format) {
    case Format::table: return render_table(rows);
    case Format::json:
    case Format::jsonl: return render_json(rows.records, format, [](JsonWriter& w, const Json& r) { w.value(r); });
    case Format::csv: {
        std::string out;
        for (size_t i = 0; i < rows.fields.size(); ++i) out += (i ? "," : "") + csv_field(rows.fields[i]);
        out += "\r\n";
        for (const auto& r : rows.records) {
            for (size_t i = 0; i < rows.fields.size(); ++i) {
                const auto& f = rows.fields[i];
                auto it = r.find(f);
                if (i) out += ',';
                if (it != r.end()) out += csv_field(cell_text(*it));
            }
            out += "\r\n";
        }
        return out;
    }
    case Format::id: {
        std::string out;
        for (const auto& r : rows.records)
            if (r.contains(rows.id_field)) out += cell_text(r[rows.id_field]) + "\n";
        return out;
    }
    }
    return "";
}

}  // namespace pom
