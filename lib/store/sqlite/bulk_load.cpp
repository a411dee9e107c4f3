#include "store/sqlite/bulk_load.h"

namespace pom::sqlite {

namespace {

std::string ident(const std::string& name) { return "\"" + name + "\""; }

std::vector<std::string> strings(Store& store, const std::string& sql, const std::string& parameter) {
    std::vector<std::string> out;
    Statement q(store, sql);
    q.bind(1, parameter);
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
}

}  // namespace

std::vector<TableInfo> catalog_tables(Store& store) {
    std::vector<TableInfo> out;
    {
        Statement q(store, "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' "
                           "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
        while (q.executeStep()) out.push_back({q.getColumn(0).getString(), {}, {}, {}});
    }
    for (auto& t : out) {
        t.columns = strings(store, "SELECT name FROM pragma_table_info(?) ORDER BY cid", t.name);
        t.key = strings(store, "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", t.name);
        t.references = strings(store, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?) ORDER BY 1", t.name);
    }
    return out;
}

std::vector<std::string> set_triggers_aside(Store& store) {
    std::vector<std::pair<std::string, std::string>> triggers;
    {
        Statement q(store, "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY rowid");
        while (q.executeStep()) triggers.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
    }
    std::vector<std::string> sql;
    for (auto& [name, text] : triggers) {
        store.exec("DROP TRIGGER " + ident(name));
        sql.push_back(std::move(text));
    }
    // A table may refer to itself (a follow-up visit to the visit it follows): checked at the end.
    store.exec("PRAGMA defer_foreign_keys = ON");
    return sql;
}

void restore_triggers(Store& store, const std::vector<std::string>& triggers) {
    for (const auto& sql : triggers) store.exec(sql);
    std::vector<std::string> fts;
    {
        Statement q(store, "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'");
        while (q.executeStep()) fts.push_back(q.getColumn(0).getString());
    }
    for (const auto& name : fts) store.exec("INSERT INTO " + ident(name) + " (" + ident(name) + ") VALUES ('rebuild')");
}

}  // namespace pom::sqlite
