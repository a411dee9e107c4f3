#pragma once
#include "context.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace pom {

using Json = nlohmann::ordered_json;

/// A stored row as a JSON object (column → value), or null when there is no such row.
/// `table` is one of pom's own table names, never user input.
Json row_json(Store& store, const std::string& table, int64_t id);
/// row_json in two steps, for a read that goes with others (Store::run_together): the statement
/// (SELECT * of the row, bound) and the row it reads, or null.
Statement row_statement(Store& store, const std::string& table, int64_t id);
Json row_json(Statement& statement);
/// The row a statement stands on (a SELECT * or a RETURNING *), as row_json gives it.
Json current_row_json(Statement& q);

/// Stored rows as JSON objects (as row_json gives each), by id; an id with no row is left out.
std::map<int64_t, Json> rows_json(Store& store, const std::string& table, const std::vector<int64_t>& ids);

/// Appends one entry to the audit log: `before` null for a creation, `after` null for a deletion.
void record_change(Context& ctx, const std::string& entity, int64_t id, const Json& before, const Json& after);
/// The same for an update whose before and after are already JSON text (compact, as
/// record_change writes them), for callers that write many entries at once.
void record_update_text(Context& ctx, const std::string& entity, int64_t id, const std::string& before,
                        const std::string& after);

/// Audit entries written together, in the order they were added: each as record_change writes it
/// (none when nothing changed), all of them in one Store::insert_rows.
class AuditBatch {
public:
    explicit AuditBatch(Context& ctx);
    void change(const std::string& entity, int64_t id, const Json& before, const Json& after);
    void write();

private:
    Context& m_ctx;
    NewRows m_rows;
};

struct AuditEntry {
    int64_t id = 0;
    std::string at;
    std::string actor;
    std::string command;
    std::string entity;
    int64_t entity_id = 0;
    std::string action;
    Json before;
    Json after;
};

struct AuditFilter {
    std::optional<std::string> entity;
    std::optional<int64_t> entity_id;
    std::optional<Instant> from;  ///< inclusive
    std::optional<Instant> to;    ///< exclusive
    std::optional<std::string> actor;
    int64_t limit = 0;  ///< 0: no limit
};

/// Oldest first.
std::vector<AuditEntry> list_audit(Store& store, const AuditFilter& filter);

}  // namespace pom
