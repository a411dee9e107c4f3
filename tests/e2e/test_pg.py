"""pom on PostgreSQL: what only a database server has. A database or a schema named by a URI,
a newer schema refused untouched, a password never shown, sixteen processes writing at once,
and the server going away in the middle of a command. Each test class starts its own throwaway
cluster (tests/pg/cluster), stopped even when a test fails; without PostgreSQL's binaries the
tests are skipped."""
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from pomtest import ENGINE, NOW, POM, SCHEMA_VERSION, SOURCE, psql

CLUSTER = os.path.join(SOURCE, "tests", "pg", "cluster")
HAVE_PG = os.path.exists("/usr/lib/postgresql/15/bin/initdb")


@unittest.skipUnless(HAVE_PG, "PostgreSQL 15 is not installed")
@unittest.skipIf(ENGINE == "postgresql", "runs once, in the SQLite run: it starts clusters of its own")
class PgTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.cluster_dir = tempfile.mkdtemp(prefix="pom-pg-")
        try:
            cls.base = subprocess.run([CLUSTER, "start", cls.cluster_dir], check=True, capture_output=True,
                                      text=True, timeout=120).stdout.strip()
        except Exception:
            subprocess.run([CLUSTER, "stop", cls.cluster_dir], capture_output=True)
            raise
        cls.n = 0

    @classmethod
    def tearDownClass(cls):
        subprocess.run([CLUSTER, "stop", cls.cluster_dir], capture_output=True, timeout=60)

    def setUp(self):
        type(self).n += 1
        self.name = f"db{type(self).n}"
        psql(self.base, f"CREATE DATABASE {self.name}")
        self.db = self.base.replace("/postgres?", f"/{self.name}?", 1)
        self.tmp = tempfile.TemporaryDirectory(prefix="pom-e2e-")
        self.config = os.path.join(self.tmp.name, "pom.toml")
        with open(self.config, "w") as f:
            f.write('timezone = "America/Phoenix"\nbusy_timeout_ms = 20000\n')
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.tmp.name, "POM_DB": self.db,
                    "POM_CONFIG": self.config, "POM_NOW": NOW, "POM_USER": "tester", "LANG": "C.UTF-8"}

    def tearDown(self):
        self.tmp.cleanup()

    def pom(self, *args, env=None, input=None):
        e = dict(self.env, **(env or {}))
        return subprocess.run([POM, *args], capture_output=True, text=True, env=e, input=input, timeout=300)

    def ok(self, *args, **kw):
        r = self.pom(*args, **kw)
        self.assertEqual(r.returncode, 0, f"pom {' '.join(args)}: {r.stderr}")
        return r.stdout

    def json(self, *args, **kw):
        return json.loads(self.ok(*args, "-o", "json", **kw))


class Init(PgTest):
    def test_init_makes_the_schema_in_the_named_database_and_nothing_else(self):
        r = self.json("init")
        self.assertEqual(r[0]["created"], True)
        self.assertEqual(r[0]["path"], self.db)
        tables = psql(self.db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").stdout.strip()
        self.assertGreater(int(tables), 30)
        # Again: nothing to do.
        self.assertEqual(self.json("init")[0]["created"], False)

    def test_a_named_schema_is_created_and_used(self):
        uri = self.db + "&schema=office_b"
        self.json("init", env={"POM_DB": uri})
        self.ok("customer", "add", "--name", "Ann", env={"POM_DB": uri})
        self.assertEqual(psql(self.db, "SELECT name FROM office_b.customer").stdout.strip(), "Ann")
        self.assertEqual(psql(self.db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").stdout.strip(), "0")
        # The default schema is another, empty company.
        r = self.pom("customer", "list")
        self.assertEqual(r.returncode, 66, r.stderr)

    def test_a_missing_database_or_schema_says_how_to_create_it(self):
        r = self.pom("customer", "list")
        self.assertEqual(r.returncode, 66)
        self.assertEqual(r.stderr, f"pom: error: no database at {self.db} (create one with: pom init --db {self.db})\n")
        gone = self.base.replace("/postgres?", "/nosuchdb?", 1)
        r = self.pom("customer", "list", env={"POM_DB": gone})
        self.assertEqual(r.returncode, 66, r.stderr)
        self.assertEqual(len(r.stderr.splitlines()), 1)

    def test_a_database_from_a_newer_pom_is_refused_untouched(self):
        self.ok("init")
        psql(self.db, "UPDATE pom_meta SET value = '999' WHERE key = 'schema_version'")
        before = subprocess.run(["pg_dump", self.db], capture_output=True, text=True).stdout
        for args in (["init"], ["customer", "list"], ["customer", "add", "--name", "X"]):
            r = self.pom(*args)
            self.assertEqual(r.returncode, 65, r.stderr)
            self.assertIn("made by a newer pom", r.stderr)
        after = subprocess.run(["pg_dump", self.db], capture_output=True, text=True).stdout
        strip = lambda t: [l for l in t.splitlines() if not l.startswith(("\\restrict", "\\unrestrict"))]
        self.assertEqual(strip(after), strip(before))

    def test_libpq_is_loaded_only_for_a_postgresql_database(self):
        # Not linked: every command would pay for loading its 25 libraries at start.
        needed = subprocess.run(["readelf", "-d", shutil.which(POM, path=self.env["PATH"])], capture_output=True, text=True, check=True).stdout
        self.assertNotIn("libpq", needed)
        self.assertIn("libc.so", needed)  # the check reads the right section
        self.ok("init")
        self.ok("customer", "add", "--name", "Ann")
        # Without libpq: PostgreSQL is refused with one line that says what to install; SQLite runs.
        r = self.pom("customer", "list", env={"POM_LIBPQ": "/nonexistent/libpq.so.5"})
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertRegex(r.stderr, r"^pom: error: PostgreSQL needs libpq \(Debian's package libpq5\): "
                                   r"/nonexistent/libpq\.so\.5: cannot open[^\n]+\n$")
        sqlite_db = os.path.join(self.tmp.name, "company.db")
        env = {"POM_LIBPQ": "/nonexistent/libpq.so.5", "POM_DB": sqlite_db}
        self.ok("init", env=env)
        self.assertIn("Bea", self.ok("customer", "add", "--name", "Bea", env=env))
        # A library that is not libpq is refused by name, too.
        r = self.pom("customer", "list", env={"POM_LIBPQ": "libc.so.6"})
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertIn("libc.so.6 has no PQ", r.stderr)
        self.assertIn("Ann", self.ok("customer", "list"))

    def test_a_password_is_never_shown(self):
        # The test cluster trusts every local user: the clerk has to give a password.
        hba = os.path.join(self.cluster_dir, "data", "pg_hba.conf")
        with open(hba) as f:
            rules = f.read()
        with open(hba, "w") as f:
            f.write("local all clerk scram-sha-256\n" + rules)
        psql(self.base, "SELECT pg_reload_conf()")
        psql(self.base, "CREATE ROLE clerk LOGIN PASSWORD 'S3cret-pw'")
        psql(self.base, f"GRANT ALL ON DATABASE {self.name} TO clerk")
        psql(self.db, "GRANT ALL ON SCHEMA public TO clerk")
        uri = self.db.replace("user=pom", "user=clerk&password=S3cret-pw")
        out = self.ok("init", env={"POM_DB": uri})
        out += self.ok("customer", "add", "--name", "Ann", env={"POM_DB": uri})
        for args in (["db", "stats"], ["db", "check"], ["config", "show"], ["log", "-o", "json"]):
            out += self.ok(*args, env={"POM_DB": uri})
        bad = uri.replace("S3cret-pw", "wrong-pw")
        r = self.pom("customer", "list", env={"POM_DB": bad})
        self.assertNotEqual(r.returncode, 0)
        for text in (out, r.stderr):
            self.assertNotIn("S3cret-pw", text)
            self.assertNotIn("wrong-pw", text)
        self.assertIn("user=clerk", out)


def pg_schema_v10():
    """The script that makes schema version 10 on PostgreSQL: the first of the migrations in
    lib/store/postgres/schema.cpp, as a pom of version 10 ran it."""
    with open(os.path.join(SOURCE, "lib", "store", "postgres", "schema.cpp")) as f:
        return re.search(r'R"SQL\((.*?)\)SQL"', f.read(), re.S).group(1)


class Migration(PgTest):
    def test_a_version_10_database_is_brought_to_11_with_its_rows(self):
        # A company a pom of schema 10 made: its schema, and workers and a customer in it.
        p = psql(self.db, "BEGIN;\n" + pg_schema_v10() + "\nCOMMIT;\n", check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        at = "'2026-11-01T15:00:00Z'"
        psql(self.db, f"""
            INSERT INTO worker (name, role, active, created_at, updated_at) VALUES ('Maria Lopez', 'technician', 1, {at}, {at});
            INSERT INTO worker (name, role, active, created_at, updated_at) VALUES ('Dana Fox', 'office', 1, {at}, {at});
            INSERT INTO worker (name, role, active, created_at, updated_at) VALUES ('Tom Reed', 'admin', 0, {at}, {at});
            INSERT INTO customer (ref, name, status, created_at, updated_at) VALUES ('C-1', 'Ann Smith', 'active', {at}, {at});""")
        version = lambda: psql(self.db, "SELECT value FROM pom_meta WHERE key = 'schema_version'").stdout.strip()
        self.assertEqual(version(), "10")
        refused = psql(self.db, "UPDATE worker SET role = 'accountant' WHERE id = 2", check=False)
        self.assertNotEqual(refused.returncode, 0)

        r = self.json("init")
        self.assertEqual((r[0]["created"], r[0]["schema_version"], r[0]["migrated_from"]), (False, SCHEMA_VERSION, 10))
        self.assertEqual(version(), str(SCHEMA_VERSION))
        workers = self.json("worker", "list", "--all")
        self.assertEqual([(w["id"], w["name"], w["role"], w["active"], w["created_at"]) for w in workers],
                         [(2, "Dana Fox", "office", True, "2026-11-01T15:00:00Z"),
                          (1, "Maria Lopez", "technician", True, "2026-11-01T15:00:00Z"),
                          (3, "Tom Reed", "admin", False, "2026-11-01T15:00:00Z")])
        self.assertEqual([c["name"] for c in self.json("customer", "list")], ["Ann Smith"])
        # What version 11 brings: the accountant role, API tokens and answers.
        self.assertEqual(self.json("worker", "edit", "Dana Fox", "--role", "accountant")[0]["role"], "accountant")
        self.assertEqual(self.json("worker", "add", "--name", "Ava Stone", "--role", "accountant")[0]["id"], 4)
        token = self.json("worker", "token", "add", "Dana Fox")[0]
        self.assertEqual((token["id"], token["worker"]), (1, "Dana Fox"))
        r = self.pom("worker", "edit", "Maria Lopez", "--role", "auditor")
        self.assertEqual(r.returncode, 64, r.stderr)
        # The database refuses another role with SQLite's words, and ids go on in the new tables.
        bad = psql(self.db, "UPDATE worker SET role = 'auditor' WHERE id = 1", check=False)
        self.assertIn("worker_ck02_role", bad.stderr)
        message = psql(self.db, "SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conname = 'worker_ck02_role'")
        self.assertEqual(message.stdout.strip(), "(role = 'technician' OR role = 'office' OR role = 'manager' OR "
                                                 "role = 'accountant' OR role = 'admin')")
        psql(self.db, "INSERT INTO api_answer (worker_id, key, fingerprint, status, body, created_at) "
                      "VALUES (1, 'k', 'f', 201, '{}', 'x')")
        self.assertEqual(psql(self.db, "SELECT id FROM api_token UNION ALL SELECT id FROM api_answer").stdout.strip(), "1\n1")
        self.assertEqual(self.json("db", "check")[0]["integrity"], "ok")
        # Again: nothing to do.
        self.assertEqual(self.json("init")[0]["migrated_from"], None)


class ManyClients(PgTest):
    def test_sixteen_processes_writing_at_once(self):
        self.ok("init")
        self.ok("worker", "add", "--name", "Maria Lopez", "--role", "technician")
        self.ok("worker", "add", "--name", "Tom Reed", "--role", "technician")
        script = []
        for c in range(1, 41):
            script.append(["customer", "add", "--name", f"Customer {c}", "--ref", f"C-{c}"])
            script.append(["pool", "add", "--customer", f"C-{c}"])
            script.append(["bill", "extra", "add", "--customer", f"C-{c}", "--description", "Filter clean",
                           "--amount", f"{40 + c}.00", "--date", "2026-11-10"])
            script.append(["appt", "add", "--customer", f"C-{c}", "--date", "2026-11-23"])
        script.append(["appt", "add", "--customer", "C-1", "--repeat", "weekly", "--worker", "Maria"])
        r = self.pom("batch", input="".join(json.dumps(l) + "\n" for l in script))
        self.assertEqual(r.returncode, 0, r.stderr[:500])
        drafts = [d["id"] for d in self.json("bill", "run", "--period", "2026-11")]
        visits = [a["id"] for a in self.json("appt", "list", "--date", "2026-11-23") if a["worker"] is None]
        self.assertEqual((len(drafts), len(visits)), (40, 40))
        # Sixteen processes at once: four issue invoices one by one, four assign and start and
        # complete visits, four add customers, two expand, two move the same visits back and forth.
        jobs = []
        for k in range(4):
            jobs.append(" && ".join(f'"$POM" bill issue {i} -o id' for i in drafts[k::4]))
            mine = visits[k * 10:(k + 1) * 10]
            worker = "Maria" if k % 2 == 0 else "Tom"
            jobs.append(" && ".join(f'"$POM" appt assign {v} --worker {worker} && "$POM" appt start {v} && '
                                    f'"$POM" appt complete {v}' for v in mine))
            jobs.append(" && ".join(f'"$POM" customer add --name "New {k}-{j}"' for j in range(10)))
        for k in range(2):
            jobs.append('"$POM" appt expand --through +8w && "$POM" appt expand --through +12w')
            jobs.append(" && ".join(f'"$POM" tag add C-{c} VIP && "$POM" tag rm C-{c} VIP' for c in range(1 + k, 40, 8)))
        self.assertEqual(len(jobs), 16)
        env = dict(self.env, POM=POM)
        t = time.monotonic()
        procs = [subprocess.Popen(["sh", "-c", j], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for j in jobs]
        for p in procs:
            out, err = p.communicate(timeout=600)
            self.assertEqual(p.returncode, 0, err)
            for word in ("busy", "deadlock", "serializ", "could not"):
                self.assertNotIn(word, err)
        elapsed = time.monotonic() - t
        numbers = [i["number"] for i in self.json("bill", "list", "--status", "open")]
        self.assertEqual(sorted(numbers), [f"INV-{n:06d}" for n in range(1, 41)])
        done = [a for a in self.json("appt", "list", "--date", "2026-11-23") if a["status"] == "completed"]
        self.assertEqual(len(done), 40)
        self.assertEqual(len(self.json("customer", "list")), 80)
        self.assertEqual(self.json("db", "check")[0]["integrity"], "ok")
        # Every change audited once: 40 issues, 120 status changes... at least one entry each.
        self.assertGreaterEqual(len(self.json("log", "--entity", "invoice")), 40)
        print(f"\n16 writers on PostgreSQL: {elapsed:.1f} s", flush=True)


PGBOUNCER = "/usr/sbin/pgbouncer"
POOLER = os.path.join(SOURCE, "tests", "pg", "pooler")


@unittest.skipUnless(os.path.exists(PGBOUNCER), "PgBouncer is not installed")
class Pooler(PgTest):
    """PgBouncer in front of the cluster in session pooling (tests/pg/pooler), as README's "Many
    short commands: a connection pooler" suggests: each pom process is handed a server connection
    an earlier one left, with DISCARD ALL between them (pom prepares its statements by name, pom1,
    pom2, ..., and sets its session's settings once a connection)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        parent = tempfile.mkdtemp(prefix="pom-pgb-")
        os.chmod(parent, 0o755)  # run as root, pgbouncer runs as nobody
        cls.pool_dir = os.path.join(parent, "pooler")
        try:
            subprocess.run([POOLER, "start", cls.pool_dir, cls.cluster_dir, cls.reset_query], check=True, capture_output=True,
                           timeout=60)
        except Exception:
            cls.stop_pooler()
            super().tearDownClass()
            raise

    reset_query = "DISCARD ALL"  # PgBouncer's default

    @classmethod
    def stop_pooler(cls):
        subprocess.run([POOLER, "stop", cls.pool_dir], capture_output=True, timeout=60)
        shutil.rmtree(os.path.dirname(cls.pool_dir), ignore_errors=True)

    @classmethod
    def tearDownClass(cls):
        cls.stop_pooler()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.direct = self.db
        self.db = self.db.replace(f"host={self.cluster_dir}", f"host={self.pool_dir}&port=6432", 1)
        self.assertNotEqual(self.db, self.direct)
        self.env["POM_DB"] = self.db

    def backends(self):
        """The server's connections to this database (none are pom's without a pooler once it exits)."""
        return int(psql(self.direct, f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{self.name}' "
                                     "AND pid <> pg_backend_pid()").stdout.strip())

    def test_commands_share_pooled_connections_with_nothing_left_over_between_them(self):
        self.ok("init")
        self.ok("worker", "add", "--name", "Maria Lopez", "--role", "technician")
        for c in range(1, 4):
            self.ok("customer", "add", "--name", f"Customer {c}", "--ref", f"C-{c}")
            self.ok("pool", "add", "--customer", f"C-{c}")
            self.ok("appt", "add", "--customer", f"C-{c}", "--date", "2026-11-23", "--worker", "Maria")
        # One server connection served every command, one after another: the pooler's.
        self.assertEqual(self.backends(), 1)
        # The same statements again, on the same backend: no prepared statement or setting is left over.
        for _ in range(3):
            self.assertEqual([a["customer"] for a in self.json("appt", "list", "--date", "2026-11-23")],
                             ["Customer 1", "Customer 2", "Customer 3"])
        sid = self.ok("-o", "id", "service", "start", "1").strip()
        self.ok("service", "check", sid, "--all")
        self.assertEqual(self.json("service", "submit", sid)[0]["status"], "submitted")
        # A command that fails in its transaction leaves the connection clean for the next one.
        r = self.pom("batch", input='["customer", "add", "--name", "Kept?"]\n["customer", "add", "--name", "X", "--ref", "C-1"]\n')
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual([c["name"] for c in self.json("customer", "list")], ["Customer 1", "Customer 2", "Customer 3"])
        self.assertEqual(self.json("db", "check")[0]["integrity"], "ok")
        self.assertEqual(self.backends(), 1)

    def test_eight_writers_at_once_through_the_pooler(self):
        self.ok("init")
        script = [["customer", "add", "--name", f"Customer {c}", "--ref", f"C-{c}"] for c in range(1, 9)]
        script += [["pool", "add", "--customer", f"C-{c}"] for c in range(1, 9)]
        script += [["appt", "add", "--customer", f"C-{c}", "--date", "2026-11-23"] for c in range(1, 9)]
        r = self.pom("batch", input="".join(json.dumps(l) + "\n" for l in script))
        self.assertEqual(r.returncode, 0, r.stderr[:500])
        env = dict(self.env, POM=POM)
        jobs = [f'"$POM" appt start {v} && "$POM" appt complete {v} && "$POM" customer add --name "New {v}" && '
                f'"$POM" bill extra add --customer C-{v} --description Filter --amount 40.00 --date 2026-11-10' for v in range(1, 9)]
        procs = [subprocess.Popen(["sh", "-c", j], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for j in jobs]
        for p in procs:
            _, err = p.communicate(timeout=300)
            self.assertEqual(p.returncode, 0, err)
        self.assertEqual(len([a for a in self.json("appt", "list", "--date", "2026-11-23") if a["status"] == "completed"]), 8)
        ids = [c["id"] for c in self.json("customer", "list")]
        self.assertEqual(sorted(ids), list(range(1, 17)))
        self.assertEqual(len(self.json("bill", "run", "--period", "2026-11")), 8)
        self.assertLessEqual(self.backends(), 8)


class PoolerWithoutReset(Pooler):
    """A pooler told to reset nothing between clients (server_reset_query empty): pom drops the
    statements an earlier process prepared on the connection as it connects, so it still runs."""
    reset_query = ""

    test_eight_writers_at_once_through_the_pooler = None

    def test_a_schema_one_command_named_is_not_the_next_ones(self):
        self.ok("init")
        self.ok("customer", "add", "--name", "In public")
        psql(self.direct, "CREATE SCHEMA other")
        other = self.db + "&schema=other"
        self.ok("init", env={"POM_DB": other})
        self.ok("customer", "add", "--name", "In other", env={"POM_DB": other})
        self.assertEqual(self.backends(), 1)
        self.assertEqual([c["name"] for c in self.json("customer", "list")], ["In public"])
        self.assertEqual([c["name"] for c in self.json("customer", "list", env={"POM_DB": other})], ["In other"])


class CommitWithAudit(PgTest):
    """A command's audit entries go in one query with its COMMIT: a refused entry is the command's
    error, and nothing of it is kept."""

    def test_audit_entries_refused_at_commit_leave_nothing_written(self):
        self.ok("init")
        self.ok("customer", "add", "--name", "Kept")
        psql(self.db, "CREATE FUNCTION refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                      "IF NEW.after LIKE '%Refused here%' THEN RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', "
                      "MESSAGE = 'no entry for this one'; END IF; RETURN NEW; END $$; "
                      "CREATE TRIGGER refuse_marked BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_marked()")
        r = self.pom("customer", "add", "--name", "Refused here", "--email", "r@example.com")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr, "pom: error: no entry for this one\n")
        self.assertEqual([c["name"] for c in self.json("customer", "list")], ["Kept"])
        self.assertEqual(psql(self.db, "SELECT count(*) FROM customer_contact").stdout.strip(), "0")
        self.assertEqual(len(self.json("log")), 1)
        # The connection and the database go on: the next command writes and is audited.
        self.ok("customer", "add", "--name", "Next")
        self.assertEqual([c["name"] for c in self.json("customer", "list")], ["Kept", "Next"])
        self.assertEqual(len(self.json("log")), 2)


class ServerGone(PgTest):
    def pg_ctl(self, *args):
        cmd = ["/usr/lib/postgresql/15/bin/pg_ctl", "-D", os.path.join(self.cluster_dir, "data"), "-w", *args]
        if os.getuid() == 0:
            cmd = ["runuser", "-u", "nobody", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=60, cwd=self.cluster_dir)

    def test_the_server_stopping_mid_command_is_exit_74_and_nothing_half_written(self):
        self.ok("init")
        script = [["customer", "add", "--name", f"Customer {c}", "--ref", f"C-{c}"] for c in range(1, 5001)]
        p = subprocess.Popen([POM, "batch"], env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        p.stdin.write("".join(json.dumps(l) + "\n" for l in script))
        p.stdin.close()
        # Stop the server once the batch is under way (its first customers are in its transaction).
        deadline = time.monotonic() + 30
        while psql(self.db, "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' "
                            "OR (state = 'active' AND query LIKE 'INSERT%')").stdout.strip() == "0":
            if time.monotonic() > deadline or p.poll() is not None:
                break
            time.sleep(0.01)
        self.pg_ctl("stop", "-m", "immediate")
        try:
            err = p.stderr.read()
            p.wait(timeout=60)
        finally:
            self.pg_ctl("start", "-l", os.path.join(self.cluster_dir, "log"))
        if p.returncode == 0:
            self.skipTest("the batch finished before the server stopped")
        self.assertEqual(p.returncode, 74, err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertTrue(err.startswith("pom: error: "), err)
        # The batch was one transaction: none of it was written.
        self.assertEqual(self.json("customer", "list"), [])
        self.assertEqual(self.json("log"), [])

    def test_pom_serve_answers_503_while_the_server_restarts_then_connects_again(self):
        self.ok("init")
        self.ok("worker", "add", "--name", "Maria Lopez")
        token = self.json("worker", "token", "add", "Maria Lopez")[0]["token"]
        server = subprocess.Popen([POM, "serve", "--listen", "127.0.0.1:0", "--threads", "2"], env=self.env,
                                  stderr=subprocess.PIPE, text=True)
        try:
            port = int(re.search(r":(\d+) ", server.stderr.readline()).group(1))

            def me():
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + token})
                r = conn.getresponse()
                body = json.loads(r.read())
                conn.close()
                return r.status, r.getheader("Retry-After"), body

            self.assertEqual(me()[0], 200)
            self.assertEqual(me()[0], 200)  # both threads hold a connection now
            self.pg_ctl("restart", "-m", "fast", "-l", os.path.join(self.cluster_dir, "log"))
            answers = [me() for _ in range(6)]
            lost = [a for a in answers if a[0] != 200]
            # Each thread finds its connection gone once (503, retry later), then connects again.
            self.assertLessEqual(len(lost), 2, answers)
            for status, retry, body in lost:
                self.assertEqual((status, retry, body["error"]["code"]), (503, "1", "io"))
            self.assertEqual(answers[-2:], [(200, None, answers[-1][2])] * 2)
            self.assertEqual(answers[-1][2]["name"], "Maria Lopez")
        finally:
            server.terminate()
            self.assertEqual(server.wait(timeout=30), 0)


if __name__ == "__main__":
    unittest.main()
