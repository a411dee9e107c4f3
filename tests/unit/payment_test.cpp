// The payment model against an in-memory store: one payment over several invoices, credit from
// an unapplied payment and from a credit-note surplus, refunds bounded by the credit, write-offs,
// and a statement whose closing balance is aging's figure on every day.
#include "billing.h"
#include "error.h"
#include "fixture.h"
#include "money.h"
#include "payment.h"

#include <catch2/catch.hpp>

using namespace pom;
using pom::test::Fixture;

namespace {

/// An issued invoice of `amount` (no tax) for the customer.
int64_t invoice(Fixture& fx, int64_t customer, Cents amount) {
    ExtraFields e;
    e.customer_id = customer;
    e.description = "Work";
    e.unit_price = amount;
    e.date = "2026-11-05";
    add_extra(fx.ctx, e);
    RunOptions r;
    r.period = "2026-11";
    r.customer_id = customer;
    auto ids = run_invoices(fx.ctx, r);
    REQUIRE(ids.size() == 1);
    issue_invoices(fx.ctx, ids);
    return ids[0];
}

Cents signed_cents(const Json& j);
Cents balance(Fixture& fx, int64_t id) { return signed_cents(invoice_json(fx.ctx, id)["balance"]); }

/// Aging's total less credit for the customer's row (0 when it has none).
Cents net(Fixture& fx, const std::string& name, const std::string& day) {
    for (const auto& row : aging(fx.ctx, day))
        if (row["customer"] == name)
            return parse_money(row["total"].get<std::string>(), "total") - parse_money(row["credit"].get<std::string>(), "credit");
    return 0;
}

Cents signed_cents(const Json& j) {
    std::string s = j.get<std::string>();
    return s[0] == '-' ? -parse_money(s.substr(1), "x") : parse_money(s, "x");
}

}  // namespace

TEST_CASE("one payment pays invoices oldest first and keeps the rest as credit only when asked", "[payment]") {
    Fixture fx;
    int64_t ann = fx.customer("Ann");
    int64_t first = invoice(fx, ann, 10000);
    int64_t second = invoice(fx, ann, 25000);
    CustomerPaymentFields p;
    p.customer_id = ann;
    p.amount = 40000;
    p.method = "check";
    CHECK_THROWS_WITH(record_customer_payment(fx.ctx, p), Catch::Contains("--credit keeps the 50.00 over"));
    CHECK(balance(fx, first) == 10000);
    p.credit = true;
    int64_t id = record_customer_payment(fx.ctx, p);
    CHECK(balance(fx, first) == 0);
    CHECK(balance(fx, second) == 0);
    CHECK(customer_credit(*fx.store, ann) == 5000);
    Json d = payment_detail(*fx.store, id);
    CHECK(d["applications"].size() == 2);
    CHECK(d["unapplied"] == "50.00");
    // The schema: a payment is never used beyond what is left of it, even past the code.
    int64_t third = invoice(fx, ann, 10000);
    auto apply = [&](Cents amount) {
        fx.store->exec("INSERT INTO payment_application (customer_id, payment_id, invoice_id, kind, amount_cents, applied_on, created_at, "
                       "actor) VALUES (" + std::to_string(ann) + ", " + std::to_string(id) + ", " + std::to_string(third) + ", 'credit', " +
                       std::to_string(amount) + ", '2026-11-23', 'x', 'x')");
    };
    CHECK_THROWS_WITH(apply(5001), Catch::Contains("cannot use more of a payment than is left of it"));
    apply(5000);
    CHECK(balance(fx, third) == 5000);
    CHECK(customer_credit(*fx.store, ann) == 0);
}

TEST_CASE("credit from a credit-note surplus is applied, refunds never exceed credit, write-offs close a balance", "[payment]") {
    Fixture fx;
    int64_t ann = fx.customer("Ann");
    int64_t first = invoice(fx, ann, 10000);
    PaymentFields pay;
    pay.amount = 10000;
    pay.date = "today";
    pay.method = "cash";
    record_payment(fx.ctx, first, pay);
    credit_invoice(fx.ctx, first, "goodwill", {}, 3000, CreditTax::none);
    CHECK(balance(fx, first) == -3000);
    CHECK(customer_credit(*fx.store, ann) == 3000);
    int64_t second = invoice(fx, ann, 5000);
    auto apps = apply_credit(fx.ctx, second, 2000, "today");
    REQUIRE(apps.size() == 1);
    CHECK(apps[0]["source_invoice"] == invoice_json(fx.ctx, first)["number"]);
    CHECK(balance(fx, second) == 3000);
    CHECK(balance(fx, first) == -1000);
    RefundFields r;
    r.customer_id = ann;
    r.amount = 1001;
    r.method = "check";
    r.reason = "overpaid";
    CHECK_THROWS_WITH(refund_credit(fx.ctx, r), Catch::Contains("more than the 10.00 of credit"));
    r.amount = 1000;
    refund_credit(fx.ctx, r);
    CHECK(customer_credit(*fx.store, ann) == 0);
    CHECK(balance(fx, first) == 0);
    WriteOffFields w;
    w.invoice_id = second;
    w.reason = "gone";
    w.amount = 3001;
    CHECK_THROWS_WITH(write_off_invoice(fx.ctx, w), Catch::Contains("more than the balance 30.00"));
    w.amount.reset();
    write_off_invoice(fx.ctx, w);
    CHECK(balance(fx, second) == 0);
    CHECK(invoice_json(fx.ctx, second)["written_off"] == "30.00");
    CHECK(net(fx, "Ann", "today") == 0);
    Json s = statement(fx.ctx, ann, std::nullopt, std::nullopt);
    CHECK(signed_cents(s["closing_balance"]) == 0);
    Cents running = 0;
    for (const auto& e : s["entries"]) {
        running += signed_cents(e["amount"]);
        CHECK(signed_cents(e["balance"]) == running);
    }
    CHECK_THROWS_WITH(fx.store->exec("DELETE FROM write_off"), Catch::Contains("never changes"));
    CHECK_THROWS_WITH(fx.store->exec("UPDATE refund SET amount_cents = 1"), Catch::Contains("never changes"));
}
