#include "database.h"

#include "error.h"
#include "text_check.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pom {

std::string DatabaseProblem::summary() const {
    std::string s = check + ": ";
    if (!table.empty()) s += table + (row ? " row " + std::to_string(*row) : "") + (column.empty() ? "" : " column " + column) + " ";
    return s + detail;
}

std::vector<DatabaseProblem> check_database(Store& store) {
    std::vector<DatabaseProblem> problems;
    SQLite::Statement ic(store.db(), "PRAGMA integrity_check");
    while (ic.executeStep()) {
        std::string text = ic.getColumn(0).getString();
        if (text == "ok") continue;
        // One message can hold several lines, under a "*** in database main ***" heading.
        std::istringstream lines(text);
        for (std::string line; std::getline(lines, line);)
            if (!line.empty() && line.rfind("***", 0) != 0) problems.push_back({"integrity", "", std::nullopt, "", line});
    }
    SQLite::Statement fk(store.db(), "PRAGMA foreign_key_check");
    while (fk.executeStep()) {
        std::optional<int64_t> row;
        if (!fk.getColumn(1).isNull()) row = fk.getColumn(1).getInt64();
        problems.push_back({"foreign key", fk.getColumn(0).getString(), row, "", "refers to a missing " + fk.getColumn(2).getString()});
    }
    // Text an older pom stored without checking it: outputs replace it, this finds where it is.
    std::vector<std::string> tables;
    {
        SQLite::Statement t(store.db(),
                            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                            "AND sql NOT LIKE 'CREATE VIRTUAL%' AND upper(sql) NOT LIKE '%WITHOUT ROWID%' ORDER BY name");
        while (t.executeStep()) tables.push_back(t.getColumn(0).getString());
    }
    for (const auto& table : tables) {
        std::vector<std::string> columns;
        {
            SQLite::Statement c(store.db(), "SELECT name FROM pragma_table_info(?) WHERE upper(type) = 'TEXT' ORDER BY cid");
            c.bind(1, table);
            while (c.executeStep()) columns.push_back(c.getColumn(0).getString());
        }
        if (columns.empty()) continue;
        std::string sql = "SELECT rowid";
        for (const auto& c : columns) sql += ", \"" + c + "\"";
        try {
            FastQuery q(store, sql + " FROM \"" + table + "\" ORDER BY rowid");
            while (q.step())
                for (size_t i = 0; i < columns.size(); ++i)
                    if (std::string problem = encoding_problem(q.view(static_cast<int>(i + 1))); !problem.empty())
                        problems.push_back({"text", table, q.integer(0), columns[i], problem});
        } catch (const SQLite::Exception& e) {
            // A table the integrity check found damaged may not read to its end: say so, go on.
            if (problems.empty()) throw;
            problems.push_back({"text", table, std::nullopt, "", std::string("not read to the end: ") + e.what()});
        }
    }
    return problems;
}

void backup_database(Store& store, const std::string& dest) {
    // A copy is a file outside the database: it is made of what is committed, never of a
    // transaction that could still roll back (and VACUUM cannot run inside one).
    if (store.in_transaction()) fail(ErrorKind::Internal, "a backup is made only outside a transaction");
    std::error_code ec;
    if (std::filesystem::exists(dest, ec)) fail(ErrorKind::Conflict, dest + " already exists; choose a new file");
    auto parent = std::filesystem::path(dest).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
        fail(ErrorKind::NoInput, "folder " + parent.string() + " does not exist");
    SQLite::Statement q(store.db(), "VACUUM INTO ?");
    q.bind(1, dest);
    q.exec();
    std::filesystem::permissions(dest, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
}

DatabaseStats database_stats(Store& store) {
    DatabaseStats s;
    s.path = store.path();
    s.schema_version = store.schema_version();
    s.page_size = store.db().execAndGet("PRAGMA page_size").getInt64();
    s.page_count = store.db().execAndGet("PRAGMA page_count").getInt64();
    s.freelist_count = store.db().execAndGet("PRAGMA freelist_count").getInt64();
    s.journal_mode = store.db().execAndGet("PRAGMA journal_mode").getString();
    if (store.read_only() && s.journal_mode != "wal") {
        // Read as immutable (read-only media) SQLite says "delete"; the file's header says what
        // the file is: its read and write versions (bytes 18 and 19) are 2 in WAL mode.
        std::ifstream f(store.path(), std::ios::binary);
        char version[2] = {};
        if (f.seekg(18) && f.read(version, 2) && version[0] == 2 && version[1] == 2) s.journal_mode = "wal";
    }
    SQLite::Statement t(store.db(),
                        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name");
    std::vector<std::string> names;
    while (t.executeStep()) names.push_back(t.getColumn(0).getString());
    for (const auto& n : names)
        s.tables.push_back({n, store.db().execAndGet("SELECT count(*) FROM \"" + n + "\"").getInt64()});
    return s;
}

}  // namespace pom
