"""pom quote add|send|accept|decline|list|show: exact money, the email notice, the tag rules, bad input."""
import unittest

from pomtest import DbError
from salestest import SalesTest


class Quotes(SalesTest):
    def setUp(self):
        super().setUp()
        self.lead()  # customer 1, opted-in email

    def add(self, *lines, extra=()):
        args = ["quote", "add", "--customer", "Ann Smith"]
        for l in lines:
            args += ["--line", l]
        return self.json(*args, *extra)[0]

    def test_add_computes_exact_amounts(self):
        q = self.add("Weekly service|4|45.00", "Chlorine tabs (bucket)|3|33.33", "Acid|1.5|10.01", "Pipe | fitting|2|0.10",
                     extra=("--valid-days", "14", "--terms", "Net 15"))
        self.validate("quote", q)
        self.assertEqual([(l["description"], l["quantity"], l["unit_price"], l["amount"]) for l in q["lines"]],
                         [("Weekly service", "4", "45.00", "180.00"), ("Chlorine tabs (bucket)", "3", "33.33", "99.99"),
                          ("Acid", "1.5", "10.01", "15.02"), ("Pipe | fitting", "2", "0.10", "0.20")])
        self.assertEqual((q["total"], q["status"], q["valid_days"], q["valid_until"], q["terms"]),
                         ("295.21", "draft", 14, "2026-12-07", "Net 15"))
        self.assertEqual(self.rows("SELECT total_cents FROM quote"), [(29521,)])

    def test_send_queues_the_email_and_moves_the_lead_to_sales_followup(self):
        self.add("Weekly service|4|45")
        r = self.pom("quote", "send", "1", "-o", "json", env={"POM_NOW": "2026-11-24T10:00:00"})
        self.assertEqual(r.code, 0, r)
        q = r.json()[0]
        self.validate("quote", q)
        self.assertEqual((q["status"], q["sent_at"], q["valid_until"]), ("sent", "2026-11-24T17:00:00Z", "2026-12-24"))
        notices = self.rows("SELECT kind, channel, recipient, customer_id, subject, body FROM notice")
        self.assertEqual(len(notices), 1)
        kind, channel, to, cust, subject, body = notices[0]
        self.assertEqual((kind, channel, to, cust, subject), ("quote", "email", "ann@example.com", 1, "Your quote from Blue Wave Pools"))
        self.assertIn("Hello Ann,", body)
        self.assertIn("Quote Q-000001 for Ann Smith", body)
        self.assertIn("Weekly service", body)
        self.assertIn("180.00", body)
        self.assertEqual(self.customer(1)["tags"], ["Sales Followup"])
        self.assertEqual(self.json("tag", "list", "Sales Followup")[0]["rule"], "quote-sent-followup")

    def test_accept_moves_to_schedule_and_decline_to_inactive(self):
        self.add("Weekly service|4|45")
        self.ok("quote", "send", "1")
        q = self.json("quote", "accept", "1")[0]
        self.assertEqual((q["status"], q["accepted_at"]), ("accepted", "2026-11-23T15:00:00Z"))
        c = self.customer(1)
        self.assertEqual((c["status"], c["tags"]), ("lead", ["Schedule"]))
        b = self.lead("Bob Jones", "bob@example.com")
        self.json("quote", "add", "--customer", str(b["id"]), "--line", "Opening|1|175")
        self.ok("quote", "send", "2")
        q = self.json("quote", "decline", "2", "--reason", "Went with a neighbour's company")[0]
        self.validate("quote", q)
        self.assertEqual((q["status"], q["decline_reason"]), ("declined", "Went with a neighbour's company"))
        c = self.customer(b["id"])
        self.assertEqual((c["status"], c["tags"]), ("inactive", []))

    def test_by_hand_sends_no_email(self):
        self.json("customer", "add", "--name", "No Email")
        self.json("quote", "add", "--customer", "No Email", "--line", "Repair|1|95")
        self.assertRefusedBoth(["quote", "send", "1"], 1,
                               "quote 1: customer 2 has no email address opted in to email; add one, or use --by-hand")
        self.assertEqual(self.json("quote", "send", "1", "--by-hand")[0]["status"], "sent")
        self.assertEqual(self.rows("SELECT count(*) FROM notice"), [(0,)])

    def test_lines_of_a_sent_quote_are_frozen_by_the_schema(self):
        self.add("Weekly service|4|45")
        self.ok("quote", "send", "1")
        with self.assertRaisesRegex(DbError, "cannot change"):
            self.sql("UPDATE quote_line SET unit_price_cents = 1")
        with self.assertRaisesRegex(DbError, "cannot change"):
            self.sql("INSERT INTO quote_line (quote_id, position, description, quantity_milli, unit_price_cents, amount_cents)"
                        " VALUES (1, 9, 'x', 1000, 1, 1)")

    def test_list_and_show(self):
        self.add("Weekly service|4|45")
        self.add("Filter clean|1|85")
        self.ok("quote", "send", "2")
        self.assertEqual([q["id"] for q in self.json("quote", "list", "--status", "sent")], [2])
        self.assertEqual([q["id"] for q in self.json("quote", "list", "--open")], [1, 2])
        rows = self.json("quote", "list", "--customer", "Ann Smith")
        self.validate("quote", rows)
        self.assertEqual(self.ok("quote", "list", "-o", "id"), "1\n2\n")
        text = self.ok("quote", "show", "2", "--format", "text")
        self.assertIn("Blue Wave Pools\n", text)
        self.assertIn("Quote Q-000002 for Ann Smith\nValid until 2026-12-23\n", text)
        self.assertRegex(text, r"Filter clean\s+1\s+85\.00\s+85\.00\n")
        self.assertRegex(text, r"Total USD\s+85\.00\n")

    def test_html_is_escaped(self):
        self.json("customer", "add", "--name", "Tom <b>&</b> Co", "--email", "t@example.com")
        self.json("quote", "add", "--customer", "2", "--line", "Pump <motor> & seal|1|300")
        html = self.ok("quote", "show", "1", "--format", "html")
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertIn("Quote Q-000001 for Tom &lt;b&gt;&amp;&lt;/b&gt; Co", html)
        self.assertIn("<td>Pump &lt;motor&gt; &amp; seal</td>", html)
        self.assertNotIn("<motor>", html)

    def test_quantities_carry_their_unit_onto_the_bill(self):
        q = self.add("Weekly service|4 visits|45", "Salt|3 bags|9.50|taxable", "Filter clean|1|85")
        self.validate("quote", q)
        self.assertEqual([(l["quantity"], l["unit"]) for l in q["lines"]], [("4", "visits"), ("3", "bags"), ("1", None)])
        text = self.ok("quote", "show", "1", "--format", "text")
        self.assertRegex(text, r"Weekly service\s+4 visits\s+45\.00\s+180\.00\n")
        self.assertRegex(text, r"Filter clean\s+1\s+85\.00\s+85\.00\n")
        # The totals stay under the amounts.
        amounts = [l for l in text.splitlines() if l.endswith(("180.00", "28.50", "85.00")) or l.startswith(" ")]
        self.assertEqual(len({len(l) for l in amounts}), 1, amounts)
        self.assertIn('<td class="n">3 bags</td>', self.ok("quote", "show", "1", "--format", "html"))
        self.ok("quote", "send", "1")
        self.assertIn("4 visits", self.rows("SELECT body FROM notice")[0][0])
        # Accepted with --bill, the one-off lines are billed with their units.
        self.ok("quote", "accept", "1", "--bill")
        lines = self.json("bill", "lines", "--unbilled")
        self.validate("billable-line", lines)
        self.assertEqual([(l["description"], l["quantity"], l["unit"]) for l in lines],
                         [("Weekly service", "4", "visits"), ("Salt", "3", "bags"), ("Filter clean", "1", None)])
        # An extra billed by hand can say what it counts too.
        line = self.json("bill", "extra", "add", "--customer", "Ann Smith", "--description", "Labour", "--amount", "60",
                         "--quantity", "1.5", "--unit", "hours")[0]
        self.validate("billable-line", line)
        self.assertEqual((line["quantity"], line["unit"], line["amount"]), ("1.5", "hours", "90.00"))
        before = self.dump()
        for args, message in [
            (["--line", "A|2 9|5"], "--line unit: '9' does not start with a letter"),
            (["--line", "A|2 " + "x" * 21 + "|5"], "a unit is at most 20"),
            (["--line", "A|two bags|5"], "--line quantity"),
        ]:
            with self.subTest(args=args):
                self.assertRefusedBoth(["quote", "add", "--customer", "1", *args], 65, message)
        self.assertRefusedBoth(["bill", "extra", "add", "--customer", "1", "--description", "x", "--amount", "1", "--unit", " "],
                               65, "--unit: the unit is empty")
        self.assertEqual(self.dump(), before)

    def test_bad_input_is_refused(self):
        self.add("Weekly service|4|45")  # quote 1, draft
        self.add("Opening|1|175")
        self.ok("quote", "send", "2")  # quote 2, sent
        cases = [
            (["quote", "add", "--customer", "1"], 64, "--line is required"),
            (["quote", "add", "--line", "A|1|1"], 64, "--customer is required"),
            (["quote", "add", "--customer", "Nobody", "--line", "A|1|1"], 1, "no customer 'Nobody'"),
            (["quote", "add", "--customer", "1", "--line", "no pipes"], 65, "is not description|quantity|unit price"),
            (["quote", "add", "--customer", "1", "--line", "|1|5"], 65, "has no description"),
            (["quote", "add", "--customer", "1", "--line", "A|0|5"], 65, "the quantity must be more than zero"),
            (["quote", "add", "--customer", "1", "--line", "A|1|4.005"], 65, "--line price"),
            (["quote", "add", "--customer", "1", "--line", "A|1|-4"], 65, "--line price"),
            (["quote", "add", "--customer", "1", "--line", "A|x|4"], 65, "--line quantity"),
            (["quote", "add", "--customer", "1", "--line", "A|1|1", "--valid-days", "0"], 65, "--valid-days: must be 1 to 365"),
            (["quote", "send", "2"], 1, "quote 2 is sent: only a draft is sent"),
            (["quote", "send", "9"], 1, "no quote with id 9"),
            (["quote", "send", "x"], 65, "ID: 'x' is not an id"),
            (["quote", "accept", "1"], 1, "quote 1 is draft: send it before it can be accepted"),
            (["quote", "decline", "2"], 64, "--reason is required"),
            (["quote", "decline", "2", "--reason", "  "], 65, "--reason: say why the customer declined"),
            (["quote", "list", "--status", "won"], 64, "--status"),
            (["quote", "show", "1", "--format", "pdf"], 64, "--format"),
        ]
        for args, code, message in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, code, message)
        # valid until 2026-12-23: accepting on the 24th is refused
        self.assertRefused(["quote", "accept", "2"], 1, "quote 2 was valid until 2026-12-23: add and send a new quote",
                           env={"POM_NOW": "2026-12-24T09:00:00"})
        self.ok("quote", "accept", "2")
        self.assertRefusedBoth(["quote", "decline", "2", "--reason", "changed mind"], 1, "quote 2 is accepted")
        self.assertRefusedBoth(["quote", "accept", "2"], 1, "quote 2 is accepted: only a sent quote can be accepted")


if __name__ == "__main__":
    unittest.main()
