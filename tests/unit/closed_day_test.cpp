// lib/closed_day: where a visit due on a closed or non-working day goes.
#include "closed_day.h"
#include "error.h"

#include <catch2/catch.hpp>

using namespace pom;

namespace {

Date day(const std::string& s) { return parse_date(s, "test"); }
std::string text(const std::optional<Date>& d) { return d ? format_date(*d) : "skip"; }

// Monday to Friday; Christmas (a Friday) and Monday 2026-12-28 closed.
WorkCalendar calendar() {
    return WorkCalendar({1, 2, 3, 4, 5}, {{"2026-12-25", "Christmas"}, {"2026-12-28", ""}});
}

}  // namespace

TEST_CASE("open days are working weekdays that are not closed") {
    WorkCalendar cal = calendar();
    CHECK(cal.is_open(day("2026-12-24")));
    CHECK_FALSE(cal.is_open(day("2026-12-25")));
    CHECK(cal.is_closed(day("2026-12-25")));
    CHECK_FALSE(cal.is_open(day("2026-12-26")));  // a Saturday
    CHECK_FALSE(cal.is_closed(day("2026-12-26")));
    CHECK(cal.why_not_open(day("2026-12-25")) == "closed (Christmas)");
    CHECK(cal.why_not_open(day("2026-12-28")) == "closed");
    CHECK(cal.why_not_open(day("2026-12-27")) == "not a working day (sun)");
    CHECK(cal.why_not_open(day("2026-12-29")).empty());
}

TEST_CASE("a visit on a closed day goes to the open day before or after, or is skipped") {
    WorkCalendar cal = calendar();
    Date today = day("2026-12-01");
    CHECK(text(cal.place(day("2026-12-24"), OnClosed::after, today)) == "2026-12-24");
    // After Christmas come a weekend and a closed Monday.
    CHECK(text(cal.place(day("2026-12-25"), OnClosed::after, today)) == "2026-12-29");
    CHECK(text(cal.place(day("2026-12-25"), OnClosed::before, today)) == "2026-12-24");
    CHECK(text(cal.place(day("2026-12-28"), OnClosed::before, today)) == "2026-12-24");
    CHECK(text(cal.place(day("2026-12-25"), OnClosed::skip, today)) == "skip");
    // Never into the past: "before" that would land before today goes after instead.
    CHECK(text(cal.place(day("2026-12-25"), OnClosed::before, day("2026-12-25"))) == "2026-12-29");
}

TEST_CASE("a series' visit never lands on a day the series visits anyway") {
    WorkCalendar cal = calendar();
    std::vector<Date> daily;
    for (int i = 0; i < 10; ++i) daily.push_back(add_days(day("2026-12-22"), i));
    Date today = day("2026-12-01");
    CHECK(text(place_occurrence(cal, daily, day("2026-12-25"), OnClosed::after, today)) == "skip");
    CHECK(text(place_occurrence(cal, daily, day("2026-12-24"), OnClosed::after, today)) == "2026-12-24");
    std::vector<Date> weekly{day("2026-12-18"), day("2026-12-25"), day("2027-01-01")};
    CHECK(text(place_occurrence(cal, weekly, day("2026-12-25"), OnClosed::before, today)) == "2026-12-24");
}

TEST_CASE("on-closed rules by name") {
    CHECK(parse_on_closed("before") == OnClosed::before);
    CHECK(on_closed_name(parse_on_closed("skip")) == "skip");
    CHECK(on_closed_name(OnClosed::after) == "after");
    CHECK_THROWS_AS(parse_on_closed("never"), Error);
}
