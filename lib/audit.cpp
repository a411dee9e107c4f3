#include "audit.h"

#include "output.h"

#include <algorithm>

namespace pom {

namespace {
Json column_json(const Column& c) {
    if (c.isNull()) return nullptr;
    if (c.isInteger()) return c.getInt64();
    if (c.isFloat()) return c.getDouble();
    return c.getString();
}

}  // namespace

Json current_row_json(Statement& q) {
    Json row = Json::object();
    for (int i = 0; i < q.getColumnCount(); ++i) row[q.getColumnName(i)] = column_json(q.getColumn(i));
    return row;
}

Json row_json(Store& store, const std::string& table, int64_t id) {
    auto& q = store.prepare("SELECT * FROM " + table + " WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return nullptr;
    Json row = current_row_json(q);
    q.reset();  // release the read snapshot a cached, half-stepped statement would keep
    return row;
}

Statement row_statement(Store& store, const std::string& table, int64_t id) {
    Statement q(store, "SELECT * FROM " + table + " WHERE id = ?");
    q.bind(1, id);
    return q;
}

Json row_json(Statement& q) {
    if (!q.executeStep()) return nullptr;
    Json row = current_row_json(q);
    q.reset();
    return row;
}

std::map<int64_t, Json> rows_json(Store& store, const std::string& table, const std::vector<int64_t>& ids) {
    std::map<int64_t, Json> out;
    for (const auto& list : id_lists(ids)) {
        Statement q(store, "SELECT * FROM " + table + " WHERE id IN (" + list + ")");
        while (q.executeStep()) {
            Json row = current_row_json(q);
            int64_t id = row["id"].get<int64_t>();
            out.emplace(id, std::move(row));
        }
    }
    return out;
}

namespace {

NewRows audit_rows() {
    return NewRows("audit_log", {"at", "actor", "command", "entity", "entity_id", "action", "before", "after"});
}

/// Adds one entry to rows: `before` null for a creation, `after` null for a deletion.
void add_entry(NewRows& rows, Context& ctx, const std::string& entity, int64_t id, const Json& before, const Json& after) {
    rows.value(format_instant(ctx.now())).value(ctx.actor).value(ctx.command).value(entity).value(id);
    rows.value(before.is_null() ? "create" : after.is_null() ? "delete" : "update");
    if (before.is_null()) rows.null();
    else rows.value(to_json_text(before));
    if (after.is_null()) rows.null();
    else rows.value(to_json_text(after));
}

}  // namespace

void record_change(Context& ctx, const std::string& entity, int64_t id, const Json& before, const Json& after) {
    AuditBatch one(ctx);
    one.change(entity, id, before, after);
    one.write();
}

void record_update_text(Context& ctx, const std::string& entity, int64_t id, const std::string& before,
                        const std::string& after) {
    NewRows rows = audit_rows();
    rows.value(format_instant(ctx.now())).value(ctx.actor).value(ctx.command).value(entity).value(id).value("update");
    rows.value(before).value(after);
    ctx.store.defer_rows(rows);
}

AuditBatch::AuditBatch(Context& ctx) : m_ctx(ctx), m_rows(audit_rows()) {}

void AuditBatch::change(const std::string& entity, int64_t id, const Json& before, const Json& after) {
    if (!before.is_null() && before == after) return;  // nothing changed, nothing to record
    add_entry(m_rows, m_ctx, entity, id, before, after);
}

void AuditBatch::write() {
    m_ctx.store.defer_rows(m_rows);
    m_rows.clear();
}

std::vector<AuditEntry> list_audit(Store& store, const AuditFilter& f) {
    std::string sql = "SELECT id, at, actor, command, entity, entity_id, action, before, after FROM audit_log WHERE 1";
    if (f.entity) sql += " AND entity = :entity";
    if (f.entity_id) sql += " AND entity_id = :eid";
    if (f.from) sql += " AND at >= :from";
    if (f.to) sql += " AND at < :to";
    if (f.actor) sql += " AND actor = :actor";
    sql += " ORDER BY id";
    if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
    Statement q(store, sql);
    if (f.entity) q.bind(":entity", *f.entity);
    if (f.entity_id) q.bind(":eid", *f.entity_id);
    if (f.from) q.bind(":from", format_instant(*f.from));
    if (f.to) q.bind(":to", format_instant(*f.to));
    if (f.actor) q.bind(":actor", *f.actor);
    std::vector<AuditEntry> out;
    while (q.executeStep()) {
        AuditEntry e;
        e.id = q.getColumn(0).getInt64();
        e.at = q.getColumn(1).getString();
        e.actor = q.getColumn(2).getString();
        e.command = q.getColumn(3).getString();
        e.entity = q.getColumn(4).getString();
        e.entity_id = q.getColumn(5).getInt64();
        e.action = q.getColumn(6).getString();
        e.before = q.getColumn(7).isNull() ? Json(nullptr) : Json::parse(q.getColumn(7).getString());
        e.after = q.getColumn(8).isNull() ? Json(nullptr) : Json::parse(q.getColumn(8).getString());
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace pom
