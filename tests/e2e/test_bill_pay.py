"""pom bill: one payment over several invoices, unapplied payments and customer credit, apply-credit,
refund, write-off, the deposit report, statements, and the migration of payments made before."""
import json
import sqlite3
import unittest

from pomtest import ENGINE, SCHEMA_VERSION, DbError, psql, undo_migrations
from test_bill import BillBase

LATER = {"POM_NOW": "2027-01-20T08:00:00"}


def money(s):
    """Cents from pom's money text ("-12.50")."""
    neg = s.startswith("-")
    whole, cents = s.lstrip("-").split(".")
    v = int(whole) * 100 + int(cents)
    return -v if neg else v


class PayBase(BillBase):
    def setUp(self):
        super().setUp()
        self.customers()
        # C-1: INV-000001 (October, 100.00) and INV-000002 (November, 250.00); C-2: INV-000003 (175.00).
        self.extra("C-1", "Repair", "100.00", "--date", "2026-10-12")
        self.ok("bill", "run", "--period", "2026-10", "--issue")
        self.extra("C-1", "Pump", "250.00", "--date", "2026-11-05")
        self.extra("C-2", "Opening", "175.00", "--date", "2026-11-06")
        self.ok("bill", "run", "--period", "2026-11", "--issue")

    def balances(self, env=None):
        if env:
            return {i["number"]: i["balance"] for i in json.loads(self.pom("bill", "list", "-o", "json", env=env).out)
                    if i["kind"] == "invoice"}
        return {i["number"]: i["balance"] for i in self.json("bill", "list") if i["kind"] == "invoice"}

    def aging_of(self, ref, as_of=None):
        cid = self.json("customer", "show", ref)[0]["id"]
        args = ["bill", "aging"] + (["--as-of", as_of] if as_of else [])
        rows = [r for r in self.json(*args) if r["customer_id"] == cid]
        return rows[0] if rows else None

    def net(self, ref, as_of=None):
        a = self.aging_of(ref, as_of)
        return 0 if a is None else money(a["total"]) - money(a["credit"])


class CustomerPayments(PayBase):
    def test_one_payment_over_several_invoices_oldest_first(self):
        p = self.json("bill", "pay", "--customer", "C-1", "--amount", "150", "--method", "check", "--ref", "DEP-7")[0]
        self.validate("payment-detail", p)
        self.assertEqual((p["amount"], p["applied"], p["unapplied"], p["invoices"]), ("150.00", "150.00", "0.00", "INV-000001 INV-000002"))
        self.assertEqual([(a["invoice"], a["amount"]) for a in p["applications"]], [("INV-000001", "100.00"), ("INV-000002", "50.00")])
        self.assertEqual(self.balances(), {"INV-000001": "0.00", "INV-000002": "200.00", "INV-000003": "175.00"})
        self.assertEqual([i["number"] for i in self.json("bill", "list", "--status", "paid")], ["INV-000001"])
        d = self.json("bill", "show", "INV-000002", "--format", "json")[0]
        self.validate("invoice-detail", d)
        self.assertEqual([(x["method"], x["ref"], x["amount"], x["applied"]) for x in d["payments"]], [("check", "DEP-7", "150.00", "50.00")])
        log = self.json("log", "--entity", "payment_application")
        self.assertEqual(len(log), 2)

    def test_named_invoices_in_the_order_given_and_leftover_needs_credit(self):
        self.assertRefusedBoth(["bill", "pay", "--customer", "C-1", "--amount", "400", "--method", "ach",
                                "--invoice", "INV-000002", "--invoice", "INV-000001"], 1,
                               "--amount: 400.00 is more than the 350.00 those invoices owe; --credit keeps the 50.00 over")
        self.assertRefusedBoth(["bill", "pay", "--customer", "C-2", "--amount", "10", "--method", "ach", "--invoice", "INV-000001"], 1,
                               "INV-000001 is not an invoice of")
        self.assertRefusedBoth(["bill", "pay", "--customer", "C-9", "--amount", "10", "--method", "ach"], 1, "C-9")
        self.assertRefusedBoth(["bill", "pay", "--customer", "C-1", "--amount", "10", "--method", "ach", "--invoice", "INV-000099"], 1,
                               "no invoice 'INV-000099'")
        self.assertRefusedBoth(["bill", "pay", "INV-000001", "--customer", "C-1", "--amount", "10", "--method", "ach"], 64, "not both")
        self.assertRefusedBoth(["bill", "pay", "--customer", "C-1", "--amount", "10", "--method", "ach", "--unapplied",
                                "--invoice", "INV-000001"], 64, "--unapplied")
        self.assertRefusedBoth(["bill", "pay", "--customer", "C-1", "--amount", "10", "--method", "ach", "--date", "2026-12-01"], 65,
                               "is after today")
        p = self.json("bill", "pay", "--customer", "C-1", "--amount", "300", "--method", "ach",
                      "--invoice", "INV-000002", "--invoice", "INV-000001")[0]
        self.assertEqual([(a["invoice"], a["amount"]) for a in p["applications"]], [("INV-000002", "250.00"), ("INV-000001", "50.00")])
        self.assertRefusedBoth(["bill", "pay", "--customer", "C-1", "--amount", "10", "--method", "ach", "--invoice", "INV-000002"], 1,
                               "INV-000002 is already paid")
        p = self.json("bill", "pay", "--customer", "C-1", "--amount", "80", "--method", "cash", "--credit")[0]
        self.assertEqual((p["applied"], p["unapplied"]), ("50.00", "30.00"))
        self.assertEqual(self.aging_of("C-1")["credit"], "30.00")

    def test_bill_pay_invoice_keeps_its_output(self):
        r = self.pom("bill", "pay", "INV-000001", "--amount", "130", "--method", "check", "--ref", "1042", "--credit", "-o", "json")
        self.assertEqual(r.code, 0, r)
        p = json.loads(r.out)[0]
        self.validate("payment", p)
        self.assertEqual(list(p), ["id", "invoice_id", "invoice", "customer_id", "customer", "amount", "applied", "credit", "date",
                                   "method", "ref", "created_at"])
        self.assertEqual((p["invoice"], p["amount"], p["applied"], p["credit"]), ("INV-000001", "130.00", "100.00", "30.00"))
        r = self.pom("bill", "pay", "INV-000002", "--amount", "50", "--method", "cash")
        self.assertEqual(r.err, "INV-000002: balance 200.00\n")


class Credit(PayBase):
    def test_unapplied_then_applied(self):
        p = self.json("bill", "pay", "--customer", "C-2", "--amount", "80", "--method", "card", "--unapplied")[0]
        self.assertEqual((p["applied"], p["unapplied"], p["applications"]), ("0.00", "80.00", []))
        self.assertEqual(self.aging_of("C-2")["credit"], "80.00")
        self.assertEqual(self.balances()["INV-000003"], "175.00")
        apps = self.json("bill", "apply-credit", "INV-000003", "--amount", "30")
        self.validate("payment-application", apps)
        self.assertEqual([(a["payment_id"], a["invoice"], a["amount"]) for a in apps], [(p["id"], "INV-000003", "30.00")])
        self.assertEqual(self.aging_of("C-2")["credit"], "50.00")
        apps = self.json("bill", "apply-credit", "INV-000003")
        self.assertEqual([a["amount"] for a in apps], ["50.00"])
        self.assertEqual(self.balances()["INV-000003"], "95.00")
        self.assertEqual(self.aging_of("C-2")["credit"], "0.00")
        self.assertRefusedBoth(["bill", "apply-credit", "INV-000003"], 1, "has no credit to apply")
        self.assertRefusedBoth(["bill", "apply-credit", "INV-000009"], 1, "no invoice 'INV-000009'")
        d = self.json("bill", "payments", "--customer", "C-2")[0]
        self.assertEqual((d["applied"], d["unapplied"]), ("80.00", "0.00"))

    def test_apply_credit_from_a_credit_note_surplus(self):
        self.ok("bill", "pay", "INV-000001", "--amount", "100", "--method", "cash")
        self.ok("bill", "credit", "INV-000001", "--amount", "40", "--no-tax", "--reason", "goodwill after payment")
        self.assertEqual(self.balances()["INV-000001"], "-40.00")
        self.assertEqual(self.aging_of("C-1")["credit"], "40.00")
        self.assertRefusedBoth(["bill", "apply-credit", "INV-000002", "--amount", "41"], 1, "more than the 40.00 of credit")
        apps = self.json("bill", "apply-credit", "INV-000002")
        self.assertEqual([(a["source_invoice"], a["payment_id"], a["invoice"], a["amount"]) for a in apps],
                         [("INV-000001", None, "INV-000002", "40.00")])
        self.assertEqual(self.balances(), {"INV-000001": "0.00", "INV-000002": "210.00", "INV-000003": "175.00"})
        self.assertEqual(self.aging_of("C-1")["credit"], "0.00")
        d = self.json("bill", "show", "INV-000002", "--format", "json")[0]
        self.validate("invoice-detail", d)
        self.assertEqual([(x["method"], x["ref"], x["applied"]) for x in d["payments"]], [("credit", "INV-000001", "40.00")])
        text = self.ok("bill", "show", "INV-000002")
        self.assertIn("40.00", text)

    def test_refund_beyond_credit_is_refused_and_within_it_pays_back(self):
        self.ok("bill", "pay", "INV-000003", "--amount", "200", "--method", "check", "--credit")
        self.assertEqual(self.aging_of("C-2")["credit"], "25.00")
        self.assertRefusedBoth(["bill", "refund", "C-2", "--amount", "25.01", "--method", "check", "--reason", "overpaid"], 1,
                               "--amount: 25.01 is more than the 25.00 of credit")
        self.assertRefusedBoth(["bill", "refund", "C-2", "--amount", "5", "--method", "check", "--reason", " "], 65, "--reason")
        self.assertRefusedBoth(["bill", "refund", "C-1", "--amount", "5", "--method", "check", "--reason", "x"], 1, "more than the 0.00")
        r = self.json("bill", "refund", "C-2", "--amount", "20", "--method", "check", "--ref", "5501", "--reason", "overpaid")[0]
        self.validate("refund", r)
        self.assertEqual((r["amount"], r["ref"], r["reason"]), ("20.00", "5501", "overpaid"))
        self.assertEqual(self.aging_of("C-2")["credit"], "5.00")
        self.assertEqual(len(self.json("log", "--entity", "refund")), 1)
        with self.assertRaises(DbError):
            self.sql("UPDATE refund SET amount_cents = 1")
        with self.assertRaises(DbError):
            self.sql("DELETE FROM payment_application")


class WriteOff(PayBase):
    def test_write_off_closes_the_balance_and_aging_drops_it(self):
        self.ok("bill", "pay", "INV-000003", "--amount", "100", "--method", "cash")
        self.assertRefusedBoth(["bill", "write-off", "INV-000003", "--amount", "75.01", "--reason", "gone"], 1,
                               "more than the balance 75.00 of INV-000003")
        self.assertRefusedBoth(["bill", "write-off", "INV-000003", "--reason", ""], 65, "--reason")
        w = self.json("bill", "write-off", "INV-000003", "--reason", "customer moved away")[0]
        self.validate("write-off", w)
        self.assertEqual((w["invoice"], w["amount"], w["account"]), ("INV-000003", "75.00", "Bad Debt"))
        inv = [i for i in self.json("bill", "list") if i["number"] == "INV-000003"][0]
        self.validate("invoice", inv)
        self.assertEqual((inv["status"], inv["balance"], inv["written_off"]), ("paid", "0.00", "75.00"))
        self.assertIsNone(self.aging_of("C-2"))
        self.assertRefusedBoth(["bill", "write-off", "INV-000003", "--reason", "again"], 1, "no balance to write off")
        d = self.json("bill", "show", "INV-000003", "--format", "json")[0]
        self.assertEqual(d["write_offs"], [{"date": "2026-11-23", "amount": "75.00", "reason": "customer moved away"}])
        self.assertIn("Written off", self.ok("bill", "show", "INV-000003"))
        with self.assertRaises(DbError):
            self.sql("INSERT INTO write_off (invoice_id, customer_id, amount_cents, written_on, account, reason, created_at, actor) "
                     "VALUES (3, 2, 1, '2026-11-23', 'Bad Debt', 'x', 'c', 'a')")


class Reports(PayBase):
    def test_statement_closing_balance_is_aging(self):
        self.ok("bill", "pay", "--customer", "C-1", "--amount", "120", "--method", "check", "--ref", "DEP-1", "--date", "2026-11-23")
        self.ok("bill", "credit", "INV-000002", "--amount", "10", "--no-tax", "--reason", "late visit")
        self.ok("bill", "pay", "INV-000002", "--amount", "300", "--method", "card", "--credit")
        self.ok("bill", "refund", "C-1", "--amount", "20", "--method", "check", "--reason", "overpaid")
        s = self.json("bill", "statement", "C-1", "--format", "json")[0]
        self.validate("statement", s)
        self.assertEqual(s["opening_balance"], "0.00")
        self.assertEqual([e["kind"] for e in s["entries"]], ["invoice", "invoice", "credit_note", "payment", "payment", "refund"])
        running = 0
        for e in s["entries"]:
            running += money(e["amount"])
            self.assertEqual(money(e["balance"]), running)
        self.assertEqual(money(s["closing_balance"]), self.net("C-1"))
        self.assertEqual(s["closing_balance"], "-60.00")  # 350 - 10 - 120 - 300 + 20
        # a period: the opening balance carries what came before
        s2 = self.json("bill", "statement", "C-1", "--from", "2026-11-24", "--to", "2027-01-20", env=LATER)[0]
        self.assertEqual((s2["opening_balance"], s2["closing_balance"], s2["entries"]), ("-60.00", "-60.00", []))
        html = self.ok("bill", "statement", "C-1", "--format", "html")
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertIn("-60.00", html)
        self.assertNotIn("SECRET-NOTE", html)
        text = self.ok("bill", "statement", "C-1")
        self.assertIn("Closing balance", text)
        self.assertIn("credit on your account", text)
        self.assertNotIn("SECRET-NOTE", text)
        self.assertRefusedBoth(["bill", "statement", "C-9"], 1, "C-9")
        self.assertRefusedBoth(["bill", "statement", "C-1", "--from", "2026-12-01", "--to", "2026-11-01"], 65, "is after --to")

    def test_statement_matches_aging_as_of_earlier_days(self):
        self.ok("bill", "pay", "--customer", "C-1", "--amount", "60", "--method", "cash", "--date", "2026-11-23")
        self.pom("bill", "write-off", "INV-000002", "--amount", "15", "--reason", "dispute", env=LATER)
        for day in ("2026-11-22", "2026-11-23", "2027-01-20"):
            s = json.loads(self.pom("bill", "statement", "C-1", "--to", day, "-o", "json", env=LATER).out)[0]
            r = json.loads(self.pom("bill", "aging", "--as-of", day, "-o", "json", env=LATER).out)
            a = [x for x in r if x["customer"] == "Karen Henderson"]
            net = money(a[0]["total"]) - money(a[0]["credit"]) if a else 0
            self.assertEqual(money(s["closing_balance"]), net, day)

    def test_deposit_report_totals(self):
        self.ok("bill", "pay", "--customer", "C-1", "--amount", "100", "--method", "check", "--ref", "DEP-1")
        self.ok("bill", "pay", "--customer", "C-2", "--amount", "75", "--method", "check", "--ref", "DEP-1")
        self.ok("bill", "pay", "--customer", "C-1", "--amount", "20", "--method", "cash")
        self.ok("bill", "pay", "--customer", "C-2", "--amount", "5.50", "--method", "card", "--ref", "DEP-2")
        rows = self.json("bill", "payments")
        self.validate("payment-detail", rows)
        self.assertEqual([p["amount"] for p in rows], ["100.00", "75.00", "20.00", "5.50"])
        totals = self.json("bill", "payments", "--totals")
        self.validate("payment-total", totals)
        self.assertEqual([(t["group"], t["key"], t["payments"], t["amount"]) for t in totals],
                         [("method", "cash", 1, "20.00"), ("method", "check", 2, "175.00"), ("method", "card", 1, "5.50"),
                          ("ref", "DEP-1", 2, "175.00"), ("ref", "DEP-2", 1, "5.50"), ("ref", None, 1, "20.00"),
                          ("total", None, 4, "200.50")])
        self.assertEqual([p["amount"] for p in self.json("bill", "payments", "--ref", "DEP-1")], ["100.00", "75.00"])
        self.assertEqual([p["amount"] for p in self.json("bill", "payments", "--method", "card")], ["5.50"])
        self.assertEqual(self.json("bill", "payments", "--from", "2026-11-24"), [])
        csv_rows = self.csv("bill", "payments")
        self.assertEqual([r["invoices"] for r in csv_rows], ["INV-000001", "INV-000003", "INV-000002", "INV-000003"])
        r = self.pom("bill", "payments")
        self.assertIn("4 payments, total 200.50", r.err)
        self.assertRefusedBoth(["bill", "payments", "--method", "barter"], 65, "not a payment method")


class PaymentExports(PayBase):
    def export(self, *args):
        r = self.pom("bill", "export", *args)
        self.assertEqual(r.code, 0, r)
        return r

    def test_each_format_carries_payments_refunds_and_write_offs(self):
        self.ok("bill", "pay", "--customer", "C-1", "--amount", "150", "--method", "check", "--ref", "DEP-7")
        self.ok("bill", "pay", "--customer", "C-2", "--amount", "200", "--method", "ach", "--credit")
        self.ok("bill", "refund", "C-2", "--amount", "25", "--method", "check", "--reason", "overpaid", "--ref", "5501")
        self.ok("bill", "write-off", "INV-000002", "--amount", "12.34", "--reason", "dispute")
        iif = self.export("--format", "iif", "--payments").out
        rows = [l.split("\t") for l in iif.splitlines() if l]
        self.assertEqual([r[2] for r in rows if r[0] == "TRNS"], ["PAYMENT", "PAYMENT", "CHECK", "GENERAL JOURNAL"])
        total, txn = 0, []
        for r in rows:
            if r[0] in ("TRNS", "SPL"):
                total += money(r[6])
                txn.append(r)
            if r[0] == "ENDTRNS":
                self.assertEqual(total, 0, txn)
                total, txn = 0, []
        trns = [r for r in rows if r[0] == "TRNS"]
        self.assertEqual([(r[4], r[6]) for r in trns], [("Undeposited Funds", "150.00"), ("Undeposited Funds", "200.00"),
                                                         ("Undeposited Funds", "-25.00"), ("Accounts Receivable", "-12.34")])
        journal = [r for r in rows if r[0] == "SPL" and r[2] == "GENERAL JOURNAL"]
        self.assertEqual((journal[0][4], journal[0][6]), ("Bad Debt", "12.34"))
        qbo = self.export("--format", "qbo", "--payments").out.splitlines()
        self.assertEqual(qbo[0], "Type,Payment No,Customer,Payment Date,Payment Method,Reference No,Deposit To,Invoice No,Amount,Memo")
        self.assertEqual(qbo[1:3], ["Payment,1,Karen Henderson,11/23/2026,Check,DEP-7,Undeposited Funds,INV-000001,100.00,",
                                    "Payment,1,Karen Henderson,11/23/2026,Check,DEP-7,Undeposited Funds,INV-000002,50.00,"])
        own = json.loads(self.export("--format", "json", "--payments").out)
        self.assertEqual([(r["type"], r["invoice"], r["amount"]) for r in own],
                         [("payment", "INV-000001", "100.00"), ("payment", "INV-000002", "50.00"), ("payment", "INV-000003", "175.00"),
                          ("payment", None, "25.00"), ("refund", None, "25.00"), ("write_off", "INV-000002", "12.34")])
        # a batch remembers its records: --unexported finds nothing more, --batch gives the same bytes
        first = self.export("--format", "xero", "--payments", "--unexported")
        self.assertIn("(xero, payments): 4 records, 6 rows, received 350.00", first.err)
        again = self.export("--format", "xero", "--payments", "--unexported")
        self.assertIn("nothing to export", again.err)
        batch = [b for b in self.json("bill", "batches") if b["selection"].get("payments") and b["format"] == "xero"][0]
        self.validate("export-batch", batch)
        self.assertEqual(self.export("--batch", str(batch["id"])).out, first.out)
        self.assertRefusedBoth(["bill", "export", "--format", "qbo", "--payments", "--credit-notes"], 64, "--credit-notes and --payments")


class Migration(BillBase):
    """Payments recorded before schema 15 (one invoice each, applied_cents on the payment) become
    payments with applications, and every balance and the aging stay what they were."""

    OLD_PAYMENT_SQLITE = """
        CREATE TABLE payment (
            id            INTEGER PRIMARY KEY,
            invoice_id    INTEGER NOT NULL REFERENCES invoice (id),
            customer_id   INTEGER NOT NULL REFERENCES customer (id),
            amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
            applied_cents INTEGER NOT NULL CHECK (applied_cents >= 0 AND applied_cents <= amount_cents),
            paid_on       TEXT NOT NULL CHECK (date(paid_on) IS paid_on),
            method        TEXT NOT NULL CHECK ((method = 'cash' OR method = 'check' OR method = 'card' OR method = 'ach' OR method = 'other')),
            ref           TEXT,
            created_at    TEXT NOT NULL,
            actor         TEXT NOT NULL
        ) STRICT;
        CREATE INDEX payment_invoice ON payment (invoice_id);
        CREATE INDEX payment_customer ON payment (customer_id);
    """

    def make_schema_14(self):
        """The database as schema 14 had it: pom's tables without migration 15's."""
        undo_migrations(self.db, 15)
        if ENGINE == "sqlite":
            con = sqlite3.connect(self.db)
            con.executescript("""
                DROP TABLE export_batch_entry; DROP TABLE payment_application; DROP TABLE write_off; DROP TABLE refund;
                ALTER TABLE export_batch DROP COLUMN content; DROP TABLE payment;""" + self.OLD_PAYMENT_SQLITE +
                              "PRAGMA user_version = 14;")
            con.close()
        else:
            psql(self.db, """
                DROP TABLE export_batch_entry; DROP TABLE payment_application; DROP TABLE write_off; DROP TABLE refund;
                DROP FUNCTION payment_application_check; DROP FUNCTION write_off_check;
                ALTER TABLE export_batch DROP COLUMN content; DROP INDEX payment_paid_on;
                ALTER TABLE payment ALTER COLUMN invoice_id SET NOT NULL;
                ALTER TABLE payment ADD COLUMN applied_cents bigint NOT NULL DEFAULT 0;
                UPDATE pom_meta SET value = '14' WHERE key = 'schema_version';""")

    def test_old_payments_keep_their_balances(self):
        self.customers()
        self.extra("C-1", "Repair", "100.00")
        self.extra("C-2", "Pump", "250.00")
        self.extra("C-3", "Filter", "80.00")
        self.ok("bill", "run", "--period", "2026-11", "--issue")
        self.ok("bill", "void", "INV-000003", "--reason", "wrong customer")
        self.make_schema_14()
        # INV-000001 paid in part; INV-000002 overpaid (20.00 credit); INV-000003 paid, then voided.
        for inv, cust, amount, applied, day in ((1, 1, 4000, 4000, "2026-11-20"), (2, 2, 27000, 25000, "2026-11-21"),
                                                (3, 3, 8000, 8000, "2026-11-22")):
            self.sql("INSERT INTO payment (invoice_id, customer_id, amount_cents, applied_cents, paid_on, method, ref, created_at, actor) "
                     "VALUES (?, ?, ?, ?, ?, 'check', 'OLD', '2026-11-22T10:00:00Z', 'tester')", inv, cust, amount, applied, day)
        r = self.json("init")[0]
        self.assertEqual((r["schema_version"], r["migrated_from"]), (SCHEMA_VERSION, 14))
        self.assertEqual(self.balances(), {"INV-000001": "60.00", "INV-000002": "0.00", "INV-000003": "-80.00"})
        aging = {a["customer"]: (a["total"], a["credit"]) for a in self.json("bill", "aging")}
        self.assertEqual(aging["Karen Henderson"], ("60.00", "0.00"))
        self.assertEqual(aging["Søren \"Sunny\" Ålund, Jr."], ("0.00", "20.00"))
        self.assertEqual(aging["=HYPERLINK(\"http://evil\")"], ("0.00", "80.00"))
        apps = self.sql("SELECT payment_id, invoice_id, amount_cents, applied_on FROM payment_application ORDER BY id")
        self.assertEqual([tuple(a) for a in apps], [(1, 1, 4000, "2026-11-20"), (2, 2, 25000, "2026-11-21"), (3, 3, 8000, "2026-11-22")])
        p = self.json("bill", "payments")
        self.assertEqual([(x["invoices"], x["applied"], x["unapplied"]) for x in p],
                         [("INV-000001", "40.00", "0.00"), ("INV-000002", "250.00", "20.00"), ("INV-000003", "80.00", "0.00")])
        # the voided invoice's payment is credit that can be paid back
        self.ok("bill", "refund", "C-3", "--amount", "80", "--method", "check", "--reason", "cancelled")
        self.assertEqual(self.json("db", "check")[0]["integrity"], "ok")

    def balances(self):
        return {i["number"]: i["balance"] for i in self.json("bill", "list") if i["kind"] == "invoice"}


if __name__ == "__main__":
    unittest.main()
