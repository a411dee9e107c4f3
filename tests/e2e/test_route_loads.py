"""What a route must respect (issue 22): a technician's skills and truck capacity, a visit's load
(set by the office or estimated from the pool's recent doses), [routing] load_unit/load_chemical,
a service type's skill; and `appt on-my-way` without --eta, priced from where the technician is."""
import math
import re
import unittest
from datetime import datetime, timedelta

from pomtest import DbError, PomTest

DAY = "2026-11-23"
START = (33.45, -112.07)
POOL_A = (33.50, -112.00)
POOL_B = (33.40, -112.10)


def drive_s(a, b, road_factor=1.3, speed=40.0):
    """pom's default travel time: haversine on a sphere of radius 6371.0088 km, times the road
    factor, at the average speed, in whole minutes (at least one)."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    km = 2 * 6371.0088 * math.asin(math.sqrt(h)) * road_factor
    s = round(km / speed * 3600)
    return max(60, (s + 59) // 60 * 60)


def instant(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


class Workers(PomTest):
    def test_skills_and_capacity_are_kept_and_cleared(self):
        w = self.json("worker", "add", "--name", "Maria Lopez", "--skills", "Repair, green pool,repair", "--capacity", "40")
        self.validate("worker", w)
        self.assertEqual((w[0]["skills"], w[0]["capacity"]), (["repair", "green-pool"], "40"))
        w = self.json("worker", "edit", "Maria", "--capacity", "12.5")
        self.assertEqual((w[0]["skills"], w[0]["capacity"]), (["repair", "green-pool"], "12.5"))
        w = self.json("worker", "edit", "Maria", "--skills", "", "--capacity", "none")
        self.assertEqual((w[0]["skills"], w[0]["capacity"]), ([], None))
        self.assertEqual(self.sql("SELECT skills, capacity_milli FROM worker"), [(None, None)])

    def test_bad_skills_and_capacity_are_refused(self):
        self.ok("worker", "add", "--name", "Maria Lopez")
        self.assertRefused(["worker", "edit", "Maria", "--skills", "repair,pH/acid"], 65, "--skills: 'pH/acid' is not a skill name")
        self.assertRefused(["worker", "edit", "Maria", "--skills", "repair,,acid"], 65, "--skills: an empty skill")
        self.assertRefused(["worker", "edit", "Maria", "--capacity", "0"], 65, "--capacity: must be more than zero")
        self.assertRefused(["worker", "edit", "Maria", "--capacity", "-4"], 65, "--capacity")
        self.assertRefused(["worker", "edit", "Maria", "--capacity", "lots"], 65, "--capacity")

    def test_the_schema_refuses_what_pom_does(self):
        self.ok("worker", "add", "--name", "Maria Lopez")
        self.ok("customer", "add", "--name", "Ann Smith")
        self.ok("pool", "add", "--customer", "1")
        self.ok("appt", "add", "--customer", "1", "--date", DAY)
        for sql in ("UPDATE worker SET capacity_milli = 0", "UPDATE worker SET skills = ''",
                    "UPDATE appointment SET load_milli = -1", "UPDATE customer SET preferred_day = 'monday'"):
            with self.assertRaises(DbError, msg=sql):
                self.sql(sql)
        self.sql("UPDATE customer SET preferred_day = 'tue'")
        self.sql("UPDATE appointment SET load_milli = 0")


class Config(PomTest):
    config = PomTest.config + ('[routing]\nload_unit = "floz"\nload_chemical = "Liquid_Chlorine"\n'
                               '[service_types.repair]\nskill = "Pump Repair"\n')

    def test_config_shows_the_load_and_the_skill(self):
        c = self.json("config", "show")[0]
        self.assertEqual((c["routing.load_unit"], c["routing.load_chemical"]), ("floz", "Liquid_Chlorine"))
        self.validate("config", [c])

    def test_a_bad_load_unit_is_exit_78(self):
        with open(self.config_path, "w") as f:
            f.write(PomTest.config + '[routing]\nload_unit = "buckets"\n')
        r = self.pom("worker", "list")
        self.assertEqual(r.code, 78, r)
        self.assertIn("routing.load_unit: 'buckets' is not a unit", r.err)
        with open(self.config_path, "w") as f:
            f.write(PomTest.config + '[service_types.repair]\nskill = "a/b"\n')
        r = self.pom("worker", "list")
        self.assertEqual(r.code, 78, r)
        self.assertIn("service_types.repair.skill", r.err)


class Day(PomTest):
    """Maria starts at START; Ann's pool is north-east of it, Bob's south-west."""

    def setUp(self):
        super().setUp()
        self.ok("worker", "add", "--name", "Maria Lopez", "--start", "%s,%s" % START)
        self.ok("customer", "add", "--name", "Ann Smith", "--phone", "602-555-0101", "--opt-in", "602-555-0101")
        self.ok("pool", "add", "--customer", "1", "--lat", str(POOL_A[0]), "--lon", str(POOL_A[1]))
        self.ok("customer", "add", "--name", "Bob Jones")
        self.ok("pool", "add", "--customer", "2", "--lat", str(POOL_B[0]), "--lon", str(POOL_B[1]))

    def visit(self, customer, day=DAY):
        then = {"POM_NOW": day + "T07:00:00"}
        return int(self.ok("appt", "add", "--customer", str(customer), "--date", day, "--worker", "Maria", "-o", "id", env=then))

    def ticket(self, appt, day, doses):
        then = {"POM_NOW": day + "T09:00:00"}
        t = self.json("service", "start", str(appt), env=then)[0]["id"]
        for chemical, amount, unit in doses:
            self.ok("service", "dose", str(t), "--chemical", chemical, "--amount", amount, "--unit", unit, env=then)
        self.ok("service", "submit", str(t), "--force", "--reason", "test visit", env={"POM_NOW": day + "T09:30:00"})


class Loads(Day):
    def test_load_set_by_the_office_and_cleared(self):
        a = self.visit(1)
        r = self.json("appt", "edit", str(a), "--load", "2.5")
        self.validate("appointment", r)
        self.assertEqual(r[0]["load"], "2.5")
        show = self.json("appt", "show", str(a))
        self.validate("appointment-detail", show)
        self.assertEqual((show[0]["load"], show[0]["route_load"]), ("2.5", "2.5"))
        self.assertEqual(self.json("appt", "edit", str(a), "--load", "auto")[0]["load"], None)
        self.assertRefused(["appt", "edit", str(a), "--load", "-1"], 65, "--load")
        self.assertRefused(["appt", "edit", str(a), "--load", "lots"], 65, "--load")

    def test_load_is_estimated_from_the_last_three_tickets(self):
        # Four past visits at pool 1: 1 gal, 64 floz (0.5 gal), nothing, 2 gal; and acid, which is
        # not the load. The estimate averages the last three: (0.5 + 0 + 2) / 3 = 0.833 gal.
        days = ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"]
        doses = [[("liquid chlorine", "1", "gal")], [("Liquid_Chlorine", "64", "floz"), ("muriatic acid", "1", "gal")],
                 [], [("liquid chlorine", "2", "gal"), ("liquid chlorine", "2", "lb")]]
        for day, d in zip(days, doses):
            self.ticket(self.visit(1, day), day, d)
        a = self.visit(1)
        self.assertEqual(self.json("appt", "show", str(a))[0]["route_load"], "0.833")
        # A pool with no ticket: 0.
        b = self.visit(2)
        self.assertEqual(self.json("appt", "show", str(b))[0]["route_load"], "0")


def raw_drive_s(a, b, road_factor=1.3, speed=40.0):
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return round(2 * 6371.0088 * math.asin(math.sqrt(h)) * road_factor / speed * 3600)


def hhmm(seconds):
    minutes = (seconds + 30) // 60
    return "%02d:%02d" % (minutes // 60, minutes % 60)


class Board(Day):
    def test_the_board_shows_each_visits_projected_arrival(self):
        a, b = self.visit(1), self.visit(2)
        self.ok("appt", "edit", str(a), "--order", "1")
        self.ok("appt", "edit", str(b), "--order", "2")
        self.ok("customer", "add", "--name", "Cara Diaz")
        self.ok("pool", "add", "--customer", "3")  # no coordinates: no arrival
        c = self.visit(3)
        loose = int(self.ok("appt", "add", "--customer", "1", "--date", DAY, "-o", "id"))
        rows = {r["id"]: r for r in self.json("appt", "board", "--date", DAY)}
        self.validate("appointment", list(rows.values()))
        first = 8 * 3600 + raw_drive_s(START, POOL_A)
        second = first + 30 * 60 + raw_drive_s(POOL_A, POOL_B)
        self.assertEqual((rows[a]["arrival"], rows[b]["arrival"]), (hhmm(first), hhmm(second)))
        self.assertEqual((rows[c]["arrival"], rows[loose]["arrival"]), (None, None))
        table = self.ok("appt", "board", "--date", DAY)
        self.assertIn(f"·~{hhmm(first)} Ann Smith #{a}", table)
        self.assertIn(f"·~{hhmm(second)} Bob Jones #{b}", table)
        self.assertIn("·       Cara Diaz #3", table)
        # The order is the stored one: reversed, the arrivals follow.
        self.ok("appt", "edit", str(a), "--order", "3")
        rows = {r["id"]: r for r in self.json("appt", "board", "--date", DAY)}
        self.assertEqual(rows[b]["arrival"], hhmm(8 * 3600 + raw_drive_s(START, POOL_B)))


class ArrivalRange(Day):
    config = PomTest.config + "[routing]\narrival_range_min = 60\n"

    def test_the_assigned_notice_states_an_arrival_range_around_the_projected_arrival(self):
        self.ok("customer", "edit", "2", "--email", "bob@example.com")
        a = self.visit(1)  # Ann: SMS not opted in for assigned (email channel): no notice
        b = self.visit(2)
        arrival = {r["id"]: r["arrival"] for r in self.json("appt", "board", "--date", DAY)}[b]
        body = self.sql("SELECT body FROM notice WHERE kind = 'assigned' AND appointment_id = ?", b)[0][0]
        got = re.search(r", arriving between (\d\d):(\d\d) and (\d\d):(\d\d)\. Your technician", body)
        self.assertIsNotNone(got, body)
        start, end = int(got[1]) * 60 + int(got[2]), int(got[3]) * 60 + int(got[4])
        h, m = map(int, arrival.split(":"))
        at = h * 60 + m
        # An hour wide, on quarter hours, around the projected arrival (within a quarter of its middle).
        self.assertEqual((end - start, start % 15), (60, 0))
        self.assertLessEqual(abs((start + end) / 2 - at), 8)
        # Ann has no email: no notice for her visit.
        self.assertEqual(self.sql("SELECT count(*) FROM notice WHERE appointment_id = ?", a), [(0,)])


class OnMyWay(Day):
    def test_eta_from_the_start_then_from_the_last_visit(self):
        a, b = self.visit(1), self.visit(2)
        r = self.json("appt", "on-my-way", str(a))[0]
        self.assertEqual(instant(r["eta"]) - instant(r["status_at"]), timedelta(seconds=drive_s(START, POOL_A)))
        notice = self.sql("SELECT body FROM notice WHERE kind = 'on_my_way' AND appointment_id = ?", a)
        self.assertEqual(len(notice), 1)
        self.assertIn("arriving around", notice[0][0])
        self.ok("appt", "start", str(a))
        self.ok("appt", "complete", str(a))
        r = self.json("appt", "on-my-way", str(b))[0]
        self.assertEqual(instant(r["eta"]) - instant(r["status_at"]), timedelta(seconds=drive_s(POOL_A, POOL_B)))

    def test_an_eta_given_wins_and_no_coordinates_means_none(self):
        a, b = self.visit(1), self.visit(2)
        r = self.json("appt", "on-my-way", str(a), "--eta", "45m")[0]
        self.assertEqual(instant(r["eta"]) - instant(r["status_at"]), timedelta(minutes=45))
        self.sql("UPDATE pool SET lat = NULL, lon = NULL WHERE id = 2")
        self.assertIsNone(self.json("appt", "on-my-way", str(b))[0]["eta"])


if __name__ == "__main__":
    unittest.main()
