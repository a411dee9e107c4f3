"""Helpers for pom's end-to-end tests: run the real binary on a temporary database."""
import csv
import io
import json
import os
import sqlite3
import subprocess
import tempfile
import unittest

POM = os.environ.get("POM_BIN", "pom")
SOURCE = os.environ.get("POM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
EXPECTED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected")
SCHEMAS = os.path.join(SOURCE, "schemas")
NOW = "2026-11-23T08:00:00"
# The schema version the newest migration leaves (lib/store/sqlite/migrations.cpp).
SCHEMA_VERSION = 21
# Set by CTest for the PostgreSQL run: a file holding the throwaway cluster's base URI
# (tests/pg/ctest-cluster). Without it the tests run on a SQLite file.
PG_URI_FILE = os.environ.get("POM_TEST_PG")
ENGINE = "postgresql" if PG_URI_FILE else "sqlite"
_schemas = 0


def pg_base():
    with open(PG_URI_FILE) as f:
        return f.read().strip()


def pg_uri(database):
    return pg_base().replace("/postgres?", f"/{database}?", 1)


_template = None


def pg_template():
    """A database made by `pom init` once per test process, copied for each test."""
    global _template
    if _template is None:
        name = f"template{os.getpid()}"
        psql(pg_base(), f"CREATE DATABASE {name}")
        subprocess.run([POM, "init", "--db", pg_uri(name)], check=True, capture_output=True, timeout=60,
                       env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "POM_NOW": NOW})
        _template = name
    return _template


def psql(uri, sql, check=True):
    """Runs SQL with psql on the test cluster; the CompletedProcess."""
    base, _, query = uri.partition("?")
    params = dict(p.split("=", 1) for p in query.split("&") if p)
    schema = params.pop("schema", None)
    conn = base + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    if schema:
        sql = f"SET search_path = {schema};\n{sql}"
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\x1f", "-P", "null=\x1e", conn],
                          input=sql,
                          capture_output=True, text=True, check=check, timeout=60)


def sqlite_only(reason):
    """For a test of what only a SQLite file has (its mode, its bytes, a copy of it)."""
    return unittest.skipIf(ENGINE == "postgresql", reason)


class WriteLock:
    """Another client holding pom's write lock with an update of its own in flight, until the
    block ends (rolled back): a SQLite connection in BEGIN IMMEDIATE, or a psql session holding
    the advisory lock every pom writer takes on PostgreSQL."""

    def __init__(self, db, sql):
        self.db, self.sql = db, sql

    def __enter__(self):
        if ENGINE == "sqlite":
            self.con = sqlite3.connect(self.db, isolation_level=None)
            self.con.execute("BEGIN IMMEDIATE")
            self.con.execute(self.sql)
            return self
        self.proc = subprocess.Popen(["psql", "-X", "-q", self.db], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, text=True)
        self.proc.stdin.write(f"BEGIN; SELECT pg_advisory_xact_lock(1347374385); {self.sql};\n")
        self.proc.stdin.flush()
        import time
        deadline = time.monotonic() + 10
        while psql(self.db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted").stdout.strip() != "1":
            if time.monotonic() > deadline:
                raise AssertionError("the lock holder did not get the lock")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        if ENGINE == "sqlite":
            self.con.execute("ROLLBACK")
            self.con.close()
        else:
            self.proc.stdin.write("ROLLBACK;\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        return False


class DbError(Exception):
    """A statement the database refused, on either engine."""


# How to take each migration after 15 back off a database `pom init` made, newest first, for the
# tests that build a database of an older schema version: (SQLite script, PostgreSQL script).
UNDO_MIGRATIONS = {
    20: ("", """DROP TRIGGER invoice_line_issued_insert ON invoice_line;
                CREATE TRIGGER invoice_line_issued_insert BEFORE INSERT ON invoice_line
                    FOR EACH ROW EXECUTE FUNCTION invoice_line_issued();
                DROP FUNCTION invoice_line_issued_added();"""),
    19: ("", """DO $$ DECLARE t text; BEGIN
                  FOR t IN SELECT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
                           WHERE g.tgname = 'pom_assign_id' AND c.relnamespace = current_schema()::regnamespace LOOP
                      EXECUTE format('DROP TRIGGER pom_assign_id ON %I', t);
                      EXECUTE format('CREATE TRIGGER pom_assign_id BEFORE INSERT ON %I FOR EACH ROW '
                                     'EXECUTE FUNCTION pom_assign_id()', t);
                  END LOOP; END $$;"""),
    18: ("ALTER TABLE quote_line DROP COLUMN unit;", "ALTER TABLE quote_line DROP COLUMN unit;"),
    17: ("""DROP TABLE closed_day; ALTER TABLE series DROP COLUMN on_closed;
            ALTER TABLE billable_line DROP COLUMN unit; ALTER TABLE invoice_line DROP COLUMN unit;""",
         """DROP TABLE closed_day; ALTER TABLE series DROP COLUMN on_closed;
            ALTER TABLE billable_line DROP COLUMN unit; ALTER TABLE invoice_line DROP COLUMN unit;
            ALTER TABLE series RENAME CONSTRAINT series_ck14_window TO series_ck13_window;"""),
    16: ("""ALTER TABLE worker DROP COLUMN skills; ALTER TABLE worker DROP COLUMN capacity_milli;
            ALTER TABLE appointment DROP COLUMN load_milli; ALTER TABLE customer DROP COLUMN preferred_day;""",
         """ALTER TABLE worker DROP COLUMN skills; ALTER TABLE worker DROP COLUMN capacity_milli;
            ALTER TABLE appointment DROP COLUMN load_milli; ALTER TABLE customer DROP COLUMN preferred_day;
            ALTER TABLE appointment RENAME CONSTRAINT appointment_ck13_series TO appointment_ck12_series;
            ALTER TABLE appointment RENAME CONSTRAINT appointment_ck14_window TO appointment_ck13_window;"""),
}


def undo_migrations(db, to_version):
    """Takes the migrations after `to_version` (at least 15) back off the test's database and sets
    its schema version to `to_version`."""
    for version in sorted((v for v in UNDO_MIGRATIONS if v > to_version), reverse=True):
        lite, pg = UNDO_MIGRATIONS[version]
        if ENGINE == "sqlite":
            con = sqlite3.connect(db)
            con.executescript(lite + f"PRAGMA user_version = {version - 1};")
            con.close()
        else:
            psql(db, pg + f"UPDATE pom_meta SET value = '{version - 1}' WHERE key = 'schema_version';")


def sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def run_sql(db, sql, params=()):
    """Runs one statement on the test's database (a SQLite file or a PostgreSQL URI) outside pom;
    its rows as tuples. A refusal raises DbError with the engine's message."""
    if ENGINE == "sqlite":
        con = sqlite3.connect(db)
        try:
            rows = con.execute(sql, params).fetchall()
            con.commit()
            return rows
        except sqlite3.Error as e:
            raise DbError(str(e)) from e
        finally:
            con.close()
    parts = sql.split("?")
    if len(parts) - 1 != len(params):
        raise ValueError("parameters do not match the statement")
    text = parts[0] + "".join(sql_literal(p) + rest for p, rest in zip(params, parts[1:]))
    query = text.lstrip().upper().startswith("SELECT")
    if query:
        # Rows as JSON: text with newlines or separators in it comes back whole, numbers as numbers.
        text = f"SELECT coalesce(json_agg(row_to_json(q)), '[]') FROM ({text}) AS q"
    r = psql(db, text + ";", check=False)
    if r.returncode != 0:
        raise DbError(r.stderr.strip())
    if not query:
        return []
    rows = json.loads(r.stdout, object_pairs_hook=lambda pairs: tuple(v for _, v in pairs))
    return [tuple(row) for row in rows]


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return f"<exit {self.code} out={self.out[:300]!r} err={self.err[:300]!r}>"


class PomTest(unittest.TestCase):
    """Each test gets a fresh folder with a config, an initialised database and a fixed clock."""

    maxDiff = None
    config = 'timezone = "America/Phoenix"\n[company]\nname = "Blue Wave Pools"\n'
    init_db = True

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="pom-e2e-")
        self.dir = self._tmp.name
        if ENGINE == "postgresql":
            # A database of its own per test: a copy of one that `pom init` made, or an empty one.
            global _schemas
            _schemas += 1
            name = f"t{os.getpid()}_{_schemas}"
            template = pg_template() if self.init_db else "template0"
            psql(pg_base(), f"CREATE DATABASE {name} TEMPLATE {template}")
            self.db = pg_uri(name)
        else:
            self.db = os.path.join(self.dir, "pom.db")
        self.config_path = os.path.join(self.dir, "pom.toml")
        with open(self.config_path, "w") as f:
            f.write(self.config)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.dir,
            "POM_DB": self.db,
            "POM_CONFIG": self.config_path,
            "POM_NOW": NOW,
            "POM_USER": "tester",
            "LANG": "C.UTF-8",
        }
        if self.init_db and ENGINE == "sqlite":
            self.ok("init")

    def tearDown(self):
        self._tmp.cleanup()

    def pom(self, *args, input=None, env=None):
        e = dict(self.env)
        if env:
            for k, v in env.items():
                if v is None:
                    e.pop(k, None)
                else:
                    e[k] = v
        proc = subprocess.run([POM, *args], input=input, capture_output=True, text=True, env=e, timeout=120)
        return Result(proc)

    def ok(self, *args, **kw):
        r = self.pom(*args, **kw)
        self.assertEqual(r.code, 0, f"pom {' '.join(args)} failed: {r}")
        return r.out

    def json(self, *args, **kw):
        return json.loads(self.ok(*args, "-o", "json", **kw))

    def csv(self, *args, **kw):
        return list(csv.DictReader(io.StringIO(self.ok(*args, "-o", "csv", **kw), newline="")))

    def sql(self, sql, *params):
        """Rows of one statement run on the test's database outside pom (either engine)."""
        return run_sql(self.db, sql, params)

    def db_exists(self):
        if ENGINE == "postgresql":
            return psql(self.db, "SELECT to_regclass('pom_meta') IS NOT NULL").stdout.strip() == "t"
        return os.path.exists(self.db)

    def dump(self, path=None):
        """The whole database as SQL text: what 'unchanged' is measured against."""
        if ENGINE == "postgresql" and path is None:
            out = subprocess.run(["pg_dump", "--no-owner", self.db], capture_output=True,
                                  text=True, check=True, timeout=60).stdout
            # pg_dump guards its output with a random key: the same database dumps alike without it.
            return "\n".join(l for l in out.splitlines() if not l.startswith(("\\restrict", "\\unrestrict")))
        con = sqlite3.connect(path or self.db)
        try:
            return "\n".join(con.iterdump())
        finally:
            con.close()

    def assertRefused(self, args, code, message, input=None, env=None):
        """The command fails with `code`, says `message` on one stderr line, prints nothing on
        stdout and leaves the database exactly as it was."""
        before = self.dump() if self.db_exists() else None
        r = self.pom(*args, input=input, env=env)
        self.assertEqual(r.code, code, f"pom {' '.join(args)}: {r}")
        self.assertEqual(r.out, "", f"stdout must stay empty on error: {r}")
        self.assertIn(message, r.err)
        self.assertTrue(r.err.startswith("pom: error: "), r.err)
        self.assertEqual(len(r.err.strip().splitlines()), 1, f"one line expected: {r.err!r}")
        if before is not None:
            self.assertEqual(self.dump(), before, f"pom {' '.join(args)} changed the database")
        return r

    def validate(self, schema, records):
        """Validates records against schemas/<schema>.json."""
        import jsonschema

        with open(os.path.join(SCHEMAS, schema + ".json")) as f:
            s = json.load(f)
        if isinstance(records, dict):
            records = [records]
        self.assertTrue(len(records) > 0, "nothing to validate")
        for r in records:
            jsonschema.validate(r, s, format_checker=jsonschema.FormatChecker())

    def assertExpected(self, name, text):
        """Compares text with tests/e2e/expected/<name>; POM_UPDATE_EXPECTED=1 rewrites it."""
        path = os.path.join(EXPECTED, name)
        if os.environ.get("POM_UPDATE_EXPECTED"):
            os.makedirs(EXPECTED, exist_ok=True)
            with open(path, "w", newline="") as f:
                f.write(text)
        with open(path, newline="") as f:
            self.assertEqual(text, f.read(), f"output differs from {path}")
