// Dates, instants, time zones and durations (lib/clock.h).
#include "clock.h"
#include "error.h"

#include <catch2/catch.hpp>
#include <functional>

using namespace pom;
using namespace std::chrono_literals;
using namespace date::literals;

namespace {

Instant utc(date::year_month_day d, std::chrono::seconds time_of_day) {
    return Instant{date::sys_days{d}.time_since_epoch() + time_of_day};
}

ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error thrown");
    return ErrorKind::Internal;
}

}  // namespace

TEST_CASE("parse_date accepts real calendar dates only") {
    CHECK(parse_date("2026-11-23", "--date") == 2026_y / 11 / 23);
    CHECK(parse_date("2024-02-29", "--date") == 2024_y / 2 / 29);  // a leap day
    CHECK(parse_date("2000-02-29", "--date") == 2000_y / 2 / 29);  // divisible by 400
    CHECK_THROWS_WITH(parse_date("2026-02-30", "--date"), "--date: '2026-02-30' is not a valid date (YYYY-MM-DD)");
    CHECK_THROWS_AS(parse_date("2025-02-29", "--date"), Error);
    CHECK_THROWS_AS(parse_date("1900-02-29", "--date"), Error);  // not a leap year
    CHECK_THROWS_AS(parse_date("2026-13-01", "--date"), Error);
    CHECK_THROWS_AS(parse_date("2026-00-10", "--date"), Error);
    CHECK_THROWS_AS(parse_date("2026-11-00", "--date"), Error);
    CHECK_THROWS_AS(parse_date("2026-1-05", "--date"), Error);
    CHECK_THROWS_AS(parse_date("2026-11-23T08:00", "--date"), Error);
    CHECK_THROWS_AS(parse_date("2026/11/23", "--date"), Error);
    CHECK_THROWS_AS(parse_date("", "--date"), Error);
    CHECK_THROWS_AS(parse_date("+026-11-23", "--date"), Error);
    CHECK(kind_of([] { parse_date("2026-02-30", "due"); }) == ErrorKind::BadInput);
    CHECK_THROWS_WITH(parse_date("tomorrow", "column due"), Catch::StartsWith("column due: 'tomorrow'"));
}

TEST_CASE("format_date and format_instant") {
    CHECK(format_date(2026_y / 3 / 8) == "2026-03-08");
    CHECK(format_date(1999_y / 12 / 31) == "1999-12-31");
    CHECK(format_instant(utc(2026_y / 11 / 23, 15h)) == "2026-11-23T15:00:00Z");
    CHECK(format_instant(utc(2026_y / 1 / 2, 3h + 4min + 5s)) == "2026-01-02T03:04:05Z");
    CHECK(format_instant(Instant{}) == "1970-01-01T00:00:00Z");
}

TEST_CASE("parse_instant: RFC 3339 with Z or an offset ignores the company's zone") {
    TimeZone phx("America/Phoenix");
    auto at = utc(2026_y / 11 / 23, 15h);
    CHECK(parse_instant("2026-11-23T15:00:00Z", phx, "--at") == at);
    CHECK(parse_instant("2026-11-23T15:00:00z", phx, "--at") == at);
    CHECK(parse_instant("2026-11-23T15:00Z", phx, "--at") == at);
    CHECK(parse_instant("2026-11-23 15:00:00Z", phx, "--at") == at);
    CHECK(parse_instant("2026-11-23T17:00:00+02:00", phx, "--at") == at);
    CHECK(parse_instant("2026-11-23T08:00:00-07:00", phx, "--at") == at);
    CHECK(parse_instant("2026-11-23T20:30:00+05:30", phx, "--at") == at);
    CHECK(parse_instant("2026-11-24T00:00:00+09:00", phx, "--at") == at);  // another day there
    // Round trip of what pom stores.
    CHECK(parse_stored_instant(format_instant(at)) == at);
}

TEST_CASE("parse_instant: a local time is read in the configured zone") {
    TimeZone phx("America/Phoenix");
    TimeZone ny("America/New_York");
    TimeZone utc_zone("UTC");
    CHECK(parse_instant("2026-11-23T08:00:00", phx, "--now") == utc(2026_y / 11 / 23, 15h));
    CHECK(parse_instant("2026-11-23T08:00", phx, "--now") == utc(2026_y / 11 / 23, 15h));
    CHECK(parse_instant("2026-11-23 08:00", phx, "--now") == utc(2026_y / 11 / 23, 15h));
    CHECK(parse_instant("2026-11-23T08:00:00", ny, "--now") == utc(2026_y / 11 / 23, 13h));    // EST, -5
    CHECK(parse_instant("2026-07-01T08:00:00", ny, "--now") == utc(2026_y / 7 / 1, 12h));      // EDT, -4
    CHECK(parse_instant("2026-07-01T08:00:00", phx, "--now") == utc(2026_y / 7 / 1, 15h));     // no DST: -7
    CHECK(parse_instant("2026-07-01T08:00:00", utc_zone, "--now") == utc(2026_y / 7 / 1, 8h));
    // A bare date is that day's local midnight.
    CHECK(parse_instant("2026-11-23", phx, "--from") == utc(2026_y / 11 / 23, 7h));
    CHECK(parse_instant("2026-07-01", ny, "--from") == utc(2026_y / 7 / 1, 4h));
}

TEST_CASE("parse_instant: daylight-saving gap and overlap in America/New_York") {
    TimeZone ny("America/New_York");
    // 2026-03-08: clocks jump from 02:00 EST to 03:00 EDT. 02:30 does not exist; it moves forward
    // by the gap to 03:30 EDT.
    CHECK(parse_instant("2026-03-08T02:30:00", ny, "--now") == utc(2026_y / 3 / 8, 7h + 30min));
    CHECK(parse_instant("2026-03-08T03:30:00", ny, "--now") == utc(2026_y / 3 / 8, 7h + 30min));
    CHECK(parse_instant("2026-03-08T01:59:59", ny, "--now") == utc(2026_y / 3 / 8, 6h + 59min + 59s));
    CHECK(parse_instant("2026-03-08T03:00:00", ny, "--now") == utc(2026_y / 3 / 8, 7h));
    // 2026-11-01: clocks fall back from 02:00 EDT to 01:00 EST. 01:30 happens twice; the earlier
    // (EDT, 05:30Z) is taken.
    CHECK(parse_instant("2026-11-01T01:30:00", ny, "--now") == utc(2026_y / 11 / 1, 5h + 30min));
    CHECK(parse_instant("2026-11-01T00:59:59", ny, "--now") == utc(2026_y / 11 / 1, 4h + 59min + 59s));
    CHECK(parse_instant("2026-11-01T02:00:00", ny, "--now") == utc(2026_y / 11 / 1, 7h));
    // The offset form picks the second 01:30 explicitly.
    CHECK(parse_instant("2026-11-01T01:30:00-05:00", ny, "--now") == utc(2026_y / 11 / 1, 6h + 30min));
    // Both sides of the change map back to local time.
    CHECK(ny.to_local(utc(2026_y / 11 / 1, 5h + 30min)) == ny.to_local(utc(2026_y / 11 / 1, 6h + 30min)));
    CHECK(format_instant(Instant{ny.to_local(utc(2026_y / 3 / 8, 7h + 30min)).time_since_epoch()}) ==
          "2026-03-08T03:30:00Z");
}

TEST_CASE("parse_instant: America/Phoenix has no daylight saving") {
    TimeZone phx("America/Phoenix");
    // The New York gap and overlap times are ordinary times in Phoenix, always UTC-7.
    CHECK(parse_instant("2026-03-08T02:30:00", phx, "--now") == utc(2026_y / 3 / 8, 9h + 30min));
    CHECK(parse_instant("2026-11-01T01:30:00", phx, "--now") == utc(2026_y / 11 / 1, 8h + 30min));
    for (unsigned m = 1; m <= 12; ++m) {
        date::year_month_day d{2026_y, date::month{m}, 15_d};
        CHECK(phx.to_instant(LocalTime{date::local_days{d}} + 12h) == utc(d, 19h));
    }
}

TEST_CASE("local dates near midnight") {
    TimeZone phx("America/Phoenix");
    CHECK(phx.local_date(utc(2026_y / 11 / 24, 6h + 59min + 59s)) == 2026_y / 11 / 23);
    CHECK(phx.local_date(utc(2026_y / 11 / 24, 7h)) == 2026_y / 11 / 24);
    TimeZone ny("America/New_York");
    CHECK(ny.local_date(utc(2026_y / 7 / 1, 3h + 59min)) == 2026_y / 6 / 30);
    CHECK(ny.local_date(utc(2026_y / 7 / 1, 4h)) == 2026_y / 7 / 1);
}

TEST_CASE("parse_instant refuses malformed times") {
    TimeZone phx("America/Phoenix");
    for (const char* bad : {"", "yesterday-ish", "2026-11-23T", "2026-11-23T8:00", "2026-11-23T08", "2026-11-23T24:00",
                            "2026-11-23T08:60", "2026-11-23T08:00:60", "2026-11-23T08:00:00+0200", "2026-11-23T08:00:00+02",
                            "2026-11-23T08:00:00 Z", "2026-11-23T08:00:00ZZ", "2026-11-23T08:00:00+24:00",
                            "2026-02-30T08:00", "2026-11-23x08:00", "2026-11-23T08:00:00.5Z", "2026-11-23T08:00:0"}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_instant(bad, phx, "--now"), Error);
    }
    CHECK_THROWS_WITH(parse_instant("garbage", phx, "--now"),
                      "--now: 'garbage' is not a valid time (YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM])");
    CHECK(kind_of([&] { parse_instant("garbage", phx, "--now"); }) == ErrorKind::BadInput);
}

TEST_CASE("an unknown time zone is a config error when first used") {
    CHECK_FALSE(time_zone_exists("Mars/Olympus_Mons"));
    CHECK_FALSE(time_zone_exists(""));
    CHECK_FALSE(time_zone_exists("../etc/passwd"));
    CHECK_FALSE(time_zone_exists("/etc/passwd"));
    CHECK_FALSE(time_zone_exists("America"));  // a folder, not a zone
    CHECK(time_zone_exists("America/Phoenix"));
    CHECK(time_zone_exists("UTC"));
    TimeZone mars("Mars/Olympus_Mons");
    CHECK(kind_of([&] { mars.local_date(Instant{}); }) == ErrorKind::Config);
    CHECK_THROWS_WITH(mars.local_date(Instant{}), "unknown time zone 'Mars/Olympus_Mons'");
}

TEST_CASE("parse_duration") {
    CHECK(parse_duration("21d", "--every") == 21 * 24h);
    CHECK(parse_duration("48h", "--every") == 48h);
    CHECK(parse_duration("30m", "--every") == 30min);
    CHECK(parse_duration("2w", "--every") == 14 * 24h);
    CHECK(parse_duration("0d", "--every") == 0s);
    CHECK(parse_duration("100000w", "--every") == std::chrono::seconds{int64_t{100000} * 7 * 86400});
    for (const char* bad : {"", "d", "21", "21x", "-1d", "+1d", "1.5h", " 2d", "2d ", "2 d", "2D", "dd", "99999999999d"}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_duration(bad, "--every"), Error);
    }
    CHECK_THROWS_WITH(parse_duration("soon", "retry_after"),
                      "retry_after: 'soon' is not a valid duration (a number and w, d, h or m: 21d)");
}

TEST_CASE("parse_day: dates as people type them") {
    auto today = 2026_y / 11 / 23;
    CHECK(parse_day("today", today, "--date") == today);
    CHECK(parse_day("tomorrow", today, "--date") == 2026_y / 11 / 24);
    CHECK(parse_day("yesterday", today, "--date") == 2026_y / 11 / 22);
    CHECK(parse_day("+8d", today, "--date") == 2026_y / 12 / 1);
    CHECK(parse_day("+2w", today, "--date") == 2026_y / 12 / 7);
    CHECK(parse_day("-1d", today, "--date") == 2026_y / 11 / 22);
    CHECK(parse_day("+40d", today, "--date") == 2027_y / 1 / 2);
    CHECK(parse_day("2024-02-29", today, "--date") == 2024_y / 2 / 29);
    for (const char* bad : {"+3", "+d", "+3y", "3d", "2026-02-30", "soon", "", "+99999d"}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_day(bad, today, "--date"), Error);
    }
}

TEST_CASE("FixedClock always says the same instant") {
    FixedClock c(utc(2026_y / 11 / 23, 15h));
    CHECK(c.now() == utc(2026_y / 11 / 23, 15h));
    CHECK(c.now() == c.now());
    SystemClock s;
    CHECK(s.now() > utc(2020_y / 1 / 1, 0s));
}

TEST_CASE("format_date and format_instant write what date::format writes") {
    using namespace std::chrono;
    for (int64_t s : {int64_t{0}, int64_t{1}, int64_t{86399}, int64_t{86400}, int64_t{951782400}, int64_t{1795446000},
                      int64_t{4102444799}, int64_t{-1}, int64_t{-62135596800}, int64_t{253402300799}, int64_t{253402300800}}) {
        Instant t{seconds{s}};
        CHECK(format_instant(t) == date::format("%FT%TZ", t));
        Date d{date::floor<date::days>(t)};
        CHECK(format_date(d) == date::format("%F", date::sys_days{d}));
    }
    CHECK(format_instant(Instant{seconds{1795446000}}) == "2026-11-23T15:00:00Z");
    CHECK(format_date(Date{date::year{2024}, date::month{2}, date::day{29}}) == "2024-02-29");
}
