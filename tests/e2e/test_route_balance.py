"""pom route balance (issue 22): the day's visits moved between technicians (unassigned ones too)
to drive least, within hours, windows and kept visits; a proposal until --apply, which assigns as
`appt assign` does and tells each customer with a new technician once."""
import os
import tempfile
import unittest

from pomtest import PomTest

DAY = "2026-11-25"
WEST = [(33.45, -112.28), (33.44, -112.27)]
EAST = [(33.46, -111.82), (33.47, -111.81)]


class Skills(PomTest):
    config = PomTest.config + '[service_types.repair]\nskill = "pump repair"\n'

    def test_a_visit_goes_to_who_has_the_skill(self):
        self.ok("worker", "add", "--name", "Wendy West", "--start", "33.45,-112.30")
        self.ok("worker", "add", "--name", "Ed East", "--start", "33.45,-111.80", "--skills", "pump repair")
        self.ok("customer", "add", "--name", "West Repair", "--email", "wr@example.com")
        self.ok("pool", "add", "--customer", "1", "--lat", "33.45", "--lon", "-112.28")
        self.ok("customer", "add", "--name", "West Clean", "--email", "wc@example.com")
        self.ok("pool", "add", "--customer", "2", "--lat", "33.44", "--lon", "-112.27")
        repair = int(self.ok("appt", "add", "--customer", "1", "--date", DAY, "--type", "repair", "-o", "id"))
        clean = int(self.ok("appt", "add", "--customer", "2", "--date", DAY, "-o", "id"))
        r = self.json("route", "balance", "--date", DAY)
        self.validate("route-balance", r)
        where = {s["appointment_id"]: w["worker"] for w in r for s in w["order"]}
        self.assertEqual(where, {repair: "Ed East", clean: "Wendy West"})
        self.assertTrue(all(w["wrong_skill"] == 0 for w in r))
        # Nobody with the skill: assigned anyway, and reported.
        self.ok("worker", "edit", "Ed", "--skills", "")
        r = self.json("route", "balance", "--date", DAY)
        self.assertEqual(sum(w["wrong_skill"] for w in r), 1)
        self.assertEqual(sum(w["stops_after"] for w in r), 2)
        self.assertIn("without the skill", self.ok("route", "balance", "--date", DAY))


class Balance(PomTest):
    def setUp(self):
        super().setUp()
        self.ok("worker", "add", "--name", "Wendy West", "--start", "33.45,-112.30", "--hours", "08:00-17:00")
        self.ok("worker", "add", "--name", "Ed East", "--start", "33.45,-111.80", "--hours", "08:00-17:00")
        self.ok("worker", "add", "--name", "Olga Office", "--role", "office")
        # Crossed: the west pools are Ed's, the east pools Wendy's.
        self.west, self.east = [], []
        for i, (lat, lon) in enumerate(WEST + EAST, 1):
            self.ok("customer", "add", "--name", f"Customer {i}", "--email", f"c{i}@example.com", "--street", f"{i} Main St")
            self.ok("pool", "add", "--customer", str(i), "--lat", str(lat), "--lon", str(lon))
            who = "Ed" if i <= 2 else "Wendy"
            v = int(self.ok("appt", "add", "--customer", str(i), "--date", DAY, "--worker", who, "--order", str(i), "-o", "id"))
            (self.west if i <= 2 else self.east).append(v)
        self.sql("DELETE FROM notice")  # the notices of the assignments above

    def workers(self):
        return {a["id"]: (a["worker"], a["route_order"]) for a in self.json("appt", "list", "--from", DAY, "--to", DAY)}

    def test_the_obvious_move_is_found_and_applied(self):
        before = self.dump()
        r = self.json("route", "balance", "--date", DAY)
        self.validate("route-balance", r)
        self.assertEqual(self.dump(), before)  # a proposal only
        by = {w["worker"]: w for w in r}
        self.assertEqual(set(by), {"Wendy West", "Ed East"})  # technicians only, not the office
        self.assertEqual(sorted(s["appointment_id"] for s in by["Wendy West"]["order"]), self.west)
        self.assertEqual(sorted(s["appointment_id"] for s in by["Ed East"]["order"]), self.east)
        for w in r:
            self.assertEqual((w["stops_before"], w["stops_after"], w["moved_in"], w["moved_out"]), (2, 2, 2, 2))
            self.assertLess(w["km_after"], w["km_before"] / 5)
            self.assertLess(w["drive_min_after"], w["drive_min_before"])
            self.assertTrue(all(s["moved"] and s["previous_position"] is None for s in w["order"]))
            self.assertEqual([s["position"] for s in w["order"]], [1, 2])
        self.assertEqual(by["Wendy West"]["order"][0]["from_worker"], "Ed East")
        table = self.pom("route", "balance", "--date", DAY)
        self.assertEqual(table.code, 0, table)
        self.assertTrue(table.out.startswith(f"Balance {DAY}\n"))
        self.assertIn("Ed East          -> Wendy West", table.out)
        self.assertIn("total", table.out)
        self.assertIn("4 visits would change technician (--apply to assign)", table.err)
        self.assertEqual(self.dump(), before)
        rows = self.csv("route", "balance", "--date", DAY)
        self.assertEqual(sorted(x["worker"] for x in rows), ["Ed East", "Wendy West"])

        applied = self.json("route", "balance", "--date", DAY, "--apply")
        self.assertEqual(applied, r)
        now = self.workers()
        for v in self.west:
            self.assertEqual(now[v][0], "Wendy West")
        for v in self.east:
            self.assertEqual(now[v][0], "Ed East")
        self.assertEqual(sorted(now[v][1] for v in self.west), [1, 2])
        log = self.json("log", "--entity", "appointment")
        self.assertTrue(any(e["action"] == "update" and "worker_id" in e["after"] for e in log))
        # Balanced: a second run moves nothing.
        again = self.json("route", "balance", "--date", DAY)
        self.assertTrue(all(w["moved_in"] == 0 and w["moved_out"] == 0 for w in again))

    def test_notices_once_per_customer_whose_technician_changed(self):
        # Customer 1's visit goes from Ed to Wendy; customer 3's from Wendy to Ed. Add a visit
        # already on the right side: its customer is not told anything.
        self.ok("customer", "add", "--name", "Stays Put", "--email", "s@example.com")
        self.ok("pool", "add", "--customer", "5", "--lat", "33.455", "--lon", "-112.29")
        self.ok("appt", "add", "--customer", "5", "--date", DAY, "--worker", "Wendy", "-o", "id")
        self.sql("DELETE FROM notice")
        self.ok("route", "balance", "--date", DAY, "--apply")
        notices = self.json("notify", "list")
        self.assertEqual(sorted((n["kind"], n["recipient"]) for n in notices),
                         [("assigned", f"c{i}@example.com") for i in range(1, 5)])
        self.ok("route", "balance", "--date", DAY, "--apply")
        self.assertEqual(len(self.json("notify", "list")), 4)

    def test_unassigned_visits_get_assigned_with_apply(self):
        self.ok("customer", "add", "--name", "New West", "--email", "nw@example.com")
        self.ok("pool", "add", "--customer", "5", "--lat", "33.44", "--lon", "-112.29")
        self.ok("customer", "add", "--name", "New East", "--email", "ne@example.com")
        self.ok("pool", "add", "--customer", "6", "--lat", "33.46", "--lon", "-111.83")
        nw = int(self.ok("appt", "add", "--customer", "5", "--date", DAY, "-o", "id"))
        ne = int(self.ok("appt", "add", "--customer", "6", "--date", DAY, "-o", "id"))
        before = self.dump()
        r = self.json("route", "balance", "--date", DAY, "--dry-run", "--apply")
        self.assertEqual(self.dump(), before)  # --dry-run rolls --apply back
        moved = {s["appointment_id"]: (w["worker"], s["from_worker"]) for w in r for s in w["order"]}
        self.assertEqual(moved[nw], ("Wendy West", None))
        self.assertEqual(moved[ne], ("Ed East", None))
        self.ok("route", "balance", "--date", DAY, "--apply")
        now = self.workers()
        self.assertEqual((now[nw][0], now[ne][0]), ("Wendy West", "Ed East"))
        self.assertIn(("assigned", "nw@example.com"), [(n["kind"], n["recipient"]) for n in self.json("notify", "list")])

    def test_nothing_changes_without_apply(self):
        before = self.dump()
        for extra in ([], ["-o", "json"], ["-o", "csv"], ["--worker", "Ed", "--worker", "Wendy"]):
            r = self.pom("route", "balance", "--date", DAY, *extra)
            self.assertEqual(r.code, 0, r)
        self.assertEqual(self.dump(), before)

    def test_pinned_and_started_visits_stay(self):
        pinned, started = self.west[0], self.east[0]
        self.ok("appt", "edit", str(pinned), "--pin")
        self.ok("appt", "on-my-way", str(started), "--eta", "10m")
        self.sql("DELETE FROM notice")
        r = self.json("route", "balance", "--date", DAY, "--apply")
        self.validate("route-balance", r)
        stops = {s["appointment_id"]: (w["worker"], s) for w in r for s in w["order"]}
        self.assertEqual(stops[pinned][0], "Ed East")
        self.assertEqual((stops[pinned][1]["kept"], stops[pinned][1]["moved"]), ("pinned", False))
        self.assertEqual(stops[started][0], "Wendy West")
        self.assertEqual((stops[started][1]["kept"], stops[started][1]["position"]), ("started", 1))
        now = self.workers()
        self.assertEqual(now[pinned][0], "Ed East")
        self.assertEqual((now[started][0], now[started][1]), ("Wendy West", 1))
        # The free ones still moved.
        self.assertEqual(now[self.west[1]][0], "Wendy West")
        self.assertEqual(now[self.east[1]][0], "Ed East")

    def test_windows_and_hours(self):
        # Wendy works 08:00-09:00 only: she cannot take both west visits (30 minutes each plus
        # driving) and stays within her hours; a window promised at 13:00-14:00 is kept.
        self.ok("worker", "edit", "Wendy", "--hours", "08:00-09:00")
        self.ok("appt", "edit", str(self.east[0]), "--window", "13:00-14:00")
        r = self.json("route", "balance", "--date", DAY)
        by = {w["worker"]: w for w in r}
        self.assertEqual(by["Wendy West"]["overtime_min"], 0)
        self.assertLessEqual(by["Wendy West"]["finish_after"] or "00:00", "09:00")
        self.assertLess(by["Wendy West"]["stops_after"], 2)
        self.assertEqual(sum(w["stops_after"] for w in r), 4)  # nothing dropped
        for w in r:
            self.assertEqual(w["late_after"], 0)
            for s in w["order"]:
                if s["appointment_id"] == self.east[0]:
                    self.assertGreaterEqual(s["arrival"], "13:00")
                    self.assertLessEqual(s["arrival"], "14:00")

    def test_skills_and_truck_capacity(self):
        # Wendy's truck holds 5 gal: of two west visits taking 4 gal each, one is Ed's.
        self.ok("worker", "edit", "Wendy", "--capacity", "5")
        self.ok("appt", "edit", str(self.west[0]), "--load", "4")
        self.ok("appt", "edit", str(self.west[1]), "--load", "4")
        r = self.json("route", "balance", "--date", DAY)
        where = {s["appointment_id"]: w["worker"] for w in r for s in w["order"]}
        self.assertEqual(sorted(where[v] for v in self.west), ["Ed East", "Wendy West"])
        self.assertEqual(len(where), 4)
        self.ok("worker", "edit", "Wendy", "--capacity", "none")
        self.assertEqual({w["worker"]: w["stops_after"] for w in self.json("route", "balance", "--date", DAY)},
                         {"Wendy West": 2, "Ed East": 2})

    def test_only_the_named_technicians(self):
        self.ok("worker", "add", "--name", "Tia Third", "--start", "33.45,-112.29")
        r = self.json("route", "balance", "--date", DAY, "--worker", "Ed", "--worker", "Wendy")
        self.assertEqual(sorted(w["worker"] for w in r), ["Ed East", "Wendy West"])
        r = self.json("route", "balance", "--date", DAY, "--worker", "Ed")
        self.assertEqual(len(r), 1)
        self.assertEqual(sorted(s["appointment_id"] for s in r[0]["order"]), self.west)  # his own, unmoved
        self.assertTrue(all(not s["moved"] for s in r[0]["order"]))

    def test_bad_input(self):
        self.assertRefused(["route", "balance", "--date", DAY, "--worker", "Nobody"], 1, "no worker 'Nobody'")
        self.assertRefused(["route", "balance", "--date", DAY, "--worker", "Nobody", "--apply"], 1, "no worker 'Nobody'")
        self.assertRefused(["route", "balance", "--date", "someday"], 65, "--date")
        self.ok("worker", "edit", "Ed", "--inactive")
        self.assertRefused(["route", "balance", "--date", DAY, "--worker", "2", "--apply"], 1, "worker Ed East is inactive")

    def test_malformed_matrix(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.csv")
            with open(path, "w") as f:
                f.write(",worker:1,pool:1\nworker:1,0,-5\npool:1,5,0\n")
            self.assertRefused(["route", "balance", "--date", DAY, "--matrix", path, "--apply"], 65,
                               f"{path}: row 2 (worker:1), column 3 (pool:1): '-5' is negative")
            with open(path, "w") as f:
                f.write(",worker:1,pool:1\nworker:1,0,5\npool:1,5,0\n")
            self.assertRefused(["route", "balance", "--date", DAY, "--matrix", path, "--apply"], 65, f"{path}: no row or column for")
            self.assertRefused(["route", "balance", "--date", DAY, "--matrix", os.path.join(d, "none.csv")], 66, "--matrix: cannot read")
            # A good matrix: the crossed visits uncrossed by its times.
            keys = ["worker:1", "worker:2"] + [f"pool:{i}" for i in range(1, 5)]
            side = {"worker:1": 0, "pool:1": 0, "pool:2": 0, "worker:2": 1, "pool:3": 1, "pool:4": 1}
            with open(path, "w") as f:
                f.write("," + ",".join(keys) + "\n")
                for a in keys:
                    f.write(a + "," + ",".join("0" if a == b else ("300" if side[a] == side[b] else "3600") for b in keys) + "\n")
            r = self.json("route", "balance", "--date", DAY, "--matrix", path)
            by = {w["worker"]: w for w in r}
            self.assertEqual(sorted(s["appointment_id"] for s in by["Wendy West"]["order"]), self.west)
            self.assertEqual(by["Wendy West"]["drive_min_after"], 15)

    def test_a_day_with_nothing_to_do(self):
        r = self.pom("route", "balance", "--date", "2026-11-26")
        self.assertEqual(r.code, 0, r)
        self.assertIn("no visit changes technician", r.out)
        rows = self.json("route", "balance", "--date", "2026-11-26")
        self.assertEqual([(w["stops_after"], w["order"]) for w in rows], [(0, []), (0, [])])
        self.validate("route-balance", rows)
        before = self.dump()
        self.ok("route", "balance", "--date", "2026-11-26", "--apply")
        self.assertEqual(self.dump(), before)


if __name__ == "__main__":
    unittest.main()
