"""The accountant's reports and the invoice mail: export previews and re-exports, IIF for QuickBooks
Desktop (windows-1252, no 0.00 tax line for exempt invoices), bill tax-report and bill revenue
(equal to the sums over the issued documents, computed here from bill list/show), bill send and
bill remind through the notice outbox (idempotent across re-runs)."""
import csv
import io
import json
import os
import pty
import subprocess

from pomtest import PomTest, POM
from test_bill_books import cents, parse_iif as books_iif
from refusal import Refusals

CONFIG = ('timezone = "America/Phoenix"\n[company]\nname = "Blue Wave Pools"\nemail = "office@bluewave.example"\n'
          '[tax]\nrate = "8.6"\n[tax.rates]\nscottsdale = "8.05"\n'
          '[billing]\nqbo_tax_codes = { scottsdale = "SCOTTSDALE" }\n'
          'xero_tax_types = { scottsdale = "Scottsdale 8.05%" }\ntax_items = { scottsdale = "Scottsdale Sales Tax" }\n')

OCTOBER = {"POM_NOW": "2026-10-20T08:00:00"}


def money(c):
    sign = "-" if c < 0 else ""
    return f"{sign}{abs(c) // 100}.{abs(c) % 100:02d}"


def parse_iif(data):
    """IIF bytes (windows-1252) → transactions [{trns, spl}], each asserted to sum to zero."""
    return [t for t in books_iif(data.decode("cp1252"))[1] if "trns" in t]


class Month(Refusals, PomTest):
    """Three customers over September to November: the default rate (with a real visit by Tom in
    October), a named rate with an accented name, and a tax-exempt school without an email. In
    November one invoice is credited in part and another voided."""
    config = CONFIG

    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Karen Henderson", "--ref", "C-1", "--email", "karen@example.com")
        self.ok("customer", "add", "--name", "Café Olé Resort", "--ref", "C-2", "--email", "resort@example.com")
        self.ok("customer", "add", "--name", "Lakeside School", "--ref", "C-3")
        self.ok("bill", "plan", "set", "--customer", "C-2", "--tax-rate", "scottsdale")
        self.ok("bill", "plan", "set", "--customer", "C-3", "--tax-exempt")
        self.extra("C-1", "Filter clean", "85.00", "--taxable", "--date", "2026-09-10")
        self.extra("C-2", "Pump motor", "400.00", "--taxable", "--date", "2026-09-05")
        self.extra("C-2", "Labor", "95.00", "--date", "2026-09-05")
        self.extra("C-3", "Opening", "175", "--taxable", "--date", "2026-09-03")
        self.ok("bill", "run", "--period", "2026-09", "--issue", "--issue-date", "2026-09-30")
        # October: a visit Tom completes, and extras.
        self.ok("pool", "add", "--customer", "C-1", "--gallons", "15000", "--surface", "plaster", "--sanitizer", "chlorine")
        self.ok("worker", "add", "--name", "Tom Reyes", "--role", "technician")
        self.ok("appt", "add", "--customer", "C-1", "--date", "today", "--worker", "Tom", "--type", "maintenance", env=OCTOBER)
        self.ok("service", "start", "1", env=OCTOBER)
        self.ok("service", "check", "1", "--all", env=OCTOBER)
        self.ok("service", "submit", "1", env=OCTOBER)
        self.extra("C-1", "Extra visit", "45", "--date", "2026-10-12")
        self.extra("C-2", "Chlorine delivery", "60", "--taxable", "--date", "2026-10-08")
        self.ok("bill", "run", "--period", "2026-10", "--issue", "--issue-date", "2026-10-31")
        # November (today): a partial credit and a void.
        self.ok("bill", "credit", "INV-000002", "--amount", "100", "--reason", "pump discount")
        self.ok("bill", "void", "INV-000005", "--reason", "delivered twice")

    def extra(self, customer, desc, amount, *more):
        return self.json("bill", "extra", "add", "--customer", customer, "--description", desc, "--amount", amount, *more)[0]

    def export(self, *args, env=None):
        e = dict(self.env)
        e.update(env or {})
        return subprocess.run([POM, "bill", "export", *args], capture_output=True, env=e, timeout=120)

    def documents(self):
        """Every issued document with its lines, from bill list and bill show."""
        docs = []
        for inv in self.json("bill", "list"):
            if inv["number"] is None:
                continue
            d = self.json("bill", "show", inv["number"], "--format", "json")[0]
            docs.append(d)
        return docs


class ExportPreview(Month):
    def test_dry_run_shows_the_rows_and_totals_and_records_nothing(self):
        before = self.dump()
        out = os.path.join(self.dir, "sept.csv")
        p = self.export("--format", "qbo", "--from", "2026-09-01", "--to", "2026-09-30", "--out", out, "--dry-run")
        self.assertEqual(p.returncode, 0, p.stderr)
        text = p.stdout.decode()
        self.assertIn("INV-000001", text)
        self.assertIn("INV-000003", text)
        self.assertNotIn("INV-000004", text)
        err = p.stderr.decode()
        self.assertIn("(qbo): 3 invoices", err)
        self.assertIn("preview: nothing was recorded (no batch, no file)", err)
        self.assertFalse(os.path.exists(out))
        self.assertFalse([f for f in os.listdir(self.dir) if f.startswith("sept")])
        self.assertEqual(self.json("bill", "batches"), [])
        self.assertEqual(self.dump(), before)
        # The preview did not count: the real export takes the same invoices.
        p = self.export("--format", "qbo", "--from", "2026-09-01", "--to", "2026-09-30", "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read().decode(), text)
        self.assertEqual([b["invoices"] for b in self.json("bill", "batches")], [3])

    def test_printing_to_a_terminal_is_a_preview(self):
        master, slave = pty.openpty()
        e = dict(self.env)
        proc = subprocess.Popen([POM, "bill", "export", "--format", "csv", "--unexported"], stdout=slave,
                                stderr=subprocess.PIPE, env=e)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        err = proc.stderr.read().decode()
        proc.stderr.close()
        proc.wait(timeout=60)
        os.close(master)
        self.assertEqual(proc.returncode, 0, err)
        shown = b"".join(chunks).decode()
        self.assertIn("INV-000001", shown)
        self.assertIn("CN-000001", shown)
        self.assertIn("preview: nothing was recorded (no batch)", err)
        self.assertEqual(self.json("bill", "batches"), [])
        # The same command into a pipe is the export: recorded once.
        p = self.export("--format", "csv", "--unexported")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.json("bill", "batches")), 1)
        self.assertNotIn(b"preview", p.stderr)

    def test_a_date_range_already_exported_needs_again(self):
        sept = ["--format", "iif", "--from", "2026-09-01", "--to", "2026-09-30"]
        p = self.export(*sept, "--out", os.path.join(self.dir, "a.iif"))
        self.assertEqual(p.returncode, 0, p.stderr)
        # October overlaps nothing (INV-000005 is void and was never sent: it stays out of iif).
        p = self.export("--format", "iif", "--from", "2026-10-01", "--to", "2026-10-31", "--out", os.path.join(self.dir, "b.iif"))
        self.assertEqual(p.returncode, 0, p.stderr)
        out = os.path.join(self.dir, "c.iif")
        r = self.assertRefused(["bill", "export", "--format", "iif", "--from", "2026-09-01", "--to", "2026-11-30", "--out", out], 1,
                               "4 of these were already exported as iif (INV-000001, INV-000002, INV-000003, INV-000004)")
        self.assertIn("add --again", r.err)
        self.assertFalse(os.path.exists(out))
        self.assertRefusedBoth(["bill", "export", *sept], 1, "3 of these were already exported as iif")
        # Another format is another set of books.
        p = self.export("--format", "qbo", "--from", "2026-09-01", "--to", "2026-09-30", "--out", os.path.join(self.dir, "q.csv"))
        self.assertEqual(p.returncode, 0, p.stderr)
        # A preview says so and goes ahead.
        p = self.export(*sept, "--dry-run")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"3 of these were already exported as iif (INV-000001 ...", p.stderr.replace("…".encode(), b"..."))
        # --again exports them, and says so.
        p = self.export("--format", "iif", "--from", "2026-09-01", "--to", "2026-11-30", "--again", "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"exported again: 4 of them had been exported as iif before", p.stderr)
        self.assertEqual([b["invoices"] for b in self.json("bill", "batches")], [3, 1, 3, 5])
        # --unexported and --batch choose by batch, as before.
        p = self.export("--format", "iif", "--unexported")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn(b"\r\nTRNS\t", p.stdout)
        self.assertIn(b"nothing to export", p.stderr)
        p = self.export("--batch", "1", "--out", os.path.join(self.dir, "again.iif"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRefused(["bill", "export", "--format", "iif", "--unexported", "--again"], 64,
                           "--again and --unexported cannot go together")
        self.assertRefused(["bill", "export", "--batch", "1", "--again"], 64, "--batch reproduces a batch as it was")


class Iif(Month):
    def test_windows_1252_holds_the_accents_and_exempt_invoices_have_no_tax_line(self):
        out = os.path.join(self.dir, "sept.iif")
        p = self.export("--format", "iif", "--from", "2026-09-01", "--to", "2026-11-30", "--encoding", "windows-1252",
                        "--with-lists", "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out, "rb") as f:
            data = f.read()
        self.assertIn("Café Olé Resort".encode("cp1252"), data)
        self.assertNotIn("Café".encode("utf-8"), data)
        txns = parse_iif(data)
        by_number = {t["trns"]["DOCNUM"]: t for t in txns}
        self.assertEqual(sorted(by_number), ["CN-000001", "INV-000001", "INV-000002", "INV-000003", "INV-000004"])
        tax_spl = lambda t: [s for s in t["spl"] if s["ACCNT"] == "Sales Tax Payable"]
        # The school is exempt: no 0.00 sales-tax line, and the transaction still sums to zero.
        self.assertEqual(tax_spl(by_number["INV-000003"]), [])
        self.assertEqual(by_number["INV-000003"]["trns"]["AMOUNT"], "175.00")
        self.assertEqual([s["AMOUNT"] for s in tax_spl(by_number["INV-000001"])], ["-7.31"])
        self.assertEqual([s["INVITEM"] for s in tax_spl(by_number["INV-000002"])], ["Scottsdale Sales Tax"])
        # The batch keeps its encoding: it reproduces byte for byte without --encoding.
        again = os.path.join(self.dir, "again.iif")
        p = self.export("--batch", "1", "--out", again)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(again, "rb") as f:
            self.assertEqual(f.read(), data)
        # utf-8 stays the default.
        p = self.export("--format", "iif", "--unexported")
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_a_character_windows_1252_cannot_hold_is_refused_naming_the_invoice(self):
        self.ok("customer", "add", "--name", "Łukasz Nowak", "--ref", "C-4", "--email", "lukasz@example.com")
        self.extra("C-4", "Opening", "120", "--date", "2026-10-03")
        self.ok("bill", "run", "--period", "2026-10", "--customer", "C-4", "--issue", "--issue-date", "2026-10-31")
        out = os.path.join(self.dir, "oct.iif")
        self.assertRefusedBoth(["bill", "export", "--format", "iif", "--unexported", "--encoding", "windows-1252", "--out", out],
                               65, "INV-000006 (customer Łukasz Nowak): 'Ł' (U+0141) has no windows-1252 form")
        self.assertFalse(os.path.exists(out))
        self.assertFalse([f for f in os.listdir(self.dir) if f.startswith("oct")])
        self.assertEqual(self.json("bill", "batches"), [])
        # To stdout too nothing is written before the refusal (the check comes first), a preview too.
        self.assertRefused(["bill", "export", "--format", "iif", "--unexported", "--encoding", "windows-1252", "--dry-run"],
                           65, "INV-000006 (customer Łukasz Nowak): 'Ł' (U+0141)")
        # In UTF-8 it goes.
        p = self.export("--format", "iif", "--unexported", "--out", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        # A line's description is checked as well.
        self.ok("customer", "add", "--name", "Anna Berg", "--ref", "C-5")
        self.extra("C-5", "Heater → repaired", "80", "--date", "2026-10-04")
        self.ok("bill", "run", "--period", "2026-10", "--customer", "C-5", "--issue", "--issue-date", "2026-10-31")
        self.assertRefused(["bill", "export", "--format", "iif", "--unexported", "--encoding", "windows-1252"], 65,
                           "INV-000007 (customer Anna Berg): '→' (U+2192) has no windows-1252 form")
        self.assertRefused(["bill", "export", "--format", "qbo", "--encoding", "windows-1252"], 64, "--encoding goes with iif")
        self.assertRefused(["bill", "export", "--format", "iif", "--encoding", "latin-9"], 64, "latin-9")


class TaxReport(Month):
    def expected(self, by):
        """The report computed from the documents: (period, tax name, rate) → sums, credit notes negative."""
        rows = {}
        for d in self.documents():
            sign = -1 if d["kind"] == "credit" else 1
            period = d["issue_date"][:7] if by == "month" else "2026-09-01..2026-11-30"
            key = (period, d["tax_rate"]["name"], d["tax_rate"]["rate"])
            r = rows.setdefault(key, {"invoices": 0, "credit_notes": 0, "taxable": 0, "exempt": 0, "tax": 0})
            r["credit_notes" if sign < 0 else "invoices"] += 1
            for line in d["line_items"]:
                r["taxable" if line["taxable"] else "exempt"] += sign * cents(line["amount"])
                r["tax"] += sign * cents(line["tax"])
            self.assertEqual(sum(cents(l["tax"]) for l in d["line_items"]), cents(d["tax"]))
        return rows

    def check(self, by):
        report = self.json("bill", "tax-report", "--from", "2026-09-01", "--to", "2026-11-30", "--by", by)
        self.validate("tax-report-row", report)
        total = report.pop()
        self.assertEqual((total["period"], total["tax_name"], total["tax_rate"]), ("Total", None, None))
        got = {(r["period"], r["tax_name"], r["tax_rate"]): {"invoices": r["invoices"], "credit_notes": r["credit_notes"],
                                                            "taxable": cents(r["taxable_sales"]),
                                                            "exempt": cents(r["exempt_sales"]), "tax": cents(r["tax"])}
               for r in report}
        want = self.expected(by)
        self.assertEqual(got, want)
        for r in report:
            self.assertEqual(cents(r["total"]), cents(r["taxable_sales"]) + cents(r["exempt_sales"]) + cents(r["tax"]))
        for field, key in (("taxable_sales", "taxable"), ("exempt_sales", "exempt"), ("tax", "tax")):
            self.assertEqual(cents(total[field]), sum(w[key] for w in want.values()))
        return report, total

    def test_by_month_equals_the_documents(self):
        report, total = self.check("month")
        self.assertEqual(sorted({r["period"] for r in report}), ["2026-09", "2026-10", "2026-11"])
        # November holds only the two credit notes, netted negative in the month they were issued.
        nov = [r for r in report if r["period"] == "2026-11"]
        self.assertEqual(sum(r["credit_notes"] for r in nov), 2)
        self.assertTrue(all(cents(r["tax"]) < 0 for r in nov))
        # The exempt school's opening is exempt sales, with no tax.
        self.assertIn("175.00", [r["exempt_sales"] for r in report if r["period"] == "2026-09"])

    def test_by_rate_equals_the_documents_and_csv_says_the_same(self):
        report, total = self.check("rate")
        self.assertEqual(len({(r["tax_name"], r["tax_rate"]) for r in report}), len(report))
        rows = self.csv("bill", "tax-report", "--from", "2026-09-01", "--to", "2026-11-30", "--by", "rate")
        self.assertEqual([r["tax"] for r in rows], [r["tax"] for r in report] + [total["tax"]])
        table = self.ok("bill", "tax-report", "--from", "2026-09-01", "--to", "2026-11-30")
        self.assertIn("Total", table)

    def test_a_period_outside_gives_only_a_zero_total_and_bad_input_is_refused(self):
        report = self.json("bill", "tax-report", "--from", "2027-01-01", "--to", "2027-01-31")
        self.assertEqual([(r["period"], r["tax"], r["invoices"]) for r in report], [("Total", "0.00", 0)])
        self.assertRefusedBoth(["bill", "tax-report", "--from", "2026-11-30", "--to", "2026-09-01"], 65, "is before --from")
        self.assertRefused(["bill", "tax-report", "--from", "2026-09-01"], 64, "--to")
        self.assertRefused(["bill", "tax-report", "--from", "2026-09-01", "--to", "2026-09-31"], 65, "--to")


class Revenue(Month):
    def test_each_grouping_adds_up_to_the_documents(self):
        docs = self.documents()
        want_total = sum((-1 if d["kind"] == "credit" else 1) * cents(d["subtotal"]) for d in docs)
        by_month, by_customer = {}, {}
        for d in docs:
            sign = -1 if d["kind"] == "credit" else 1
            by_month[d["issue_date"][:7]] = by_month.get(d["issue_date"][:7], 0) + sign * cents(d["subtotal"])
            by_customer[d["customer"]] = by_customer.get(d["customer"], 0) + sign * cents(d["subtotal"])
        for by in ("month", "customer", "service-type", "worker"):
            rows = self.json("bill", "revenue", "--from", "2026-09-01", "--to", "2026-11-30", "--by", by)
            self.validate("revenue-row", rows)
            total = rows.pop()
            self.assertEqual(total["group"], "Total")
            self.assertEqual(cents(total["amount"]), want_total, by)
            self.assertEqual(sum(cents(r["amount"]) for r in rows), want_total, by)
            self.assertEqual(sum(cents(r["tax"]) for r in rows), cents(total["tax"]), by)
            got = {r["group"]: cents(r["amount"]) for r in rows}
            if by == "month":
                self.assertEqual(got, by_month)
            if by == "customer":
                self.assertEqual(got, by_customer)
                self.assertTrue(all(isinstance(r["group_id"], int) for r in rows))
            if by == "service-type":
                self.assertEqual(got["maintenance"], 4500)
                self.assertIn("(extra)", got)
            if by == "worker":
                self.assertEqual(got["Tom Reyes"], 4500)
                self.assertEqual(got["(no worker)"], want_total - 4500)
        self.assertRefused(["bill", "revenue", "--from", "2026-09-01", "--to", "2026-11-30"], 64, "--by")
        self.assertRefused(["bill", "revenue", "--from", "2026-09-01", "--to", "2026-11-30", "--by", "pool"], 64, "pool")

    def test_the_books_read_side_is_not_for_technicians(self):
        self.ok("worker", "add", "--name", "Mia Books", "--role", "accountant")
        for cmd in (["bill", "revenue", "--by", "month"], ["bill", "tax-report"]):
            args = [*cmd, "--from", "2026-09-01", "--to", "2026-11-30"]
            self.assertRefused([*args, "--as", "Tom Reyes"], 77, "technician")
            self.assertEqual(self.json(*args, "--as", "Mia Books")[-1]["total"], self.json(*args)[-1]["total"])
        self.assertRefused(["bill", "send", "INV-000001", "--as", "Tom Reyes"], 77, "technician")


class Send(Month):
    config = CONFIG + '[notify]\nemail_command = "cat > \\"$HOME/mail-$POM_NOTICE_ID.eml\\""\n'

    def notices(self, kind):
        return [n for n in self.json("notify", "list") if n["kind"] == kind]

    def test_send_queues_the_customer_html_once_and_skips_a_customer_without_email(self):
        rows = self.json("bill", "send", "INV-000001")
        self.validate("invoice-notice", rows)
        self.assertEqual([(r["number"], r["recipient"], r["status"]) for r in rows],
                         [("INV-000001", "karen@example.com", "queued")])
        notice = self.json("notify", "show", str(rows[0]["notice_id"]))[0]
        self.assertEqual(notice["body"], self.ok("bill", "show", "INV-000001", "--format", "html"))
        self.assertIn("INV-000001", notice["subject"])
        # Named again: queued before, nothing new.
        self.assertEqual([r["status"] for r in self.json("bill", "send", "INV-000001")], ["already"])
        # --unsent takes the rest: not the void INV-000005, not INV-000001; the school has no email.
        rows = self.json("bill", "send", "--unsent")
        self.assertEqual([(r["number"], r["status"]) for r in rows],
                         [("INV-000002", "queued"), ("INV-000003", "skipped"), ("INV-000004", "queued")])
        self.assertIn("has no email address", rows[1]["reason"])
        self.assertIsNone(rows[1]["notice_id"])
        count = len(self.notices("invoice"))
        self.assertEqual(count, 3)
        # Re-running queues nothing new (cron-safe).
        r = self.pom("bill", "send", "--unsent", "-o", "json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual([x["status"] for x in json.loads(r.out)], ["skipped"])
        self.assertEqual(len(self.notices("invoice")), count)
        # Delivered as HTML mail.
        self.ok("notify", "send")
        with open(os.path.join(self.dir, f"mail-{notice['id']}.eml")) as f:
            mail = f.read()
        self.assertIn("Content-Type: text/html; charset=utf-8", mail)
        self.assertIn("To: karen@example.com", mail)

    def test_drafts_and_void_invoices_are_refused_and_nothing_is_queued(self):
        self.extra("C-1", "Late extra", "10", "--date", "2026-11-02")
        self.ok("bill", "run", "--through", "2026-11-02")
        draft = [i for i in self.json("bill", "list", "--status", "draft")][0]
        self.assertRefusedBoth(["bill", "send", "INV-000001", str(draft["id"])], 1, "is a draft: issue it before it is sent")
        self.assertRefusedBoth(["bill", "send", "INV-000005"], 1, "INV-000005 is void")
        self.assertRefused(["bill", "send"], 64, "name invoices or give --unsent")
        self.assertRefused(["bill", "send", "INV-000001", "--unsent"], 64, "name invoices or give --unsent")
        self.assertRefused(["bill", "send", "INV-999999"], 1, "INV-999999")
        self.assertEqual(self.notices("invoice"), [])


class Remind(Send):
    def test_reminders_follow_the_schedule_once_per_step_and_stop_when_paid(self):
        # Today 2026-11-23: September's invoices (due 2026-10-15) are 39 days late → step 30;
        # October's (due 2026-11-15) 8 days → step 7. INV-000005 is void, INV-000002 partly credited.
        rows = self.json("bill", "remind")
        self.validate("invoice-notice", rows)
        got = [(r["number"], r["step_days"], r["status"]) for r in rows]
        self.assertEqual(got, [("INV-000001", 30, "queued"), ("INV-000002", 30, "queued"), ("INV-000003", 30, "skipped"),
                               ("INV-000004", 7, "queued")])
        reminder = self.json("notify", "show", str(rows[0]["notice_id"]))[0]
        self.assertIn("39 days past due", reminder["body"])
        self.assertIn("INV-000001", reminder["subject"])
        count = len(self.notices("reminder"))
        self.assertEqual(count, 3)
        # Cron runs it again: nothing new; the school without an email is reported again.
        self.assertEqual([r["status"] for r in self.json("bill", "remind")], ["skipped"])
        self.assertEqual(len(self.notices("reminder")), count)
        # Karen pays INV-000001; a month later the rest reach their next step, she gets nothing.
        self.ok("bill", "pay", "INV-000001", "--amount", self.json("bill", "show", "INV-000001", "--format", "json")[0]["balance"],
                "--method", "check")
        later = {"POM_NOW": "2026-12-20T08:00:00"}
        r = self.pom("bill", "remind", "-o", "json", env=later)
        self.assertEqual(r.code, 0, r)
        got = [(x["number"], x["step_days"], x["status"]) for x in json.loads(r.out)]
        self.assertEqual(got, [("INV-000002", 60, "queued"), ("INV-000003", 60, "skipped"), ("INV-000004", 30, "queued")])
        r = self.pom("bill", "remind", "-o", "json", env=later)
        self.assertEqual([x["status"] for x in json.loads(r.out)], ["skipped"])
        self.assertEqual(len(self.notices("reminder")), count + 2)

    def test_the_schedule_is_configurable_and_checked(self):
        with open(self.config_path, "w") as f:
            f.write(CONFIG + "remind_days = [45]\n")
        self.assertEqual(self.json("config", "show")[0]["billing.remind_days"], [45])
        self.assertEqual(self.json("bill", "remind"), [])
        with open(self.config_path, "w") as f:
            f.write(CONFIG + "remind_days = [30, 7]\n")
        self.assertRefused(["bill", "remind"], 78, "billing.remind_days must go up")
        with open(self.config_path, "w") as f:
            f.write(CONFIG + "remind_days = []\n")
        self.assertEqual(self.json("bill", "remind"), [])


if __name__ == "__main__":
    import unittest
    unittest.main()
