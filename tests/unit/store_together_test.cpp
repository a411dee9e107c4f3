// Store::run_together: reads sent together (PostgreSQL: one round trip, libpq's pipeline mode)
// give what each gives run alone, on both engines. The [pg] cases run as CTest's unit_pg, on the
// throwaway cluster of the PostgreSQL run (POM_TEST_PG names the file holding its URI).
#include "error.h"
#include "pg_test_store.h"
#include "store/store.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace pom;
using pom::test::pg_store;

namespace {

std::vector<std::string> rows(Statement& q) {
    std::vector<std::string> out;
    while (q.executeStep()) {
        std::string row;
        for (int c = 0; c < q.getColumnCount(); ++c) row += (c ? "|" : "") + q.getColumn(c).getString();
        out.push_back(row);
    }
    return out;
}

/// Three reads together, one of them twice over, and a write among them: each gives what it gives alone.
void reads_together_as_alone(Store& store) {
    store.exec("CREATE TABLE together_t (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    store.exec("INSERT INTO together_t (key, value) VALUES ('a', '1'), ('b', '2'), ('c', '3')");
    const std::string all = "SELECT key, value FROM together_t WHERE key IN ('a', 'b', 'c') ORDER BY key";
    const std::string one = "SELECT value FROM together_t WHERE key = ?";
    std::vector<std::string> alone_all, alone_one;
    {
        Statement q(store, all);
        alone_all = rows(q);
        Statement o(store, one);
        o.bind(1, "b");
        alone_one = rows(o);
    }
    REQUIRE(alone_all == std::vector<std::string>{"a|1", "b|2", "c|3"});
    REQUIRE(alone_one == std::vector<std::string>{"2"});
    Statement q(store, all), o(store, one), none(store, one), count(store, "SELECT count(*) FROM together_t WHERE key IN ('a', 'b', 'c')");
    Statement write(store, "UPDATE together_t SET value = '9' WHERE key = 'c'");
    o.bind(1, "b");
    none.bind(1, "nothing");
    store.run_together({&q, &o, &none, &write, &count});
    CHECK(rows(q) == alone_all);
    CHECK(rows(o) == alone_one);
    CHECK(rows(none).empty());
    // The write was left to run when stepped: it runs once, now.
    CHECK(write.exec() == 1);
    CHECK(rows(count) == std::vector<std::string>{"3"});
    CHECK(store.query_int("SELECT count(*) FROM together_t WHERE key = 'c' AND value = '9'") == 1);
    // Run again, together or alone, with new bindings.
    o.reset();
    o.bind(1, "a");
    q.reset();
    store.run_together({&q, &o});
    CHECK(rows(o) == std::vector<std::string>{"1"});
    CHECK(rows(q) == std::vector<std::string>{"a|1", "b|2", "c|9"});
}

}  // namespace

TEST_CASE("run_together on SQLite: each read runs when stepped, as alone") {
    auto store = Store::open_memory();
    reads_together_as_alone(*store);
}

TEST_CASE("run_together on PostgreSQL: reads in one round trip, as alone", "[pg]") {
    auto store = pg_store("together");
    reads_together_as_alone(*store);
}

TEST_CASE("run_together on PostgreSQL: a read that fails stops the batch; its error is thrown and the connection goes on", "[pg]") {
    auto store = pg_store("together_error");
    Statement ok(*store, "SELECT count(*) FROM pom_meta");
    Statement bad(*store, "SELECT 1 / (count(*) - count(*)) FROM pom_meta");  // division by zero, on the server
    Statement after(*store, "SELECT key FROM pom_meta ORDER BY key LIMIT 1");
    try {
        store->run_together({&ok, &bad, &after});
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::BadInput);
        CHECK(std::string(e.what()).find("division by zero") != std::string::npos);
    }
    // Out of pipeline mode, nothing left pending: the next statements run as usual, alone or together.
    CHECK(store->query_int("SELECT count(*) FROM pom_meta WHERE key = 'schema_version'") == 1);
    Statement again(*store, "SELECT count(*) FROM pom_meta WHERE key = 'schema_version'");
    Statement last(*store, "SELECT 2");
    store->run_together({&again, &last});
    CHECK(rows(again) == std::vector<std::string>{"1"});
    CHECK(rows(last) == std::vector<std::string>{"2"});
    // Inside a write transaction, the error undoes the transaction as any failed statement does.
    {
        WriteTx tx(*store);
        store->exec("INSERT INTO pom_meta (key, value) VALUES ('in_tx', '1')");
        Statement bad2(*store, "SELECT 1 / (count(*) - count(*)) FROM pom_meta");
        Statement fine(*store, "SELECT 1");
        CHECK_THROWS_AS(store->run_together({&fine, &bad2}), Error);
    }  // rolled back
    CHECK(store->query_int("SELECT count(*) FROM pom_meta WHERE key = 'in_tx'") == 0);
}
