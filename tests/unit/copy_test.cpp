// A whole company copied between stores (lib/store/copy.h), on the SQLite engine: the load order,
// the checksum's text, the copy itself, and a target left as it was when the copy fails.
// tests/e2e/test_db_copy.py copies between SQLite and PostgreSQL.
#include "api_answer.h"
#include "api_token.h"
#include "checksum.h"
#include "error.h"
#include "fixture.h"
#include "note.h"
#include "store/copy.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace pom;

namespace {

size_t place(const std::vector<TableInfo>& tables, const std::string& name) {
    auto it = std::find_if(tables.begin(), tables.end(), [&](const TableInfo& t) { return t.name == name; });
    REQUIRE(it != tables.end());
    return static_cast<size_t>(it - tables.begin());
}

std::string sha256(const std::string& text) {
    Sha256 s;
    s.update(text);
    return s.hex();
}

/// A small company: customers (with contacts, tags, the audit log), a worker with an API token
/// and an idempotency answer, and a note.
void fill(test::Fixture& f) {
    int64_t c = f.customer("Karen Henderson");
    f.customer("Luis Martínez");
    int64_t w = f.worker("Maria Lopez");
    add_api_token(f.ctx, w, std::string("phone"), std::nullopt);
    {
        WriteTx tx(*f.store);
        save_api_answer(f.ctx, w, "k-1", "f", 201, "{}");
        tx.commit();
    }
    NoteFields n;
    n.customer_id = c;
    n.kind = "call";
    n.text = "Heater leaks at the union; salt cell looks fine";
    add_note(f.ctx, n);
}

/// Every trigger's SQL, by name.
std::string triggers(Store& store) {
    return store.query_text("SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name)");
}

}  // namespace

TEST_CASE("tables come parents first, without the note search index or SQLite's own") {
    auto store = Store::open_memory();
    auto tables = tables_in_load_order(*store);
    CHECK(tables.size() == 46);
    for (const auto& t : tables) {
        CHECK(t.name.rfind("note_fts", 0) == std::string::npos);
        CHECK(t.name.rfind("sqlite_", 0) == std::string::npos);
        CHECK_FALSE(t.key.empty());
        for (const auto& r : t.references)
            if (r != t.name) CHECK(place(tables, r) < place(tables, t.name));
    }
    CHECK(place(tables, "customer") < place(tables, "pool"));
    CHECK(place(tables, "invoice") < place(tables, "invoice_line"));
    auto service_check = tables[place(tables, "service_check")];
    CHECK(service_check.key == std::vector<std::string>{"service_id", "item"});
    CHECK(tables[place(tables, "number_series")].key == std::vector<std::string>{"kind"});
}

TEST_CASE("a table's checksum is SHA-256 of its rows' text in key order, page after page") {
    auto store = Store::open_memory();
    store->exec("CREATE TABLE t (a INTEGER, b TEXT, r REAL, s TEXT, PRIMARY KEY (a, b)) STRICT");
    store->exec("INSERT INTO t VALUES (2, 'x', 1e300, ''), (1, 'z', 0.1, 'tab\there\nline'), (1, 'y', NULL, NULL), "
                "(-5, 'é', -2.5, 'ünï')");
    TableInfo t{"t", {"a", "b", "r", "s"}, {"a", "b"}, {}};
    auto d = digest_table(*store, t);
    CHECK(d.rows == 4);
    CHECK(d.sha256 == sha256("t(a,b,r,s)\n"
                             "I-5;T2:\xc3\xa9R-2.5;T5:\xc3\xbcn\xc3\xaf\n"
                             "I1;T1:yNN\n"
                             "I1;T1:zR0.1;T13:tab\there\nline\n"
                             "I2;T1:xR1e+300;T0:\n"));

    // More rows than a page (10,000): each row once, in key order.
    store->exec("CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT) STRICT");
    store->exec("WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25001) "
                "INSERT INTO big SELECT i * 3, 'v' || i FROM n");
    std::string text = "big(id,v)\n";
    for (int i = 1; i <= 25001; ++i) {
        std::string v = "v" + std::to_string(i);
        text += "I" + std::to_string(i * 3) + ";T" + std::to_string(v.size()) + ":" + v + "\n";
    }
    auto big = digest_table(*store, {"big", {"id", "v"}, {"id"}, {}});
    CHECK(big.rows == 25001);
    CHECK(big.sha256 == sha256(text));
}

TEST_CASE("copy_rows: every row as it was, the triggers back, note search rebuilt, ids go on") {
    test::Fixture f;
    fill(f);
    auto target = Store::open_memory();
    WriteTx tx(*target);
    auto copied = copy_rows(*f.store, *target);
    tx.commit();
    REQUIRE(copied.size() == 46);
    for (const auto& t : copied) {
        INFO(t.table);
        CHECK(t.same());
    }
    auto audit = std::find_if(copied.begin(), copied.end(), [](const TableCopy& t) { return t.table == "audit_log"; });
    CHECK(audit->source.rows == f.count("SELECT count(*) FROM audit_log"));
    CHECK(triggers(*target) == triggers(*f.store));
    CHECK(target->query_int("SELECT rowid FROM note_fts WHERE note_fts MATCH 'heater'") == 1);
    CHECK_THROWS_AS(target->exec("DELETE FROM audit_log"), Error);  // append-only again
    target->exec("INSERT INTO worker (name, role, active, created_at, updated_at) "
                 "VALUES ('Tom', 'technician', 1, '2026-11-23T15:00:00Z', '2026-11-23T15:00:00Z')");
    CHECK(target->last_insert_id() == f.count("SELECT max(id) FROM worker") + 1);
}

TEST_CASE("copy_rows refuses a target with a company's rows and writes nothing") {
    test::Fixture f;
    fill(f);
    test::Fixture other;
    other.customer("Somebody");
    int64_t audit = other.count("SELECT count(*) FROM audit_log");
    {
        WriteTx tx(*other.store);
        try {
            copy_rows(*f.store, *other.store);
            FAIL("copied into a database with rows");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Conflict);
            CHECK_THAT(e.what(), Catch::Contains("already holds a company (rows: audit_log 1, customer 1"));
        }
    }
    CHECK(other.count("SELECT count(*) FROM audit_log") == audit);
    CHECK(other.count("SELECT count(*) FROM customer") == 1);
}

TEST_CASE("a copy that fails at its commit leaves the target empty, with its triggers") {
    test::Fixture f;
    fill(f);
    // A pool whose customer is gone: only the commit's deferred foreign-key check sees it.
    f.store->exec("PRAGMA foreign_keys = OFF");
    f.store->exec("INSERT INTO pool (customer_id, created_at, updated_at) "
                  "VALUES (999, '2026-11-23T15:00:00Z', '2026-11-23T15:00:00Z')");
    auto target = Store::open_memory();
    std::string before = triggers(*target);
    {
        WriteTx tx(*target);
        for (const auto& t : copy_rows(*f.store, *target)) CHECK(t.same());
        CHECK_THROWS_AS(tx.commit(), Error);
    }
    CHECK_FALSE(target->in_transaction());
    CHECK(triggers(*target) == before);
    CHECK(target->query_int("SELECT count(*) FROM customer") == 0);
    CHECK(target->query_int("SELECT count(*) FROM number_series") == 2);
}
