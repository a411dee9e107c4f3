#pragma once
// The store behind pom, whatever engine holds it: one interface the domain code talks to.
// An engine (lib/store/sqlite, lib/store/postgres) implements StatementImpl and the virtual part
// of Store; domain code never sees an engine's types, and never branches on the engine.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pom {

/// What a column value of the current row is.
enum class ValueType { Null, Integer, Real, Text, Blob };

/// An engine's compiled statement. Parameters are numbered from 1; columns from 0. Errors throw
/// pom::Error (the engine translates its own errors).
class StatementImpl {
public:
    virtual ~StatementImpl() = default;
    virtual void bind_null(int index) = 0;
    virtual void bind_int(int index, int64_t value) = 0;
    virtual void bind_real(int index, double value) = 0;
    virtual void bind_text(int index, std::string_view value) = 0;
    /// The number of a named parameter (":name"), 0 when the SQL does not use it.
    virtual int parameter_index(const char* name) = 0;
    /// Steps to the next row; false at the end.
    virtual bool step() = 0;
    /// Runs the statement to its end; the number of rows it changed.
    virtual int exec() = 0;
    /// Ready to run again; the bindings are kept.
    virtual void reset() = 0;
    virtual void clear_bindings() = 0;
    virtual int column_count() = 0;
    virtual std::string column_name(int column) = 0;
    virtual ValueType column_type(int column) = 0;
    virtual int64_t column_int(int column) = 0;
    virtual double column_real(int column) = 0;
    /// The value as text, valid until the next step or reset ("" for NULL).
    virtual std::string_view column_text(int column) = 0;
};

/// One value of the current row. Valid until the statement steps again.
class Column {
public:
    Column(StatementImpl& impl, int index) : m_impl(impl), m_index(index) {}
    int64_t getInt64() const { return m_impl.column_int(m_index); }
    int getInt() const { return static_cast<int>(m_impl.column_int(m_index)); }
    double getDouble() const { return m_impl.column_real(m_index); }
    std::string getString() const { return std::string(m_impl.column_text(m_index)); }
    std::string_view view() const { return m_impl.column_text(m_index); }
    ValueType type() const { return m_impl.column_type(m_index); }
    bool isNull() const { return type() == ValueType::Null; }
    bool isInteger() const { return type() == ValueType::Integer; }
    bool isFloat() const { return type() == ValueType::Real; }

private:
    StatementImpl& m_impl;
    int m_index;
};

class Store;

/// A table of pom's rows as the engine's catalog describes it: what `db copy` moves.
struct TableInfo {
    std::string name;
    std::vector<std::string> columns;     ///< in the table's order
    std::vector<std::string> key;         ///< the primary key's columns, in the key's order
    std::vector<std::string> references;  ///< the tables its foreign keys name (itself too, if it does)
    bool operator==(const TableInfo&) const = default;
};

/// One value of a row being copied, as the engine that holds it reports it.
struct Cell {
    ValueType type = ValueType::Null;
    int64_t integer = 0;
    double real = 0;
    std::string_view text;  ///< Text and Blob: valid until the row's statement steps again
};

/// Writes rows into one table during a bulk load (Store::row_loader).
class RowLoader {
public:
    virtual ~RowLoader() = default;
    /// One row, its values in the table's column order.
    virtual void add(const std::vector<Cell>& row) = 0;
    /// Writes what is still held back; nothing may be added afterwards.
    virtual void finish() = 0;
};

/// New rows of one table, written together by Store::insert_rows: the values are added row by row,
/// in the order of the columns. The table and column names are pom's own, never user input.
class NewRows {
public:
    NewRows(std::string table, std::vector<std::string> columns) : m_table(std::move(table)), m_columns(std::move(columns)) {}

    NewRows& null() {
        m_values.push_back({ValueType::Null, 0, 0, 0});
        return *this;
    }
    NewRows& value(int64_t v) {
        m_values.push_back({ValueType::Integer, v, 0, 0});
        return *this;
    }
    NewRows& value(std::string_view v) {
        m_values.push_back({ValueType::Text, 0, m_text.size(), v.size()});
        m_text.append(v);
        return *this;
    }
    /// Text, or NULL when empty (pom's optional text columns).
    NewRows& text_or_null(std::string_view v) { return v.empty() ? null() : value(v); }
    /// Another batch's rows of the same table and columns, after these.
    void append(const NewRows& other) {
        for (const Slot& s : other.m_values) {
            if (s.type == ValueType::Text) value(std::string_view(other.m_text).substr(s.offset, s.length));
            else if (s.type == ValueType::Null) null();
            else value(s.integer);
        }
    }

    const std::string& table() const { return m_table; }
    const std::vector<std::string>& columns() const { return m_columns; }
    /// Complete rows added so far.
    size_t size() const { return m_values.size() / m_columns.size(); }
    bool empty() const { return m_values.empty(); }
    /// A row's value of a column; its text is valid while the rows are kept.
    Cell cell(size_t row, size_t column) const {
        const Slot& v = m_values[row * m_columns.size() + column];
        return {v.type, v.integer, 0, std::string_view(m_text).substr(v.offset, v.length)};
    }
    void clear() {
        m_values.clear();
        m_text.clear();
    }

private:
    struct Slot {
        ValueType type;
        int64_t integer;
        size_t offset, length;
    };
    std::string m_table;
    std::vector<std::string> m_columns;
    std::vector<Slot> m_values;
    std::string m_text;
};

/// A word of a full-text search, as typed (without its trailing `*`).
struct SearchTerm {
    std::string word;
    bool prefix = false;  ///< the word ended in `*`: it matches every word it begins
};

/// A statement of pom's SQL, the dialect both engines run: `?`, `?N` and `:name` parameters.
/// Its interface follows SQLiteCpp's, which the domain code was first written against.
class Statement {
public:
    Statement(Store& store, const std::string& sql);

    void bind(int index) { m_impl->bind_null(index); }
    void bind(int index, int value) { m_impl->bind_int(index, value); }
    void bind(int index, unsigned value) { m_impl->bind_int(index, value); }
    void bind(int index, long value) { m_impl->bind_int(index, value); }
    void bind(int index, long long value) { m_impl->bind_int(index, value); }
    void bind(int index, unsigned long value) { m_impl->bind_int(index, static_cast<int64_t>(value)); }
    void bind(int index, bool value) { m_impl->bind_int(index, value ? 1 : 0); }
    void bind(int index, double value) { m_impl->bind_real(index, value); }
    void bind(int index, const std::string& value) { m_impl->bind_text(index, value); }
    void bind(int index, std::string_view value) { m_impl->bind_text(index, value); }
    void bind(int index, const char* value) { m_impl->bind_text(index, value); }
    /// Named parameters: a name the SQL does not use is a bug (Internal error).
    template <class... T>
    void bind(const char* name, T&&... value) {
        bind(index_of(name), std::forward<T>(value)...);
    }
    template <class... T>
    void bind(const std::string& name, T&&... value) {
        bind(index_of(name.c_str()), std::forward<T>(value)...);
    }

    bool executeStep() {
        if (m_names_deferred) write_deferred();
        return m_impl->step();
    }
    int exec() {
        if (m_names_deferred) write_deferred();
        return m_impl->exec();
    }
    void reset() { m_impl->reset(); }
    void clearBindings() { m_impl->clear_bindings(); }
    Column getColumn(int index) { return Column(*m_impl, index); }
    int getColumnCount() { return m_impl->column_count(); }
    std::string getColumnName(int index) { return m_impl->column_name(index); }

private:
    friend class Store;
    int index_of(const char* name);
    void write_deferred();
    std::unique_ptr<StatementImpl> m_impl;
    Store* m_store;
    bool m_names_deferred;  ///< the SQL names the table whose rows the store may hold back
};

/// One thing `db check` found wrong.
struct DatabaseProblem {
    std::string check;           ///< "integrity", "foreign key" or "text"
    std::string table;           ///< empty when the engine's integrity check names none
    std::optional<int64_t> row;  ///< the row's id
    std::string column;          ///< for "text": the column holding it
    std::string detail;          ///< one line
    /// The problem on one line: "foreign key: pool row 2 refers to a missing customer".
    std::string summary() const;
};

struct TableStat {
    std::string table;
    int64_t rows = 0;
};

struct DatabaseStats {
    std::string path;
    int schema_version = 0;
    int64_t page_size = 0;
    int64_t page_count = 0;
    int64_t freelist_count = 0;
    std::string journal_mode;
    std::vector<TableStat> tables;
};

/// A pom database, on whichever engine holds it: migrated schema, write transactions that exclude
/// each other, statements of pom's SQL.
class Store {
public:
    struct OpenOptions {
        int busy_timeout_ms = 5000;
        bool create = false;  ///< make the database (a file: mode 0600, and its folders) when missing
    };

    /// Opens a pom database by its location: a PostgreSQL URI (postgresql://… or postgres://…,
    /// with pom's own `schema=` parameter) or else a SQLite file path. A missing one throws NoInput (unless
    /// create), one written by a newer pom throws NewerDatabase before anything is touched, an
    /// older schema is migrated in one transaction.
    static std::unique_ptr<Store> open(const std::string& location, const OpenOptions& options);
    /// A location as it may be shown to people: a URI without its password.
    static std::string display(const std::string& location);
    /// A migrated in-memory SQLite store, for tests.
    static std::unique_ptr<Store> open_memory();

    virtual ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    /// Where the database is, as shown to people (never with a password).
    const std::string& path() const { return m_path; }
    virtual int schema_version() = 0;
    virtual bool in_transaction() const = 0;
    /// True when open() created the database or brought its schema up to date.
    bool was_migrated() const { return m_migrated_from >= 0; }
    int migrated_from() const { return m_migrated_from; }

    /// A prepared statement kept for reuse, reset with its bindings cleared. Do not hold two
    /// uses of the same SQL at once.
    Statement& prepare(const std::string& sql);
    /// Compiles a statement of pom's SQL for this engine.
    virtual std::unique_ptr<StatementImpl> compile(const std::string& sql) = 0;
    /// Runs SQL without parameters or results (one or more statements).
    virtual void exec(const std::string& sql) = 0;
    /// The first column of the first row of a query without parameters (0 / "" when none).
    int64_t query_int(const std::string& sql);
    std::string query_text(const std::string& sql);
    /// The id the last INSERT on this connection gave its row.
    virtual int64_t last_insert_id() = 0;
    /// Inserts every one of the rows (no conflict clause: a row that breaks a constraint fails the
    /// call, as its own INSERT would) and returns their ids in order, the ids one INSERT per row
    /// would have given them. By default one prepared INSERT per row; an engine may send many rows
    /// a statement (PostgreSQL: a round trip per row is most of a long write's time).
    virtual std::vector<int64_t> insert_rows(const NewRows& rows);
    /// Runs reads, each with its bindings, together where the engine can: on PostgreSQL in one
    /// round trip (libpq's pipeline mode) rather than one each; then each is stepped as if run
    /// alone. On SQLite each runs when first stepped, as always. A statement that writes is left
    /// to run when stepped.
    void run_together(std::initializer_list<Statement*> statements);

    /// Transactions, as WriteTx and ReadTx use them: a write transaction excludes every other
    /// writer of the database for its whole length (SQLite's BEGIN IMMEDIATE).
    virtual void begin_write() = 0;
    virtual void begin_read() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    /// Ends the outermost write transaction (WriteTx::commit): the rows held back written, then
    /// COMMIT. An engine may send the two together.
    virtual void commit_write();
    /// Numbers savepoints of nested transactions.
    int next_savepoint() { return ++m_savepoints; }

    /// The table whose new rows may be held back: the audit log. Nothing reads an entry back in
    /// the command that writes it, so a command's entries (a service submit writes nine) go in
    /// one statement, not one each (on PostgreSQL a round trip each).
    static constexpr std::string_view k_deferred_table = "audit_log";
    /// Holds rows of k_deferred_table back, after any already held. They are written, in order
    /// and with the ids they would have had, before the transaction commits, before a savepoint
    /// (WriteTx) and before any statement that names the table runs; a rollback drops them.
    void defer_rows(const NewRows& rows);
    void write_deferred();
    void drop_deferred() { m_deferred.reset(); }
    bool has_deferred() const { return m_deferred && !m_deferred->empty(); }

    /// Full-text search of notes, the one query whose SQL each engine writes its own way: a
    /// query of (id, snip, rank) over the notes matching every term, best (lowest rank) first,
    /// its snippet with the matches in [brackets]; it takes :q (set to what `query` returns)
    /// and, when by_customer, :customer.
    virtual std::string note_search_sql(const std::vector<SearchTerm>& terms, bool by_customer, int64_t limit,
                                        std::string& query) = 0;

    /// Where photos' files are kept, named by their SHA-256.
    virtual std::string photo_dir() = 0;

    /// Whether the schema has this table, and its columns in order.
    virtual bool has_table(const std::string& name) = 0;
    virtual std::vector<std::string> columns_of(const std::string& table) = 0;

    /// Integrity and reference checks, and text an older pom stored unchecked; an empty list
    /// means the database is sound.
    virtual std::vector<DatabaseProblem> check() = 0;
    /// True when the database could only be opened for reading: a write transaction then throws
    /// Permission, saying why.
    virtual bool read_only() const { return false; }
    /// Writes a consistent copy of the database to a new file.
    virtual void backup(const std::string& dest) = 0;
    virtual DatabaseStats stats() = 0;

    /// pom's tables that hold rows of their own, by name: no derived table (note search) and
    /// none of the engine's own (sqlite_*, pom_meta).
    virtual std::vector<TableInfo> tables() = 0;
    /// A bulk load (`db copy`) inside this store's write transaction. From begin_bulk_load the rows
    /// go in as they were (given ids, issued invoices, audit entries): the triggers that guard
    /// pom's own writes are set aside, while CHECK, NOT NULL, UNIQUE and foreign keys still hold.
    /// end_bulk_load puts the triggers back and rebuilds the derived tables (note search). A
    /// rollback undoes all of it.
    virtual void begin_bulk_load() = 0;
    virtual void end_bulk_load() = 0;
    /// During a bulk load, a loader that replaces the table's rows (those a new database starts
    /// with, such as the number series) by the rows it is given. By default one prepared INSERT per
    /// row; an engine may stream them its own faster way.
    virtual std::unique_ptr<RowLoader> row_loader(const TableInfo& table);

protected:
    explicit Store(std::string path) : m_path(std::move(path)) {}
    void set_migrated_from(int version) { m_migrated_from = version; }
    /// Finalizes the cached statements: an engine calls it before it closes its connection.
    void clear_statements() { m_cache.clear(); }
    /// run_together's engine part: the statements' implementations, held-back rows written
    /// already. Nothing by default: each runs when stepped.
    virtual void run_impls_together(const std::vector<StatementImpl*>& statements) { (void)statements; }
    /// The rows held back (none: nothing held), and the same, no longer held: the engine writes
    /// them itself (commit_write).
    const NewRows* deferred_rows() const { return has_deferred() ? &*m_deferred : nullptr; }
    NewRows take_deferred() { return *std::exchange(m_deferred, std::nullopt); }

private:
    std::string m_path;
    std::unordered_map<std::string, std::unique_ptr<Statement>> m_cache;
    std::optional<NewRows> m_deferred;
    int m_savepoints = 0;
    int m_migrated_from = -1;
};

/// A statement for list queries that read tens of thousands of values, by views of the row.
class FastQuery {
public:
    FastQuery(Store& store, const std::string& sql) : m_impl(store.compile(sql)) {}
    /// Binds a named parameter (":name"); a name the SQL does not use is ignored.
    void bind(const char* name, const std::string& value) {
        if (int i = m_impl->parameter_index(name)) m_impl->bind_text(i, value);
    }
    bool step() { return m_impl->step(); }
    /// The column's text without a copy: valid until the next step().
    std::string_view view(int column) const { return m_impl->column_text(column); }
    int64_t integer(int column) const { return m_impl->column_int(column); }
    bool null(int column) const { return m_impl->column_type(column) == ValueType::Null; }

private:
    std::unique_ptr<StatementImpl> m_impl;
};

/// A write transaction: the engine's exclusive write transaction, or a savepoint inside one
/// already open (batch). Rolled back by the destructor unless committed.
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
/// contacts and tags): a read transaction, or a savepoint inside one already open (batch),
/// ended by the destructor. Nothing is written through it.
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

/// Ids as SQL lists (`1, 2, 3`) of at most `per` each, for `WHERE id IN (…)`: rows read by id a
/// few hundred a statement rather than one each. The ids are numbers, safe in SQL text.
std::vector<std::string> id_lists(const std::vector<int64_t>& ids, size_t per = 500);

/// The newest schema version this pom knows.
int latest_schema_version();

/// A database's location as it may be shown: a URI without its password, a file path as it is.
std::string display_location(const std::string& location);

}  // namespace pom
