"""The books agree with pom: every accounting export, parsed back, gives each customer the balance
`pom bill aging` shows (voids, credit notes, named tax rates, partial credits, payments)."""
import csv
import io
import json
import subprocess
import unittest
from decimal import Decimal, ROUND_HALF_UP

from pomtest import PomTest, POM
from refusal import Refusals

CONFIG = ('timezone = "America/Phoenix"\n[company]\nname = "Blue Wave Pools"\n'
          '[tax]\nrate = "8.6"\n[tax.rates]\nscottsdale = "8.05"\n')


MAPPED = CONFIG + ('[billing]\nqbo_tax_codes = { scottsdale = "SCOTTSDALE" }\n'
                   'xero_tax_types = { scottsdale = "Scottsdale 8.05%" }\ntax_items = { scottsdale = "Scottsdale Sales Tax" }\n'
                   'income_accounts = { extra = "Other Income", adjustment = "Discounts Given" }\n'
                   'xero_account_codes = { extra = "260" }\n')


def cents(text):
    return int((Decimal(text) * 100).to_integral_value(ROUND_HALF_UP))


def parse_qbo(text, sign):
    """QBO invoice or credit memo import CSV → {customer: cents}; credit memos count negative."""
    out = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        amount = cents(row["*ItemAmount"]) + cents(row.get("ItemTaxAmount") or "0")
        out[row["*Customer"]] = out.get(row["*Customer"], 0) + sign * amount
    return out


def parse_xero(text, sign):
    """Xero invoice or credit note CSV → {contact: cents}; the line is Quantity × UnitAmount, as Xero computes it."""
    out = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        line = (Decimal(row["*Quantity"]) * Decimal(row["*UnitAmount"]) * 100).to_integral_value(ROUND_HALF_UP)
        amount = int(line) + cents(row["TaxAmount"] or "0")
        out[row["*ContactName"]] = out.get(row["*ContactName"], 0) + sign * amount
    return out


def parse_iif(text):
    """IIF → ({customer: cents} from the TRNS rows, transactions); every transaction must sum to zero."""
    lines = text.split("\r\n")
    heads, out, txns, cur = {}, {}, [], None
    for line in lines:
        if not line:
            continue
        f = line.split("\t")
        if f[0].startswith("!"):
            heads[f[0][1:]] = f
            continue
        row = dict(zip(heads[f[0]], f))
        if f[0] == "TRNS":
            cur = {"trns": row, "spl": []}
        elif f[0] == "SPL":
            cur["spl"].append(row)
        elif f[0] == "ENDTRNS":
            txns.append(cur)
        else:
            txns.append({"list": f[0], "row": row})
    for t in txns:
        if "trns" not in t:
            continue
        total = cents(t["trns"]["AMOUNT"]) + sum(cents(s["AMOUNT"]) for s in t["spl"])
        assert total == 0, t
        name = t["trns"]["NAME"]
        out[name] = out.get(name, 0) + cents(t["trns"]["AMOUNT"])
    return out, txns


def parse_own_csv(text):
    out = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        out[row["customer"]] = out.get(row["customer"], 0) + cents(row["amount"]) + cents(row["tax"])
    return out


def parse_own_json(text):
    out = {}
    for row in json.loads(text):
        out[row["customer"]] = out.get(row["customer"], 0) + cents(row["amount"]) + cents(row["tax"])
    return out


def add(into, more):
    for k, v in more.items():
        into[k] = into.get(k, 0) + v
    return into


class Books(Refusals, PomTest):
    """A small company: a customer on the default rate, one on a named rate, one whose invoice is voided."""
    config = MAPPED

    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Karen Henderson", "--ref", "C-1", "--email", "karen@example.com")
        self.ok("customer", "add", "--name", "Scottsdale Resort", "--ref", "C-2", "--city", "Scottsdale")
        self.ok("customer", "add", "--name", "Bob Voided", "--ref", "C-3")
        self.ok("bill", "plan", "set", "--customer", "C-2", "--tax-rate", "scottsdale")
        self.extra("C-1", "Filter clean", "85.00", "--taxable", "--date", "2026-11-10")
        self.extra("C-1", "Extra visit", "45", "--date", "2026-11-12")
        self.extra("C-2", "Pump motor", "400.00", "--taxable", "--date", "2026-11-05")
        self.extra("C-2", "Labor", "95.00", "--date", "2026-11-05")
        self.extra("C-3", "Opening", "175", "--taxable", "--date", "2026-11-03")
        self.ok("bill", "run", "--period", "2026-11", "--issue")

    def extra(self, customer, desc, amount, *more):
        return self.json("bill", "extra", "add", "--customer", customer, "--description", desc, "--amount", amount, *more)[0]

    def export(self, *args):
        # These tests export the same invoices in several ways to compare the books: a date range a
        # batch already holds needs --again (--unexported and --batch choose by batch).
        if "--unexported" not in args and "--batch" not in args and "--payments" not in args:
            args = (*args, "--again")
        p = subprocess.run([POM, "bill", "export", *args], capture_output=True, env=self.env, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.decode("utf-8")

    def aging(self):
        """{customer: cents owed} from bill aging (credit negative), customers owing nothing left out."""
        out = {}
        for row in self.json("bill", "aging"):
            if row["customer_id"] is None:
                continue
            bal = cents(row["total"]) - cents(row["credit"])
            if bal:
                out[row["customer"]] = bal
        return out

    def paid(self):
        out = {}
        for inv in self.json("bill", "list"):
            if inv["kind"] == "invoice" and inv["status"] != "draft":
                out[inv["customer"]] = out.get(inv["customer"], 0) + cents(inv["paid"])
        return out

    def assertBooksAgree(self, books, fmt):
        """What the accounting package holds for each customer, less the payments pom recorded, is what aging shows."""
        paid = self.paid()
        owed = {k: v - paid.get(k, 0) for k, v in books.items()}
        owed = {k: v for k, v in owed.items() if v}
        self.assertEqual(owed, self.aging(), f"{fmt}: the books differ from bill aging")

    def company(self):
        self.ok("bill", "void", "INV-000003", "--reason", "customer cancelled")
        self.ok("bill", "credit", "INV-000001", "--line", "2", "--reason", "goodwill")
        self.ok("bill", "pay", "INV-000002", "--amount", "100", "--method", "check", "--date", "2026-11-23")

    def every_format(self):
        """Each format's books, built from every batch sent so far plus one more --unexported export."""
        books = {}
        books["qbo"] = add(parse_qbo(self.export("--format", "qbo", "--unexported"), 1),
                           parse_qbo(self.export("--format", "qbo", "--credit-notes", "--unexported"), -1))
        books["xero"] = add(parse_xero(self.export("--format", "xero", "--unexported"), 1),
                            parse_xero(self.export("--format", "xero", "--credit-notes", "--unexported"), -1))
        books["iif"] = parse_iif(self.export("--format", "iif", "--unexported"))[0]
        books["csv"] = parse_own_csv(self.export("--format", "csv"))
        books["json"] = parse_own_json(self.export("--format", "json"))
        return books



class Voids(Books):
    def test_void_before_export_reaches_no_book(self):
        self.company()
        books = self.every_format()
        for fmt, b in books.items():
            self.assertBooksAgree(b, fmt)
        for fmt in ("qbo", "xero", "iif"):
            self.assertNotIn("Bob Voided", books[fmt], f"{fmt}: the voided invoice went out")
        # The invoice file leaves INV-000003 out; the credit note file leaves out CN-000001, which reverses it.
        qbo = self.export("--format", "qbo", "--from", "2026-11-01")
        self.assertNotIn("INV-000003", qbo)
        notes = self.export("--format", "qbo", "--credit-notes", "--from", "2026-11-01")
        self.assertNotIn("CN-000001", notes)
        self.assertIn("CN-000002", notes)

    def test_void_after_export_sends_the_credit_note(self):
        books = {"qbo": {}, "xero": {}, "iif": {}}
        for fmt, parse in (("qbo", parse_qbo), ("xero", parse_xero)):
            add(books[fmt], parse(self.export("--format", fmt, "--unexported"), 1))
        add(books["iif"], parse_iif(self.export("--format", "iif", "--unexported"))[0])
        self.assertIn("Bob Voided", books["qbo"])
        self.company()
        later = self.every_format()
        for fmt in ("qbo", "xero", "iif"):
            add(books[fmt], later[fmt])
            self.assertBooksAgree(books[fmt], fmt)
            self.assertNotIn("Bob Voided", {k: v for k, v in books[fmt].items() if v}, fmt)

    def test_credit_note_files_follow_the_vendor_layouts(self):
        self.company()
        qbo = self.export("--format", "qbo", "--credit-notes")
        rows = list(csv.reader(io.StringIO(qbo, newline="")))
        self.assertEqual(rows[0][:3], ["*CreditMemoNo", "*Customer", "*CreditMemoDate"])
        body = [dict(zip(rows[0], r)) for r in rows[1:]]
        self.assertEqual([(r["*CreditMemoNo"], r["*ItemAmount"]) for r in body], [("CN-000002", "45.00")])
        self.assertEqual(body[0]["Memo"], "Credit for INV-000001: goodwill")
        xero = self.export("--format", "xero", "--credit-notes")
        rows = list(csv.reader(io.StringIO(xero, newline="")))
        self.assertEqual(len(rows[0]), 29)
        self.assertIn("*CreditNoteNumber", rows[0])
        r = dict(zip(rows[0], rows[1]))
        self.assertEqual((r["*CreditNoteNumber"], r["Reference"], r["*UnitAmount"]), ("CN-000002", "INV-000001", "45.00"))
        b = self.json("bill", "batches")
        self.validate("export-batch", b)
        self.assertEqual([x["selection"].get("credit_notes") for x in b], [True, True])
        again = self.export("--batch", "1")
        self.assertEqual(again, qbo, "a credit note batch reproduces byte for byte")
        self.assertRefusedBoth(["bill", "export", "--format", "iif", "--credit-notes"], 64, "--credit-notes goes with qbo or xero")
        self.assertRefusedBoth(["bill", "export", "--batch", "1", "--credit-notes"], 64, "--batch reproduces a batch as it was")


# What Xero does with a TaxType: it recomputes the line's tax at that rate.
XERO_RATES = {"Tax on Sales": Decimal("8.6"), "Scottsdale 8.05%": Decimal("8.05"), "Tax Exempt": Decimal(0)}


class TaxCodes(Books):
    def test_each_named_rate_has_its_own_code(self):
        self.company()
        for fmt, b in self.every_format().items():
            self.assertBooksAgree(b, fmt)
        rows = list(csv.DictReader(io.StringIO(self.export("--format", "qbo"), newline="")))
        codes = {(r["*Customer"], r["ItemTaxCode"]) for r in rows}
        self.assertEqual(codes, {("Karen Henderson", "TAX"), ("Karen Henderson", "NON"), ("Scottsdale Resort", "SCOTTSDALE"),
                                 ("Scottsdale Resort", "NON")})
        xero = list(csv.DictReader(io.StringIO(self.export("--format", "xero"), newline="")))
        for r in xero:
            line = Decimal(r["*Quantity"]) * Decimal(r["*UnitAmount"])
            recomputed = (line * XERO_RATES[r["*TaxType"]] / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
            self.assertEqual(str(recomputed), r["TaxAmount"], f"Xero would charge {r['*ContactName']} another tax: {r}")
            self.assertEqual(r["*AccountCode"], "260", "extras go to their own account")
        _, txns = parse_iif(self.export("--format", "iif"))
        scottsdale = [t for t in txns if t["trns"]["NAME"] == "Scottsdale Resort"][0]
        self.assertEqual(scottsdale["spl"][-1]["INVITEM"], "Scottsdale Sales Tax")
        self.assertEqual({s["ACCNT"] for s in scottsdale["spl"][:-1]}, {"Other Income"})
        c = self.json("config", "show")[0]
        self.validate("config", c)
        self.assertEqual(c["billing.qbo_tax_codes"], {"scottsdale": "SCOTTSDALE"})

    def test_a_named_rate_without_its_code_is_a_config_error(self):
        for key, fmt in (("qbo_tax_codes", "qbo"), ("xero_tax_types", "xero"), ("tax_items", "iif")):
            with self.subTest(key=key):
                with open(self.config_path, "w") as f:
                    f.write(CONFIG + "[billing]\n" + "".join(line for line in MAPPED[len(CONFIG) + 10:].splitlines(True)
                                                             if not line.startswith(key)))
                self.assertRefusedBoth(["bill", "export", "--format", fmt], 78,
                                       f"billing.{key} has no entry for tax rate 'scottsdale' (8.05 %)")
        self.assertEqual(self.json("bill", "batches"), [])
        with open(self.config_path, "w") as f:
            f.write(CONFIG + '[billing]\nincome_accounts = { part = "Parts Income" }\n')
        self.assertRefused(["bill", "list"], 78, "billing.income_accounts.part: not a line kind")


class IssueDate(Books):
    def test_month_end_invoices_are_dated_in_their_month(self):
        self.extra("C-1", "October visit", "45", "--date", "2026-10-20")
        self.assertRefusedBoth(["bill", "run", "--period", "2026-10", "--issue", "--issue-date", "2026-11-24"], 65,
                               "--issue-date: 2026-11-24 is after today (2026-11-23)")
        self.assertRefusedBoth(["bill", "run", "--period", "2026-10", "--issue", "--issue-date", "2026-09-30"], 65,
                               "is before 2026-10-01, the first day of the month")
        self.assertRefusedBoth(["bill", "run", "--period", "2026-10", "--issue-date", "2026-10-31"], 64, "--issue-date goes with --issue")
        inv = self.json("bill", "run", "--period", "2026-10", "--issue", "--issue-date", "2026-10-31")[0]
        self.assertEqual((inv["issue_date"], inv["due_date"]), ("2026-10-31", "2026-11-15"))
        rows = list(csv.DictReader(io.StringIO(self.export("--format", "qbo", "--from", "2026-10-01", "--to", "2026-10-31"),
                                               newline="")))
        self.assertEqual({r["*InvoiceNo"] for r in rows}, {inv["number"]})
        self.assertEqual(rows[0]["*InvoiceDate"], "10/31/2026")
        # bill issue takes it too.
        self.extra("C-2", "October extra", "10", "--date", "2026-10-02")
        draft = self.json("bill", "run", "--period", "2026-10")[0]
        self.assertRefusedBoth(["bill", "issue", str(draft["id"]), "--issue-date", "2026-12-01"], 65, "is after today")
        self.assertEqual(self.json("bill", "issue", str(draft["id"]), "--issue-date", "2026-10-31")[0]["issue_date"], "2026-10-31")

    def test_config_period_end(self):
        with open(self.config_path, "w") as f:
            f.write(MAPPED + 'issue_date = "period-end"\n')
        self.extra("C-1", "October visit", "45", "--date", "2026-10-20")
        self.assertEqual(self.json("bill", "run", "--period", "2026-10", "--issue")[0]["issue_date"], "2026-10-31")
        self.extra("C-1", "November visit", "45", "--date", "2026-11-20")
        self.assertEqual(self.json("bill", "run", "--period", "2026-11", "--issue")[0]["issue_date"], "2026-11-23",
                         "a period not over yet: today")
        self.assertEqual(self.json("config", "show")[0]["billing.issue_date"], "period-end")
        with open(self.config_path, "w") as f:
            f.write(CONFIG + '[billing]\nissue_date = "tomorrow"\n')
        self.assertRefused(["bill", "list"], 78, "billing.issue_date must be today or period-end")


class Payments(Books):
    def test_payment_dates_are_checked(self):
        self.assertRefusedBoth(["bill", "pay", "INV-000001", "--amount", "10", "--method", "cash", "--date", "2026-11-24"], 65,
                               "--date: 2026-11-24 is after today (2026-11-23)")
        self.assertRefusedBoth(["bill", "pay", "INV-000001", "--amount", "10", "--method", "cash", "--date", "2026-11-22"], 65,
                               "is before INV-000001 was issued (2026-11-23); if it really arrived first, add --force --reason")
        self.assertRefusedBoth(["bill", "pay", "INV-000001", "--amount", "10", "--method", "cash", "--date", "2026-11-22",
                                "--force"], 64, "--force needs --reason")
        self.assertRefusedBoth(["bill", "pay", "INV-000001", "--amount", "10", "--method", "cash", "--reason", "x"], 64,
                               "--reason goes with --force")
        p = self.json("bill", "pay", "INV-000001", "--amount", "10", "--method", "check", "--date", "2026-11-22", "--force",
                      "--reason", "deposit taken at the visit")[0]
        self.validate("payment", p)
        self.assertEqual(p["date"], "2026-11-22")
        self.assertIn("deposit taken at the visit", self.json("log", "--entity", "payment")[0]["command"])
        self.ok("bill", "pay", "INV-000002", "--amount", "50", "--method", "cash")
        # bill list and aging agree on every customer, today.
        listed = {}
        for inv in self.json("bill", "list", "--status", "open"):
            listed[inv["customer"]] = listed.get(inv["customer"], 0) + cents(inv["balance"])
        self.assertEqual(listed, self.aging())


class PartialCredits(Books):
    def credit(self, *args):
        rows = self.json("bill", "credit", "INV-000001", "--reason", "pump noise", *args)
        self.validate("invoice", rows)
        return rows[1]

    def test_amount_credits_its_proportional_tax(self):
        # INV-000001: 85.00 taxable + 45.00 exempt, tax 7.31 at 8.6 %.
        cn = self.credit("--amount", "13.00")
        self.assertEqual((cn["subtotal"], cn["tax"], cn["total"]), ("13.00", "0.73", "13.73"))  # 8.50 taxable: 0.731
        d = self.json("bill", "show", cn["number"], "--format", "json")[0]
        self.assertEqual([(l["amount"], l["taxable"], l["tax"]) for l in d["line_items"]],
                         [("8.50", True, "0.73"), ("4.50", False, "0.00")])
        cn = self.credit("--amount", "13.73", "--tax-included")
        self.assertEqual((cn["subtotal"], cn["tax"], cn["total"]), ("13.00", "0.73", "13.73"))
        cn = self.credit("--amount", "10", "--no-tax")
        self.assertEqual((cn["tax"], cn["total"]), ("0.00", "10.00"))
        self.assertRefusedBoth(["bill", "credit", "INV-000001", "--reason", "x", "--amount", "1", "--no-tax", "--tax-included"], 64,
                               "cannot go together")
        self.assertRefusedBoth(["bill", "credit", "INV-000001", "--reason", "x", "--line", "1", "--no-tax"], 64,
                               "--tax-included and --no-tax go with --amount")
        self.assertRefusedBoth(["bill", "credit", "INV-000001", "--reason", "x", "--amount", "100"], 1,
                               "--amount: 100.00 with its tax of 5.62 is more than the 99.85 of INV-000001 not credited yet")
        # The tax the books hold is the invoices' tax less the credit notes' tax.
        rows = json.loads(self.export("--format", "json"))
        tax = sum(cents(r["tax"]) for r in rows if r["customer"] == "Karen Henderson")
        self.assertEqual(tax, 731 - 73 - 73)
        for fmt, b in self.every_format().items():
            self.assertBooksAgree(b, fmt)


class FormulaGuard(Books):
    def test_names_stay_byte_identical_in_accounting_imports(self):
        self.ok("customer", "add", "--name", "@Home Pool Co", "--ref", "C-4")
        self.extra("C-4", "-2+3 tricky", "10", "--date", "2026-11-03")
        self.ok("bill", "run", "--period", "2026-11", "--issue")
        for fmt, b in self.every_format().items():
            self.assertBooksAgree({k.lstrip("'"): v for k, v in b.items()} if fmt == "csv" else b, fmt)
        qbo = [r for r in csv.DictReader(io.StringIO(self.export("--format", "qbo"), newline="")) if r["*InvoiceNo"] == "INV-000004"]
        self.assertEqual((qbo[0]["*Customer"], qbo[0]["ItemDescription"]), ("@Home Pool Co", "'-2+3 tricky"))
        xero = [r for r in csv.DictReader(io.StringIO(self.export("--format", "xero"), newline="")) if r["*InvoiceNumber"] == "INV-000004"]
        self.assertEqual(xero[0]["*ContactName"], "@Home Pool Co")
        _, txns = parse_iif(self.export("--format", "iif"))
        self.assertIn("@Home Pool Co", [t["trns"]["NAME"] for t in txns])
        own = [r for r in csv.DictReader(io.StringIO(self.export("--format", "csv"), newline="")) if r["number"] == "INV-000004"]
        self.assertEqual(own[0]["customer"], "'@Home Pool Co", "pom's own csv is for spreadsheets: guarded")


class WithLists(Books):
    def test_iif_lists_every_account_and_item_it_uses(self):
        self.company()
        plain = self.export("--format", "iif")
        self.assertFalse(plain.startswith("!ACCNT"))
        text = self.export("--format", "iif", "--with-lists")
        self.assertTrue(text.startswith("!ACCNT\tNAME\tACCNTTYPE"), text[:80])
        _, txns = parse_iif(text)
        accounts = {t["row"]["NAME"]: t["row"]["ACCNTTYPE"] for t in txns if t.get("list") == "ACCNT"}
        items = {t["row"]["NAME"]: t["row"] for t in txns if t.get("list") == "INVITEM"}
        self.assertEqual(accounts, {"Accounts Receivable": "AR", "Other Income": "INC",
                                    "Sales Tax Payable": "OCLIAB"})
        self.assertEqual(items["Scottsdale Sales Tax"]["INVITEMTYPE"], "COMPTAX")
        self.assertEqual(items["Scottsdale Sales Tax"]["PRICE"], "8.05%")
        used = 0
        for t in txns:
            if "trns" not in t:
                continue
            self.assertIn(t["trns"]["ACCNT"], accounts)
            for s in t["spl"]:
                self.assertIn(s["ACCNT"], accounts)
                self.assertIn(s["INVITEM"], items)
                used += 1
        self.assertGreater(used, 5)
        self.assertEqual(self.export("--batch", "2"), text, "reproduced with its lists")
        self.assertEqual(self.json("bill", "batches")[1]["selection"]["with_lists"], True)
        self.assertRefusedBoth(["bill", "export", "--format", "qbo", "--with-lists"], 64, "--with-lists goes with iif")



class Discounted(Books):
    """A draft with a discount and an adjustment (negative, taxable and exempt parts) in the month."""

    def test_discounted_invoice_reaches_every_book(self):
        self.company()
        self.ok("customer", "add", "--name", "Dee Discount", "--ref", "C-4")
        self.extra("C-4", "Pool opening", "300.00", "--taxable", "--date", "2026-11-15")
        self.extra("C-4", "Labor", "80.00", "--date", "2026-11-15")
        draft = self.json("bill", "run", "--period", "2026-11", "--customer", "C-4")[0]
        self.ok("bill", "discount", str(draft["id"]), "--percent", "15", "--reason", "spring special")
        self.ok("bill", "adjust", str(draft["id"]), "--amount=-5.00", "--reason", "late arrival")
        inv = self.json("bill", "issue", str(draft["id"]))[0]
        # 300 + 80 - 45 - 12 - 3.95 - 1.05 = 318.00; tax 8.6 % of 300 - 45 - 3.95 = 251.05 → 21.59
        self.assertEqual((inv["subtotal"], inv["tax"], inv["total"]), ("318.00", "21.59", "339.59"))
        books = self.every_format()
        for fmt, b in books.items():
            self.assertIn("Dee Discount", b, fmt)
            self.assertEqual(b["Dee Discount"], 33959, fmt)
            self.assertBooksAgree(b, fmt)
        _, txns = parse_iif(self.export("--format", "iif", "--from", "2026-11-01"))
        spl = [s for t in txns if "trns" in t and t["trns"]["DOCNUM"] == inv["number"] for s in t["spl"]]
        self.assertEqual(sorted(s["AMOUNT"] for s in spl if s["ACCNT"] == "Discounts Given"), ["1.05", "12.00", "3.95", "45.00"])



def parse_payments_csv(text, customer_col, type_col, amount_col):
    """A payments export (qbo, xero, pom's csv) → {customer: cents} of what it does to Accounts
    Receivable: money received and written off lowers it, a refund raises it, credit applied
    between invoices leaves it."""
    sign = {"Payment": -1, "payment": -1, "Refund": 1, "refund": 1, "Write-off": -1, "write_off": -1,
            "Credit applied": 0, "credit": 0}
    out = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        out[row[customer_col]] = out.get(row[customer_col], 0) + sign[row[type_col]] * cents(row[amount_col])
    return out


def parse_payments_iif(text, ar="Accounts Receivable"):
    """An IIF payments file → {customer: cents} on Accounts Receivable; every transaction sums to zero."""
    _, txns = parse_iif(text)
    out = {}
    for t in txns:
        for row in [t["trns"]] + t["spl"]:
            if row["ACCNT"] == ar:
                out[row["NAME"]] = out.get(row["NAME"], 0) + cents(row["AMOUNT"])
    return out


class PaymentBooks(Books):
    """After a month of invoices, credit notes and payments (one over several invoices, credit kept,
    credit applied, a refund, a write-off), each format's books give each customer bill aging's figure."""

    def test_payments_reach_every_book(self):
        self.ok("bill", "void", "INV-000003", "--reason", "customer cancelled")
        self.extra("C-1", "Acid wash", "60.00", "--date", "2026-11-20")
        self.ok("bill", "run", "--period", "2026-11", "--issue")  # INV-000004
        self.ok("bill", "pay", "--customer", "C-1", "--amount", "150", "--method", "check", "--ref", "DEP-1")
        self.ok("bill", "pay", "--customer", "C-2", "--amount", "600", "--method", "ach", "--ref", "DEP-2", "--credit")
        self.ok("bill", "refund", "C-2", "--amount", "10", "--method", "check", "--reason", "overpaid")
        self.ok("bill", "credit", "INV-000001", "--amount", "20", "--no-tax", "--reason", "goodwill")
        self.ok("bill", "apply-credit", "INV-000004")
        self.ok("bill", "write-off", "INV-000004", "--amount", "5", "--reason", "small balance")
        # the first batch of payments, then one more record that only --unexported takes
        first = {f: self.export("--format", f, "--payments", "--unexported") for f in ("qbo", "xero", "iif", "csv")}
        self.ok("bill", "pay", "--customer", "C-1", "--amount", "7.50", "--method", "cash")
        books = self.every_format()
        pay = {
            "qbo": add(parse_payments_csv(first["qbo"], "Customer", "Type", "Amount"),
                       parse_payments_csv(self.export("--format", "qbo", "--payments", "--unexported"), "Customer", "Type", "Amount")),
            "xero": add(parse_payments_csv(first["xero"], "ContactName", "Type", "Amount"),
                        parse_payments_csv(self.export("--format", "xero", "--payments", "--unexported"), "ContactName", "Type", "Amount")),
            "iif": add(parse_payments_iif(first["iif"]), parse_payments_iif(self.export("--format", "iif", "--payments", "--unexported"))),
            "csv": parse_payments_csv(self.export("--format", "csv", "--payments"), "customer", "type", "amount"),
        }
        pay["json"] = {}
        for row in json.loads(self.export("--format", "json", "--payments")):
            s = {"payment": -1, "write_off": -1, "refund": 1, "credit": 0}[row["type"]]
            pay["json"][row["customer"]] = pay["json"].get(row["customer"], 0) + s * cents(row["amount"])
        aging = self.aging()
        self.assertTrue(aging)
        for fmt in ("qbo", "xero", "iif", "csv", "json"):
            owed = {k: v for k, v in add(dict(books[fmt]), pay[fmt]).items() if v}
            self.assertEqual(owed, aging, f"{fmt}: the books differ from bill aging")
        # nothing is sent twice, and a batch reproduces
        self.assertEqual(self.export("--format", "iif", "--payments", "--unexported").count("TRNS\t\t"), 0)
        batches = [b for b in self.json("bill", "batches") if b["selection"].get("payments")]
        self.assertTrue(batches)
        again = subprocess.run([POM, "bill", "export", "--batch", str(batches[0]["id"])], capture_output=True, env=self.env, timeout=120)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(again.stdout.decode("utf-8"), first[batches[0]["format"]])


if __name__ == "__main__":
    unittest.main()
