"""pom batch: many commands, one transaction; --keep-going; --dry-run; one JSONL result per line and a
summary record when a line failed; -o json makes them one array."""
import json
import os
import unittest

from pomtest import ENGINE, PomTest
from refusal import Refusals


def lines(*commands):
    return "".join(json.dumps(c) + "\n" for c in commands)


class Batch(Refusals, PomTest):
    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann Smith", "--ref", "C-1")

    def results(self, out, committed=False):
        """The line records; when a line failed, the summary record after them is checked too."""
        rs = [json.loads(l) for l in out.splitlines()]
        self.validate("batch-result", rs)
        records = [r for r in rs if "summary" not in r]
        failed = sum(1 for r in records if not r["ok"])
        if failed:
            self.assertEqual(rs[-1], {"summary": True, "lines": len(records), "failed": failed, "committed": committed})
            self.assertEqual(len(records), len(rs) - 1)
        else:
            self.assertEqual(records, rs)
        return records

    def test_all_lines_commit_together_and_see_each_other(self):
        script = lines(
            ["customer", "add", "--name", "Bob Jones", "--ref", "C-2"],
            ["pool", "add", "--customer", "C-2", "--gallons", "9000"],
            ["worker", "add", "--name", "Maria Lopez"],
            ["customer", "edit", "C-1", "--status", "active", "-o", "csv"],
            ["customer", "list", "--fields", "ref,status"],
        )
        r = self.pom("batch", "-", input="# the morning\n\n" + script)
        self.assertEqual(r.code, 0, r)
        rs = self.results(r.out)
        self.assertEqual([x["line"] for x in rs], [3, 4, 5, 6, 7])  # comments and blank lines are skipped, not renumbered
        self.assertTrue(all(x["ok"] and x["exit"] == 0 and x["error"] is None for x in rs))
        self.assertEqual(rs[0]["args"], ["customer", "add", "--name", "Bob Jones", "--ref", "C-2"])
        self.validate("customer", rs[0]["output"])
        self.validate("pool", rs[1]["output"])
        self.validate("worker", rs[2]["output"])
        self.validate("customer", rs[3]["output"])  # output is JSON whatever -o the line asks for
        self.assertEqual(rs[4]["output"], [{"ref": "C-1", "status": "active"}, {"ref": "C-2", "status": "lead"}])
        self.assertEqual(self.json("pool", "show", "1")[0]["customer"], "Bob Jones")
        log = self.json("log")
        self.validate("audit-entry", log)
        self.assertEqual([(e["entity"], e["action"]) for e in log[1:]],
                         [("customer", "create"), ("pool", "create"), ("worker", "create"), ("customer", "update")])
        self.assertEqual(log[2]["command"], "pom pool add --customer C-2 --gallons 9000")

    def test_a_failing_line_rolls_back_everything_and_sets_the_exit_code(self):
        path = os.path.join(self.dir, "day.jsonl")
        with open(path, "w") as f:
            f.write(lines(
                ["customer", "edit", "C-1", "--city", "Tempe"],
                ["worker", "add", "--name", "Tom Reed"],
                ["customer", "edit", "C-1", "--email", "not-an-email"],
                ["worker", "add", "--name", "Never Run"],
            ))
        before = self.dump()
        r = self.pom("batch", path)
        self.assertEqual(r.code, 65, r)
        self.assertEqual(self.dump(), before)
        rs = self.results(r.out)
        self.assertEqual([(x["line"], x["ok"], x["exit"]) for x in rs], [(1, True, 0), (2, True, 0), (3, False, 65)])
        self.assertEqual(rs[2]["error"], {"code": "bad_input", "message": "--email: 'not-an-email' is not an email address"})
        self.assertIsNone(rs[2]["output"])
        self.assertEqual(r.err, "pom: error: batch line 3: --email: 'not-an-email' is not an email address (nothing was written)\n")

    def test_exit_code_is_the_failing_lines(self):
        cases = [
            (["pool", "show", "42"], 1, "not_found"),
            (["customer", "add", "--name", "X", "--ref", "C-1"], 1, "conflict"),
            (["customer", "list", "--colour", "red"], 64, "usage"),
            (["customer", "show", "C-1", "--fields", "nope"], 64, "usage"),
            (["customer", "add", "--name", "X", "--db", "/tmp/other.db"], 64, "usage"),
            (["batch", "-"], 64, "usage"),
            (["init"], 64, "usage"),
            (["customer", "import", "/nonexistent/file.csv"], 66, "no_input"),
        ]
        for args, code, name in cases:
            with self.subTest(args=args):
                before = self.dump()
                r = self.pom("batch", input=lines(["worker", "add", "--name", "Tom Reed"], args))
                self.assertEqual(r.code, code, r)
                rs = self.results(r.out)
                self.assertEqual(rs[-1]["error"]["code"], name)
                self.assertEqual(rs[-1]["exit"], code)
                self.assertEqual(self.dump(), before)

    def test_malformed_lines_are_usage_errors_that_say_where(self):
        for text, why in (('customer list\n', "it stops being JSON at column 1"),
                          ('[]\n', "the array is empty"),
                          ('{"args": ["customer"]}\n', "the line is a JSON object"),
                          ('["customer", 1]\n', "element 2 is a number"),
                          ('["customer", "list"\n', "it stops being JSON at column 20"),
                          ('["José", "list",, "x"]\n', "it stops being JSON at column 17")):
            with self.subTest(text=text):
                r = self.pom("batch", input=text)
                self.assertEqual(r.code, 64, r)
                rs = self.results(r.out)
                self.assertEqual(rs[0]["error"], {"code": "usage", "message": "not a JSON array of strings: " + why})

    def test_json_output_is_one_array_ending_with_the_summary(self):
        r = self.pom("batch", "-o", "json", input=lines(["customer", "show", "C-1"], ["customer", "show", "C-9"]))
        self.assertEqual(r.code, 1, r)
        rs = json.loads(r.out)
        self.validate("batch-result", rs)
        self.assertEqual([x.get("line") for x in rs], [1, 2, None])
        self.assertEqual(rs[-1], {"summary": True, "lines": 2, "failed": 1, "committed": False})
        ok = self.pom("batch", "-o", "json", input=lines(["customer", "show", "C-1"]))
        self.assertEqual(ok.code, 0, ok)
        self.assertEqual([x["line"] for x in json.loads(ok.out)], [1])
        self.assertEqual(json.loads(self.pom("batch", "-o", "json", input="").out), [])

    def test_keep_going_commits_what_succeeds(self):
        r = self.pom("batch", "--keep-going", input=lines(
            ["worker", "add", "--name", "Tom Reed"],
            ["worker", "add", "--name", "tom reed"],
            ["customer", "edit", "C-1", "--city", "Mesa"],
            ["pool", "add", "--customer", "Nobody"],
            ["worker", "add", "--name", "Dana Fox", "--role", "office"],
        ))
        self.assertEqual(r.code, 1, r)  # the first failure's exit code
        rs = self.results(r.out, committed=True)
        self.assertEqual([(x["line"], x["ok"]) for x in rs], [(1, True), (2, False), (3, True), (4, False), (5, True)])
        self.assertIn("batch line 2: worker 1 is already named 'tom reed'", r.err)
        self.assertNotIn("nothing was written", r.err)
        self.assertEqual([w["name"] for w in self.json("worker", "list")], ["Dana Fox", "Tom Reed"])
        self.assertEqual(self.json("customer", "show", "C-1")[0]["city"], "Mesa")
        self.assertEqual(self.json("pool", "list"), [])

    def test_keep_going_with_every_line_ok_exits_zero(self):
        r = self.pom("batch", "--keep-going", input=lines(["worker", "add", "--name", "Tom Reed"]))
        self.assertEqual(r.code, 0, r)
        self.assertEqual(len(self.results(r.out)), 1)

    def test_dry_run_runs_every_line_and_writes_nothing(self):
        before = self.dump()
        r = self.pom("batch", "--dry-run", input=lines(
            ["customer", "add", "--name", "Bob Jones", "--ref", "C-2"],
            ["pool", "add", "--customer", "C-2"],
            ["customer", "show", "C-2"],
        ))
        self.assertEqual(r.code, 0, r)
        rs = self.results(r.out)
        self.assertTrue(all(x["ok"] for x in rs))
        self.validate("customer-detail", rs[2]["output"])
        self.assertEqual(rs[2]["output"][0]["pools"][0]["id"], 1)
        self.assertIn("dry run", r.err)
        self.assertEqual(self.dump(), before)

    def test_keep_going_dry_run_reports_like_the_real_run_and_writes_nothing(self):
        script = lines(
            ["customer", "add", "--name", "Bob Jones", "--ref", "C-2"],
            ["pool", "add", "--customer", "C-2", "--gallons", "-1"],
            ["pool", "add", "--customer", "C-2"],
        )
        before = self.dump()
        r = self.pom("batch", "--keep-going", "--dry-run", input=script)
        self.assertEqual(r.code, 65, r)
        self.assertEqual([(x["line"], x["ok"]) for x in self.results(r.out)], [(1, True), (2, False), (3, True)])
        self.assertEqual(self.dump(), before)
        real = self.pom("batch", "--keep-going", input=script)
        self.assertEqual([x["ok"] for x in self.results(real.out, committed=True)], [True, False, True])
        self.assertEqual(len(self.json("pool", "list")), 1)

    def test_empty_batch_succeeds(self):
        r = self.pom("batch", input="# nothing today\n")
        self.assertEqual((r.code, r.out), (0, ""), r)

    def test_what_acts_outside_the_database_is_refused_before_it_acts(self):
        # A backup, a check of the file, an export or a delivery cannot be taken back by the
        # batch's rollback: each is refused (64) before it does anything, whatever comes after it.
        backup = os.path.join(self.dir, "copy.db")
        export = os.path.join(self.dir, "export.csv")
        cases = [
            (["db", "backup", backup], "db backup cannot run inside pom batch: it copies the database as committed, "
                                       "outside the batch's transaction; run it after the batch"),
            (["db", "check"], "db check cannot run inside pom batch: it checks the database as committed, "
                              "outside the batch's transaction; run it after the batch"),
            (["bill", "export", "--format", "csv", "--out", export], "bill export cannot run inside pom batch: it writes files, "
                                                                     "which a batch that fails could not take back; run it after the batch"),
            (["notify", "send"], "notify send cannot run inside pom batch: it delivers notices, "
                                 "which a batch that fails could not take back; run it after the batch"),
        ]
        for args, message in cases:
            for flags in ([], ["--keep-going"], ["--dry-run"]):
                with self.subTest(args=args, flags=flags):
                    before = self.dump()
                    r = self.pom("batch", *flags, "-", input=lines(["customer", "edit", "C-1", "--city", "Tempe"], args))
                    self.assertEqual(r.code, 64, r)
                    rs = self.results(r.out, committed=flags == ["--keep-going"])
                    self.assertEqual(rs[1]["error"], {"code": "usage", "message": message})
                    self.assertEqual(r.err.splitlines()[0], "pom: error: batch line 2: " + message +
                                     ("" if flags == ["--keep-going"] else " (nothing was written)"))
                    if flags != ["--keep-going"]:
                        self.assertEqual(self.dump(), before)
                    self.assertFalse(os.path.exists(backup))
                    self.assertFalse(os.path.exists(export))
        self.assertEqual(self.json("db", "check")[0]["integrity"], "ok")
        self.ok("db", "backup", backup)

    def test_batch_file_refusals(self):
        missing = os.path.join(self.dir, "nope.jsonl")
        self.assertRefusedBoth(["batch", missing], 66, f"cannot read {missing}")
        self.assertRefusedBoth(["batch", self.dir], 66, "it is a directory")
        self.assertRefusedBoth(["batch", "--keep-going", "--bogus"], 64, "--bogus")


if __name__ == "__main__":
    unittest.main()
