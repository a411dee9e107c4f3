#pragma once
#include <nlohmann/json.hpp>
#include <string>
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
};

/// Keeps and orders the named fields (`--fields a,b,c`); an unknown name throws Usage listing the
/// valid ones.
void select_fields(Rows& rows, const std::vector<std::string>& wanted);

/// Renders rows. Machine formats never depend on terminal, locale or config.
std::string render(const Rows& rows, Format format);

/// JSON text byte for byte as `value.dump(indent, ' ', false, replace)` (indent -1: compact),
/// written faster.
std::string to_json_text(const Json& value, int indent = -1);

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
