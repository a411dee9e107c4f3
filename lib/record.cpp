#include "record.h"

#include "error.h"


namespace pom {

void bind_value(Statement& q, int index, const Value& v) {
    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) q.bind(index);
            else q.bind(index, x);
        },
        v);
}

int64_t insert_record(Context& ctx, const std::string& table, Columns cols, bool timestamps) {
    if (timestamps) {
        std::string now = format_instant(ctx.now());
        cols.emplace_back("created_at", now);
        cols.emplace_back("updated_at", now);
    }
    std::string names, marks;
    for (const auto& [name, v] : cols) {
        names += (names.empty() ? "" : ", ") + name;
        marks += marks.empty() ? "?" : ", ?";
    }
    // The row as written comes back with the INSERT (both engines): no second read of it.
    Statement q(ctx.store, "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ") RETURNING *");
    int i = 1;
    for (const auto& c : cols) bind_value(q, i++, c.second);
    if (!q.executeStep()) fail(ErrorKind::Internal, "database: an INSERT into " + table + " returned no row");
    Json after = current_row_json(q);
    q.reset();
    int64_t id = after["id"].get<int64_t>();
    record_change(ctx, table, id, nullptr, after);
    return id;
}

bool update_record(Context& ctx, const std::string& table, int64_t id, const Columns& cols, bool timestamps,
                   const Columns& along) {
    Json before = row_json(ctx.store, table, id);
    if (before.is_null()) fail(ErrorKind::NotFound, "no " + table + " with id " + std::to_string(id));
    return update_row(ctx, table, before, cols, timestamps, along);
}

bool update_row(Context& ctx, const std::string& table, const Json& before, const Columns& cols, bool timestamps,
                const Columns& along) {
    if (!before.is_object() || !before.contains("id")) fail(ErrorKind::Internal, "update_row: no row of " + table + " was read");
    const int64_t id = before["id"].get<int64_t>();
    Columns changed;
    const auto differs = [&](const std::pair<std::string, Value>& c) {
        const Json& old = before[c.first];
        bool same = std::visit(
            [&](const auto& x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, std::nullptr_t>) return old.is_null();
                else if constexpr (std::is_same_v<T, std::string>) return old.is_string() && old.get<std::string>() == x;
                else if constexpr (std::is_same_v<T, int64_t>) return old.is_number_integer() && old.get<int64_t>() == x;
                else return old.is_number() && old.get<double>() == x;
            },
            c.second);
        return !same;
    };
    for (const auto& c : cols)
        if (differs(c)) changed.push_back(c);
    if (changed.empty()) return false;
    for (const auto& c : along)
        if (differs(c)) changed.push_back(c);
    if (timestamps) changed.emplace_back("updated_at", format_instant(ctx.now()));
    std::string set;
    for (const auto& c : changed) set += (set.empty() ? "" : ", ") + c.first + " = ?";
    // The row as written comes back with the UPDATE (both engines): no second read of it.
    Statement q(ctx.store, "UPDATE " + table + " SET " + set + " WHERE id = ? RETURNING *");
    int i = 1;
    for (const auto& c : changed) bind_value(q, i++, c.second);
    q.bind(i, id);
    Json after = q.executeStep() ? current_row_json(q) : Json(nullptr);
    q.reset();
    record_change(ctx, table, id, before, after);
    return true;
}

void set_if(Columns& cols, const std::string& column, const std::optional<std::string>& v, bool empty_is_null) {
    if (!v) return;
    if (empty_is_null && v->empty()) cols.emplace_back(column, nullptr);
    else cols.emplace_back(column, *v);
}
void set_if(Columns& cols, const std::string& column, const std::optional<int64_t>& v) {
    if (v) cols.emplace_back(column, *v);
}
void set_if(Columns& cols, const std::string& column, const std::optional<double>& v) {
    if (v) cols.emplace_back(column, *v);
}
void set_if(Columns& cols, const std::string& column, const std::optional<bool>& v) {
    if (v) cols.emplace_back(column, int64_t{*v ? 1 : 0});
}

}  // namespace pom
