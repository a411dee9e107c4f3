#include "store.h"

#include "error.h"
#include "migrations.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <filesystem>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pom {

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
}  // namespace

int latest_schema_version() { return static_cast<int>(migrations().size()); }

Store::Store(const std::string& path, int flags, int busy_timeout_ms)
    : m_path(configured(path)), m_db(path, flags, busy_timeout_ms) {}

std::unique_ptr<Store> Store::open(const std::string& path, const OpenOptions& options) {
    namespace fs = std::filesystem;
    std::error_code ec;
    bool exists = fs::exists(path, ec);
    if (!exists && !options.create)
        fail(ErrorKind::NoInput, "no database at " + path + " (create one with: pom init --db " + path + ")");
    // An empty file (touched, or a copy that failed) is not a database yet: only init makes it one.
    bool empty = exists && fs::is_regular_file(path, ec) && fs::file_size(path, ec) == 0;
    if (empty && !options.create)
        fail(ErrorKind::NoInput, path + " is an empty file, not a pom database (create one with: pom init --db " + path + ")");
    // A file pom may read but not write (a copy for the accountant, a backup on read-only media)
    // is opened for reading: every read works, and a write transaction says why it cannot.
    bool read_only = false;
    if (exists) {
        if (fs::is_directory(path, ec)) fail(ErrorKind::Io, path + " is a directory, not a pom database");
        if (::access(path.c_str(), R_OK) != 0)
            fail(ErrorKind::Permission, "cannot open database " + path + ": permission denied");
        read_only = ::access(path.c_str(), W_OK) != 0;
    } else {
        auto parent = fs::path(path).parent_path();
        if (!parent.empty() && !fs::exists(parent, ec)) {
            fs::create_directories(parent, ec);
            if (ec) fail(ErrorKind::Io, "cannot create folder " + parent.string() + ": " + ec.message());
        }
    }
    std::unique_ptr<Store> store;
    try {
        // The database, its WAL and shm files are private to the company: 0600.
        mode_t old = ::umask(077);
        try {
            // One thread per process: no SQLite mutexes (SQLITE_OPEN_NOMUTEX).
            if (read_only) {
                store.reset(new Store(read_only_uri(path), SQLite::OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                                      options.busy_timeout_ms));
                store->m_path = path;
            } else {
                store.reset(new Store(path, SQLite::OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (exists ? 0 : SQLite::OPEN_CREATE),
                                      options.busy_timeout_ms));
            }
        } catch (...) {
            ::umask(old);
            throw;
        }
        ::umask(old);
        if (!exists || empty) ::chmod(path.c_str(), 0600);
        auto& db = store->m_db;
        int app_id = db.execAndGet("PRAGMA application_id").getInt();
        int version = db.execAndGet("PRAGMA user_version").getInt();
        if (exists && app_id != k_application_id && (version != 0 || app_id != 0 ||
                                                     db.execAndGet("SELECT count(*) FROM sqlite_schema").getInt() > 0))
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
        throw translate_sqlite_error(e);
    }
    return store;
}

std::unique_ptr<Store> Store::open_memory() {
    std::unique_ptr<Store> store(new Store(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 0));
    store->m_db.exec("PRAGMA foreign_keys = ON");
    store->migrate();
    return store;
}

void Store::migrate() {
    WriteTx tx(*this);
    // Re-read inside the write lock: another process may have migrated meanwhile.
    int version = m_db.execAndGet("PRAGMA user_version").getInt();
    if (version > latest_schema_version())
        fail(ErrorKind::NewerDatabase, "database " + m_path + " was upgraded by a newer pom meanwhile");
    const auto& all = migrations();
    for (int v = version; v < latest_schema_version(); ++v) {
        const Migration& m = all[static_cast<size_t>(v)];
        if (!m.sql.empty()) m_db.exec(m.sql);
        if (m.apply) m.apply(m_db);
    }
    if (version < latest_schema_version()) {
        m_db.exec("PRAGMA application_id = " + std::to_string(k_application_id));
        m_db.exec("PRAGMA user_version = " + std::to_string(latest_schema_version()));
        m_migrated_from = version;
    }
    tx.commit();
}

SQLite::Statement& Store::prepare(const std::string& sql) {
    auto& slot = m_cache[sql];
    if (!slot) {
        slot = std::make_unique<SQLite::Statement>(m_db, sql);
    } else {
        slot->reset();
        slot->clearBindings();
    }
    return *slot;
}

FastQuery::FastQuery(Store& store, const std::string& sql) : m_db(store.db().getHandle()) {
    int rc = sqlite3_prepare_v2(m_db, sql.c_str(), static_cast<int>(sql.size()), &m_stmt, nullptr);
    if (rc != SQLITE_OK) throw SQLite::Exception(m_db, rc);
}

FastQuery::~FastQuery() { sqlite3_finalize(m_stmt); }

void FastQuery::bind(const char* name, const std::string& value) {
    int i = sqlite3_bind_parameter_index(m_stmt, name);
    if (i == 0) return;
    int rc = sqlite3_bind_text(m_stmt, i, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) throw SQLite::Exception(m_db, rc);
}

bool FastQuery::step() {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw SQLite::Exception(m_db, rc);
}

std::string_view FastQuery::view(int column) const {
    const unsigned char* p = sqlite3_column_text(m_stmt, column);
    if (!p) return {};
    return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(m_stmt, column))};
}

int64_t FastQuery::integer(int column) const { return sqlite3_column_int64(m_stmt, column); }

bool FastQuery::null(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

int Store::schema_version() { return m_db.execAndGet("PRAGMA user_version").getInt(); }

bool Store::read_only() const { return sqlite3_db_readonly(m_db.getHandle(), "main") == 1; }

bool Store::in_transaction() const { return sqlite3_get_autocommit(m_db.getHandle()) == 0; }

ReadTx::ReadTx(Store& store) : m_store(store), m_savepoint("pom_sp" + std::to_string(store.next_savepoint())) {
    // A savepoint outside a transaction begins a deferred one, which its release ends.
    store.db().exec("SAVEPOINT " + m_savepoint);
}

ReadTx::~ReadTx() {
    try {
        m_store.db().exec("RELEASE " + m_savepoint);
    } catch (...) {
        // Nothing was written: the read ends when the connection closes.
    }
}

WriteTx::WriteTx(Store& store) : m_store(store) {
    if (store.read_only())
        fail(ErrorKind::Permission, "database " + store.path() + " is read-only (the file cannot be written): only reads work");
    if (store.in_transaction()) {
        m_savepoint = "pom_sp" + std::to_string(store.next_savepoint());
        store.db().exec("SAVEPOINT " + m_savepoint);
    } else {
        store.db().exec("BEGIN IMMEDIATE");
    }
}

WriteTx::~WriteTx() {
    if (!m_done) {
        try {
            rollback();
        } catch (...) {
            // A failed rollback leaves SQLite to roll back when the connection closes.
        }
    }
}

void WriteTx::commit() {
    m_store.db().exec(m_savepoint.empty() ? "COMMIT" : "RELEASE " + m_savepoint);
    m_done = true;
}

void WriteTx::rollback() {
    m_done = true;
    if (m_savepoint.empty()) {
        if (m_store.in_transaction()) m_store.db().exec("ROLLBACK");
    } else {
        m_store.db().exec("ROLLBACK TO " + m_savepoint);
        m_store.db().exec("RELEASE " + m_savepoint);
    }
}

Error translate_sqlite_error(const SQLite::Exception& e) {
    int code = e.getErrorCode();
    std::string msg = e.what();
    switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return Error(ErrorKind::Busy, "the database is busy (locked by another pom); try again later");
    case SQLITE_CONSTRAINT: {
        int ext = e.getExtendedErrorCode();
        if (ext == SQLITE_CONSTRAINT_CHECK || ext == SQLITE_CONSTRAINT_NOTNULL || ext == SQLITE_CONSTRAINT_DATATYPE)
            return Error(ErrorKind::BadInput, "invalid value: " + msg);
        if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
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

}  // namespace pom
