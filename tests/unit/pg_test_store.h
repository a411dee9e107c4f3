// A company on the PostgreSQL run's throwaway cluster for the [pg] unit cases (CTest's unit_pg
// names the file holding the cluster's URI in POM_TEST_PG), in a schema of its own.
#pragma once

#include "store/store.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>

namespace pom::test {

inline std::unique_ptr<Store> pg_store(const std::string& name) {
    const char* state = std::getenv("POM_TEST_PG");
    REQUIRE(state != nullptr);  // unit_pg sets it; run the [pg] cases through CTest
    std::ifstream in(state);
    std::string base;
    std::getline(in, base);
    REQUIRE(base.rfind("postgresql://", 0) == 0);
    Store::OpenOptions o;
    o.create = true;
    return Store::open(base + "&schema=" + name + "_" + std::to_string(::getpid()), o);
}

}  // namespace pom::test
