"""examples/ work together as shipped: the crontab's jobs, with the example config, run the way cron
runs them (its environment, sh, % unescaped), twice over. Every job succeeds; a job that has
nothing to do prints nothing (cron mails every line); the dated backup can run twice a day."""
import datetime
import json
import os
import re
import shutil
import sqlite3
import subprocess

from pomtest import ENGINE, POM, SOURCE, PomTest

EXAMPLES = os.path.join(SOURCE, "examples")


class Crontab(PomTest):
    def setUp(self):
        super().setUp()
        self.srv = os.path.join(self.dir, "srv", "pool")  # stands for /srv/pool
        os.makedirs(os.path.join(self.srv, "backups"))
        with open(os.path.join(EXAMPLES, "pom.toml")) as f:
            config = f.read()
        self.assertIn('\ndb = "pom.db"\n', config, "the example config names the database cron uses")
        if ENGINE == "postgresql":
            config = config.replace('\ndb = "pom.db"\n', f'\ndb = "{self.db}"\n')
        with open(os.path.join(self.srv, "pom.toml"), "w") as f:
            f.write(config)
        self.cron_env = {"HOME": self.dir, "LANG": "C.UTF-8", "POM_NOW": "2026-11-23T08:00:00"}
        self.jobs = []
        with open(os.path.join(EXAMPLES, "crontab")) as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                m = re.match(r"^([A-Z_]+)=(.*)$", line)
                if m:
                    self.cron_env[m.group(1)] = m.group(2)
                    continue
                fields = line.split(None, 5)
                self.assertEqual(len(fields), 6, line)
                # cron turns \% into % (a bare % would end the command); /srv/pool is this test's folder.
                self.jobs.append(fields[5].replace("\\%", "%").replace("/srv/pool", self.srv))
        self.cron_env["PATH"] = os.path.dirname(os.path.abspath(POM)) + ":" + self.cron_env["PATH"]
        self.cron_env["POM_CONFIG"] = self.cron_env["POM_CONFIG"].replace("/srv/pool", self.srv)
        self.assertGreaterEqual(len(self.jobs), 6)
        # The company: set up by hand as the README says (init, a crew, a recurring customer).
        env = {"POM_DB": None, "POM_CONFIG": self.cron_env["POM_CONFIG"]}
        if ENGINE == "sqlite":
            self.ok("init", env=env)
        self.ok("worker", "add", "--name", "Maria Lopez", env=env)
        self.ok("customer", "add", "--name", "Ana Ortiz", "--email", "ana@example.com", env=env)
        self.ok("pool", "add", "--customer", "Ana Ortiz", env=env)
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--repeat", "weekly", "--worker", "Maria Lopez", env=env)

    def run_job(self, job):
        return subprocess.run([shutil.which("sh") or "/bin/sh", "-c", job], env=self.cron_env, capture_output=True,
                              text=True, timeout=120)

    def test_every_job_succeeds_and_a_job_with_nothing_to_do_prints_nothing(self):
        for n in (1, 2):
            for job in self.jobs:
                r = self.run_job(job)
                self.assertEqual(r.returncode, 0, f"pass {n}: {job}: {r.stderr}")
                self.assertEqual((r.stdout, r.stderr), ("", ""), f"pass {n}: {job} printed something")
        # The jobs did their work: visits expanded, one backup of today, whole and private.
        db_env = {"POM_DB": None, "POM_CONFIG": self.cron_env["POM_CONFIG"]}
        self.assertGreater(len(self.json("appt", "list", "--from", "today", "--to", "+8w", env=db_env)), 5)
        backups = os.listdir(os.path.join(self.srv, "backups"))
        self.assertEqual(backups, [f"pom-{datetime.date.today().isoformat()}.db"])
        path = os.path.join(self.srv, "backups", backups[0])
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        con = sqlite3.connect(path)
        try:
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            self.assertEqual(con.execute("SELECT name FROM customer").fetchall(), [("Ana Ortiz",)])
        finally:
            con.close()

    def test_quiet_drops_the_summary_line_never_the_output_or_an_error(self):
        r = self.pom("appt", "expand", "--through", "+2w", "-o", "id")
        self.assertEqual(r.code, 0, r)
        self.assertRegex(r.err, r"^created \d+ visits through ")
        r = self.pom("-q", "appt", "expand", "--through", "+3w", "-o", "id")
        self.assertEqual((r.code, r.out, r.err), (0, "", ""), r)
        r = self.pom("-q", "customer", "import", os.path.join(EXAMPLES, "customers.csv"), "-o", "json")
        self.assertEqual((r.code, r.err), (0, ""), r)
        self.assertGreater(len(json.loads(r.out)), 0)  # the output asked for is still printed
        r = self.pom("-q", "db", "backup", os.path.join(self.dir, "nowhere", "b.db"))
        self.assertEqual(r.code, 66, r)
        self.assertIn("does not exist", r.err)


class Backup(PomTest):
    def test_replace_swaps_in_a_whole_copy_and_without_it_an_existing_file_is_refused(self):
        self.ok("customer", "add", "--name", "Ann")
        dest = os.path.join(self.dir, "nightly.db")
        self.ok("db", "backup", dest)
        self.ok("customer", "add", "--name", "Bob")
        self.assertRefused(["db", "backup", dest], 1, "already exists; choose a new file, or give --replace")
        self.ok("db", "backup", dest, "--replace")
        con = sqlite3.connect(dest)
        try:
            self.assertEqual(sorted(r[0] for r in con.execute("SELECT name FROM customer")), ["Ann", "Bob"])
        finally:
            con.close()
        self.assertEqual(sorted(os.listdir(self.dir)), sorted(x for x in os.listdir(self.dir) if ".pom-partial-" not in x))
        self.assertRefused(["db", "backup", self.dir, "--replace"], 1, "is a folder")
