"""pom db copy: a whole company moved between SQLite and PostgreSQL, read back the same by every
command, checked table by table; into an empty database only; interrupted, the target is left empty.

The company is the one examples/demo builds (plus a photo). The tests start their own throwaway
PostgreSQL cluster (tests/pg/cluster) and stop it at the end, also when a test fails."""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

from pomtest import ENGINE, POM, SCHEMAS, SOURCE

PG_BIN = os.environ.get("POM_PG_BIN", "/usr/lib/postgresql/15/bin")
CLUSTER = os.path.join(SOURCE, "tests", "pg", "cluster")
DEMO = os.path.join(SOURCE, "examples", "demo")
NOW = "2026-11-23T18:00:00"  # the evening of the demo's day
PHOTO = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")

# Commands whose output must be the same, byte for byte, from the source and from its copy.
READS = [
    ["customer", "list", "-o", "json"],
    ["customer", "show", "BW-1001", "-o", "json"],
    ["customer", "timeline", "BW-1001", "-o", "json"],
    ["pool", "list", "-o", "json"],
    ["worker", "list", "-o", "json"],
    ["appt", "list", "--from", "2026-11-01", "--to", "2027-02-01"],
    ["appt", "list", "--from", "2026-11-01", "--to", "2027-02-01", "-o", "json"],
    ["appt", "series", "list", "-o", "json"],
    ["appt", "show", "1", "-o", "json"],
    ["service", "show", "1", "-o", "json"],
    ["inventory", "list", "-o", "json"],
    ["notify", "list", "-o", "json"],
    ["bill", "list", "-o", "json"],
    ["bill", "show", "INV-000001", "-o", "json"],
    ["bill", "batches", "-o", "json"],
    ["bill", "aging", "-o", "json"],
    ["bill", "lines", "-o", "json"],
    ["quote", "list", "-o", "json"],
    ["ticket", "list", "-o", "json"],
    ["callback", "list", "-o", "json"],
    ["note", "list", "-o", "json"],
    ["tag", "history", "Priya Natarajan", "-o", "json"],
    ["log", "--limit", "100000", "-o", "json"],
    ["db", "check", "--fields", "integrity,foreign_keys,schema_version"],
]
# And between two SQLite files: note search's snippets are close to FTS5's on PostgreSQL, not equal.
FILE_READS = READS + [["note", "search", "salt", "-o", "json"]]


def pg_installed():
    return os.path.exists(os.path.join(PG_BIN, "initdb")) and shutil.which("psql") is not None


@unittest.skipUnless(pg_installed(), "PostgreSQL 15 is not installed")
@unittest.skipIf(ENGINE == "postgresql", "copies between both engines itself: runs once, in the SQLite run")
class DbCopyTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pom-copy-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.cluster = tempfile.mkdtemp(prefix="pom-pg-")
        # Registered before the start: a start that fails half-way is stopped too.
        cls.addClassCleanup(subprocess.run, [CLUSTER, "stop", cls.cluster], capture_output=True, timeout=120)
        cls.base = subprocess.run([CLUSTER, "start", cls.cluster], check=True, capture_output=True, text=True,
                                  timeout=120).stdout.strip()
        cls.databases = 0
        # The demo's company, with a photo on a new service ticket.
        cls.demo_dir = os.path.join(cls.tmp, "demo")
        os.mkdir(cls.demo_dir)
        env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(POM)) + os.pathsep + os.environ.get("PATH", ""),
                   POM_DEMO_DIR=cls.demo_dir)
        env.pop("POM_DB", None)
        subprocess.run([DEMO], check=True, capture_output=True, env=env, timeout=600)
        cls.company = os.path.join(cls.demo_dir, "pom.db")
        cls.config = os.path.join(cls.demo_dir, "pom.toml")
        photo = os.path.join(cls.tmp, "filter.png")
        with open(photo, "wb") as f:
            f.write(PHOTO)
        ticket = cls.run_pom(cls.company, "service", "new", "--customer", "BW-1002", "--worker", "Tom", "-o", "id")
        cls.run_pom(cls.company, "service", "photo", ticket.strip(), photo, "--caption", "Filter before")

    # -- helpers -------------------------------------------------------------------------------

    @classmethod
    def env(cls, db, config=None, home=None):
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home or cls.tmp, "LANG": "C.UTF-8",
                "POM_DB": db, "POM_CONFIG": config or cls.config, "POM_NOW": NOW, "POM_USER": "dana"}

    @classmethod
    def run_pom(cls, db, *args, check=True, config=None, home=None):
        p = subprocess.run([POM, *args], capture_output=True, text=True, env=cls.env(db, config, home), timeout=600)
        if check and p.returncode != 0:
            raise AssertionError(f"pom {' '.join(args)} (db {db}): exit {p.returncode}: {p.stderr}")
        return p.stdout if check else p

    def new_pg(self, password=None):
        """A new, empty PostgreSQL database on the cluster: its URI."""
        type(self).databases += 1
        name = f"copy{type(self).databases}"
        self.psql(self.base, f"CREATE DATABASE {name}")
        uri = self.base.replace("/postgres?", f"/{name}?", 1)
        return uri + (f"&password={password}" if password else "")

    def new_file(self, name):
        folder = tempfile.mkdtemp(dir=self.tmp)
        return os.path.join(folder, name)

    def psql(self, uri, sql):
        return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", uri], input=sql, capture_output=True,
                              text=True, check=True, timeout=60).stdout.strip()

    def copy(self, source, target, *extra, config=None):
        """Runs `pom db copy` and checks its records: every table the same on both sides."""
        p = self.run_pom(source, "db", "copy", "--to", target, "-o", "json", *extra, check=False, config=config)
        self.assertEqual(p.returncode, 0, p.stderr)
        records = json.loads(p.stdout)
        self.validate(records)
        self.assertTrue(all(r["same"] for r in records), records)
        return records

    def validate(self, records):
        import jsonschema

        with open(os.path.join(SCHEMAS, "db-copy.json")) as f:
            schema = json.load(f)
        self.assertTrue(records)
        for r in records:
            jsonschema.validate(r, schema)

    def reads(self, db, commands):
        return {" ".join(args): self.run_pom(db, *args) for args in commands}

    def assertSameReads(self, a, b):
        commands = READS if "://" in a + b else FILE_READS
        left, right = self.reads(a, commands), self.reads(b, commands)
        for command in left:
            self.assertEqual(left[command], right[command], f"pom {command} differs between {a} and {b}")

    def structure(self, uri):
        """Constraints and user triggers (with their enabled state) of a PostgreSQL database."""
        return self.psql(uri, "SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) "
                              "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace "
                              "UNION ALL SELECT tgrelid::regclass || ' ' || tgname || ' ' || tgenabled::text "
                              "FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1")

    def assertSchemaAsMade(self, uri):
        """The same constraints and triggers, all enabled, as a database `pom init` made."""
        fresh = self.new_pg()
        self.run_pom(fresh, "init")
        self.assertEqual(self.structure(uri), self.structure(fresh))

    def table_rows(self, db):
        stats = json.loads(self.run_pom(db, "db", "stats", "-o", "json"))[0]
        # Not pom's rows: the schema version (PostgreSQL) and the note search index of each engine.
        return {t["table"]: t["rows"] for t in stats["tables"] if t["table"] != "pom_meta" and not t["table"].startswith("note_fts")}

    def assertEmptyCompany(self, db):
        """Only what `pom init` makes: the two number series and no other row."""
        rows = self.table_rows(db)
        self.assertEqual({t: n for t, n in rows.items() if n}, {"number_series": 2}, f"{db} is not empty")

    def wait_for(self, what, condition, timeout=60):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                self.fail(f"gave up waiting for {what}")
            time.sleep(0.05)

    # -- tests ---------------------------------------------------------------------------------

    def test_sqlite_to_postgresql_and_back_reads_the_same(self):
        pg = self.new_pg()
        records = self.copy(self.company, pg)
        by_table = {r["table"]: r for r in records}
        self.assertGreater(by_table["audit_log"]["rows"], 50)
        self.assertEqual(by_table["number_series"]["rows"], 2)
        self.assertNotIn("note_fts", by_table)
        self.assertSameReads(self.company, pg)
        self.assertEqual(self.table_rows(self.company), self.table_rows(pg))
        self.assertSchemaAsMade(pg)  # foreign keys and triggers set aside for the load are back
        # PostgreSQL rebuilt its note search index from the copied notes: the same hits.
        hits = [{k: v for k, v in h.items() if k != "snippet"}
                for h in json.loads(self.run_pom(pg, "note", "search", "salt", "-o", "json"))]
        self.assertEqual(hits, [{k: v for k, v in h.items() if k != "snippet"}
                                for h in json.loads(self.run_pom(self.company, "note", "search", "salt", "-o", "json"))])
        self.assertEqual(len(hits), 1)

        back = self.new_file("back.db")
        again = self.copy(pg, back)
        # The same checksums on every engine: the round trip ends where it began.
        self.assertEqual([(r["table"], r["rows"], r["sha256"]) for r in again],
                         [(r["table"], r["rows"], r["sha256"]) for r in records])
        self.assertSameReads(self.company, back)  # note search too: SQLite rebuilt its index

        # Each copy goes on from where the company was: the next ids and invoice numbers.
        for db in (self.company + ".next", pg, back):
            if db.endswith(".next"):
                shutil.copy(self.company, db)
            self.run_pom(db, "bill", "extra", "add", "--customer", "BW-1002", "--description", "Filter clean", "--amount", "45.00")
        outs = [self.run_pom(db, "bill", "run", "--period", "2026-12", "--issue", "-o", "json")
                for db in (self.company + ".next", pg, back)]
        self.assertEqual(outs[0], outs[1])
        self.assertEqual(outs[0], outs[2])
        self.assertIn("INV-000003", outs[0])

    def test_postgresql_to_postgresql_and_sqlite_to_sqlite(self):
        first, second = self.new_pg(), self.new_pg()
        self.copy(self.company, first)
        self.copy(first, second)
        self.assertSameReads(self.company, second)
        copy = self.new_file("copy.db")
        self.copy(self.company, copy)
        self.assertSameReads(self.company, copy)

    def test_tables_longer_than_a_page(self):
        # A copy reads 10,000 rows at a time, each page after the last key read: a checklist of
        # 25,000 items (a two-column key, text second) and readings with awkward reals and texts.
        big = self.new_file("big.db")
        shutil.copy(self.company, big)
        con = sqlite3.connect(big)
        con.executemany("INSERT INTO service_check (service_id, position, item, required, photo_required, done_at) "
                        "VALUES (?, ?, ?, 0, 0, ?)",
                        [(1 + i % 2, 100 + i, f"Item {i:05d} \\ tab\there\nnext line ü", None if i % 3 else "2026-11-23T15:00:00Z")
                         for i in range(25000)])
        con.executemany("INSERT INTO reading (service_id, taken_at, ph, fc, flags) VALUES (1, ?, ?, ?, '[]')",
                        [(f"2026-11-23T15:{i % 60:02d}:00Z", 7 + i / 10007, 0.1 * i) for i in range(12000)])
        con.commit()
        con.close()
        pg = self.new_pg()
        there = self.copy(big, pg)
        back = self.new_file("big-back.db")
        again = self.copy(pg, back)
        self.assertEqual([(r["table"], r["rows"], r["sha256"]) for r in again],
                         [(r["table"], r["rows"], r["sha256"]) for r in there])
        rows = {r["table"]: r["rows"] for r in there}
        self.assertEqual(rows["service_check"], 25012)
        self.assertEqual(rows["reading"], 12001)
        self.assertEqual(self.run_pom(big, "service", "show", "1", "-o", "json"), self.run_pom(pg, "service", "show", "1", "-o", "json"))

    def test_a_target_with_rows_is_refused_and_left_as_it_was(self):
        pg = self.new_pg()
        self.copy(self.company, pg)
        dump = self.psql(pg, "SELECT count(*) FROM audit_log; SELECT max(id) FROM customer")
        p = self.run_pom(self.company, "db", "copy", "--to", pg, check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("already holds a company", p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertEqual(self.psql(pg, "SELECT count(*) FROM audit_log; SELECT max(id) FROM customer"), dump)

        small = self.new_file("small.db")
        self.run_pom(small, "init")
        self.run_pom(small, "customer", "add", "--name", "Somebody")
        before = "\n".join(sqlite3.connect(small).iterdump())
        p = self.run_pom(self.company, "db", "copy", "--to", small, check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("already holds a company (rows: audit_log 1, customer 1", p.stderr)
        self.assertEqual("\n".join(sqlite3.connect(small).iterdump()), before)

        p = self.run_pom(self.company, "db", "copy", "--to", self.company, check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("the same database", p.stderr)

    def test_a_database_made_by_init_is_empty_enough(self):
        pg = self.new_pg()
        self.run_pom(pg, "init")
        self.copy(self.company, pg)
        self.assertSameReads(self.company, pg)

    def test_photo_files_go_to_the_targets_photos_folder(self):
        target = self.new_file("photos.db")
        p = self.run_pom(self.company, "db", "copy", "--to", target, check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        folder = os.path.join(os.path.dirname(target), "photos")
        self.assertIn(f"photos: 1 of 1 files copied to {folder}", p.stderr)
        stored = [os.path.join(d, f) for d, _, files in os.walk(folder) for f in files]
        self.assertEqual(len(stored), 1)
        with open(stored[0], "rb") as f:
            self.assertEqual(f.read(), PHOTO)
        # The report that embeds the photo reads it from the copy's own folder.
        ticket = self.run_pom(target, "service", "list", "--status", "open", "-o", "id").split()[-1]
        self.assertEqual(self.run_pom(target, "service", "report", ticket, "--format", "html"),
                         self.run_pom(self.company, "service", "report", ticket, "--format", "html"))

        # A PostgreSQL company keeps its photos in $XDG_DATA_HOME/pom/photos on this machine.
        home = tempfile.mkdtemp(dir=self.tmp)
        pg = self.new_pg()
        p = self.run_pom(self.company, "db", "copy", "--to", pg, check=False, home=home)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"photos: 1 of 1 files copied to {home}/.local/share/pom/photos\n", p.stderr)
        self.assertEqual(self.run_pom(pg, "service", "report", ticket, "--format", "html", home=home),
                         self.run_pom(self.company, "service", "report", ticket, "--format", "html"))
        # Copied again (into another database), the files are there already.
        p = self.run_pom(self.company, "db", "copy", "--to", self.new_pg(), check=False, home=home)
        self.assertIn(f"photos: 0 of 1 files copied to {home}/.local/share/pom/photos, 1 there already", p.stderr)

    def test_table_output_and_no_password_anywhere(self):
        pg = self.new_pg(password="s3cret-pw")
        p = self.run_pom(self.company, "db", "copy", "--to", pg, check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("s3cret-pw", p.stdout + p.stderr)
        self.assertRegex(p.stdout.splitlines()[0], r"^TABLE +ROWS +TARGET ROWS +SAME +SHA256$")
        self.assertIn("every table has the same rows and checksum in both", p.stderr)
        again = self.run_pom(self.company, "db", "copy", "--to", pg, check=False)
        self.assertEqual(again.returncode, 1)
        self.assertNotIn("s3cret-pw", again.stdout + again.stderr)

    def test_dry_run_reads_the_source_only(self):
        target = self.new_file("never.db")
        p = self.run_pom(self.company, "db", "copy", "--to", target, "--dry-run", "-o", "json", check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        records = json.loads(p.stdout)
        self.validate(records)
        self.assertTrue(all(r["target_rows"] is None and r["same"] is None for r in records))
        self.assertFalse(os.path.exists(target))

    def test_backup_on_postgresql_is_a_checked_sqlite_file(self):
        pg = self.new_pg()
        self.copy(self.company, pg)
        backup = self.new_file("backup.db")
        out = json.loads(self.run_pom(pg, "db", "backup", backup, "-o", "json"))
        self.assertEqual(out[0]["path"], backup)
        self.assertEqual(out[0]["bytes"], os.path.getsize(backup))
        self.assertEqual(oct(os.stat(backup).st_mode & 0o777), "0o600")
        self.assertSameReads(self.company, backup)
        p = self.run_pom(pg, "db", "backup", backup, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("already exists", p.stderr)

    def slow_config(self):
        """The demo's config with a long busy timeout: a copy waits for a lock instead of failing."""
        path = os.path.join(self.tmp, "slow.toml")
        with open(self.config) as f:
            text = f.read().replace("busy_timeout_ms = 5000", "busy_timeout_ms = 120000")
        with open(path, "w") as f:
            f.write(text)
        return path

    def locker(self, uri, sql):
        """A psql session that holds a lock until ended; started once the lock is taken."""
        p = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", uri], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        p.stdin.write(f"BEGIN;\n{sql};\nSELECT 'locked';\n")
        p.stdin.flush()
        self.assertEqual(p.stdout.readline().strip(), "locked")
        self.addCleanup(lambda: p.poll() is None and p.kill())
        return p

    def waiting_pid(self, uri):
        """The pid of the backend of `uri`'s database that waits for a lock, or None."""
        name = uri.split("?")[0].rsplit("/", 1)[1]
        out = self.psql(self.base, f"SELECT pid FROM pg_stat_activity WHERE datname = '{name}' AND wait_event_type = 'Lock'")
        return int(out) if out else None

    def held_locks(self, backend, mode):
        """The tables a backend holds a lock of this mode on."""
        name = self.psql(self.base, f"SELECT datname FROM pg_stat_activity WHERE pid = {backend}")
        uri = self.base.replace("/postgres?", f"/{name}?", 1)
        return self.psql(uri, "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_locks l "
                              f"JOIN pg_class c ON c.oid = l.relation WHERE l.pid = {backend} AND l.granted "
                              f"AND l.mode = '{mode}'").split(",")

    def test_interrupted_copy_to_postgresql_leaves_it_empty(self):
        pg = self.new_pg()
        self.run_pom(pg, "init")
        # A late table of the copy is locked by another session: the copy waits there, half-way.
        lock = self.locker(pg, "LOCK TABLE note IN ROW EXCLUSIVE MODE")
        copy = subprocess.Popen([POM, "db", "copy", "--to", pg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=self.env(self.company, self.slow_config()))
        self.addCleanup(lambda: copy.poll() is None and copy.kill())
        self.wait_for("the copy to wait for note's lock", lambda: self.waiting_pid(pg))
        backend = self.waiting_pid(pg)
        # By then it has written the tables before note: it holds their locks.
        held = self.held_locks(backend, "ShareRowExclusiveLock")
        self.assertIn("appointment", held)
        self.assertIn("customer", held)
        copy.send_signal(signal.SIGKILL)
        copy.wait(timeout=30)
        lock.communicate("ROLLBACK;\n", timeout=30)
        self.wait_for("the copy's backend to end",
                      lambda: not self.psql(self.base, f"SELECT 1 FROM pg_stat_activity WHERE pid = {backend}"))
        self.assertEmptyCompany(pg)
        self.assertSchemaAsMade(pg)
        # Nothing half-written stands in the way of the copy made again.
        self.copy(self.company, pg)
        self.assertSameReads(self.company, pg)

    def test_interrupted_copy_to_a_file_leaves_it_empty(self):
        pg = self.new_pg()
        self.copy(self.company, pg)
        target = self.new_file("cut.db")
        # The source's note table is locked: the copy stops there, the earlier tables written.
        lock = self.locker(pg, "LOCK TABLE note IN ACCESS EXCLUSIVE MODE")
        copy = subprocess.Popen([POM, "db", "copy", "--to", target], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=self.env(pg, self.slow_config()))
        self.addCleanup(lambda: copy.poll() is None and copy.kill())
        self.wait_for("the copy to wait for note's lock", lambda: self.waiting_pid(pg))
        # By then it has read (and written into the target's transaction) the tables before note.
        held = self.held_locks(self.waiting_pid(pg), "AccessShareLock")
        self.assertIn("appointment", held)
        self.assertIn("customer", held)
        copy.send_signal(signal.SIGKILL)
        copy.wait(timeout=30)
        lock.communicate("ROLLBACK;\n", timeout=30)
        self.assertEmptyCompany(target)
        self.copy(pg, target)
        self.assertSameReads(self.company, target)


if __name__ == "__main__":
    unittest.main()
