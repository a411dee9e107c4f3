// The tables whose ids pom gives on PostgreSQL are known without asking the catalog
// (numbered_tables()): this holds them to the catalog of a database pom has just made, where each
// has the pom_assign_id trigger (tests/pg/schema_check.py holds the triggers to SQLite's tables
// with an integer primary key id).
#include "pg_test_store.h"
#include "store/postgres/schema.h"
#include "store/store.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace pom;

TEST_CASE("numbered_tables is sorted, each table once", "[pg]") {
    auto tables = pg::numbered_tables();
    REQUIRE(tables.size() > 40);
    REQUIRE(std::is_sorted(tables.begin(), tables.end()));
    REQUIRE(std::adjacent_find(tables.begin(), tables.end()) == tables.end());
}

TEST_CASE("numbered_tables are the tables with the pom_assign_id trigger", "[pg]") {
    auto store = test::pg_store("numbered");
    Statement q(*store, "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                        "WHERE t.tgname = 'pom_assign_id' AND c.relnamespace = current_schema()::regnamespace ORDER BY 1");
    std::vector<std::string> catalog;
    while (q.executeStep()) catalog.push_back(q.getColumn(0).getString());
    auto tables = pg::numbered_tables();
    REQUIRE(catalog == std::vector<std::string>(tables.begin(), tables.end()));
}

TEST_CASE("a first INSERT of one row numbers it as the trigger would, without the trigger", "[pg]") {
    auto store = test::pg_store("first_insert");
    auto add = [&](const std::string& name, int64_t id_given = 0) {
        Statement q(*store, id_given ? "INSERT INTO worker (id, name, created_at, updated_at) VALUES (?, ?, 'x', 'x')"
                                     : "INSERT INTO worker (name, created_at, updated_at) VALUES (?, ?, 'x') ON CONFLICT DO NOTHING");
        if (id_given) {
            q.bind(1, id_given);
            q.bind(2, name);
        } else {
            q.bind(1, name);
            q.bind(2, "x");
        }
        return q.exec();
    };
    auto left_by_trigger = [&] {
        Statement q(*store, "SELECT coalesce(current_setting('pom.last_id', true), '')");
        REQUIRE(q.executeStep());
        return q.getColumn(0).getString();
    };
    {
        WriteTx tx(*store);
        REQUIRE(add("Ana", 7) == 1);  // a gap: the next is max(id) + 1, 8
        tx.commit();
    }
    WriteTx tx(*store);
    REQUIRE(add("Bob") == 1);
    REQUIRE(store->last_insert_id() == 8);
    // The row was numbered by the statement: the trigger, which leaves pom.last_id, did not run.
    REQUIRE(left_by_trigger().empty());
    REQUIRE(add("Bob") == 0);  // skipped by ON CONFLICT: no id used
    REQUIRE(add("Cy") == 1);
    REQUIRE(store->last_insert_id() == 9);
    Statement q(*store, "SELECT string_agg(id || ' ' || name, ', ' ORDER BY id) FROM worker");
    REQUIRE(q.executeStep());
    REQUIRE(q.getColumn(0).getString() == "7 Ana, 8 Bob, 9 Cy");
    tx.rollback();
}
