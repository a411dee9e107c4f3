"""What is billed (issue 18): visits completed without a ticket, plans with visits included,
warranty work at no charge, discounts and adjustments on drafts, periods not ended, quotes."""
import csv
import io
import json
import unittest
from decimal import Decimal

from pomtest import PomTest
from refusal import Refusals

CONFIG = ('timezone = "America/Phoenix"\n[company]\nname = "Blue Wave Pools"\n'
          '[tax]\nrate = "8.6"\n')


def cents(text):
    return int(Decimal(text) * 100)


class Base(Refusals, PomTest):
    config = CONFIG

    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann Lee", "--ref", "C-1", "--email", "ann@example.com")
        self.ok("pool", "add", "--customer", "C-1", "--gallons", "15000", "--surface", "plaster", "--sanitizer", "chlorine")
        self.ok("worker", "add", "--name", "Tom Reyes", "--role", "technician")
        self.ok("worker", "add", "--name", "Dana Office", "--role", "office")

    def visit(self, when="today", kind="maintenance"):
        return self.json("appt", "add", "--customer", "C-1", "--date", when, "--worker", "Tom", "--type", kind)[0]["id"]

    def complete(self, appt):
        self.ok("appt", "start", str(appt))
        return self.ok("appt", "complete", str(appt))

    def lines(self, *args):
        return self.json("bill", "lines", "--customer", "C-1", *args)

    def detail(self, key):
        return self.json("bill", "show", str(key), "--format", "json")[0]

    def assertAddsUp(self, d):
        amount = sum(cents(l["amount"]) for l in d["line_items"])
        tax = sum(cents(l["tax"]) for l in d["line_items"])
        self.assertEqual((amount, tax, amount + tax), (cents(d["subtotal"]), cents(d["tax"]), cents(d["total"])))


class CompletedVisits(Base):
    def test_a_visit_completed_without_a_ticket_is_billed_once_at_the_plan_price(self):
        self.ok("bill", "plan", "set", "--customer", "C-1", "--per-visit", "maintenance=39.50")
        a = self.visit()
        self.complete(a)
        lines = self.lines()
        self.assertEqual([(l["kind"], l["description"], l["amount"], l["service_date"], l["service_id"]) for l in lines],
                         [("service", "Maintenance visit", "39.50", "2026-11-23", None)])
        self.validate("billable-line", lines)
        # A ticket written afterwards for the visit bills its chemicals, never the visit again.
        self.ok("inventory", "add", "--sku", "LC125", "--name", "Liquid chlorine", "--unit", "gal", "--cost", "3.50",
                "--price", "6.00", "--stock", "10", "--chemical", "liquid chlorine")
        self.ok("service", "start", str(a))
        self.ok("service", "dose", "1", "--chemical", "liquid chlorine", "--amount", "1", "--unit", "gal")
        self.ok("service", "check", "1", "--all")
        self.ok("service", "submit", "1")
        self.assertEqual(sorted((l["kind"], l["amount"]) for l in self.lines()), [("chemical", "6.00"), ("service", "39.50")])
        inv = self.json("bill", "run", "--period", "2026-11", "--force")
        self.assertEqual([(i["subtotal"], i["tax"]) for i in inv], [("45.50", "0.52")])  # the chemical is taxable
        self.assertEqual(self.json("bill", "run", "--period", "2026-11", "--force"), [])
        self.assertEqual(self.lines("--unbilled"), [])

    def test_without_a_plan_the_service_types_price_applies(self):
        self.complete(self.visit())
        self.assertEqual([l["amount"] for l in self.lines()], ["45.00"])

    def test_skipped_and_cancelled_visits_bill_nothing(self):
        a = self.visit()
        self.ok("appt", "skip", str(a), "--reason", "gate locked")
        b = self.visit("tomorrow")
        self.ok("appt", "cancel", str(b), "--reason", "moved away")
        self.assertEqual(self.lines(), [])

    def test_run_warns_about_completed_visits_that_billed_nothing(self):
        a = self.visit()
        self.complete(a)
        # As a visit completed by an older pom: no line.
        self.sql("DELETE FROM billable_line")
        r = self.pom("bill", "run", "--period", "2026-11")
        self.assertEqual(r.code, 0, r)
        self.assertIn(f"warning: 1 completed visit of the period billed nothing", r.err)
        self.assertIn(f"visit {a} on 2026-11-23 (Ann Lee)", r.err)
        self.assertEqual(self.pom("bill", "run", "--period", "2026-11", "-o", "json").out, "[]\n")
        r = self.pom("bill", "run", "--period", "2026-10")
        self.assertNotIn("warning", r.err)


class RequiresTicket(Base):
    config = CONFIG + "[billing]\ncomplete_requires_ticket = true\n"

    def test_complete_without_a_submitted_ticket_is_refused(self):
        a = self.visit()
        self.ok("appt", "start", str(a))
        self.assertRefusedBoth(["appt", "complete", str(a)], 1,
                               f"appointment {a} has no submitted service ticket and [billing] complete_requires_ticket is on")
        self.ok("service", "start", str(a))
        self.assertRefusedBoth(["appt", "complete", str(a)], 1, "submit service 1 (pom service submit 1)")
        self.ok("service", "check", "1", "--all")
        self.ok("service", "submit", "1")
        self.assertEqual(self.json("appt", "show", str(a))[0]["status"], "completed")
        self.assertEqual([(l["kind"], l["amount"], l["service_id"]) for l in self.lines()], [("service", "45.00", 1)])
        self.assertEqual(self.json("config", "show")[0]["billing.complete_requires_ticket"], True)


class IncludedVisits(Base):
    def test_visits_included_in_a_flat_fee_are_0_00_lines(self):
        p = self.json("bill", "plan", "set", "--customer", "C-1", "--monthly", "180", "--per-visit", "maintenance=40")[0]
        self.assertEqual(p["visits"], "billed")
        p = self.json("bill", "plan", "set", "--customer", "C-1", "--visits", "included")[0]
        self.validate("billing-plan", p)
        self.assertEqual(p["visits"], "included")
        self.complete(self.visit())
        inv = self.json("bill", "run", "--period", "2026-11", "--force")
        self.assertEqual(len(inv), 1)
        d = self.detail(inv[0]["id"])
        self.assertEqual(sorted((l["kind"], l["amount"], l["included"]) for l in d["line_items"]),
                         [("monthly", "180.00", False), ("service", "0.00", True)])
        self.assertEqual(d["total"], "180.00")
        self.assertEqual(self.json("bill", "run", "--period", "2026-11", "--force"), [])

    def test_visits_billed_on_top_by_default(self):
        self.ok("bill", "plan", "set", "--customer", "C-1", "--monthly", "180")
        self.complete(self.visit())
        inv = self.json("bill", "run", "--period", "2026-11", "--force")
        self.assertEqual(inv[0]["total"], "225.00")

    def test_visits_included_needs_a_monthly_fee(self):
        self.assertRefusedBoth(["bill", "plan", "set", "--customer", "C-1", "--visits", "included"], 65,
                               "--visits included: visits are included only in a flat monthly fee")
        self.ok("bill", "plan", "set", "--customer", "C-1", "--monthly", "180", "--visits", "included")
        self.assertRefusedBoth(["bill", "plan", "set", "--customer", "C-1", "--no-monthly"], 65, "--no-monthly")
        self.assertRefusedBoth(["bill", "plan", "set", "--customer", "C-1", "--visits", "free"], 64, "--visits")


class Warranty(Base):
    def ticket(self, *warranty):
        self.json("ticket", "add", "--customer", "C-1", "--category", "warranty", "--severity", "high",
                  "--summary", "Heater leaks at the union", "--told", "A technician will look this week",
                  "--owner", "Dana", "--source", "phone", *warranty)
        return self.json("ticket", "schedule", "1", "--date", "today", "--worker", "Tom", "--type", "repair")[0]["visits"][0]["appointment_id"]

    def test_a_visit_of_a_ticket_in_warranty_is_no_charge(self):
        a = self.ticket("--warranty", "in", "--warranty-until", "2027-06-30")
        self.complete(a)
        inv = self.json("bill", "run", "--period", "2026-11", "--issue")
        d = self.detail(inv[0]["number"])
        self.assertEqual([(l["kind"], l["amount"], l["description"]) for l in d["line_items"]],
                         [("service", "0.00", "Repair visit (no charge: warranty, ticket 1)")])
        self.assertEqual((d["total"], d["status"]), ("0.00", "paid"))
        self.assertEqual(self.json("bill", "list", "--status", "issued"), [])  # no credit note

    def test_out_of_warranty_is_billed(self):
        a = self.ticket("--warranty", "out")
        self.complete(a)
        inv = self.json("bill", "run", "--period", "2026-11")
        self.assertNotEqual(inv[0]["total"], "0.00")
        self.assertNotIn("warranty", json.dumps(self.detail(inv[0]["id"])["line_items"]))


class Discounts(Base):
    def draft(self):
        for desc, amount, *more in (("Pool opening", "100.00", "--taxable"), ("Labor", "50.00")):
            self.ok("bill", "extra", "add", "--customer", "C-1", "--description", desc, "--amount", amount, *more)
        return self.json("bill", "run", "--period", "2026-11")[0]

    def test_percent_discount_reduces_the_taxable_base(self):
        inv = self.draft()
        self.assertEqual((inv["subtotal"], inv["tax"], inv["total"]), ("150.00", "8.60", "158.60"))
        inv = self.json("bill", "discount", str(inv["id"]), "--percent", "10", "--reason", "loyal customer")[0]
        self.assertEqual((inv["subtotal"], inv["tax"], inv["total"]), ("135.00", "7.74", "142.74"))
        d = self.detail(inv["id"])
        self.validate("invoice-detail", d)
        self.assertAddsUp(d)
        self.assertEqual([(l["kind"], l["item"], l["description"], l["amount"], l["taxable"], l["tax"]) for l in d["line_items"][2:]],
                         [("adjustment", "Discount", "10 % off: loyal customer", "-10.00", True, "-0.86"),
                          ("adjustment", "Discount", "10 % off: loyal customer", "-5.00", False, "0.00")])
        inv = self.json("bill", "adjust", str(inv["id"]), "--amount", "-2.00", "--reason", "rounding")[0]
        self.assertEqual(inv["subtotal"], "133.00")
        self.assertAddsUp(self.detail(inv["id"]))
        text = self.ok("bill", "show", str(inv["id"]))
        self.assertIn("-10.00", text)
        self.assertIn("loyal customer", text)

    def test_refusals_leave_the_draft_as_it_was(self):
        inv = self.draft()
        i = str(inv["id"])
        self.assertRefusedBoth(["bill", "adjust", i, "--amount=-200.00", "--reason", "too much"], 1, "below zero")
        self.assertRefusedBoth(["bill", "discount", i, "--percent", "101", "--reason", "x"], 65, "--percent")
        self.assertRefusedBoth(["bill", "discount", i, "--percent", "10", "--amount", "5", "--reason", "x"], 64,
                               "either --percent or --amount")
        self.assertRefusedBoth(["bill", "discount", i, "--amount", "5", "--reason", "  "], 65, "--reason")
        self.assertRefusedBoth(["bill", "adjust", i, "--amount", "0", "--reason", "x"], 65, "comes to 0.00")
        self.assertRefusedBoth(["bill", "discount", i, "--amount", "5"], 64, "--reason")
        self.ok("bill", "issue", i)
        self.assertRefusedBoth(["bill", "discount", "INV-000001", "--amount", "5", "--reason", "late"], 1,
                               "INV-000001 is issued and never changes: reduce what is owed with a credit note (pom bill credit")

    def test_invoice_level_tax_adds_up_with_a_discount(self):
        self.ok("customer", "add", "--name", "Bo Level", "--ref", "C-2")
        cfg = CONFIG.replace('rate = "8.6"\n', 'rate = "8.6"\nlevel = "invoice"\n')
        with open(self.config_path, "w") as f:
            f.write(cfg)
        for amount in ("0.33", "0.33", "0.34", "19.99"):
            self.ok("bill", "extra", "add", "--customer", "C-2", "--description", "Part", "--amount", amount, "--taxable")
        inv = self.json("bill", "run", "--period", "2026-11")[0]
        inv = self.json("bill", "discount", str(inv["id"]), "--percent", "33.333", "--reason", "promo")[0]
        d = self.detail(inv["id"])
        self.assertAddsUp(d)
        # One rounding of the whole taxable base: 8.6 % of (20.99 - 7.00) = 1.20314 → 1.20
        self.assertEqual((d["subtotal"], d["tax"]), ("13.99", "1.20"))

    def test_every_export_carries_the_discount(self):
        inv = self.draft()
        self.ok("bill", "discount", str(inv["id"]), "--amount", "15.00", "--reason", "spring special")
        n = self.json("bill", "issue", str(inv["id"]))[0]
        # 150.00 - 15.00 (10.00 of the taxable 100.00, 5.00 of the exempt 50.00); tax 8.6 % of 90.00
        self.assertEqual((n["subtotal"], n["tax"], n["total"]), ("135.00", "7.74", "142.74"))
        total = 14274

        def export(fmt):
            return self.ok("bill", "export", "--format", fmt, "--from", "2026-11-01")

        for fmt in ("csv", "json"):
            rows = list(csv.DictReader(io.StringIO(export(fmt), newline=""))) if fmt == "csv" else json.loads(export(fmt))
            if fmt == "json":
                self.validate("export-line", rows)
            self.assertEqual(sum(cents(r["amount"]) + cents(r["tax"]) for r in rows), total, fmt)
            self.assertEqual(sorted(r["amount"] for r in rows), ["-10.00", "-5.00", "100.00", "50.00"], fmt)
        qbo = list(csv.DictReader(io.StringIO(export("qbo"), newline="")))
        self.assertEqual(sum(cents(r["*ItemAmount"]) + cents(r["ItemTaxAmount"]) for r in qbo), total)
        for r in qbo:
            self.assertEqual(Decimal(r["ItemQuantity"]) * Decimal(r["ItemRate"]), Decimal(r["*ItemAmount"]))
        xero = list(csv.DictReader(io.StringIO(export("xero"), newline="")))
        self.assertEqual(sum(int(Decimal(r["*Quantity"]) * Decimal(r["*UnitAmount"]) * 100) + cents(r["TaxAmount"]) for r in xero),
                         total)
        self.assertIn("-10.00", [r["*UnitAmount"] for r in xero])
        iif = [l.split("\t") for l in export("iif").splitlines() if l.startswith(("TRNS", "SPL"))]
        self.assertEqual(cents(iif[0][7]), total)
        self.assertEqual(sum(cents(f[7]) for f in iif), 0)
        for f in iif[1:5]:  # QNTY × PRICE is the line's amount, as QuickBooks Desktop recomputes it
            self.assertEqual(-Decimal(f[11]) * Decimal(f[12]), -Decimal(f[7]))


class PeriodNotEnded(Base):
    def test_arrears_fee_of_the_current_month_waits_unless_forced(self):
        self.ok("bill", "plan", "set", "--customer", "C-1", "--monthly", "180", "--start", "2026-10-01")
        r = self.pom("bill", "run", "--period", "2026-11", "-o", "json")
        self.assertEqual(r.code, 0, r)
        inv = json.loads(r.out)
        d = self.detail(inv[0]["id"])
        self.assertEqual([l["description"] for l in d["line_items"]], ["Monthly pool service, October 2026"])
        r = self.pom("bill", "run", "--period", "2026-11")
        self.assertIn("2026-11 has not ended (it ends 2026-11-30): its monthly fees in arrears are not billed yet; "
                      "--force bills them now", r.err)
        self.assertEqual(len(self.lines()), 1)
        self.json("bill", "run", "--period", "2026-11", "--force")
        self.assertEqual([l["description"] for l in self.lines()],
                         ["Monthly pool service, October 2026", "Monthly pool service, November 2026"])
        self.assertEqual(self.json("bill", "run", "--period", "2026-11", "--force"), [])

    def test_a_period_ahead_bills_no_month_that_has_not_ended(self):
        self.ok("bill", "plan", "set", "--customer", "C-1", "--monthly", "180", "--start", "2026-10-01")
        r = self.pom("bill", "run", "--period", "2026-12")
        self.assertEqual(r.code, 0, r)
        self.assertIn("2026-12 has not ended", r.err)
        self.assertEqual([l["description"] for l in self.lines()], ["Monthly pool service, October 2026"])

    def test_a_month_that_has_ended_is_billed_without_force(self):
        self.ok("bill", "plan", "set", "--customer", "C-1", "--monthly", "180", "--start", "2026-10-01")
        r = self.pom("bill", "run", "--period", "2026-10")
        self.assertEqual(r.code, 0, r)
        self.assertNotIn("has not ended", r.err)
        self.assertEqual([l["description"] for l in self.lines()], ["Monthly pool service, October 2026"])

    def test_advance_fees_are_billed_ahead_as_before(self):
        self.ok("bill", "plan", "set", "--customer", "C-1", "--monthly", "180", "--monthly-billing", "advance")
        r = self.pom("bill", "run", "--period", "2026-11")
        self.assertNotIn("has not ended", r.err)
        self.assertEqual([l["description"] for l in self.lines()],
                         ["Monthly pool service, November 2026", "Monthly pool service, December 2026"])



class Quotes(Base):
    def quote(self, *lines):
        args = ["quote", "add", "--customer", "C-1"]
        for l in lines:
            args += ["--line", l]
        q = self.json(*args)[0]
        self.ok("quote", "send", str(q["id"]), "--by-hand")
        return q

    def test_quotes_are_numbered_and_show_tax_as_the_invoice_will(self):
        q = self.quote("Heater install|1|1200.00|taxable", "Labor|2|47.50")
        self.validate("quote", q)
        self.assertEqual((q["number"], q["total"], q["tax"], q["total_with_tax"], q["tax_rate"]),
                         ("Q-000001", "1295.00", "103.20", "1398.20", "8.6"))
        self.assertEqual([(l["taxable"], l["tax"], l["plan"]) for l in q["lines"]], [(True, "103.20", None), (False, "0.00", None)])
        self.assertEqual(self.json("quote", "add", "--customer", "C-1", "--line", "X|1|1")[0]["number"], "Q-000002")
        text = self.ok("quote", "show", "1", "--format", "text")
        self.assertIn("Quote Q-000001 for Ann Lee", text)
        self.assertRegex(text, r"Sales tax 8\.6 %\s+103\.20\n")
        self.assertRegex(text, r"Total USD\s+1398\.20\n")
        # The invoice of the same lines carries the same tax.
        self.ok("quote", "accept", "1", "--bill")
        inv = self.json("bill", "run", "--period", "2026-11")[0]
        self.assertEqual((inv["subtotal"], inv["tax"], inv["total"]), ("1295.00", "103.20", "1398.20"))
        # An exempt customer's quote shows no tax.
        self.ok("bill", "plan", "set", "--customer", "C-1", "--tax-exempt")
        q = self.json("quote", "show", "2")[0]
        self.assertEqual((q["tax"], q["tax_exempt"]), ("0.00", True))

    def test_accept_bill_makes_the_one_off_lines_billable_once(self):
        self.quote("Heater install|1|1200.00|taxable", "Weekly service|1|180.00|monthly")
        self.ok("quote", "accept", "1", "--bill")
        lines = self.lines()
        self.assertEqual([(l["kind"], l["description"], l["amount"], l["taxable"]) for l in lines],
                         [("extra", "Heater install", "1200.00", True)])
        self.assertRefusedBoth(["quote", "accept", "1", "--bill"], 1, "quote 1 is accepted")
        self.assertEqual(len(self.lines()), 1)

    def test_accept_plan_sets_the_plan_from_the_quote(self):
        self.quote("Weekly service|1|180.00|monthly", "Maintenance visit|1|39.50|per-visit=maintenance", "Opening|1|175")
        self.assertRefusedBoth(["quote", "accept", "1", "--plan", "--bill", "--no-such"], 64, "--no-such")
        q = self.json("quote", "accept", "1", "--plan")[0]
        self.assertEqual(q["status"], "accepted")
        p = self.json("bill", "plan", "show", "--customer", "C-1")[0]
        self.assertEqual((p["monthly"], p["monthly_description"]), ("180.00", "Weekly service"))
        self.assertEqual([x["price"] for x in p["per_visit"] if x["service_type"] == "maintenance"], ["39.50"])
        self.assertEqual(self.lines(), [])  # the one-off line waits for --bill

    def test_accept_refusals_leave_everything_as_it_was(self):
        self.quote("Opening|1|175")
        self.assertRefusedBoth(["quote", "accept", "1", "--plan"], 65, "--plan: quote 1 has no plan line")
        self.assertRefusedBoth(["quote", "add", "--customer", "C-1", "--line", "Visit|1|40|per-visit=lessons"], 65,
                               "unknown service type 'lessons'")
        self.assertRefusedBoth(["quote", "add", "--customer", "C-1", "--line", "Fee|2|180|monthly"], 65,
                               "a monthly fee is one a month")
        self.assertEqual(self.json("quote", "show", "1")[0]["status"], "sent")


if __name__ == "__main__":
    unittest.main()
