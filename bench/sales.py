#!/usr/bin/python3
"""Timings of the sales and customer-service reads on a large company (issue 6):
100,000 notes, 5,000 customers with tags, 3,000 callbacks and 2,000 tickets (about 5% of them open).

    bench/sales.py [--pom build/cmd/pom] [--runs 15] [--out DIR]

The rows are written straight into a database that `pom init` created (the reads are what is
measured, not the writes); then each command runs --runs times and the median wall time is shown
beside its target. Not part of the test suite: numbers depend on the machine."""
import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import time
from pathlib import Path

NOW = "2026-11-23T08:00:00"
WORDS = ("heater pump filter leak salt cell chlorine algae green cloudy warranty union valve motor bearing noise "
         "schedule quote price invoice gate dog code visit monday tuesday friday promised told replace repair "
         "inspect pressure skimmer basket tile plaster pebble crack drain light timer spa waterfall cover").split()


def build(db: Path, pom: str, env: dict) -> None:
    subprocess.run([pom, "init"], check=True, env=env, capture_output=True)
    rng = random.Random(6)
    con = sqlite3.connect(db)
    ts = lambda d, h=16: f"2026-{d // 31 + 8:02d}-{d % 28 + 1:02d}T{h:02d}:00:00Z"
    con.executemany("INSERT INTO worker (id, name, role, created_at, updated_at) VALUES (?, ?, 'office', ?, ?)",
                    [(i, f"Worker {i}", ts(0), ts(0)) for i in range(1, 21)])
    customers = []
    for i in range(1, 5001):
        status = rng.choice(["active"] * 7 + ["lead"] * 2 + ["inactive"])
        customers.append((i, f"C-{i:05d}", f"Customer {i}", status, ts(i % 100), ts(i % 100)))
    con.executemany("INSERT INTO customer (id, ref, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", customers)
    con.executemany("INSERT INTO pool (customer_id, created_at, updated_at) VALUES (?, ?, ?)", [(i, ts(0), ts(0)) for i in range(1, 5001)])
    tags = []
    for i in range(1, 5001):
        for t in rng.sample(["Weekly", "Salt", "Sales Followup", "Quote", "Schedule", "VIP", "Dog"], 2):
            tags.append((i, t, ts(rng.randrange(100), rng.randrange(24)), "bench"))
    con.executemany("INSERT INTO customer_tag (customer_id, tag, added_at, added_by) VALUES (?, ?, ?, ?)", tags)
    con.executemany(
        "INSERT INTO ticket (customer_id, category, severity, urgency, summary, told, owner_id, source, promise_s, due_at, status,"
        " outcome, notified_at, closed_at, created_at, updated_at) VALUES (?, 'service', 'medium', 'normal', ?, 'We will call', ?,"
        " 'phone', 172800, ?, ?, ?, ?, ?, ?, ?)",
        [(rng.randrange(1, 5001), " ".join(rng.sample(WORDS, 6)), rng.randrange(1, 21), ts(i % 120), st,
          None if st == "open" else "done", None if st == "open" else ts(1), None if st == "open" else ts(1), ts(i % 120), ts(i % 120))
         for i, st in ((i, "open" if rng.random() < 0.05 else "closed") for i in range(2000))])
    con.executemany(
        "INSERT INTO callback (customer_id, contact, reason, owner_id, due_at, first_due_at, summary, status, outcome, done_at,"
        " created_at, updated_at) VALUES (?, 'phone', 'Follow up', ?, ?, ?, 'Tell them', ?, ?, ?, ?, ?)",
        [(rng.randrange(1, 5001), rng.randrange(1, 21), ts(i % 120), ts(i % 120), st, None if st == "open" else "ok",
          None if st == "open" else ts(1), ts(0), ts(0))
         for i, st in ((i, "open" if rng.random() < 0.05 else "done") for i in range(3000))])
    # Words as in real notes: a Zipf-like vocabulary of 3,000 words, the pool words among the
    # less common ones, so a search for two of them matches a few hundred notes, not all.
    filler = ["w" + "".join(rng.choice("abcdefghijklmnoprstuvy") for _ in range(rng.randrange(3, 9))) for _ in range(3000)]
    vocab = filler[:60] + WORDS + filler[60:]
    weights = [1 / (r + 1) for r in range(len(vocab))]
    notes = []
    for i in range(100000):
        text = " ".join(rng.choices(vocab, weights, k=rng.randrange(20, 120))) + "."
        notes.append((rng.randrange(1, 5001), rng.choice(["meeting", "call", "transcript", "internal"]), text, "bench",
                      ts(i % 120, i % 24)))
    con.executemany("INSERT INTO note (customer_id, kind, text, author, created_at) VALUES (?, ?, ?, ?, ?)", notes)
    con.commit()
    con.execute("ANALYZE")
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pom", default=str(Path(__file__).resolve().parent.parent / "build" / "cmd" / "pom"))
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "out" / "sales"))
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    db = out / "pom.db"
    env = dict(os.environ, POM_DB=str(db), POM_NOW=NOW, POM_CONFIG=str(out / "pom.toml"), POM_USER="bench")
    (out / "pom.toml").write_text('timezone = "America/Phoenix"\n')
    if not db.exists():
        build(db, a.pom, env)
    jobs = [
        ("note search heater warranty", ["note", "search", "heater", "warranty", "-o", "json"], 30),
        ("tag list \"Sales Followup\"", ["tag", "list", "Sales Followup", "-o", "json"], 20),
        ("callback list --overdue", ["callback", "list", "--overdue", "-o", "json"], 20),
        ("ticket list --open", ["ticket", "list", "--open", "-o", "json"], 20),
        ("customer timeline C-00042", ["customer", "timeline", "C-00042", "-o", "json"], 50),
    ]
    print(f"{'job':34} {'median ms':>10} {'min ms':>8} {'target':>7}")
    for name, args, target in jobs:
        for _ in range(2):
            subprocess.run([a.pom, *args], env=env, capture_output=True, check=True)
        times = []
        for _ in range(a.runs):
            t = time.perf_counter()
            subprocess.run([a.pom, *args], env=env, capture_output=True, check=True)
            times.append((time.perf_counter() - t) * 1000)
        med = statistics.median(times)
        print(f"{name:34} {med:10.1f} {min(times):8.1f} {target:7} {'ok' if med <= target else 'SLOW'}")


if __name__ == "__main__":
    main()
