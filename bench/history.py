"""Three years of service history for the benchmark company (generate.py --history).

Every pool of an active or inactive customer is on a technician's weekly route: one recurring
series per pool, its appointments from three years ago through four weeks ahead, and for every
visit already done a submitted service ticket with its checklist, a full water test (LSI, CSI and
out-of-range flags computed as lib/chemistry.cpp does), the chemicals added (taken from the
shelf: inventory moves), the billable lines submit records, the appointment's status events and
now and then a note. About 5,000 pools x 52 weeks x 3 years: some 750k tickets.

pom would take hours to load that through its commands, so this stage writes the rows directly,
into a database that `pom init` made (the real schema, its CHECK constraints and triggers): the
per-visit values come from Python (one random stream per pool, so the same seed gives the same
history), the rows derived from them (checklists, doses, lines, events, moves) from INSERT ...
SELECT statements, all in one transaction. Audit log rows are not written for the history.

The company works in pom's default time zone (the bench has no config: UTC), so a visit at 08:10
local is stored as 08:10Z.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import sqlite3
import time

# What the default config calls a maintenance visit (lib/config.cpp default_service_types and
# default_checklists): price, duration and checklist (item, required, photo required).
SERVICE_TYPE = "maintenance"
SERVICE_PRICE_CENTS = 4500
SERVICE_DESCRIPTION = "Maintenance visit"
CHECKLIST = [
    ("Skim surface", 1, 0), ("Empty skimmer and pump baskets", 1, 0), ("Brush walls and steps", 1, 0),
    ("Vacuum", 0, 0), ("Check filter pressure", 1, 0), ("Test and balance water", 1, 0),
]

# The shelf (loaded through `pom batch` so items carry their audit rows): sku, name, unit,
# chemical (the name doses use), cost, price, opening stock, reorder level.
INVENTORY = [
    ("LC-125", "Liquid chlorine 12.5%", "gal", "liquid chlorine", "3.10", "6.50", "800", "150"),
    ("MA-3145", "Muriatic acid 31.45%", "gal", "muriatic acid", "5.40", "11.00", "300", "60"),
    ("TRI-3", "Trichlor 3in tablets", "tab", "trichlor tablets", "0.85", "2.25", "2000", "400"),
    ("SA-25", "Soda ash", "lb", "soda ash", "0.90", "2.40", "250", "50"),
    ("CC-77", "Calcium chloride 77%", "lb", "calcium chloride", "1.10", "2.80", "200", "50"),
    ("CYA-4", "Stabilizer (cyanuric acid)", "lb", "cyanuric acid", "3.20", "7.50", "120", "25"),
    ("SALT-40", "Pool salt 40 lb bag", "bag", "pool salt", "6.00", "12.00", "150", "30"),
    ("CART-100", "Filter cartridge 100 sq ft", "each", None, "38.00", "79.00", "40", "8"),
]

SKIP_REASONS = ["Gate locked", "Dog in the yard", "Customer asked to skip this week", "Storm", "Pool drained for repair"]
NOTES = [
    "Water looks great this week.", "Brushed the steps well, some algae starting in the shallow end corner.",
    "Filter pressure is getting high; we will clean the filter on the next visit.",
    "Skimmer basket was full of leaves from the palo verde.", "Pump is making a noise, we will keep an eye on it.",
    "Added extra chlorine after the monsoon storm.", "Please keep the gate closed for the dog.",
]
PRIVATE_NOTES = ["Customer was unhappy about the bill, call the office.", "Gate code changed, ask the office.",
                 "Heater panel shows error E4.", "Owner said they might switch companies."]

# lib/chemistry.cpp: classic LSI factor tables, interpolated.
K_TF = [(32, 0.0), (37, 0.1), (46, 0.2), (53, 0.3), (60, 0.4), (66, 0.5), (76, 0.6), (84, 0.7), (94, 0.8), (105, 0.9), (128, 1.0)]
K_CF = [(5, 0.3), (25, 1.0), (50, 1.3), (75, 1.5), (100, 1.6), (150, 1.8), (200, 1.9), (300, 2.1), (400, 2.2), (800, 2.5), (1000, 2.6)]
K_AF = [(5, 0.7), (25, 1.4), (50, 1.7), (75, 1.9), (100, 2.0), (150, 2.2), (200, 2.3), (300, 2.5), (400, 2.6), (800, 2.9), (1000, 3.0)]


def interpolate(table, x):
    if x <= table[0][0]:
        return table[0][1]
    if x >= table[-1][0]:
        return table[-1][1]
    for (x0, y0), (x1, y1) in zip(table, table[1:]):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return table[-1][1]


def carbonate_alkalinity(ta, ph, cya, borate):
    return ta - 0.38772 * cya / (1 + 10 ** (6.83 - ph)) - 4.63 * borate / (1 + 10 ** (9.11 - ph))


def lsi_classic(ph, ta, ch, temp_f, cya, borate, tds):
    carb = carbonate_alkalinity(ta, ph, cya or 0, borate or 0)
    if ch <= 0 or carb <= 0:
        return None
    c_tds = 12.2 if tds and tds > 1000 else 12.1
    return ph + interpolate(K_TF, temp_f) + interpolate(K_CF, ch) + interpolate(K_AF, carb) - c_tds


def csi(ph, ta, ch, temp_f, cya, borate, salt):
    carb = carbonate_alkalinity(ta, ph, cya or 0, borate or 0)
    if ch <= 0 or carb <= 0:
        return None
    extra_nacl = max(0.0, (salt or 0) - 1.1678 * ch)
    ionic = (1.5 * ch + ta) / 50045 + extra_nacl / 58440
    t_c = (temp_f - 32) * 5.0 / 9.0
    s = math.sqrt(ionic)
    return ph - 11.677 + math.log10(ch) + math.log10(carb) - 2.56 * s / (1 + 1.65 * s) - 1412.5 / (t_c + 273.15) + 4.7375


def targets(sanitizer: str, surface: str) -> dict:
    """lib/chemistry.cpp default_targets()."""
    soft = surface in ("vinyl", "fiberglass")
    t = {"ph": (7.2, 7.8), "ta": (80, 120), "ch": (150, 250) if soft else (200, 400), "cc": (0, 0.5),
         "phosphate": (0, 500), "tds": (0, 6000.0 if sanitizer == "salt" else 1500.0)}
    if sanitizer == "bromine":
        t["fc"] = (3, 5)
    elif sanitizer != "biguanide":
        t["fc"] = (2, 4)
        t["cya"] = (60, 80) if sanitizer == "salt" else (30, 50)
    if sanitizer == "salt":
        t["salt"] = (2700, 3400)
    return t


FLAG_ORDER = ["fc", "cc", "ph", "ta", "ch", "cya", "salt", "phosphate", "tds", "temp_f", "borate"]


def flags(values: dict, t: dict) -> str:
    """The JSON array pom stores (nlohmann's dump(): no spaces)."""
    out = []
    for name in FLAG_ORDER:
        v = values.get(name)
        r = t.get(name)
        if v is None or r is None:
            continue
        if v < r[0]:
            out.append(f'"{name}_low"')
        elif v > r[1]:
            out.append(f'"{name}_high"')
    return "[" + ",".join(out) + "]"


class PoolWater:
    """A pool's water drifting week to week; each visit's test reads it with some noise."""

    def __init__(self, rng: random.Random, sanitizer: str, surface: str, body: str):
        self.rng, self.sanitizer, self.surface, self.body = rng, sanitizer, surface, body
        self.targets = targets(sanitizer, surface)
        self.ph = rng.uniform(7.3, 7.9)
        self.ta = rng.uniform(70, 130)
        self.ch = rng.uniform(250, 650)  # Phoenix water is hard
        self.cya = rng.uniform(20, 80) if sanitizer not in ("biguanide", "bromine") else None
        self.salt = rng.uniform(2800, 3600) if sanitizer == "salt" else None
        self.borate = rng.uniform(30, 50) if rng.random() < 0.05 else None
        self.tds = rng.uniform(800, 2500) + (3000 if sanitizer == "salt" else 0)

    def test(self, day: dt.date):
        r, g = self.rng, self.rng.gauss
        doy = day.timetuple().tm_yday
        temp = 74 + 17 * math.sin(2 * math.pi * (doy - 105) / 365.25) + g(0, 2) + (20 if self.body == "spa" else 0)
        temp = round(min(104, max(45, temp)))
        # Drift, pulled back towards the middle (the technician balances the water every visit).
        self.ph = min(8.4, max(6.9, self.ph + g(0.04, 0.12) - 0.25 * (self.ph - 7.5)))
        self.ta = min(220, max(40, self.ta + g(0, 8) - 0.2 * (self.ta - 100)))
        self.ch = min(900, max(120, self.ch + g(2, 15)))
        if self.cya is not None:
            self.cya = min(150, max(0, self.cya + g(0.6, 4) - (25 if r.random() < 0.01 else 0)))  # drained now and then
        if self.salt is not None:
            self.salt = min(4200, max(2200, self.salt + g(-15, 60) + (350 if self.salt < 2800 else 0)))
        self.tds = min(6000 + (3000 if self.sanitizer == "salt" else 0), self.tds + g(5, 20))
        v = {"temp_f": float(temp), "ph": round(self.ph + g(0, 0.05), 1)}
        v["ph"] = min(8.4, max(6.8, v["ph"]))
        if self.sanitizer == "bromine":
            v["fc"] = round(max(0.0, g(4, 1.3)), 1)
        elif self.sanitizer != "biguanide":
            v["fc"] = round(max(0.0, g(3.0, 1.4) + (1 if self.sanitizer == "salt" else 0)), 1)
        if "fc" in v:
            v["cc"] = round(max(0.0, g(0.15, 0.2)), 1)
        v["ta"] = float(int(round(self.ta + g(0, 5), -1)))
        v["ch"] = float(int(round((self.ch + g(0, 20)) / 25) * 25))
        if self.cya is not None:
            v["cya"] = float(int(round(max(0.0, self.cya + g(0, 4)), -1)))
        if self.salt is not None:
            v["salt"] = float(int(round(self.salt + g(0, 80), -2)))
        if r.random() < 0.08:
            v["phosphate"] = float(int(round(max(0, r.expovariate(1 / 350)), -1)))
        if r.random() < 0.1:
            v["tds"] = float(int(round(self.tds, -2)))
        if self.borate is not None:
            v["borate"] = float(int(round(self.borate + g(0, 2))))
        lsi = lsi_classic(v["ph"], v["ta"], v["ch"], v["temp_f"], v.get("cya"), v.get("borate"), v.get("tds"))
        c = csi(v["ph"], v["ta"], v["ch"], v["temp_f"], v.get("cya"), v.get("borate"), v.get("salt"))
        return v, lsi, c, flags(v, self.targets)


def instant(day: dt.date, minutes: int) -> str:
    if 0 <= minutes < 1440:
        return f"{day.isoformat()}T{minutes // 60:02d}:{minutes % 60:02d}:00Z"
    t = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def stage_inventory(ld) -> dict:
    path = ld.out / "inventory.batch"
    with open(path, "w", encoding="utf-8") as f:
        for sku, name, unit, chemical, cost, price, stock, reorder in INVENTORY:
            args = ["inventory", "add", "--sku", sku, "--name", name, "--unit", unit, "--cost", cost, "--price", price,
                    "--stock", stock, "--reorder", reorder]
            if chemical:
                args += ["--chemical", chemical]
            f.write(json.dumps(args) + "\n")
    ld.pom_run("batch", str(path))
    return {"rows": len(INVENTORY)}


def stage_history(seed: str, ld, years: int = 3, ahead_days: int = 27) -> dict:
    """Appointments, tickets and everything hanging off them, from `years` ago through `ahead_days` ahead."""
    now = dt.datetime.fromisoformat(ld.env["POM_NOW"])
    today = now.date()
    first = today.replace(year=today.year - years)
    last_planned = today + dt.timedelta(days=ahead_days)
    con = sqlite3.connect(ld.db, isolation_level=None)
    con.execute("PRAGMA foreign_keys = OFF")  # rows go in parents first; the check at the end proves it
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -262144")
    con.execute("PRAGMA temp_store = MEMORY")
    info = {}
    t0 = time.perf_counter()
    con.execute("BEGIN")
    # Secondary indexes are dropped for the load and made again at the end, from their own
    # CREATE INDEX text (a sorted build is much faster than millions of scattered inserts); the
    # schema ends exactly as pom made it. Indexes behind UNIQUE and PRIMARY KEY constraints stay.
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
        "('series', 'appointment', 'appointment_event', 'service', 'reading', 'dose', 'service_note', 'billable_line', "
        "'inventory_move') ORDER BY name").fetchall()
    for name, _ in indexes:
        con.execute(f"DROP INDEX {name}")

    # Routes: each technician a strip of the valley (by longitude), each strip split into six
    # weekdays (by latitude), stops in order along the day.
    techs = [r[0] for r in con.execute("SELECT id FROM worker WHERE role = 'technician' AND active = 1 ORDER BY id")]
    pools = con.execute(
        "SELECT p.id, p.customer_id, c.status, p.lon, p.lat, p.sanitizer, p.surface, p.body, p.gallons FROM pool p "
        "JOIN customer c ON c.id = p.customer_id WHERE c.status IN ('active', 'inactive') AND p.active = 1 ORDER BY p.id").fetchall()
    by_lon = sorted(pools, key=lambda p: (p[3], p[0]))
    route = {}  # pool id -> (worker, weekday 0=Mon..5=Sat, route_order)
    per_tech = math.ceil(len(by_lon) / len(techs))
    for ti, w in enumerate(techs):
        strip = sorted(by_lon[ti * per_tech:(ti + 1) * per_tech], key=lambda p: (p[4], p[0]))
        per_day = math.ceil(len(strip) / 6) if strip else 1
        for di in range(6):
            day = sorted(strip[di * per_day:(di + 1) * per_day], key=lambda p: (p[3], p[0]))
            for order, p in enumerate(day):
                route[p[0]] = (w, di, order)

    # Each customer's time with the company: most were customers three years ago; some joined
    # since; inactive ones left.
    span = {}
    for cid, status in sorted({(p[1], p[2]) for p in pools}):
        rng = random.Random(f"pom-bench:{seed}:history-customer:{cid}")
        total = (today - first).days
        start = 0 if rng.random() < 0.9 else rng.randrange(0, total - 60)
        if status == "inactive":
            start = rng.randrange(0, total // 2)
            end = rng.randrange(start + 60, total - 28)
            span[cid] = (first + dt.timedelta(days=start), first + dt.timedelta(days=end))
        else:
            span[cid] = (first + dt.timedelta(days=start), last_planned)

    pool_info = {p[0]: p for p in pools}
    water = {p[0]: PoolWater(random.Random(f"pom-bench:{seed}:history-pool:{p[0]}"), p[5] or "chlorine", p[6] or "plaster", p[7])
             for p in pools}
    pool_rng = {pid: w.rng for pid, w in water.items()}

    # One weekly series per pool.
    weekdays = ["MO", "TU", "WE", "TH", "FR", "SA"]
    series_rows, series_of, first_day = [], {}, {}
    for sid, p in enumerate(sorted(pools, key=lambda p: p[0]), start=1):
        w, di, order = route[p[0]]
        start, end = span[p[1]]
        d0 = start + dt.timedelta(days=(di - start.weekday()) % 7)
        first_day[p[0]] = d0
        ended = end < today
        created = instant(d0 - dt.timedelta(days=3), 9 * 60)
        series_rows.append((sid, p[1], p[0], w, f"FREQ=WEEKLY;BYDAY={weekdays[di]}", d0.isoformat(), "07:00", "17:00", 30,
                            SERVICE_TYPE, order, "ended" if ended else "active", end.isoformat() if ended else None,
                            (end if ended else last_planned).isoformat(), created, created))
        series_of[p[0]] = sid
    con.executemany(
        "INSERT INTO series (id, customer_id, pool_id, worker_id, rrule, dtstart, window_start, window_end, duration_min, "
        "service_type, route_order, status, ended_on, expanded_through, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", series_rows)
    info["series"] = len(series_rows)

    # Day by day, route by route: appointments, tickets, readings.
    by_day = {di: sorted((pid for pid, r in route.items() if r[1] == di), key=lambda pid: (route[pid][0], route[pid][2]))
              for di in range(6)}
    worker_names = dict(con.execute("SELECT id, name FROM worker"))
    appt_id = service_id = 0
    appts, services, readings, notes = [], [], [], []
    day = first
    n_days = 0
    while day <= last_planned:
        di = day.weekday()
        if di < 6:
            clock = {}  # worker -> minutes after midnight
            for pid in by_day[di]:
                p = pool_info[pid]
                w, _, order = route[pid]
                start, end = span[p[1]]
                if day < first_day[pid] or day > end:
                    continue
                rng = pool_rng[pid]
                appt_id += 1
                t = clock.get(w, 7 * 60 + rng.randrange(0, 15))
                t += rng.randrange(3, 11)  # the drive
                dur = max(7, int(rng.gauss(13 if p[7] == "pool" else 8, 3)))
                created = instant(max(first_day[pid] - dt.timedelta(days=3), day - dt.timedelta(days=56)), 9 * 60)
                if day >= today:
                    appts.append((appt_id, p[1], pid, w, day.isoformat(), "07:00", "17:00", 30, order, SERVICE_TYPE, "scheduled",
                                  None, None, series_of[pid], day.isoformat(), created, created))
                    continue
                roll = rng.random()
                if roll < 0.015:
                    at = instant(day, t)
                    appts.append((appt_id, p[1], pid, w, day.isoformat(), "07:00", "17:00", 30, order, SERVICE_TYPE, "skipped",
                                  rng.choice(SKIP_REASONS), at, series_of[pid], day.isoformat(), created, at))
                    clock[w] = t + 3
                    continue
                service_id += 1
                started, ended = instant(day, t), instant(day, t + dur)
                clock[w] = t + dur
                appts.append((appt_id, p[1], pid, w, day.isoformat(), "07:00", "17:00", 30, order, SERVICE_TYPE, "completed",
                              None, ended, series_of[pid], day.isoformat(), created, ended))
                gps = rng.random() < 0.92
                jitter = (rng.uniform(-0.0003, 0.0003), rng.uniform(-0.0003, 0.0003))
                lat, lon = (round(p[4] + jitter[0], 6), round(p[3] + jitter[1], 6)) if gps else (None, None)
                services.append((service_id, appt_id, p[1], pid, w, started, ended, lat, lon, lat, lon, started, ended))
                v, lsi, c, fl = water[pid].test(day)
                readings.append((service_id, service_id, instant(day, t + min(5, dur - 1)), v.get("fc"), v.get("cc"), v["ph"],
                                 v["ta"], v["ch"], v.get("cya"), v.get("salt"), v.get("phosphate"), v.get("tds"), v["temp_f"],
                                 v.get("borate"), lsi, c, fl))
                roll = rng.random()
                if roll < 0.05:
                    notes.append((service_id, rng.choice(NOTES), 0, worker_names[w], ended))
                elif roll < 0.07:
                    notes.append((service_id, rng.choice(PRIVATE_NOTES), 1, worker_names[w], ended))
        n_days += 1
        if len(appts) > 50000 or day == last_planned:
            flush(con, appts, services, readings, notes)
            appts, services, readings, notes = [], [], [], []
        day += dt.timedelta(days=1)
    info["appointments"], info["services"] = appt_id, service_id
    info["python_seconds"] = round(time.perf_counter() - t0, 1)

    # Everything that follows from a submitted ticket, as pom's submit writes it.
    t1 = time.perf_counter()
    sql = DERIVED_SQL.format(checklist=",".join(f"({i}, '{item}', {req}, {photo})" for i, (item, req, photo) in enumerate(CHECKLIST)),
                             price=SERVICE_PRICE_CENTS, description=SERVICE_DESCRIPTION)
    for statement in sql.split(";\n"):  # one by one: executescript would commit the open transaction
        if statement.strip() and not statement.strip().startswith("--"):
            con.execute(statement)
    info["sql_seconds"] = round(time.perf_counter() - t1, 1)
    t2 = time.perf_counter()
    for _, sql in indexes:
        con.execute(sql)
    info["index_seconds"] = round(time.perf_counter() - t2, 1)
    for table in ("service_check", "dose", "billable_line", "inventory_move", "appointment_event", "service_note"):
        info[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    bad = con.execute("PRAGMA foreign_key_check").fetchall()
    if bad:
        con.execute("ROLLBACK")
        raise SystemExit(f"generate.py: history breaks foreign keys: {bad[:5]}")
    con.execute("COMMIT")
    # No ANALYZE: pom never runs it, so the query planner sees what it sees in a real database.
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return info


def flush(con, appts, services, readings, notes):
    con.executemany(
        "INSERT INTO appointment (id, customer_id, pool_id, worker_id, date, window_start, window_end, duration_min, route_order, "
        "service_type, status, status_reason, status_at, series_id, occurrence_date, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", appts)
    con.executemany(
        "INSERT INTO service (id, appointment_id, customer_id, pool_id, worker_id, service_type, status, started_at, ended_at, "
        f"start_lat, start_lon, submit_lat, submit_lon, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '{SERVICE_TYPE}', "
        "'submitted', ?, ?, ?, ?, ?, ?, ?, ?)", services)
    con.executemany(
        "INSERT INTO reading (id, service_id, taken_at, fc, cc, ph, ta, ch, cya, salt, phosphate, tds, temp_f, borate, lsi, csi, flags) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", readings)
    con.executemany("INSERT INTO service_note (service_id, text, private, author, created_at) VALUES (?, ?, ?, ?, ?)", notes)


# Derived rows. Doses follow the reading: liquid chlorine every visit (more when FC is low; salt
# pools only when low), muriatic acid when pH is high, now and then trichlor tablets, soda ash when
# pH is low. Amounts in gallons rounded to quarters, for the pool's volume.
# Customers and pools were loaded today through pom; at the end they get the date of their first visit.
DERIVED_SQL = """
CREATE TEMP TABLE checklist (position INTEGER, item TEXT, required INTEGER, photo_required INTEGER);
INSERT INTO checklist VALUES {checklist};
INSERT INTO service_check (service_id, position, item, required, photo_required, done_at)
SELECT s.id, k.position, k.item, k.required, k.photo_required,
       CASE WHEN k.required OR (s.id * 7 + 3) % 10 < 6
            THEN strftime('%Y-%m-%dT%H:%M:%SZ', s.started_at, '+' || (k.position + 1) || ' minutes') END
  FROM service s CROSS JOIN checklist k ORDER BY s.id, k.item;

CREATE TEMP TABLE dose_plan AS
SELECT r.service_id, s.started_at, s.customer_id, s.worker_id, p.gallons, p.sanitizer, r.fc, r.ph
  FROM reading r JOIN service s ON s.id = r.service_id JOIN pool p ON p.id = s.pool_id;
INSERT INTO dose (service_id, chemical, amount_milli, unit, item_id, stock_milli, created_at)
SELECT service_id, chemical, amount, unit, (SELECT id FROM inventory_item WHERE inventory_item.chemical = x.chemical), amount,
       strftime('%Y-%m-%dT%H:%M:%SZ', started_at, '+' || minute || ' minutes')
  FROM (
    SELECT service_id, started_at, 'liquid chlorine' AS chemical, 'gal' AS unit, 7 AS minute,
           max(250, CAST(round((6.5 - fc) * gallons / 120000.0 * 4) AS INTEGER) * 250) AS amount, 1 AS k
      FROM dose_plan WHERE fc IS NOT NULL AND (sanitizer != 'salt' OR fc < 3)
    UNION ALL
    SELECT service_id, started_at, 'muriatic acid', 'gal', 8,
           max(250, CAST(round((ph - 7.4) * gallons / 40000.0 * 4) AS INTEGER) * 250), 2
      FROM dose_plan WHERE ph > 7.6
    UNION ALL
    SELECT service_id, started_at, 'soda ash', 'lb', 8, max(500, CAST(round((7.5 - ph) * gallons / 10000.0 * 2) AS INTEGER) * 500), 3
      FROM dose_plan WHERE ph < 7.2
    UNION ALL
    SELECT service_id, started_at, 'trichlor tablets', 'tab', 9, 1000 * (1 + gallons / 15000), 4
      FROM dose_plan WHERE sanitizer = 'chlorine' AND service_id % 5 = 0
  ) AS x
 ORDER BY service_id, k;

INSERT INTO inventory_move (item_id, kind, quantity_milli, service_id, note, at, actor)
SELECT d.item_id, 'use', -d.stock_milli, d.service_id, 'service ' || d.service_id, s.ended_at, w.name
  FROM dose d JOIN service s ON s.id = d.service_id JOIN worker w ON w.id = s.worker_id
 ORDER BY s.ended_at, d.id;

INSERT INTO billable_line (customer_id, service_id, kind, description, quantity_milli, unit_price_cents, amount_cents, taxable,
                           service_date, source_key, created_at)
SELECT customer_id, id, kind, description, quantity, price, (quantity * price + 500) / 1000, taxable, date(started_at), key, ended_at
  FROM (
    SELECT s.customer_id, s.id, 'service' AS kind, '{description}' AS description, 1000 AS quantity, {price} AS price, 0 AS taxable,
           s.started_at, 'service:' || s.id AS key, s.ended_at, 0 AS k
      FROM service s
    UNION ALL
    SELECT s.customer_id, s.id, 'chemical', i.name, d.stock_milli, i.price_cents, i.taxable, s.started_at,
           'service:' || s.id || ':dose:' || d.id, s.ended_at, d.id
      FROM dose d JOIN service s ON s.id = d.service_id JOIN inventory_item i ON i.id = d.item_id
     WHERE i.billable AND i.price_cents > 0
  ) ORDER BY id, k;

INSERT INTO appointment_event (appointment_id, from_status, to_status, at, recorded_at, actor, reason)
SELECT id, from_status, to_status, at, at, actor, reason FROM (
    SELECT a.id, NULL AS from_status, 'scheduled' AS to_status, a.created_at AS at, 'office' AS actor, NULL AS reason, 0 AS k
      FROM appointment a
    UNION ALL
    SELECT a.id, 'scheduled', 'in_progress', s.started_at, w.name, NULL, 1
      FROM appointment a JOIN service s ON s.appointment_id = a.id JOIN worker w ON w.id = a.worker_id
    UNION ALL
    SELECT a.id, 'in_progress', 'completed', s.ended_at, w.name, NULL, 2
      FROM appointment a JOIN service s ON s.appointment_id = a.id JOIN worker w ON w.id = a.worker_id
    UNION ALL
    SELECT a.id, 'scheduled', 'skipped', a.status_at, w.name, a.status_reason, 1
      FROM appointment a JOIN worker w ON w.id = a.worker_id WHERE a.status = 'skipped'
) ORDER BY at, id, k;

UPDATE pool SET created_at = f.at, updated_at = f.at
  FROM (SELECT pool_id, min(created_at) AS at FROM series GROUP BY pool_id) AS f WHERE f.pool_id = pool.id;
UPDATE customer SET created_at = f.at, updated_at = f.at
  FROM (SELECT customer_id, min(created_at) AS at FROM series GROUP BY customer_id) AS f WHERE f.customer_id = customer.id;
DROP TABLE checklist;
DROP TABLE dose_plan;
"""
