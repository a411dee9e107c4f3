"""pom appt add --repeat, expand, series edit/suspend/resume, cancel --series; daylight saving;
expand killed mid-run and two expands at once."""
import json
import os
import signal
import sqlite3
import subprocess
import time
import unittest

from apptbase import Company
from pomtest import POM, PomTest, sqlite_only
from refusal import Refusals


class Series(Refusals, Company):
    def setUp(self):
        super().setUp()
        # Every Tuesday from tomorrow, materialised four weeks ahead.
        r = self.pom("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-24", "--repeat", "every tue",
                     "--window", "09:00-10:00", "--worker", "Maria Lopez", "--through", "+4w")
        self.assertEqual(r.code, 0, r)
        self.assertIn("series 1 (FREQ=WEEKLY;BYDAY=TU): 4 visits through 2026-12-21", r.err)
        self.validate("appointment", self.json("appt", "list"))

    def dates(self):
        return [(a["date"], a["status"]) for a in self.json("appt", "list", "--series", "1")]

    def test_the_series_and_its_visits(self):
        s = self.json("appt", "series", "show", "1")
        self.validate("series", s)
        self.assertEqual((s[0]["rrule"], s[0]["dtstart"], s[0]["expanded_through"], s[0]["status"]),
                         ("FREQ=WEEKLY;BYDAY=TU", "2026-11-24", "2026-12-21", "active"))
        self.assertEqual(self.dates(), [("2026-11-24", "scheduled"), ("2026-12-01", "scheduled"), ("2026-12-08", "scheduled"),
                                        ("2026-12-15", "scheduled")])
        self.validate("series", self.json("appt", "series", "list"))

    def test_expand_is_idempotent(self):
        r = self.json("appt", "expand", "--through", "+8w")
        self.validate("expand-result", r)
        self.assertEqual([x["date"] for x in r], ["2026-12-22", "2026-12-29", "2027-01-05", "2027-01-12"])
        before = self.dump()
        self.assertEqual(self.json("appt", "expand", "--through", "+8w"), [])
        self.assertEqual(self.dump(), before)
        # The next night, one more week comes into the horizon: one more visit, nothing twice.
        r = self.json("appt", "expand", "--through", "+8w", env={"POM_NOW": "2026-11-30T02:00:00"})
        self.assertEqual([x["date"] for x in r], ["2027-01-19"])
        self.assertEqual(self.count("SELECT count(*) - count(DISTINCT occurrence_date) FROM appointment WHERE series_id = 1"), 0)

    def test_a_rule_an_older_pom_stored_still_expands(self):
        # pom now refuses rules libical expands wrongly; a series an older pom stored with one
        # keeps expanding as it did, rather than stopping the nightly expand for every series.
        rule = "FREQ=WEEKLY;BYDAY=TU;BYSETPOS=1"
        self.assertRefusedBoth(["appt", "add", "--customer", "Bob Smith", "--date", "2026-11-24", "--repeat", rule], 65,
                               "BYSETPOS in a FREQ=WEEKLY rule is not supported")
        self.sql(f"UPDATE series SET rrule = '{rule}' WHERE id = 1")
        r = self.json("appt", "expand", "--through", "+6w")
        self.assertEqual([x["date"] for x in r], ["2026-12-22", "2026-12-29"])

    def test_dry_run_lists_without_creating(self):
        before = self.dump()
        r = self.pom("appt", "expand", "--through", "+8w", "--dry-run", "-o", "json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(len(r.json()), 4)
        self.assertEqual(self.dump(), before)

    def test_cancelled_moved_and_completed_occurrences_are_never_recreated(self):
        self.ok("appt", "start", "1", env={"POM_NOW": "2026-11-24T09:00:00"})
        self.ok("appt", "complete", "1", env={"POM_NOW": "2026-11-24T09:40:00"})
        self.ok("appt", "cancel", "2", "--reason", "customer away")
        self.ok("appt", "move", "3", "--date", "2026-12-10")
        # Forget how far the series was expanded, as if the horizon were new: expand walks the
        # whole rule again and the schema's one-row-per-occurrence keeps every change.
        self.sql("UPDATE series SET expanded_through = NULL")
        r = self.json("appt", "expand", "--through", "2026-12-21")
        self.assertEqual(r, [])
        self.assertEqual(self.dates(), [("2026-11-24", "completed"), ("2026-12-01", "cancelled"), ("2026-12-10", "scheduled"),
                                        ("2026-12-15", "scheduled")])

    def test_series_edit_changes_future_unchanged_visits_only(self):
        self.ok("appt", "move", "3", "--date", "2026-12-09")  # changed one by one: keeps Maria
        s = self.json("appt", "series", "edit", "1", "--worker", "Tom Reed", "--window", "13:00-14:00",
                      env={"POM_NOW": "2026-11-25T08:00:00"})
        self.validate("series", s)
        rows = self.json("appt", "list", "--series", "1")
        self.assertEqual([(a["date"], a["worker"], a["window"]) for a in rows],
                         [("2026-11-24", "Maria Lopez", "09:00-10:00"),  # past: never changes
                          ("2026-12-01", "Tom Reed", "13:00-14:00"),
                          ("2026-12-09", "Maria Lopez", "09:00-10:00"),
                          ("2026-12-15", "Tom Reed", "13:00-14:00")])
        r = self.json("appt", "expand", "--through", "2026-12-31", env={"POM_NOW": "2026-11-25T08:00:00"})
        new = self.appt(r[0]["appointment_id"])
        self.assertEqual((new["date"], new["worker"], new["window"]), ("2026-12-22", "Tom Reed", "13:00-14:00"))

    def test_series_edit_rule(self):
        self.json("appt", "series", "edit", "1", "--rule", "every 2 weeks on thu", "--from", "2026-12-01")
        self.assertEqual(self.dates(), [("2026-11-24", "scheduled"), ("2026-12-03", "scheduled"), ("2026-12-17", "scheduled")])

    def test_suspend_and_resume(self):
        s = self.json("appt", "series", "suspend", "1", "--from", "2026-12-01", "--until", "2026-12-10")
        self.validate("series", s)
        # The visits in the span are held (cancelled, attached to the series) for resume to bring back.
        self.assertEqual(self.dates(), [("2026-11-24", "scheduled"), ("2026-12-01", "cancelled"), ("2026-12-08", "cancelled"),
                                        ("2026-12-15", "scheduled")])
        self.assertEqual(self.json("appt", "expand", "--through", "2026-12-31"), [{"appointment_id": 5, "series_id": 1, "date": "2026-12-22"},
                                                                             {"appointment_id": 6, "series_id": 1, "date": "2026-12-29"}])
        self.assertRefusedBoth(["appt", "series", "suspend", "1"], 1, "series 1 is already suspended")
        self.json("appt", "series", "resume", "1")
        self.assertEqual([d for d, _ in self.dates()],
                         ["2026-11-24", "2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29"])

    def test_a_suspension_reads_active_again_after_its_window(self):
        self.json("appt", "series", "suspend", "1", "--from", "2026-12-01", "--until", "2026-12-10")
        # Before and during its window it says so in words; after it, it is active again.
        shown = self.json("appt", "series", "show", "1")[0]
        self.assertEqual((shown["status"], shown["status_text"]), ("suspended", "suspended from 2026-12-01 until 2026-12-10"))
        self.assertIn("suspended from 2026-12-01 until 2026-12-10", self.ok("appt", "series", "list"))
        later = {"POM_NOW": "2026-12-11T08:00:00"}
        after = self.json("appt", "series", "list", env=later)[0]
        self.assertEqual((after["status"], after["status_text"]), ("active", "active"))
        self.validate("series", [after])
        # A suspension that ran out does not stand in the way of the next one.
        again = self.json("appt", "series", "suspend", "1", "--from", "2026-12-20", env=later)[0]
        self.assertEqual(again["status_text"], "suspended from 2026-12-20")
        self.json("appt", "series", "resume", "1", env=later)
        self.json("appt", "expand", "--through", "2026-12-31", env=later)
        self.assertEqual([d for d, s in self.dates() if s == "scheduled"], ["2026-11-24", "2026-12-15", "2026-12-22", "2026-12-29"])

    def test_cancel_series_ends_it_and_keeps_history(self):
        self.ok("appt", "start", "1", env={"POM_NOW": "2026-11-24T09:00:00"})
        self.ok("appt", "complete", "1", env={"POM_NOW": "2026-11-24T09:30:00"})
        r = self.json("appt", "cancel", "3", "--series", "--reason", "moved away", env={"POM_NOW": "2026-11-25T08:00:00"})
        self.assertEqual([x["id"] for x in r], [3, 4])
        self.assertEqual(self.dates(), [("2026-11-24", "completed"), ("2026-12-01", "scheduled"), ("2026-12-08", "cancelled"),
                                        ("2026-12-15", "cancelled")])
        s = self.json("appt", "series", "show", "1")[0]
        self.assertEqual((s["status"], s["ended_on"]), ("ended", "2026-12-08"))
        self.assertEqual(self.json("appt", "expand", "--through", "+12w"), [])
        self.assertRefusedBoth(["appt", "cancel", "4", "--series", "--reason", "again"], 1, "series 1 has already ended")

    def test_series_with_the_same_rule_and_start_each_keep_their_own_changes(self):
        # expand walks a rule once for all series that share it and its first date; what each
        # series has done since (suspended, cancelled, ended) must still be its own.
        for name in ("Bob Smith", "Cara Diaz"):
            self.ok("appt", "add", "--customer", name, "--date", "2026-11-24", "--repeat", "every tue",
                    "--worker", "Tom Reed", "--through", "+4w")
        self.json("appt", "series", "suspend", "2", "--from", "2026-12-22", "--until", "2027-01-05")
        cara = self.json("appt", "list", "--series", "3")
        self.ok("appt", "cancel", str(cara[1]["id"]), "--reason", "customer away")
        self.json("appt", "cancel", str(cara[3]["id"]), "--series", "--reason", "moved away")
        r = self.json("appt", "expand", "--through", "2027-01-19")
        self.validate("expand-result", r)
        self.assertEqual([(x["series_id"], x["date"]) for x in r],
                         [(1, "2026-12-22"), (1, "2026-12-29"), (1, "2027-01-05"), (1, "2027-01-12"), (1, "2027-01-19"),
                          (2, "2027-01-12"), (2, "2027-01-19")])
        self.assertEqual([(a["date"], a["status"]) for a in self.json("appt", "list", "--series", "3")],
                         [("2026-11-24", "scheduled"), ("2026-12-01", "cancelled"), ("2026-12-08", "scheduled"),
                          ("2026-12-15", "cancelled")])
        # Each series' audit entry names the visits made for it, and only those.
        rows = self.sql("SELECT entity_id, after FROM audit_log WHERE command LIKE '%appt expand%' ORDER BY id")
        made = {sid: [(o["date"], o["appointment_id"]) for o in json.loads(after)["created_occurrences"]]
                for sid, after in rows}
        self.assertEqual(sorted(made), [1, 2])
        self.assertEqual(made[2], [(x["date"], x["appointment_id"]) for x in r if x["series_id"] == 2])

    def test_move_future_shifts_the_rule(self):
        r = self.json("appt", "move", "2", "--date", "2026-12-03", "--future")
        self.assertEqual([x["date"] for x in r], ["2026-12-03", "2026-12-10", "2026-12-17"])
        self.assertEqual(self.json("appt", "series", "show", "1")[0]["rrule"], "FREQ=WEEKLY;BYDAY=TH")


class DaylightSaving(Company):
    config = Company.config.replace("America/Phoenix", "America/New_York")

    def test_a_series_keeps_its_local_window_across_the_november_change(self):
        env = {"POM_NOW": "2026-10-26T08:00:00"}
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-10-27", "--repeat", "weekly", "--window", "09:00-10:00",
                "--through", "2026-11-05", env=env)
        self.json("appt", "expand", "--through", "2026-11-20", env=env)
        rows = self.json("appt", "list", "--series", "1", env=env)
        self.assertEqual([(a["date"], a["window"]) for a in rows],
                         [("2026-10-27", "09:00-10:00"), ("2026-11-03", "09:00-10:00"), ("2026-11-10", "09:00-10:00"),
                          ("2026-11-17", "09:00-10:00")])
        # In the calendar each is 09:00 New York time: 13:00Z before 1 November, 14:00Z after.
        ics = self.ok("appt", "export", "--format", "ics", "--from", "2026-10-01", env=env)
        starts = [l for l in ics.splitlines() if l.startswith("DTSTART;")]
        self.assertEqual(starts, ["DTSTART;TZID=America/New_York:20261027T090000", "DTSTART;TZID=America/New_York:20261103T090000",
                                  "DTSTART;TZID=America/New_York:20261110T090000", "DTSTART;TZID=America/New_York:20261117T090000"])
        self.assertIn("BEGIN:STANDARD\nDTSTART:20261101T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nTZNAME:EST", ics)


@sqlite_only("kills against copies of a SQLite file; test_pg.py has sixteen writers on PostgreSQL")
class ExpandUnderStress(PomTest):
    """Hundreds of series over a long horizon. Expand commits a group of series at a time, so a kill
    leaves each series untouched or fully expanded, two expands at once never duplicate a visit, and
    the office's commands get the write lock between groups (default busy timeout)."""

    SERIES = 400

    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Big Customer")
        self.ok("pool", "add", "--customer", "Big Customer")
        con = sqlite3.connect(self.db)
        rows = [(1, 1, "FREQ=WEEKLY;BYDAY=" + ["MO", "TU", "WE", "TH", "FR"][i % 5] + (";INTERVAL=2" if i % 2 else ""),
                 "2026-11-23", 30, "maintenance", "2026-11-23T15:00:00Z", "2026-11-23T15:00:00Z") for i in range(self.SERIES)]
        con.executemany("INSERT INTO series (customer_id, pool_id, rrule, dtstart, duration_min, service_type, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.commit()
        con.close()
        self.horizon = "2029-11-23"

    def per_series(self, path=None):
        """{series id: (visits, expanded_through)}."""
        con = sqlite3.connect(path or self.db)
        try:
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            dups = con.execute("SELECT count(*) FROM (SELECT series_id, occurrence_date FROM appointment "
                               "GROUP BY 1, 2 HAVING count(*) > 1)").fetchone()[0]
            self.assertEqual(dups, 0)
            return {sid: (n, through) for sid, n, through in con.execute(
                "SELECT s.id, (SELECT count(*) FROM appointment a WHERE a.series_id = s.id), s.expanded_through FROM series s")}
        finally:
            con.close()

    def expected(self):
        """What a complete expansion gives, series by series, measured on a copy."""
        copy = os.path.join(self.dir, "copy.db")
        src = sqlite3.connect(self.db)
        dst = sqlite3.connect(copy)
        src.backup(dst)
        src.close()
        dst.close()
        self.ok("appt", "expand", "--through", self.horizon, env={"POM_DB": copy})
        return self.per_series(copy)

    def test_kill_leaves_no_series_half_done(self):
        full = self.expected()
        self.assertGreater(sum(n for n, _ in full.values()), 40000)
        killed_mid_run = 0
        partial_seen = False
        for delay in (0.05, 0.2, 0.4, 0.8):
            proc = subprocess.Popen([POM, "appt", "expand", "--through", self.horizon], env=self.env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed_mid_run += 1
            proc.wait()
            state = self.per_series()
            done = 0
            for sid, (n, through) in state.items():
                if through is None:
                    self.assertEqual(n, 0, f"series {sid}: visits without being marked expanded")
                else:
                    self.assertEqual((n, through), full[sid], f"killed after {delay}s: series {sid} half expanded")
                    done += 1
            partial_seen = partial_seen or 0 < done < self.SERIES
            if done == self.SERIES:
                break
        self.assertGreater(killed_mid_run, 0, "expand finished before any kill: the test proved nothing")
        # A later expand (tonight's cron) finishes what was left, without doubling anything.
        self.ok("appt", "expand", "--through", self.horizon)
        self.assertEqual(self.per_series(), full)

    def test_two_expands_at_once_create_each_visit_once(self):
        full = self.expected()
        procs = [subprocess.Popen([POM, "appt", "expand", "--through", self.horizon, "-o", "id"], env=self.env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [p.communicate(timeout=300) for p in procs]
        for p, (out, err) in zip(procs, outs):
            self.assertEqual(p.returncode, 0, err)
            self.assertNotIn("locked", err)
        created = sum(len(out.split()) for out, _ in outs)
        self.assertEqual(created, sum(n for n, _ in full.values()))  # together, each visit once
        self.assertEqual(self.per_series(), full)

    def test_office_commands_run_during_a_long_expand(self):
        self.ok("worker", "add", "--name", "Tom Reyes")
        ids = [self.json("appt", "add", "--customer", "1", "--date", "tomorrow")[0]["id"] for _ in range(3)]
        # Ten years ahead: long enough that the expand is still at work when dispatch has had its
        # turn, however fast the machine.
        expand = subprocess.Popen([POM, "appt", "expand", "--through", "2036-11-23"], env=self.env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.1)
        # Dispatch goes on with the default busy timeout while cron expands.
        self.ok("appt", "assign", str(ids[0]), "--worker", "Tom")
        still_running = expand.poll() is None
        self.ok("appt", "on-my-way", str(ids[0]))
        self.ok("appt", "skip", str(ids[1]), "--reason", "gate locked")
        _, err = expand.communicate(timeout=300)
        self.assertEqual(expand.returncode, 0, err)
        self.assertTrue(still_running, "expand finished before the office commands: the test proved nothing")
        statuses = [self.json("appt", "show", str(i))[0]["status"] for i in ids]
        self.assertEqual(statuses, ["en_route", "skipped", "scheduled"])


if __name__ == "__main__":
    unittest.main()
