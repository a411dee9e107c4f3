"""Units on customer documents: a billed quantity carries what it counts ("0.5 gal", "1 each",
"1 visit") from the inventory item or the visit, onto the billable line, the invoice line, the
invoice as text, HTML and JSON, and `bill lines`; lines billed before pom kept units read as they
always did."""
import csv
import hashlib
import io
import json
import re
import subprocess
import unittest

from pomtest import ENGINE, POM, PomTest
from refusal import Refusals

CONFIG = ('timezone = "America/Phoenix"\n[company]\nname = "Blue Wave Pools"\nphone = "602-555-0100"\n'
          '[tax]\nrate = "8.6"\n')


class Units(Refusals, PomTest):
    config = CONFIG

    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann Lee", "--ref", "C-1", "--email", "ann@example.com")
        self.ok("pool", "add", "--customer", "C-1", "--gallons", "15000", "--surface", "plaster", "--sanitizer", "chlorine")
        self.ok("worker", "add", "--name", "Tom Reyes", "--role", "technician")
        self.ok("appt", "add", "--customer", "C-1", "--date", "today", "--worker", "Tom", "--type", "maintenance")
        self.ok("inventory", "add", "--sku", "LC125", "--name", "Liquid chlorine 12.5%", "--unit", "gal", "--cost", "3.50",
                "--price", "6.00", "--stock", "10", "--chemical", "liquid chlorine")
        self.ok("inventory", "add", "--sku", "FLT-1", "--name", "Filter cartridge", "--unit", "each", "--cost", "40.00",
                "--price", "89.00", "--stock", "2")
        self.ok("service", "start", "1")
        self.ok("service", "dose", "1", "--chemical", "liquid chlorine", "--amount", "64", "--unit", "floz")
        self.ok("service", "use", "1", "FLT-1")
        self.ok("service", "check", "1", "--all")
        self.ok("service", "submit", "1")

    def test_quantities_carry_their_unit(self):
        lines = self.json("bill", "lines", "--unbilled")
        self.validate("billable-line", lines)
        self.assertEqual([(l["kind"], l["quantity"], l["unit"]) for l in lines],
                         [("service", "1", "visit"), ("chemical", "0.5", "gal"), ("item", "1", "each")])
        self.ok("bill", "run", "--period", "2026-11", "--issue")
        d = self.json("bill", "show", "INV-000001", "--format", "json")
        self.validate("invoice-detail", d)
        self.assertEqual([(l["quantity"], l["unit"]) for l in d[0]["line_items"]], [("1", "visit"), ("0.5", "gal"), ("1", "each")])
        text = self.ok("bill", "show", "INV-000001", "--format", "text")
        self.assertRegex(text, r"  1 visit  +\d")
        self.assertRegex(text, r"  0\.5 gal  +6\.00")
        self.assertRegex(text, r"  1 each  +89\.00")
        # The totals stay aligned under the amounts.
        amounts = [l.rstrip() for l in text.splitlines() if l.rstrip().endswith(("89.00", "7.65"))]
        self.assertEqual(len({len(l) for l in amounts}), 1, amounts)
        html = self.ok("bill", "show", "INV-000001", "--format", "html")
        self.assertIn('<td class="num">0.5 gal</td>', html)
        self.assertIn('<td class="num">1 visit</td>', html)
        # A credit note credits the lines with their units.
        self.ok("bill", "credit", "INV-000001", "--reason", "refund the cartridge", "--line", "3")
        c = self.json("bill", "show", "CN-000001", "--format", "json")
        self.assertEqual([l["unit"] for l in c[0]["line_items"]], ["each"])

    def test_lines_without_a_unit_read_as_before(self):
        # Lines an older pom wrote have no unit: the document has no unit and the quantity column
        # keeps its width.
        self.sql("UPDATE billable_line SET unit = NULL")
        self.ok("bill", "run", "--period", "2026-11", "--issue")
        d = self.json("bill", "show", "INV-000001", "--format", "json")
        self.validate("invoice-detail", d)
        self.assertEqual([l["unit"] for l in d[0]["line_items"]], [None, None, None])
        text = self.ok("bill", "show", "INV-000001", "--format", "text")
        header = next(l for l in text.splitlines() if "Description" in l)
        self.assertRegex(header, r"Description +      Qty       Price      Amount$")
        self.assertNotIn("gal", text)
        self.assertRegex(text, r"\s{7}1  +89\.00")

    def export(self, *args):
        p = subprocess.run([POM, "bill", "export", *args], capture_output=True, env=self.env, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def test_pom_exports_carry_the_unit_and_old_batches_reproduce_without_it(self):
        self.ok("bill", "run", "--period", "2026-11", "--issue")
        data = self.export("--format", "csv")
        rows = list(csv.DictReader(io.StringIO(data.decode(), newline="")))
        self.assertEqual(next(csv.reader(io.StringIO(data.decode()))).pop(), "unit", "a new column goes last")
        self.assertEqual([(r["quantity"], r["unit"]) for r in rows], [("1", "visit"), ("0.5", "gal"), ("1", "each")])
        lines = json.loads(self.export("--format", "json"))
        self.validate("export-line", lines)
        self.assertEqual([(l["quantity"], l["unit"]) for l in lines], [("1", "visit"), ("0.5", "gal"), ("1", "each")])
        # Each new batch reproduces as it was written.
        self.assertEqual(self.export("--batch", "1"), data)
        # A batch written before units (its settings without line_units, its checksum of the
        # bytes without the column) reproduces byte for byte, without the column.
        # (Batches never change: the test lifts the guard to make one as an older pom left it.)
        self.sql("DROP TRIGGER export_batch_no_update" if ENGINE == "sqlite" else
                 "ALTER TABLE export_batch DISABLE TRIGGER export_batch_no_update")
        old = "".join(",".join(r[:-1]) + "\r\n" for r in csv.reader(io.StringIO(data.decode(), newline=""))).encode()
        self.assertNotIn(b"gal", old)
        settings = json.loads(self.sql("SELECT settings FROM export_batch WHERE id = 1")[0][0])
        self.assertIs(settings.pop("line_units"), True)
        self.sql("UPDATE export_batch SET settings = ?, sha256 = ? WHERE id = 1", json.dumps(settings), hashlib.sha256(old).hexdigest())
        self.assertEqual(self.export("--batch", "1"), old)
        # The same for json: the old batch's lines have no unit field.
        data = self.export("--batch", "2")
        old = re.sub(rb',"unit":("[^"]*"|null)', b"", data)
        self.assertEqual([sorted(l) for l in json.loads(old)], [sorted(set(l) - {"unit"}) for l in lines])
        settings = json.loads(self.sql("SELECT settings FROM export_batch WHERE id = 2")[0][0])
        settings.pop("line_units")
        self.sql("UPDATE export_batch SET settings = ?, sha256 = ? WHERE id = 2", json.dumps(settings), hashlib.sha256(old).hexdigest())
        self.assertEqual(self.export("--batch", "2"), old)


if __name__ == "__main__":
    unittest.main()
