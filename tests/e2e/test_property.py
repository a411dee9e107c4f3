"""A property of the whole command tree (issue 23): every option and argument of every command,
fed bad values of every kind, gets a documented exit code, never 70 or a signal; a refusal is one
line on stderr and leaves the database exactly as it was.

The tree is read from pom itself (`--help` of every command, the same definition the completions
come from). Cases are drawn with a fixed seed; their number is printed."""
import hashlib
import os
import random
import re
import sqlite3
import subprocess

from apptbase import Company
from pomtest import ENGINE, POM, pg_base, psql

SEED = 23
CASES = int(os.environ.get("POM_PROPERTY_CASES", "360"))
DOCUMENTED = {0, 1, 64, 65, 66, 74, 75, 77, 78}
# Commands that do not end (serve), make databases (init, db copy), read stdin (batch) or print
# help rather than act.
SKIP = {"serve", "init", "batch", "db copy", "completion bash", "completion zsh", "completion fish", "help exit-codes",
        "help roles"}
BAD_TEXT = ["", " ", "\t", "-1", "0", "-0.0", "99999999999999999999", "1e400", "nan", "inf", "0x10", "abc",
            "2026-02-30", "24:61", "1,5", "--", "-x", "x" * 5000, "\u202eevil", "e\u0301", "🙂", "a\nb", "../../etc/passwd",
            "%s%n", "'; DROP TABLE customer; --", "null", "[]", "{}"]
BAD_BYTES = [b"\xff\xfe", b"abc\xc3"]
# Plausible values for what a command needs besides the one option under test.
GOOD = {
    "customer": "Ana Ortiz", "worker": "Maria Lopez", "owner": "Maria Lopez", "date": "today", "reason": "rain",
    "text": "note", "amount": "1", "unit": "gal", "chemical": "liquid chlorine", "name": "Zed", "period": "2026-11",
    "contact": "phone", "due": "tomorrow 15:00", "summary": "call back", "outcome": "done", "description": "work",
    "line": "Work|1|10.00", "category": "warranty", "severity": "high", "urgency": "high", "format": "csv",
    "kind": "call", "method": "check", "to": "+1d", "through": "+2w", "rule": "weekly", "start": "today",
    "until": "tomorrow 15:00", "older-than": "21d", "repeat": "weekly", "type": "maintenance", "qty": "1",
}


def command_tree():
    """(command path, [(option or positional name, type text, required)]) for every leaf."""
    def help_of(path):
        return subprocess.run([POM, *path, "--help"], capture_output=True, text=True, timeout=30).stdout

    leaves = []

    def walk(path):
        text = help_of(path)
        subs = []
        if "Subcommands:" in text:
            for line in text.split("Subcommands:", 1)[1].splitlines():
                m = re.match(r"^  ([a-z][a-z-]*)\s", line)
                if m:
                    subs.append(m.group(1))
        if subs:
            for s in subs:
                walk(path + [s])
            return
        args = []
        section = None
        for line in text.splitlines():
            if line.startswith("Positionals:"):
                section = "pos"
            elif line.startswith("Options:"):
                section = "opt"
            elif line and not line.startswith(" "):
                section = None
            m = re.match(r"^  (--[a-z][a-z-]*|[A-Z]+)(?: ([A-Z]+(?::\{[^}]*\}|:[^ ]+)?))?( \.\.\.)?( REQUIRED)?", line)
            if section and m and m.group(1) not in ("--help",):
                if any(a[0] == m.group(1) for a in args):
                    continue
                args.append((m.group(1), m.group(2) or "", bool(m.group(4))))
        leaves.append((" ".join(path), args))

    for top in re.findall(r"^  ([a-z][a-z-]*)\s", help_of([]).split("Subcommands:", 1)[1], re.M):
        walk([top])
    return leaves


class CommandTree(Company):
    def setUp(self):
        super().setUp()
        self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        self.ok("service", "start", "1")
        self.ok("bill", "extra", "add", "--customer", "Ana Ortiz", "--description", "Filter", "--amount", "10.00")
        self.snapshot()

    # -- the database: a digest of every row, and a way back to the start -------------------------

    def snapshot(self):
        if ENGINE == "sqlite":
            self.snap = os.path.join(self.dir, "snap.db")
            src, dst = sqlite3.connect(self.db), sqlite3.connect(self.snap)
            src.backup(dst)
            src.close()
            dst.close()
        else:
            self.db_name = self.db.split("///", 1)[1].split("?", 1)[0]
            self.snap = self.db_name + "_snap"
            psql(pg_base(), f"CREATE DATABASE {self.snap} TEMPLATE {self.db_name}")
            tables = psql(self.db, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                   "ORDER BY tablename").stdout.split()
            parts = [f"SELECT '{t}:' || coalesce((SELECT md5(string_agg(r::text, ',' ORDER BY r::text)) FROM {t} r), '')"
                     for t in tables]
            self.digest_sql = "SELECT md5(string_agg(x, '|')) FROM (" + " UNION ALL ".join(parts) + ") s(x)"
        self.base_digest = self.digest()

    def digest(self):
        if ENGINE == "sqlite":
            con = sqlite3.connect(self.db)
            try:
                return hashlib.sha256("\n".join(sorted(con.iterdump())).encode()).hexdigest()
            finally:
                con.close()
        return psql(self.db, self.digest_sql).stdout.strip()

    def restore(self):
        if ENGINE == "sqlite":
            src, dst = sqlite3.connect(self.snap), sqlite3.connect(self.db)
            src.backup(dst)
            src.close()
            dst.close()
        else:
            psql(pg_base(), f"DROP DATABASE {self.db_name} WITH (FORCE)")
            psql(pg_base(), f"CREATE DATABASE {self.db_name} TEMPLATE {self.snap}")

    def tearDown(self):
        if ENGINE == "postgresql":
            psql(pg_base(), f"DROP DATABASE IF EXISTS {self.snap} WITH (FORCE)", check=False)
        super().tearDown()

    # -- the property ------------------------------------------------------------------------------

    def test_bad_values_everywhere_get_a_documented_code_and_change_nothing(self):
        rng = random.Random(SEED)
        cases = []
        for command, args in command_tree():
            if command in SKIP:
                continue
            for name, type_text, _ in args:
                for bad in rng.sample(BAD_TEXT, 3) + [rng.choice(BAD_BYTES)]:
                    cases.append((command, args, name, bad))
        self.assertGreater(len(cases), 500, "the command tree was not read")
        chosen = rng.sample(cases, min(CASES, len(cases)))
        print(f"\n{len(chosen)} cases of {len(cases)} (seed {SEED}), {ENGINE}", flush=True)
        failures = []
        for command, args, name, bad in chosen:
            argv = command.split()
            positionals = []
            for other, type_text, required in args:
                value = bad if other == name else None
                if value is None and required:
                    value = GOOD.get(other.lstrip("-").lower(), "1")
                    if type_text.startswith("TEXT:{"):
                        value = type_text[6:].split(",")[0].rstrip("}")
                if value is None:
                    continue
                if other.startswith("--"):
                    argv.append(other.encode() + b"=" + value if isinstance(value, bytes) else f"{other}={value}")
                else:
                    positionals.append(value)
            argv += ["--"] + positionals if positionals else []
            argv = [a if isinstance(a, bytes) else a.encode() for a in argv]
            r = subprocess.run([POM.encode(), *argv], capture_output=True, env={k.encode(): v.encode() for k, v in self.env.items()},
                               cwd=self.dir, timeout=60, stdin=subprocess.DEVNULL)
            err = r.stderr.decode("utf-8", "replace")
            shown = b" ".join(argv)[:200]
            if r.returncode < 0 or r.returncode not in DOCUMENTED:
                failures.append(f"{shown!r}: exit {r.returncode}: {err[:300]}")
                self.restore()
                continue
            if r.returncode == 0:
                self.restore()  # a value that was not bad for this option: start again from the company
                continue
            lines = err.strip().splitlines()
            if len(lines) != 1 or not lines[0].startswith("pom: error: ") or r.stdout:
                failures.append(f"{shown!r}: not one error line: {err[:300]!r} stdout {r.stdout[:100]!r}")
            if self.digest() != self.base_digest:
                failures.append(f"{shown!r}: exit {r.returncode} but the database changed")
                self.restore()
        self.assertEqual(failures, [], "\n".join(failures[:20]))
