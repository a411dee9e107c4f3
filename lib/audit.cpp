#include "audit.h"

#include "output.h"


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

namespace {
void insert_entry(Context& ctx, const std::string& entity, int64_t id, const char* action, const std::string* before,
                  const std::string* after) {
    auto& q = ctx.store.prepare(
                        "INSERT INTO audit_log (at, actor, command, entity, entity_id, action, before, after) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, format_instant(ctx.now()));
    q.bind(2, ctx.actor);
    q.bind(3, ctx.command);
    q.bind(4, entity);
    q.bind(5, id);
    q.bind(6, action);
    if (before) q.bind(7, *before);
    else q.bind(7);
    if (after) q.bind(8, *after);
    else q.bind(8);
    q.exec();
}
}  // namespace

void record_change(Context& ctx, const std::string& entity, int64_t id, const Json& before, const Json& after) {
    if (!before.is_null() && before == after) return;  // nothing changed, nothing to record
    std::string b = before.is_null() ? "" : to_json_text(before);
    std::string a = after.is_null() ? "" : to_json_text(after);
    insert_entry(ctx, entity, id, before.is_null() ? "create" : after.is_null() ? "delete" : "update",
                 before.is_null() ? nullptr : &b, after.is_null() ? nullptr : &a);
}

void record_update_text(Context& ctx, const std::string& entity, int64_t id, const std::string& before,
                        const std::string& after) {
    insert_entry(ctx, entity, id, "update", &before, &after);
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
