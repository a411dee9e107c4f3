"""pom bill: plans, extras, runs, issuing, credit notes, payments, aging, exports and batches."""
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import unittest

from pomtest import DbError, PomTest, POM
from refusal import Refusals

REFERENCE = "/work/shared/reference/samples"
QBO_HEADER = ("*InvoiceNo,*Customer,*InvoiceDate,*DueDate,Terms,Location,Memo,Item(Product/Service),ItemDescription,"
              "ItemQuantity,ItemRate,*ItemAmount,Service Date")
XERO_HEADER = ("*ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,POCity,PORegion,"
               "POPostalCode,POCountry,*InvoiceNumber,Reference,*InvoiceDate,*DueDate,Total,InventoryItemCode,*Description,"
               "*Quantity,*UnitAmount,Discount,*AccountCode,*TaxType,TaxAmount,TrackingName1,TrackingOption1,TrackingName2,"
               "TrackingOption2,Currency,BrandingTheme")

TAX_CONFIG = ('timezone = "America/Phoenix"\n[company]\nname = "Blue Wave Pools"\nphone = "602-555-0100"\n'
              '[tax]\nrate = "8.6"\n')


class BillBase(Refusals, PomTest):
    config = TAX_CONFIG

    def customers(self):
        self.ok("customer", "add", "--name", "Karen Henderson", "--ref", "C-1", "--street", "4820 E Palo Verde Dr",
                "--city", "Phoenix", "--state", "AZ", "--zip", "85018", "--email", "karen@example.com",
                "--notes", "SECRET-NOTE gate code 1234")
        self.ok("customer", "add", "--name", "Søren \"Sunny\" Ålund, Jr.", "--ref", "C-2")
        self.ok("customer", "add", "--name", "=HYPERLINK(\"http://evil\")", "--ref", "C-3")

    def extra(self, customer, desc, amount, *more):
        return self.json("bill", "extra", "add", "--customer", customer, "--description", desc, "--amount", amount, *more)[0]


class Plans(BillBase):
    def test_plan_set_and_show(self):
        self.customers()
        p = self.json("bill", "plan", "show", "--customer", "C-1")[0]
        self.validate("billing-plan", p)
        self.assertFalse(p["plan"])
        self.assertEqual(p["terms"], "Net 15")
        self.assertEqual(p["tax_rate"], "8.6")
        self.assertEqual([x["price"] for x in p["per_visit"] if x["service_type"] == "maintenance"], ["45.00"])
        p = self.json("bill", "plan", "set", "--customer", "C-1", "--per-visit", "maintenance=39.5", "--monthly", "180",
                      "--monthly-billing", "advance", "--chemicals", "included", "--terms", "net 30")[0]
        self.validate("billing-plan", p)
        self.assertTrue(p["plan"])
        self.assertEqual(p["monthly"], "180.00")
        self.assertEqual(p["monthly_billing"], "advance")
        self.assertEqual(p["starts_on"], "2026-11-01")
        self.assertEqual(p["chemicals"], "included")
        self.assertEqual(p["terms"], "Net 30")
        m = [x for x in p["per_visit"] if x["service_type"] == "maintenance"][0]
        self.assertEqual((m["price"], m["source"]), ("39.50", "plan"))
        r = self.pom("bill", "plan", "set", "--customer", "C-1", "--terms", "net 30")
        self.assertEqual(r.code, 0, r)
        self.assertIn("nothing changed", r.err)
        log = self.json("log", "--entity", "billing_plan")
        self.assertEqual(len(log), 1)

    def test_plan_refusals(self):
        self.customers()
        self.assertRefusedBoth(["bill", "plan", "set", "--customer", "C-1", "--per-visit", "lessons=10"], 65,
                               "--per-visit: unknown service type 'lessons'")
        self.assertRefusedBoth(["bill", "plan", "set", "--customer", "C-1", "--per-visit", "maintenance"], 65, "is not TYPE=PRICE")
        self.assertRefusedBoth(["bill", "plan", "set", "--customer", "C-1", "--monthly", "1.234"], 65, "--monthly: '1.234' is not an amount")
        self.assertRefusedBoth(["bill", "plan", "set", "--customer", "C-1", "--monthly", "-5"], 65, "must not be negative")
        self.assertRefusedBoth(["bill", "plan", "set", "--customer", "C-1", "--terms", "soon"], 65, "--terms: 'soon' is not payment terms")
        self.assertRefusedBoth(["bill", "plan", "set", "--customer", "C-1", "--tax-rate", "city"], 65, "--tax-rate: 'city' is not a rate")
        self.assertRefusedBoth(["bill", "plan", "set", "--customer", "C-9"], 1, "C-9")
        self.assertRefusedBoth(["bill", "plan", "set", "--customer", "C-1", "--chemicals", "free"], 64, "--chemicals")


class Runs(BillBase):
    def test_run_issue_and_numbering(self):
        self.customers()
        self.extra("C-1", "Filter clean", "85.00", "--taxable", "--date", "2026-11-10")
        self.extra("C-1", "Extra visit", "45", "--date", "2026-11-12")
        self.extra("C-2", "Green-to-clean", "350", "--date", "2026-11-03")
        self.extra("C-2", "December work", "10", "--date", "2026-12-02")
        before = self.dump()
        r = self.pom("bill", "run", "--period", "2026-11", "--dry-run", "-o", "json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(len(r.json()), 2)
        self.assertEqual(self.dump(), before, "--dry-run wrote")
        made = self.json("bill", "run", "--period", "2026-11")
        self.validate("invoice", made)
        self.assertEqual([i["status"] for i in made], ["draft", "draft"])
        self.assertEqual([i["number"] for i in made], [None, None])
        k = made[0]
        self.assertEqual((k["subtotal"], k["tax"], k["total"]), ("130.00", "7.31", "137.31"))  # 8.6 % of 85.00 = 7.31
        self.assertEqual(self.json("bill", "run", "--period", "2026-11"), [], "a second run bills nothing twice")
        issued = self.json("bill", "issue", "--all")
        self.validate("invoice", issued)
        self.assertEqual([i["number"] for i in issued], ["INV-000001", "INV-000002"])
        self.assertEqual(issued[0]["issue_date"], "2026-11-23")
        self.assertEqual(issued[0]["due_date"], "2026-12-08")
        listed = self.json("bill", "list")
        self.validate("invoice", listed)
        self.assertEqual([i["number"] for i in listed], ["INV-000001", "INV-000002"])
        self.assertRefusedBoth(["bill", "issue", "INV-000001"], 1, "INV-000001 is already issued")
        self.assertRefusedBoth(["bill", "issue"], 64, "name draft invoices or give --all")
        self.assertRefusedBoth(["bill", "run"], 64, "give either --period YYYY-MM or --through DATE")
        self.assertRefusedBoth(["bill", "run", "--period", "2026-13"], 65, "--period: '2026-13' is not a month")
        self.assertRefusedBoth(["bill", "run", "--through", "someday"], 65, "--through")
        # The December line is billed by a later run, on its own invoice.
        dec = self.json("bill", "run", "--through", "2026-12-31", "--issue")
        self.assertEqual([(i["number"], i["total"]) for i in dec], [("INV-000003", "10.00")])
        lines = self.json("bill", "lines")
        self.validate("billable-line", lines)
        self.assertTrue(all(l["invoice"] for l in lines))

    def test_a_run_writes_each_line_as_given_and_adds_to_a_draft(self):
        # Text as it was typed, on both engines (PostgreSQL gets a month's lines in a few statements).
        d = ['He said "hi", {a,b} \\ back\\slash', "NULL", "Ünïcode — ✓ 'quoted'"]
        self.customers()
        self.extra("C-1", d[0], "10", "--taxable", "--date", "2026-11-10")
        self.extra("C-2", d[1], "20", "--date", "2026-11-11")
        self.extra("C-2", d[2], "30", "--taxable", "--date", "2026-11-12")
        self.assertEqual(len(self.json("bill", "run", "--period", "2026-11")), 2)
        lines = "SELECT l.invoice_id, l.id, l.position, l.description, l.tax_cents FROM invoice_line l ORDER BY l.id"
        self.assertEqual([tuple(r) for r in self.sql(lines)], [(1, 1, 1, d[0], 86), (2, 2, 1, d[1], 0), (2, 3, 2, d[2], 258)])
        # A later line of the month goes onto C-2's draft: its totals and its audit entry with it.
        self.extra("C-2", "Filter", "5", "--taxable", "--date", "2026-11-20")
        self.assertEqual(len(self.json("bill", "run", "--period", "2026-11")), 1)
        self.assertEqual([tuple(r) for r in self.sql(lines)][3:], [(2, 4, 3, "Filter", 43)])
        totals = "SELECT id, subtotal_cents, tax_cents, total_cents FROM invoice ORDER BY id"
        self.assertEqual([tuple(r) for r in self.sql(totals)], [(1, 1000, 86, 1086), (2, 5500, 301, 5801)])
        audit = self.sql("SELECT entity_id, action, after FROM audit_log WHERE entity = 'invoice' ORDER BY id")
        self.assertEqual([(a[0], a[1]) for a in audit], [(1, "create"), (2, "create"), (2, "update")])
        after = json.loads(audit[2][2])
        self.assertEqual((after["subtotal_cents"], after["total_cents"]), (5500, 5801))
        self.assertEqual([(l["id"], l["description"], l["tax_cents"]) for l in after["lines"]],
                         [(2, d[1], 0), (3, d[2], 258), (4, "Filter", 43)])
        self.assertEqual(json.loads(audit[0][2])["lines"][0]["description"], d[0])

    def test_issued_invoice_is_immutable_in_the_database(self):
        self.customers()
        self.extra("C-1", "Filter clean", "85.00")
        self.ok("bill", "run", "--period", "2026-11", "--issue")
        for sql in ("UPDATE invoice SET total_cents = 0, subtotal_cents = 0, tax_cents = 0",
                    "DELETE FROM invoice_line", "UPDATE billable_line SET amount_cents = 1"):
            with self.assertRaises(DbError, msg=sql) as e:
                self.sql(sql)
            self.assertIn("never changes", str(e.exception))

    def test_monthly_plan_once_per_month(self):
        self.customers()
        self.ok("bill", "plan", "set", "--customer", "C-1", "--monthly", "180", "--monthly-description", "Weekly maintenance")
        # November is not over on the 23rd: its fee in arrears waits unless forced (issue 18).
        self.ok("bill", "run", "--period", "2026-11", "--force")
        self.ok("bill", "run", "--period", "2026-11", "--force")
        lines = self.json("bill", "lines", "--customer", "C-1")
        self.assertEqual([(l["kind"], l["description"], l["amount"]) for l in lines],
                         [("monthly", "Weekly maintenance, November 2026", "180.00")])

    def test_extra_key_is_idempotent_and_bad_input_refused(self):
        self.customers()
        a = self.extra("C-1", "Salt cell", "12.50", "--quantity", "2", "--key", "po-77")
        self.validate("billable-line", a)
        self.assertEqual((a["amount"], a["quantity"], a["kind"], a["invoice"]), ("25.00", "2", "extra", None))
        r = self.pom("bill", "extra", "add", "--customer", "C-1", "--description", "Salt cell", "--amount", "12.50",
                     "--quantity", "2", "--key", "po-77", "-o", "json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(r.json()[0]["id"], a["id"])
        self.assertEqual(len(self.json("bill", "lines")), 1)
        self.assertRefusedBoth(["bill", "extra", "add", "--customer", "C-1", "--description", " ", "--amount", "1"], 65,
                               "--description: an extra line needs a description")
        self.assertRefusedBoth(["bill", "extra", "add", "--customer", "C-1", "--description", "x", "--amount", "1.001"], 65,
                               "--amount: '1.001' is not an amount")
        self.assertRefusedBoth(["bill", "extra", "add", "--customer", "C-1", "--description", "x", "--amount", "abc"], 65,
                               "--amount: 'abc' is not an amount")
        self.assertRefusedBoth(["bill", "extra", "add", "--customer", "C-1", "--description", "x", "--amount", "1",
                                "--quantity", "0"], 65, "--quantity: must be more than 0")
        self.assertRefusedBoth(["bill", "extra", "add", "--customer", "nobody", "--description", "x", "--amount", "1"], 1, "nobody")


class Payments(BillBase):
    def setUp(self):
        super().setUp()
        self.customers()
        self.extra("C-1", "Repair", "100.00")
        self.ok("bill", "run", "--period", "2026-11", "--issue")

    def test_pay_partial_then_overpay_with_credit(self):
        p = self.json("bill", "pay", "INV-000001", "--amount", "40", "--method", "check", "--ref", "1042")[0]
        self.validate("payment", p)
        self.assertEqual((p["amount"], p["applied"], p["credit"], p["date"]), ("40.00", "40.00", "0.00", "2026-11-23"))
        self.assertRefusedBoth(["bill", "pay", "INV-000001", "--amount", "70", "--method", "cash"], 1,
                               "--amount: 70.00 is more than the balance 60.00 of INV-000001; --credit keeps the 10.00 over")
        p = self.json("bill", "pay", "INV-000001", "--amount", "70", "--method", "cash", "--credit")[0]
        self.assertEqual((p["applied"], p["credit"]), ("60.00", "10.00"))
        inv = self.json("bill", "list", "--status", "paid")
        self.assertEqual([i["number"] for i in inv], ["INV-000001"])
        aging = self.json("bill", "aging")
        self.validate("aging", aging)
        self.assertEqual(aging[0]["credit"], "10.00")
        self.assertEqual(aging[-1]["customer"], "Total")

    def test_pay_refusals(self):
        self.assertRefusedBoth(["bill", "pay", "INV-000001", "--amount", "0", "--method", "cash"], 65, "--amount: must be more than 0")
        self.assertRefusedBoth(["bill", "pay", "INV-000001", "--amount", "1", "--method", "barter"], 65, "not a payment method")
        self.assertRefusedBoth(["bill", "pay", "INV-000009", "--amount", "1", "--method", "cash"], 1, "no invoice 'INV-000009'")
        self.assertRefusedBoth(["bill", "pay", "INV-000001", "--amount", "1", "--method", "cash", "--date", "31/12/2026"], 65, "--date")
        self.assertRefusedBoth(["bill", "pay", "INV-000001", "--method", "cash"], 64, "--amount is required")

    def test_aging_overdue_and_list_filters(self):
        later = {"POM_NOW": "2027-01-20T08:00:00"}
        r = self.pom("bill", "aging", "-o", "json", env=later)
        rows = json.loads(r.out)
        self.assertEqual(rows[0]["days_31_60"], "100.00")  # due 2026-12-08, 43 days late
        r = self.pom("bill", "list", "--overdue", "-o", "json", env=later)
        self.assertEqual([(i["number"], i["days_overdue"]) for i in json.loads(r.out)], [("INV-000001", 43)])
        self.assertEqual(self.json("bill", "list", "--overdue"), [])
        self.assertEqual(len(self.json("bill", "list", "--customer", "C-1", "--from", "2026-11-01", "--to", "2026-11-30")), 1)
        self.assertEqual(self.json("bill", "list", "--customer", "C-2"), [])


class Credits(BillBase):
    def test_void_and_partial_credit(self):
        self.customers()
        self.extra("C-1", "Pump motor", "400.00", "--taxable")
        self.extra("C-1", "Labor", "95.00")
        self.ok("bill", "run", "--period", "2026-11", "--issue")
        rows = self.json("bill", "credit", "INV-000001", "--line", "2", "--reason", "labor under warranty")
        self.validate("invoice", rows)
        self.assertEqual(rows[1]["number"], "CN-000001")
        self.assertEqual(rows[1]["total"], "95.00")
        self.assertEqual(rows[0]["credited"], "95.00")
        self.assertRefusedBoth(["bill", "void", "INV-000001", "--reason", "x"], 1, "already has partial credit notes")
        self.assertRefusedBoth(["bill", "credit", "INV-000001", "--line", "2", "--reason", "x"], 1, "already credited by CN-000001")
        self.assertRefusedBoth(["bill", "credit", "INV-000001", "--line", "7", "--reason", "x"], 1, "has no line 7")
        self.assertRefusedBoth(["bill", "credit", "INV-000001", "--reason", "x"], 64, "give either --line")
        self.assertRefusedBoth(["bill", "credit", "INV-000001", "--amount", "1000", "--reason", "x"], 1, "not credited yet")
        self.extra("C-2", "Opening", "175")
        self.ok("bill", "run", "--period", "2026-11", "--issue")
        rows = self.json("bill", "void", "INV-000002", "--reason", "customer cancelled")
        self.assertEqual((rows[0]["status"], rows[1]["number"], rows[1]["total"]), ("void", "CN-000002", "175.00"))
        d = self.json("bill", "show", "CN-000002", "--format", "json")
        self.validate("invoice-detail", d)
        self.assertEqual(d[0]["credits"], "INV-000002")
        self.assertRefusedBoth(["bill", "void", "INV-000002", "--reason", "again"], 1, "already void")
        self.assertRefusedBoth(["bill", "pay", "INV-000002", "--amount", "1", "--method", "cash"], 1, "INV-000002 is void")

    def test_void_draft_discards_it(self):
        self.customers()
        self.extra("C-1", "Labor", "95.00")
        d = self.json("bill", "run", "--period", "2026-11")[0]
        r = self.pom("bill", "void", str(d["id"]), "--reason", "redo")
        self.assertEqual(r.code, 0, r)
        self.assertIn("discarded", r.err)
        self.assertEqual(self.json("bill", "list"), [])
        self.assertEqual(len(self.json("bill", "lines", "--unbilled")), 1)


class Show(BillBase):
    def setUp(self):
        super().setUp()
        self.customers()
        self.extra("C-1", "Filter <clean> & check", "85.00", "--taxable", "--date", "2026-11-10")
        self.extra("C-1", "Extra visit", "45", "--date", "2026-11-12")
        self.ok("bill", "run", "--period", "2026-11", "--issue")

    def test_json_text_html(self):
        d = self.json("bill", "show", "INV-000001", "--format", "json")
        self.validate("invoice-detail", d)
        d = d[0]
        self.assertEqual(d["bill_to"]["name"], "Karen Henderson")
        self.assertEqual([l["amount"] for l in d["line_items"]], ["85.00", "45.00"])
        self.assertEqual((d["subtotal"], d["tax"], d["total"]), ("130.00", "7.31", "137.31"))
        self.assertEqual(json.loads(self.ok("bill", "show", "INV-000001", "--format", "json")), [d])
        text = self.ok("bill", "show", "INV-000001")
        self.assertIn("INVOICE INV-000001", text)
        self.assertIn("137.31", text)
        html = self.ok("bill", "show", "INV-000001", "--format", "html")
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertIn("Filter &lt;clean&gt; &amp; check", html)
        self.assertIn("@media print", html)
        self.assertNotIn("<script", html)
        self.assertNotIn("http", html.replace("http-equiv", ""), "standalone: nothing fetched")
        for out in (text, html, json.dumps(d)):
            self.assertNotIn("SECRET-NOTE", out, "internal notes never reach the customer")
            self.assertNotIn("cost", out.lower())

    def test_issued_invoice_keeps_its_bill_to(self):
        self.ok("customer", "edit", "C-1", "--name", "Karen Smith")
        d = self.json("bill", "show", "INV-000001", "--format", "json")[0]
        self.assertEqual(d["bill_to"]["name"], "Karen Henderson")

    @unittest.skipUnless(shutil.which("chromium"), "chromium is not installed: the headless-browser check of the invoice HTML is skipped")
    def test_html_renders_in_headless_chromium(self):
        path = os.path.join(self.dir, "inv.html")
        with open(path, "w") as f:
            f.write(self.ok("bill", "show", "INV-000001", "--format", "html"))
        pdf = os.path.join(self.dir, "inv.pdf")
        r = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}", path],
                           capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(os.path.getsize(pdf), 1000)
        r = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", path],
                           capture_output=True, text=True, timeout=120)
        self.assertIn("INV-000001", r.stdout)
        self.assertIn("137.31", r.stdout)


class Exports(BillBase):
    def setUp(self):
        super().setUp()
        self.customers()
        self.extra("C-1", "Filter clean", "85.00", "--taxable", "--date", "2026-11-10")
        self.extra("C-1", "Extra visit", "45", "--date", "2026-11-12")
        self.extra("C-2", "Line one,\nwith \"quotes\"", "12.34", "--quantity", "1.5", "--date", "2026-11-03")
        self.extra("C-3", "-2+3 tricky", "10", "--date", "2026-11-03")
        self.ok("bill", "run", "--period", "2026-11", "--issue")
        # Credited in full, not voided: a voided invoice never sent stays out of the accounting imports
        # (test_bill_books), and these tests follow an invoice and its credit note through every format.
        self.ok("bill", "credit", "INV-000003", "--amount", "10", "--reason", "@mistake")

    def export(self, *args):
        """The export with its bytes as written (CRLF kept), stderr as text."""
        p = subprocess.run([POM, "bill", "export", *args], capture_output=True, env=self.env, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)

        class R:
            out = p.stdout.decode("utf-8")
            err = p.stderr.decode("utf-8")
        return R

    def test_qbo_header_rows_and_dates(self):
        r = self.export("--format", "qbo")
        self.assertTrue(r.out.startswith(QBO_HEADER + ",ItemTaxCode,ItemTaxAmount\r\n"), r.out[:200])
        rows = list(csv.reader(io.StringIO(r.out, newline="")))
        header, body = rows[0], rows[1:]
        self.assertEqual(len(body), 4, "one row per invoice line, credit notes not in the QBO invoice import")
        first = dict(zip(header, body[0]))
        self.assertEqual(first["*InvoiceNo"], "INV-000001")
        self.assertEqual(first["*InvoiceDate"], "11/23/2026")
        self.assertEqual(first["*DueDate"], "12/08/2026")
        self.assertEqual(first["Service Date"], "11/10/2026")
        self.assertEqual((first["ItemQuantity"], first["ItemRate"], first["*ItemAmount"]), ("1", "85.00", "85.00"))
        self.assertEqual((first["ItemTaxCode"], first["ItemTaxAmount"]), ("TAX", "7.31"))
        sunny = dict(zip(header, body[2]))
        self.assertEqual(sunny["*Customer"], "Søren \"Sunny\" Ålund, Jr.")
        self.assertEqual(sunny["ItemDescription"], "Line one,\nwith \"quotes\"")
        self.assertEqual(sunny["*ItemAmount"], "18.51")  # 1.5 × 12.34 = 18.51
        evil = dict(zip(header, body[3]))
        # The customer's name as the books know it (the importer matches it); free text is guarded.
        self.assertEqual(evil["*Customer"], "=HYPERLINK(\"http://evil\")")
        self.assertEqual(evil["ItemDescription"], "'-2+3 tricky")
        for row in body:
            for name, cell in zip(header, row):
                if name != "*Customer":
                    self.assertFalse(cell[:1] in ("=", "+", "@"), cell)
        self.assertIn("batch 1 (qbo): 3 invoices, 4 lines, total 165.82, tax 7.31", r.err)

    def test_dates_from_config(self):
        with open(self.config_path, "a") as f:
            f.write('[billing]\ndate_format = "DD/MM/YYYY"\n')
        r = self.export("--format", "qbo")
        first = list(csv.DictReader(io.StringIO(r.out, newline="")))[0]
        self.assertEqual(first["*DueDate"], "08/12/2026")

    def test_iif_transactions_balance(self):
        r = self.export("--format", "iif")
        lines = r.out.split("\r\n")
        self.assertEqual(lines[-1], "")
        with open(os.path.join(REFERENCE, "qbd_iif_invoice_intuit_sample_1998.iif"), newline="") as f:
            sample = f.read().split("\r\n")
        # The same header keywords and required columns as Intuit's sample.
        for i, key in enumerate(("!TRNS", "!SPL", "!ENDTRNS")):
            self.assertEqual(lines[i].split("\t")[0], key)
            self.assertEqual(sample[i].split("\t")[0], key)
        trns_cols, spl_cols = lines[0].split("\t"), lines[1].split("\t")
        for col in ("TRNSTYPE", "DATE", "ACCNT", "NAME", "AMOUNT", "DOCNUM"):
            self.assertIn(col, trns_cols)
            self.assertIn(col, sample[0].split("\t"))
        for col in ("TRNSTYPE", "ACCNT", "AMOUNT", "QNTY", "PRICE", "INVITEM"):
            self.assertIn(col, spl_cols)
        txns, cur = [], None
        for line in lines[3:-1]:
            f = line.split("\t")
            if f[0] == "TRNS":
                cur = {"trns": dict(zip(trns_cols, f)), "spl": []}
            elif f[0] == "SPL":
                cur["spl"].append(dict(zip(spl_cols, f)))
            elif f[0] == "ENDTRNS":
                txns.append(cur)
        self.assertEqual([t["trns"]["TRNSTYPE"] for t in txns], ["INVOICE", "INVOICE", "INVOICE", "CREDIT MEMO"])
        for t in txns:
            cents = round(float(t["trns"]["AMOUNT"]) * 100) + sum(round(float(s["AMOUNT"]) * 100) for s in t["spl"])
            self.assertEqual(cents, 0, t)
        inv = txns[0]
        self.assertEqual(inv["trns"]["ACCNT"], "Accounts Receivable")
        self.assertEqual(inv["trns"]["AMOUNT"], "137.31")
        self.assertEqual(inv["trns"]["DATE"], "11/23/2026")
        self.assertEqual([s["AMOUNT"] for s in inv["spl"]], ["-85.00", "-45.00", "-7.31"])
        self.assertEqual(inv["spl"][0]["QNTY"], "-1")
        self.assertEqual(inv["spl"][0]["PRICE"], "85.00")
        cm = txns[3]
        self.assertEqual(cm["trns"]["AMOUNT"], "-10.00")
        self.assertEqual(cm["spl"][0]["AMOUNT"], "10.00")

    def test_xero_header_matches_template(self):
        with open(os.path.join(REFERENCE, "xero_SalesInvoiceTemplate.csv"), newline="") as f:
            template = f.read().strip()
        self.assertEqual(template, XERO_HEADER)
        r = self.export("--format", "xero")
        rows = list(csv.reader(io.StringIO(r.out, newline="")))
        self.assertEqual(",".join(rows[0]), template)
        self.assertTrue(all(len(row) == 29 for row in rows))
        first = dict(zip(rows[0], rows[1]))
        self.assertEqual((first["*ContactName"], first["EmailAddress"], first["POCity"]), ("Karen Henderson", "karen@example.com", "Phoenix"))
        self.assertEqual((first["*AccountCode"], first["*TaxType"], first["TaxAmount"]), ("200", "Tax on Sales", "7.31"))
        self.assertEqual(first["*InvoiceDate"], "11/23/2026")
        self.assertEqual(first["Currency"], "USD")

    def test_own_csv_and_json_round_trip(self):
        c = self.export("--format", "csv", "--unexported").out
        rows = list(csv.DictReader(io.StringIO(c, newline="")))
        j = json.loads(self.export("--format", "json", "--unexported").out)
        self.validate("export-line", j)
        self.assertEqual(len(rows), 5)
        self.assertEqual(len(j), 5)
        for a, b in zip(rows, j):
            self.assertEqual(a["number"], b["number"])
            self.assertEqual(a["amount"], b["amount"])
        sunny = [x for x in j if x["customer_ref"] == "C-2"][0]
        self.assertEqual(sunny["customer"], "Søren \"Sunny\" Ålund, Jr.")
        self.assertEqual(sunny["description"], "Line one,\nwith \"quotes\"")
        self.assertEqual([x["amount"] for x in j if x["kind"] == "credit"], ["-10.00"])
        self.assertEqual(sum(round(float(x["amount"]) * 100) + round(float(x["tax"]) * 100) for x in j), 13731 + 1851 + 1000 - 1000)

    def test_batches_unexported_and_reproduce(self):
        out = os.path.join(self.dir, "qbo.csv")
        r = self.pom("bill", "export", "--format", "qbo", "--unexported", "--out", out)
        self.assertEqual(r.code, 0, r)
        self.assertIn("sha256", r.out, "the batch record is printed")
        b = self.json("bill", "batches")
        self.validate("export-batch", b)
        b = b[0]
        with open(out, "rb") as f:
            data = f.read()
        self.assertEqual(b["sha256"], hashlib.sha256(data).hexdigest())
        self.assertEqual((b["invoices"], b["lines"], b["total"], b["tax"], b["bytes"]), (3, 4, "165.82", "7.31", len(data)))
        self.assertIn("sha256 " + b["sha256"], r.err)
        # The monthly export never sends an invoice twice ...
        r = self.export("--format", "qbo", "--unexported")
        self.assertEqual(r.out, QBO_HEADER + ",ItemTaxCode,ItemTaxAmount\r\n")
        self.assertIn("nothing to export", r.err)
        # ... and picks up what is new.
        self.extra("C-1", "New work", "20", "--date", "2026-11-20")
        self.ok("bill", "run", "--period", "2026-11", "--issue")
        r = self.export("--format", "qbo", "--unexported")
        self.assertEqual([row["*InvoiceNo"] for row in csv.DictReader(io.StringIO(r.out, newline=""))], ["INV-000004"])
        # Reproducing batch 1 gives the same bytes, even after a config change.
        with open(self.config_path, "a") as f:
            f.write('[billing]\ndate_format = "DD/MM/YYYY"\n')
        before = self.dump()
        r = self.export("--batch", "1")
        self.assertEqual(r.out.encode(), data)
        self.assertEqual(self.dump(), before, "reproducing records nothing")
        batches = self.json("bill", "batches")
        self.validate("export-batch", batches)
        self.assertEqual([x["invoices"] for x in batches], [3, 1])
        self.assertRefusedBoth(["bill", "export", "--batch", "9"], 1, "no export batch 9")
        self.assertRefusedBoth(["bill", "export", "--batch", "1", "--format", "iif"], 65, "batch 1 was exported as qbo")
        self.assertRefusedBoth(["bill", "export", "--format", "pdf"], 65, "--format: 'pdf' is not csv, json, qbo, iif or xero")
        self.assertRefusedBoth(["bill", "export"], 64, "--format is required")
        self.assertRefusedBoth(["bill", "export", "--format", "qbo", "--unexported", "--from", "2026-11-01"], 64, "cannot go together")

    def test_dry_run_writes_no_file_and_no_batch(self):
        out = os.path.join(self.dir, "x.iif")
        before = self.dump()
        r = self.pom("bill", "export", "--format", "iif", "--out", out, "--dry-run")
        self.assertEqual(r.code, 0, r)
        self.assertFalse(os.path.exists(out))
        self.assertEqual(os.listdir(self.dir).count("x.iif.tmp-pom"), 0)
        self.assertEqual(self.dump(), before)


class FromServices(BillBase):
    """A real visit: service submit records the lines, the customer's plan prices them at the run."""

    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann Lee", "--ref", "C-1", "--email", "ann@example.com",
                "--notes", "SECRET-NOTE dog bites")
        self.ok("pool", "add", "--customer", "C-1", "--gallons", "15000", "--surface", "plaster", "--sanitizer", "chlorine")
        self.ok("worker", "add", "--name", "Tom Reyes", "--role", "technician")
        self.ok("worker", "add", "--name", "Maria Office", "--role", "manager")
        self.ok("appt", "add", "--customer", "C-1", "--date", "today", "--worker", "Tom", "--type", "maintenance")
        self.ok("inventory", "add", "--sku", "LC125", "--name", "Liquid chlorine 12.5%", "--unit", "gal", "--cost", "3.50",
                "--price", "6.00", "--stock", "10", "--chemical", "liquid chlorine")
        self.ok("inventory", "add", "--sku", "FLT-1", "--name", "Filter cartridge", "--unit", "each", "--cost", "40.00",
                "--price", "89.00", "--stock", "2")
        self.ok("service", "start", "1")
        self.ok("service", "dose", "1", "--chemical", "liquid chlorine", "--amount", "64", "--unit", "floz")
        self.ok("service", "use", "1", "FLT-1")
        self.ok("service", "note", "1", "--text", "PRIVATE-TECH-NOTE", "--private")
        self.ok("service", "check", "1", "--all")

    def test_submitted_visit_is_billed_once_with_the_plan_applied(self):
        self.ok("bill", "plan", "set", "--customer", "C-1", "--per-visit", "maintenance=39.50", "--chemicals", "included")
        self.ok("service", "submit", "1")
        self.assertEqual(len(self.json("bill", "lines", "--unbilled")), 3)
        inv = self.json("bill", "run", "--period", "2026-11", "--issue")
        self.assertEqual(len(inv), 1)
        d = self.json("bill", "show", "INV-000001", "--format", "json")
        self.validate("invoice-detail", d)
        d = d[0]
        lines = [(l["kind"], l["item"], l["amount"], l["included"], l["tax"]) for l in d["line_items"]]
        self.assertEqual(lines, [("service", "Maintenance", "39.50", False, "0.00"),
                                 ("chemical", "Chemicals", "0.00", True, "0.00"),
                                 ("item", "Parts", "89.00", False, "7.65")])  # 8.6 % of 89.00 = 7.654
        self.assertEqual((d["subtotal"], d["tax"], d["total"]), ("128.50", "7.65", "136.15"))
        self.assertEqual(self.json("bill", "run", "--period", "2026-11"), [])
        self.assertEqual(self.json("bill", "lines", "--unbilled"), [])
        for fmt in ("text", "html"):
            out = self.ok("bill", "show", "INV-000001", "--format", fmt)
            for secret in ("SECRET-NOTE", "PRIVATE-TECH-NOTE", "3.50", "40.00"):
                self.assertNotIn(secret, out, f"{secret} in the {fmt} invoice")
        # The ticket on an issued invoice is corrected with a credit note, not an amendment.
        self.assertRefused(["service", "amend", "1", "--reason", "typo", "--note", "x", "--as", "Maria Office"], 1,
                           "is on an issued invoice")


class XeroSplit(BillBase):
    def test_more_than_500_invoices_go_to_several_files(self):
        script = []
        for c in range(501):
            script.append(["customer", "add", "--name", f"Customer {c:03d}", "--ref", f"C-{c}"])
            script.append(["bill", "extra", "add", "--customer", f"C-{c}", "--description", "Visit", "--amount", "45"])
        r = self.pom("batch", input="".join(json.dumps(x) + "\n" for x in script))
        self.assertEqual(r.code, 0, r.err[:300])
        self.ok("bill", "run", "--period", "2026-11", "--issue")
        self.assertRefused(["bill", "export", "--format", "xero"], 64, "Xero takes at most 500 invoices per file")
        out = os.path.join(self.dir, "xero.csv")
        r = self.pom("bill", "export", "--format", "xero", "--out", out)
        self.assertEqual(r.code, 0, r)
        self.assertFalse(os.path.exists(out))
        parts = [os.path.join(self.dir, "xero-1.csv"), os.path.join(self.dir, "xero-2.csv")]
        numbers = []
        whole = b""
        for p in parts:
            with open(p, "rb") as f:
                data = f.read()
            whole += data
            rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
            self.assertEqual(",".join(rows[0]), XERO_HEADER)
            numbers.append({row[10] for row in rows[1:]})
            self.assertIn(hashlib.sha256(data).hexdigest(), r.err)
        self.assertEqual([len(n) for n in numbers], [500, 1])
        b = self.json("bill", "batches")[0]
        self.assertEqual((b["files"], b["invoices"], b["sha256"]), (2, 501, hashlib.sha256(whole).hexdigest()))
        # Reproducing the batch writes the same two files.
        again = os.path.join(self.dir, "again.csv")
        self.ok("bill", "export", "--batch", "1", "--out", again)
        for k, p in enumerate(parts):
            with open(p, "rb") as f1, open(os.path.join(self.dir, f"again-{k + 1}.csv"), "rb") as f2:
                self.assertEqual(f1.read(), f2.read())


class Config(BillBase):
    def test_tax_and_billing_keys_are_validated(self):
        cases = [
            ('[tax]\nrate = 8.6\n', "pom.toml:3:8: tax.rate must be a string"),
            ('[tax]\nrate = "8.61234"\n', "is not a percentage with at most 4 decimals"),
            ('[tax]\nrate = "101"\n', "tax.rate must be between 0 and 100"),
            ('[tax]\nrounding = "bankers"\n', "tax.rounding must be half-up or half-even"),
            ('[tax]\nlevel = "item"\n', "tax.level must be line or invoice"),
            ('[tax]\nrat = "1"\n', "unknown key 'tax.rat'"),
            ('[billing]\nterms = "later"\n', "billing.terms: 'later' is not payment terms"),
            ('[billing]\ndate_format = "YYYY-MM-DD"\n', "billing.date_format must be MM/DD/YYYY or DD/MM/YYYY"),
            ('[billing]\ninvoice_prefix = "IN V"\n', "billing.invoice_prefix must be at most 16 characters"),
            ('[billing]\nnumber_digits = 0\n', "billing.number_digits must be between 1 and 12"),
            ('[billing]\nxero_account_code = ""\n', "billing.xero_account_code must be one line of text"),
            ('[billing]\nfoo = 1\n', "unknown key 'billing.foo'"),
        ]
        for extra, message in cases:
            with self.subTest(extra=extra):
                with open(self.config_path, "w") as f:
                    f.write('timezone = "America/Phoenix"\n' + extra)
                self.assertRefused(["bill", "list"], 78, message)

    def test_config_show_has_the_settings(self):
        with open(self.config_path, "w") as f:
            f.write('timezone = "America/Phoenix"\n[tax]\nrate = "8.25%"\nlevel = "invoice"\n[tax.rates]\ncity = "2.5"\n'
                    '[billing]\ninvoice_prefix = "PB-"\n')
        c = self.json("config", "show")[0]
        self.validate("config", c)
        self.assertEqual((c["tax.rate"], c["tax.level"], c["tax.rates"], c["billing.invoice_prefix"]),
                         ("8.25", "invoice", {"city": "2.5"}, "PB-"))
        self.ok("customer", "add", "--name", "Ann", "--ref", "C-1")
        self.extra("C-1", "Work", "10", "--taxable")
        inv = self.json("bill", "run", "--period", "2026-11", "--issue")[0]
        self.assertEqual((inv["number"], inv["tax"]), ("PB-000001", "0.83"))  # 8.25 % of 10.00 = 0.825 → 0.83


if __name__ == "__main__":
    unittest.main()
