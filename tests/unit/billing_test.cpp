// Billing core: tax rounding and allocation (property-tested), plans applied at run time, runs
// that bill each line once, gapless numbering, credit notes, payments, aging, and the schema's
// refusals.
#include "billing.h"
#include "checksum.h"
#include "error.h"
#include "fixture.h"
#include "invoice_export.h"
#include "money.h"

#include <catch2/catch.hpp>
#include <random>
#include <sstream>

using namespace pom;
using pom::test::Fixture;

namespace {

/// A billable line as service submit records it.
int64_t add_line(Fixture& fx, int64_t customer, const std::string& kind, Cents unit, int64_t qty_milli, bool taxable,
                 const std::string& date, std::optional<int64_t> service = std::nullopt) {
    static int n = 0;
    pom::Statement q(*fx.store,
                        "INSERT INTO billable_line (customer_id, service_id, kind, description, quantity_milli, unit_price_cents, "
                        "amount_cents, taxable, service_date, source_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, customer);
    if (service) q.bind(2, *service);
    q.bind(3, kind);
    q.bind(4, kind + " line");
    q.bind(5, qty_milli);
    q.bind(6, unit);
    q.bind(7, line_amount(qty_milli, unit));
    q.bind(8, taxable ? 1 : 0);
    q.bind(9, date);
    q.bind(10, "test:" + std::to_string(++n));
    q.bind(11, "2026-11-01T00:00:00Z");
    q.exec();
    return fx.store->last_insert_id();
}

int64_t add_service(Fixture& fx, int64_t customer, const std::string& type) {
    int64_t pool = fx.pool(customer);
    pom::Statement q(*fx.store,
                        "INSERT INTO service (customer_id, pool_id, service_type, status, started_at, ended_at, created_at, updated_at) "
                        "VALUES (?, ?, ?, 'submitted', '2026-11-05T15:00:00Z', '2026-11-05T15:30:00Z', '2026-11-05T15:00:00Z', '2026-11-05T15:30:00Z')");
    q.bind(1, customer);
    q.bind(2, pool);
    q.bind(3, type);
    q.exec();
    return fx.store->last_insert_id();
}

std::string str(const Json& j) { return j.get<std::string>(); }

RunOptions period(const std::string& p) {
    RunOptions o;
    o.period = p;
    return o;
}

}  // namespace

TEST_CASE("round_div rounds halves up or to even, and everything else to nearest", "[billing][tax]") {
    CHECK(round_div(25, 10, Rounding::half_up) == 3);
    CHECK(round_div(25, 10, Rounding::half_even) == 2);
    CHECK(round_div(35, 10, Rounding::half_even) == 4);
    CHECK(round_div(-25, 10, Rounding::half_up) == -3);
    CHECK(round_div(-25, 10, Rounding::half_even) == -2);
    CHECK(round_div(24, 10, Rounding::half_up) == 2);
    CHECK(round_div(26, 10, Rounding::half_even) == 3);
    // 8.6 % of 12.50 is 1.075: half-up 1.08, half-even 1.08 (7 is odd → 8); of 12.25 = 1.0535 → 1.05
    CHECK(tax_on(1250, 86000, Rounding::half_up) == 108);
    CHECK(tax_on(1250, 86000, Rounding::half_even) == 108);
    // 5 % of 0.50 = 0.025: half-up 0.03, half-even 0.02
    CHECK(tax_on(50, 50000, Rounding::half_up) == 3);
    CHECK(tax_on(50, 50000, Rounding::half_even) == 2);
    CHECK(tax_on(0, 86000, Rounding::half_up) == 0);
}

TEST_CASE("invoice-level tax is rounded once and shared out exactly", "[billing][tax]") {
    // Three lines of 0.10 at 5 %: 0.005 each. Line level rounds each up (0.03), invoice level
    // rounds 0.015 once (0.02) and gives the cents to the first lines.
    std::vector<TaxLine> lines = {{10, true, 0}, {10, true, 0}, {10, true, 0}, {999, false, 0}};
    CHECK(apply_tax(lines, 50000, Rounding::half_up, false) == 3);
    CHECK(apply_tax(lines, 50000, Rounding::half_up, true) == 2);
    CHECK(lines[0].tax + lines[1].tax + lines[2].tax == 2);
    CHECK(lines[3].tax == 0);
    CHECK(lines[0].tax == 1);
    CHECK(lines[1].tax == 1);
    CHECK(lines[2].tax == 0);
}

TEST_CASE("property: over many random invoices, lines + tax = total exactly", "[billing][tax][property]") {
    std::mt19937_64 rng(20261123);
    auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    for (int round = 0; round < 20000; ++round) {
        int64_t rate = pick(0, 3) == 0 ? pick(0, 1000000) : pick(0, 150000);
        Rounding mode = pick(0, 1) ? Rounding::half_up : Rounding::half_even;
        bool invoice_level = pick(0, 1) == 1;
        std::vector<TaxLine> lines;
        int n = static_cast<int>(pick(1, 40));
        for (int i = 0; i < n; ++i) {
            int64_t qty = pick(1, 5000);
            Cents unit = pick(0, 3) == 0 ? pick(0, 99) : pick(0, 500000);
            lines.push_back({line_amount(qty, unit), pick(0, 2) != 0, 0});
        }
        // Discount and adjustment lines are negative (issue 18): the shares still add up.
        if (pick(0, 2) == 0) lines.push_back({-pick(1, 100000), pick(0, 1) == 1, 0});
        Cents tax = apply_tax(lines, rate, mode, invoice_level);
        Cents subtotal = 0, line_tax = 0;
        WideInt taxable = 0;
        for (const auto& l : lines) {
            subtotal += l.amount;
            line_tax += l.tax;
            if (l.taxable) taxable += l.amount;
            if (!l.taxable) REQUIRE(l.tax == 0);
            // each share within one cent of its exact value
            WideInt exact_num = static_cast<WideInt>(l.amount) * rate * (l.taxable ? 1 : 0);
            WideInt diff = static_cast<WideInt>(l.tax) * 1000000 - exact_num;
            REQUIRE(diff < 1000000);
            REQUIRE(diff > -1000000);
            if (!invoice_level && l.taxable) REQUIRE(l.tax == tax_on(l.amount, rate, mode));
        }
        REQUIRE(line_tax == tax);
        if (invoice_level) REQUIRE(tax == round_div(taxable * rate, 1000000, mode));
        // the rounded tax is never more than half a cent from the exact tax of what it rounds
        Cents total = subtotal + tax;
        REQUIRE(total - subtotal - line_tax == 0);
    }
}

TEST_CASE("property: stored invoices add up after random runs", "[billing][tax][property]") {
    std::mt19937_64 rng(7);
    auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    for (const char* level : {"line", "invoice"}) {
        for (const char* rounding : {"half-up", "half-even"}) {
            Fixture fx;
            fx.config.tax.rate_micro = pick(1, 120000);
            fx.config.tax.level = level;
            fx.config.tax.rounding = rounding;
            std::vector<int64_t> customers;
            for (int c = 0; c < 25; ++c) customers.push_back(fx.customer("C" + std::to_string(c)));
            for (int i = 0; i < 400; ++i)
                add_line(fx, customers[static_cast<size_t>(pick(0, 24))], pick(0, 1) ? "item" : "extra", pick(0, 40000),
                         pick(1, 9000), pick(0, 1) == 1, "2026-11-" + std::string(pick(0, 1) ? "0" : "1") + std::to_string(pick(1, 9)));
            auto ids = run_invoices(fx.ctx, period("2026-11"));
            issue_invoices(fx.ctx, ids);
            CHECK(fx.count("SELECT count(*) FROM invoice WHERE total_cents != subtotal_cents + tax_cents") == 0);
            CHECK(fx.count("SELECT count(*) FROM invoice i WHERE subtotal_cents != (SELECT sum(amount_cents) FROM invoice_line WHERE invoice_id = i.id)"
                           " OR tax_cents != (SELECT sum(tax_cents) FROM invoice_line WHERE invoice_id = i.id)") == 0);
            CHECK(fx.count("SELECT count(*) FROM billable_line b WHERE NOT EXISTS (SELECT 1 FROM invoice_line l WHERE l.billable_line_id = b.id)") == 0);
            CHECK(fx.count("SELECT sum(amount_cents) FROM billable_line") == fx.count("SELECT sum(subtotal_cents) FROM invoice"));
        }
    }
}

TEST_CASE("a run bills each line once; a later run takes only what is new", "[billing][run]") {
    Fixture fx;
    int64_t a = fx.customer("Ann"), b = fx.customer("Bob");
    add_line(fx, a, "extra", 4500, 1000, false, "2026-11-05");
    add_line(fx, a, "item", 1250, 2000, true, "2026-11-12");
    add_line(fx, b, "extra", 9900, 1000, false, "2026-11-20");
    add_line(fx, b, "extra", 100, 1000, false, "2026-12-02");  // next month: not in this period
    auto first = run_invoices(fx.ctx, period("2026-11"));
    REQUIRE(first.size() == 2);
    CHECK(fx.count("SELECT count(*) FROM invoice_line") == 3);
    CHECK(run_invoices(fx.ctx, period("2026-11")).empty());  // idempotent
    CHECK(fx.count("SELECT count(*) FROM invoice_line") == 3);
    // A late line joins the same draft (one invoice per customer and period).
    add_line(fx, a, "extra", 500, 1000, false, "2026-11-28");
    auto again = run_invoices(fx.ctx, period("2026-11"));
    REQUIRE(again.size() == 1);
    CHECK(again[0] == first[0]);
    CHECK(fx.count("SELECT count(*) FROM invoice") == 2);
    Json inv = invoice_json(fx.ctx, first[0]);
    CHECK(str(inv["subtotal"]) == "75.00");  // 45 + 25 + 5
    CHECK(inv["lines"] == 3);
    // After issue, a late line makes a new invoice rather than touching the issued one.
    issue_invoices(fx.ctx, first);
    add_line(fx, a, "extra", 700, 1000, false, "2026-11-29");
    auto late = run_invoices(fx.ctx, period("2026-11"));
    REQUIRE(late.size() == 1);
    CHECK(late[0] != first[0]);
}

TEST_CASE("the schema bills a line at most once, even past the code", "[billing][schema]") {
    Fixture fx;
    int64_t a = fx.customer("Ann");
    int64_t line = add_line(fx, a, "extra", 4500, 1000, false, "2026-11-05");
    auto ids = run_invoices(fx.ctx, period("2026-11"));
    REQUIRE(ids.size() == 1);
    fx.store->exec(
        "INSERT INTO invoice (customer_id, period_end, terms, terms_days, currency, tax_name, tax_rate_micro, tax_level, "
        "tax_rounding, subtotal_cents, tax_cents, total_cents, created_at, updated_at) VALUES (" + std::to_string(a) +
        ", '2026-11-30', 'Net 15', 15, 'USD', 'Tax', 0, 'line', 'half-up', 0, 0, 0, 'x', 'x')");
    std::string sql = "INSERT INTO invoice_line (invoice_id, position, billable_line_id, kind, item, description, quantity_milli, "
                      "unit_price_cents, amount_cents, taxable, tax_cents, service_date) VALUES (" +
                      std::to_string(fx.store->last_insert_id()) + ", 1, " + std::to_string(line) +
                      ", 'extra', 'Other', 'x', 1000, 4500, 4500, 0, 0, '2026-11-05')";
    CHECK_THROWS_WITH(fx.store->exec(sql), Catch::Contains("UNIQUE"));
}

TEST_CASE("issued invoices never change: the schema refuses", "[billing][schema]") {
    Fixture fx;
    int64_t a = fx.customer("Ann");
    add_line(fx, a, "extra", 4500, 1000, false, "2026-11-05");
    auto ids = run_invoices(fx.ctx, period("2026-11"));
    issue_invoices(fx.ctx, ids);
    std::string id = std::to_string(ids[0]);
    CHECK_THROWS_WITH(fx.store->exec("UPDATE invoice SET total_cents = 1, subtotal_cents = 1 WHERE id = " + id),
                      Catch::Contains("an issued invoice never changes"));
    CHECK_THROWS_WITH(fx.store->exec("DELETE FROM invoice WHERE id = " + id), Catch::Contains("never changes"));
    CHECK_THROWS_WITH(fx.store->exec("UPDATE invoice_line SET amount_cents = 1 WHERE invoice_id = " + id),
                      Catch::Contains("never changes"));
    CHECK_THROWS_WITH(fx.store->exec("DELETE FROM invoice_line WHERE invoice_id = " + id), Catch::Contains("never changes"));
    CHECK_THROWS_WITH(fx.store->exec("UPDATE billable_line SET amount_cents = 1"), Catch::Contains("a billed line never changes"));
    CHECK_THROWS_WITH(fx.store->exec("UPDATE number_series SET last = 5 WHERE kind = 'invoice'"), Catch::Contains("only moves up by one"));
}

TEST_CASE("numbers are gapless: the schema refuses a skipped or reused number", "[billing][numbering]") {
    Fixture fx;
    int64_t a = fx.customer("Ann"), b = fx.customer("Bob"), c = fx.customer("Cy");
    for (int64_t cust : {a, b, c}) add_line(fx, cust, "extra", 1000, 1000, false, "2026-11-05");
    auto ids = run_invoices(fx.ctx, period("2026-11"));
    REQUIRE(ids.size() == 3);
    issue_invoices(fx.ctx, {ids[1]});
    CHECK(str(invoice_json(fx.ctx, ids[1])["number"]) == "INV-000001");
    // Skipping a number: the counter moves, but the invoice takes 3.
    fx.store->exec("UPDATE number_series SET last = last + 1 WHERE kind = 'invoice'");
    CHECK_THROWS_WITH(fx.store->exec("UPDATE invoice SET seq = 3, number = 'INV-000003', issue_date = '2026-11-23', "
                                          "due_date = '2026-12-08', issued_at = 'x' WHERE id = " + std::to_string(ids[0])),
                      Catch::Contains("next of its series"));
    CHECK_THROWS(fx.store->exec("UPDATE invoice SET seq = 1, number = 'INV-000001b', issue_date = '2026-11-23', "
                                     "due_date = '2026-12-08', issued_at = 'x' WHERE id = " + std::to_string(ids[0])));
}

TEST_CASE("issuing numbers in order, prefix and digits from config; drafts only", "[billing][numbering]") {
    Fixture fx;
    fx.config.billing.invoice_prefix = "PB";
    fx.config.billing.number_digits = 4;
    int64_t a = fx.customer("Ann"), b = fx.customer("Bob");
    add_line(fx, a, "extra", 1000, 1000, false, "2026-11-05");
    add_line(fx, b, "extra", 1000, 1000, false, "2026-11-05");
    auto ids = run_invoices(fx.ctx, period("2026-11"));
    issue_invoices(fx.ctx, {ids[1], ids[0]});
    Json second = invoice_json(fx.ctx, ids[0]);
    CHECK(str(invoice_json(fx.ctx, ids[1])["number"]) == "PB0001");
    CHECK(str(second["number"]) == "PB0002");
    CHECK(str(second["issue_date"]) == "2026-11-23");
    CHECK(str(second["due_date"]) == "2026-12-08");  // net 15
    CHECK(str(second["status"]) == "open");
    CHECK_THROWS_WITH(issue_invoices(fx.ctx, {ids[0]}), "PB0002 is already issued");
    CHECK(resolve_invoice(*fx.store, "PB0002") == ids[0]);
    CHECK_THROWS_AS(resolve_invoice(*fx.store, "PB0003"), Error);
}

TEST_CASE("plans: per-visit prices, included chemicals and parts, tax exemption", "[billing][plan]") {
    Fixture fx;
    fx.config.tax.rate_micro = 86000;
    int64_t a = fx.customer("Ann");
    int64_t svc = add_service(fx, a, "maintenance");
    add_line(fx, a, "service", 4500, 1000, true, "2026-11-05", svc);
    add_line(fx, a, "chemical", 899, 1500, true, "2026-11-05", svc);
    add_line(fx, a, "item", 2500, 1000, true, "2026-11-05", svc);
    PlanFields f;
    f.per_visit = {"maintenance=39.50"};
    f.chemicals = "included";
    set_plan(fx.ctx, a, f);
    auto ids = run_invoices(fx.ctx, period("2026-11"));
    Json d = invoice_detail(fx.ctx, ids[0]);
    auto& lines = d["line_items"];
    REQUIRE(lines.size() == 3);
    CHECK(str(lines[0]["item"]) == "Maintenance");
    CHECK(str(lines[0]["unit_price"]) == "39.50");
    CHECK(str(lines[0]["amount"]) == "39.50");
    CHECK(str(lines[1]["amount"]) == "0.00");
    CHECK(lines[1]["included"] == true);
    CHECK(str(lines[2]["amount"]) == "25.00");
    CHECK(str(d["subtotal"]) == "64.50");
    // 8.6 % line by line: 39.50 → 3.397 → 3.40; 0; 25.00 → 2.15
    CHECK(str(d["tax"]) == "5.55");
    CHECK(str(d["total"]) == "70.05");

    int64_t b = fx.customer("Bob");
    add_line(fx, b, "item", 2500, 1000, true, "2026-11-05");
    PlanFields ex;
    ex.tax_exempt = true;
    ex.parts = "included";
    ex.terms = "due on receipt";
    set_plan(fx.ctx, b, ex);
    Json pb = plan_json(fx.ctx, b);
    CHECK(str(pb["terms"]) == "Due on receipt");
    auto bid = run_invoices(fx.ctx, period("2026-11"));
    Json bd = invoice_detail(fx.ctx, bid[0]);
    CHECK(str(bd["tax"]) == "0.00");
    CHECK(str(bd["total"]) == "0.00");
    CHECK(str(bd["terms"]) == "Due on receipt");

    PlanFields bad;
    bad.per_visit = {"swim-lesson=10"};
    CHECK_THROWS_WITH(set_plan(fx.ctx, a, bad), Catch::Contains("unknown service type 'swim-lesson'"));
    bad.per_visit = {"maintenance=4.999"};
    CHECK_THROWS_WITH(set_plan(fx.ctx, a, bad), Catch::Contains("not an amount"));
    PlanFields t;
    t.terms = "whenever";
    CHECK_THROWS_WITH(set_plan(fx.ctx, a, t), Catch::Contains("is not payment terms"));
}

TEST_CASE("flat monthly fees: one line per month, in advance or in arrears, never twice", "[billing][plan]") {
    Fixture fx;
    int64_t a = fx.customer("Ann"), b = fx.customer("Bob");
    PlanFields arrears;
    arrears.monthly = 18000;
    arrears.starts_on = "2026-10-15";
    set_plan(fx.ctx, a, arrears);
    PlanFields advance;
    advance.monthly = 20000;
    advance.monthly_timing = "advance";
    advance.starts_on = "2026-11-01";
    set_plan(fx.ctx, b, advance);
    // November is not over yet (the fixture's today): its fee in arrears waits for --force.
    auto ids = run_invoices(fx.ctx, period("2026-11"));
    REQUIRE(ids.size() == 2);
    CHECK(fx.count("SELECT count(*) FROM billable_line WHERE kind = 'monthly'") == 3);
    RunOptions forced = period("2026-11");
    forced.force = true;
    ids = run_invoices(fx.ctx, forced);
    REQUIRE(ids.size() == 1);
    ids = draft_ids(fx.ctx.store);
    REQUIRE(ids.size() == 2);
    // Ann: October (made up) and November; Bob: November and December (in advance).
    CHECK(fx.count("SELECT count(*) FROM billable_line WHERE kind = 'monthly'") == 4);
    CHECK(fx.count("SELECT count(*) FROM billable_line WHERE source_key = 'monthly:" + std::to_string(b) + ":2026-12'") == 1);
    CHECK(str(invoice_json(fx.ctx, ids[0])["total"]) == "360.00");
    CHECK(str(invoice_json(fx.ctx, ids[1])["total"]) == "400.00");
    run_invoices(fx.ctx, period("2026-11"));
    run_invoices(fx.ctx, RunOptions{std::nullopt, std::string("2026-11-30"), std::nullopt, false, std::nullopt});
    CHECK(fx.count("SELECT count(*) FROM billable_line WHERE kind = 'monthly'") == 4);
    CHECK(fx.count("SELECT count(*) FROM invoice_line") == 4);
    // Switching Ann to advance does not bill a month twice.
    PlanFields sw;
    sw.monthly_timing = "advance";
    set_plan(fx.ctx, a, sw);
    run_invoices(fx.ctx, period("2026-11"));
    CHECK(fx.count("SELECT count(*) FROM billable_line WHERE kind = 'monthly' AND customer_id = " + std::to_string(a)) == 3);
}

TEST_CASE("void reverses exactly; partial credits by line or amount; drafts are discarded", "[billing][credit]") {
    Fixture fx;
    fx.config.tax.rate_micro = 86000;
    fx.config.tax.level = "invoice";
    int64_t a = fx.customer("Ann");
    add_line(fx, a, "extra", 3333, 1000, true, "2026-11-05");
    add_line(fx, a, "extra", 3333, 1000, true, "2026-11-06");
    add_line(fx, a, "extra", 3334, 1000, true, "2026-11-07");
    auto ids = run_invoices(fx.ctx, period("2026-11"));
    issue_invoices(fx.ctx, ids);
    Json inv = invoice_json(fx.ctx, ids[0]);
    CHECK(str(inv["total"]) == "108.60");

    int64_t cn1 = credit_invoice(fx.ctx, ids[0], "broken part", {2}, std::nullopt);
    Json c1 = invoice_json(fx.ctx, cn1);
    CHECK(str(c1["number"]) == "CN-000001");
    CHECK(str(c1["kind"]) == "credit");
    CHECK(str(c1["credits"]) == str(inv["number"]));
    CHECK_THROWS_WITH(credit_invoice(fx.ctx, ids[0], "again", {2}, std::nullopt), Catch::Contains("already credited by CN-000001"));
    CHECK_THROWS_WITH(void_invoice(fx.ctx, ids[0], "x"), Catch::Contains("partial credit notes"));
    int64_t cn2 = credit_invoice(fx.ctx, ids[0], "goodwill", {}, 1000);
    CHECK(str(invoice_json(fx.ctx, cn2)["number"]) == "CN-000002");
    CHECK_THROWS_WITH(credit_invoice(fx.ctx, ids[0], "too much", {}, 100000), Catch::Contains("not credited yet"));
    Json after = invoice_json(fx.ctx, ids[0]);
    // 10.00 before tax on an all-taxable invoice credits its 8.6 % too.
    CHECK(str(invoice_json(fx.ctx, cn2)["total"]) == "10.86");
    Cents credited = parse_money(str(c1["total"]), "") + 1086;
    CHECK(parse_money(str(after["credited"]), "") == credited);
    CHECK(parse_money(str(after["balance"]), "") == 10860 - credited);

    // A second invoice voided whole: the credit note mirrors every line and the tax.
    int64_t b = fx.customer("Bob");
    add_line(fx, b, "extra", 1999, 3000, true, "2026-11-05");
    add_line(fx, b, "item", 1, 1000, true, "2026-11-05");
    auto bid = run_invoices(fx.ctx, period("2026-11"));
    issue_invoices(fx.ctx, bid);
    int64_t cn3 = void_invoice(fx.ctx, bid[0], "customer moved");
    Json bi = invoice_detail(fx.ctx, bid[0]), bc = invoice_detail(fx.ctx, cn3);
    CHECK(bc["total"] == bi["total"]);
    CHECK(bc["tax"] == bi["tax"]);
    CHECK(bc["line_items"].size() == bi["line_items"].size());
    for (size_t i = 0; i < bi["line_items"].size(); ++i) {
        CHECK(bc["line_items"][i]["amount"] == bi["line_items"][i]["amount"]);
        CHECK(bc["line_items"][i]["tax"] == bi["line_items"][i]["tax"]);
    }
    CHECK(str(bi["status"]) == "void");
    CHECK(str(bi["balance"]) == "0.00");
    CHECK_THROWS_WITH(void_invoice(fx.ctx, bid[0], "again"), Catch::Contains("already void"));
    CHECK_THROWS_WITH(void_invoice(fx.ctx, cn3, "x"), Catch::Contains("is a credit note"));

    // A draft is discarded and its lines are billed by the next run.
    int64_t c = fx.customer("Cy");
    add_line(fx, c, "extra", 500, 1000, false, "2026-11-05");
    auto cid = run_invoices(fx.ctx, period("2026-11"));
    CHECK(void_invoice(fx.ctx, cid[0], "wrong") == 0);
    CHECK(fx.count("SELECT count(*) FROM invoice WHERE id = " + std::to_string(cid[0])) == 0);
    CHECK(run_invoices(fx.ctx, period("2026-11")).size() == 1);
    // Credit note numbers are their own gapless series.
    CHECK(fx.count("SELECT max(seq) FROM invoice WHERE kind = 'credit'") == 3);
    CHECK(fx.count("SELECT max(seq) FROM invoice WHERE kind = 'invoice'") == 2);
}

TEST_CASE("payments: partial, overpayment refused unless kept as credit, drafts refused", "[billing][pay]") {
    Fixture fx;
    int64_t a = fx.customer("Ann");
    add_line(fx, a, "extra", 10000, 1000, false, "2026-11-05");
    auto ids = run_invoices(fx.ctx, period("2026-11"));
    PaymentFields p;
    p.amount = 4000;
    p.date = "today";
    p.method = "check";
    CHECK_THROWS_WITH(record_payment(fx.ctx, ids[0], p), Catch::Contains("is a draft"));
    issue_invoices(fx.ctx, ids);
    record_payment(fx.ctx, ids[0], p);
    CHECK(str(invoice_json(fx.ctx, ids[0])["balance"]) == "60.00");
    CHECK(str(invoice_json(fx.ctx, ids[0])["status"]) == "open");
    p.amount = 7000;
    CHECK_THROWS_WITH(record_payment(fx.ctx, ids[0], p), Catch::Contains("more than the balance 60.00"));
    p.credit = true;
    int64_t pid = record_payment(fx.ctx, ids[0], p);
    Json pj = payment_json(*fx.store, pid);
    CHECK(str(pj["applied"]) == "60.00");
    CHECK(str(pj["credit"]) == "10.00");
    CHECK(str(invoice_json(fx.ctx, ids[0])["status"]) == "paid");
    auto rows = aging(fx.ctx, "today");
    REQUIRE(rows.size() == 2);
    CHECK(str(rows[0]["credit"]) == "10.00");
    CHECK(str(rows[1]["customer"]) == "Total");
    // The schema refuses a payment that applies more than is owed, even past the code.
    CHECK_THROWS_WITH(fx.store->exec("INSERT INTO payment_application (customer_id, payment_id, invoice_id, kind, amount_cents, "
                                          "applied_on, created_at, actor) VALUES (" + std::to_string(a) + ", " + std::to_string(pid) + ", " +
                                          std::to_string(ids[0]) + ", 'credit', 1, '2026-11-23', 'x', 'x')"),
                      Catch::Contains("cannot take an invoice below zero"));
    CHECK_THROWS_WITH(fx.store->exec("DELETE FROM payment"), Catch::Contains("never changes"));
    p.method = "bitcoin";
    CHECK_THROWS_WITH(record_payment(fx.ctx, ids[0], p), Catch::Contains("not a payment method"));
}

TEST_CASE("aging puts open balances into buckets by days past due", "[billing][aging]") {
    Fixture fx;
    fx.config.billing.terms = "net 0";
    int64_t a = fx.customer("Ann");
    std::vector<std::string> days = {"2026-11-23", "2026-11-01", "2026-10-01", "2026-09-01", "2026-06-01"};
    std::vector<int64_t> ids;
    for (size_t i = 0; i < days.size(); ++i) {
        fx.set_now(days[i] + "T09:00:00");
        add_line(fx, a, "extra", 1000 * static_cast<Cents>(i + 1), 1000, false, days[i]);
        auto r = run_invoices(fx.ctx, RunOptions{std::nullopt, days[i], std::nullopt, true, std::nullopt});
        REQUIRE(r.size() == 1);
    }
    fx.set_now("2026-11-23T09:00:00");
    auto rows = aging(fx.ctx, "today");
    REQUIRE(rows.size() == 2);
    const Json& r = rows[0];
    CHECK(str(r["current"]) == "10.00");     // due today
    CHECK(str(r["days_1_30"]) == "20.00");   // 22 days
    CHECK(str(r["days_31_60"]) == "30.00");  // 53 days
    CHECK(str(r["days_61_90"]) == "40.00");  // 83 days
    CHECK(str(r["days_over_90"]) == "50.00");
    CHECK(str(r["total"]) == "150.00");
    CHECK(rows[1]["total"] == r["total"]);
    InvoiceFilter f;
    f.overdue = true;
    CHECK(list_invoices(fx.ctx, f).size() == 4);
    // As of an earlier day, later invoices do not exist yet.
    CHECK(str(aging(fx.ctx, "2026-10-15")[0]["total"]) == "120.00");
}

TEST_CASE("sha256 matches the FIPS test vectors", "[checksum]") {
    Sha256 a;
    CHECK(a.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Sha256 b;
    b.update("abc");
    CHECK(b.hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    Sha256 c;
    std::string m(1000000, 'a');
    c.update(m.substr(0, 333));
    c.update(m.substr(333));
    CHECK(c.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("CSV text that a spreadsheet would run is neutralised", "[export]") {
    CHECK(neutralise("=SUM(A1)") == "'=SUM(A1)");
    CHECK(neutralise("+1") == "'+1");
    CHECK(neutralise("-2") == "'-2");
    CHECK(neutralise("@x") == "'@x");
    CHECK(neutralise("\tx") == "'\tx");
    CHECK(neutralise("\rx") == "'\rx");
    CHECK(neutralise("Ann = Bob") == "Ann = Bob");
    CHECK(neutralise("") == "");
}

TEST_CASE("exports: batches, --unexported and byte-for-byte reproduction", "[export]") {
    Fixture fx;
    fx.config.tax.rate_micro = 86000;
    int64_t a = fx.customer("Ann, \"Annie\" Smith");
    add_line(fx, a, "extra", 4500, 1000, true, "2026-11-05");
    add_line(fx, a, "item", 1250, 1500, false, "2026-11-06");
    issue_invoices(fx.ctx, run_invoices(fx.ctx, period("2026-11")));
    for (const char* format : {"qbo", "iif", "xero", "csv", "json"}) {
        std::ostringstream out;
        ExportSelection sel;
        sel.format = format;
        sel.unexported = true;
        auto r = export_invoices(fx.ctx, sel, [&](int, int) -> std::ostream& { return out; }, true);
        CHECK(r.invoices == 1);
        CHECK(r.total == 4500 + 1875 + 387);
        CHECK(r.tax == 387);
        CHECK(r.bytes == out.str().size());
        Sha256 s;
        s.update(out.str());
        CHECK(r.sha256 == s.hex());
        std::ostringstream again;
        auto r2 = export_invoices(fx.ctx, sel, [&](int, int) -> std::ostream& { return again; }, true);
        CHECK(r2.invoices == 0);
        CHECK(r2.batch_id == 0);
        // a config change does not change a reproduced batch
        fx.config.billing.date_format = "DD/MM/YYYY";
        std::ostringstream rep;
        ExportSelection b;
        b.batch = r.batch_id;
        export_invoices(fx.ctx, b, [&](int, int) -> std::ostream& { return rep; }, true);
        CHECK(rep.str() == out.str());
        fx.config.billing.date_format = "MM/DD/YYYY";
    }
    CHECK(fx.count("SELECT count(*) FROM export_batch") == 5);
}
