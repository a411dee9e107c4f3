// The bulk load every engine can do: one prepared INSERT per row.
#include "store/store.h"

namespace pom {

namespace {

std::string ident(const std::string& name) { return "\"" + name + "\""; }

class InsertLoader final : public RowLoader {
public:
    InsertLoader(Store& store, const TableInfo& table) {
        std::string columns, marks;
        for (const auto& c : table.columns) {
            columns += (columns.empty() ? "" : ", ") + ident(c);
            marks += marks.empty() ? "?" : ", ?";
        }
        store.exec("DELETE FROM " + ident(table.name));
        m_insert = std::make_unique<Statement>(store, "INSERT INTO " + ident(table.name) + " (" + columns + ") VALUES (" + marks + ")");
    }

    void add(const std::vector<Cell>& row) override {
        for (size_t i = 0; i < row.size(); ++i) {
            int n = static_cast<int>(i) + 1;
            const Cell& c = row[i];
            switch (c.type) {
            case ValueType::Null: m_insert->bind(n); break;
            case ValueType::Integer: m_insert->bind(n, static_cast<long long>(c.integer)); break;
            case ValueType::Real: m_insert->bind(n, c.real); break;
            case ValueType::Text:
            case ValueType::Blob: m_insert->bind(n, c.text); break;
            }
        }
        m_insert->exec();
    }

    void finish() override { m_insert.reset(); }

private:
    std::unique_ptr<Statement> m_insert;
};

}  // namespace

std::unique_ptr<RowLoader> Store::row_loader(const TableInfo& table) { return std::make_unique<InsertLoader>(*this, table); }

}  // namespace pom
