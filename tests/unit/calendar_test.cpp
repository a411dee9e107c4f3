// lib/calendar: the .ics export, read back with libical's parser.
#include "calendar.h"
#include "fixture.h"
#include "record.h"

#include <catch2/catch.hpp>
#include <libical/ical.h>
#include <sstream>

using namespace pom;
using pom::test::ymd;

namespace {

/// A parsed calendar, freed when done.
struct Parsed {
    explicit Parsed(const std::string& text) : cal(icalparser_parse_string(text.c_str())) {}
    ~Parsed() {
        if (cal) icalcomponent_free(cal);
    }
    Parsed(const Parsed&) = delete;
    Parsed& operator=(const Parsed&) = delete;
    std::vector<icalcomponent*> events() const {
        std::vector<icalcomponent*> out;
        for (auto* e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
             e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
            out.push_back(e);
        return out;
    }
    icalcomponent* cal;
};

/// DTSTART as a UTC instant, converted by libical with the VTIMEZONE found in the calendar itself.
std::string start_utc(const Parsed& p, icalcomponent* event) {
    icalproperty* prop = icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY);
    REQUIRE(prop);
    icalparameter* tzid = icalproperty_get_first_parameter(prop, ICAL_TZID_PARAMETER);
    REQUIRE(tzid);
    icaltimezone* zone = icalcomponent_get_timezone(p.cal, icalparameter_get_tzid(tzid));
    REQUIRE(zone);
    icaltimetype t = icalproperty_get_dtstart(prop);
    auto secs = icaltime_as_timet_with_zone(t, zone);
    return format_instant(Instant{std::chrono::seconds(secs)});
}

struct Company : test::Fixture {
    Company() : test::Fixture("2026-10-28T08:00:00", "America/New_York") {
        config.company.name = "Blue Wave Pools";
        config.company.email = "office@bluewave.example";
        customer_id = customer("Ortiz, Ana; and Bob");
        pool_id = pool(customer_id);
        worker_id = worker("Mike Diaz");
    }
    int64_t customer_id = 0, pool_id = 0, worker_id = 0;
};

}  // namespace

TEST_CASE("escaping and folding follow RFC 5545") {
    CHECK(ics_escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf");
    std::string line = "DESCRIPTION:" + std::string(100, 'x');
    std::string folded = ics_fold(line);
    CHECK(folded.substr(0, 77) == line.substr(0, 75) + "\r\n");
    CHECK(folded.substr(77, 1) == " ");
    // 30 three-octet characters: a fold never cuts one in half.
    std::string euro;
    for (int i = 0; i < 30; ++i) euro += "€";
    std::string f = ics_fold("SUMMARY:" + euro);
    std::istringstream in(f);
    std::string physical, unfolded;
    while (std::getline(in, physical)) {
        REQUIRE(physical.back() == '\r');
        physical.pop_back();
        CHECK(physical.size() <= 75);
        unfolded += unfolded.empty() ? physical : physical.substr(1);
    }
    CHECK(unfolded == "SUMMARY:" + euro);
}

TEST_CASE("the VTIMEZONE of a zone without daylight saving has one observance") {
    std::string tz = ics_vtimezone("America/Phoenix", 2026, 2026);
    CHECK(tz.find("TZOFFSETTO:-0700") != std::string::npos);
    CHECK(tz.find("BEGIN:DAYLIGHT") == std::string::npos);
}

TEST_CASE("an export parses back with libical: times across the November change, text, stable UIDs") {
    Company co;
    VisitPlan plan;
    plan.customer_id = co.customer_id;
    plan.pool_id = co.pool_id;
    plan.worker_id = co.worker_id;
    plan.window = std::make_pair(std::string("09:00"), std::string("10:30"));
    plan.tech_note = "Gate on the left, côté jardin; the pump is loud, check the basket and the filter pressure, then brush";
    plan.office_note = "told on 10/20: around 10/29";
    add_series(co.ctx, plan, Recurrence::parse("FREQ=WEEKLY;BYDAY=TH;COUNT=3"), ymd(2026, 10, 29), ymd(2026, 12, 31));
    VisitPlan day = plan;
    day.window.reset();
    day.worker_id.reset();
    add_appointment(co.ctx, day, ymd(2026, 11, 2));

    AppointmentFilter all;
    all.from = ymd(2026, 10, 1);
    std::string ics = export_ics(co.ctx, all, "Blue Wave Pools");
    Parsed p(ics);
    REQUIRE(p.cal);
    CHECK(icalcomponent_isa(p.cal) == ICAL_VCALENDAR_COMPONENT);
    CHECK(icalcomponent_count_errors(p.cal) == 0);
    auto events = p.events();
    REQUIRE(events.size() == 4);

    // 09:00 New York is 13:00Z before the change on 2026-11-01 and 14:00Z after it.
    CHECK(start_utc(p, events[0]) == "2026-10-29T13:00:00Z");
    CHECK(start_utc(p, events[2]) == "2026-11-05T14:00:00Z");
    CHECK(start_utc(p, events[3]) == "2026-11-12T14:00:00Z");
    // The visit without a window is an all-day event on its date.
    icaltimetype allday = icalcomponent_get_dtstart(events[1]);
    CHECK(allday.is_date == 1);
    CHECK(allday.day == 2);

    CHECK(std::string(icalcomponent_get_summary(events[0])) == "Maintenance: Ortiz, Ana; and Bob");
    std::string desc = icalcomponent_get_description(events[0]);
    CHECK(desc.find("Note: " + plan.tech_note) != std::string::npos);
    CHECK(desc.find("Technician: Mike Diaz") != std::string::npos);
    CHECK(desc.find("told on") == std::string::npos);  // the office note is private
    CHECK(ics.find("told on") == std::string::npos);

    // Every physical line is CRLF-terminated and at most 75 octets.
    std::istringstream in(ics);
    std::string physical;
    while (std::getline(in, physical)) {
        REQUIRE(!physical.empty());
        CHECK(physical.back() == '\r');
        CHECK(physical.size() - 1 <= 75);
    }

    // A later export (another day, a new DTSTAMP) keeps every UID.
    std::vector<std::string> uids;
    for (auto* e : events) uids.push_back(icalcomponent_get_uid(e));
    CHECK(uids[0].find("@bluewave.example") != std::string::npos);
    co.set_now("2026-10-29T07:00:00");
    Parsed again(export_ics(co.ctx, all, "Blue Wave Pools"));
    std::vector<std::string> uids2;
    for (auto* e : again.events()) uids2.push_back(icalcomponent_get_uid(e));
    CHECK(uids == uids2);
    icaltimetype stamp = icalcomponent_get_dtstamp(again.events()[0]);
    CHECK(stamp.hour == 11);  // 07:00 EDT
}

TEST_CASE("a cancelled visit stays in the export as CANCELLED") {
    Company co;
    VisitPlan plan;
    plan.customer_id = co.customer_id;
    plan.pool_id = co.pool_id;
    int64_t id = add_appointment(co.ctx, plan, ymd(2026, 11, 3));
    cancel_appointment(co.ctx, id, "customer moved", false);
    AppointmentFilter all;
    Parsed p(export_ics(co.ctx, all, "x"));
    auto events = p.events();
    REQUIRE(events.size() == 1);
    CHECK(icalcomponent_get_status(events[0]) == ICAL_STATUS_CANCELLED);
}
