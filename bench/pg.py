"""bench/run --engine postgresql: the large company on PostgreSQL beside SQLite, in one run (issue 14).

A throwaway cluster (tests/pg/cluster) holds one database per company, each moved there from the
SQLite company bench/run generates (and caches) with `pom db copy --to URI`. A copy leaves no planner
statistics; a server's autovacuum would gather them within a minute or so for each table with more
than 50 new rows, so the bench ANALYZEs those tables, and only those: an empty table analyzed as
empty (reltuples 0) makes the foreign-key checks of a session that fills it plan a sequential scan
and keep it (expand then takes quadratic time), which a never-analyzed table (reltuples -1) does
not. A job that changes its company (expand, bill run) gets a fresh database per run, untimed:
`CREATE DATABASE run TEMPLATE company`, PostgreSQL's equivalent of the SQLite side's file copy.
Service submit prepares a fresh open ticket per run with pom itself, as on SQLite.

The expand floor is PostgreSQL's own: the visit rows pom's expand wrote (dumped once with
`COPY ... TO STDOUT`) loaded into a fresh copy of the company by `COPY appointment FROM STDIN`
through psql: the same rows, indexes, constraints and triggers, one statement.

The cluster is made durable before anything is timed (fsync, synchronous_commit and
full_page_writes on; tests/pg/cluster turns them off), as pom's SQLite commits are (synchronous
FULL), so a commit costs a flush on both engines. Other settings are PostgreSQL 15's defaults
(shared_buffers 128 MB). pom's CPU column on PostgreSQL is the pom process plus the server's
processes (its backends, reaped by the postmaster, and the background workers) over the run.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import billing

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = ROOT / "tests" / "pg" / "cluster"
POOLER = ROOT / "tests" / "pg" / "pooler"
PG_BIN = Path(os.environ.get("POM_PG_BIN", "/usr/lib/postgresql/15/bin"))
# The binary itself: Debian's /usr/bin/psql is a Perl wrapper that costs ~30 ms a start.
PSQL = str(PG_BIN / "psql")
PGBOUNCER = "/usr/sbin/pgbouncer"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# What autovacuum would analyze after a bulk load: each of pom's tables with more than 50 rows.
ANALYZE_LOADED_SQL = """
DO $$
DECLARE
    t regclass;
    n bigint;
BEGIN
    FOR t IN SELECT c.oid FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' LOOP
        EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM %s LIMIT 51) x', t) INTO n;
        IF n > 50 THEN
            EXECUTE format('ANALYZE %s', t);
        END IF;
    END LOOP;
END
$$
"""

# The columns of an appointment row, for the expand floor's COPY (every column, ids included:
# the rows exactly as pom's expand left them).
APPOINTMENT_COLUMNS_SQL = ("SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
                           "WHERE attrelid = 'appointment'::regclass AND attnum > 0 AND NOT attisdropped")


# The read jobs' floors on PostgreSQL, as bench/run's sqlite3 floors are on SQLite: psql running
# the same query (pom's orders spelled as pom's PostgreSQL dialect spells them).
LIST_FLOOR_SQL = """
SELECT json_agg(t) FROM (
SELECT c.id, c.ref, c.name, c.company, c.status, c.street, c.city, c.state, c.zip, c.notes, c.created_at, c.updated_at,
       (SELECT coalesce(json_agg(json_build_object('address', value, 'opt_in', opt_in <> 0) ORDER BY position), '[]')
          FROM customer_contact WHERE customer_id = c.id AND kind = 'email') AS emails,
       (SELECT coalesce(json_agg(json_build_object('number', value, 'sms_opt_in', opt_in <> 0) ORDER BY position), '[]')
          FROM customer_contact WHERE customer_id = c.id AND kind = 'phone') AS phones,
       (SELECT coalesce(json_agg(tag ORDER BY added_at, id), '[]')
          FROM customer_tag WHERE customer_id = c.id AND removed_at IS NULL) AS tags
  FROM customer c
 ORDER BY lower(c.name), c.id) t
"""

BOARD_FLOOR_SQL = """
SELECT a.id, a.date, a.window_start, a.window_end, a.route_order, a.status, a.priority, c.name, p.street, p.city, w.name
  FROM appointment a JOIN customer c ON c.id = a.customer_id JOIN pool p ON p.id = a.pool_id
  LEFT JOIN worker w ON w.id = a.worker_id
 WHERE a.date = '2026-11-24'
 ORDER BY a.worker_id IS NULL, lower(w.name), a.route_order, a.window_start, a.id
"""

# The floor for `service submit ID` on PostgreSQL, as bench/run's SQLite floor is on SQLite: the same
# writes in one transaction, sent by psql as one query (one round trip) on a new connection. Ids
# are given by the statements (max(id) + 1, as pom gives them), so no pom_assign_id trigger runs.
SERVICE_SUBMIT_FLOOR_SQL = """
BEGIN;
UPDATE service SET status = 'submitted', ended_at = '{now}', updated_at = '{now}' WHERE id = {id} AND status = 'open';
UPDATE appointment SET status = 'completed', status_at = '{now}', updated_at = '{now}'
 WHERE id = (SELECT appointment_id FROM service WHERE id = {id});
INSERT INTO appointment_event (id, appointment_id, from_status, to_status, at, recorded_at, actor)
SELECT (SELECT coalesce(max(id), 0) + 1 FROM appointment_event), appointment_id, 'in_progress', 'completed', '{now}', '{now}', 'bench'
  FROM service WHERE id = {id};
INSERT INTO billable_line (id, customer_id, service_id, kind, description, quantity_milli, unit_price_cents, amount_cents, taxable,
                           service_date, source_key, created_at)
SELECT (SELECT coalesce(max(id), 0) + 1 FROM billable_line), customer_id, id, 'service', 'Maintenance visit', 1000, 4500, 4500, 0,
       left(started_at, 10), 'service:' || id, '{now}'
  FROM service WHERE id = {id};
INSERT INTO billable_line (id, customer_id, service_id, kind, description, quantity_milli, unit_price_cents, amount_cents, taxable,
                           service_date, source_key, created_at)
SELECT (SELECT max(id) FROM billable_line) + row_number() OVER (ORDER BY d.id), s.customer_id, s.id, 'chemical', i.name,
       d.stock_milli, i.price_cents, (d.stock_milli * i.price_cents + 500) / 1000, i.taxable, left(s.started_at, 10),
       'service:' || s.id || ':dose:' || d.id, '{now}'
  FROM dose d JOIN service s ON s.id = d.service_id JOIN inventory_item i ON i.id = d.item_id
 WHERE d.service_id = {id} AND i.billable <> 0 AND i.price_cents > 0;
UPDATE inventory_item SET stock_milli = stock_milli - (SELECT sum(stock_milli) FROM dose WHERE service_id = {id} AND item_id = inventory_item.id),
       updated_at = '{now}'
 WHERE id IN (SELECT item_id FROM dose WHERE service_id = {id});
INSERT INTO inventory_move (id, item_id, kind, quantity_milli, service_id, note, at, actor)
SELECT (SELECT coalesce(max(id), 0) FROM inventory_move) + row_number() OVER (ORDER BY id), item_id, 'use', -stock_milli, service_id,
       'service ' || service_id, '{now}', 'bench'
  FROM dose WHERE service_id = {id} AND item_id IS NOT NULL;
INSERT INTO audit_log (id, at, actor, command, entity, entity_id, action, before, after)
SELECT (SELECT coalesce(max(id), 0) FROM audit_log) + row_number() OVER (), a.* FROM (
SELECT '{now}', 'bench', 'service submit', 'service', id, 'update', json_build_object('status', 'open')::text,
       json_build_object('status', status)::text FROM service WHERE id = {id}
UNION ALL
SELECT '{now}', 'bench', 'service submit', 'appointment', appointment_id, 'update', json_build_object('status', 'in_progress')::text,
       json_build_object('status', 'completed')::text FROM service WHERE id = {id}
UNION ALL
SELECT '{now}', 'bench', 'service submit', 'billable_line', id, 'create', NULL, json_build_object('source_key', source_key)::text
  FROM billable_line WHERE service_id = {id}
UNION ALL
SELECT '{now}', 'bench', 'service submit', 'inventory_item', item_id, 'update', json_build_object('stock_milli', 0)::text,
       json_build_object('stock_milli', 0)::text FROM dose WHERE service_id = {id} AND item_id IS NOT NULL
UNION ALL
SELECT '{now}', 'bench', 'service submit', 'inventory_move', id, 'create', NULL, json_build_object('kind', kind)::text
  FROM inventory_move WHERE id > (SELECT max(id) - 2 FROM inventory_move) AND service_id = {id}) a;
COMMIT;
"""


class Cluster:
    """A throwaway PostgreSQL cluster, always stopped: by stop(), at exit, on SIGTERM/SIGHUP/Ctrl-C
    (the caller's try/finally), and on the next start if a killed run left one behind."""

    def __init__(self, out: Path, log, durable: bool = True, log_min_duration_ms: int | None = None, stats: bool = False,
                 one_cpu: bool = False, pooler: bool = False):
        self.out, self.log, self.one_cpu, self.pooler = out, log, one_cpu, pooler
        self.pool_base = ""  # the URI base through pgbouncer (--pg-pooler)
        self.durable, self.log_min_duration_ms, self.stats = durable, log_min_duration_ms, stats
        self.dir: Path | None = None
        self.base = ""
        self.marker = out / "pg-cluster.dir"  # where the running cluster is, for a later run to stop

    def start(self) -> None:
        if self.marker.exists():  # left by a run that was killed (SIGKILL): stop it first
            old = self.marker.read_text().strip()
            if old and Path(old).exists():
                self.log(f"stopping the cluster a killed run left in {old} ...")
                subprocess.run([str(CLUSTER), "stop", old], capture_output=True)
            self.marker.unlink(missing_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix="pom-bench-pg-"))
        os.chmod(self.dir, 0o755)
        self.marker.write_text(str(self.dir) + "\n")
        p = subprocess.run([str(CLUSTER), "start", str(self.dir)], capture_output=True, text=True)
        if p.returncode != 0:
            self.marker.unlink(missing_ok=True)
            raise SystemExit(f"bench/run: tests/pg/cluster start failed: {p.stderr.strip()[-800:]}")
        self.base = p.stdout.strip().splitlines()[-1]
        settings = []
        if self.durable:
            settings += ["fsync = on", "synchronous_commit = on", "full_page_writes = on"]
        if self.log_min_duration_ms is not None:
            settings += [f"log_min_duration_statement = {self.log_min_duration_ms}", "log_line_prefix = '%m [%p] %d '"]
        if self.stats:
            self.psql("postgres", "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
            self.pg_ctl("restart", "-l", str(self.dir / "log"), "-w", "-t", "60")
            settings += ["pg_stat_statements.track = 'all'"]
        for s in settings:
            self.psql("postgres", f"ALTER SYSTEM SET {s}")
        self.psql("postgres", "SELECT pg_reload_conf()")
        if self.stats:
            self.psql("postgres", "CREATE EXTENSION pg_stat_statements")
        if self.one_cpu:  # the server and what it forks from now on, on CPU 0 (the timed commands too: PgJobs.time)
            pm = self._postmaster()
            for pid in [pm] + [int(e.name) for e in os.scandir("/proc") if e.name.isdigit() and self._ppid(e.name) == pm]:
                subprocess.run(["taskset", "-a", "-p", "-c", "0", str(pid)], capture_output=True)
        if self.pooler:
            self.start_pgbouncer()
        time.sleep(0.2)
        self.log(f"PostgreSQL cluster in {self.dir}: " + self.psql("postgres", "SELECT version()", capture=True).split(",")[0]
                 + ("; durable (fsync, synchronous_commit, full_page_writes on)" if self.durable else "; durability off"))

    def start_pgbouncer(self) -> None:
        """PgBouncer (Debian's pgbouncer) in front of the cluster, session pooling (tests/pg/pooler):
        each pom process connects to it and is handed a server connection that an earlier process
        left, its backend already started and its catalog caches warm (DISCARD ALL between
        clients). pom needs session pooling: it prepares statements and sets its session's settings
        once a connection."""
        if not Path(PGBOUNCER).exists():
            raise SystemExit(f"bench/run: --pg-pooler needs {PGBOUNCER}: apt-get install pgbouncer")
        p = subprocess.run([str(POOLER), "start", str(self.dir / "pgbouncer"), str(self.dir)], capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"bench/run: pgbouncer did not start: {p.stderr.strip()[-500:]}")
        self.pool_base = p.stdout.strip()
        self.log(f"PgBouncer {subprocess.run([PGBOUNCER, '--version'], capture_output=True, text=True).stdout.split()[1]}"
                 f" in front of the cluster (session pooling): {self.pool_base}")

    def stop_pgbouncer(self) -> None:
        subprocess.run([str(POOLER), "stop", str(self.dir / "pgbouncer")], capture_output=True)

    def stop(self) -> None:
        if self.dir is None:
            return
        if self.pooler:
            self.stop_pgbouncer()
        if self.log_min_duration_ms is not None and (self.dir / "log").exists():
            saved = self.out / "pg-server.log"
            saved.write_bytes((self.dir / "log").read_bytes())
            self.log(f"the server's log (statements over {self.log_min_duration_ms} ms): {saved}")
        subprocess.run([str(CLUSTER), "stop", str(self.dir)], capture_output=True)
        self.marker.unlink(missing_ok=True)
        self.dir = None

    def pg_ctl(self, *args: str) -> None:
        """pg_ctl on this cluster, as its owner (nobody when run as root, as tests/pg/cluster does)."""
        cmd = [str(PG_BIN / "pg_ctl"), *args, "-D", str(self.dir / "data")]
        if os.getuid() == 0:
            cmd = ["runuser", "-u", "nobody", "--", *cmd]
        p = subprocess.run(cmd, cwd=self.dir, capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"bench/run: pg_ctl {' '.join(args)} failed: {p.stderr.strip()[-500:]}")

    def uri(self, db: str, pooled: bool = False) -> str:
        return (self.pool_base if pooled else self.base).replace("/postgres?", f"/{db}?", 1)

    def psql(self, db: str, sql: str, capture: bool = False, stdin=None) -> str:
        p = subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.uri(db), "-c", sql],
                           stdin=stdin, capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"bench/run: psql {db}: {sql[:200]} failed: {p.stderr.strip()[:500]}")
        return p.stdout.strip() if capture else ""

    def scalar(self, db: str, sql: str) -> int:
        return int(self.psql(db, sql, capture=True))

    def create_db(self, name: str, template: str | None = None) -> None:
        self.drop_db(name)
        # FILE_COPY: copy the template's files after a checkpoint (PostgreSQL 15's default, WAL_LOG,
        # copies block by block through the WAL: slower for a large template).
        self.psql("postgres", f"CREATE DATABASE {name}" + (f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""))

    def drop_db(self, name: str) -> None:
        self.psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    # --- the server's CPU time ------------------------------------------------------------------

    @staticmethod
    def _ppid(pid: str) -> int:
        try:
            stat = Path("/proc", pid, "stat").read_text()
        except OSError:
            return -1
        return int(stat[stat.rindex(")") + 2:].split()[1])

    def _postmaster(self) -> int:
        return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])

    def cpu_ms(self) -> float:
        """CPU time the cluster has used so far: the postmaster, its reaped children (the backends of
        runs that ended) and its live children. Waits first (up to 2 s) for client backends to end."""
        pm = self._postmaster()
        deadline = time.monotonic() + 2
        while True:
            children, clients = [], 0
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                try:
                    stat = Path(entry.path, "stat").read_text()
                except OSError:
                    continue
                fields = stat[stat.rindex(")") + 2:].split()
                if int(fields[1]) != pm:
                    continue
                children.append(fields)
                try:
                    if b"[local]" in Path(entry.path, "cmdline").read_bytes():
                        clients += 1
                except OSError:
                    pass
            # Through PgBouncer the backends stay, idle between clients: nothing to wait for.
            if clients == 0 or self.pooler or time.monotonic() > deadline:
                break
            time.sleep(0.005)
        stat = Path(f"/proc/{pm}/stat").read_text()
        f = stat[stat.rindex(")") + 2:].split()
        ticks = int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])  # utime stime cutime cstime
        ticks += sum(int(c[11]) + int(c[12]) for c in children)
        return ticks * 1000 / CLK_TCK


class Probe:
    """Called around each timed command (Bench.time's server=): the cluster's CPU time over the run
    and, with --pg-stats, the statements it ran (pg_stat_statements, reset before each timed run and
    added up after it, so that no prepare step is counted)."""

    STATS_SQL = ("SELECT coalesce(json_agg(json_build_array(calls, total_exec_time, rows, toplevel, "
                 "regexp_replace(query, '\\s+', ' ', 'g'))), '[]') FROM pg_stat_statements "
                 "WHERE query NOT LIKE '%pg_stat_statements%'")

    def __init__(self, cluster: Cluster, stats: dict | None):
        self.cluster, self.stats, self.timed, self.cpu0 = cluster, stats, False, 0.0

    def before(self, timed: bool) -> None:
        self.timed = timed
        if self.stats is not None and timed:
            self.cluster.psql("postgres", "SELECT pg_stat_statements_reset()")
        self.cpu0 = self.cluster.cpu_ms()

    def after(self) -> float:
        ms = self.cluster.cpu_ms() - self.cpu0
        if self.stats is not None and self.timed:
            self.stats["runs"] = self.stats.get("runs", 0) + 1
            for calls, total, rows, toplevel, query in json.loads(self.cluster.psql("postgres", self.STATS_SQL, capture=True)):
                key = ("" if toplevel else "  (nested) ") + query
                c = self.stats.setdefault("statements", {}).setdefault(key, [0, 0.0, 0])
                c[0] += calls
                c[1] += total
                c[2] += rows
        return ms


def stats_report(label: str, stats: dict, top: int = 15) -> str:
    runs = max(1, stats.get("runs", 1))
    rows = sorted(stats.get("statements", {}).items(), key=lambda kv: -kv[1][1])
    total_calls = sum(c for q, (c, _, _) in rows if not q.startswith("  (nested)"))
    lines = [f"== {label}: per run, {runs} runs; {total_calls / runs:.0f} top-level statements a run (round trips "
             f"besides connecting); nested: run inside them (triggers, foreign-key checks), their time included above",
             f"{'calls':>9} {'total ms':>10} {'mean us':>9} {'rows':>9}  statement"]
    for q, (calls, total, nrows) in rows[:top]:
        lines.append(f"{calls / runs:9.0f} {total / runs:10.1f} {1000 * total / max(calls, 1):9.1f} {nrows / runs:9.0f}  {q[:220]}")
    return "\n".join(lines) + "\n\n"


class PgJobs:
    """The PostgreSQL side of bench/run's jobs. Each job_* runs the SQLite job as it is (its numbers
    and its floor) and then the same work on PostgreSQL, and returns both."""

    def __init__(self, bench, out: Path, log, remove_db):
        self.b, self.out, self.log, self.remove_db = bench, out, log, remove_db
        self.cluster = Cluster(out, log, durable=bench.args.pg_durable, log_min_duration_ms=bench.args.pg_log_ms,
                               stats=bench.args.pg_stats, one_cpu=bench.args.pg_one_cpu, pooler=bench.args.pg_pooler)
        self.stats_file = out / "pg-statements.txt"
        if bench.args.pg_stats:
            self.stats_file.write_text("")
        self.loaded: dict[str, str] = {}  # PostgreSQL database -> the SQLite file it was copied from
        self.load_seconds: dict[str, float] = {}

    def start(self):
        self.cluster.start()

    def stop(self):
        self.cluster.stop()

    def load(self, name: str, sqlite_db: Path) -> str:
        """The SQLite company `sqlite_db` copied into a new database `name` with pom db copy; the
        tables autovacuum would analyze (more than 50 rows) ANALYZEd."""
        if self.loaded.get(name) == str(sqlite_db):
            return name
        t = time.perf_counter()
        self.cluster.create_db(name)
        self.b.run([self.b.pom, "--db", sqlite_db, "db", "copy", "--to", self.cluster.uri(name)])
        self.cluster.psql(name, ANALYZE_LOADED_SQL)
        self.cluster.psql("postgres", "CHECKPOINT")
        self.load_seconds[name] = round(time.perf_counter() - t, 1)
        self.log(f"  copied {sqlite_db.name} into PostgreSQL database {name} in {self.load_seconds[name]} s")
        self.loaded[name] = str(sqlite_db)
        return name

    def uri(self, name: str) -> str:
        """Where the timed commands (pom and the psql floors) connect: through PgBouncer with --pg-pooler."""
        return self.cluster.uri(name, pooled=self.b.args.pg_pooler)

    def time(self, label, cmd, prepare=None, runs=None, warmup=None, stdin=None):
        stats = {} if self.b.args.pg_stats else None
        if self.b.args.pg_one_cpu:  # taskset execs the command: wait4 still measures it alone
            make = cmd if callable(cmd) else (lambda c=cmd: c)
            cmd = lambda: ["taskset", "-c", "0", *make()]  # noqa: E731
        t = self.b.time(cmd, prepare, runs=runs, warmup=warmup, stdin=stdin, server=Probe(self.cluster, stats))
        if stats is not None:
            with open(self.stats_file, "a") as f:
                f.write(stats_report(label, stats))
        return t

    def psql_cmd(self, name: str, sql: str) -> list[str]:
        return [PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.uri(name), "-c", sql]

    def same_output(self, what: str, sqlite_cmd, pg_cmd) -> bool:
        a = self.b.run(sqlite_cmd, capture=True).stdout
        b = self.b.run(pg_cmd, capture=True).stdout
        if a != b:
            self.log(f"warning: {what}: pom's output differs between SQLite and PostgreSQL ({len(a)} and {len(b)} bytes)")
        return a == b

    # --- jobs -----------------------------------------------------------------------------------

    def job_list(self):
        sqlite = self.b.job_list()
        db = self.b.company(self.b.args.customers) / "pom.db"
        pg = self.uri(self.load("company", db))
        args = ["-o", "json", "customer", "list"]
        same = self.same_output("customer list", [self.b.pom, "--db", db, *args], [self.b.pom, "--db", pg, *args])
        floor = self.psql_cmd("company", LIST_FLOOR_SQL)
        floor_rows = json.loads(self.b.run(floor, capture=True).stdout)
        if len(floor_rows) != self.b.args.customers:
            raise SystemExit(f"bench/run: the psql floor listed {len(floor_rows)} customers, expected {self.b.args.customers}")
        return sqlite, {
            "target_ms": 50,
            "pom": self.time("customer list -o json", [self.b.pom, "--db", pg, *args]),
            "floor_cmd": "psql: the same customers with contacts and tags as one JSON array",
            "floor": self.time("customer list floor: psql", floor),
            "check": {"same_output_as_sqlite": same},
        }

    def job_expand(self):
        sqlite = self.b.job_expand()
        series = self.load("series", self.b.series_db())
        made = sqlite["check"]["visits"]
        cmd = [self.b.pom, "--db", self.uri("run"), "appt", "expand", "--through", "2027-11-23"]

        def prepare():
            self.cluster.create_db("run", series)

        # Once, untimed: expand, check the count, and dump the visits it wrote for the floor.
        prepare()
        self.b.run(cmd)
        count = self.cluster.scalar("run", "SELECT count(*) FROM appointment")
        if count != made:
            raise SystemExit(f"bench/run: expand on PostgreSQL made {count} visits, on SQLite {made}")
        columns = self.cluster.psql("run", APPOINTMENT_COLUMNS_SQL, capture=True)
        rows = self.b.work / "pg-expand-visits.copy"
        with open(rows, "w") as f:
            p = subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.uri("run"), "-c",
                                f"COPY (SELECT {columns} FROM appointment ORDER BY id) TO STDOUT"], stdout=f, stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise SystemExit(f"bench/run: dumping the visits failed: {p.stderr.decode()[:300]}")
        floor_cmd = [PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.uri("run"), "-c",
                     f"COPY appointment ({columns}) FROM STDIN"]
        prepare()
        with open(rows) as f:
            self.b.run(floor_cmd, stdin=f)
        floor_count = self.cluster.scalar("run", "SELECT count(*) FROM appointment")
        if floor_count != made:
            raise SystemExit(f"bench/run: the COPY floor loaded {floor_count} visits, expected {made}")
        # pom's expand on PostgreSQL takes minutes: --pg-slow-runs runs, after the untimed one above.
        pom = self.time("appt expand", cmd, prepare, runs=self.b.args.pg_slow_runs, warmup=0)
        floor = self.time("expand floor: psql COPY", floor_cmd, prepare, runs=self.b.args.import_runs, warmup=1, stdin=rows)
        self.cluster.drop_db("run")
        return sqlite, {
            "target_ms": 2000,
            "within": 3,
            "pom": pom,
            "floor_cmd": "psql: COPY appointment FROM STDIN of the same visit rows (ids included) into a fresh copy",
            "floor": floor,
            "check": {"visits": count},
        }

    def expanded(self) -> tuple[Path, str]:
        db = self.b.expanded_db()
        return db, self.uri(self.load("expanded", db))

    def job_appt_list(self):
        sqlite = self.b.job_appt_list()
        db, pg = self.expanded()
        args = ["-o", "json", "appt", "list", "--date", "2026-11-24"]
        same = self.same_output("appt list", [self.b.pom, "--db", db, *args], [self.b.pom, "--db", pg, *args])
        return sqlite, {"target_ms": 30, "pom": self.time("appt list --date", [self.b.pom, "--db", pg, *args]),
                        "floor_cmd": "psql (the day's visits joined)", "floor": self.board_floor(),
                        "check": {"same_output_as_sqlite": same}}

    def board_floor(self):
        if not hasattr(self, "_board_floor"):
            out = self.b.run(self.psql_cmd("expanded", BOARD_FLOOR_SQL), capture=True).stdout
            rows = len(out.splitlines())
            if rows == 0:
                raise SystemExit(f"bench/run: the psql board floor gave {rows} visits")
            self._board_floor = self.time("board floor: psql", self.psql_cmd("expanded", BOARD_FLOOR_SQL))
        return self._board_floor

    def job_board(self):
        sqlite = self.b.job_board()
        db, pg = self.expanded()
        args = ["appt", "board", "--date", "2026-11-24"]
        same = self.same_output("appt board", [self.b.pom, "--db", db, *args], [self.b.pom, "--db", pg, *args])
        return sqlite, {"target_ms": 30, "pom": self.time("appt board --date", [self.b.pom, "--db", pg, *args]),
                        "floor_cmd": "psql (the day's visits joined)", "floor": self.board_floor(),
                        "check": {"same_output_as_sqlite": same}}

    def job_service_submit(self):
        sqlite = self.b.job_service_submit()
        name = self.load("history", self.b.history_db())
        pg = self.uri(name)
        pom = [self.b.pom, "--db", pg]
        ticket = {}

        def prepare():
            # As on SQLite, untimed: today's next scheduled visit started, checked, tested, dosed.
            appt = self.cluster.scalar(name, "SELECT min(id) FROM appointment WHERE date = '2026-11-23' AND status = 'scheduled'")
            sid = int(self.b.run(pom + ["-o", "id", "service", "start", appt], capture=True).stdout.strip())
            self.b.run(pom + ["service", "check", sid, "--all"])
            self.b.run(pom + ["service", "reading", sid, "--fc", "1.2", "--cc", "0.2", "--ph", "7.9", "--ta", "110", "--ch", "450",
                              "--cya", "60", "--temp", "68"])
            self.b.run(pom + ["service", "dose", sid, "--chemical", "liquid chlorine", "--amount", "1.5", "--unit", "gal"])
            self.b.run(pom + ["service", "dose", sid, "--chemical", "muriatic acid", "--amount", "32", "--unit", "floz"])
            ticket["id"] = sid

        timed = self.time("service submit", lambda: pom + ["service", "submit", ticket["id"]], prepare)
        last = ticket["id"]
        state = self.cluster.psql(name, "SELECT s.status || ' ' || a.status || ' ' || (SELECT count(*) FROM billable_line WHERE service_id = s.id) "
                                        "|| ' ' || (SELECT count(*) FROM inventory_move WHERE service_id = s.id) "
                                        f"FROM service s JOIN appointment a ON a.id = s.appointment_id WHERE s.id = {last}", capture=True)
        if state != "submitted completed 3 2":
            raise SystemExit(f"bench/run: after submit on PostgreSQL, ticket {last} is '{state}', expected 'submitted completed 3 2'")
        floor = self.time("submit floor: psql",
                          lambda: self.psql_cmd(name, SERVICE_SUBMIT_FLOOR_SQL.format(id=ticket["id"], now="2026-11-23T08:00:00Z")),
                          prepare)
        floor_state = self.cluster.psql(name, "SELECT s.status || ' ' || a.status || ' ' || (SELECT count(*) FROM billable_line "
                                              "WHERE service_id = s.id) || ' ' || (SELECT count(*) FROM inventory_move WHERE service_id = s.id) "
                                              f"FROM service s JOIN appointment a ON a.id = s.appointment_id WHERE s.id = {ticket['id']}",
                                        capture=True)
        if floor_state != state:
            raise SystemExit(f"bench/run: the psql submit floor left ticket {ticket['id']} '{floor_state}', pom '{state}'")
        return sqlite, {"target_ms": 20, "pom": timed,
                        "floor_cmd": "psql: the same writes in one transaction, one round trip", "floor": floor,
                        "check": {"last_ticket": last, "state": state}}

    def job_bill_run(self):
        sqlite = self.b.job_bill_run()
        m = billing.billing_db(self.b, self.out, self.log)
        before = self.load("bill_before", Path(m["before"]))
        month = billing.MONTHS[-1]
        cmd = [self.b.pom, "--db", self.uri("run"), "--config", m["config"], "--now", billing.next_month_first(month),
               "bill", "run", "--period", month]

        def prepare():
            self.cluster.create_db("run", before)

        prepare()
        self.b.run(cmd)
        drafts = self.cluster.psql("run", "SELECT count(*) || ' ' || (SELECT count(*) FROM invoice_line l JOIN invoice i "
                                          "ON i.id = l.invoice_id WHERE i.seq IS NULL) FROM invoice WHERE seq IS NULL", capture=True)
        want = f"{sqlite['check']['drafts']} {sqlite['check']['lines']}"
        if drafts != want:
            raise SystemExit(f"bench/run: bill run on PostgreSQL made {drafts} (drafts lines), on SQLite {want}")
        timed = self.time("bill run --period", cmd, prepare, runs=self.b.args.pg_slow_runs, warmup=0)  # after the untimed run above
        self.cluster.drop_db("run")
        return sqlite, {"target_ms": 1500, "pom": timed, "check": {"drafts_lines": drafts}}


JOBS = ["list", "expand", "appt_list", "board", "service-submit", "bill_run"]


def summarize_pg(sqlite: dict, pg: dict) -> dict:
    """One row of the table: the SQLite job's summary and PostgreSQL's numbers beside it."""
    wall, cpu = pg["pom"]["wall"], pg["pom"]["cpu"]
    s = {
        "median_ms": round(statistics.median(wall), 2),
        "min_ms": round(min(wall), 2),
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "server_cpu_mean_ms": round(statistics.mean(pg["pom"]["server_cpu"]), 1),
        "runs": len(wall),
        "samples_ms": [round(x, 2) for x in wall],
        "target_ms": pg["target_ms"],
    }
    if "floor" in pg:
        s["floor"] = pg["floor_cmd"]
        s["floor_median_ms"] = round(statistics.median(pg["floor"]["wall"]), 2)
        s["floor_min_ms"] = round(min(pg["floor"]["wall"]), 2)
        s["floor_server_cpu_mean_ms"] = round(statistics.mean(pg["floor"]["server_cpu"]), 1)
        s["floor_samples_ms"] = [round(x, 2) for x in pg["floor"]["wall"]]
        s["ratio"] = round(s["median_ms"] / s["floor_median_ms"], 1)
    s["vs_sqlite"] = round(s["median_ms"] / sqlite["median_ms"], 1)
    if "within" in pg:
        s["within"] = pg["within"]
        s["pass"] = s["ratio"] <= pg["within"]
        s["target_met"] = s["median_ms"] < pg["target_ms"]
    else:
        s["pass"] = s["median_ms"] < pg["target_ms"]
    if "check" in pg:
        s["check"] = pg["check"]
    return {"job": sqlite["job"], "sqlite": sqlite, "postgresql": s}


def table(rows: list[dict]) -> str:
    head = ["job", "PG target", "SQLite median", "PG median", "PG min", "PG floor", "ratio", "PG/SQLite", "result",
            "cpu ms (pom median + server mean)"]
    out = [head]
    for r in rows:
        q, p = r["sqlite"], r["postgresql"]
        target = f"< {p['target_ms']} ms" + (f", {p['within']}x floor" if "within" in p else "")
        result = "pass" if p["pass"] else "MISS"
        if "target_met" in p and not p["target_met"]:
            result += f" ({p['target_ms']} ms missed)"
        out.append([r["job"], target, f"{q['median_ms']:.1f}", f"{p['median_ms']:.1f}", f"{p['min_ms']:.1f}",
                    f"{p['floor_median_ms']:.1f}" if "floor_median_ms" in p else "-",
                    f"{p['ratio']:.1f}x" if "ratio" in p else "-", f"{p['vs_sqlite']:.1f}x", result,
                    f"{p['cpu_median_ms']:.1f} + {p['server_cpu_mean_ms']:.1f}"])
    widths = [max(len(row[i]) for row in out) for i in range(len(head))]
    lines = []
    for k, row in enumerate(out):
        lines.append("  ".join([row[0].ljust(widths[0])] + [row[i].rjust(widths[i]) for i in range(1, len(row))]))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def install_signal_handlers() -> None:
    """SIGTERM and SIGHUP end the run as Ctrl-C does (through the callers' finally: the cluster stops)."""
    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, handler)


def run(bench, args, out: Path, log, remove_db, summarize) -> tuple[list[dict], dict]:
    jobs = PgJobs(bench, out, log, remove_db)
    install_signal_handlers()
    rows = []
    try:
        jobs.start()
        for name in args.only or JOBS:
            log(f"timing {name} (SQLite, then PostgreSQL) ...")
            sqlite, pg = getattr(jobs, "job_" + name.replace("-", "_"))()
            rows.append(summarize_pg(summarize(sqlite), pg))
        info = {"postgresql": jobs.cluster.psql("postgres", "SHOW server_version", capture=True),
                "durable": args.pg_durable, "one_cpu": args.pg_one_cpu, "load_seconds": jobs.load_seconds,
                "pooler": "pgbouncer, session pooling" if args.pg_pooler else None}
        # What any command pays on PostgreSQL before its first statement: psql connecting and
        # running nothing, against each engine (sqlite3 opening the same company).
        if "company" in jobs.loaded:
            connect = jobs.time("connect: psql SELECT 1", jobs.psql_cmd("company", "SELECT 1"))
            open_sqlite = bench.time([bench.sqlite3_path, jobs.loaded["company"], "SELECT 1"])
            info["connect_floor"] = {"psql_select_1_median_ms": round(statistics.median(connect["wall"]), 2),
                                     "psql_server_cpu_mean_ms": round(statistics.mean(connect["server_cpu"]), 1),
                                     "sqlite3_select_1_median_ms": round(statistics.median(open_sqlite["wall"]), 2)}
            log(f"connect floor: psql -c 'SELECT 1' {info['connect_floor']['psql_select_1_median_ms']} ms, "
                f"sqlite3 db 'SELECT 1' {info['connect_floor']['sqlite3_select_1_median_ms']} ms")
    finally:
        jobs.stop()
    return rows, info
