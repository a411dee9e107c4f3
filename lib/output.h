#pragma once
#include "clock.h"
#include <nlohmann/json.hpp>
#include <cstdint>
#include <cstring>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

namespace pom {

using Json = nlohmann::ordered_json;

enum class Format { table, json, jsonl, csv, id };

/// Parses `-o`; throws Usage naming the valid formats.
Format parse_format(std::string_view name);

/// What a command returns: records of one type, rendered by one renderer in every format.
struct Rows {
    std::vector<std::string> fields;        ///< every field a record has, in order
    std::vector<std::string> table_fields;  ///< the default columns for people (empty: all)
    std::vector<Json> records;              ///< ordered JSON objects
    bool detail = false;                    ///< one record, shown field by field in a table
    std::string id_field = "id";            ///< printed by `-o id`
    /// The company's zone: a table for people shows stored instants (RFC 3339 UTC) as local
    /// `2026-11-26 10:00` in it. Machine formats never use it.
    const TimeZone* zone = nullptr;
};

/// Keeps and orders the named fields (`--fields a,b,c`); an unknown name throws Usage listing the
/// valid ones.
void select_fields(Rows& rows, const std::vector<std::string>& wanted);

/// Renders rows. Machine formats never depend on terminal, locale or config.
std::string render(const Rows& rows, Format format);

/// JSON text byte for byte as `value.dump(indent, ' ', false, replace)` (indent -1: compact),
/// written faster.
std::string to_json_text(const Json& value, int indent = -1);

namespace json_text {
/// Copies `n` bytes with a few fixed-size moves (a record's strings are short; with `n` known
/// where it is inlined, a key is one or two moves).
[[gnu::always_inline]] inline char* copy(char* to, const char* from, size_t n) {
    if (n <= 16) {
        if (n >= 8) {
            uint64_t a, b;
            std::memcpy(&a, from, 8);
            std::memcpy(&b, from + n - 8, 8);
            std::memcpy(to, &a, 8);
            std::memcpy(to + n - 8, &b, 8);
        } else if (n >= 4) {
            uint32_t a, b;
            std::memcpy(&a, from, 4);
            std::memcpy(&b, from + n - 4, 4);
            std::memcpy(to, &a, 4);
            std::memcpy(to + n - 4, &b, 4);
        } else if (n > 0) {
            to[0] = from[0];
            to[n / 2] = from[n / 2];
            to[n - 1] = from[n - 1];
        }
    } else if (n <= 32) {
        char a[16], b[16];
        std::memcpy(a, from, 16);
        std::memcpy(b, from + n - 16, 16);
        std::memcpy(to, a, 16);
        std::memcpy(to + n - 16, b, 16);
    } else {
        std::memcpy(to, from, n);
    }
    return to + n;
}

/// Sixteen bytes at once (SSE2 on x86-64, NEON on arm64: GCC's portable vector extension).
using Lanes = signed char __attribute__((vector_size(16)));

/// Whether the `n` bytes at `p` can stand in a JSON string as they are: no control character,
/// '"' or '\\', and only ASCII (other bytes are left to nlohmann, so that invalid UTF-8 is
/// replaced exactly as it does). Reads up to 15 bytes past the end: `p` points into a
/// JsonWriter's own text, whose room runs at least that far.
[[gnu::always_inline]] inline bool plain(const char* p, size_t n) {
    constexpr Lanes lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    for (;;) {
        Lanes v;
        std::memcpy(&v, p, 16);
        // Signed bytes: everything from 0x80 up is negative, so `< 0x20` takes non-ASCII too.
        Lanes bad = (v < 0x20) | (v == 0x7F) | (v == '"') | (v == '\\');
        if (n < 16) bad &= lane < static_cast<signed char>(n);
        uint64_t half[2];
        std::memcpy(half, &bad, 16);
        if (half[0] | half[1]) return false;
        if (n <= 16) return true;
        p += 16;
        n -= 16;
    }
}
}  // namespace json_text

/// Writes JSON text as it goes: pom's one JSON formatter, byte for byte what nlohmann's
/// `dump(indent, ' ', false, replace)` writes. Records written field by field need no document
/// (list commands whose records run to thousands); documents are written with value(const Json&).
/// Calls must nest properly (key() before each value inside an object).
///
/// The text is written straight into `out`'s bytes, which run ahead of the text in steps: `out`
/// holds exactly the text written once finish() is called or the writer is gone.
class JsonWriter {
public:
    /// `indent` -1: compact; `level`: the nesting level the first value is written at.
    JsonWriter(std::string& out, int indent, int level = 0);
    ~JsonWriter() { finish(); }
    JsonWriter(const JsonWriter&) = delete;
    JsonWriter& operator=(const JsonWriter&) = delete;
    JsonWriter& begin_object() { return open('{'); }
    JsonWriter& end_object() { return close('}'); }
    JsonWriter& begin_array() { return open('['); }
    JsonWriter& end_array() { return close(']'); }
    // key() and value(string_view) are most of what a list of records writes: inlined wherever
    // they are called, so that a key's length is known there (its copy becomes one or two moves).
    [[gnu::always_inline]] JsonWriter& key(std::string_view name) {
        char* at = room(name.size() + 4 + lead());
        if (m_count.back()++) *at++ = ',';
        if (m_indent >= 0) at = newline(at, m_count.size());
        *at = '"';
        json_text::copy(at + 1, name.data(), name.size());
        if (!json_text::plain(at + 1, name.size())) return escaped_key(at, name);
        at += name.size() + 1;
        at[0] = '"';
        at[1] = ':';
        at[2] = ' ';
        m_at = at + (m_indent >= 0 ? 3 : 2);
        m_after_key = true;
        return *this;
    }
    JsonWriter& value(int64_t v);
    JsonWriter& value(uint64_t v);
    JsonWriter& value(bool v);
    [[gnu::always_inline]] JsonWriter& value(std::string_view v) {
        char* at = before_value(room(v.size() + 2 + lead()));
        *at = '"';
        json_text::copy(at + 1, v.data(), v.size());
        if (!json_text::plain(at + 1, v.size())) {
            m_at = write_string(at, v);
            return *this;
        }
        at[v.size() + 1] = '"';
        m_at = at + v.size() + 2;
        return *this;
    }
    JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }  // not a Json
    JsonWriter& value(const char* v) = delete;  // would become a bool: pass a string
    JsonWriter& value(std::nullptr_t);
    /// A whole document, written at the current place.
    JsonWriter& value(const Json& v);
    /// Text written as it is, between values (the line break after a JSONL record).
    JsonWriter& raw(std::string_view text);
    /// Cuts `out` to the text written (the writer may go on writing after it).
    void finish();
    /// The text written, moved out of `out`, which is left empty for what is written next.
    std::string take();

private:
    JsonWriter& open(char c);
    JsonWriter& close(char c);
    /// Writes what comes before a value: nothing after a key, else a comma and a new line.
    [[gnu::always_inline]] char* before_value(char* at) {
        if (m_after_key) {  // the key is written
            m_after_key = false;
            return at;
        }
        if (m_count.empty()) return at;  // the outermost value
        if (m_count.back()++) *at++ = ',';
        if (m_indent >= 0) at = newline(at, m_count.size());
        return at;
    }
    [[gnu::always_inline]] char* newline(char* at, size_t depth) const {
        static constexpr char spaces16[16] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
        size_t spaces = static_cast<size_t>(m_indent) * (static_cast<size_t>(m_base) + depth);
        *at++ = '\n';
        for (size_t i = 0; i < spaces; i += 16) std::memcpy(at + i, spaces16, 16);  // room has slack
        return at + spaces;
    }
    /// The rest of key() for a name that needs escaping.
    JsonWriter& escaped_key(char* at, std::string_view name);
    /// The room before_value() needs at the current depth, or close() one level up.
    [[gnu::always_inline]] size_t lead() const {
        return m_indent >= 0 ? 2 + static_cast<size_t>(m_indent) * (static_cast<size_t>(m_base) + m_count.size() + 1) : 1;
    }
    template <class Integer>
    JsonWriter& integer(Integer v);
    /// A place for `n` bytes (and a few more, which later ones may overwrite) at the end of the text.
    [[gnu::always_inline]] char* room(size_t n) { return static_cast<size_t>(m_end - m_at) >= n + k_slack ? m_at : grow(n); }
    char* grow(size_t n);
    /// A string that needs escaping (or is not ASCII), written at `at` as nlohmann writes it.
    char* write_string(char* at, std::string_view s);
    static constexpr size_t k_slack = 64;
    std::string& m_out;
    char* m_at;   ///< where the next byte goes, in m_out
    char* m_end;  ///< the end of m_out's bytes
    int m_indent;
    int m_base;
    std::vector<int> m_count;  ///< members written so far, per open container
    bool m_after_key = false;
};

/// Builds the same value as a document (the JsonWriter interface, for code that writes records
/// either way).
class JsonBuilder {
public:
    JsonBuilder& begin_object() { return open(Json::object()); }
    JsonBuilder& end_object() { return close(); }
    JsonBuilder& begin_array() { return open(Json::array()); }
    JsonBuilder& end_array() { return close(); }
    JsonBuilder& key(std::string_view name) {
        m_key = name;
        return *this;
    }
    JsonBuilder& value(int64_t v) { return put(Json(v)); }
    JsonBuilder& value(bool v) { return put(Json(v)); }
    JsonBuilder& value(std::string_view v) { return put(Json(std::string(v))); }
    JsonBuilder& value(const char* v) = delete;  // as JsonWriter
    JsonBuilder& value(std::nullptr_t) { return put(Json(nullptr)); }
    /// The finished value.
    Json take() { return std::move(m_root); }

private:
    JsonBuilder& put(Json v);
    JsonBuilder& open(Json v);
    JsonBuilder& close() {
        m_open.pop_back();
        return *this;
    }
    Json m_root;
    std::vector<Json*> m_open;
    std::string_view m_key;
};

/// A field of text that is null when empty (pom's optional text columns), for a record written
/// through a JsonWriter or a JsonBuilder.
template <class W>
[[gnu::always_inline]] inline void text_or_null_field(W& w, std::string_view key, std::string_view v) {
    w.key(key);
    if (v.empty()) w.value(nullptr);
    else w.value(v);
}
/// A field of a number that may be missing (null).
template <class W>
[[gnu::always_inline]] inline void int_or_null_field(W& w, std::string_view key, const std::optional<int64_t>& v) {
    w.key(key);
    if (v) w.value(*v);
    else w.value(nullptr);
}

/// `-o json` or `-o jsonl` text of records added one at a time, each written by a function of a
/// JsonWriter: for lists that are never held whole (the records written as they are read).
class JsonRecords {
public:
    /// `expected`: about how many records (room is reserved; pages are only touched as written).
    JsonRecords(Format format, size_t expected);
    template <class Write>
    void add(Write write) {
        write(m_writer);
        if (m_format == Format::jsonl) m_writer.raw("\n");
    }
    /// The finished text: the same bytes render() gives for the records as documents.
    std::string take();

private:
    Format m_format;
    std::string m_out;
    JsonWriter m_writer;  ///< one for every record: -o json's records are the members of one array
};

/// `-o json` or `-o jsonl` text of `items`, each written by `write(JsonWriter&, const T&)`.
template <class T, class Write>
std::string render_json(const std::vector<T>& items, Format format, Write write) {
    JsonRecords out(format, items.size());
    for (const auto& item : items) out.add([&](JsonWriter& w) { write(w, item); });
    return out.take();
}

/// Appends a field to a JSON object without looking for an existing one (the key must be new):
/// how records of many fields are built quickly.
inline void append_field(Json& object, std::string key, Json value) {
    object.get_ref<Json::object_t&>().emplace_back(std::move(key), std::move(value));
}

/// One CSV field, quoted as RFC 4180 asks when needed.
std::string csv_field(std::string_view text);
/// A field as plain text (table and CSV cells): strings as they are, numbers in C locale,
/// null empty, lists joined by "; ", objects as compact JSON.
std::string cell_text(const Json& value);

}  // namespace pom
