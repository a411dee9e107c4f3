#pragma once
// Building JSON records quickly.
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <utility>

namespace pom {

using Json = nlohmann::ordered_json;

/// One field of a record being built by object(): its key and a value to be moved out.
struct JsonField {
    template <class T>
    JsonField(const char* k, T&& v) : key(k), value(std::forward<T>(v)) {}
    const char* key;
    mutable Json value;  ///< moved from by object(): the elements of an initializer_list are const
};

/// A JSON object with these fields, in this order; the keys must differ. nlohmann's own
/// `Json{{"k", v}, ...}` wraps every pair in a two-element array and looks through the keys so
/// far before each insert: a record of 30 fields cost 60k instructions that way, half of listing
/// a day's visits.
inline Json object(std::initializer_list<JsonField> fields) {
    Json j(Json::value_t::object);
    auto& members = static_cast<Json::object_t::Container&>(j.get_ref<Json::object_t&>());
    members.reserve(fields.size());
    for (const auto& f : fields) members.emplace_back(f.key, std::move(f.value));
    return j;
}

}  // namespace pom
