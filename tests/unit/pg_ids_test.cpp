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
