"""Recurrence correctness (issue 17): `pom appt preview` against an independent implementation,
python-dateutil's rrule (Debian's python3-dateutil), over thousands of generated RFC 5545 rules.

Rules are drawn with a fixed seed (POM_RRULE_SEED to change it, POM_RRULE_CASES for more of them;
the number is printed) and all run through ONE `pom batch --keep-going` of `appt preview` lines.
Each occurrence list is compared exactly: dates for date starts, date-times for timed starts,
with exdates. A rule pom refuses must be one dateutil yields nothing for, or one RFC 5545 forbids.

Where the two disagreed, RFC 5545 decided; the rule is kept below as a fixed regression case.
dateutil raises ValueError for a naive DTSTART with a Z UNTIL, so the generated UNTILs are
floating; the Z form is tested on its own (preview reads a timed --start as UTC)."""
import datetime as dt
import json
import os
import random
import sys
import unittest
import warnings

import types

from dateutil import rrule as du

# dateutil checks UNTIL only against occurrences it found: a rule that never occurs is searched
# up to the year 9999 (seconds per rule). Every rule here ends by 2044, so its search for one
# stops at 2100 instead; occurrences before then are unchanged.
du.datetime = types.SimpleNamespace(**{**vars(dt), "MAXYEAR": 2100})

from pomtest import PomTest

SEED = int(os.environ.get("POM_RRULE_SEED", "17"))
CASES = int(os.environ.get("POM_RRULE_CASES", "2000"))
FREQS = {"DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY, "YEARLY": du.YEARLY}
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DU_DAYS = [du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU]
# Rules without UNTIL are previewed with --until this far after --start (dateutil is slow to
# find that a rule with BYSETPOS never occurs in 50 years, preview's own horizon).
HORIZON = dt.timedelta(days=366 * 8)
LIMIT = 15  # occurrences compared for an unbounded rule
SKIP = "dateutil fails"
# Rules RFC 5545 allows that libical 3.0 expands wrongly: pom refuses them by name (lib/recurrence.cpp).
UNSUPPORTED = "is not supported (libical expands it wrongly)"

# Rules where pom (libical) and dateutil once disagreed, or that are worth keeping on their own:
# (start, rule, exdates, expected pom answer: a list of occurrences, or "refused").
REGRESSIONS = [
    # A 09:00 occurrence is not produced by UNTIL=...T080000 on that day (it was: UNTIL was cut
    # to a date before the comparison).
    ("2026-11-02T09:00", "FREQ=DAILY;UNTIL=20261105T080000", [],
     ["2026-11-02T09:00", "2026-11-03T09:00", "2026-11-04T09:00"]),
    # ... and an occurrence exactly at UNTIL is the last one (RFC 5545 3.3.10: UNTIL is inclusive).
    ("2026-11-02T09:00", "FREQ=DAILY;UNTIL=20261104T090000", [],
     ["2026-11-02T09:00", "2026-11-03T09:00", "2026-11-04T09:00"]),
    ("2026-11-02T00:00", "FREQ=DAILY;UNTIL=20261104T000000", [],
     ["2026-11-02T00:00", "2026-11-03T00:00", "2026-11-04T00:00"]),
    # The Z form (dateutil refuses it with a floating start; preview reads --start as UTC).
    ("2026-11-02T09:00", "FREQ=DAILY;UNTIL=20261104T085959Z", [], ["2026-11-02T09:00", "2026-11-03T09:00"]),
    # A date series with a date-time UNTIL keeps UNTIL's date unless UNTIL is its midnight.
    ("2026-11-02", "FREQ=DAILY;UNTIL=20261104T080000Z", [], ["2026-11-02", "2026-11-03", "2026-11-04"]),
    ("2026-11-02", "FREQ=DAILY;UNTIL=20261104T000000Z", [], ["2026-11-02", "2026-11-03"]),
    # Exdates leave occurrences out but still count toward COUNT (RFC 5545 3.8.5.1).
    ("2026-11-02T09:00", "FREQ=DAILY;COUNT=3", ["2026-11-03"], ["2026-11-02T09:00", "2026-11-04T09:00"]),
    # Refused as never occurring from 2026 although it occurs from its own start (INTERVAL).
    ("2014-07-20", "FREQ=MONTHLY;BYMONTH=3,6,11;INTERVAL=4;COUNT=3", [], ["2014-11-20", "2015-03-20", "2015-11-20"]),
    # libical got these wrong; pom refuses them by name rather than schedule wrong visits
    # (dateutil, right by RFC 5545: BYSETPOS applies in any FREQ; BYMONTHDAY in YEARLY means every
    # month's day; BYYEARDAY with BYMONTH keeps the year days in those months).
    ("2026-09-30T09:00", "FREQ=WEEKLY;BYSETPOS=-1;COUNT=4;BYDAY=TH,FR", [], "refused"),  # every TH and FR
    ("2026-01-01", "FREQ=DAILY;BYDAY=TH,TU;BYSETPOS=2;INTERVAL=5;COUNT=3", [], "refused"),
    ("2030-02-28T09:30", "FREQ=DAILY;BYMONTHDAY=-29,-2;INTERVAL=2", [], "refused"),  # "never occurs"
    ("1996-01-01", "FREQ=YEARLY;BYMONTHDAY=-28,30;COUNT=3", [], "refused"),  # Jan 4 and 30 missing
    ("2003-01-01", "FREQ=YEARLY;BYYEARDAY=60,365;BYMONTH=1,3,11", [], "refused"),  # "never occurs"
    # -3 and 29 are the same day in a 31-day month; libical then dropped the month (seed 5).
    ("2016-04-22T09:45", "FREQ=MONTHLY;BYSETPOS=-1;BYMONTHDAY=-3,29;COUNT=16", [], "refused"),
    ("2016-04-22", "FREQ=MONTHLY;BYSETPOS=-1;BYMONTHDAY=28,29;COUNT=3", [], ["2016-04-29", "2016-05-29", "2016-06-29"]),
    ("2024-07-01", "FREQ=WEEKLY;BYDAY=SU;COUNT=2;INTERVAL=3", [], ["2024-07-07", "2024-07-28"]),  # was 07-21, 08-11
    ("2024-07-01", "FREQ=WEEKLY;BYDAY=SU;INTERVAL=3;WKST=SU;COUNT=2", [], ["2024-07-21", "2024-08-11"]),
    # ... and with BYMONTH, from a start outside the months (seed 99): every 4th week from
    # 2030-02-25's week, Sundays in October.
    ("2030-03-01", "FREQ=WEEKLY;BYDAY=SU;UNTIL=20340409;INTERVAL=4;BYMONTH=10", [],
     ["2030-10-13", "2031-10-12", "2032-10-10", "2033-10-09"]),
]


def ymd(s):
    return dt.datetime(int(s[0:4]), int(s[5:7]), int(s[8:10]))


def fmt(d, timed):
    return d.strftime("%Y-%m-%dT%H:%M") if timed else d.strftime("%Y-%m-%d")


def until_text(d, timed):
    return d.strftime("%Y%m%dT%H%M%S") if timed else d.strftime("%Y%m%d")


class Case:
    """One generated rule: the RRULE text for pom and the same rule as dateutil arguments."""

    def __init__(self, start, timed, parts, kw, bounded, exdates):
        self.start, self.timed, self.parts, self.kw, self.bounded, self.exdates = start, timed, parts, kw, bounded, exdates

    @property
    def rule(self):
        return ";".join(f"{k}={v}" for k, v in self.parts)

    def args(self):
        a = ["appt", "preview", "--start", fmt(self.start, self.timed), "--repeat", self.rule,
             "--limit", "0" if self.bounded else str(LIMIT)]
        if "UNTIL" not in self.rule:
            a += ["--until", (self.start + HORIZON).strftime("%Y-%m-%d")]
        if self.exdates:
            a += ["--exdate", ",".join(d.strftime("%Y-%m-%d") for d in self.exdates)]
        return a

    def expected(self):
        """dateutil's answer: the occurrences, or None when it refuses the rule."""
        kw = dict(self.kw)
        # Bounded as pom's preview is (COUNT too); and dateutil need not look for an occurrence
        # till 9999 (both UNTIL and COUNT is a deprecation warning in dateutil, not an error).
        kw["until"] = min(kw.get("until", dt.datetime.max), (self.start + HORIZON).replace(hour=23, minute=59))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                r = du.rrule(FREQS[self.parts[0][1]], dtstart=self.start, cache=False, **kw)
            s = du.rruleset()
            s.rrule(r)
            for d in self.exdates:
                s.exdate(d.replace(hour=self.start.hour, minute=self.start.minute))
            out = []
            end = self.start + HORIZON
            for o in s:
                if o.date() > end.date():
                    break
                out.append(fmt(o, self.timed))
                if not self.bounded and len(out) == LIMIT:
                    break
            return out
        except ValueError:
            return None
        except IndexError:
            return SKIP  # dateutil's own bug (an ordinal weekday beyond a BYMONTH's weeks)


def ordinals(rng, freq):
    n = rng.choice([1, 2, 3, 4, 5] if freq == "MONTHLY" else [1, 2, 3, 4, 5, 10, 20, 26, 52, 53])
    return n * rng.choice([1, -1])


def generate(rng):
    """One random rule of the parts pom accepts, with the matching dateutil arguments."""
    timed = rng.random() < 0.4
    year = rng.randint(1995, 2035)
    month = rng.randint(1, 12)
    day = rng.choice([1, 28, 29, 30, 31, rng.randint(1, 31), rng.randint(1, 31)])
    while True:
        try:
            start = dt.datetime(year, month, day)
            break
        except ValueError:
            day -= 1
    if timed:
        start = start.replace(hour=rng.choice([0, 8, 9, 13, 23]), minute=rng.choice([0, 30, 45]))
    freq = rng.choice(list(FREQS))
    parts, kw = [("FREQ", freq)], {}
    if rng.random() < 0.4:
        n = rng.randint(2, 5)
        parts.append(("INTERVAL", n)), kw.update(interval=n)
    if rng.random() < 0.5:
        days = rng.sample(range(7), rng.randint(1, 3))
        if freq in ("MONTHLY", "YEARLY") and rng.random() < 0.5:
            # RFC 5545 3.3.10: a numbered BYDAY only in MONTHLY and YEARLY rules.
            days = [(d, ordinals(rng, freq)) for d in days]
            parts.append(("BYDAY", ",".join(f"{n}{DAYS[d]}" for d, n in days)))
            kw.update(byweekday=[DU_DAYS[d](n) for d, n in days])
        else:
            parts.append(("BYDAY", ",".join(DAYS[d] for d in days)))
            kw.update(byweekday=[DU_DAYS[d] for d in days])
    if freq != "WEEKLY" and rng.random() < 0.35:  # BYMONTHDAY is not for WEEKLY (3.3.10)
        md = sorted(rng.sample([1, 2, 15, 28, 29, 30, 31, -1, -2, -3, -15, -28, -29, -30, -31], rng.randint(1, 2)))
        parts.append(("BYMONTHDAY", ",".join(map(str, md)))), kw.update(bymonthday=md)
    if rng.random() < 0.3:
        m = sorted(rng.sample(range(1, 13), rng.randint(1, 3)))
        parts.append(("BYMONTH", ",".join(map(str, m)))), kw.update(bymonth=m)
    if freq == "YEARLY" and rng.random() < 0.25:  # BYYEARDAY only in YEARLY here (3.3.10)
        yd = sorted(rng.sample([1, 2, 59, 60, 100, 200, 365, 366, -1, -2, -60, -306, -365, -366], rng.randint(1, 2)))
        parts.append(("BYYEARDAY", ",".join(map(str, yd)))), kw.update(byyearday=yd)
    if len(parts) > 1 + ("INTERVAL" in dict(parts)) and rng.random() < 0.3:
        # BYSETPOS needs another BYxxx part (3.3.10).
        sp = sorted(set(rng.choice([1, 1, 2, -1, -1, -2]) for _ in range(rng.randint(1, 2))))
        parts.append(("BYSETPOS", ",".join(map(str, sp)))), kw.update(bysetpos=sp)
    bounded = True
    exdates = []
    roll = rng.random()
    if roll < 0.35:
        n = rng.randint(1, 25)
        parts.append(("COUNT", n)), kw.update(count=n)
    elif roll < 0.7:
        until = start + dt.timedelta(days=rng.choice([0, 1, 7, 30, 100, 400, 1500]))
        if timed:
            until = until.replace(hour=rng.choice([0, 8, 9, 12, 23]), minute=rng.choice([0, 30]))
        parts.append(("UNTIL", until_text(until, timed))), kw.update(until=until)
    else:
        bounded = False
    if rng.random() < 0.3:
        # Exdates near the start, some of which are occurrences.
        exdates = sorted(set(start + dt.timedelta(days=rng.randint(0, 60)) for _ in range(rng.randint(1, 4))))
        exdates = [d.replace(hour=0, minute=0) for d in exdates]
    # Parts in a shuffled order, FREQ kept first (pom and dateutil take them in any order).
    rest = parts[1:]
    rng.shuffle(rest)
    return Case(start, timed, [parts[0]] + rest, kw, bounded, exdates)


class RecurrenceProperty(PomTest):
    def run_batch(self, cases):
        """Each case's batch record, from a few `pom --dry-run batch --keep-going` processes (one
        transaction each, past refusals; a process per 500 rules keeps each within pomtest's
        timeout on a loaded machine)."""
        records = []
        for i in range(0, len(cases), 500):
            chunk = cases[i:i + 500]
            r = self.pom("--dry-run", "batch", "--keep-going", input="".join(json.dumps(c.args()) + "\n" for c in chunk))
            got = [json.loads(l) for l in r.out.splitlines()]
            got = [g for g in got if "summary" not in g]  # the record after the lines when one failed
            self.assertEqual(len(got), len(chunk), r.err[:500])
            records += got
        return records

    def test_regressions(self):
        cases = []
        for start, rule, exdates, _ in REGRESSIONS:
            args = ["appt", "preview", "--start", start, "--repeat", rule, "--limit", "0" if "UNTIL" in rule or "COUNT" in rule else str(LIMIT)]
            if exdates:
                args += ["--exdate", ",".join(exdates)]
            cases.append(args)
        r = self.pom("--dry-run", "batch", "--keep-going", input="".join(json.dumps(a) + "\n" for a in cases))
        records = [json.loads(l) for l in r.out.splitlines()]
        records = [x for x in records if "summary" not in x]
        self.assertEqual(len(records), len(REGRESSIONS))
        for (start, rule, _, want), rec in zip(REGRESSIONS, records):
            got = rec["output"] if rec["ok"] else "refused"
            self.assertEqual(got, want, f"--start {start} --repeat {rule}: {rec['error']}")

    def test_against_dateutil(self):
        rng = random.Random(SEED)
        cases = [generate(rng) for _ in range(CASES)]
        print(f"\n{CASES} generated rules (seed {SEED})", file=sys.stderr)
        records = self.run_batch(cases)
        wrong, unsupported = [], 0
        for c, rec in zip(cases, records):
            want = c.expected()
            if want == SKIP:
                continue
            if rec["ok"]:
                got = rec["output"]
                if got != want:
                    wrong.append(f"--start {fmt(c.start, c.timed)} --repeat '{c.rule}' exdates {[fmt(d, False) for d in c.exdates]}:\n"
                                 f"  pom      {got}\n  dateutil {want}")
            elif UNSUPPORTED in rec["error"]["message"]:
                unsupported += 1  # a rule libical expands wrongly, refused by name
            elif want:
                # pom refused a rule dateutil expands.
                wrong.append(f"--start {fmt(c.start, c.timed)} --repeat '{c.rule}': pom refused "
                             f"({rec['error']['message']}), dateutil gives {want[:5]}...")
        print(f"{unsupported} refused as not supported", file=sys.stderr)
        self.assertFalse(wrong, f"{len(wrong)} of {CASES} disagree:\n" + "\n".join(wrong[:15]))
        self.assertLess(unsupported, CASES // 3)


if __name__ == "__main__":
    unittest.main()
