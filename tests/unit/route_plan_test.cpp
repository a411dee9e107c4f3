// route plan's --weekdays: ranges and lists in week order, Monday first; bad text is a usage error.
#include "error.h"
#include "route_plan.h"

#include <catch2/catch.hpp>

using namespace pom;

namespace {

ErrorKind kind_of(const std::string& text) {
    try {
        parse_weekdays(text, "--weekdays");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("--weekdays: '" + text + "'") != std::string::npos);
        return e.kind();
    }
    FAIL("no error for " << text);
    return ErrorKind::BadInput;
}

}  // namespace

TEST_CASE("weekdays: ranges and lists, Monday first, each day once") {
    CHECK(parse_weekdays("mon-fri", "--weekdays") == std::vector<int>{1, 2, 3, 4, 5});
    CHECK(parse_weekdays("fri,MON,wed", "--weekdays") == std::vector<int>{1, 3, 5});
    CHECK(parse_weekdays("sat-sun", "--weekdays") == std::vector<int>{6, 0});
    CHECK(parse_weekdays("mon-wed,tue-thu,sun", "--weekdays") == std::vector<int>{1, 2, 3, 4, 0});
    CHECK(parse_weekdays("thu", "--weekdays") == std::vector<int>{4});
    CHECK(weekday_key(0) == "sun");
    CHECK(weekday_key(3) == "wed");
}

TEST_CASE("weekdays: what is not a list of days is a usage error") {
    for (const char* bad : {"", "monday", "mon-", "mon,,tue", "fri-mon", "sun-mon", "mon-tue-wed", "1-5"})
        CHECK(kind_of(bad) == ErrorKind::Usage);
}
