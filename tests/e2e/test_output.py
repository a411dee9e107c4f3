"""Output formats: table, json, jsonl, csv, id; --fields; RFC 4180 CSV; byte-stable machine output;
checked-in expected output for a small fixed company."""
import csv
import io
import json
import os
import subprocess
import unittest

from pomtest import POM, PomTest
from refusal import Refusals

TRICKY_NOTES = 'Gate code "4521", then left;\nbeware the dog, "Señor Bigotes"\r\nPays by check, net 30'


class Output(Refusals, PomTest):
    def setUp(self):
        super().setUp()
        # A small fixed company: the expected files below depend on exactly this.
        self.ok("customer", "add", "--name", "Karen Henderson", "--ref", "BW-1001", "--status", "active",
                "--email", "karen@example.com", "--phone", "602-555-0142", "--opt-in", "602-555-0142",
                "--street", "4820 E Palo Verde Dr", "--city", "Phoenix", "--state", "AZ", "--zip", "85018",
                "--tag", "Weekly", "--tag", "Salt")
        self.ok("customer", "add", "--name", "José Martínez", "--ref", "BW-1002", "--status", "active",
                "--company", "Martínez, Hijos & Co.", "--email", "jose@example.com", "--city", "Tempe",
                "--notes", TRICKY_NOTES, "--tag", "Weekly")
        self.ok("customer", "add", "--name", "Zoë Chen", "--ref", "BW-1003", "--phone", "480-555-0173", "--tag", "Quote",
                env={"POM_NOW": "2026-11-23T09:15:00"})
        self.ok("pool", "add", "--customer", "BW-1001", "--gallons", "18000", "--surface", "pebble", "--sanitizer", "salt",
                "--lat", "33.4942", "--lon", "-111.9261", "--gate-code", "4521", "--dog")
        self.ok("pool", "add", "--customer", "BW-1002", "--body", "spa", "--name", "Spa", "--gallons", "450")
        self.ok("worker", "add", "--name", "Maria Lopez", "--phone", "602-555-0111")
        self.ok("worker", "add", "--name", "Dana Fox", "--role", "office", "--email", "dana@bluewave.example")

    def raw(self, *args, env=None):
        """Runs pom and returns (exit code, stdout bytes, stderr bytes): no newline translation."""
        e = dict(self.env)
        e.update(env or {})
        p = subprocess.run([POM, *args], capture_output=True, env=e, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def out(self, *args, env=None):
        code, out, err = self.raw(*args, env=env)
        self.assertEqual(code, 0, f"pom {' '.join(args)}: {err!r}")
        return out

    # --- formats -------------------------------------------------------------------------------

    def test_json_is_one_array_and_jsonl_one_object_per_line(self):
        arr = json.loads(self.out("customer", "list", "-o", "json"))
        self.validate("customer", arr)
        lines = self.out("customer", "list", "-o", "jsonl").decode().splitlines()
        self.assertEqual(len(lines), 3)
        self.assertEqual([json.loads(l) for l in lines], arr)
        for l in lines:
            self.assertFalse(l.startswith(" ") or l.endswith(" "))
        self.assertEqual(self.out("customer", "list", "-o", "id"), b"2\n1\n3\n")  # by name
        self.assertEqual(self.out("pool", "list", "-o", "id"), b"1\n2\n")
        self.assertEqual(self.out("worker", "list", "-o", "id"), b"2\n1\n")  # by name: Dana, Maria

    def test_non_ascii_is_written_as_utf8_not_escaped(self):
        out = self.out("customer", "show", "BW-1002", "-o", "json")
        self.assertIn("José Martínez".encode(), out)
        self.assertNotIn(b"\\u00", out)

    def test_table_is_aligned_by_characters(self):
        out = self.out("customer", "list", "--fields", "name,city").decode()
        self.assertEqual(out, "NAME             CITY\n"
                              "José Martínez    Tempe\n"
                              "Karen Henderson  Phoenix\n"
                              "Zoë Chen\n")

    def test_table_shows_a_multiline_value_on_one_line(self):
        out = self.out("customer", "show", "BW-1002", "--fields", "name,notes").decode()
        self.assertEqual(out.count("\n"), 2, out)
        self.assertIn("notes  Gate code", out)

    def test_tables_show_local_times_words_and_cut_long_values(self):
        # Stored instants are UTC (2026-11-23T15:00:00Z); a person reads the company's zone.
        table = self.out("customer", "show", "BW-1001", "--fields", "name,created_at").decode()
        self.assertIn("created_at  2026-11-23 08:00\n", table)
        self.assertEqual(self.json("customer", "show", "BW-1001")[0]["created_at"], "2026-11-23T15:00:00Z")
        self.assertIn("2026-11-23T15:00:00Z", self.out("customer", "list", "-o", "csv").decode())
        self.ok("callback", "add", "--customer", "BW-1001", "--reason", "Green water", "--due", "2026-11-26 10:00",
                "--contact", "phone", "--owner", "Dana Fox", "--summary", "Water test results")
        cb = self.out("callback", "list").decode()
        self.assertIn("2026-11-26 10:00", cb)
        self.assertNotIn("T17:00:00Z", cb)
        # Headers are words.
        self.ok("customer", "edit", "BW-1001", "--name", "K" * 60 + " Henderson")
        aging = self.out("bill", "aging").decode().splitlines()[0]
        self.assertIn("1-30 DAYS", aging)
        self.assertIn("OVER 90 DAYS", aging)
        self.assertNotIn("DAYS 1 30", aging)
        # One long name is cut with an ellipsis, in every column but the last.
        rows = self.out("customer", "list", "--fields", "name,city").decode().splitlines()
        long_row = next(r for r in rows if r.startswith("KKK"))
        self.assertTrue(long_row.startswith("K" * 47 + "\u2026  Phoenix"), long_row)
        self.assertEqual(max(len(r) for r in rows), len(long_row))
        # The last column is not cut, and JSON keeps every character.
        self.assertIn("K" * 60, self.out("customer", "list", "--fields", "city,name").decode())
        self.assertIn("K" * 60 + " Henderson", [c["name"] for c in self.json("customer", "list")])

    def test_a_table_cell_never_prints_json(self):
        self.ok("appt", "add", "--customer", "BW-1001", "--date", "2026-11-24")
        shown = self.out("appt", "show", "1").decode()
        self.assertNotIn("{", shown)
        self.assertNotIn('":', shown)

    def test_fields_pick_and_order(self):
        fields = ["email", "name", "id"]
        rows = self.json("customer", "list", "--fields", ",".join(fields))
        self.assertEqual([list(r) for r in rows], [fields] * 3)
        self.assertEqual(rows[0], {"email": "jose@example.com", "name": "José Martínez", "id": 2})
        jl = [json.loads(l) for l in self.out("customer", "list", "--fields", "tags,id", "-o", "jsonl").splitlines()]
        self.assertEqual(jl, [{"tags": ["Weekly"], "id": 2}, {"tags": ["Weekly", "Salt"], "id": 1},
                              {"tags": ["Quote"], "id": 3}])
        c = self.out("customer", "list", "--fields", "ref,name", "-o", "csv")
        self.assertEqual(c, "ref,name\r\nBW-1002,José Martínez\r\nBW-1001,Karen Henderson\r\nBW-1003,Zoë Chen\r\n".encode())
        t = self.out("worker", "list", "--fields", "role,name").decode()
        self.assertEqual(t.splitlines()[0].split(), ["ROLE", "NAME"])
        # A space after a comma is allowed; a field may be repeated by no one, but order is kept.
        self.assertEqual(list(self.json("pool", "show", "1", "--fields", "gallons, id")[0]), ["gallons", "id"])

    def test_unknown_field_is_a_usage_error_listing_the_valid_ones(self):
        for fmt in ("table", "json", "jsonl", "csv", "id"):
            with self.subTest(fmt=fmt):
                r = self.pom("customer", "list", "-o", fmt, "--fields", "name,colour")
                self.assertEqual(r.code, 64, r)
                self.assertEqual(r.out, "")
                self.assertIn("--fields: unknown field 'colour' (valid: id, ref, name, company, status, email, phone, "
                              "emails, phones, street, city, state, zip, notes, tags, created_at, updated_at, preferred_day)", r.err)
        self.assertRefusedBoth(["pool", "list", "--fields", "gallon"], 64, "unknown field 'gallon' (valid: id, customer_id,")
        self.assertRefusedBoth(["worker", "list", "--fields", "id,,name"], 64, "--fields: empty field name")
        # On a command that writes, a bad --fields is refused before anything is committed.
        self.assertRefusedBoth(["customer", "add", "--name", "New", "--fields", "nope"], 64, "unknown field 'nope'")

    def test_unknown_format_is_a_usage_error(self):
        self.assertRefusedBoth(["customer", "list", "-o", "yaml"], 64, "yaml")

    # --- CSV -----------------------------------------------------------------------------------

    def test_csv_quotes_as_rfc4180(self):
        out = self.out("customer", "show", "BW-1002", "--fields", "id,company,notes", "-o", "csv")
        expected = ('id,company,notes\r\n2,"Martínez, Hijos & Co.","'
                    + TRICKY_NOTES.replace('"', '""') + '"\r\n')
        self.assertEqual(out, expected.encode())

    def test_csv_round_trips_through_a_parser_and_an_import(self):
        fields = "ref,name,company,status,email,phone,street,city,state,zip,notes,tags"
        out = self.out("customer", "list", "--fields", fields, "-o", "csv")
        parsed = list(csv.DictReader(io.StringIO(out.decode("utf-8"), newline="")))
        as_json = self.json("customer", "list", "--fields", fields)
        self.assertEqual(len(parsed), len(as_json))
        for p, j in zip(parsed, as_json):
            for k, v in j.items():
                text = "" if v is None else "; ".join(v) if isinstance(v, list) else str(v)
                self.assertEqual(p[k], text, k)
        self.assertEqual(parsed[0]["notes"], TRICKY_NOTES)
        # The export imports back into a fresh database and gives the same customers.
        other = os.path.join(self.dir, "other.db")
        self.ok("--db", other, "init")
        path = os.path.join(self.dir, "export.csv")
        with open(path, "wb") as f:
            f.write(out)
        self.assertEqual(self.json("--db", other, "customer", "import", path)[0]["created"], 3)
        again = self.json("--db", other, "customer", "list", "--fields", fields)
        self.assertEqual(again, as_json)

    def test_csv_of_nested_values(self):
        rows = self.csv("customer", "list", "--fields", "ref,emails,phones")
        self.assertEqual(json.loads(rows[1]["emails"]), [{"address": "karen@example.com", "opt_in": True}])
        self.assertEqual(json.loads(rows[1]["phones"]), [{"number": "602-555-0142", "sms_opt_in": True}])
        self.assertEqual(rows[2]["emails"], "")  # an empty list is an empty cell, as for tags

    # --- stability -----------------------------------------------------------------------------

    def test_machine_output_does_not_depend_on_the_terminal_or_locale(self):
        envs = [
            {},
            {"COLUMNS": "20", "LINES": "5", "TERM": "dumb"},
            {"COLUMNS": "300", "TERM": "xterm-256color", "LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8"},
            {"LANG": "C", "LC_ALL": "C", "LC_NUMERIC": "fr_FR.UTF-8", "TZ": "Asia/Tokyo"},
        ]
        commands = [("customer", "list"), ("customer", "show", "1"), ("pool", "list"), ("worker", "list"), ("log",)]
        for cmd in commands:
            for fmt in ("table", "json", "jsonl", "csv", "id"):
                outs = {self.out(*cmd, "-o", fmt, env=e) for e in envs}
                self.assertEqual(len(outs), 1, f"{cmd} -o {fmt} depends on the environment")
        # Numbers are never localised.
        self.assertIn(b'"lat": 33.4942', self.out("pool", "show", "1", "-o", "json", env=envs[3]))

    def test_lists_written_as_text_match_their_documents(self):
        # customer list and appt list write -o json/jsonl as text as they read (no documents);
        # --fields naming every field goes through the documents: the same bytes.
        self.ok("appt", "add", "--customer", "BW-1001", "--date", "2026-11-24", "--window", "08:00-10:00",
                "--worker", "Maria Lopez", "--note", 'Gate "4521"', "--office-note", TRICKY_NOTES, "--order", "2")
        self.ok("appt", "add", "--customer", "BW-1002", "--date", "2026-11-24", "--priority", "urgent")
        self.ok("appt", "add", "--customer", "BW-1001", "--date", "2026-11-25", "--repeat", "weekly", "--count", "2")
        self.ok("appt", "edit", "3", "--load", "12.5")
        for cmd in (("customer", "list"), ("appt", "list", "--from", "2026-11-24", "--to", "2026-11-25"),
                    ("appt", "list", "--date", "2026-11-24")):
            with self.subTest(cmd=cmd):
                text = self.out(*cmd, "-o", "json")
                records = json.loads(text)
                self.assertGreater(len(records), 0)
                every = ",".join(records[0].keys())
                self.assertEqual(self.out(*cmd, "-o", "json", "--fields", every), text)
                self.assertEqual(self.out(*cmd, "-o", "jsonl", "--fields", every), self.out(*cmd, "-o", "jsonl"))

    def test_same_data_same_bytes_on_every_run(self):
        first = self.out("customer", "list", "-o", "json")
        self.assertEqual(self.out("customer", "list", "-o", "json"), first)

    # --- checked-in expected output -------------------------------------------------------------

    def test_expected_files(self):
        cases = [
            ("customers.json", ("customer", "list", "-o", "json")),
            ("customers.csv", ("customer", "list", "-o", "csv")),
            ("customers.txt", ("customer", "list")),
            ("customer-show.json", ("customer", "show", "BW-1001", "-o", "json")),
            ("customer-show.txt", ("customer", "show", "BW-1001")),
            ("pools.json", ("pool", "list", "-o", "json")),
            ("pools.csv", ("pool", "list", "-o", "csv")),
            ("workers.csv", ("worker", "list", "-o", "csv")),
            ("workers.txt", ("worker", "list")),
            ("log.jsonl", ("log", "-o", "jsonl")),
        ]
        for name, cmd in cases:
            with self.subTest(name=name):
                out = self.out(*cmd)
                if name.endswith(".json"):
                    records = json.loads(out)
                    schema = {"customers.json": "customer", "customer-show.json": "customer-detail",
                              "pools.json": "pool"}[name]
                    self.validate(schema, records)
                if name.endswith(".jsonl"):
                    self.validate("audit-entry", [json.loads(l) for l in out.splitlines()])
                self.assertExpected(name, out.decode("utf-8"))


if __name__ == "__main__":
    unittest.main()
