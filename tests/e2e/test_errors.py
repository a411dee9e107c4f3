"""Errors: one `pom: error:` line, or with -o json|jsonl one JSON object alone on stderr, the documented exit
codes, and `pom help exit-codes`."""
import json
import os
import unittest

from pomtest import PomTest

EXIT_CODES = [0, 1, 64, 65, 66, 70, 74, 75, 77, 78]


class ExitCodes(PomTest):
    def test_help_exit_codes_lists_every_code(self):
        rows = self.json("help", "exit-codes")
        self.validate("exit-code", rows)
        self.assertEqual([r["code"] for r in rows], EXIT_CODES)
        names = {r["code"]: r["name"] for r in rows}
        self.assertEqual(names[0], "ok")
        self.assertIn("not_found", names[1])
        self.assertIn("busy", names[75])
        self.assertEqual(self.ok("help", "exit-codes", "-o", "id"), "".join(f"{c}\n" for c in EXIT_CODES))
        table = self.ok("help", "exit-codes")
        self.assertTrue(table.startswith("CODE  NAME"), table)
        self.assertIn("\n75    busy", table)

    def test_help_and_version(self):
        r = self.pom("--version")
        self.assertEqual(r.code, 0)
        self.assertRegex(r.out, r"^pom \d+\.\d+\.\d+\S*\n$")
        r = self.pom("--help")
        self.assertEqual((r.code, r.err), (0, ""))
        for sub in ("init", "customer", "pool", "worker", "batch", "log", "db", "config", "help"):
            self.assertIn(sub, r.out)
        r = self.pom("customer", "add", "--help")
        self.assertEqual(r.code, 0)
        self.assertIn("--name", r.out)


class JsonErrors(PomTest):
    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann", "--ref", "C-1")
        self.codes = {r["code"]: r["name"] for r in self.json("help", "exit-codes")}

    def check(self, args, code, error_code, fmt="json", input=None, env=None):
        before = self.dump()
        r = self.pom(*args, "-o", fmt, input=input, env=env)
        self.assertEqual(r.code, code, r)
        self.assertEqual(r.out, "", r)
        lines = r.err.splitlines()
        self.assertEqual(len(lines), 1, r.err)
        err = json.loads(lines[0])
        self.validate("error", err)
        self.assertEqual(err["error"]["code"], error_code)
        self.assertEqual(err["error"]["exit"], code)
        human = self.pom(*args, input=input, env=env)
        self.assertEqual(human.err, "pom: error: " + err["error"]["message"] + "\n")
        self.assertIn(error_code, self.codes[code].split(", "), "pom help exit-codes disagrees")
        self.assertEqual(self.dump(), before)
        return err["error"]["message"]

    def test_every_kind_of_error(self):
        missing = os.path.join(self.dir, "none.csv")
        self.check(["customer", "show", "404"], 1, "not_found")
        self.check(["customer", "add", "--name", "B", "--ref", "C-1"], 1, "conflict")
        self.check(["customer", "list", "--colour"], 64, "usage")
        self.check(["customer", "list", "--fields", "colour"], 64, "usage")
        self.check(["customer", "add", "--name", "B", "--email", "b@"], 65, "bad_input")
        self.check(["customer", "import", missing], 66, "no_input")
        self.check(["customer", "list"], 66, "no_input", env={"POM_DB": os.path.join(self.dir, "gone.db")})
        with open(self.config_path, "w") as f:
            f.write("timezone = 7\n")
        self.check(["customer", "list"], 78, "config")

    def test_jsonl_and_other_spellings_of_the_flag(self):
        self.check(["customer", "show", "404"], 1, "not_found", fmt="jsonl")
        for spelling in ("--output=json", "-ojson"):
            r = self.pom("customer", "show", "404", spelling)
            self.assertEqual(json.loads(r.err)["error"]["exit"], 1, r)

    def test_table_csv_and_id_errors_are_one_line(self):
        for fmt in ("table", "csv", "id"):
            with self.subTest(fmt=fmt):
                self.assertRefused(["customer", "show", "404", "-o", fmt], 1, "no customer '404'")

    def test_message_with_quotes_and_non_ascii_is_valid_json(self):
        msg = self.check(["customer", "show", 'Zoë "Z" Chen'], 1, "not_found")
        self.assertEqual(msg, "no customer 'Zoë \"Z\" Chen' (by id, ref or name)")

    def test_a_failed_batch_with_json_errors(self):
        r = self.pom("batch", "-o", "json", input='["customer","show","404"]\n')
        self.assertEqual(r.code, 1, r)
        self.validate("batch-result", json.loads(r.out))
        self.assertEqual(len(r.err.splitlines()), 1, r)
        err = json.loads(r.err)
        self.validate("error", err)
        self.assertEqual(err["error"]["message"], "batch line 1: no customer '404' (by id, ref or name) (nothing was written)")


class UsageErrors(PomTest):
    def test_usage_errors_exit_64(self):
        cases = [
            ([], ""),
            (["frobnicate"], "frobnicate"),
            (["customer", "add", "--name"], "--name"),
            (["customer", "list", "--status"], "--status"),
            (["customer", "list", "-o", "xml"], "-o"),
            (["customer", "list", "extra"], "extra"),
            (["pool", "list", "--all=maybe"], "--all"),
            (["worker"], "subcommand"),
            (["help"], "subcommand"),
            (["help", "colours"], ""),
            (["config"], "subcommand"),
            (["log", "--entity"], "--entity"),
            (["init", "now"], "now"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                self.assertRefused(args, 64, message)


    def test_only_the_named_command_is_built_but_messages_name_every_command(self):
        # pom builds just the command tree a line names (cmd/main.cpp); global options before it,
        # with their values, are skipped to find it.
        every = "valid: init, customer, pool, worker, appt, route, service, inventory, notify, bill, tag, quote, callback, ticket"
        self.assertRefused(["frobnicate", "list"], 64, "unknown command 'frobnicate' (" + every)
        self.assertRefused(["--", "customer", "list"], 64, every)
        self.assertRefused(["-o", "csv", "customer", "lst"], 64,
                           "customer: unknown command 'lst' (valid: add, list, show, edit, import, timeline)")
        self.ok("customer", "add", "--name", "Ann Lee")
        for args in (["-o", "json", "--as", "list", "customer", "list"], ["--fields", "id,name", "-o", "json", "customer", "list"],
                     ["--output=json", "customer", "list"], ["customer", "-o", "json", "list"]):
            with self.subTest(args=args):
                self.assertEqual(json.loads(self.ok(*args))[0]["name"], "Ann Lee")
        # The customer command carries its timeline (registered by another file) too.
        self.assertEqual(self.json("customer", "timeline", "Ann Lee")[0]["summary"], "customer created as lead")
        top = self.ok("--help")
        for command in ("customer", "appt", "service", "bill", "tag", "callback", "ticket", "note", "completion"):
            self.assertIn("\n  " + command + " ", top)

class InitErrors(PomTest):
    init_db = False

    def test_init_where_a_folder_cannot_be_made(self):
        blocker = os.path.join(self.dir, "file")
        with open(blocker, "w") as f:
            f.write("x")
        self.assertRefused(["--db", os.path.join(blocker, "sub", "pom.db"), "init"], 74, "cannot create folder")
        self.assertRefused(["--db", self.dir, "init"], 74, "is a directory")


if __name__ == "__main__":
    unittest.main()
