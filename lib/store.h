#pragma once
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <unordered_map>
#include <memory>
#include <string>
#include <string_view>

namespace SQLite {
class Exception;
}

namespace pom {

class Error;

/// The one SQLite file behind pom: WAL mode, foreign keys on, a busy timeout, migrated schema.
class Store {
public:
    struct OpenOptions {
        int busy_timeout_ms = 5000;
        bool create = false;  ///< make the file (mode 0600) and its folders when missing
    };

    /// Opens a pom database. A missing file throws NoInput (unless create), a file written by a
    /// newer pom throws NewerDatabase before anything is touched, an older schema is migrated in
    /// one transaction. A file that may be read but not written is opened read-only.
    static std::unique_ptr<Store> open(const std::string& path, const OpenOptions& options);
    /// A migrated in-memory store, for tests.
    static std::unique_ptr<Store> open_memory();

    SQLite::Database& db() { return m_db; }
    const std::string& path() const { return m_path; }
    int schema_version();
    bool in_transaction() const;
    /// True when the file could only be opened for reading: WriteTx then throws Permission.
    bool read_only() const;
    /// True when open() created the file or brought its schema up to date.
    bool was_migrated() const { return m_migrated_from >= 0; }
    int migrated_from() const { return m_migrated_from; }

    /// A prepared statement kept for reuse, reset with its bindings cleared. Do not hold two
    /// uses of the same SQL at once.
    SQLite::Statement& prepare(const std::string& sql);

    /// Numbers savepoints of nested write transactions.
    int next_savepoint() { return ++m_savepoints; }

private:
    Store(const std::string& path, int flags, int busy_timeout_ms);
    void migrate();

    std::string m_path;
    SQLite::Database m_db;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> m_cache;
    int m_savepoints = 0;
    int m_migrated_from = -1;
};

/// A statement on the raw SQLite API, for list queries that read tens of thousands of values:
/// SQLiteCpp's Column objects copy a shared pointer per value read. Errors throw SQLite::Exception
/// like SQLiteCpp does.
class FastQuery {
public:
    FastQuery(Store& store, const std::string& sql);
    ~FastQuery();
    FastQuery(const FastQuery&) = delete;
    FastQuery& operator=(const FastQuery&) = delete;
    /// Binds a named parameter (":name"); a name the SQL does not use is ignored.
    void bind(const char* name, const std::string& value);
    /// Steps to the next row; false at the end.
    bool step();
    /// The column's text without a copy: valid until the next step().
    std::string_view view(int column) const;
    int64_t integer(int column) const;
    bool null(int column) const;

private:
    struct sqlite3* m_db;
    struct sqlite3_stmt* m_stmt = nullptr;
};

/// A write transaction: `BEGIN IMMEDIATE`, or a savepoint inside one already open (batch).
/// Rolled back by the destructor unless committed.
class WriteTx {
public:
    explicit WriteTx(Store& store);
    ~WriteTx();
    WriteTx(const WriteTx&) = delete;
    WriteTx& operator=(const WriteTx&) = delete;
    void commit();
    void rollback();

private:
    Store& m_store;
    std::string m_savepoint;
    bool m_done = false;
};

/// One snapshot for a read of several queries that must agree (a list of customers with their
/// contacts and tags): a deferred transaction, or a savepoint inside one already open (batch),
/// released by the destructor. Nothing is written through it.
class ReadTx {
public:
    explicit ReadTx(Store& store);
    ~ReadTx();
    ReadTx(const ReadTx&) = delete;
    ReadTx& operator=(const ReadTx&) = delete;

private:
    Store& m_store;
    std::string m_savepoint;
};

/// The newest schema version this pom knows.
int latest_schema_version();

/// Turns an SQLite error into pom's error (busy → Busy, constraint → Conflict or BadInput, …).
Error translate_sqlite_error(const SQLite::Exception& e);

}  // namespace pom
