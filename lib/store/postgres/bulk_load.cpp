#include "store/postgres/bulk_load.h"

#include <charconv>

namespace pom::pg {

namespace {

std::string ident(const std::string& name) { return "\"" + name + "\""; }

std::vector<std::string> strings(Store& store, const std::string& sql, const std::string& parameter) {
    std::vector<std::string> out;
    Statement q(store, sql);
    q.bind(1, parameter);
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
}

class CopyLoader final : public RowLoader {
public:
    CopyLoader(Store& store, PGconn* conn, const TableInfo& table, std::vector<std::string>& restore) : m_conn(conn) {
        std::string name = ident(table.name);
        store.exec("ALTER TABLE " + name + " DISABLE TRIGGER USER");
        restore.push_back("ALTER TABLE " + name + " ENABLE TRIGGER USER");
        // A foreign key checks each row by a query of its own as it is copied (three times the
        // cost of the copy of a checklist); added back after the load, it checks the whole table
        // in one join. Same name, same definition.
        std::vector<std::pair<std::string, std::string>> keys;
        {
            Statement q(store, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                               "WHERE conrelid = to_regclass(quote_ident(?)) AND contype = 'f' ORDER BY conname");
            q.bind(1, table.name);
            while (q.executeStep()) keys.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
        }
        for (const auto& [constraint, definition] : keys) {
            store.exec("ALTER TABLE " + name + " DROP CONSTRAINT " + ident(constraint));
            restore.push_back("ALTER TABLE " + name + " ADD CONSTRAINT " + ident(constraint) + " " + definition);
        }
        store.exec("DELETE FROM " + name);
        std::string columns;
        for (const auto& c : table.columns) columns += (columns.empty() ? "" : ", ") + ident(c);
        PGresult* r = pq().PQexec(conn, ("COPY " + ident(table.name) + " (" + columns + ") FROM STDIN").c_str());
        if (pq().PQresultStatus(r) != PGRES_COPY_IN) {
            Error e = error_of(r, conn);
            pq().PQclear(r);
            throw e;
        }
        pq().PQclear(r);
        m_copying = true;
        m_text.reserve(k_chunk + 4096);
    }

    ~CopyLoader() override {
        if (!m_copying) return;
        // Stopped half-way (an error while reading the source): end the COPY with an error so
        // that the connection can roll the transaction back.
        pq().PQputCopyEnd(m_conn, "db copy stopped");
        while (PGresult* r = pq().PQgetResult(m_conn)) pq().PQclear(r);
    }

    void add(const std::vector<Cell>& row) override {
        char number[32];
        for (size_t i = 0; i < row.size(); ++i) {
            if (i) m_text += '\t';
            const Cell& c = row[i];
            switch (c.type) {
            case ValueType::Null: m_text += "\\N"; break;
            case ValueType::Integer: m_text.append(number, std::to_chars(number, number + sizeof number, c.integer).ptr); break;
            case ValueType::Real: m_text.append(number, std::to_chars(number, number + sizeof number, c.real).ptr); break;
            case ValueType::Text:
            case ValueType::Blob:
                for (char ch : c.text) {
                    switch (ch) {
                    case '\\': m_text += "\\\\"; break;
                    case '\n': m_text += "\\n"; break;
                    case '\r': m_text += "\\r"; break;
                    case '\t': m_text += "\\t"; break;
                    default: m_text += ch;
                    }
                }
                break;
            }
        }
        m_text += '\n';
        if (m_text.size() >= k_chunk) send();
    }

    void finish() override {
        send();
        m_copying = false;
        if (pq().PQputCopyEnd(m_conn, nullptr) != 1) throw error_of(nullptr, m_conn);
        PGresult* r = pq().PQgetResult(m_conn);
        bool ok = pq().PQresultStatus(r) == PGRES_COMMAND_OK;
        Error e = ok ? Error(ErrorKind::Internal, "") : error_of(r, m_conn);
        pq().PQclear(r);
        while (PGresult* more = pq().PQgetResult(m_conn)) pq().PQclear(more);
        if (!ok) throw e;
    }

private:
    static constexpr size_t k_chunk = 1 << 20;

    void send() {
        if (m_text.empty()) return;
        if (pq().PQputCopyData(m_conn, m_text.data(), static_cast<int>(m_text.size())) != 1) throw error_of(nullptr, m_conn);
        m_text.clear();
    }

    PGconn* m_conn;
    std::string m_text;
    bool m_copying = false;
};

}  // namespace

std::vector<TableInfo> catalog_tables(Store& store) {
    std::vector<TableInfo> out;
    {
        Statement q(store, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = current_schema() AND c.relkind = 'r' "
                           "AND c.relname NOT IN ('pom_meta', 'note_fts') ORDER BY c.relname");
        while (q.executeStep()) out.push_back({q.getColumn(0).getString(), {}, {}, {}});
    }
    for (auto& t : out) {
        t.columns = store.columns_of(t.name);
        t.key = strings(store,
                        "SELECT a.attname FROM pg_index i "
                        "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k (attnum, n) "
                        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                        "WHERE i.indrelid = to_regclass(quote_ident(?)) AND i.indisprimary ORDER BY k.n",
                        t.name);
        t.references = strings(store,
                               "SELECT DISTINCT p.relname FROM pg_constraint c JOIN pg_class p ON p.oid = c.confrelid "
                               "WHERE c.contype = 'f' AND c.conrelid = to_regclass(quote_ident(?)) ORDER BY 1",
                               t.name);
    }
    return out;
}

std::unique_ptr<RowLoader> copy_loader(Store& store, PGconn* conn, const TableInfo& table, std::vector<std::string>& restore) {
    return std::make_unique<CopyLoader>(store, conn, table, restore);
}

void finish_bulk_load(Store& store, const std::vector<std::string>& restore) {
    for (const auto& sql : restore) store.exec(sql);
    store.exec("DELETE FROM note_fts");
    store.exec("INSERT INTO note_fts (id, tsv) SELECT id, to_tsvector('pom_english', text) FROM note");
}

}  // namespace pom::pg
