#include "store/copy.h"

#include "checksum.h"
#include "error.h"
#include "store/sqlite/sqlite_store.h"

#include <charconv>
#include <filesystem>
#include <map>
#include <set>

namespace pom {

namespace {

// Rows per page of a table scan: what an engine that fetches a whole result (libpq) holds at once.
constexpr int k_page_rows = 10000;

std::string ident(const std::string& name) { return "\"" + name + "\""; }

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + ident(n);
    return out;
}

/// A key value of the last row read, kept past the next step.
struct KeyValue {
    ValueType type = ValueType::Null;
    int64_t integer = 0;
    double real = 0;
    std::string text;
};

/// A table's rows in key order, a page at a time: the next page starts after the last key read
/// (keyset paging), so each page is one index range on either engine.
class TableScan {
public:
    TableScan(Store& store, const TableInfo& table) : m_row(table.columns.size()) {
        if (table.key.empty()) fail(ErrorKind::Internal, "table " + table.name + " has no primary key to copy it by");
        for (const auto& k : table.key) {
            size_t i = 0;
            while (i < table.columns.size() && table.columns[i] != k) ++i;
            if (i == table.columns.size()) fail(ErrorKind::Internal, "table " + table.name + ": key column " + k + " not found");
            m_key_index.push_back(static_cast<int>(i));
        }
        m_last.resize(table.key.size());
        std::string select = "SELECT " + joined(table.columns) + " FROM " + ident(table.name);
        // NULLS LAST, though a key has no NULLs: it is the order of PostgreSQL's indexes, and
        // without it the PostgreSQL engine asks for SQLite's NULLS FIRST, which its index cannot
        // give: each page would sort the whole table.
        std::string order;
        for (const auto& k : table.key) order += (order.empty() ? " ORDER BY " : ", ") + ident(k) + " NULLS LAST";
        order += " LIMIT " + std::to_string(k_page_rows);
        std::string after;
        if (table.key.size() == 1) {
            after = ident(table.key[0]) + " > ?";
        } else {
            std::string marks;
            for (size_t i = 0; i < table.key.size(); ++i) marks += i ? ", ?" : "?";
            after = "(" + joined(table.key) + ") > (" + marks + ")";
        }
        m_first = std::make_unique<Statement>(store, select + order);
        m_next = std::make_unique<Statement>(store, select + " WHERE " + after + order);
        m_at = m_first.get();
    }

    /// Steps to the next row; false after the last.
    bool next() {
        while (true) {
            if (m_at->executeStep()) {
                ++m_in_page;
                read();
                return true;
            }
            if (m_in_page < k_page_rows) return false;
            m_next->reset();
            for (size_t i = 0; i < m_last.size(); ++i) {
                const KeyValue& k = m_last[i];
                int n = static_cast<int>(i) + 1;
                switch (k.type) {
                case ValueType::Null: m_next->bind(n); break;
                case ValueType::Integer: m_next->bind(n, static_cast<long long>(k.integer)); break;
                case ValueType::Real: m_next->bind(n, k.real); break;
                case ValueType::Text:
                case ValueType::Blob: m_next->bind(n, k.text); break;
                }
            }
            m_at = m_next.get();
            m_in_page = 0;
        }
    }

    /// The current row: valid until the next call of next().
    const std::vector<Cell>& row() const { return m_row; }

private:
    void read() {
        for (size_t i = 0; i < m_row.size(); ++i) {
            Column c = m_at->getColumn(static_cast<int>(i));
            Cell& cell = m_row[i];
            // The type first, then only its own accessor: SQLite converts a value in place when
            // it is read as another type.
            cell.type = c.type();
            switch (cell.type) {
            case ValueType::Null: break;
            case ValueType::Integer: cell.integer = c.getInt64(); break;
            case ValueType::Real: cell.real = c.getDouble(); break;
            case ValueType::Text:
            case ValueType::Blob: cell.text = c.view(); break;
            }
        }
        for (size_t i = 0; i < m_key_index.size(); ++i) {
            const Cell& cell = m_row[static_cast<size_t>(m_key_index[i])];
            m_last[i] = {cell.type, cell.integer, cell.real, std::string(cell.text)};
        }
    }

    std::unique_ptr<Statement> m_first, m_next;
    Statement* m_at = nullptr;
    std::vector<Cell> m_row;
    std::vector<int> m_key_index;
    std::vector<KeyValue> m_last;
    int m_in_page = 0;
};

/// The checksum of a table's rows (see TableDigest).
class RowDigest {
public:
    explicit RowDigest(const TableInfo& table) {
        m_text = table.name + "(";
        for (size_t i = 0; i < table.columns.size(); ++i) m_text += (i ? "," : "") + table.columns[i];
        m_text += ")\n";
    }

    void add(const std::vector<Cell>& row) {
        char number[32];
        for (const Cell& c : row) {
            switch (c.type) {
            case ValueType::Null: m_text += 'N'; break;
            case ValueType::Integer: {
                auto r = std::to_chars(number, number + sizeof number, c.integer);
                m_text += 'I';
                m_text.append(number, r.ptr);
                m_text += ';';
                break;
            }
            case ValueType::Real: {
                auto r = std::to_chars(number, number + sizeof number, c.real);
                m_text += 'R';
                m_text.append(number, r.ptr);
                m_text += ';';
                break;
            }
            case ValueType::Text:
            case ValueType::Blob: {
                auto r = std::to_chars(number, number + sizeof number, c.text.size());
                m_text += 'T';
                m_text.append(number, r.ptr);
                m_text += ':';
                m_text.append(c.text);
                break;
            }
            }
        }
        m_text += '\n';
        ++m_rows;
        if (m_text.size() >= (1u << 16)) flush();
    }

    TableDigest finish() {
        flush();
        return {m_rows, m_sha.hex()};
    }

private:
    void flush() {
        m_sha.update(m_text);
        m_text.clear();
    }

    Sha256 m_sha;
    std::string m_text;
    int64_t m_rows = 0;
};

/// Refuses a target that holds any row a new database would not (the number series it starts
/// with are allowed): compared with a new in-memory database, by row counts, then checksums.
void require_empty(Store& target, const std::vector<TableInfo>& tables) {
    auto fresh = Store::open_memory();
    std::string found;
    int tables_with_rows = 0;
    for (const auto& t : tables) {
        std::string count = "SELECT count(*) FROM " + ident(t.name);
        int64_t rows = target.query_int(count);
        int64_t fresh_rows = fresh->query_int(count);
        if (rows == fresh_rows && (rows == 0 || digest_table(target, t) == digest_table(*fresh, t))) continue;
        if (++tables_with_rows <= 5) found += (found.empty() ? "" : ", ") + t.name + " " + std::to_string(rows);
    }
    if (tables_with_rows == 0) return;
    if (tables_with_rows > 5) found += ", ...";
    fail(ErrorKind::Conflict, target.path() + " already holds a company (rows: " + found +
                                  "); db copy only writes into an empty database");
}

}  // namespace

TableDigest digest_table(Store& store, const TableInfo& table) {
    TableScan scan(store, table);
    RowDigest digest(table);
    while (scan.next()) digest.add(scan.row());
    return digest.finish();
}

std::vector<TableInfo> tables_in_load_order(Store& store) {
    std::map<std::string, TableInfo> left;
    for (auto& t : store.tables()) left.emplace(t.name, std::move(t));
    std::vector<TableInfo> order;
    std::set<std::string> placed;
    while (!left.empty()) {
        // The first table by name whose referenced tables are all placed (a table may refer to
        // itself: its rows go in key order, parents first, as ids grow).
        auto ready = left.begin();
        for (; ready != left.end(); ++ready) {
            bool ok = true;
            for (const auto& r : ready->second.references) ok = ok && (r == ready->first || placed.count(r));
            if (ok) break;
        }
        if (ready == left.end())
            fail(ErrorKind::Internal, "the tables' foreign keys form a cycle (" + left.begin()->first + ", ...): no order to copy them in");
        placed.insert(ready->first);
        order.push_back(std::move(ready->second));
        left.erase(ready);
    }
    return order;
}

std::vector<TableCopy> copy_rows(Store& source, Store& target) {
    if (!target.in_transaction()) fail(ErrorKind::Internal, "copy_rows: the target is not in a write transaction");
    if (source.schema_version() != target.schema_version())
        fail(ErrorKind::Conflict, "the source has schema version " + std::to_string(source.schema_version()) + " and " +
                                      target.path() + " has " + std::to_string(target.schema_version()) +
                                      ": both must be at the same version");
    ReadTx snapshot(source);
    auto tables = tables_in_load_order(source);
    auto target_tables = tables_in_load_order(target);
    if (tables != target_tables)
        fail(ErrorKind::Conflict, "the tables of " + target.path() + " differ from the source's (same schema version, other columns)");
    require_empty(target, tables);

    std::vector<TableCopy> out;
    target.begin_bulk_load();
    for (const auto& t : tables) {
        auto loader = target.row_loader(t);
        TableScan scan(source, t);
        RowDigest digest(t);
        while (scan.next()) {
            digest.add(scan.row());
            loader->add(scan.row());
        }
        loader->finish();
        out.push_back({t.name, digest.finish(), std::nullopt});
    }
    target.end_bulk_load();
    for (size_t i = 0; i < tables.size(); ++i) out[i].target = digest_table(target, tables[i]);
    return out;
}

std::vector<TableCopy> survey_rows(Store& source) {
    ReadTx snapshot(source);
    std::vector<TableCopy> out;
    for (const auto& t : tables_in_load_order(source)) out.push_back({t.name, digest_table(source, t), std::nullopt});
    return out;
}

void backup_by_copy(Store& source, const std::string& dest) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(dest, ec)) fail(ErrorKind::Conflict, dest + " already exists; choose a new file");
    try {
        Store::OpenOptions options;
        options.create = true;
        auto target = sqlite::open(dest, options);
        WriteTx tx(*target);
        auto tables = copy_rows(source, *target);
        for (const auto& t : tables)
            if (!t.same()) fail(ErrorKind::Internal, "the copy of table " + t.table + " differs from the source; nothing was kept");
        tx.commit();
    } catch (...) {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(dest + suffix, ec);
        throw;
    }
}

}  // namespace pom
