"""The store: init, where the database lives, newer and foreign files, locking, concurrency,
db check|backup|stats, and the audit log (pom log)."""
import hashlib
import json
import os
import pwd
import sqlite3
import stat
import subprocess
import time
import unittest

from pomtest import ENGINE, POM, PomTest, WriteLock, sqlite_only


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@sqlite_only("a SQLite file's creation, mode and folders; tests/e2e/test_pg.py has PostgreSQL's")
class Init(PomTest):
    init_db = False

    def test_init_creates_a_private_wal_database(self):
        r = self.json("init")
        self.validate("init-result", r)
        self.assertEqual(r[0], {"path": self.db, "created": True, "schema_version": r[0]["schema_version"], "migrated_from": None})
        self.assertGreaterEqual(r[0]["schema_version"], 1)
        self.assertEqual(stat.S_IMODE(os.stat(self.db).st_mode), 0o600)
        con = sqlite3.connect(self.db)
        try:
            self.assertEqual(con.execute("PRAGMA journal_mode").fetchone()[0], "wal")
            self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0], r[0]["schema_version"])
        finally:
            con.close()
        # A second init changes nothing.
        before = self.dump()
        again = self.pom("init", "-o", "json")
        self.assertEqual(again.code, 0, again)
        self.assertEqual(again.json()[0]["created"], False)
        self.assertIsNone(again.json()[0]["migrated_from"])
        self.assertEqual(self.dump(), before)
        self.assertIn("already up to date", self.pom("init").err)

    def test_init_makes_missing_folders(self):
        path = os.path.join(self.dir, "a", "b", "company.db")
        self.assertEqual(self.json("--db", path, "init")[0]["path"], path)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)

    def test_init_dry_run_creates_nothing(self):
        r = self.json("init", "--dry-run")
        self.validate("init-result", r)
        self.assertTrue(r[0]["created"])
        self.assertFalse(os.path.exists(self.db))

    def test_other_commands_on_a_missing_database_say_how_to_create_one(self):
        for args in (["customer", "list"], ["customer", "add", "--name", "X"], ["log"], ["db", "check"],
                     ["db", "stats"], ["worker", "show", "1"]):
            with self.subTest(args=args):
                self.assertRefused(args, 66, f"no database at {self.db} (create one with: pom init --db {self.db})")
                self.assertFalse(os.path.exists(self.db))

    def test_an_empty_file_is_not_a_database_until_init(self):
        open(self.db, "w").close()
        os.chmod(self.db, 0o644)
        self.assertRefused(["customer", "list"], 66, "is an empty file, not a pom database (create one with: pom init")
        self.assertEqual(os.path.getsize(self.db), 0)
        self.ok("init")
        self.assertEqual(stat.S_IMODE(os.stat(self.db).st_mode), 0o600)
        self.assertEqual(self.json("customer", "list"), [])


@sqlite_only("where the database file is found (XDG); a URI is used as given")
class Location(PomTest):
    """--db > POM_DB > config db > $XDG_DATA_HOME/pom/pom.db > ~/.local/share/pom/pom.db"""
    init_db = False

    def where(self, *args, env=None):
        r = self.pom(*args, "init", "-o", "json", env=env)
        self.assertEqual(r.code, 0, r)
        path = r.json()[0]["path"]
        self.assertTrue(os.path.exists(path), path)
        return path

    def test_precedence(self):
        d = self.dir
        with open(self.config_path, "w") as f:
            f.write('db = "from-config.db"\ntimezone = "America/Phoenix"\n')
        xdg = {"XDG_DATA_HOME": os.path.join(d, "xdg")}
        self.assertEqual(self.where("--db", os.path.join(d, "flag.db"), env=xdg), os.path.join(d, "flag.db"))
        self.assertEqual(self.where(env=xdg), self.db)  # POM_DB
        self.assertEqual(self.where(env={**xdg, "POM_DB": None}), os.path.join(d, "from-config.db"))
        self.assertEqual(self.where(env={**xdg, "POM_DB": None, "POM_CONFIG": None}),
                         os.path.join(d, "xdg", "pom", "pom.db"))
        self.assertEqual(self.where(env={"POM_DB": None, "POM_CONFIG": None}),
                         os.path.join(d, ".local", "share", "pom", "pom.db"))
        # config show reports the same place without opening it.
        shown = self.json("config", "show", env={"POM_DB": None})
        self.validate("config", shown)
        self.assertEqual(shown[0]["database"], os.path.join(d, "from-config.db"))

    def test_xdg_config_home_is_where_the_config_is_found(self):
        cfg_dir = os.path.join(self.dir, "cfg", "pom")
        os.makedirs(cfg_dir)
        with open(os.path.join(cfg_dir, "pom.toml"), "w") as f:
            f.write('db = "xdg-config.db"\n')
        path = self.where(env={"POM_DB": None, "POM_CONFIG": None, "XDG_CONFIG_HOME": os.path.join(self.dir, "cfg")})
        self.assertEqual(path, os.path.join(cfg_dir, "xdg-config.db"))


@sqlite_only("files that are not databases, newer files, file permissions; test_pg.py has PostgreSQL's")
class Refusals(PomTest):
    def set_user_version(self, v):
        con = sqlite3.connect(self.db)
        con.execute(f"PRAGMA user_version = {v}")
        con.commit()
        con.close()

    def test_a_database_from_a_newer_pom_is_refused_untouched(self):
        self.ok("customer", "add", "--name", "Ann")
        self.set_user_version(999)
        before = digest(self.db)
        for args in (["customer", "list"], ["customer", "add", "--name", "Bob"], ["init"], ["db", "check"]):
            with self.subTest(args=args):
                self.assertRefused(args, 65, "has schema version 999, made by a newer pom")
                self.assertEqual(digest(self.db), before)
        r = self.pom("customer", "list", "-o", "json")
        self.assertIn('"code":"newer_database"', r.err)

    def test_a_file_that_is_not_a_pom_database_is_refused(self):
        text = os.path.join(self.dir, "notes.txt")
        with open(text, "w") as f:
            f.write("shopping list: chlorine, tabs, a new skimmer basket\n" * 100)
        other = os.path.join(self.dir, "other.db")
        con = sqlite3.connect(other)
        con.execute("CREATE TABLE recipe (name TEXT)")
        con.execute("INSERT INTO recipe VALUES ('salsa')")
        con.commit()
        con.close()
        for path in (text, other):
            before = digest(path)
            for args in (["customer", "list"], ["init"]):
                with self.subTest(path=path, args=args):
                    self.assertRefused(["--db", path, *args], 65, f"{path} is not a pom database")
                    self.assertEqual(digest(path), before)

    def test_a_directory_is_refused(self):
        self.assertRefused(["--db", self.dir, "customer", "list"], 74, "is a directory")

    def test_a_database_pom_may_not_open_is_permission_denied(self):
        self.ok("customer", "add", "--name", "Ann")
        before = digest(self.db)
        if os.geteuid() == 0:
            # root passes every permission check: run pom as another user, who may reach the
            # folder but not the owner's private (0600) database.
            os.chmod(self.dir, 0o755)
            nobody = pwd.getpwnam("nobody")

            def as_nobody():
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)

            run = lambda *args: subprocess.run([POM, *args], capture_output=True, text=True, env=self.env,
                                               preexec_fn=as_nobody, timeout=60)
        else:
            os.chmod(self.db, 0o000)
            run = lambda *args: subprocess.run([POM, *args], capture_output=True, text=True, env=self.env, timeout=60)
        for args in (["customer", "list"], ["customer", "add", "--name", "Bob"]):
            with self.subTest(args=args):
                r = run(*args)
                self.assertEqual(r.returncode, 77, r.stderr)
                self.assertEqual(r.stdout, "")
                self.assertEqual(r.stderr, f"pom: error: cannot open database {self.db}: permission denied\n")
        r = run("customer", "list", "-o", "json")
        self.assertIn('"code":"permission"', r.stderr)
        os.chmod(self.db, 0o600)
        self.assertEqual(digest(self.db), before)


@sqlite_only("a database file pom may not write; on PostgreSQL the server's grants decide")
class ReadOnly(PomTest):
    """A database pom may read but not write: a copy for the accountant (a 0444 file), or a backup
    on read-only media (neither the file nor its folder writable). Every read answers; a write
    exits 77 saying why; nothing is created beside the file, so its owner can write it later."""

    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann Smith", "--ref", "C-1", "--email", "ann@example.com")
        self.ok("worker", "add", "--name", "Maria", "--role", "technician")
        self.ok("pool", "add", "--customer", "C-1", "--gallons", "15000")
        self.ok("appt", "add", "--customer", "C-1", "--date", "today", "--worker", "Maria")
        self.reads = [["customer", "list"], ["customer", "show", "C-1"], ["appt", "list"], ["notify", "list"],
                      ["log"], ["bill", "list"], ["db", "stats"], ["config", "show"], ["customer", "timeline", "C-1"]]
        self.expected = {tuple(a): self.ok(*a, "-o", "json") for a in self.reads}
        self.out = os.path.join(self.dir, "out")
        os.mkdir(self.out)
        os.chmod(self.out, 0o777)

    def lock(self, media):
        """Makes the database readable only; with media, its folder too. Returns how to run pom."""
        os.chmod(self.dir, 0o755)
        if os.geteuid() == 0:
            # root may write anything: pom runs as nobody, who reads the 0644 file of root.
            nobody = pwd.getpwnam("nobody")
            if not media:
                os.chown(self.dir, nobody.pw_uid, -1)
                os.chown(self.db, nobody.pw_uid, -1)
                os.chmod(self.db, 0o444)
            else:
                os.chmod(self.db, 0o644)

            def as_nobody():
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)

            preexec = as_nobody
        else:
            os.chmod(self.db, 0o444)
            if media:
                os.chmod(self.dir, 0o555)
            preexec = None
        return lambda *args, input=None: subprocess.run([POM, *args], capture_output=True, text=True, env=self.env,
                                                        input=input, preexec_fn=preexec, timeout=60)

    def tearDown(self):
        os.chmod(self.dir, 0o755)
        super().tearDown()

    def check(self, media):
        before = digest(self.db)
        files = sorted(os.listdir(self.dir))
        run = self.lock(media)
        for args in self.reads:
            with self.subTest(args=args):
                r = run(*args, "-o", "json")
                self.assertEqual((r.returncode, r.stderr), (0, ""), args)
                self.assertEqual(r.stdout, self.expected[tuple(args)])
        r = run("db", "check")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("init")
        self.assertEqual((r.returncode, r.stderr), (0, "already up to date\n"))
        backup = os.path.join(self.out, "copy.db")
        r = run("db", "backup", backup)
        self.assertEqual(r.returncode, 0, r.stderr)
        for args in (["customer", "add", "--name", "Bob"], ["appt", "on-my-way", "1"], ["notify", "send"],
                     ["customer", "import", "-"]):
            with self.subTest(args=args):
                r = run(*args, input="ref,name\nX-1,Bob\n" if args[-1] == "-" else None)
                self.assertEqual(r.returncode, 77, r)
                self.assertEqual(r.stdout, "")
                self.assertEqual(r.stderr, f"pom: error: database {self.db} is read-only (the file cannot be written): only reads work\n")
        r = run("customer", "add", "--name", "Bob", "-o", "json")
        self.assertIn('"code":"permission"', r.stderr)
        self.assertEqual(digest(self.db), before)
        self.assertEqual(sorted(os.listdir(self.dir)), files)  # no -wal or -shm left behind
        # Its owner writes it again, as before.
        if os.geteuid() == 0:
            os.chown(self.db, 0, -1)
        os.chmod(self.db, 0o600)
        os.chmod(self.dir, 0o755)
        self.ok("customer", "add", "--name", "Bob")
        self.assertEqual(self.json("customer", "list", "--fields", "name", env={"POM_DB": backup}), [{"name": "Ann Smith"}])

    def test_a_read_only_file_answers_every_read(self):
        self.check(media=False)

    def test_a_database_on_read_only_media_answers_every_read(self):
        self.check(media=True)

    def test_an_old_schema_on_read_only_media_says_init_must_write(self):
        con = sqlite3.connect(self.db)
        con.execute("PRAGMA user_version = 9")
        con.close()
        run = self.lock(media=True)
        r = run("customer", "list")
        self.assertEqual(r.returncode, 77, r)
        self.assertEqual(r.stderr, f"pom: error: database {self.db} is read-only and has schema version 9: "
                                   "pom init needs to write to bring it up to date\n")


class Locking(PomTest):
    config = 'timezone = "America/Phoenix"\nbusy_timeout_ms = 200\n'

    def test_a_write_waits_for_the_timeout_then_exits_75_while_reads_work(self):
        self.ok("customer", "add", "--name", "Ann")
        before = self.dump()
        with WriteLock(self.db, "UPDATE customer SET city = 'Held' WHERE id = 1"):
            t = time.monotonic()
            self.assertRefused(["customer", "add", "--name", "Bob"], 75, "the database is busy")
            elapsed = time.monotonic() - t
            self.assertGreaterEqual(elapsed, 0.2)
            self.assertLess(elapsed, 5.0)
            r = self.pom("customer", "add", "--name", "Bob", "-o", "json")
            self.assertEqual(r.code, 75)
            self.assertIn('"code":"busy"', r.err)
            # Readers are not blocked by a writer (WAL, or PostgreSQL's MVCC) and see the last
            # committed state.
            self.assertEqual([c["city"] for c in self.json("customer", "list")], [None])
            self.assertEqual(self.json("db", "stats")[0]["journal_mode"], "wal" if ENGINE == "sqlite" else "postgresql")
        self.assertEqual(self.dump(), before)
        self.ok("customer", "add", "--name", "Bob")

    def test_concurrent_writers_all_succeed(self):
        env = dict(self.env)
        with open(self.config_path, "w") as f:
            f.write('timezone = "America/Phoenix"\nbusy_timeout_ms = 10000\n')
        procs = [subprocess.Popen([POM, "customer", "add", "--name", f"Customer {i}", "--ref", f"P-{i}", "-o", "id"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for i in range(8)]
        ids = []
        for p in procs:
            out, err = p.communicate(timeout=60)
            self.assertEqual(p.returncode, 0, err)
            ids.append(int(out))
        self.assertEqual(sorted(ids), list(range(1, 9)))
        self.assertEqual(len(self.json("customer", "list")), 8)
        self.assertEqual(len(self.json("log")), 8)


class DbCommands(PomTest):
    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann", "--ref", "C-1")
        self.ok("pool", "add", "--customer", "C-1", "--gallons", "15000")

    def test_check_ok(self):
        r = self.json("db", "check")
        self.validate("db-check", r)
        self.assertEqual(r[0]["path"], self.db)

    @sqlite_only("PostgreSQL never holds a row that breaks a foreign key")
    def test_check_finds_a_foreign_key_violation(self):
        con = sqlite3.connect(self.db)
        con.execute("PRAGMA foreign_keys = OFF")
        con.execute("INSERT INTO pool (customer_id, created_at, updated_at) VALUES (999, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
        con.commit()
        con.close()
        self.assertRefused(["db", "check"], 65, "problem(s): foreign key: pool row 2 refers to a missing customer")

    @sqlite_only("a damaged SQLite file")
    def test_check_of_a_damaged_file_is_one_line_with_the_details_on_request(self):
        self.pom("batch", input="".join('["customer","add","--name","Customer %d"]\n' % i for i in range(150)))
        # An index whose definition no longer matches its entries: SQLite's integrity check finds
        # every row missing from it (it stops at 100), each message a line of its own.
        con = sqlite3.connect(self.db)
        con.execute("PRAGMA writable_schema = ON")
        con.execute("UPDATE sqlite_schema SET sql = 'CREATE INDEX customer_status ON customer (city)' WHERE name = 'customer_status'")
        con.commit()
        con.close()
        r = self.pom("db", "check")
        self.assertEqual((r.code, r.out), (65, ""), r)
        self.assertEqual(r.err, f"pom: error: database {self.db} has 100 problem(s): integrity: row 1 missing from index "
                                "customer_status; and 99 more (pom db check -v lists them)\n")
        r = self.pom("db", "check", "-v")
        self.assertEqual(r.code, 65, r)
        self.assertEqual(len(r.err.splitlines()), 1, r)
        lines = r.out.splitlines()
        self.assertEqual((len(lines), lines[0].split()), (101, ["CHECK", "TABLE", "ROW", "COLUMN", "DETAIL"]))
        for fmt in ("json", "jsonl"):
            r = self.pom("db", "check", "-o", fmt)
            self.assertEqual(r.code, 65, r)
            problems = json.loads(r.out) if fmt == "json" else [json.loads(l) for l in r.out.splitlines()]
            self.validate("db-problem", problems)
            self.assertEqual(len(problems), 100)
            self.assertEqual(problems[-1], {"check": "integrity", "table": None, "row": None, "column": None,
                                            "detail": "row 100 missing from index customer_status"})
            self.assertEqual(len(r.err.splitlines()), 1, r)
            self.assertEqual(json.loads(r.err)["error"]["exit"], 65)

    def test_backup_writes_a_valid_copy(self):
        dest = os.path.join(self.dir, "backup.db")
        r = self.json("db", "backup", dest)
        self.validate("db-backup", r)
        self.assertEqual(r[0], {"path": dest, "bytes": os.path.getsize(dest)})
        self.assertEqual(stat.S_IMODE(os.stat(dest).st_mode), 0o600)
        if ENGINE == "sqlite":
            # The same schema and rows (VACUUM INTO may list the schema in another order).
            self.assertEqual(sorted(self.dump(dest).splitlines()), sorted(self.dump().splitlines()))
        else:
            # On PostgreSQL the backup is a SQLite file holding the same records.
            with open(dest, "rb") as f:
                self.assertEqual(f.read(16), b"SQLite format 3\x00")
            self.assertEqual(self.json("--db", dest, "customer", "list"), self.json("customer", "list"))
        self.validate("db-check", self.json("--db", dest, "db", "check"))
        self.assertEqual(self.json("--db", dest, "customer", "show", "C-1")[0]["name"], "Ann")

    def test_backup_refusals(self):
        dest = os.path.join(self.dir, "backup.db")
        with open(dest, "w") as f:
            f.write("yesterday's backup")
        self.assertRefused(["db", "backup", dest], 1, f"{dest} already exists")
        with open(dest) as f:
            self.assertEqual(f.read(), "yesterday's backup")
        self.assertRefused(["db", "backup", os.path.join(self.dir, "no", "such", "b.db")], 66, "does not exist")
        self.assertRefused(["db", "backup"], 64, "FILE")
        fresh = os.path.join(self.dir, "dry.db")
        r = self.json("db", "backup", fresh, "--dry-run")
        self.validate("db-backup", r)
        self.assertFalse(os.path.exists(fresh))

    def test_stats(self):
        r = self.json("db", "stats")
        self.validate("db-stats", r)
        s = r[0]
        self.assertEqual((s["path"], s["journal_mode"]), (self.db, "wal" if ENGINE == "sqlite" else "postgresql"))
        self.assertEqual(s["bytes"], s["page_size"] * s["page_count"])
        rows = {t["table"]: t["rows"] for t in s["tables"]}
        self.assertEqual((rows["customer"], rows["pool"], rows["audit_log"], rows["worker"]), (1, 1, 2, 0))

    def test_db_usage(self):
        self.assertRefused(["db"], 64, "subcommand")
        self.assertRefused(["db", "vacuum"], 64, "")


class Log(PomTest):
    def setUp(self):
        super().setUp()
        # Three days of changes by three people (Phoenix is UTC-7).
        self.ok("customer", "add", "--name", "Ann", "--ref", "C-1", env={"POM_NOW": "2026-11-20T09:00:00"})
        self.ok("worker", "add", "--name", "Tom Reed", "--as", "dana", env={"POM_NOW": "2026-11-21T16:59:59"})
        self.ok("customer", "edit", "C-1", "--city", "Mesa", env={"POM_NOW": "2026-11-21T17:00:00", "POM_USER": "lee"})
        self.ok("pool", "add", "--customer", "C-1", env={"POM_NOW": "2026-11-22T23:30:00"})
        self.ok("customer", "edit", "1", "--status", "active", "--as", "dana", env={"POM_NOW": "2026-11-23T08:00:00"})

    def ids(self, *args):
        rows = self.json("log", *args)
        if rows:
            self.validate("audit-entry", rows)
        return [e["id"] for e in rows]

    def test_entries_say_who_what_when_before_after(self):
        log = self.json("log")
        self.validate("audit-entry", log)
        self.assertEqual([(e["at"], e["actor"], e["entity"], e["entity_id"], e["action"]) for e in log], [
            ("2026-11-20T16:00:00Z", "tester", "customer", 1, "create"),
            ("2026-11-21T23:59:59Z", "dana", "worker", 1, "create"),
            ("2026-11-22T00:00:00Z", "lee", "customer", 1, "update"),
            ("2026-11-23T06:30:00Z", "tester", "pool", 1, "create"),
            ("2026-11-23T15:00:00Z", "dana", "customer", 1, "update"),
        ])
        self.assertEqual(log[2]["command"], "pom customer edit C-1 --city Mesa")
        self.assertEqual((log[2]["before"]["city"], log[2]["after"]["city"]), (None, "Mesa"))
        self.assertEqual((log[4]["before"]["status"], log[4]["after"]["status"]), ("lead", "active"))
        self.assertEqual(log[4]["before"]["city"], "Mesa")

    def test_filters(self):
        self.assertEqual(self.ids("--entity", "customer"), [1, 3, 5])
        self.assertEqual(self.ids("--entity", "customer", "--id", "1"), [1, 3, 5])
        self.assertEqual(self.ids("--entity", "worker", "--id", "1"), [2])
        self.assertEqual(self.ids("--entity", "customer", "--id", "2"), [])
        self.assertEqual(self.ids("--actor", "dana"), [2, 5])
        self.assertEqual(self.ids("--actor", "nobody"), [])
        # Dates are local (Phoenix) days: --from inclusive, --to a whole day inclusive.
        self.assertEqual(self.ids("--from", "2026-11-21"), [2, 3, 4, 5])
        self.assertEqual(self.ids("--to", "2026-11-21"), [1, 2, 3])
        self.assertEqual(self.ids("--from", "2026-11-21", "--to", "2026-11-21"), [2, 3])
        self.assertEqual(self.ids("--from", "2026-11-22", "--to", "2026-11-22"), [4])
        # Times: --to is exclusive; an instant with Z is UTC.
        self.assertEqual(self.ids("--from", "2026-11-21T16:59:59", "--to", "2026-11-21T17:00:00"), [2])
        self.assertEqual(self.ids("--from", "2026-11-22T00:00:00Z"), [3, 4, 5])
        self.assertEqual(self.ids("--entity", "customer", "--actor", "dana", "--from", "2026-11-23"), [5])
        self.assertEqual(self.ids("--limit", "2"), [4, 5])

    def test_actor_falls_back_to_the_login_name(self):
        self.ok("worker", "add", "--name", "Sam", env={"POM_USER": None})
        self.assertEqual(self.json("log")[-1]["actor"], pwd.getpwuid(os.geteuid()).pw_name)

    def test_reads_and_failures_are_not_logged(self):
        self.ok("customer", "list")
        self.pom("customer", "add", "--name", "X", "--email", "bad")
        self.pom("customer", "edit", "1", "--status", "active")  # already active: nothing changed
        self.assertEqual(len(self.json("log")), 5)

    def test_bad_filters(self):
        self.assertRefused(["log", "--from", "yesterday-ish"], 65, "--from: 'yesterday-ish' is not a date")
        self.assertRefused(["log", "--to", "2026-13-01"], 65, "--to: '2026-13-01' is not a valid time")
        self.assertRefused(["log", "--id", "x"], 64, "--id")
        self.assertRefused(["log", "--limit", "-3"], 64, "--limit")


if __name__ == "__main__":
    unittest.main()
