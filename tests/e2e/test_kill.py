"""Kill safety (issue 23): the main write paths, killed just before each of their writes in turn
(tests/kill/shim.cpp, an LD_PRELOAD shim that sends SIGKILL before the N-th write, pwrite, fsync
or send), leave the database exactly as before or exactly as after, and running the command again
reaches exactly the clean result. On PostgreSQL the client dies mid-transaction."""
import hashlib
import os
import shutil
import sqlite3
import subprocess
import unittest

from apptbase import Company
from pomtest import ENGINE, POM, SOURCE, pg_base, psql

SHIM = os.environ.get("POM_KILL_SHIM")
# Kill points per command: every write on SQLite (a run takes milliseconds); on PostgreSQL, where
# each point restores a database from its template, this many spread over all of them.
KILLS_PER_COMMAND = 200 if ENGINE == "sqlite" else 14


@unittest.skipUnless(SHIM and os.path.exists(SHIM), "the kill shim is not built (tests/kill)")
class KillSafety(Company):
    def setUp(self):
        super().setUp()
        self.ok("pool", "edit", "1", "--gallons", "15000")
        self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        self.ok("service", "start", "1")
        self.ok("service", "reading", "1", "--fc", "2", "--ph", "7.5")
        self.ok("service", "dose", "1", "--chemical", "liquid chlorine", "--amount", "1", "--unit", "gal")
        self.ok("service", "check", "1", "--all")
        self.ok("bill", "extra", "add", "--customer", "Bob Smith", "--description", "Filter cartridge", "--amount", "89.00")
        self.ok("bill", "extra", "add", "--customer", "Cara Diaz", "--description", "Salt cell clean", "--amount", "65.00")
        self.snapshot()

    # -- the database: snapshot, digest, restore ---------------------------------------------------

    def snapshot(self):
        if ENGINE == "sqlite":
            con = sqlite3.connect(self.db)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
            self.snap = os.path.join(self.dir, "snap.db")
            shutil.copyfile(self.db, self.snap)
        else:
            self.db_name = self.db.split("///", 1)[1].split("?", 1)[0]
            self.snap = self.db_name + "_kill"
            psql(pg_base(), f"CREATE DATABASE {self.snap} TEMPLATE {self.db_name}")
            tables = psql(self.db, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                   "ORDER BY tablename").stdout.split()
            parts = [f"SELECT '{t}:' || coalesce((SELECT md5(string_agg(r::text, ',' ORDER BY r::text)) FROM {t} r), '')"
                     for t in tables]
            self.digest_sql = "SELECT md5(string_agg(x, '|')) FROM (" + " UNION ALL ".join(parts) + ") s(x)"

    def restore(self):
        if ENGINE == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self.db + suffix):
                    os.remove(self.db + suffix)
            shutil.copyfile(self.snap, self.db)
        else:
            psql(pg_base(), f"DROP DATABASE {self.db_name} WITH (FORCE)")
            psql(pg_base(), f"CREATE DATABASE {self.db_name} TEMPLATE {self.snap}")

    def digest(self):
        if ENGINE == "sqlite":
            con = sqlite3.connect(self.db)
            try:
                return hashlib.sha256("\n".join(sorted(con.iterdump())).encode()).hexdigest()
            finally:
                con.close()
        return psql(self.db, self.digest_sql).stdout.strip()

    def tearDown(self):
        if ENGINE == "postgresql":
            psql(pg_base(), f"DROP DATABASE IF EXISTS {self.snap} WITH (FORCE)", check=False)
        super().tearDown()

    # -- the property ------------------------------------------------------------------------------

    def run_pom(self, args, kill_at=None, count_file=None):
        env = dict(self.env, LD_PRELOAD=SHIM)
        if kill_at:
            env["POM_KILL_AT"] = str(kill_at)
        if count_file:
            env["POM_KILL_COUNT_FILE"] = count_file
        return subprocess.run([POM, *args], env=env, capture_output=True, text=True, timeout=120)

    def assertKillSafe(self, args, rerun_ok_codes):
        before = self.digest()
        count_file = os.path.join(self.dir, "writes")
        r = self.run_pom(args, count_file=count_file)
        self.assertEqual(r.returncode, 0, r.stderr)
        after = self.digest()
        self.assertNotEqual(before, after, "the command changed nothing")
        with open(count_file) as f:
            writes = int(f.read())
        self.assertGreater(writes, 1)
        if writes <= KILLS_PER_COMMAND:
            points = list(range(1, writes + 1))
        else:
            points = sorted({1 + (writes - 1) * i // (KILLS_PER_COMMAND - 1) for i in range(KILLS_PER_COMMAND)})
        seen = {"before": 0, "after": 0}
        for n in points:
            self.restore()
            r = self.run_pom(args, kill_at=n)
            self.assertEqual(r.returncode, -9, f"{args} was not killed at write {n} of {writes}: {r.stderr}")
            state = self.digest()
            self.assertIn(state, (before, after), f"{args} killed before write {n} of {writes} left a third state")
            seen["before" if state == before else "after"] += 1
            # Run again, as cron or the person would: the clean result, exactly.
            r = self.pom(*args)
            self.assertIn(r.code, rerun_ok_codes if state == after else (0,), f"{args} again after kill {n}: {r}")
            self.assertEqual(self.digest(), after, f"{args} run again after a kill before write {n} differs")
        print(f"\n{' '.join(args)}: {writes} writes, killed before {len(points)} of them: "
              f"{seen['before']} left it as before, {seen['after']} as after ({ENGINE})", flush=True)
        self.assertGreater(seen["before"], 0)
        self.restore()

    def test_service_submit(self):
        # Run again after it committed, a submit is refused (the ticket is submitted): exit 1.
        self.assertKillSafe(["service", "submit", "1"], rerun_ok_codes=(1,))

    def test_bill_run_issue(self):
        self.assertKillSafe(["bill", "run", "--period", "2026-11", "--issue"], rerun_ok_codes=(0,))

    def test_customer_import(self):
        self.assertKillSafe(["customer", "import", os.path.join(SOURCE, "examples", "customers.csv")], rerun_ok_codes=(0,))
