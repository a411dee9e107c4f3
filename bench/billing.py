"""Billing data and jobs for bench/run: a year of billable lines for the large company, invoiced month
by month through pom itself (`pom bill run --period M --issue`), then timed:

- bill_run: one month (5,000 customers, ~20,000 visits) gathered into drafts, on a copy of the
  database whose earlier months are already invoiced;
- bill_export: `bill export --format qbo` of the whole year (~60,000 invoices, ~250,000 lines)
  against the sqlite3 shell writing the same join as CSV, plus the peak memory of a one-month and a
  full-year export (streamed: it must not grow with the export).

The billable lines are written with SQL, as `pom service submit` writes them (kind, description,
quantity, price, taxable, service date, a unique source key); everything after that goes through pom.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

MONTHS = [f"2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]

EXPORT_FLOOR_SQL = """
SELECT i.number, coalesce(i.bill_to_name, c.name), i.issue_date, i.due_date, i.terms, '', 'Service period ' || i.period,
       l.item, l.description, l.quantity_milli / 1000.0, printf('%.2f', l.unit_price_cents / 100.0),
       printf('%.2f', l.amount_cents / 100.0), l.service_date, iif(l.taxable, 'TAX', 'NON'), printf('%.2f', l.tax_cents / 100.0)
  FROM invoice i JOIN customer c ON c.id = i.customer_id JOIN invoice_line l ON l.invoice_id = i.id
 WHERE i.kind = 'invoice' AND i.seq IS NOT NULL
 ORDER BY i.seq, l.position;
"""

CONFIG = 'timezone = "America/Phoenix"\n[tax]\nrate = "8.6"\n'


def next_month_first(month: str) -> str:
    y, m = int(month[:4]), int(month[5:])
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return f"{y:04d}-{m:02d}-01T06:00:00"


def write_lines(db: Path, customers: int, months: list[str], seed: str) -> int:
    """About 4 visits a month per customer, some with a chemical or a part: ~21,000 lines a month for 5,000."""
    con = sqlite3.connect(db)
    n = 0
    with con:
        con.executemany("INSERT INTO customer (id, ref, name, status, city, created_at, updated_at) "
                        "VALUES (?, ?, ?, 'active', 'Phoenix', '2025-11-01T00:00:00Z', '2025-11-01T00:00:00Z')",
                        [(c, f"C-{c:05d}", f"Customer {c:05d}") for c in range(1, customers + 1)])
        rows = []
        for month in months:
            rng = random.Random(f"{seed}:billing:{month}")
            for c in range(1, customers + 1):
                for week in range(4):
                    day = f"{month}-{1 + week * 7 + rng.randrange(7):02d}"
                    rows.append((c, "service", "Maintenance visit", 1000, 4500, 4500, 0, day, f"bench:{month}:{c}:{week}"))
                    if rng.random() < 0.05:
                        rows.append((c, "chemical", "Liquid chlorine 12.5%", 500, 600, 300, 1, day, f"bench:{month}:{c}:{week}:chem"))
                    if rng.random() < 0.01:
                        rows.append((c, "item", "Filter cartridge", 1000, 8900, 8900, 1, day, f"bench:{month}:{c}:{week}:item"))
        con.executemany("INSERT INTO billable_line (customer_id, kind, description, quantity_milli, unit_price_cents, "
                        "amount_cents, taxable, service_date, source_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        "'2026-01-01T00:00:00Z')", rows)
        n = len(rows)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return n


def billing_db(bench, out_dir: Path, log) -> dict:
    """The company with a year of billable lines: `before` has every month but the last invoiced,
    `year` has all twelve issued. Cached while this file and pom are unchanged."""
    customers = bench.args.customers
    out = out_dir / f"billing-{customers}-seed{bench.args.seed}"
    h = hashlib.sha256(Path(__file__).read_bytes() + Path(bench.pom).read_bytes() + str(customers).encode()).hexdigest()[:16]
    manifest = out / "manifest.json"
    if not bench.args.fresh and manifest.exists() and json.loads(manifest.read_text()).get("key") == h:
        return json.loads(manifest.read_text())
    log(f"building a year of billing for {customers} customers in {out} (cached for later runs) ...")
    out.mkdir(parents=True, exist_ok=True)
    config = out / "pom.toml"
    config.write_text(CONFIG)
    db = out / "year.db"
    for p in out.glob("*.db*"):
        p.unlink()
    bench.run([bench.pom, "--db", db, "--config", config, "init"])
    lines = write_lines(db, customers, MONTHS, bench.args.seed)
    t0 = time.perf_counter()
    for month in MONTHS[:-1]:
        bench.run([bench.pom, "--db", db, "--config", config, "--now", next_month_first(month), "bill", "run", "--period", month, "--issue"])
    shutil.copyfile(db, out / "before.db")
    bench.run([bench.pom, "--db", db, "--config", config, "--now", next_month_first(MONTHS[-1]), "bill", "run", "--period", MONTHS[-1], "--issue"])
    con = sqlite3.connect(db)
    invoices, inv_lines = con.execute("SELECT count(*), (SELECT count(*) FROM invoice_line) FROM invoice").fetchone()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    m = {"key": h, "customers": customers, "billable_lines": lines, "invoices": invoices, "invoice_lines": inv_lines,
         "load_seconds": round(time.perf_counter() - t0, 1), "config": str(config), "year": str(db), "before": str(out / "before.db")}
    manifest.write_text(json.dumps(m, indent=2) + "\n")
    return m


def peak_rss_kb(cmd, env) -> int:
    """Peak resident memory of pom itself. (wait4's ru_maxrss would also count the Python process the
    child was forked from, before exec, so GNU time measures it instead; -1 without GNU time.)"""
    if not os.access("/usr/bin/time", os.X_OK):
        return -1
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *[str(c) for c in cmd]], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise SystemExit(f"bench/run: {' '.join(map(str, cmd))[:200]} failed: {p.stderr[-300:]}")
    return int(p.stderr.strip().splitlines()[-1])


def job_bill_run(bench, out_dir: Path, log, remove_db) -> dict:
    m = billing_db(bench, out_dir, log)
    db = bench.work / "bill-run.db"

    def prepare():
        remove_db(db)
        shutil.copyfile(m["before"], db)

    cmd = [bench.pom, "--db", db, "--config", m["config"], "--now", next_month_first(MONTHS[-1]), "bill", "run", "--period", MONTHS[-1]]
    prepare()
    bench.run(cmd)
    con = sqlite3.connect(db)
    drafts, lines = con.execute("SELECT count(*), (SELECT count(*) FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id "
                                "WHERE i.seq IS NULL) FROM invoice WHERE seq IS NULL").fetchone()
    con.close()
    if drafts != m["customers"]:
        raise SystemExit(f"bench/run: bill run made {drafts} drafts, expected {m['customers']}")
    runs = max(3, bench.args.runs // 3)
    return {
        "job": f"bill run --period {MONTHS[-1]} ({m['customers']} customers, {lines} lines)",
        "what": "gather a month's unbilled lines, apply plans and tax, write one draft per customer with audit rows",
        "target_ms": 1000,
        "pom": bench.time(cmd, prepare, runs=runs, warmup=1),
        "check": {"drafts": drafts, "lines": lines},
    }


def job_bill_export(bench, out_dir: Path, log) -> dict:
    m = billing_db(bench, out_dir, log)
    db = m["year"]
    # --dry-run: the whole export, batch rows included, rolled back, so every run sees the same year.
    cmd = [bench.pom, "--db", db, "--config", m["config"], "bill", "export", "--format", "qbo", "--dry-run"]
    month = cmd + ["--to", "2026-01-15"]  # December's invoices only
    out = bench.run(cmd, capture=True).stdout
    rows = out.count("\n") - 1
    if rows != m["invoice_lines"]:
        raise SystemExit(f"bench/run: the export has {rows} rows, expected {m['invoice_lines']}")
    rss_month, rss_year = peak_rss_kb(month, bench.env), peak_rss_kb(cmd, bench.env)
    floor = [bench.args.sqlite3, "-readonly", "-csv", db, EXPORT_FLOOR_SQL]
    runs = max(3, bench.args.runs // 3)
    return {
        "job": f"bill export --format qbo (a year: {m['invoices']} invoices, {m['invoice_lines']} lines)",
        "what": "stream the year's invoice lines as QuickBooks Online CSV with checksum and control totals",
        "target_ms": 2000,
        "pom": bench.time(cmd, runs=runs, warmup=1),
        "floor_cmd": "sqlite3 -csv (the same join, ordered by number)",
        "floor": bench.time(floor, runs=runs, warmup=1),
        "check": {"rows": rows, "peak_rss_kb_one_month": rss_month, "peak_rss_kb_year": rss_year},
    }
