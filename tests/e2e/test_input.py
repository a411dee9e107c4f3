"""Text and numbers are checked where they enter pom (lib/text_check.h): command-line arguments,
batch lines, CSV cells, files read as text and config strings. Bad text is refused with exit 65
naming the option (or the file's row and column) and nothing is stored; an empty or out-of-range
number is an invalid value, never zero or a clamped value; every error is one line."""
import json
import os
import sqlite3
import unittest

from pomtest import PomTest, sqlite_only
from refusal import Refusals

XFF = "\udcff"  # the byte 0xFF on the command line (Python passes it through surrogateescape)


class Arguments(Refusals, PomTest):
    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann Smith", "--ref", "C-1")

    def test_bad_text_in_an_argument_is_refused_naming_the_option(self):
        cases = [
            (["customer", "add", "--name", "Bob\nJones"], "--name: holds a line break (character 4), where one line is expected"),
            (["customer", "add", "--name", "Bob\tJones"], "--name: holds a tab (character 4), where none is allowed"),
            (["customer", "add", "--name", "Bob\x1b[31m"], "--name: holds the control character U+001B (character 4)"),
            (["customer", "add", "--name", "Bob\x85"], "--name: holds the control character U+0085 (character 4)"),
            (["customer", "add", "--name", "Caf" + XFF], "--name: is not valid UTF-8 (byte 4 is \\xFF)"),
            (["customer", "add", "--name", "x" * 201], "--name: is 201 characters long, over the 200 allowed for a name"),
            (["customer", "edit", "C-1", "--city", "Tempe\r"], "--city: holds the control character U+000D (character 6)"),
            (["customer", "edit", "C-1", "--notes", "x" * 20001], "--notes: is 20001 characters long, over the 20000 allowed for a note"),
            (["customer", "show", "C-1\n"], "CUSTOMER: holds a line break (character 4), where one line is expected"),
            (["appt", "add", "--customer", "C-1", "--repeat", "every\nweek"], "--repeat: holds a line break (character 6)"),
            (["--as", "Ann\x07", "customer", "list"], "--as: holds the control character U+0007 (character 4)"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, 65, message)
        # Who acts is recorded in the audit log: from the environment too.
        self.assertRefused(["customer", "add", "--name", "Bob"], 65, "POM_USER: is not valid UTF-8 (byte 4 is \\xFF)",
                           env={"POM_USER": "Ann" + XFF})

    def test_prose_may_span_lines_and_names_may_be_any_language(self):
        c = self.json("customer", "add", "--name", "Zoë Chen 陈", "--notes", "Gate on the left.\nDog:\tfriendly\r\nPays by check")[0]
        self.assertEqual(c["name"], "Zoë Chen 陈")
        self.assertEqual(c["notes"], "Gate on the left.\nDog:\tfriendly\r\nPays by check")
        self.assertEqual(len(self.json("customer", "add", "--name", "é" * 200)), 1)  # characters, not bytes

    def test_an_empty_number_is_an_invalid_value_not_zero(self):
        self.ok("pool", "add", "--customer", "C-1", "--gallons", "15000")
        self.ok("worker", "add", "--name", "Maria", "--role", "technician")
        self.ok("appt", "add", "--customer", "C-1", "--date", "today", "--worker", "Maria")
        self.ok("service", "start", "1")
        cases = [
            (["service", "reading", "1", "--ph", ""], "--ph: empty, not a number"),
            (["service", "reading", "1", "--fc", "3", "--ta", ""], "--ta: empty, not a number"),
            (["pool", "add", "--customer", "C-1", "--gallons", ""], "--gallons: empty, not a number"),
            (["pool", "add", "--customer", "C-1", "--lat", "", "--lon", ""], "--lat: empty, not a number"),
            (["appt", "add", "--customer", "C-1", "--days-out", ""], "--days-out: empty, not a number"),
            (["customer", "list", "--limit", ""], "--limit: empty, not a number"),
            (["notify", "list", "--limit", ""], "--limit: empty, not a number"),
            (["appt", "add", "--customer", "C-1", "--date", ""], "--date: '' is not a date"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, 65, message)
        self.assertEqual(self.json("service", "show", "1")[0]["readings"], [])

    def test_a_number_out_of_range_is_an_invalid_value(self):
        cases = [
            (["pool", "add", "--customer", "C-1", "--gallons", "1e20"], "--gallons: '1e20' is out of range"),
            (["pool", "add", "--customer", "C-1", "--gallons", "99999999999999999999"], "--gallons: '99999999999999999999' is out of range"),
            (["pool", "add", "--customer", "C-1", "--gallons", "1500.5"], "--gallons: '1500.5' is not a whole number"),
            (["pool", "add", "--customer", "C-1", "--lat", "1e300", "--lon", "0"], "--lat: '1e300' is out of range"),
            (["appt", "add", "--customer", "C-1", "--days-out", "99999999999"], "--days-out: '99999999999' is out of range"),
            (["customer", "list", "--limit", "99999999999999999999"], "--limit: '99999999999999999999' is out of range"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, 65, message)

    def test_a_word_where_a_number_goes_stays_a_usage_error(self):
        self.assertRefusedBoth(["pool", "add", "--customer", "C-1", "--gallons", "0x10"], 64, "--gallons: '0x10' is not a whole number")
        self.assertRefusedBoth(["pool", "add", "--customer", "C-1", "--lat", "north", "--lon", "0"], 64, "--lat: 'north' is not a number")
        self.assertRefusedBoth(["appt", "list", "--limit", "-1"], 64, "--limit: '-1' is not a whole number of 0 or more")

    def test_leading_zeros_are_decimal_never_octal(self):
        self.assertEqual(self.json("pool", "add", "--customer", "C-1", "--gallons", "010")[0]["gallons"], 10)


class Batch(PomTest):
    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann Smith", "--ref", "C-1")

    def run_batch(self, data):
        path = os.path.join(self.dir, "day.jsonl")
        with open(path, "wb") as f:
            f.write(data)
        before = self.dump()
        r = self.pom("batch", path)
        self.assertEqual(self.dump(), before)
        return r

    def test_a_line_that_is_not_text_is_refused_with_its_number(self):
        r = self.run_batch(b'["customer","list"]\n["customer","add","--name","Caf\xff"]\n')
        self.assertEqual(r.code, 65, r)
        self.assertEqual(r.err, "pom: error: batch line 2: is not valid UTF-8 (byte 32 is \\xFF) (nothing was written)\n")
        rs = [json.loads(l) for l in r.out.splitlines()]
        self.validate("batch-result", rs)
        self.assertEqual(rs[1]["error"]["code"], "bad_input")

    def test_an_argument_of_a_line_is_checked_like_one_on_the_command_line(self):
        r = self.run_batch(b'["customer","add","--name","Bob\\u0000Jones"]\n')
        self.assertEqual(r.code, 65, r)
        self.assertEqual(r.err, "pom: error: batch line 1: --name: holds a NUL byte (character 4) (nothing was written)\n")
        r = self.run_batch(b'["customer","edit","C-1","--notes","two\\nlines"]\n["customer","edit","C-1","--city","a\\u001bb"]\n')
        self.assertEqual(r.code, 65, r)
        self.assertIn("batch line 2: --city: holds the control character U+001B (character 2)", r.err)


class Files(Refusals, PomTest):
    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_csv_cells_are_checked_with_their_row_and_column(self):
        cases = [
            (b"ref,name\r\nX-1,Ann\r\nX-2,Caf\xe9\r\n", "row 3, column 2: is not valid UTF-8 (byte 4 is \\xE9)"),
            (b"ref,name\r\nX-1,A\x00nn\r\n", "row 2, column 2: holds a NUL byte (character 2)"),
            (b"ref,name,city\r\nX-1,Ann,Mesa\x1a\r\n", "row 2, column 3: holds the control character U+001A (character 5)"),
            (b"ref,name\r\nX-1,\"Ann\nSmith\"\r\n", "row 2, column name: holds a line break (character 4), where one line is expected"),
            (b"ref,name\r\nX-1," + b"x" * 201 + b"\r\n", "row 2, column name: is 201 characters long, over the 200 allowed for a name"),
            (b"ref,name,notes\r\nX-1,Ann," + b"x" * 10001 + b"\r\n", "row 2, column 3: is 10001 characters long, over the 10000 allowed for a CSV field"),
        ]
        for data, message in cases:
            with self.subTest(message=message):
                self.assertRefusedBoth(["customer", "import", self.write("c.csv", data)], 65, message)
        self.assertEqual(self.json("customer", "list"), [])
        ok = self.write("ok.csv", b"ref,name,notes\r\nX-1,Ann,\"line 1\nline 2\twith a tab\"\r\n")
        self.ok("customer", "import", ok)
        self.assertEqual(self.json("customer", "show", "X-1")[0]["notes"], "line 1\nline 2\twith a tab")

    def test_a_note_file_is_text(self):
        self.ok("customer", "add", "--name", "Ann", "--ref", "C-1")
        path = self.write("call.txt", b"Talked about the heater.\r\n\x00\x01binary")
        self.assertRefusedBoth(["note", "add", "--customer", "C-1", "--kind", "call", "--file", path], 65,
                               "--file " + path + ": holds a NUL byte (character 27)")
        path = self.write("call.txt", "Talked about the heater.\r\nWarranty:\tyes\n".encode())
        self.assertEqual(self.json("note", "add", "--customer", "C-1", "--kind", "call", "--file", path)[0]["text"],
                         "Talked about the heater.\r\nWarranty:\tyes\n")

    def test_config_strings_are_checked_with_file_line_and_column(self):
        with open(self.config_path, "w") as f:
            f.write('timezone = "America/Phoenix"\n[company]\nname = "Blue\\u0000Wave"\n')
        self.assertRefused(["customer", "list"], 78, self.config_path + ":3:8: a string holds a NUL byte (character 5)")
        with open(self.config_path, "w") as f:
            f.write('[notices.on_my_way]\nchannel = "sms"\nbody = """\nOn our way.\n\tSee you soon\\u001b"""\n')
        self.assertRefused(["customer", "list"], 78, "a string holds the control character U+001B (character 26)")
        with open(self.config_path, "w") as f:
            f.write('[notices.on_my_way]\nchannel = "sms"\nbody = """\nOn our way.\n\tSee you soon."""\n')
        self.ok("customer", "list")


@sqlite_only("bytes an older pom stored in a SQLite file; PostgreSQL never holds invalid UTF-8 or NUL")
class TextStoredByAnOlderPom(PomTest):
    """Bytes an older pom stored without checking them never crash an output (they exited 70 with
    type_error.316): JSON replaces them with U+FFFD, and db check says where they are."""

    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann Smith", "--ref", "C-1", "--notes", "notes")
        self.ok("worker", "add", "--name", "Maria", "--role", "technician")
        self.ok("pool", "add", "--customer", "C-1", "--gallons", "15000")
        self.ok("appt", "add", "--customer", "C-1", "--date", "today", "--worker", "Maria")
        self.ok("service", "start", "1")
        self.ok("service", "check", "1", "--all")
        self.ok("service", "note", "1", "--text", "Cleaned the filter")
        self.ok("service", "submit", "1")
        self.ok("bill", "extra", "add", "--customer", "C-1", "--description", "Filter", "--amount", "20")
        con = sqlite3.connect(self.db)
        con.execute("UPDATE customer SET name = CAST(X'416EFF20536D697468' AS TEXT), notes = CAST(X'6E6F00746573' AS TEXT)")
        con.execute("UPDATE billable_line SET description = CAST(X'46696C74C3' AS TEXT) WHERE description = 'Filter'")
        con.execute("UPDATE pool SET name = CAST(X'506F6F6CFE' AS TEXT)")
        con.commit()
        con.close()
        self.ok("bill", "run", "--period", "2026-11", "--issue")

    def test_json_outputs_replace_what_is_not_utf8(self):
        for args in (["bill", "export", "--format", "json"], ["service", "report", "1", "--format", "json"],
                     ["customer", "list", "-o", "json"], ["bill", "show", "INV-000001", "--format", "json"],
                     ["pool", "list", "-o", "jsonl"], ["log", "-o", "json"], ["appt", "list", "-o", "json"]):
            with self.subTest(args=args):
                r = self.pom(*args)
                self.assertEqual(r.code, 0, r)
                self.assertIn("\ufffd", r.out)
                [json.loads(l) for l in r.out.splitlines()] if args[-1] == "jsonl" else json.loads(r.out)
        lines = json.loads(self.ok("bill", "export", "--format", "json", "--batch", "1"))
        self.assertEqual(sorted(l["description"] for l in lines)[0], "Filt\ufffd")
        # Text and tables too: what pom prints is UTF-8.
        for args in (["customer", "list"], ["service", "report", "1", "--format", "text"], ["customer", "show", "C-1", "-o", "csv"]):
            with self.subTest(args=args):
                self.assertIn("An\ufffd Smith", self.ok(*args))

    def test_db_check_says_which_rows_hold_it(self):
        r = self.pom("db", "check")
        self.assertEqual((r.code, r.out), (65, ""), r)
        self.assertEqual(r.err, f"pom: error: database {self.db} has 6 problem(s): text: billable_line row 2 column description "
                                "is not valid UTF-8 (byte 5 is \\xC3); and 5 more (pom db check -v lists them)\n")
        r = self.pom("db", "check", "-o", "json")
        self.assertEqual(r.code, 65, r)
        problems = r.json()
        self.validate("db-problem", problems)
        self.assertEqual([(p["check"], p["table"], p["row"], p["column"], p["detail"]) for p in problems], [
            ("text", "billable_line", 2, "description", "is not valid UTF-8 (byte 5 is \\xC3)"),
            ("text", "customer", 1, "name", "is not valid UTF-8 (byte 3 is \\xFF)"),
            ("text", "customer", 1, "notes", "holds a NUL byte (byte 3)"),
            ("text", "invoice", 1, "bill_to_name", "is not valid UTF-8 (byte 3 is \\xFF)"),
            ("text", "invoice_line", 2, "description", "is not valid UTF-8 (byte 5 is \\xC3)"),
            ("text", "pool", 1, "name", "is not valid UTF-8 (byte 5 is \\xFE)"),
        ])
        self.assertEqual(len(r.err.splitlines()), 1, r)
        self.assertEqual(json.loads(r.err)["error"]["exit"], 65)
        r = self.pom("db", "check", "-v")
        self.assertEqual(r.code, 65, r)
        self.assertEqual(r.out.splitlines()[0].split(), ["CHECK", "TABLE", "ROW", "COLUMN", "DETAIL"])
        self.assertEqual(len(r.out.splitlines()), 7)


class OneLineErrors(PomTest):
    def test_what_an_error_quotes_is_escaped_onto_one_line(self):
        r = self.pom("customer", "list", "extra\nline")
        self.assertEqual(r.code, 64, r)
        self.assertEqual(r.err.count("\n"), 1, r)
        self.assertIn("extra\\nline", r.err)
        r = self.pom("customer", "list", "extra\nline", "-o", "json")
        lines = r.err.splitlines()
        self.assertEqual(len(lines), 1, r)
        self.assertIn("extra\\nline", json.loads(lines[0])["error"]["message"])


if __name__ == "__main__":
    unittest.main()
