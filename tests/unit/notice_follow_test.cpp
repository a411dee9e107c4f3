// lib/notice_follow: a series rule in the words a customer reads.
#include "notice_follow.h"

#include <catch2/catch.hpp>

using namespace pom;

namespace {
Date day(int y, unsigned m, unsigned d) { return date::year{y} / date::month{m} / date::day{d}; }
}  // namespace

TEST_CASE("rule_in_words says the common rules and falls back for the rest") {
    Date tuesday = day(2026, 12, 8);
    CHECK(rule_in_words("FREQ=WEEKLY;BYDAY=TU", tuesday) == "every Tuesday");
    CHECK(rule_in_words("FREQ=WEEKLY", tuesday) == "every Tuesday");
    CHECK(rule_in_words("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", tuesday) == "every 2 weeks on Monday and Thursday");
    CHECK(rule_in_words("FREQ=WEEKLY;BYDAY=MO,WE,FR", tuesday) == "every Monday, Wednesday and Friday");
    CHECK(rule_in_words("FREQ=DAILY", tuesday) == "every day");
    CHECK(rule_in_words("FREQ=DAILY;INTERVAL=3", tuesday) == "every 3 days");
    CHECK(rule_in_words("FREQ=MONTHLY;BYMONTHDAY=1", tuesday) == "every month on day 1");
    CHECK(rule_in_words("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270601", tuesday) == "every Tuesday");
    CHECK(rule_in_words("FREQ=MONTHLY;BYDAY=-1FR", tuesday) == "on a regular schedule");
    CHECK(rule_in_words("FREQ=MONTHLY;BYMONTHDAY=-1", tuesday) == "on a regular schedule");
    CHECK(rule_in_words("FREQ=YEARLY;BYMONTH=6", tuesday) == "on a regular schedule");
}
