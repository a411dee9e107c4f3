#include "store/store.h"

#include "error.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace pom {

Store::~Store() = default;

std::unique_ptr<Store> Store::open(const std::string& location, const OpenOptions& options) {
    if (pg::is_uri(location)) return pg::open(location, options);
    return sqlite::open(location, options);
}

std::string Store::display(const std::string& location) {
    return pg::is_uri(location) ? pg::display_uri(location) : location;
}

std::unique_ptr<Store> Store::open_memory() { return sqlite::open_memory(); }

int latest_schema_version() { return sqlite::latest_schema_version(); }

std::string display_location(const std::string& location) {
    return pg::is_uri(location) ? pg::display_uri(location) : location;
}

std::vector<std::string> id_lists(const std::vector<int64_t>& ids, size_t per) {
    std::vector<std::string> out;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i % per == 0) out.emplace_back();
        out.back() += (i % per ? ", " : "") + std::to_string(ids[i]);
    }
    return out;
}

Statement::Statement(Store& store, const std::string& sql)
    : m_impl(store.compile(sql)), m_store(&store), m_names_deferred(sql.find(Store::k_deferred_table) != std::string::npos) {}

void Statement::write_deferred() {
    if (m_store->has_deferred()) m_store->write_deferred();
}

void Store::run_together(std::initializer_list<Statement*> statements) {
    std::vector<StatementImpl*> impls;
    for (Statement* s : statements) {
        if (s->m_names_deferred) s->write_deferred();
        impls.push_back(s->m_impl.get());
    }
    run_impls_together(impls);
}

void Store::defer_rows(const NewRows& rows) {
    if (rows.table() != k_deferred_table) fail(ErrorKind::Internal, "rows of " + rows.table() + " cannot be held back");
    if (m_deferred && m_deferred->columns() != rows.columns()) write_deferred();
    if (!m_deferred) m_deferred.emplace(rows.table(), rows.columns());
    m_deferred->append(rows);
}

void Store::write_deferred() {
    if (!m_deferred) return;
    NewRows rows = std::move(*m_deferred);
    m_deferred.reset();  // dropped even when the write fails: the transaction is rolled back then
    insert_rows(rows);
}

int Statement::index_of(const char* name) {
    int i = m_impl->parameter_index(name);
    if (i == 0) fail(ErrorKind::Internal, std::string("the statement has no parameter ") + name);
    return i;
}

Statement& Store::prepare(const std::string& sql) {
    auto& slot = m_cache[sql];
    if (!slot) {
        slot = std::make_unique<Statement>(*this, sql);
    } else {
        slot->reset();
        slot->clearBindings();
    }
    return *slot;
}

std::vector<int64_t> Store::insert_rows(const NewRows& rows) {
    std::vector<int64_t> ids;
    if (rows.empty()) return ids;
    const auto& columns = rows.columns();
    std::string names, marks;
    for (size_t c = 0; c < columns.size(); ++c) {
        names += (c ? ", " : "") + columns[c];
        marks += c ? ", ?" : "?";
    }
    auto& q = prepare("INSERT INTO " + rows.table() + " (" + names + ") VALUES (" + marks + ")");
    ids.reserve(rows.size());
    for (size_t r = 0; r < rows.size(); ++r) {
        q.reset();  // keeps the bindings
        for (size_t c = 0; c < columns.size(); ++c) {
            Cell v = rows.cell(r, c);
            // A value the row before had is bound still: an expand's visits of a series differ
            // in two columns of sixteen, and SQLite copies every text bound.
            if (r > 0) {
                Cell before = rows.cell(r - 1, c);
                if (before.type == v.type && before.integer == v.integer && before.text == v.text) continue;
            }
            int i = static_cast<int>(c) + 1;
            switch (v.type) {
            case ValueType::Null: q.bind(i); break;
            case ValueType::Integer: q.bind(i, static_cast<long long>(v.integer)); break;
            case ValueType::Real: q.bind(i, v.real); break;
            case ValueType::Text:
            case ValueType::Blob: q.bind(i, v.text); break;
            }
        }
        q.exec();
        ids.push_back(last_insert_id());
    }
    return ids;
}

int64_t Store::query_int(const std::string& sql) {
    Statement q(*this, sql);
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

std::string Store::query_text(const std::string& sql) {
    Statement q(*this, sql);
    return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

ReadTx::ReadTx(Store& store) : m_store(store) {
    if (store.in_transaction()) {
        m_savepoint = "pom_sp" + std::to_string(store.next_savepoint());
        store.exec("SAVEPOINT " + m_savepoint);
    } else {
        store.begin_read();
    }
}

ReadTx::~ReadTx() {
    try {
        if (m_savepoint.empty())
            m_store.commit();
        else
            m_store.exec("RELEASE " + m_savepoint);
    } catch (...) {
        // Nothing was written: the read ends when the connection closes.
    }
}

WriteTx::WriteTx(Store& store) : m_store(store) {
    if (store.read_only())
        fail(ErrorKind::Permission, "database " + store.path() + " is read-only (the file cannot be written): only reads work");
    if (store.in_transaction()) {
        // Held-back rows belong to the enclosing transaction: a rollback to this savepoint drops
        // only what was held back after it.
        store.write_deferred();
        m_savepoint = "pom_sp" + std::to_string(store.next_savepoint());
        store.exec("SAVEPOINT " + m_savepoint);
    } else {
        store.drop_deferred();
        store.begin_write();
    }
}

WriteTx::~WriteTx() {
    if (!m_done) {
        try {
            rollback();
        } catch (...) {
            // A failed rollback leaves the engine to roll back when the connection closes.
        }
    }
}

void Store::commit_write() {
    write_deferred();
    commit();
}

void WriteTx::commit() {
    if (m_savepoint.empty()) {
        m_store.commit_write();
    } else {
        m_store.write_deferred();
        m_store.exec("RELEASE " + m_savepoint);
    }
    m_done = true;
}

void WriteTx::rollback() {
    m_done = true;
    m_store.drop_deferred();
    if (m_savepoint.empty()) {
        if (m_store.in_transaction()) m_store.rollback();
    } else {
        m_store.exec("ROLLBACK TO " + m_savepoint);
        m_store.exec("RELEASE " + m_savepoint);
    }
}

}  // namespace pom
