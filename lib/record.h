#pragma once
#include "audit.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace pom {

/// One stored value.
using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;
/// Column name and value, in order.
using Columns = std::vector<std::pair<std::string, Value>>;

void bind_value(Statement& q, int index, const Value& v);

/// Inserts a row, stamping created_at/updated_at when `timestamps`, and audits its creation.
int64_t insert_record(Context& ctx, const std::string& table, Columns cols, bool timestamps = true);

/// Updates the given columns of one row and audits the change. Returns false (and writes
/// nothing, not even updated_at) when every value is already as asked. Throws NotFound.
/// `along` is written with the change, only when something in `cols` changed (a series visit's
/// `detached` mark, say).
bool update_record(Context& ctx, const std::string& table, int64_t id, const Columns& cols, bool timestamps = true,
                   const Columns& along = {});
/// update_record of a row the caller has read in this transaction: `before` is the row as
/// row_json gives it (not null), so it is not read again.
bool update_row(Context& ctx, const std::string& table, const Json& before, const Columns& cols, bool timestamps = true,
                const Columns& along = {});

/// Helpers for optional edits: append (column, value) only when the option was given.
void set_if(Columns& cols, const std::string& column, const std::optional<std::string>& v, bool empty_is_null = true);
void set_if(Columns& cols, const std::string& column, const std::optional<int64_t>& v);
void set_if(Columns& cols, const std::string& column, const std::optional<double>& v);
void set_if(Columns& cols, const std::string& column, const std::optional<bool>& v);

}  // namespace pom
