"""pom route plan (issue 22): the weekday and technician of each recurring series for a week of
tight, even routes; preferred days kept, pinned series and pools without coordinates kept and
named; a proposal until --apply --effective D, which edits the series from D (future visits move,
history stays) and tells each customer once. Also customer edit --preferred-day."""
import os
import tempfile
import unittest

from pomtest import PomTest

# Today is Monday 2026-11-23 (pomtest's POM_NOW); D is next Monday.
D = "2026-11-30"
WEST = [(33.45, -112.28), (33.44, -112.27), (33.46, -112.27), (33.45, -112.26)]
EAST = [(33.46, -111.82), (33.47, -111.81), (33.45, -111.81), (33.46, -111.80)]
# Badly spread: each cluster over four days and both technicians.
DAYS = ["mon", "tue", "wed", "thu"]
FIRST = {"mon": "2026-11-23", "tue": "2026-11-24", "wed": "2026-11-25", "thu": "2026-11-26", "fri": "2026-11-27"}


class PreferredDay(PomTest):
    def test_set_show_clear_and_refuse(self):
        self.ok("customer", "add", "--name", "Ana Ortiz", "--email", "ana@example.com")
        self.assertIsNone(self.json("customer", "show", "1")[0]["preferred_day"])
        r = self.json("customer", "edit", "1", "--preferred-day", "Tue")[0]
        self.assertEqual(r["preferred_day"], "tue")
        self.validate("customer", r)
        shown = self.json("customer", "show", "Ana Ortiz")[0]
        self.validate("customer-detail", shown)
        self.assertEqual(shown["preferred_day"], "tue")
        self.assertIn("preferred_day  tue", self.ok("customer", "show", "1"))
        self.assertEqual(self.csv("customer", "list")[0]["preferred_day"], "tue")
        log = self.json("log", "--entity", "customer")
        self.assertTrue(any(e["action"] == "update" and e["after"]["preferred_day"] == "tue" for e in log))
        self.assertRefused(["customer", "edit", "1", "--preferred-day", "someday"], 64,
                           "--preferred-day: 'someday' is not a day (mon, tue, wed, thu, fri, sat, sun or none)")
        self.assertRefused(["customer", "edit", "1", "--preferred-day", "tuesday"], 64, "--preferred-day")
        self.assertIsNone(self.json("customer", "edit", "1", "--preferred-day", "none")[0]["preferred_day"])
        r = self.pom("customer", "edit", "1", "--preferred-day", "none")
        self.assertIn("nothing changed", r.err)


class Plan(PomTest):
    def setUp(self):
        super().setUp()
        self.ok("worker", "add", "--name", "Wendy West", "--start", "33.45,-112.30", "--hours", "08:00-17:00")
        self.ok("worker", "add", "--name", "Ed East", "--start", "33.45,-111.80", "--hours", "08:00-17:00")
        self.ok("worker", "add", "--name", "Olga Office", "--role", "office")
        self.west, self.east = [], []  # series ids
        n = 0
        for side, places in (("west", WEST), ("east", EAST)):
            for k, (lat, lon) in enumerate(places):
                n += 1
                self.ok("customer", "add", "--name", f"{side.title()} {k + 1}", "--email", f"{side}{k + 1}@example.com",
                        "--notes", "gate code 4521")
                self.ok("pool", "add", "--customer", str(n), "--lat", str(lat), "--lon", str(lon))
                day = DAYS[k]
                who = "Ed" if k % 2 == 0 else "Wendy"
                self.ok("appt", "add", "--customer", str(n), "--date", FIRST[day], "--repeat", f"every {day}", "--worker", who,
                        "--through", "+4w")
                (self.west if side == "west" else self.east).append(n)
        self.sql("DELETE FROM notice")  # the series notices of the bookings above

    def placed(self, rows):
        """series id -> (weekday, worker) after the plan."""
        return {s["series_id"]: (r["weekday"], r["worker"]) for r in rows for s in r["series"]}

    def visits(self, series):
        return [(a["date"], a["worker"], a["status"]) for a in self.json("appt", "list", "--series", str(series))]

    def test_the_obvious_week_is_found(self):
        before = self.dump()
        rows = self.json("route", "plan", "--evenness", "0")
        self.validate("route-plan", rows)
        self.assertEqual(self.dump(), before)  # a proposal only
        placed = self.placed(rows)
        west = {placed[s] for s in self.west}
        east = {placed[s] for s in self.east}
        self.assertEqual(len(west), 1, west)  # one day, one technician per cluster
        self.assertEqual(len(east), 1, east)
        self.assertEqual(next(iter(west))[1], "Wendy West")
        self.assertEqual(next(iter(east))[1], "Ed East")
        self.assertEqual({r["worker"] for r in rows}, {"Wendy West", "Ed East"})  # technicians only
        self.assertEqual(len(rows), 10)  # mon-fri x 2
        drive_before = sum(r["drive_min_before"] for r in rows)
        drive_after = sum(r["drive_min_after"] for r in rows)
        self.assertLess(drive_after, drive_before / 2)
        self.assertEqual(sum(r["stops_before"] for r in rows), 8)
        self.assertEqual(sum(r["stops_after"] for r in rows), 8)
        self.assertEqual(sum(r["moved_in"] for r in rows), sum(r["moved_out"] for r in rows))
        # For people: the changes and the week's totals.
        table = self.pom("route", "plan", "--evenness", "0")
        self.assertEqual(table.code, 0, table)
        self.assertTrue(table.out.startswith("Week plan (mon,tue,wed,thu,fri)\n"), table.out)
        self.assertIn("week total", table.out.replace("  ", " ").replace("  ", " "))
        self.assertIn("would change day or technician", table.err)
        self.assertEqual(self.csv("route", "plan", "--evenness", "0")[0].keys() >= {"weekday", "worker", "drive_min_after"}, True)
        self.assertEqual(self.dump(), before)
        # Same input, same output.
        self.assertEqual(self.json("route", "plan", "--evenness", "0"), rows)

    def test_evenness_spreads_the_work(self):
        rows = self.json("route", "plan")  # default evenness 1: the days are kept even
        self.validate("route-plan", rows)
        busiest = max(r["stops_after"] for r in rows)
        self.assertLess(busiest, 4)
        self.assertEqual(sum(r["stops_after"] for r in rows), 8)

    def test_preferred_day_kept(self):
        self.ok("customer", "edit", str(self.west[1]), "--preferred-day", "fri")
        rows = self.json("route", "plan", "--evenness", "0")
        placed = self.placed(rows)
        self.assertEqual(placed[self.west[1]][0], "fri")
        series = {s["series_id"]: s for r in rows for s in r["series"]}
        self.assertEqual(series[self.west[1]]["preferred_day"], "fri")
        # Only Wednesday allowed for an east customer: kept there even if alone.
        self.ok("customer", "edit", str(self.east[0]), "--preferred-day", "wed")
        placed = self.placed(self.json("route", "plan", "--evenness", "0"))
        self.assertEqual(placed[self.east[0]][0], "wed")

    def test_pinned_and_no_coordinates_kept_and_named(self):
        # A coming visit of east 1 pinned by the office: its series keeps Monday and Ed.
        first = self.json("appt", "list", "--series", str(self.east[0]))[1]
        self.ok("appt", "edit", str(first["id"]), "--pin")
        # A customer whose pool has no coordinates, Tuesday with Wendy.
        self.ok("customer", "add", "--name", "Nowhere", "--email", "n@example.com")
        self.ok("pool", "add", "--customer", "9")
        self.ok("appt", "add", "--customer", "9", "--date", FIRST["tue"], "--repeat", "every tue", "--worker", "Wendy", "--through", "+4w")
        rows = self.json("route", "plan", "--evenness", "0")
        self.validate("route-plan", rows)
        series = {s["series_id"]: (r["weekday"], r["worker"], s) for r in rows for s in r["series"]}
        self.assertEqual(series[self.east[0]][:2], ("mon", "Ed East"))
        self.assertEqual(series[self.east[0]][2]["kept"], "pinned")
        self.assertFalse(series[self.east[0]][2]["moved"])
        self.assertEqual(series[9][:2], ("tue", "Wendy West"))
        self.assertEqual(series[9][2]["kept"], "no coordinates")
        table = self.ok("route", "plan", "--evenness", "0")
        self.assertIn(f"kept (pinned): series {self.east[0]}", table)
        self.assertIn("kept (no coordinates): series 9", table)
        # Applied, they stay.
        self.ok("route", "plan", "--evenness", "0", "--apply", "--effective", D)
        self.assertEqual({w for (_, w, _) in self.visits(9)}, {"Wendy West"})
        self.assertEqual(self.json("appt", "series", "show", "9")[0]["rrule"], "FREQ=WEEKLY;BYDAY=TU")

    def test_apply_moves_future_visits_and_leaves_history(self):
        # West 1 (Mondays with Ed): today's visit is done; it is history.
        today = self.json("appt", "list", "--series", str(self.west[0]))[0]
        self.assertEqual(today["date"], "2026-11-23")
        self.ok("appt", "start", str(today["id"]))
        self.ok("appt", "complete", str(today["id"]))
        # West 2 (Tuesdays with Wendy): tomorrow is before D and stays.
        rows = self.json("route", "plan", "--evenness", "0")
        target = self.placed(rows)
        applied = self.pom("route", "plan", "--evenness", "0", "--apply", "--effective", D)
        self.assertEqual(applied.code, 0, applied)
        changed = [s for r in rows for s in r["series"] if s["moved"]]
        self.assertTrue(changed)
        self.assertIn(f"{len(changed)} series changed from {D}", applied.err)
        code = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR"}
        for sid in self.west + self.east:
            day, worker = target[sid]
            show = self.json("appt", "series", "show", str(sid))[0]
            self.assertEqual(show["rrule"], f"FREQ=WEEKLY;BYDAY={code[day]}", sid)
            for date, who, status in self.visits(sid):
                if date >= D and status == "scheduled":
                    self.assertEqual(who, worker, (sid, date))
                    self.assertEqual(self.json("appt", "list", "--from", date, "--to", date, "--series", str(sid))[0]["date"], date)
        # History: the completed visit and the visits before D are as they were.
        self.assertEqual(self.visits(self.west[0])[0], ("2026-11-23", "Ed East", "completed"))
        self.assertEqual(self.visits(self.west[1])[0], ("2026-11-24", "Wendy West", "scheduled"))
        # Future visits are on the new weekday.
        import datetime
        for sid in self.west + self.east:
            day = target[sid][0]
            for date, _, status in self.visits(sid):
                if date >= D:
                    wd = datetime.date.fromisoformat(date).strftime("%a").lower()
                    self.assertEqual(wd, day, (sid, date))
        log = self.json("log", "--entity", "series")
        self.assertTrue(any(e["action"] == "update" and "rrule" in (e["after"] or {}) for e in log))

    def test_notice_once_per_customer_and_not_again(self):
        rows = self.json("route", "plan", "--evenness", "0")
        moved_day = {s["customer_id"] for r in rows for s in r["series"] if s["moved"] and s["from_weekday"] != r["weekday"]}
        self.assertTrue(moved_day)
        moved_day = {s["customer_id"] for r in rows for s in r["series"] if s["moved"]}
        self.ok("route", "plan", "--evenness", "0", "--apply", "--effective", D)
        notices = [n for n in self.json("notify", "list") if n["kind"] == "day_change"]
        email = {c: (f"west{c}" if c <= 4 else f"east{c - 4}") + "@example.com" for c in range(1, 9)}
        self.assertEqual(sorted(n["recipient"] for n in notices), sorted(email[c] for c in moved_day))
        names = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday"}
        target = {s["customer_id"]: (r["weekday"], r["worker"]) for r in rows for s in r["series"]}
        for n in notices:
            c = next(c for c, e in email.items() if e == n["recipient"])
            day, worker = target[c]
            self.assertIn(f"they are every {names[day]}, and your technician will be {worker.split()[0]}.", n["body"])
            self.assertRegex(n["subject"], r"^Your pool service from \w+day, \w+ \d+: \w+day$")
            self.assertNotIn("4521", n["body"])  # never the private notes
            self.assertNotIn("{", n["body"])
        # Only the day_change notice: not also the series notice of a new technician.
        self.assertEqual({n["kind"] for n in self.json("notify", "list")}, {"day_change"})
        # Again: nothing changes, nothing is queued.
        before = self.dump()
        again = self.pom("route", "plan", "--evenness", "0", "--apply", "--effective", D)
        self.assertEqual(again.code, 0, again)
        self.assertIn("0 series changed", again.err)
        self.assertIn("0 day_change notices queued", again.err)
        self.assertIn("no series changes day or technician", again.out)
        self.assertEqual(self.dump(), before)

    def test_nothing_changes_without_apply(self):
        before = self.dump()
        for extra in ([], ["-o", "json"], ["-o", "csv"], ["-o", "jsonl"], ["--worker", "Ed", "--worker", "Wendy"],
                      ["--weekdays", "mon-wed"]):
            r = self.pom("route", "plan", *extra)
            self.assertEqual(r.code, 0, r)
        self.assertEqual(self.dump(), before)

    def test_weekdays_and_workers(self):
        rows = self.json("route", "plan", "--weekdays", "mon,wed", "--evenness", "0")
        self.assertEqual({r["weekday"] for r in rows}, {"mon", "wed"})
        placed = self.placed(rows)
        # Tuesday and Thursday series are outside the plan: not listed, not moved.
        self.assertEqual(set(placed), {self.west[0], self.west[2], self.east[0], self.east[2]})
        self.assertIn("kept (not a planned weekday)", self.ok("route", "plan", "--weekdays", "mon,wed"))
        rows = self.json("route", "plan", "--worker", "Ed")
        self.assertEqual({r["worker"] for r in rows}, {"Ed East"})
        self.assertEqual(set(self.placed(rows)), {self.west[0], self.west[2], self.east[0], self.east[2]})

    def test_bad_input(self):
        self.assertRefused(["route", "plan", "--worker", "Nobody"], 1, "no worker 'Nobody'")
        self.assertRefused(["route", "plan", "--worker", "Nobody", "--apply", "--effective", D], 1, "no worker 'Nobody'")
        self.assertRefused(["route", "plan", "--weekdays", "mon-funday"], 64, "--weekdays: 'mon-funday' is not a list of weekdays")
        self.assertRefused(["route", "plan", "--weekdays", "fri-mon"], 64, "runs backwards")
        self.assertRefused(["route", "plan", "--apply"], 64, "--apply needs --effective")
        self.assertRefused(["route", "plan", "--effective", D], 64, "--effective goes with --apply")
        self.assertRefused(["route", "plan", "--apply", "--effective", "2026-11-20"], 65, "--effective: 2026-11-20 is in the past")
        self.assertRefused(["route", "plan", "--apply", "--effective", "someday"], 65, "--effective")
        self.ok("worker", "edit", "Ed", "--inactive")
        self.assertRefused(["route", "plan", "--worker", "2", "--apply", "--effective", D], 1, "worker Ed East is inactive")

    def test_malformed_matrix(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.csv")
            with open(path, "w") as f:
                f.write(",worker:1,pool:1\nworker:1,0,-5\npool:1,5,0\n")
            self.assertRefused(["route", "plan", "--matrix", path, "--apply", "--effective", D], 65,
                               f"{path}: row 2 (worker:1), column 3 (pool:1): '-5' is negative")
            with open(path, "w") as f:
                f.write(",worker:1,pool:1\nworker:1,0,5\npool:1,5,0\n")
            self.assertRefused(["route", "plan", "--matrix", path, "--apply", "--effective", D], 65, f"{path}: no row or column for")
            self.assertRefused(["route", "plan", "--matrix", os.path.join(d, "none.csv")], 66, "--matrix: cannot read")
            # A good matrix: each cluster is close by its times.
            keys = ["worker:1", "worker:2"] + [f"pool:{i}" for i in range(1, 9)]
            side = {k: (0 if k == "worker:1" or (k.startswith("pool:") and int(k[5:]) <= 4) else 1) for k in keys}
            with open(path, "w") as f:
                f.write("," + ",".join(keys) + "\n")
                for a in keys:
                    f.write(a + "," + ",".join("0" if a == b else ("300" if side[a] == side[b] else "3600") for b in keys) + "\n")
            rows = self.json("route", "plan", "--matrix", path, "--evenness", "0")
            placed = self.placed(rows)
            self.assertEqual(len({placed[s] for s in self.west}), 1)
            self.assertEqual({placed[s][1] for s in self.west}, {"Wendy West"})

    def test_nothing_to_plan(self):
        self.sql("DELETE FROM appointment_event")
        self.sql("DELETE FROM appointment")
        self.sql("DELETE FROM series")
        r = self.pom("route", "plan")
        self.assertEqual(r.code, 0, r)
        self.assertIn("no series changes day or technician", r.out)
        rows = self.json("route", "plan")
        self.validate("route-plan", rows)
        self.assertTrue(all(x["stops_after"] == 0 for x in rows))


if __name__ == "__main__":
    unittest.main()
