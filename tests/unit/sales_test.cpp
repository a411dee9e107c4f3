// The sales core against an in-memory store: quote lines, the FTS query builder, the tag rule
// engine and the sweep.
#include "fixture.h"

#include "error.h"
#include "note.h"
#include "quote.h"
#include "tag.h"

#include <catch2/catch.hpp>

using namespace pom;
using pom::test::Fixture;

TEST_CASE("quote lines are parsed exactly, the description may hold '|'") {
    auto l = parse_quote_line("Acid | muriatic|1.5|10.01");
    CHECK(l.description == "Acid | muriatic");
    CHECK(l.quantity_milli == 1500);
    CHECK(l.unit_price == 1001);
    CHECK(l.amount == 1502);  // 15.015 rounds half away from zero
    CHECK_THROWS_AS(parse_quote_line("no numbers"), Error);
    CHECK_THROWS_AS(parse_quote_line("|1|2"), Error);
    CHECK_THROWS_AS(parse_quote_line("A|0|2"), Error);
    CHECK_THROWS_AS(parse_quote_line("A|1|2.001"), Error);
}

TEST_CASE("search words become terms: a trailing * a prefix, punctuation alone dropped") {
    auto words = [](const std::string& typed) {
        std::vector<std::string> out;
        for (const auto& t : search_terms(typed)) out.push_back(t.word + (t.prefix ? "*" : ""));
        return out;
    };
    CHECK(words("heater leak") == std::vector<std::string>{"heater", "leak"});
    CHECK(words("bear*") == std::vector<std::string>{"bear*"});
    CHECK(words("say \"hi\" OR") == std::vector<std::string>{"say", "\"hi\"", "OR"});
    CHECK(words("  - !! ").empty());
}

TEST_CASE("search terms reach SQLite quoted: no FTS5 syntax from what was typed") {
    auto store = Store::open_memory();
    std::string q;
    store->note_search_sql(search_terms("say \"hi\" OR bear*"), false, 0, q);
    CHECK(q == "\"say\" \"\"\"hi\"\"\" \"OR\" \"bear\"*");
}

TEST_CASE("tag rules change only what is not already so, and record each run") {
    Fixture f;
    CustomerFields c;
    c.name = "Lead";
    int64_t id = add_customer(f.ctx, c);  // status lead: the lead-needs-quote rule runs
    CHECK(get_customer(*f.store, id).tags == std::vector<std::string>{"Quote"});
    CHECK(f.count("SELECT count(*) FROM tag_rule_run") == 1);

    auto r = apply_tag_rules(f.ctx, "quote_sent", id, "quote 1");
    REQUIRE(r.size() == 1);
    CHECK(r[0].rule == "quote-sent-followup");
    CHECK(r[0].removed == std::vector<std::string>{"Quote"});
    CHECK(r[0].added == std::vector<std::string>{"Sales Followup"});
    // Running the same event again changes nothing and leaves no trace.
    CHECK(apply_tag_rules(f.ctx, "quote_sent", id, "quote 1").empty());
    CHECK(f.count("SELECT count(*) FROM tag_rule_run") == 2);

    // appointment_created needs the Schedule tag: without it nothing happens.
    CHECK(apply_tag_rules(f.ctx, "appointment_created", id, "appointment 1").empty());
    CHECK(get_customer(*f.store, id).status == "lead");
    add_customer_tags(f.ctx, id, {"Schedule"});
    r = apply_tag_rules(f.ctx, "appointment_created", id, "appointment 1");
    REQUIRE(r.size() == 1);
    CHECK(r[0].status_from == "lead");
    CHECK(r[0].status_to == "active");
    CHECK(get_customer(*f.store, id).status == "active");
    CHECK(f.count("SELECT count(*) FROM customer_status_change WHERE customer_id = 1") == 2);
}

TEST_CASE("a disabled rule does nothing; a configured rule does") {
    Fixture f;
    f.config.tag_rules["lead-needs-quote"].enabled = false;
    f.config.tag_rules["vip"] = TagRule{"vip", "quote_accepted", {}, {}, {"VIP"}, {}, "", true};
    CustomerFields c;
    c.name = "Lead";
    int64_t id = add_customer(f.ctx, c);
    CHECK(get_customer(*f.store, id).tags.empty());
    auto r = apply_tag_rules(f.ctx, "quote_accepted", id, "quote 1");
    REQUIRE(r.size() == 2);  // name order: quote-accepted-schedule, vip
    CHECK(r[0].rule == "quote-accepted-schedule");
    CHECK(r[1].rule == "vip");
    CHECK(get_customer(*f.store, id).tags == std::vector<std::string>{"Schedule", "VIP"});
}

TEST_CASE("the sweep takes only leads past the limit, once") {
    Fixture f("2026-11-01T09:00:00");
    CustomerFields c;
    c.name = "Old";
    c.emails = std::vector<std::string>{"old@example.com"};
    int64_t old_id = add_customer(f.ctx, c);
    int64_t q = add_quote(f.ctx, old_id, {parse_quote_line("Weekly|4|45")}, std::nullopt, "");
    send_quote(f.ctx, q, false);
    int64_t active = f.customer("Active");
    add_customer_tags(f.ctx, active, {"Sales Followup"});
    f.set_now("2026-11-23T08:00:00");
    auto done = sweep_tags(f.ctx, "Sales Followup", std::chrono::hours(24 * 21));
    REQUIRE(done.size() == 1);
    CHECK(done[0].customer_id == old_id);
    CHECK(done[0].quotes_expired == std::vector<int64_t>{q});
    CHECK(get_customer(*f.store, old_id).status == "inactive");
    CHECK(get_quote(*f.store, q).status == "expired");
    CHECK(sweep_tags(f.ctx, "Sales Followup", std::chrono::hours(24 * 21)).empty());
    CHECK(get_customer(*f.store, active).tags == std::vector<std::string>{"Sales Followup"});
}
