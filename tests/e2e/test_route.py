"""pom route optimize|stats (issue 22): the order of each technician's day, saved as route_order;
windows, started, completed and pinned visits and pools without coordinates; --matrix; bad input."""
import os
import tempfile
import unittest

from pomtest import PomTest

DAY = "2026-11-25"
# Pools around Phoenix: listed in a zig-zag order that drives back and forth.
PLACES = [(33.50, -112.00), (33.40, -112.10), (33.52, -112.02), (33.41, -112.12), (33.54, -112.04), (33.42, -112.14)]


class Routes(PomTest):
    def setUp(self):
        super().setUp()
        self.ok("worker", "add", "--name", "Maria Lopez", "--start", "33.45,-112.07", "--hours", "07:30-16:00")
        self.ok("worker", "add", "--name", "Tom Reed")
        self.visits = []
        for i, (lat, lon) in enumerate(PLACES, 1):
            self.ok("customer", "add", "--name", f"Customer {i}", "--street", f"{i} Main St")
            self.ok("pool", "add", "--customer", str(i), "--lat", str(lat), "--lon", str(lon))
            self.visits.append(int(self.ok("appt", "add", "--customer", str(i), "--date", DAY, "--worker", "Maria",
                                           "--order", str(i), "-o", "id")))

    def orders(self):
        return [a["id"] for a in self.json("appt", "list", "--from", DAY, "--to", DAY, "--worker", "Maria")]

    def test_optimize_drives_less_and_saves_the_order(self):
        r = self.json("route", "optimize", "--date", DAY)
        self.validate("route", r)
        self.assertEqual(len(r), 1)
        m = r[0]
        self.assertEqual((m["worker"], m["stops"], m["late_after"]), ("Maria Lopez", 6, 0))
        self.assertLess(m["km_after"], m["km_before"] * 0.8)
        self.assertLess(m["drive_min_after"], m["drive_min_before"])
        self.assertTrue(m["changed"])
        new = [s["appointment_id"] for s in m["order"]]
        self.assertEqual(sorted(new), self.visits)
        # The two clusters are each visited together: north (1, 3, 5) and south (2, 4, 6).
        north = {self.visits[0], self.visits[2], self.visits[4]}
        self.assertIn(set(new[:3]), (north, set(self.visits) - north))
        self.assertEqual(self.orders(), new)
        self.assertEqual([s["position"] for s in m["order"]], [1, 2, 3, 4, 5, 6])
        arrivals = [s["arrival"] for s in m["order"]]
        self.assertEqual(arrivals, sorted(arrivals))
        self.assertGreater(arrivals[0], "07:30")
        # Audited, one update per visit that moved; a second run changes nothing.
        log = self.json("log", "--entity", "appointment")
        self.assertTrue(any(e["action"] == "update" and e["after"].get("route_order") for e in log))
        again = self.json("route", "optimize", "--date", DAY)
        self.assertFalse(again[0]["changed"])
        self.assertEqual([s["appointment_id"] for s in again[0]["order"]], new)

    def test_same_input_same_output(self):
        a = self.ok("route", "optimize", "--date", DAY, "--dry-run", "-o", "json")
        b = self.ok("route", "optimize", "--date", DAY, "--dry-run", "-o", "json")
        self.assertEqual(a, b)

    def test_dry_run_changes_nothing(self):
        before = self.dump()
        r = self.pom("route", "optimize", "--date", DAY, "--dry-run")
        self.assertEqual(r.code, 0, r)
        self.assertIn("Maria Lopez", r.out)
        self.assertIn("before", r.out)
        self.assertIn("dry run: nothing was written", r.err)
        self.assertEqual(self.dump(), before)

    def test_table_and_csv(self):
        out = self.ok("route", "optimize", "--date", DAY, "--dry-run")
        self.assertTrue(out.startswith(f"Routes {DAY}\n"))
        self.assertIn("after", out)
        rows = self.csv("route", "optimize", "--date", DAY, "--dry-run")
        self.assertEqual((rows[0]["worker"], rows[0]["stops"]), ("Maria Lopez", "6"))

    def test_window_is_kept_and_a_window_that_cannot_be_met_is_reported(self):
        # Visit 6 (south) promised 07:30-07:45: only reachable first; visit 1 promised at 07:30-07:35
        # as well, so one of them is late: reported, not dropped.
        v1, v6 = self.visits[0], self.visits[5]
        self.sql("UPDATE appointment SET window_start = '07:30', window_end = '07:50' WHERE id = ?", v6)
        r = self.json("route", "optimize", "--date", DAY)[0]
        self.assertEqual(r["order"][0]["appointment_id"], v6)
        self.assertEqual(r["late_after"], 0)
        self.sql("UPDATE appointment SET window_start = '07:30', window_end = '07:35' WHERE id = ?", v1)
        r = self.json("route", "optimize", "--date", DAY)[0]
        self.assertEqual(r["stops"], 6)
        self.assertEqual(r["late_after"], 1)
        self.assertEqual(sum(1 for s in r["order"] if s["late"]), 1)
        self.assertIn("LATE", self.ok("route", "optimize", "--date", DAY, "--dry-run"))

    def test_pinned_started_and_completed_keep_their_place(self):
        first, third = self.visits[0], self.visits[2]
        self.ok("appt", "edit", str(third), "--pin")
        self.ok("appt", "on-my-way", str(first), "--eta", "10m")
        r = self.json("route", "optimize", "--date", DAY)[0]
        by_id = {s["appointment_id"]: s for s in r["order"]}
        self.assertEqual((by_id[first]["position"], by_id[first]["kept"]), (1, "started"))
        self.assertEqual((by_id[third]["position"], by_id[third]["kept"]), (3, "pinned"))
        self.ok("appt", "edit", str(third), "--unpin")
        r = self.json("route", "optimize", "--date", DAY)[0]
        self.assertIsNone({s["appointment_id"]: s for s in r["order"]}[third]["kept"])

    def test_pool_without_coordinates_keeps_its_place_and_is_named(self):
        self.ok("customer", "add", "--name", "Nowhere", "--street", "9 Elm")
        self.ok("pool", "add", "--customer", "7")
        v = int(self.ok("appt", "add", "--customer", "7", "--date", DAY, "--worker", "Maria", "--order", "2", "-o", "id"))
        r = self.json("route", "optimize", "--date", DAY)[0]
        self.assertEqual(r["needs_coordinates"], [7])
        self.assertEqual(r["stops"], 7)
        kept = [s for s in r["order"] if s["appointment_id"] == v][0]
        self.assertEqual(kept["kept"], "no coordinates")
        self.assertEqual(kept["position"], kept["previous_position"])
        self.assertIn("pools that need coordinates", self.ok("route", "optimize", "--date", DAY, "--dry-run"))

    def test_matrix(self):
        keys = ["worker:1"] + [f"pool:{i}" for i in range(1, 7)]
        # Travel in seconds, one way only (as a routing engine's can be), that makes 6, 5, 4, 3, 2, 1
        # and back the only cheap order.
        chain = ["worker:1", "pool:6", "pool:5", "pool:4", "pool:3", "pool:2", "pool:1"]
        def cost(a, b):
            if a == b:
                return 0
            ia, ib = chain.index(a), chain.index(b)
            return 60 if ib == ia + 1 or (ia, ib) == (6, 0) else 3600
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.csv")
            with open(path, "w") as f:
                f.write("," + ",".join(keys) + "\n")
                for a in keys:
                    f.write(a + "," + ",".join(str(cost(a, b)) for b in keys) + "\n")
            r = self.json("route", "optimize", "--date", DAY, "--matrix", path)[0]
            self.assertEqual([s["pool_id"] for s in r["order"]], [6, 5, 4, 3, 2, 1])
            self.assertEqual(r["drive_min_after"], 7)
            # A matrix without a pool of the day.
            with open(path, "w") as f:
                f.write(",worker:1,pool:1\nworker:1,0,5\npool:1,5,0\n")
            self.assertRefused(["route", "optimize", "--date", DAY, "--matrix", path], 65, f"{path}: no row or column for pool:")
            with open(path, "w") as f:
                f.write(",worker:1,pool:1\nworker:1,0,-5\npool:1,5,0\n")
            self.assertRefused(["route", "optimize", "--date", DAY, "--matrix", path], 65,
                               f"{path}: row 2 (worker:1), column 3 (pool:1): '-5' is negative")
            with open(path, "w") as f:
                f.write(",worker:1,pool:1\nworker:1,0,soon\npool:1,5,0\n")
            self.assertRefused(["route", "optimize", "--date", DAY, "--matrix", path], 65, "'soon' is not a number of seconds")
            self.assertRefused(["route", "optimize", "--date", DAY, "--matrix", os.path.join(d, "none.csv")], 66, "--matrix: cannot read")

    def test_bad_input(self):
        self.assertRefused(["route", "optimize", "--date", DAY, "--worker", "Nobody"], 1, "no worker 'Nobody'")
        self.assertRefused(["appt", "edit", "999", "--pin"], 1, "999")
        self.assertRefused(["worker", "edit", "Tom", "--start", "33.4"], 65, "--start: '33.4' is not LAT,LON")
        self.assertRefused(["worker", "edit", "Tom", "--start", "133.4,10"], 65, "--start: latitude must be between -90 and 90")
        self.assertRefused(["worker", "edit", "Tom", "--hours", "17:00-08:00"], 65, "--hours: '17:00-08:00' ends before it starts")

    def test_a_day_with_nothing_to_do(self):
        r = self.pom("route", "optimize", "--date", "2026-11-26")
        self.assertEqual(r.code, 0, r)
        self.assertIn("no technician has visits that day", r.out)
        self.assertEqual(self.json("route", "optimize", "--date", "2026-11-26"), [])
        # A technician named but without visits: an empty route.
        r = self.json("route", "optimize", "--date", "2026-11-26", "--worker", "Tom")
        self.validate("route", r)
        self.assertEqual((r[0]["worker"], r[0]["stops"], r[0]["order"]), ("Tom Reed", 0, []))

    def test_stats_follow_the_stored_order(self):
        before = self.json("route", "stats", "--from", DAY, "--to", DAY)
        self.validate("route-stats", before)
        self.assertEqual([(r["worker"], r["date"], r["stops"]) for r in before], [("Maria Lopez", DAY, 6)])
        planned = self.json("route", "optimize", "--date", DAY)[0]
        after = self.json("route", "stats", "--from", DAY, "--to", DAY)
        self.assertAlmostEqual(before[0]["km"], planned["km_before"], delta=0.1)
        self.assertAlmostEqual(after[0]["km"], planned["km_after"], delta=0.1)
        self.assertAlmostEqual(after[0]["km_per_stop"], after[0]["km"] / 6, delta=0.01)
        self.assertAlmostEqual(after[0]["drive_hours"], planned["drive_min_after"] / 60, delta=0.02)
        # Another day for Tom: per worker and per day sums.
        self.ok("appt", "add", "--customer", "1", "--date", "2026-11-26", "--worker", "Tom")
        self.ok("worker", "edit", "Tom", "--start", "33.45,-112.07")
        by_worker = self.json("route", "stats", "--from", DAY, "--to", "2026-11-26", "--by", "worker")
        self.validate("route-stats", by_worker)
        self.assertEqual([(r["worker"], r["days"], r["stops"], r["date"]) for r in by_worker],
                         [("Maria Lopez", 1, 6, None), ("Tom Reed", 1, 1, None)])
        by_day = self.json("route", "stats", "--from", DAY, "--to", "2026-11-26", "--by", "day")
        self.assertEqual([(r["date"], r["stops"], r["worker"]) for r in by_day], [(DAY, 6, None), ("2026-11-26", 1, None)])
        self.assertEqual(self.csv("route", "stats", "--from", DAY, "--to", "2026-11-26")[1]["worker"], "Tom Reed")
        self.assertRefused(["route", "stats", "--from", "2026-11-26", "--to", DAY], 65, "--to: 2026-11-25 is before --from 2026-11-26")
        self.assertEqual(self.json("route", "stats", "--from", "2026-12-01", "--to", "2026-12-02"), [])

    def test_roles(self):
        # A technician's start is often their home: other technicians do not see it.
        seen = self.json("worker", "show", "Maria", "--as", "Tom Reed")[0]
        self.assertEqual((seen["start_lat"], seen["start_lon"]), (None, None))
        self.assertEqual(self.json("worker", "show", "Maria")[0]["start_lat"], 33.45)
        self.assertRefused(["route", "optimize", "--date", DAY, "--as", "Tom Reed"], 77, "")
        self.ok("worker", "add", "--name", "Dana Fox", "--role", "office")
        self.assertEqual(len(self.json("route", "optimize", "--date", DAY, "--dry-run", "--as", "Dana Fox")), 1)

    def test_routing_config(self):
        # Tom has no start of his own: the depot is where his day starts, at [routing] day_start.
        self.ok("appt", "add", "--customer", "2", "--date", "2026-11-26", "--worker", "Tom")
        with open(self.config_path, "a") as f:
            f.write('\n[routing]\ndepot = "33.40,-112.10"\nday_start = "06:30"\nspeed_kmh = 30\n')
        r = self.json("route", "optimize", "--date", "2026-11-26")[0]
        self.assertEqual(r["order"][0]["arrival"], "06:30")  # pool 2 is at the depot
        self.assertEqual(self.json("config", "show")[0]["routing.depot"], "33.4,-112.1")
        with open(self.config_path, "a") as f:
            f.write("road_factor = 0.5\n")
        r = self.pom("route", "optimize", "--date", "2026-11-26")
        self.assertEqual(r.code, 78, r)
        self.assertIn("routing.road_factor must be between 1 and 5", r.err)

    def test_worker_start_end_hours(self):
        w = self.json("worker", "edit", "Tom", "--start", "33.45,-112.07", "--end", "33.5,-112.0", "--hours", "06:00-14:30")
        self.validate("worker", w)
        self.assertEqual((w[0]["start_lat"], w[0]["start_lon"], w[0]["end_lat"], w[0]["end_lon"], w[0]["day_start"], w[0]["day_end"]),
                         (33.45, -112.07, 33.5, -112.0, "06:00", "14:30"))


if __name__ == "__main__":
    unittest.main()
