#include "store/sqlite/sqlite_store.h"

#include "error.h"
#include "store/sqlite/bulk_load.h"
#include "store/sqlite/migrations.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include "text_check.h"

#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace pom::sqlite {

namespace {
constexpr int k_application_id = 0x504F4D31;  // "POM1"

/// Process-wide SQLite settings, which only take effect before its first use.
const std::string& configured(const std::string& path) {
    static const bool done = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    (void)done;
    return path;
}

/// SQLite's error as pom's (busy → Busy, constraint → Conflict or BadInput, …).
Error translate(int code, int extended, const std::string& msg) {
    switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return Error(ErrorKind::Busy, "the database is busy (locked by another pom); try again later");
    case SQLITE_CONSTRAINT: {
        if (extended == SQLITE_CONSTRAINT_CHECK || extended == SQLITE_CONSTRAINT_NOTNULL ||
            extended == SQLITE_CONSTRAINT_DATATYPE)
            return Error(ErrorKind::BadInput, "invalid value: " + msg);
        if (extended == SQLITE_CONSTRAINT_FOREIGNKEY)
            return Error(ErrorKind::NotFound, "a referenced record does not exist (" + msg + ")");
        return Error(ErrorKind::Conflict, msg);
    }
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH: return Error(ErrorKind::Permission, "database: " + msg);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Error(ErrorKind::Io, "database: " + msg);
    default: return Error(ErrorKind::Internal, "database: " + msg);
    }
}

Error translate(const SQLite::Exception& e) { return translate(e.getErrorCode(), e.getExtendedErrorCode(), e.what()); }

/// How a database pom may not write is opened. A reader of a WAL database shares its -shm file
/// and makes one when it is missing, with the permissions of the read-only file, which would then
/// refuse the owner's next write (and on read-only media it cannot make one at all). With no -wal
/// file there is nothing uncommitted, and the file is read as it stands (immutable); else the
/// readers and writers already there are joined, read-only.
std::string read_only_uri(const std::string& path) {
    std::string uri = "file:";
    for (unsigned char c : path) {
        static const char* hex = "0123456789ABCDEF";
        if (c == '%' || c == '?' || c == '#' || c < 0x20 || c >= 0x7F) uri += {'%', hex[c >> 4], hex[c & 15]};
        else uri += static_cast<char>(c);
    }
    std::error_code ec;
    return uri + (std::filesystem::exists(path + "-wal", ec) ? "?mode=ro" : "?immutable=1");
}

[[noreturn]] void raise(sqlite3* db, int rc) {
    throw translate(rc, sqlite3_extended_errcode(db), sqlite3_errmsg(db));
}

/// A statement on SQLite's own API: no shared pointer per value read, as SQLiteCpp's Column has.
class SqliteStatement final : public StatementImpl {
public:
    SqliteStatement(sqlite3* db, const std::string& sql) : m_db(db) {
        int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &m_stmt, nullptr);
        if (rc != SQLITE_OK) raise(db, rc);
    }
    ~SqliteStatement() override { sqlite3_finalize(m_stmt); }

    void bind_null(int i) override { check(sqlite3_bind_null(m_stmt, i)); }
    void bind_int(int i, int64_t v) override { check(sqlite3_bind_int64(m_stmt, i, v)); }
    void bind_real(int i, double v) override { check(sqlite3_bind_double(m_stmt, i, v)); }
    void bind_text(int i, std::string_view v) override {
        check(sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    }
    int parameter_index(const char* name) override { return sqlite3_bind_parameter_index(m_stmt, name); }
    bool step() override {
        int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        sqlite3_reset(m_stmt);
        raise(m_db, rc);
    }
    int exec() override {
        while (step()) {
        }
        int changes = sqlite3_changes(m_db);
        sqlite3_reset(m_stmt);
        return changes;
    }
    void reset() override { sqlite3_reset(m_stmt); }
    void clear_bindings() override { sqlite3_clear_bindings(m_stmt); }
    int column_count() override { return sqlite3_column_count(m_stmt); }
    std::string column_name(int c) override { return sqlite3_column_name(m_stmt, c); }
    ValueType column_type(int c) override {
        switch (sqlite3_column_type(m_stmt, c)) {
        case SQLITE_NULL: return ValueType::Null;
        case SQLITE_INTEGER: return ValueType::Integer;
        case SQLITE_FLOAT: return ValueType::Real;
        case SQLITE_BLOB: return ValueType::Blob;
        default: return ValueType::Text;
        }
    }
    int64_t column_int(int c) override { return sqlite3_column_int64(m_stmt, c); }
    double column_real(int c) override { return sqlite3_column_double(m_stmt, c); }
    std::string_view column_text(int c) override {
        const unsigned char* p = sqlite3_column_text(m_stmt, c);
        if (!p) return {};
        return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(m_stmt, c))};
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) raise(m_db, rc);
    }
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

class SqliteStore final : public Store {
public:
    SqliteStore(const std::string& path, int flags, int busy_timeout_ms, const std::string& shown = {})
        : Store(shown.empty() ? configured(path) : shown), m_db(configured(path), flags, busy_timeout_ms) {}
    ~SqliteStore() override { clear_statements(); }

    SQLite::Database& db() { return m_db; }

    int schema_version() override { return m_db.execAndGet("PRAGMA user_version").getInt(); }
    bool in_transaction() const override { return sqlite3_get_autocommit(m_db.getHandle()) == 0; }
    bool read_only() const override { return sqlite3_db_readonly(m_db.getHandle(), "main") == 1; }
    std::unique_ptr<StatementImpl> compile(const std::string& sql) override {
        return std::make_unique<SqliteStatement>(m_db.getHandle(), sql);
    }
    void exec(const std::string& sql) override {
        int rc = sqlite3_exec(m_db.getHandle(), sql.c_str(), nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) raise(m_db.getHandle(), rc);
    }
    int64_t last_insert_id() override { return sqlite3_last_insert_rowid(m_db.getHandle()); }
    void begin_write() override { exec("BEGIN IMMEDIATE"); }
    void begin_read() override { exec("BEGIN"); }
    void commit() override { exec("COMMIT"); }
    void rollback() override { exec("ROLLBACK"); }

    std::string note_search_sql(const std::vector<SearchTerm>& terms, bool by_customer, int64_t limit,
                                std::string& query) override {
        // Each term quoted: no FTS5 syntax from what was typed reaches SQLite.
        query.clear();
        for (const auto& t : terms) {
            std::string quoted = "\"";
            for (char c : t.word) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
            quoted += "\"";
            query += (query.empty() ? "" : " ") + quoted + (t.prefix ? "*" : "");
        }
        // Rank and cut inside FTS5 first (its ORDER BY rank LIMIT is done without sorting every
        // match); snippets are made only for the rows kept.
        std::string sql = "SELECT f.rowid AS id, snippet(note_fts, 0, '[', ']', '…', 16) AS snip, f.rank AS rank FROM note_fts f";
        if (by_customer) sql += " JOIN note m ON m.id = f.rowid AND m.customer_id = :customer";
        sql += " WHERE note_fts MATCH :q ORDER BY f.rank";
        if (limit > 0) sql += " LIMIT " + std::to_string(limit);
        return sql;
    }

    std::string photo_dir() override {
        if (path() == ":memory:") return (std::filesystem::temp_directory_path() / "pom-photos").string();
        auto parent = std::filesystem::path(path()).parent_path();
        return (parent.empty() ? std::filesystem::path("photos") : parent / "photos").string();
    }

    bool has_table(const std::string& name) override {
        auto& q = prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
        q.bind(1, name);
        bool yes = q.executeStep();
        q.reset();
        return yes;
    }
    std::vector<std::string> columns_of(const std::string& table) override {
        std::vector<std::string> out;
        Statement q(*this, "SELECT name FROM pragma_table_info(?)");
        q.bind(1, table);
        while (q.executeStep()) out.push_back(q.getColumn(0).getString());
        return out;
    }

    std::vector<DatabaseProblem> check() override {
        std::vector<DatabaseProblem> problems;
        Statement ic(*this, "PRAGMA integrity_check");
        while (ic.executeStep()) {
            std::string text = ic.getColumn(0).getString();
            if (text == "ok") continue;
            // One message can hold several lines, under a "*** in database main ***" heading.
            std::istringstream lines(text);
            for (std::string line; std::getline(lines, line);)
                if (!line.empty() && line.rfind("***", 0) != 0) problems.push_back({"integrity", "", std::nullopt, "", line});
        }
        Statement fk(*this, "PRAGMA foreign_key_check");
        while (fk.executeStep()) {
            std::optional<int64_t> row;
            if (!fk.getColumn(1).isNull()) row = fk.getColumn(1).getInt64();
            problems.push_back({"foreign key", fk.getColumn(0).getString(), row, "", "refers to a missing " + fk.getColumn(2).getString()});
        }
        // Text an older pom stored without checking it: outputs replace it, this finds where it is.
        std::vector<std::string> tables;
        {
            Statement t(*this, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                               "AND sql NOT LIKE 'CREATE VIRTUAL%' AND upper(sql) NOT LIKE '%WITHOUT ROWID%' ORDER BY name");
            while (t.executeStep()) tables.push_back(t.getColumn(0).getString());
        }
        for (const auto& table : tables) {
            std::vector<std::string> columns;
            {
                Statement c(*this, "SELECT name FROM pragma_table_info(?) WHERE upper(type) = 'TEXT' ORDER BY cid");
                c.bind(1, table);
                while (c.executeStep()) columns.push_back(c.getColumn(0).getString());
            }
            if (columns.empty()) continue;
            std::string sql = "SELECT rowid";
            for (const auto& c : columns) sql += ", \"" + c + "\"";
            try {
                FastQuery q(*this, sql + " FROM \"" + table + "\" ORDER BY rowid");
                while (q.step())
                    for (size_t i = 0; i < columns.size(); ++i)
                        if (std::string problem = encoding_problem(q.view(static_cast<int>(i + 1))); !problem.empty())
                            problems.push_back({"text", table, q.integer(0), columns[i], problem});
            } catch (const Error& e) {
                // A table the integrity check found damaged may not read to its end: say so, go on.
                if (problems.empty()) throw;
                problems.push_back({"text", table, std::nullopt, "", std::string("not read to the end: ") + e.what()});
            }
        }
        return problems;
    }

    void backup(const std::string& dest) override {
        Statement q(*this, "VACUUM INTO ?");
        q.bind(1, dest);
        q.exec();
    }

    DatabaseStats stats() override {
        DatabaseStats s;
        s.path = path();
        s.schema_version = schema_version();
        s.page_size = query_int("PRAGMA page_size");
        s.page_count = query_int("PRAGMA page_count");
        s.freelist_count = query_int("PRAGMA freelist_count");
        s.journal_mode = query_text("PRAGMA journal_mode");
        if (read_only() && s.journal_mode != "wal") {
            // Read as immutable (read-only media) SQLite says "delete"; the file's header says what
            // the file is: its read and write versions (bytes 18 and 19) are 2 in WAL mode.
            std::ifstream f(path(), std::ios::binary);
            char version[2] = {};
            if (f.seekg(18) && f.read(version, 2) && version[0] == 2 && version[1] == 2) s.journal_mode = "wal";
        }
        Statement t(*this,
                    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                    "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name");
        std::vector<std::string> names;
        while (t.executeStep()) names.push_back(t.getColumn(0).getString());
        for (const auto& n : names) s.tables.push_back({n, query_int("SELECT count(*) FROM \"" + n + "\"")});
        return s;
    }

    std::vector<TableInfo> tables() override { return catalog_tables(*this); }
    void begin_bulk_load() override { m_set_aside = set_triggers_aside(*this); }
    void end_bulk_load() override { restore_triggers(*this, std::exchange(m_set_aside, {})); }

    void migrate() {
        WriteTx tx(*this);
        // Re-read inside the write lock: another process may have migrated meanwhile.
        int version = schema_version();
        if (version > latest_schema_version())
            fail(ErrorKind::NewerDatabase, "database " + path() + " was upgraded by a newer pom meanwhile");
        const auto& all = migrations();
        try {
            for (int v = version; v < latest_schema_version(); ++v) {
                const Migration& m = all[static_cast<size_t>(v)];
                if (!m.sql.empty()) m_db.exec(m.sql);
                if (m.apply) m.apply(m_db);
            }
            if (version < latest_schema_version()) {
                m_db.exec("PRAGMA application_id = " + std::to_string(k_application_id));
                m_db.exec("PRAGMA user_version = " + std::to_string(latest_schema_version()));
                set_migrated_from(version);
            }
        } catch (const SQLite::Exception& e) {
            throw translate(e);
        }
        tx.commit();
    }

private:
    SQLite::Database m_db;
    std::vector<std::string> m_set_aside;  ///< the triggers' SQL during a bulk load
};

}  // namespace

int latest_schema_version() { return static_cast<int>(migrations().size()); }

std::unique_ptr<Store> open(const std::string& path, const Store::OpenOptions& options) {
    namespace fs = std::filesystem;
    std::error_code ec;
    bool exists = fs::exists(path, ec);
    bool read_only = false;
    if (!exists && !options.create)
        fail(ErrorKind::NoInput, "no database at " + path + " (create one with: pom init --db " + path + ")");
    // An empty file (touched, or a copy that failed) is not a database yet: only init makes it one.
    bool empty = exists && fs::is_regular_file(path, ec) && fs::file_size(path, ec) == 0;
    if (empty && !options.create)
        fail(ErrorKind::NoInput, path + " is an empty file, not a pom database (create one with: pom init --db " + path + ")");
    if (exists) {
        if (fs::is_directory(path, ec)) fail(ErrorKind::Io, path + " is a directory, not a pom database");
        if (::access(path.c_str(), R_OK) != 0)
            fail(ErrorKind::Permission, "cannot open database " + path + ": permission denied");
        // A file pom may read but not write (a copy for the accountant, a backup on read-only
        // media) is opened for reading: every read works, and a write says why it cannot.
        read_only = ::access(path.c_str(), W_OK) != 0;
    } else {
        auto parent = fs::path(path).parent_path();
        if (!parent.empty() && !fs::exists(parent, ec)) {
            fs::create_directories(parent, ec);
            if (ec) fail(ErrorKind::Io, "cannot create folder " + parent.string() + ": " + ec.message());
        }
    }
    std::unique_ptr<SqliteStore> store;
    try {
        // The database, its WAL and shm files are private to the company: 0600.
        mode_t old = ::umask(077);
        try {
            // One thread per process: no SQLite mutexes (SQLITE_OPEN_NOMUTEX).
            if (read_only)
                store = std::make_unique<SqliteStore>(read_only_uri(path), SQLite::OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                                                      options.busy_timeout_ms, path);
            else
                store = std::make_unique<SqliteStore>(
                    path, SQLite::OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (exists ? 0 : SQLite::OPEN_CREATE),
                    options.busy_timeout_ms);
        } catch (...) {
            ::umask(old);
            throw;
        }
        ::umask(old);
        if (!exists || empty) ::chmod(path.c_str(), 0600);
        auto& db = store->db();
        int app_id = db.execAndGet("PRAGMA application_id").getInt();
        int version = db.execAndGet("PRAGMA user_version").getInt();
        if (exists && app_id != k_application_id &&
            (version != 0 || app_id != 0 || db.execAndGet("SELECT count(*) FROM sqlite_schema").getInt() > 0))
            fail(ErrorKind::BadInput, path + " is not a pom database");
        if (version > latest_schema_version())
            fail(ErrorKind::NewerDatabase, "database " + path + " has schema version " + std::to_string(version) +
                                               ", made by a newer pom (this pom knows up to " +
                                               std::to_string(latest_schema_version()) + "); upgrade pom");
        db.exec("PRAGMA foreign_keys = ON");
        db.exec("PRAGMA synchronous = FULL");
        // SQLite's default page cache is 2 MB: a large write (expand, bill run, import) then spends
        // a third of its time evicting pages to the WAL and reading them back. Pages are only
        // allocated as they are used, so reads of a few pages stay as small as before.
        db.exec("PRAGMA cache_size = -131072");  // KiB: 128 MB
        if (version < latest_schema_version()) {
            if (read_only)
                fail(ErrorKind::Permission, "database " + path + " is read-only and has schema version " + std::to_string(version) +
                                                ": pom init needs to write to bring it up to date");
            if (db.execAndGet("PRAGMA journal_mode").getString() != "wal") db.exec("PRAGMA journal_mode = WAL");
            store->migrate();
        }
    } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() == SQLITE_NOTADB) fail(ErrorKind::BadInput, path + " is not a pom database");
        throw translate(e);
    }
    return store;
}

std::unique_ptr<Store> open_memory() {
    auto store = std::make_unique<SqliteStore>(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 0);
    store->db().exec("PRAGMA foreign_keys = ON");
    store->migrate();
    return store;
}

}  // namespace pom::sqlite
