#!/usr/bin/python3
"""Generate a large, realistic pool-service company for pom's benchmarks.

Deterministic: the same --seed gives the same company, byte for byte. Every entity draws from its
own random stream (seed + kind + number), so customer C-00042 is the same whether 5,000 or 10,000
customers are asked for, and adding a new kind of data later (appointments, services, invoices,
notes) does not change the data that is already generated.

The company is built in two steps:

1. build_company(): plain Python records (Worker, Customer, Pool) and nothing else.
2. Loaders turn those records into a database. Each one is a Stage with a name and a function;
   they run in order and their wall time is written to manifest.json. Today every stage goes
   through pom itself (`pom init`, `pom customer import`, `pom batch`), so the data passes pom's
   validation and lands with its audit log. When a later stage has millions of rows (three years
   of appointments, services, invoices) and pom would be too slow to load them, that stage may
   write SQL straight into the database instead (see load_sql below); it must then write what pom
   would write (created_at/updated_at, audit rows if the benchmark depends on them).

To add a capability: add its records to Company and a build_<kind>() using rng_for(seed, kind, n);
add a Stage that loads them; bump GENERATOR_VERSION so cached companies are rebuilt.

With --history (bench/run's service jobs turn it on), two more stages follow: the chemicals on the
shelf (through pom) and three years of history written in SQL by history.py: weekly routes,
~750k appointments and ~720k submitted service tickets with checklists, readings (LSI, CSI,
flags), doses, stock moves, billable lines and status events (about 2.5 minutes; 1.5 GB).

Usage:
    generate.py [--customers N] [--workers N] [--seed S] [--out DIR] [--pom PATH] [--csv-only] [--history]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
import history  # noqa: E402  (three years of appointments and service tickets, in SQL)

# Bump when the generated data or the way it is loaded changes: bench/run rebuilds its cache.
GENERATOR_VERSION = 1

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DEFAULT_POM = REPO_DIR / "build-bench" / "cmd" / "pom"
DEFAULT_NOW = "2026-11-23T08:00:00"

# --- reference data -------------------------------------------------------------------------------

# City, state, ZIP codes, centre latitude/longitude, weight (roughly households with pools).
CITIES = [
    ("Phoenix", ["85016", "85018", "85020", "85022", "85028", "85032", "85044", "85048", "85050", "85054"], 33.4484, -112.0740, 30),
    ("Scottsdale", ["85250", "85251", "85254", "85255", "85258", "85259", "85260", "85262"], 33.4942, -111.9261, 16),
    ("Mesa", ["85201", "85203", "85205", "85207", "85209", "85212", "85213", "85215"], 33.4152, -111.8315, 12),
    ("Chandler", ["85224", "85225", "85226", "85248", "85249", "85286"], 33.3062, -111.8413, 10),
    ("Gilbert", ["85233", "85234", "85295", "85296", "85297", "85298"], 33.3528, -111.7890, 10),
    ("Tempe", ["85281", "85282", "85283", "85284"], 33.4255, -111.9400, 6),
    ("Glendale", ["85302", "85304", "85306", "85308", "85310"], 33.5387, -112.1860, 6),
    ("Peoria", ["85345", "85373", "85381", "85382", "85383"], 33.5806, -112.2374, 5),
    ("Paradise Valley", ["85253"], 33.5310, -111.9426, 2),
    ("Fountain Hills", ["85268"], 33.6117, -111.7174, 1),
    ("Cave Creek", ["85331"], 33.8333, -111.9507, 1),
    ("Queen Creek", ["85140", "85142"], 33.2487, -111.6343, 1),
]

STREETS = [
    "E Camelback Rd", "E Indian School Rd", "N 32nd St", "N 44th St", "N 56th St", "E Shea Blvd",
    "E Cactus Rd", "E Thunderbird Rd", "E Bell Rd", "N Scottsdale Rd", "E McDowell Rd", "W Glendale Ave",
    "W Northern Ave", "W Peoria Ave", "E Baseline Rd", "E Guadalupe Rd", "E Elliot Rd", "E Warner Rd",
    "E Ray Rd", "E Chandler Blvd", "S Power Rd", "S Gilbert Rd", "S Val Vista Dr", "S Lindsay Rd",
    "E Via Linda", "N Hayden Rd", "N Pima Rd", "E Doubletree Ranch Rd", "E Mountain View Rd",
    "N Tatum Blvd", "E Lincoln Dr", "N 7th Ave", "N 19th Ave", "W Union Hills Dr", "E Desert Cove Ave",
    "E Sahuaro Dr", "N Saguaro Blvd", "E Palo Verde Dr", "W Ocotillo Rd", "E Mesquite St",
    "E Jojoba Rd", "N Desert Willow Ln", "E Cholla St", "W Ironwood Dr", "E Acacia Cir",
]

FIRST_NAMES = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Christopher", "Karen",
    "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Steven", "Ashley",
    "Paul", "Kimberly", "Andrew", "Emily", "Joshua", "Donna", "Kevin", "Michelle", "Brian", "Carol",
    "Jose", "Maria", "Luis", "Ana", "Carlos", "Rosa", "Miguel", "Lucia", "Juan", "Carmen",
    "Wei", "Mei", "Raj", "Priya", "Ahmed", "Fatima", "Nguyen", "Linh", "Olga", "Ivan",
    "Zoë", "José", "Renée", "Chloé", "Søren", "Björn",
]

LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
    "O'Brien", "McAllister", "Van der Berg", "Okafor", "Patel", "Kowalski", "Müller", "Núñez",
]

COMPANY_KINDS = ["HOA", "Property Management", "Vacation Rentals", "Apartments", "Resort", "Fitness Club"]
COMPANY_WORDS = ["Desert Ridge", "Camelback", "Sonoran", "Saguaro", "Red Rock", "Canyon View", "Palo Verde",
                 "Superstition", "McDowell", "Sun Valley", "Arcadia", "Ahwatukee", "Troon", "Grayhawk"]

EMAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com", "cox.net", "asu.edu"]
AREA_CODES = ["602", "480", "623"]

TAGS = [("weekly", 50), ("biweekly", 12), ("salt", 20), ("autopay", 35), ("paper-invoice", 6), ("vip", 4),
        ("hoa", 3), ("spanish", 7), ("snowbird", 8), ("green-pool-recovery", 2), ("equipment-warranty", 5),
        ("referral", 6), ("late-payer", 3)]

CUSTOMER_NOTES = [
    "Prefers texts over calls.", "Call before arriving, gate is locked on weekends.",
    "Snowbird: away May to October; keep the pool running.", "Pays by check; mail invoices.",
    "Referred by a neighbour.", "Wants a heads-up before any chemical upcharge.",
    "HOA contact: ask for the on-site manager, \"Dana\".", "Spanish speaker; his daughter handles email.",
    "Rental property, tenants change often; billing goes to the owner.",
]

ACCESS_NOTES = [
    "Side gate on the left, latch sticks.", "Key in the lockbox by the garage, code on file.",
    "Enter through the alley; park on the street, not the driveway.", "Pool equipment behind the shed.",
    "Ring the bell; the owner works from home.", "Backwash valve is stiff, use the wrench in the shed.",
    "Side gate, then left past the citrus trees.", "Community pool: sign in at the clubhouse office.",
]

SURFACES = [("plaster", 40), ("pebble", 35), ("quartz", 12), ("fiberglass", 6), ("vinyl", 3), ("tile", 3), ("other", 1)]
SANITIZERS = [("chlorine", 55), ("salt", 38), ("mineral", 3), ("bromine", 2), ("biguanide", 1), ("other", 1)]
WORKER_ROLES = [("technician", 30), ("office", 6), ("manager", 3), ("admin", 1)]

# --- records --------------------------------------------------------------------------------------


@dataclasses.dataclass
class Worker:
    name: str
    phone: str
    email: str
    role: str


@dataclasses.dataclass
class Pool:
    customer_ref: str
    name: str
    body: str  # pool | spa
    gallons: int
    surface: str
    sanitizer: str
    lat: float
    lon: float
    gate_code: str = ""
    access_notes: str = ""
    dog: bool = False
    street: str = ""  # empty: the customer's billing address (pom's default)
    city: str = ""
    state: str = ""
    zip: str = ""


@dataclasses.dataclass
class Customer:
    ref: str
    name: str
    company: str
    status: str
    emails: list[str]
    phones: list[str]
    email_opt_in: Optional[bool]  # None: leave pom's default
    sms_opt_in: Optional[bool]
    street: str
    city: str
    state: str
    zip: str
    notes: str
    tags: list[str]
    pools: list[Pool]


@dataclasses.dataclass
class Company:
    seed: str
    workers: list[Worker]
    customers: list[Customer]
    # Later: series/appointments over three years, services with readings and doses, invoices,
    # notes. Each gets its own list here and its own build_<kind>() below.

    @property
    def pools(self) -> list[Pool]:
        return [p for c in self.customers for p in c.pools]


# --- building -------------------------------------------------------------------------------------


def rng_for(seed: str, kind: str, n: int) -> random.Random:
    """One independent random stream per entity (string seeds hash with SHA-512: stable everywhere)."""
    return random.Random(f"pom-bench:{seed}:{kind}:{n}")


def weighted(rng: random.Random, pairs):
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return rng.choices(values, weights)[0]


def phone(rng: random.Random) -> str:
    # 555-01xx are the only 555 numbers reserved for fiction; use realistic exchanges instead, with
    # the formats people type.
    area = rng.choice(AREA_CODES)
    exchange = rng.randint(200, 989)
    line = rng.randint(0, 9999)
    fmt = rng.random()
    if fmt < 0.6:
        return f"({area}) {exchange}-{line:04d}"
    if fmt < 0.9:
        return f"{area}-{exchange}-{line:04d}"
    return f"+1 {area} {exchange} {line:04d}"


def ascii_slug(s: str) -> str:
    table = str.maketrans({"é": "e", "ë": "e", "ó": "o", "ú": "u", "ñ": "n", "ü": "u", "ø": "o", "ö": "o", "'": "", " ": ""})
    return s.lower().translate(table)


def build_workers(seed: str, count: int) -> list[Worker]:
    workers, names = [], set()
    for i in range(1, count + 1):
        rng = rng_for(seed, "worker", i)
        while True:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name.lower() not in names:
                break
        names.add(name.lower())
        role = weighted(rng, WORKER_ROLES) if i > 1 else "admin"
        email = f"{ascii_slug(name.split()[0])}.{ascii_slug(name.split()[-1])}@bluewaterpools.example"
        workers.append(Worker(name=name, phone=phone(rng), email=email, role=role))
    return workers


def build_pool(rng: random.Random, ref: str, city: tuple, spa: bool, name: str) -> Pool:
    _, _, lat0, lon0, _ = city
    if spa:
        gallons = rng.randrange(300, 1600, 50)
    else:
        gallons = int(rng.triangular(8000, 40000, 16000)) // 500 * 500
    pool = Pool(
        customer_ref=ref,
        name=name,
        body="spa" if spa else "pool",
        gallons=gallons,
        surface="other" if spa and rng.random() < 0.5 else weighted(rng, SURFACES),
        sanitizer=weighted(rng, SANITIZERS),
        lat=round(lat0 + rng.uniform(-0.06, 0.06), 6),
        lon=round(lon0 + rng.uniform(-0.07, 0.07), 6),
    )
    if rng.random() < 0.45:
        pool.gate_code = rng.choice(["#", "*", ""]) + f"{rng.randint(0, 9999):04d}"
    if rng.random() < 0.35:
        pool.access_notes = rng.choice(ACCESS_NOTES)
    pool.dog = rng.random() < 0.22
    return pool


def build_customer(seed: str, n: int) -> Customer:
    rng = rng_for(seed, "customer", n)
    ref = f"C-{n:05d}"
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    city = rng.choices(CITIES, [c[4] for c in CITIES])[0]
    company = ""
    if rng.random() < 0.05:
        company = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)}"
    r = rng.random()
    status = "active" if r < 0.84 else "lead" if r < 0.94 else "inactive"

    emails = []
    n_emails = weighted(rng, [(0, 6), (1, 82), (2, 12)])
    for k in range(n_emails):
        local = [f"{ascii_slug(first)}.{ascii_slug(last)}", f"{ascii_slug(first)[0]}{ascii_slug(last)}",
                 f"{ascii_slug(first)}{rng.randint(1, 99)}", f"{ascii_slug(last)}.family"][rng.randrange(4)]
        email = f"{local}{'' if k == 0 else '.alt'}@{rng.choice(EMAIL_DOMAINS)}"
        if email not in emails:
            emails.append(email)
    phones = []
    for _ in range(weighted(rng, [(0, 3), (1, 72), (2, 25)])):
        p = phone(rng)
        if p not in phones:
            phones.append(p)

    # Opt-ins: most say yes to email notices; fewer have opted in to texts.
    email_opt_in = None if rng.random() < 0.5 else rng.random() < 0.9
    sms_opt_in = rng.random() < 0.6

    street = f"{rng.randint(100, 29999)} {rng.choice(STREETS)}"
    zip_code = rng.choice(city[1])
    notes = rng.choice(CUSTOMER_NOTES) if rng.random() < 0.12 else ""
    tags = []
    for tag, pct in TAGS:
        if rng.random() * 100 < pct:
            tags.append(tag)
    if company and "hoa" not in tags and "HOA" in company:
        tags.append("hoa")

    customer = Customer(ref=ref, name=f"{first} {last}", company=company, status=status, emails=emails,
                        phones=phones, email_opt_in=email_opt_in, sms_opt_in=sms_opt_in, street=street,
                        city=city[0], state="AZ", zip=zip_code, notes=notes, tags=tags, pools=[])

    # Pools: most have one; some a pool and a spa, some a second property, a few only a spa.
    r = rng.random()
    if r < 0.03:
        customer.pools.append(build_pool(rng, ref, city, True, "Spa"))
    else:
        customer.pools.append(build_pool(rng, ref, city, False, "Pool"))
        if r < 0.11:
            customer.pools.append(build_pool(rng, ref, city, True, "Spa"))
        elif r < 0.15:
            other = rng.choices(CITIES, [c[4] for c in CITIES])[0]
            second = build_pool(rng, ref, other, False, "Rental pool")
            second.street = f"{rng.randint(100, 29999)} {rng.choice(STREETS)}"
            second.city, second.state, second.zip = other[0], "AZ", rng.choice(other[1])
            customer.pools.append(second)
    return customer


def build_company(seed: str, customers: int, workers: int) -> Company:
    return Company(
        seed=seed,
        workers=build_workers(seed, workers),
        customers=[build_customer(seed, n) for n in range(1, customers + 1)],
    )


# --- writing --------------------------------------------------------------------------------------

IMPORT_COLUMNS = ["ref", "name", "company", "status", "email", "phone", "email_opt_in", "sms_opt_in",
                  "street", "city", "state", "zip", "notes", "tags"]


def yes_no(v: Optional[bool]) -> str:
    return "" if v is None else ("yes" if v else "no")


def write_customers_csv(company: Company, path: Path) -> None:
    """pom's import format (customer_import_columns() in lib/customer.cpp): lists joined by ';'."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(IMPORT_COLUMNS)
        for c in company.customers:
            w.writerow([c.ref, c.name, c.company, c.status, ";".join(c.emails), ";".join(c.phones),
                        yes_no(c.email_opt_in), yes_no(c.sms_opt_in), c.street, c.city, c.state, c.zip,
                        c.notes, ";".join(c.tags)])


def batch_line(args: list[str]) -> str:
    return json.dumps(args, ensure_ascii=False) + "\n"


def write_workers_batch(company: Company, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for w in company.workers:
            f.write(batch_line(["worker", "add", "--name", w.name, "--phone", w.phone, "--email", w.email,
                                "--role", w.role]))


def pool_args(p: Pool) -> list[str]:
    args = ["pool", "add", "--customer", p.customer_ref, "--name", p.name, "--body", p.body,
            "--gallons", str(p.gallons), "--surface", p.surface, "--sanitizer", p.sanitizer,
            "--lat", f"{p.lat:.6f}", "--lon", f"{p.lon:.6f}", "--dog" if p.dog else "--no-dog"]
    if p.gate_code:
        args += ["--gate-code", p.gate_code]
    if p.access_notes:
        args += ["--access-notes", p.access_notes]
    if p.street:
        args += ["--street", p.street, "--city", p.city, "--state", p.state, "--zip", p.zip]
    return args


def write_pools_batch(company: Company, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for p in company.pools:
            f.write(batch_line(pool_args(p)))


# --- loading --------------------------------------------------------------------------------------


@dataclasses.dataclass
class Loader:
    pom: Path
    db: Path
    out: Path
    env: dict

    def pom_run(self, *args: str) -> str:
        cmd = [str(self.pom), "--db", str(self.db), *args]
        p = subprocess.run(cmd, env=self.env, capture_output=True, text=True)
        if p.returncode != 0:
            tail = (p.stderr or p.stdout).strip().splitlines()[-5:]
            raise SystemExit(f"generate.py: {' '.join(cmd[:6])} ... failed ({p.returncode}):\n  " + "\n  ".join(tail))
        return p.stdout

    def load_sql(self, sql: str, rows) -> None:
        """For stages too big to go through pom: executemany straight into the database."""
        con = sqlite3.connect(self.db)
        try:
            with con:
                con.executemany(sql, rows)
        finally:
            con.close()


@dataclasses.dataclass
class Stage:
    name: str
    run: Callable[[Company, Loader], dict]


def stage_init(company: Company, ld: Loader) -> dict:
    ld.pom_run("init")
    return {}


def stage_workers(company: Company, ld: Loader) -> dict:
    path = ld.out / "workers.batch"
    write_workers_batch(company, path)
    ld.pom_run("batch", str(path))
    return {"rows": len(company.workers)}


def stage_customers(company: Company, ld: Loader) -> dict:
    path = ld.out / "customers.csv"
    result = json.loads(ld.pom_run("-o", "json", "customer", "import", str(path)))
    return {"rows": len(company.customers), "pom": result}


def stage_pools(company: Company, ld: Loader) -> dict:
    path = ld.out / "pools.batch"
    write_pools_batch(company, path)
    ld.pom_run("batch", str(path))
    return {"rows": len(company.pools)}


# In order. Later: invoices, customer notes.
STAGES = [
    Stage("init", stage_init),
    Stage("workers", stage_workers),
    Stage("customers", stage_customers),
    Stage("pools", stage_pools),
]

# With --history (history.py): the chemicals on the shelf through pom, then three years of visits in SQL.
HISTORY_STAGES = [
    Stage("inventory", lambda company, ld: history.stage_inventory(ld)),
    Stage("history", lambda company, ld: history.stage_history(company.seed, ld)),
]


def pom_env(now: str) -> dict:
    """A clean environment: fixed clock and actor, no user config, no POM_DB."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POM_")}
    env.update({"POM_NOW": now, "POM_USER": "bench", "XDG_CONFIG_HOME": str(BENCH_DIR / "out" / "no-config"),
                "LC_ALL": "C.UTF-8"})
    return env


def cache_key(customers: int, workers: int, seed: str, pom: Path, with_history: bool = False) -> str:
    """What a cached company depends on: this generator and the pom that loaded it."""
    h = hashlib.sha256()
    h.update(Path(__file__).read_bytes())
    h.update(f"{GENERATOR_VERSION}:{customers}:{workers}:{seed}".encode())
    if with_history:
        h.update(b"history:" + (BENCH_DIR / "history.py").read_bytes())
    try:
        h.update(Path(pom).read_bytes())
    except OSError:
        pass
    return h.hexdigest()[:16]


def generate(customers: int, workers: int, seed: str, out: Path, pom: Path, csv_only: bool, now: str,
             with_history: bool = False) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    company = build_company(seed, customers, workers)
    timings = {"build": round(time.perf_counter() - t0, 3)}
    write_customers_csv(company, out / "customers.csv")
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "customers": len(company.customers),
        "workers": len(company.workers),
        "pools": len(company.pools),
        "now": now,
        "csv_only": csv_only,
        "history": with_history and not csv_only,
        "key": cache_key(customers, workers, seed, pom, with_history) if not csv_only else cache_key(customers, workers, seed, Path("-")),
        "stages": {},
    }
    if not csv_only:
        db = out / "pom.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        ld = Loader(pom=pom, db=db, out=out, env=pom_env(now))
        for stage in STAGES + (HISTORY_STAGES if with_history else []):
            t = time.perf_counter()
            info = stage.run(company, ld)
            info["seconds"] = round(time.perf_counter() - t, 3)
            manifest["stages"][stage.name] = info
    manifest["seconds"] = round(time.perf_counter() - t0, 3)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Generate a large pool-service company and load it through pom.")
    ap.add_argument("--customers", type=int, default=5000, help="customers (default 5000)")
    ap.add_argument("--workers", type=int, default=40, help="workers (default 40)")
    ap.add_argument("--seed", default="1", help="random seed (default 1)")
    ap.add_argument("--out", type=Path, default=BENCH_DIR / "out" / "company",
                    help="output folder: customers.csv, *.batch, pom.db, manifest.json")
    ap.add_argument("--pom", type=Path, default=DEFAULT_POM, help=f"pom binary (default {DEFAULT_POM})")
    ap.add_argument("--now", default=DEFAULT_NOW, help="POM_NOW for the load")
    ap.add_argument("--csv-only", action="store_true", help="write customers.csv only; no database")
    ap.add_argument("--history", action=argparse.BooleanOptionalAction, default=False,
                    help="add three years of appointments and service tickets with readings, doses, checklists "
                         "and billable lines (bench/run's service jobs use it; default: no)")
    a = ap.parse_args(argv)
    if a.customers < 1 or a.workers < 1:
        ap.error("--customers and --workers must be at least 1")
    if not a.csv_only and not os.access(a.pom, os.X_OK):
        ap.error(f"no pom binary at {a.pom} (build it: cmake --build build-bench --target pom)")
    m = generate(a.customers, a.workers, a.seed, a.out, a.pom, a.csv_only, a.now, a.history)
    stages = ", ".join(f"{k} {v['seconds']}s" for k, v in m["stages"].items())
    hist = m["stages"].get("history")
    print(f"{a.out}: {m['customers']} customers, {m['pools']} pools, {m['workers']} workers"
          + (f", {hist['services']} service tickets" if hist else "")
          + f" in {m['seconds']}s" + (f" ({stages})" if stages else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
