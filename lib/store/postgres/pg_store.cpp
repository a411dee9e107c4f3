#include "store/postgres/pg_store.h"

#include "error.h"
#include "store/copy.h"
#include "store/postgres/bulk_load.h"
#include "store/postgres/dialect.h"
#include "store/postgres/schema.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include "store/postgres/libpq.h"
#include <unordered_map>
#include <unordered_set>

namespace pom::pg {

namespace {

// Type numbers of pg_type, as libpq reports them (catalog/pg_type_d.h is a server header).
constexpr Oid k_bool = 16, k_int8 = 20, k_int2 = 21, k_int4 = 23, k_text = 25, k_float4 = 700, k_float8 = 701,
              k_numeric = 1700, k_bytea = 17;
// Every pom writer holds this transaction-level advisory lock: writers exclude each other for the
// whole transaction, as SQLite's BEGIN IMMEDIATE does, so no serialization failure or deadlock
// between pom processes can arise, and ids and numbers are given out in commit order.
constexpr const char* k_write_lock = "SELECT pg_advisory_xact_lock(1347374385)";  // "POM1"

struct Param {
    std::string name, value;
};

/// Splits the `schema` parameter (pom's, not libpq's) off a URI.
std::string take_schema(std::string& uri) {
    auto q = uri.find('?');
    if (q == std::string::npos) return {};
    std::string base = uri.substr(0, q), rest = uri.substr(q + 1), kept, schema;
    size_t start = 0;
    while (start <= rest.size()) {
        size_t amp = rest.find('&', start);
        std::string part = rest.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        if (part.rfind("schema=", 0) == 0)
            schema = part.substr(7);
        else if (!part.empty())
            kept += (kept.empty() ? "" : "&") + part;
        if (amp == std::string::npos) break;
        start = amp + 1;
    }
    uri = kept.empty() ? base : base + "?" + kept;
    return schema;
}

std::string one_line(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    for (char& c : s)
        if (c == '\n' || c == '\t') c = ' ';
    return s;
}

std::string field(const PGresult* r, int code) {
    const char* v = pq().PQresultErrorField(r, code);
    return v ? v : "";
}

/// PostgreSQL's error as pom's, worded as the SQLite engine words the same failure.
Error translate_error(const PGresult* r, PGconn* conn) {
    std::string state = r ? field(r, PG_DIAG_SQLSTATE) : "";
    std::string msg = r ? field(r, PG_DIAG_MESSAGE_PRIMARY) : "";
    if (msg.empty()) msg = one_line(pq().PQerrorMessage(conn));
    std::string table = r ? field(r, PG_DIAG_TABLE_NAME) : "";
    std::string column = r ? field(r, PG_DIAG_COLUMN_NAME) : "";
    if (state.empty() || pq().PQstatus(conn) == CONNECTION_BAD)
        return Error(ErrorKind::Io, "database: the connection to PostgreSQL failed: " + msg);
    if (state == "23505") {
        // "Key (a, b)=(…) already exists." → SQLite's "UNIQUE constraint failed: t.a, t.b"
        std::string detail = field(r, PG_DIAG_MESSAGE_DETAIL), cols;
        auto open = detail.find('('), close = detail.find(')');
        if (open != std::string::npos && close != std::string::npos && close > open) {
            std::string list = detail.substr(open + 1, close - open - 1);
            size_t start = 0;
            while (true) {
                size_t comma = list.find(", ", start);
                cols += (cols.empty() ? "" : ", ") + table + "." + list.substr(start, comma - start);
                if (comma == std::string::npos) break;
                start = comma + 2;
            }
        }
        return Error(ErrorKind::Conflict, "UNIQUE constraint failed: " + (cols.empty() ? table : cols));
    }
    if (state == "23514") return Error(ErrorKind::BadInput, "invalid value: CHECK constraint failed: " + field(r, PG_DIAG_CONSTRAINT_NAME));
    if (state == "23502")
        return Error(ErrorKind::BadInput, "invalid value: NOT NULL constraint failed: " + table + "." + column);
    if (state == "23503")
        return Error(ErrorKind::NotFound, "a referenced record does not exist (FOREIGN KEY constraint failed)");
    // A trigger's refusal (SQLite's RAISE(ABORT, …)) keeps its own words.
    if (state.rfind("23", 0) == 0 || state == "P0001") return Error(ErrorKind::Conflict, msg);
    if (state == "40001" || state == "40P01" || state == "55P03" || state == "57014")
        return Error(ErrorKind::Busy, "the database is busy (locked by another pom); try again later");
    if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0 || state.rfind("53", 0) == 0 || state.rfind("58", 0) == 0)
        return Error(ErrorKind::Io, "database: " + msg);
    if (state == "42501" || state.rfind("28", 0) == 0) return Error(ErrorKind::Permission, "database: " + msg);
    if (state == "3D000" || state == "3F000") return Error(ErrorKind::NoInput, "database: " + msg);
    if (state.rfind("22", 0) == 0) return Error(ErrorKind::BadInput, "invalid value: " + msg);
    return Error(ErrorKind::Internal, "database: " + msg + " [" + state + "]");
}

class PgStore;

PGresult* checked(PGconn* conn, PGresult* r) {
    auto status = pq().PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        Error e = translate_error(r, conn);
        pq().PQclear(r);
        throw e;
    }
    return r;
}

/// New rows' ids, given by pom itself inside a write transaction: the next id of a table is known
/// from a row the pom_assign_id trigger numbered (max(id) + 1, as SQLite's rowid gives it) or read
/// once (before many rows at once), and counted up from there, instead of the trigger's query per
/// row. Writers hold pom's advisory lock, so nothing else inserts meanwhile; what pom runs that
/// could change a table's highest id otherwise (a DELETE, an INSERT of rows pom did not see
/// numbered, a rollback to a savepoint, any other SQL) makes it ask again. The tables are those of
/// numbered_tables(): the database is at the latest schema version once open (a migration runs
/// first), and a table pom numbered without the trigger there would get the same ids.
class Ids {
public:
    explicit Ids(PGconn* conn) : m_conn(conn) {}
    void begin() {
        m_active = true;
        m_next.clear();
    }
    void end() {
        m_active = false;
        m_next.clear();
    }
    void forget() { m_next.clear(); }
    void forget(const std::string& table) { m_next.erase(table); }
    /// The id the next row of the table gets, or nothing when the trigger is to give it.
    std::optional<int64_t> next(const std::string& table) {
        if (!numbers(table)) return std::nullopt;
        if (auto it = m_next.find(table); it != m_next.end()) return it->second;
        PGresult* r = checked(m_conn, pq().PQexec(m_conn, ("SELECT coalesce(max(id), 0) + 1 FROM \"" + table + "\"").c_str()));
        int64_t id = std::strtoll(pq().PQgetvalue(r, 0, 0), nullptr, 10);
        pq().PQclear(r);
        m_next[table] = id;
        return id;
    }
    /// The id the next row of the table gets when this transaction knows it already (no query).
    std::optional<int64_t> known(const std::string& table) const {
        if (!m_active) return std::nullopt;
        auto it = m_next.find(table);
        return it == m_next.end() ? std::nullopt : std::optional<int64_t>(it->second);
    }
    /// Whether pom gives the table's ids (its rows are numbered by the trigger, or by pom).
    bool numbers(const std::string& table) const {
        if (!m_active) return false;
        auto tables = numbered_tables();
        return std::binary_search(tables.begin(), tables.end(), std::string_view(table));
    }
    void used(const std::string& table, int64_t id) { m_next[table] = id + 1; }
    /// A new row the trigger numbered last, its id max(id) + 1: the table's next id follows it.
    void numbered(const std::string& table, int64_t id) {
        if (numbers(table)) m_next[table] = id + 1;
    }

private:
    PGconn* m_conn;
    bool m_active = false;
    std::unordered_map<std::string, int64_t> m_next;
};

/// Where a value goes as text: an element of an array literal ({…}, PostgreSQL's array input), or
/// a JSON value.
enum class Literal { ArrayElement, Json };

/// Appends a value as `as` reads it: text quoted, '"' and '\\' escaped (and in JSON, controls as
/// \\u00XX), every other byte as it is; NULL as NULL or null.
void append_literal(std::string& out, const Cell& v, Literal as) {
    switch (v.type) {
    case ValueType::Null: out += as == Literal::Json ? "null" : "NULL"; break;
    case ValueType::Integer: out += std::to_string(v.integer); break;
    case ValueType::Real: {
        char buf[32];
        auto res = std::to_chars(buf, buf + sizeof buf, v.real);
        out.append(buf, res.ptr);
        break;
    }
    case ValueType::Text:
    case ValueType::Blob:
        out += '"';
        for (char c : v.text) {
            if (as == Literal::Json && static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                out += buf;
                continue;
            }
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
        break;
    }
}

class PgStatement final : public StatementImpl {
    /// The form of the statement run: as written; given its id (sql_with_id); numbering its row
    /// itself (sql_numbered).
    enum class Form { plain, with_id, numbered };

public:
    PgStatement(PGconn* conn, int& counter, std::optional<int64_t>& last_id, Ids& ids, const bool& closing, const std::string& sql)
        : m_conn(conn), m_counter(counter), m_last_id(last_id), m_ids(ids), m_closing(closing), m_tr(pg::translate(sql)), m_values(static_cast<size_t>(m_tr.parameters)),
          m_types(static_cast<size_t>(m_tr.parameters), 0) {}
    ~PgStatement() override {
        clear_result();
        // A connection about to close drops its prepared statements itself: no round trip each.
        if (!m_prepared.empty() && !m_closing && pq().PQstatus(m_conn) == CONNECTION_OK && pq().PQtransactionStatus(m_conn) != PQTRANS_INERROR)
            pq().PQclear(pq().PQexec(m_conn, ("DEALLOCATE " + m_prepared).c_str()));
    }

    void bind_null(int i) override { set(i, std::nullopt, 0); }
    void bind_int(int i, int64_t v) override { set(i, std::to_string(v), k_int8); }
    void bind_real(int i, double v) override {
        char buf[32];
        auto res = std::to_chars(buf, buf + sizeof buf, v);
        set(i, std::string(buf, res.ptr), k_float8);
    }
    void bind_text(int i, std::string_view v) override { set(i, std::string(v), k_text); }
    int parameter_index(const char* name) override {
        for (size_t n = 0; n < m_tr.names.size(); ++n)
            if (m_tr.names[n] == name) return static_cast<int>(n) + 1;
        return 0;
    }
    bool step() override {
        if (!m_res) run();
        if (m_row + 1 >= m_rows) {
            m_row = m_rows;
            return false;
        }
        ++m_row;
        return true;
    }
    int exec() override {
        run();
        const char* n = pq().PQcmdTuples(m_res);
        int changes = n && *n ? std::atoi(n) : 0;
        clear_result();
        return changes;
    }
    void reset() override { clear_result(); }
    void clear_bindings() override {
        clear_result();
        for (auto& v : m_values) v.reset();
        std::fill(m_types.begin(), m_types.end(), 0);
    }
    int column_count() override {
        if (!m_res) run();
        return pq().PQnfields(m_res);
    }
    std::string column_name(int c) override { return pq().PQfname(m_res, c); }
    ValueType column_type(int c) override {
        if (m_pq.PQgetisnull(m_res, m_row, c)) return ValueType::Null;
        switch (type_of(c)) {
        case k_bool:
        case k_int2:
        case k_int4:
        case k_int8: return ValueType::Integer;
        case k_float4:
        case k_float8: return ValueType::Real;
        case k_numeric: return std::strchr(m_pq.PQgetvalue(m_res, m_row, c), '.') ? ValueType::Real : ValueType::Integer;
        case k_bytea: return ValueType::Blob;
        default: return ValueType::Text;
        }
    }
    int64_t column_int(int c) override {
        if (m_pq.PQgetisnull(m_res, m_row, c)) return 0;
        const char* v = m_pq.PQgetvalue(m_res, m_row, c);
        Oid type = type_of(c);
        if (type == k_int8 || type == k_int4 || type == k_int2) {
            int64_t out = 0;
            const char* end = v + std::strlen(v);
            if (std::from_chars(v, end, out).ec == std::errc()) return out;
            return std::strtoll(v, nullptr, 10);
        }
        if (type == k_bool) return v[0] == 't' ? 1 : 0;
        if (type == k_float8 || type == k_numeric || type == k_float4) return static_cast<int64_t>(std::strtod(v, nullptr));
        return std::strtoll(v, nullptr, 10);
    }
    double column_real(int c) override {
        if (m_pq.PQgetisnull(m_res, m_row, c)) return 0;
        const char* v = m_pq.PQgetvalue(m_res, m_row, c);
        if (type_of(c) == k_bool) return v[0] == 't' ? 1 : 0;
        // from_chars reads PostgreSQL's shortest exact digits as strtod does (correctly rounded),
        // in a sixth of its instructions; strtod still reads what it does not (Infinity, NaN).
        double out = 0;
        const char* end = v + m_pq.PQgetlength(m_res, m_row, c);
        if (auto r = std::from_chars(v, end, out); r.ec == std::errc() && r.ptr == end) return out;
        return std::strtod(v, nullptr);
    }
    std::string_view column_text(int c) override {
        if (m_pq.PQgetisnull(m_res, m_row, c)) return {};
        const char* v = m_pq.PQgetvalue(m_res, m_row, c);
        if (type_of(c) == k_bool) return v[0] == 't' ? "1" : "0";
        return {v, static_cast<size_t>(m_pq.PQgetlength(m_res, m_row, c))};
    }

    /// A read that may go in a pipeline with others: it gives no ids and changes nothing.
    bool pipelinable() const { return m_tr.verb == "SELECT" && !m_tr.may_delete && m_tr.sql_with_id.empty(); }
    /// Sends the statement in the connection's pipeline, unnamed; its result comes to receive().
    bool send() {
        clear_result();
        std::vector<const char*> values(m_values.size());
        for (size_t i = 0; i < m_values.size(); ++i) values[i] = m_values[i] ? m_values[i]->c_str() : nullptr;
        ++m_runs;
        return m_pq.PQsendQueryParams(m_conn, m_tr.sql.c_str(), static_cast<int>(values.size()), m_types.data(), values.data(),
                                      nullptr, nullptr, 0) == 1;
    }
    /// Takes the statement's rows from the pipeline: stepping reads them.
    void receive(PGresult* r) {
        clear_result();
        m_res = r;
        m_rows = m_pq.PQntuples(m_res);
        m_row = -1;
    }

private:
    /// A column's type in the result, asked of libpq once a result.
    Oid type_of(int c) {
        if (m_column_types.empty()) {
            int n = m_pq.PQnfields(m_res);
            m_column_types.resize(static_cast<size_t>(n));
            for (int i = 0; i < n; ++i) m_column_types[static_cast<size_t>(i)] = m_pq.PQftype(m_res, i);
        }
        return m_column_types[static_cast<size_t>(c)];
    }
    void set(int i, std::optional<std::string> value, Oid type) {
        if (i < 1 || i > m_tr.parameters) fail(ErrorKind::Internal, "database: parameter " + std::to_string(i) + " out of range");
        clear_result();
        m_values[static_cast<size_t>(i - 1)] = std::move(value);
        m_types[static_cast<size_t>(i - 1)] = type;
    }
    void clear_result() {
        if (m_res) m_pq.PQclear(m_res);
        m_res = nullptr;
        m_column_types.clear();
        m_row = -1;
        m_rows = 0;
    }
    /// Runs the statement. Its first run goes as one unnamed statement; a statement run again is
    /// prepared once (per form and types of its parameters) and executed by name after that.
    void run() {
        clear_result();
        // An INSERT of one row into a table whose ids pom gives: the form that takes the id when
        // the transaction knows it, else the form that numbers the row as the trigger would (and
        // the next id follows it); the trigger numbers what pom does not.
        std::optional<int64_t> id;
        Form form = Form::plain;
        if (!m_tr.sql_with_id.empty()) {
            id = m_ids.known(m_tr.table);
            if (id) form = Form::with_id;
            else if (m_ids.numbers(m_tr.table)) form = Form::numbered;
        }
        std::string id_text = id ? std::to_string(*id) : std::string();
        const std::string& sql = form == Form::with_id ? m_tr.sql_with_id : form == Form::numbered ? m_tr.sql_numbered : m_tr.sql;
        std::vector<const char*> values(m_values.size() + (id ? 1 : 0));
        for (size_t i = 0; i < m_values.size(); ++i) values[i] = m_values[i] ? m_values[i]->c_str() : nullptr;
        if (id) values.back() = id_text.c_str();
        m_types.push_back(k_int8);  // the id's type, counted only when given
        int n = static_cast<int>(values.size());
        if (m_runs++ == 0) {
            m_res = pq().PQexecParams(m_conn, sql.c_str(), n, m_types.data(), values.data(), nullptr, nullptr, 0);
        } else {
            if (m_prepared.empty() || m_prepared_types != m_types || m_prepared_form != form) {
                std::string name = "pom" + std::to_string(++m_counter);
                PGresult* p = pq().PQprepare(m_conn, name.c_str(), sql.c_str(), n, m_types.data());
                if (pq().PQresultStatus(p) != PGRES_COMMAND_OK) {
                    m_types.pop_back();
                    Error e = translate_error(p, m_conn);
                    pq().PQclear(p);
                    throw e;
                }
                pq().PQclear(p);
                if (!m_prepared.empty()) pq().PQclear(pq().PQexec(m_conn, ("DEALLOCATE " + m_prepared).c_str()));
                m_prepared = name;
                m_prepared_types = m_types;
                m_prepared_form = form;
            }
            m_res = pq().PQexecPrepared(m_conn, m_prepared.c_str(), n, values.data(), nullptr, nullptr, 0);
        }
        m_types.pop_back();
        auto status = pq().PQresultStatus(m_res);
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            Error e = translate_error(m_res, m_conn);
            clear_result();
            throw e;
        }
        m_rows = pq().PQntuples(m_res);
        m_row = -1;
        // A highest row deleted (cascades too) has its id given again.
        if (m_tr.may_delete) m_ids.forget();
        if (m_tr.returns_own_rows && !m_tr.table.empty()) {
            // Its rows are the caller's; the id pom gave is used when a row came back.
            if (id && m_rows > 0) {
                m_ids.used(m_tr.table, *id);
                m_last_id = *id;
            } else if (!id) {
                m_ids.forget(m_tr.table);
                int column = pq().PQfnumber(m_res, "id");
                if (!m_tr.sql_with_id.empty() && m_rows == 1 && column >= 0 && !pq().PQgetisnull(m_res, 0, column))
                    m_ids.numbered(m_tr.table, std::strtoll(pq().PQgetvalue(m_res, 0, column), nullptr, 10));
            }
        }
        if (m_tr.returns_last_id) {
            // The ids are pom's own business: the statement reads as the plain INSERT it was.
            if (id) {
                // No row: ON CONFLICT DO NOTHING skipped it, and the id is still free.
                if (m_rows > 0 && std::strtoll(pq().PQgetvalue(m_res, 0, 0), nullptr, 10) == *id) {
                    m_ids.used(m_tr.table, *id);
                    m_last_id = *id;
                }
            } else {
                m_ids.forget(m_tr.table);  // the trigger, or the statement, gave the ids
                if (m_rows > 0 && !pq().PQgetisnull(m_res, m_rows - 1, 0))
                    m_last_id = std::strtoll(pq().PQgetvalue(m_res, m_rows - 1, 0), nullptr, 10);
                // One new row, numbered by the trigger: its id is the table's highest.
                if (!m_tr.sql_with_id.empty() && m_rows == 1 && m_last_id) m_ids.numbered(m_tr.table, *m_last_id);
            }
            m_rows = 0;
        }
    }

    PGconn* m_conn;
    int& m_counter;
    std::optional<int64_t>& m_last_id;
    Ids& m_ids;
    const bool& m_closing;
    Translated m_tr;
    std::vector<std::optional<std::string>> m_values;
    std::vector<Oid> m_types;
    std::string m_prepared;
    std::vector<Oid> m_prepared_types;
    Form m_prepared_form = Form::plain;
    PGresult* m_res = nullptr;
    std::vector<Oid> m_column_types;  ///< m_res's, as type_of reads them
    int m_row = -1, m_rows = 0, m_runs = 0;
    const Libpq& m_pq = pq();
};

struct Migration {
    int version;       ///< the schema version this step leaves
    const char* sql;
};

/// PostgreSQL's migrations. Its first step makes SQLite's schema version 10 whole; later steps
/// carry the same numbers as SQLite's.
const std::vector<Migration>& migrations() {
    static const std::vector<Migration> all = {{10, schema_sql()}, {11, schema_v11_sql()}, {12, schema_v12_sql()}, {13, schema_v13_sql()}, {14, schema_v14_sql()}, {15, schema_v15_sql()}, {16, schema_v16_sql()}, {17, schema_v17_sql()}, {18, schema_v18_sql()}, {19, schema_v19_sql()}, {20, schema_v20_sql()}, {21, schema_v21_sql()}};
    return all;
}

class PgStore final : public Store {
public:
    PgStore(PGconn* conn, std::string display, std::string schema)
        : Store(std::move(display)), m_conn(conn), m_schema(std::move(schema)), m_ids(conn) {}
    ~PgStore() override {
        m_closing = true;
        clear_statements();
        pq().PQfinish(m_conn);
    }

    int schema_version() override { return read_version().value_or(0); }
    bool in_transaction() const override { return pq().PQtransactionStatus(m_conn) != PQTRANS_IDLE; }
    std::unique_ptr<StatementImpl> compile(const std::string& sql) override {
        return std::make_unique<PgStatement>(m_conn, m_counter, m_last_id, m_ids, m_closing, sql);
    }
    void exec(const std::string& sql) override {
        m_last_id.reset();  // an INSERT run here leaves its id to be asked for
        // Whatever else it is, it may have changed a table's highest id; a savepoint does not.
        if (sql.rfind("SAVEPOINT ", 0) != 0 && sql.rfind("RELEASE ", 0) != 0) m_ids.forget();
        run_sql(sql);
    }
    void run_sql(const std::string& sql) {
        PGresult* r = pq().PQexec(m_conn, sql.c_str());
        auto status = pq().PQresultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            Error e = translate_error(r, m_conn);
            pq().PQclear(r);
            throw e;
        }
        pq().PQclear(r);
    }
    /// Many rows a statement: one array of each column's values, their ids given by pom, through
    /// `INSERT … SELECT * FROM unnest($1::bigint[], $2::text[], …)`, a statement prepared once per
    /// table and columns whatever the number of rows (a multi-row VALUES would be parsed and planned
    /// again for every count of rows). Where the trigger is to number the rows (outside a write
    /// transaction), one INSERT a row.
    std::vector<int64_t> insert_rows(const NewRows& rows) override {
        if (rows.empty()) return {};
        // A few rows of a table and columns not written so yet: one multi-row VALUES, whose
        // values read as their columns' types without asking for them, and which reads the
        // table's max(id) itself unless the next id is known. Written again, the prepared unnest
        // form below.
        const std::string key = rows_key(rows);
        if (rows.size() <= k_few_rows && m_ids.numbers(rows.table()) && m_few_rows_written.insert(key).second)
            return insert_values(rows);
        std::optional<int64_t> first = m_ids.next(rows.table());
        if (!first) return Store::insert_rows(rows);
        RowsStatement& st = rows_statement(rows, key);
        const size_t n = rows.size(), columns = rows.columns().size();
        std::vector<int64_t> ids(n);
        for (size_t start = 0; start < n; start += k_rows_a_statement) {
            size_t end = std::min(n, start + k_rows_a_statement);
            std::vector<std::string> arrays(columns + 1, "{");
            for (size_t r = start; r < end; ++r) {
                ids[r] = *first + static_cast<int64_t>(r);
                const char* comma = r > start ? "," : "";
                arrays[0] += comma + std::to_string(ids[r]);
                for (size_t c = 0; c < columns; ++c) {
                    arrays[c + 1] += comma;
                    append_literal(arrays[c + 1], rows.cell(r, c), Literal::ArrayElement);
                }
            }
            std::vector<const char*> values;
            for (auto& a : arrays) values.push_back((a += '}').c_str());
            // Its first run goes as one unnamed statement (one round trip); prepared when it runs again.
            if (st.runs++ == 1) {
                st.name = "pom" + std::to_string(++m_counter);
                pq().PQclear(checked(m_conn, pq().PQprepare(m_conn, st.name.c_str(), st.sql.c_str(), 0, nullptr)));
            }
            int count = static_cast<int>(values.size());
            pq().PQclear(checked(m_conn, st.name.empty() ? pq().PQexecParams(m_conn, st.sql.c_str(), count, nullptr, values.data(), nullptr, nullptr, 0)
                                                         : pq().PQexecPrepared(m_conn, st.name.c_str(), count, values.data(), nullptr, nullptr, 0)));
            m_ids.used(rows.table(), ids[end - 1]);
            m_last_id = ids[end - 1];
        }
        return ids;
    }
    /// insert_rows of a few rows: the rows as one JSON array of objects, which
    /// json_populate_recordset reads as the table's own row type (so no round trip asks for the
    /// columns' types), numbered from the table's max(id) by the statement itself.
    std::vector<int64_t> insert_values(const NewRows& rows) {
        const std::string& table = rows.table();
        const std::string sql = insert_values_sql(rows, "$1");
        const std::string json = rows_json(rows);
        const char* values[] = {json.c_str()};
        PGresult* r = checked(m_conn, pq().PQexecParams(m_conn, sql.c_str(), 1, nullptr, values, nullptr, nullptr, 0));
        std::vector<int64_t> ids;
        for (int i = 0; i < pq().PQntuples(r); ++i) ids.push_back(std::strtoll(pq().PQgetvalue(r, i, 0), nullptr, 10));
        pq().PQclear(r);
        if (ids.size() != rows.size()) fail(ErrorKind::Internal, "database: an INSERT into " + table + " returned " + std::to_string(ids.size()) + " ids");
        int64_t last = *std::max_element(ids.begin(), ids.end());
        m_ids.used(table, last);  // the highest id now
        m_last_id = last;
        std::sort(ids.begin(), ids.end());  // the rows' order
        return ids;
    }
    /// insert_values' statement, the rows' JSON array in place of `rows` (a parameter, or a literal).
    static std::string insert_values_sql(const NewRows& rows, const std::string& json) {
        const std::string& table = rows.table();
        std::string sql = "INSERT INTO " + table + " (id", select;
        for (const auto& c : rows.columns()) {
            sql += ", " + c;
            select += ", j." + c;
        }
        return sql + ") SELECT (SELECT coalesce(max(id), 0) FROM " + table + ") + j.ordinality" + select +
               " FROM json_populate_recordset(NULL::" + table + ", " + json + ") WITH ORDINALITY AS j ORDER BY j.ordinality RETURNING id";
    }
    /// The rows as a JSON array of objects named by their columns.
    static std::string rows_json(const NewRows& rows) {
        const auto& columns = rows.columns();
        std::string json = "[";
        for (size_t r = 0; r < rows.size(); ++r) {
            json += r ? ",{" : "{";
            for (size_t c = 0; c < columns.size(); ++c) {
                json += (c ? ",\"" : "\"") + columns[c] + "\":";
                append_literal(json, rows.cell(r, c), Literal::Json);
            }
            json += "}";
        }
        return json + "]";
    }
    /// A command's audit entries (held back until now) and the COMMIT in one round trip: one
    /// INSERT of a few rows, its JSON a literal, and COMMIT, as one query; a failing INSERT leaves
    /// the COMMIT undone and the transaction to be rolled back. Many rows go as before.
    void commit_write() override {
        const NewRows* held = deferred_rows();
        if (!held || held->size() > k_few_rows || !m_ids.numbers(held->table())) return Store::commit_write();
        const NewRows rows = take_deferred();
        const std::string json = rows_json(rows);
        char* literal = pq().PQescapeLiteral(m_conn, json.c_str(), json.size());
        if (!literal) fail(ErrorKind::BadInput, "invalid value: " + one_line(pq().PQerrorMessage(m_conn)));
        std::string sql = insert_values_sql(rows, literal);
        pq().PQfreemem(literal);
        m_ids.end();
        run_sql(sql + "; COMMIT");
    }
    int64_t last_insert_id() override {
        if (!m_last_id) m_last_id = query_int("SELECT coalesce(current_setting('pom.last_id', true), '0')::bigint");
        return *m_last_id;
    }
    void begin_write() override {
        // BEGIN and pom's write lock in one round trip.
        m_last_id.reset();
        const std::string sql = std::string("BEGIN; ") + k_write_lock;
        PGresult* r = nullptr;
        try {
            r = checked(m_conn, pq().PQexec(m_conn, sql.c_str()));
        } catch (...) {
            try {
                if (pq().PQtransactionStatus(m_conn) == PQTRANS_INERROR) run_sql("ROLLBACK");
            } catch (...) {
                // The error that stopped the BEGIN or the lock is the one to tell.
            }
            throw;
        }
        pq().PQclear(r);
        m_ids.begin();
    }
    void begin_read() override { exec("BEGIN ISOLATION LEVEL REPEATABLE READ"); }
    void commit() override {
        m_ids.end();
        exec("COMMIT");
    }
    void rollback() override {
        m_ids.end();
        exec("ROLLBACK");
    }

    std::string note_search_sql(const std::vector<SearchTerm>& terms, bool by_customer, int64_t limit,
                                std::string& query) override {
        // A tsquery of quoted lexemes, every term required: nothing typed is tsquery syntax.
        query.clear();
        for (const auto& t : terms) {
            std::string quoted = "'";
            for (char c : t.word) {
                if (c == '\'' || c == '\\') quoted += c;
                quoted += c;
            }
            quoted += "'";
            query += (query.empty() ? "" : " & ") + quoted + (t.prefix ? ":*" : "");
        }
        std::string sql =
            "SELECT f.id AS id, ts_headline('pom_english', n.text, x.q, 'StartSel=[, StopSel=], MaxWords=16, MinWords=8, "
            "ShortWord=0, MaxFragments=1, FragmentDelimiter=…') AS snip, -ts_rank_cd(f.tsv, x.q) AS rank "
            "FROM note_fts f JOIN note n ON n.id = f.id CROSS JOIN (SELECT to_tsquery('pom_english', :q) AS q) AS x "
            "WHERE f.tsv @@ x.q";
        if (by_customer) sql += " AND n.customer_id = :customer";
        sql += " ORDER BY rank, f.id";
        if (limit > 0) sql += " LIMIT " + std::to_string(limit);
        return sql;
    }

    std::string photo_dir() override {
        // The files stay on this machine: $XDG_DATA_HOME/pom/photos, as a file database's default.
        const char* xdg = std::getenv("XDG_DATA_HOME");
        const char* home = std::getenv("HOME");
        std::string base = xdg && *xdg ? std::string(xdg) : std::string(home ? home : ".") + "/.local/share";
        return base + "/pom/photos";
    }

    bool has_table(const std::string& name) override {
        auto& q = prepare("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?");
        q.bind(1, name);
        bool yes = q.executeStep();
        q.reset();
        return yes;
    }
    std::vector<std::string> columns_of(const std::string& table) override {
        std::vector<std::string> out;
        Statement q(*this, "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                           "AND table_name = ? ORDER BY ordinal_position");
        q.bind(1, table);
        while (q.executeStep()) out.push_back(q.getColumn(0).getString());
        return out;
    }

    std::vector<DatabaseProblem> check() override {
        // PostgreSQL keeps its own pages, references and encoding sound; what pom can check is
        // that every constraint holds for the rows there are.
        std::vector<DatabaseProblem> problems;
        Statement q(*this,
                    "SELECT conrelid::regclass::text, conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                    "WHERE n.nspname = current_schema() AND NOT c.convalidated");
        while (q.executeStep())
            problems.push_back({"integrity", q.getColumn(0).getString(), std::nullopt, "",
                                "constraint " + q.getColumn(1).getString() + " not validated"});
        return problems;
    }

    // A SQLite file holding the same rows, checked table by table: an offline copy that pom opens.
    void backup(const std::string& dest) override { backup_by_copy(*this, dest); }

    DatabaseStats stats() override {
        DatabaseStats s;
        s.path = path();
        s.schema_version = schema_version();
        s.page_size = query_int("SELECT current_setting('block_size')::bigint");
        s.page_count = query_int("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) / current_setting('block_size')::bigint "
                                 "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                 "WHERE n.nspname = current_schema() AND c.relkind = 'r'");
        s.freelist_count = 0;
        s.journal_mode = "postgresql";
        Statement t(*this, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname");
        std::vector<std::string> names;
        while (t.executeStep()) names.push_back(t.getColumn(0).getString());
        for (const auto& n : names) s.tables.push_back({n, query_int("SELECT count(*) FROM \"" + n + "\"")});
        return s;
    }

    std::vector<TableInfo> tables() override { return catalog_tables(*this); }
    void begin_bulk_load() override {
        m_restore.clear();
        m_ids.forget();
        m_rows_statements.clear();
    }
    void end_bulk_load() override {
        finish_bulk_load(*this, std::exchange(m_restore, {}));
        m_ids.forget();
        m_rows_statements.clear();
    }
    std::unique_ptr<RowLoader> row_loader(const TableInfo& table) override { return copy_loader(*this, m_conn, table, m_restore); }

    /// The session's settings and the schema version (nothing when pom's tables are not there) in
    /// one round trip, as a new connection needs them.
    std::optional<int> connect_version(const std::string& settings) {
        PGresult* r = pq().PQexec(m_conn, (settings + "; SELECT value::integer FROM pom_meta WHERE key = 'schema_version'").c_str());
        if (pq().PQresultStatus(r) == PGRES_TUPLES_OK) {
            std::optional<int> version = pq().PQntuples(r) > 0 ? std::optional<int>(std::atoi(pq().PQgetvalue(r, 0, 0))) : std::optional<int>(0);
            pq().PQclear(r);
            return version;
        }
        bool missing = field(r, PG_DIAG_SQLSTATE) == "42P01";  // undefined_table: no pom here yet
        if (!missing) {
            Error e = translate_error(r, m_conn);
            pq().PQclear(r);
            throw e;
        }
        pq().PQclear(r);
        run_sql(settings);  // undone with the failed query's implicit transaction
        return std::nullopt;
    }

    /// The schema version, or nothing when pom's tables are not there.
    std::optional<int> read_version() {
        PGresult* r = pq().PQexec(m_conn, "SELECT to_regclass('pom_meta') IS NOT NULL");
        bool exists = pq().PQresultStatus(r) == PGRES_TUPLES_OK && pq().PQgetvalue(r, 0, 0)[0] == 't';
        if (pq().PQresultStatus(r) != PGRES_TUPLES_OK) {
            Error e = translate_error(r, m_conn);
            pq().PQclear(r);
            throw e;
        }
        pq().PQclear(r);
        if (!exists) return std::nullopt;
        return static_cast<int>(query_int("SELECT value::integer FROM pom_meta WHERE key = 'schema_version'"));
    }

    void migrate(bool create) {
        WriteTx tx(*this);
        if (!m_schema.empty() && create) exec("CREATE SCHEMA IF NOT EXISTS " + quote_ident(m_schema));
        auto version = read_version();
        int from = version.value_or(0);
        if (from > latest_schema_version())
            fail(ErrorKind::NewerDatabase, "database " + path() + " was upgraded by a newer pom meanwhile");
        for (const auto& m : migrations()) {
            if (m.version <= from) continue;
            exec(m.sql);
        }
        m_ids.forget();
        m_rows_statements.clear();
        if (from < latest_schema_version()) {
            exec("UPDATE pom_meta SET value = '" + std::to_string(latest_schema_version()) + "' WHERE key = 'schema_version'");
            set_migrated_from(from);
        }
        tx.commit();
    }

    std::string quote_ident(const std::string& s) {
        char* q = pq().PQescapeIdentifier(m_conn, s.c_str(), s.size());
        if (!q) fail(ErrorKind::BadInput, "schema name: " + one_line(pq().PQerrorMessage(m_conn)));
        std::string out = q;
        pq().PQfreemem(q);
        return out;
    }

    const std::string& schema() const { return m_schema; }

protected:
    /// The reads sent one after another without waiting, then their results read in order: one
    /// round trip for all. A statement that fails stops the rest (PostgreSQL aborts a pipeline at
    /// its first error); its error is thrown once every result is read.
    void run_impls_together(const std::vector<StatementImpl*>& statements) override {
        std::vector<PgStatement*> batch;
        for (StatementImpl* s : statements)
            if (auto* p = dynamic_cast<PgStatement*>(s); p && p->pipelinable()) batch.push_back(p);
        if (batch.size() < 2 || pq().PQenterPipelineMode(m_conn) != 1) return;  // each runs alone when stepped
        size_t sent = 0;
        while (sent < batch.size() && batch[sent]->send()) ++sent;
        std::optional<Error> failed;
        if (sent < batch.size()) failed = translate_error(nullptr, m_conn);
        if (pq().PQpipelineSync(m_conn) != 1 && !failed)
            failed = translate_error(nullptr, m_conn);
        for (size_t k = 0; k < sent; ++k) {
            PGresult* r = pq().PQgetResult(m_conn);
            if (!r) {
                if (!failed) failed = translate_error(nullptr, m_conn);
                break;
            }
            auto status = pq().PQresultStatus(r);
            if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
                batch[k]->receive(r);
            } else {
                if (!failed && status != PGRES_PIPELINE_ABORTED) failed = translate_error(r, m_conn);
                pq().PQclear(r);
            }
            while (PGresult* rest = pq().PQgetResult(m_conn)) pq().PQclear(rest);  // a query's results end with a null
        }
        // The sync's own result, then out of pipeline mode.
        while (PGresult* r = pq().PQgetResult(m_conn)) {
            bool sync = pq().PQresultStatus(r) == PGRES_PIPELINE_SYNC;
            pq().PQclear(r);
            if (sync) break;
        }
        if (pq().PQexitPipelineMode(m_conn) != 1 && !failed)
            failed = translate_error(nullptr, m_conn);
        if (failed) throw *failed;
    }

private:
    static constexpr size_t k_rows_a_statement = 1000;
    static constexpr size_t k_few_rows = 32;  ///< at most this many rows go as a VALUES list the first time

    /// An insert_rows statement: its SQL, and its name once prepared.
    struct RowsStatement {
        std::string sql, name;
        int runs = 0;
    };
    static std::string rows_key(const NewRows& rows) {
        std::string key = rows.table();
        for (const auto& c : rows.columns()) key += "," + c;
        return key;
    }
    /// The statement that inserts rows of these columns of the table (`key`: rows_key's).
    RowsStatement& rows_statement(const NewRows& rows, const std::string& key) {
        if (auto it = m_rows_statements.find(key); it != m_rows_statements.end()) return it->second;
        // Each array has its column's own type, so every value reads as that column's input.
        std::unordered_map<std::string, std::string> types;
        const char* table[] = {rows.table().c_str()};
        PGresult* r = checked(m_conn, pq().PQexecParams(m_conn,
                                                   "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                                                   "WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
                                                   1, nullptr, table, nullptr, nullptr, 0));
        for (int i = 0; i < pq().PQntuples(r); ++i) types[pq().PQgetvalue(r, i, 0)] = pq().PQgetvalue(r, i, 1);
        pq().PQclear(r);
        std::string sql = "INSERT INTO " + rows.table() + " (id", arrays = "unnest($1::bigint[]";
        for (size_t c = 0; c < rows.columns().size(); ++c) {
            const std::string& column = rows.columns()[c];
            auto t = types.find(column);
            if (t == types.end()) fail(ErrorKind::Internal, "database: no column " + rows.table() + "." + column);
            sql += ", " + column;
            arrays += ", $" + std::to_string(c + 2) + "::" + t->second + "[]";
        }
        sql += ") SELECT * FROM " + arrays + ")";
        return m_rows_statements.emplace(key, RowsStatement{sql, "", 0}).first->second;
    }

    PGconn* m_conn;
    std::string m_schema;
    int m_counter = 0;
    std::optional<int64_t> m_last_id;
    std::vector<std::string> m_restore;  ///< what puts back what a bulk load set aside
    std::unordered_set<std::string> m_few_rows_written;  ///< the rows_key of tables insert_values wrote
    Ids m_ids;
    bool m_closing = false;
    std::unordered_map<std::string, RowsStatement> m_rows_statements;  ///< insert_rows' statements, by table and columns
};

}  // namespace

Error error_of(const PGresult* result, PGconn* conn) { return translate_error(result, conn); }

bool is_uri(const std::string& location) {
    return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string display_uri(const std::string& uri) {
    std::string out = uri;
    // user:password@ → user@
    auto scheme = out.find("://");
    if (scheme != std::string::npos) {
        auto at = out.find('@', scheme + 3);
        auto slash = out.find('/', scheme + 3);
        if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
            auto colon = out.find(':', scheme + 3);
            if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
        }
    }
    // ?password=…&… → gone
    auto q = out.find('?');
    if (q != std::string::npos) {
        std::string base = out.substr(0, q), rest = out.substr(q + 1), kept;
        size_t start = 0;
        while (start <= rest.size()) {
            size_t amp = rest.find('&', start);
            std::string part = rest.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
            if (part.rfind("password=", 0) != 0 && !part.empty()) kept += (kept.empty() ? "" : "&") + part;
            if (amp == std::string::npos) break;
            start = amp + 1;
        }
        out = kept.empty() ? base : base + "?" + kept;
    }
    return out;
}

int latest_schema_version() { return migrations().back().version; }

std::unique_ptr<Store> open(const std::string& location, const Store::OpenOptions& options) {
    std::string conninfo = location;
    std::string schema = take_schema(conninfo);
    std::string display = display_uri(location);
    PGconn* conn = pq().PQconnectdb(conninfo.c_str());
    if (!conn) fail(ErrorKind::Internal, "out of memory connecting to " + display);
    if (pq().PQstatus(conn) != CONNECTION_OK) {
        std::string msg = one_line(pq().PQerrorMessage(conn));
        pq().PQfinish(conn);
        // libpq names the server and the user, never the password.
        if (msg.find("does not exist") != std::string::npos)
            fail(ErrorKind::NoInput, "no database at " + display + ": " + msg);
        if (msg.find("password") != std::string::npos || msg.find("permission") != std::string::npos)
            fail(ErrorKind::Permission, "cannot open database " + display + ": " + msg);
        fail(ErrorKind::Io, "cannot connect to " + display + ": " + msg);
    }
    // The server's notices (a shutdown's WARNING, a NOTICE of CREATE ... IF NOT EXISTS) are not
    // pom's to print: its one line on stderr is the error that follows, if any.
    pq().PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
    auto store = std::make_unique<PgStore>(conn, display, schema);
    // A pooled connection (PgBouncer in session pooling) may come with what an earlier client
    // left when the pooler resets nothing: its settings (a search path) are reset and the
    // statements it prepared (pom1, pom2, …, names this process gives again) dropped, in the same
    // round trip.
    std::string settings = "DEALLOCATE ALL; RESET ALL; SET client_min_messages = warning; SET client_encoding = 'UTF8'; SET lock_timeout = " +
                           std::to_string(options.busy_timeout_ms);
    if (!schema.empty()) settings += "; SET search_path = " + store->quote_ident(schema);
    auto version = store->connect_version(settings);
    if (!version && !options.create)
        fail(ErrorKind::NoInput, "no database at " + display + " (create one with: pom init --db " + display + ")");
    if (version && *version > latest_schema_version())
        fail(ErrorKind::NewerDatabase, "database " + display + " has schema version " + std::to_string(*version) +
                                           ", made by a newer pom (this pom knows up to " +
                                           std::to_string(latest_schema_version()) + "); upgrade pom");
    if (!version || *version < latest_schema_version()) store->migrate(options.create);
    return store;
}

}  // namespace pom::pg
