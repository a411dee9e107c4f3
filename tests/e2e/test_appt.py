"""pom appt: visits, the board, days-out, preview, dispatch statuses, cancel, rollover."""
import json
import unittest

from apptbase import Company
from refusal import Refusals


class Visits(Refusals, Company):
    def test_add_with_defaults_and_days_out(self):
        a = self.add("--customer", "Ana Ortiz")
        # No --date: today plus the company's days-out (config default 3); maintenance is 30 minutes.
        self.assertEqual((a["date"], a["duration_min"], a["worker"], a["status"], a["service_type"]),
                         ("2026-11-26", 30, None, "scheduled", "maintenance"))
        self.assertEqual(self.json("appt", "days-out")[0]["days_out"], 3)
        d = self.json("appt", "days-out", "5")
        self.validate("days-out", d)
        self.assertEqual((d[0]["days_out"], d[0]["first_date"], d[0]["set_by"]), (5, "2026-11-28", "tester"))
        self.assertEqual(self.add("--customer", "Bob Smith")["date"], "2026-11-28")
        self.assertEqual(self.add("--customer", "Bob Smith", "--days-out", "1")["date"], "2026-11-24")
        self.ok("appt", "days-out", "2", env={"POM_NOW": "2026-11-24T09:00:00"})
        h = self.json("appt", "days-out", "--history")
        self.validate("days-out", h)
        self.assertEqual([x["days_out"] for x in h], [5, 2])

    def test_add_everything_and_show(self):
        a = self.add("--customer", "Ana Ortiz", "--date", "2026-11-24", "--window", "8:00-12:00", "--duration", "1h30m",
                     "--worker", "Maria Lopez", "--order", "2", "--type", "repair", "--priority", "urgent",
                     "--note", "Check the pump seal", "--office-note", "told on 11/20: around 11/24")
        self.assertEqual((a["window"], a["duration_min"], a["worker"], a["route_order"], a["service_type"], a["priority"],
                          a["tech_note"], a["office_note"]),
                         ("08:00-12:00", 90, "Maria Lopez", 2, "repair", "urgent", "Check the pump seal",
                          "told on 11/20: around 11/24"))
        s = self.json("appt", "show", str(a["id"]))
        self.validate("appointment-detail", s)
        self.assertEqual(s[0]["pool_detail"]["access_notes"], "Side gate")
        self.assertTrue(s[0]["pool_detail"]["dog"])
        self.assertEqual([(e["from"], e["to"], e["by"]) for e in s[0]["events"]], [(None, "scheduled", "tester")])

    def test_list_filters(self):
        self.add("--customer", "Ana Ortiz", "--date", "2026-11-24", "--worker", "Maria Lopez")
        self.add("--customer", "Bob Smith", "--date", "2026-11-24", "--priority", "high")
        self.add("--customer", "Cara Diaz", "--date", "2026-11-25", "--worker", "Tom Reed", "--type", "opening")
        ids = lambda *a: [x["id"] for x in self.json("appt", "list", *a)]
        rows = self.json("appt", "list")
        self.validate("appointment", rows)
        self.assertEqual([x["id"] for x in rows], [1, 2, 3])
        self.assertEqual(ids("--date", "tomorrow"), [1, 2])
        self.assertEqual(ids("--from", "2026-11-25", "--to", "2026-11-30"), [3])
        self.assertEqual(ids("--worker", "Tom Reed"), [3])
        self.assertEqual(ids("--unassigned"), [2])
        self.assertEqual(ids("--customer", "Bob Smith"), [2])
        self.assertEqual(ids("--type", "opening"), [3])
        self.assertEqual(ids("--priority", "high"), [2])
        self.assertEqual(ids("--status", "completed"), [])
        self.assertRefusedBoth(["appt", "list", "--date", "today", "--from", "today"], 64, "--date cannot go with --from/--to")
        self.assertRefusedBoth(["appt", "list", "--from", "2026-11-25", "--to", "2026-11-24"], 65, "--to: before --from")

    def test_list_and_board_order(self):
        # By day, technician by name with case folded (a lower-case name is not after every
        # capital), the unassigned last; then route order, window (those without last), id.
        self.ok("worker", "add", "--name", "bea Cruz")
        day = ("--date", "2026-11-24")
        v = lambda *a: self.add("--customer", "Bob Smith", *day, *a)["id"]
        tom_none = v("--worker", "Tom Reed")
        tom_2 = v("--worker", "Tom Reed", "--order", "2")
        unassigned = v()
        tom_window = v("--worker", "Tom Reed", "--window", "09:00-10:00")
        bea = v("--worker", "bea Cruz")
        tom_1 = v("--worker", "Tom Reed", "--order", "1", "--window", "13:00-14:00")
        tom_early = v("--worker", "Tom Reed", "--window", "08:00-09:00")
        maria = v("--worker", "Maria Lopez", "--order", "3")
        day_before = self.add("--customer", "Ana Ortiz", "--date", "2026-11-23")["id"]
        expected = [day_before, bea, maria, tom_1, tom_2, tom_early, tom_window, tom_none, unassigned]
        ids = lambda *a: [x["id"] for x in self.json("appt", "list", "--from", "2026-11-23", "--to", "2026-11-24", *a)]
        self.assertEqual(ids(), expected)
        self.assertEqual(ids("--limit", "4"), expected[:4])
        self.assertEqual([x["id"] for x in self.json("appt", "board", *day)], expected[1:])
        # The text's columns in the same order: bea Cruz first, not after every capital.
        header = self.ok("appt", "board", *day).splitlines()[2]
        self.assertEqual([c.strip().rsplit(" (", 1)[0] for c in header.split("│")],
                         ["bea Cruz", "Maria Lopez", "Tom Reed", "Unassigned"])

    def test_assign_orders_the_route_and_queues_the_notice(self):
        for c in ("Ana Ortiz", "Bob Smith", "Cara Diaz"):
            self.add("--customer", c, "--date", "2026-11-24")
        rows = self.json("appt", "assign", "3", "1", "--worker", "Tom Reed", "--order", "1")
        self.validate("appointment", rows)
        self.assertEqual([(r["id"], r["worker"], r["route_order"]) for r in rows], [(3, "Tom Reed", 1), (1, "Tom Reed", 2)])
        # Ana's email is opted in: one appointment notice. Cara has no email: none.
        notices = self.json("notify", "list")
        self.validate("notice", notices)
        self.assertEqual([(n["kind"], n["recipient"], n["status"]) for n in notices], [("assigned", "ana@example.com", "pending")])
        self.assertIn("Tom", notices[0]["body"])
        self.assertNotIn("4321", notices[0]["body"])  # the gate code never reaches a customer
        # Assigning again to the same worker queues nothing more.
        self.ok("appt", "assign", "1", "--worker", "Tom Reed")
        self.assertEqual(len(self.json("notify", "list")), 1)
        self.assertRefusedBoth(["appt", "assign", "1", "1", "--worker", "Tom Reed"], 65, "appointment 1 is named twice")
        self.assertRefusedBoth(["appt", "assign", "9", "--worker", "Tom Reed"], 1, "no appointment with id 9")
        self.assertRefusedBoth(["appt", "assign", "1"], 64, "give --worker W or --unassign")
        un = self.json("appt", "assign", "1", "--unassign")
        self.assertIsNone(un[0]["worker"])

    def test_board_is_a_grid_in_route_order(self):
        self.add("--customer", "Ana Ortiz", "--date", "2026-11-24", "--worker", "Maria Lopez", "--order", "2", "--window", "10:00-12:00")
        self.add("--customer", "Bob Smith", "--date", "2026-11-24", "--worker", "Maria Lopez", "--order", "1", "--priority", "urgent")
        self.add("--customer", "Cara Diaz", "--date", "2026-11-24")
        self.assertExpected("appt-board.txt", self.ok("appt", "board", "--date", "2026-11-24"))
        rows = self.json("appt", "board", "--date", "2026-11-24")
        self.validate("appointment", rows)
        self.assertEqual([r["id"] for r in rows], [2, 1, 3])

    def test_move_one_visit(self):
        self.add("--customer", "Ana Ortiz", "--date", "2026-11-24")
        m = self.json("appt", "move", "1", "--date", "2026-11-27")
        self.validate("appointment", m)
        self.assertEqual(m[0]["date"], "2026-11-27")
        self.assertRefusedBoth(["appt", "move", "1", "--date", "2026-11-20"], 65, "--date: 2026-11-20 is in the past")
        self.assertRefusedBoth(["appt", "move", "1", "--date", "2026-11-28", "--future"], 64, "is not part of a series")

    def test_edit_one_visit_leaves_its_series_alone(self):
        self.ok("pool", "add", "--customer", "Ana Ortiz", "--name", "Spa", "--body", "spa")
        made = self.json("appt", "add", "--customer", "Ana Ortiz", "--pool", "1", "--date", "2026-11-24",
                         "--repeat", "weekly", "--through", "2026-12-15")
        first, second = made[0]["id"], made[1]["id"]
        e = self.json("appt", "edit", str(first), "--window", "08:00-10:00", "--duration", "1h", "--type", "repair",
                      "--priority", "high", "--pool", "spa", "--note", "Bring the spa cover key",
                      "--office-note", "Told her before ten")
        self.validate("appointment", e)
        v = self.appt(first)
        self.assertEqual((v["window"], v["duration_min"], v["service_type"], v["priority"], v["pool_id"]),
                         ("08:00-10:00", 60, "repair", "high", 4))
        self.assertEqual((v["tech_note"], v["office_note"]), ("Bring the spa cover key", "Told her before ten"))
        # A later change to the series passes the edited visit by, and the next visit keeps its own.
        self.ok("appt", "series", "edit", str(made[0]["series_id"]), "--priority", "urgent")
        self.assertEqual(self.appt(first)["priority"], "high")
        self.assertEqual(self.appt(second)["priority"], "urgent")
        self.assertEqual(self.appt(second)["window"], None)
        # The change is in the audit log, by field.
        log = self.json("log", "--entity", "appointment", "--id", str(first))
        self.assertTrue(any(r["action"] == "update" and "priority" in json.dumps(r) for r in log), log)
        # A technician: the notice an assignment queues; clearing a note with an empty value.
        self.json("appt", "edit", str(first), "--worker", "Tom Reed", "--note", "")
        self.assertEqual([(n["kind"], n["appointment_id"]) for n in self.json("notify", "list")], [("assigned", first)])
        self.assertIsNone(self.appt(first)["tech_note"])
        # The same values again: nothing changes, and it says so.
        before = self.dump()
        r = self.pom("appt", "edit", str(first), "--priority", "high")
        self.assertEqual(r.code, 0, r)
        self.assertIn("nothing changed", r.err)
        self.assertEqual(self.dump(), before)

    def test_edit_refusals_change_nothing(self):
        self.add("--customer", "Ana Ortiz", "--date", "2026-11-24")
        self.add("--customer", "Bob Smith", "--date", "2026-11-24")
        self.ok("appt", "start", "2")
        self.ok("appt", "complete", "2")
        cases = [
            (["appt", "edit", "1"], 64, "nothing to change"),
            (["appt", "edit", "9", "--priority", "high"], 1, "no appointment with id 9"),
            (["appt", "edit", "2", "--priority", "high"], 1, "appointment 2 is completed; only open visits can be edited"),
            (["appt", "edit", "1", "--worker", "Tom Reed", "--unassign"], 64, "cannot both be given"),
            (["appt", "edit", "1", "--window", "12:00-08:00"], 65, "ends before it starts"),
            (["appt", "edit", "1", "--duration", "0"], 65, "--duration"),
            (["appt", "edit", "1", "--type", "polishing"], 65, "unknown service type 'polishing'"),
            (["appt", "edit", "1", "--pool", "2"], 1, "pool 2 belongs to customer 2, not to customer 1"),
            (["appt", "edit", "1", "--pool", "Hot tub"], 1, "customer 1 has no pool named 'Hot tub'; its pools: 1 "),
            (["appt", "edit", "1", "--order", "-1"], 65, "--order: must not be negative"),
        ]
        for args, code, msg in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, code, msg)

    def test_a_customer_with_several_pools_is_asked_which_by_name(self):
        self.ok("pool", "add", "--customer", "Ana Ortiz", "--name", "Spa", "--body", "spa")
        self.assertRefusedBoth(["appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-24"], 64,
                               "customer 1 has 2 pools; say which with --pool ID or NAME: 1 ")
        a = self.add("--customer", "Ana Ortiz", "--pool", "SPA", "--date", "2026-11-24")
        self.assertEqual(a["pool_id"], 4)
        self.add("--customer", "Bob Smith", "--date", "2026-11-24")
        # The board and the list say which pool where a customer has several.
        board = self.ok("appt", "board", "--date", "2026-11-24")
        self.assertIn("Ana Ortiz (Spa) #1", board)
        self.assertIn("Bob Smith #2", board)
        listed = self.ok("appt", "list").splitlines()
        self.assertIn("POOL", listed[0])
        self.assertIn("Spa", listed[1])

    def test_notices_greet_by_a_first_name_whatever_the_name_looks_like(self):
        for name, greeting in (("Okafor, Chidi", "Hello Chidi,"), ("Okafor,", "Hello Okafor,"),
                               ("Dr. Lee", "Hello Dr. Lee,"), ("Prince", "Hello Prince,")):
            with self.subTest(name=name):
                c = self.json("customer", "add", "--name", name, "--email", "x@example.com")[0]["id"]
                self.ok("pool", "add", "--customer", str(c))
                a = self.add("--customer", str(c), "--date", "2026-11-24", "--worker", "Tom Reed")
                body = [n for n in self.json("notify", "list") if n["appointment_id"] == a["id"]][0]["body"]
                self.assertTrue(body.startswith(greeting + "\n"), body)
                self.assertNotIn(",,", body)

    def test_preview_prints_occurrences_without_a_database(self):
        out = self.json("appt", "preview", "--start", "2026-11-03", "--repeat", "every 2 weeks on tue", "--limit", "4",
                        env={"POM_DB": "/nonexistent/pom.db"})
        self.validate("preview", out)
        self.assertEqual(out, ["2026-11-03", "2026-11-17", "2026-12-01", "2026-12-15"])
        out = self.json("appt", "preview", "--start", "2026-11-03T09:00", "--repeat", "FREQ=MONTHLY;BYDAY=1FR",
                        "--limit", "3")
        self.validate("preview", out)
        self.assertEqual(out, ["2026-11-06T09:00", "2026-12-04T09:00", "2027-01-01T09:00"])
        self.assertEqual(self.json("appt", "preview", "--start", "2026-11-02", "--repeat", "weekly", "--until", "2026-11-30",
                                   "--exdate", "2026-11-16,2026-11-23", "--limit", "0"),
                         ["2026-11-02", "2026-11-09", "2026-11-30"])
        # Days as people type them: POM_NOW is Monday 2026-11-23.
        self.assertEqual(self.json("appt", "preview", "--start", "wednesday", "--repeat", "weekly", "--limit", "2"),
                         ["2026-11-25", "2026-12-02"])
        self.assertEqual(self.json("appt", "preview", "--start", "monday 09:00", "--repeat", "daily", "--limit", "2"),
                         ["2026-11-23T09:00", "2026-11-24T09:00"])
        self.assertEqual(self.json("appt", "preview", "--start", "+3d", "--repeat", "daily", "--until", "fri"),
                         ["2026-11-26", "2026-11-27"])
        self.assertRefusedBoth(["appt", "preview", "--start", "someday", "--repeat", "daily"], 65,
                               "--start: 'someday' is not a date (YYYY-MM-DD, today, tomorrow, monday, +3d, +8w)")
        self.assertRefusedBoth(["appt", "preview", "--start", "2026-11-03", "--repeat", "FREQ=WEEKLY;BYDAY=XX"], 65,
                               "--repeat: BYDAY=XX is not valid")
        self.assertRefusedBoth(["appt", "preview", "--start", "2026-11-03", "--repeat", "FREQ=HOURLY"], 65,
                               "FREQ=HOURLY: visits recur at most daily")

    def test_bad_input_is_refused_and_changes_nothing(self):
        cases = [
            (["appt", "add", "--customer", "Nobody"], 1, "Nobody"),
            (["appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-20"], 65, "--date: 2026-11-20 is in the past"),
            (["appt", "add", "--customer", "Ana Ortiz", "--date", "+-999999999w"], 65, "'+-999999999w' is not a day offset"),
            (["appt", "add", "--customer", "Ana Ortiz", "--window", "12:00-08:00"], 65, "ends before it starts"),
            (["appt", "add", "--customer", "Ana Ortiz", "--window", "noon"], 65, "is not a time window"),
            (["appt", "add", "--customer", "Ana Ortiz", "--duration", "3x"], 65, "is not a duration"),
            (["appt", "add", "--customer", "Ana Ortiz", "--type", "polishing"], 65, "unknown service type 'polishing'"),
            (["appt", "add", "--customer", "Ana Ortiz", "--pool", "2"], 1, "pool 2 belongs to customer 2, not to customer 1"),
            (["appt", "add", "--customer", "Ana Ortiz", "--date", "today", "--days-out", "2"], 64, "cannot both be given"),
            (["appt", "add", "--customer", "Ana Ortiz", "--until", "2026-12-01"], 64, "go with --repeat"),
            (["appt", "add", "--customer", "Ana Ortiz", "--repeat", "every full moon"], 65, "is neither an RRULE"),
            (["appt", "days-out", "400"], 65, "days-out: must be 0 to 365"),
        ]
        for args, code, msg in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, code, msg)


class Statuses(Refusals, Company):
    def setUp(self):
        super().setUp()
        self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez", "--window", "08:00-10:00")

    def test_the_whole_day_of_a_visit(self):
        r = self.json("appt", "on-my-way", "1", "--eta", "20m")
        self.validate("appointment", r)
        self.assertEqual((r[0]["status"], r[0]["eta"]), ("en_route", "2026-11-23T15:20:00Z"))
        sms = self.json("notify", "list", "--appointment", "1")
        # Booked with its technician: the appointment email; then the on-my-way text with the ETA.
        self.assertEqual([(n["kind"], n["channel"], n["recipient"]) for n in sms],
                         [("assigned", "email", "ana@example.com"), ("on_my_way", "sms", "602-555-0101")])
        self.assertIn("arriving around 08:20", sms[1]["body"])
        self.assertEqual(self.json("appt", "start", "1", env={"POM_NOW": "2026-11-23T08:25:00"})[0]["status"], "in_progress")
        done = self.json("appt", "complete", "1", env={"POM_NOW": "2026-11-23T09:00:00"})
        self.assertEqual((done[0]["status"], done[0]["status_at"]), ("completed", "2026-11-23T16:00:00Z"))
        s = self.json("appt", "show", "1", env={"POM_NOW": "2026-11-23T09:00:00"})
        self.validate("appointment-detail", s)
        self.assertEqual([e["to"] for e in s[0]["events"]], ["scheduled", "en_route", "in_progress", "completed"])

    def test_a_transition_not_allowed_names_the_current_status(self):
        self.ok("appt", "start", "1")
        self.ok("appt", "complete", "1")
        self.assertRefusedBoth(["appt", "start", "1"], 1, "appointment 1 is completed; it cannot go to in_progress (it is closed)")
        self.assertRefusedBoth(["appt", "on-my-way", "1"], 1, "appointment 1 is completed")
        self.assertRefusedBoth(["appt", "cancel", "1", "--reason", "x"], 1, "appointment 1 is completed")

    def test_complete_needs_a_start(self):
        self.assertRefusedBoth(["appt", "complete", "1"], 1,
                               "appointment 1 is scheduled; it cannot go to completed (from scheduled: en_route, in_progress, cancelled, skipped)")

    def test_pause_with_follow_up(self):
        self.ok("appt", "start", "1")
        self.assertRefusedBoth(["appt", "pause", "1"], 64, "--reason")
        r = self.json("appt", "pause", "1", "--reason", "needs a new pump motor", "--follow-up")
        self.validate("appointment", r)
        self.assertEqual([(x["id"], x["status"]) for x in r], [(1, "paused"), (2, "scheduled")])
        self.assertEqual((r[1]["date"], r[1]["worker"], r[1]["follow_up_of"]), ("2026-11-24", None, 1))
        self.assertEqual(r[0]["status_reason"], "needs a new pump motor")

    def test_skip_queues_the_notice_with_the_reason(self):
        r = self.json("appt", "skip", "1", "--reason", "gate locked")
        self.assertEqual((r[0]["status"], r[0]["status_reason"]), ("skipped", "gate locked"))
        n = self.json("notify", "list", "--appointment", "1")
        self.assertEqual([(x["kind"], x["recipient"]) for x in n], [("assigned", "ana@example.com"), ("skipped", "ana@example.com")])
        self.assertIn("gate locked", n[1]["body"])

    def test_at_records_a_forgotten_status_after_the_fact(self):
        r = self.json("appt", "start", "1", "--at", "2026-11-23T07:40", "--as", "dispatcher",
                      env={"POM_NOW": "2026-11-23T11:00:00"})
        self.assertEqual(r[0]["status_at"], "2026-11-23T14:40:00Z")
        ev = self.json("appt", "show", "1")[0]["events"][-1]
        self.assertEqual((ev["at"], ev["recorded_at"], ev["by"]), ("2026-11-23T14:40:00Z", "2026-11-23T18:00:00Z", "dispatcher"))
        self.assertRefusedBoth(["appt", "complete", "1", "--at", "2026-11-23T07:00"], 65, "is before the visit's last status change")
        self.assertRefusedBoth(["appt", "complete", "1", "--at", "2026-11-24T07:00"], 65, "is in the future")

    def test_cancel_needs_a_reason(self):
        self.assertRefusedBoth(["appt", "cancel", "1"], 64, "--reason")
        r = self.json("appt", "cancel", "1", "--reason", "customer called")
        self.assertEqual((r[0]["status"], r[0]["status_reason"]), ("cancelled", "customer called"))


class Rollover(Refusals, Company):
    def test_past_open_visits_move_to_the_next_working_day(self):
        friday = {"POM_NOW": "2026-11-20T08:00:00"}
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-20", env=friday)
        self.ok("appt", "add", "--customer", "Bob Smith", "--date", "2026-11-20", env=friday)
        self.ok("appt", "add", "--customer", "Cara Diaz", "--date", "2026-11-20", env=friday)
        self.ok("appt", "on-my-way", "2", env=friday)
        self.ok("appt", "start", "3", env=friday)
        self.ok("appt", "complete", "3", env=friday)
        # Sunday is not a working day in this company: Sunday's rollover moves them to Monday.
        r = self.json("appt", "rollover", env={"POM_NOW": "2026-11-22T05:00:00"})
        self.validate("rollover-result", r)
        self.assertEqual([(x["id"], x["from"], x["to"], x["rolled_count"]) for x in r],
                         [(1, "2026-11-20", "2026-11-23", 1), (2, "2026-11-20", "2026-11-23", 1)])
        self.assertEqual(self.appt(2)["status"], "scheduled")  # en route yesterday is not en route today
        # Again the next morning: rolled again, counted.
        r = self.json("appt", "rollover", env={"POM_NOW": "2026-11-24T05:00:00"})
        self.assertEqual([(x["id"], x["to"], x["rolled_count"]) for x in r], [(1, "2026-11-24", 2), (2, "2026-11-24", 2)])
        # Run twice the same morning: nothing more to do.
        before = self.dump()
        self.assertEqual(self.json("appt", "rollover", env={"POM_NOW": "2026-11-24T05:30:00"}), [])
        self.assertEqual(self.dump(), before)
        rolled = self.json("appt", "list", "--rolled")
        self.assertEqual([(x["id"], x["rolled_count"]) for x in rolled], [(1, 2), (2, 2)])
        self.assertEqual(self.appt(3)["date"], "2026-11-20")  # completed visits stay on their day

    def test_a_rolled_visit_meeting_the_same_pools_next_visit_is_merged_not_stacked(self):
        friday = {"POM_NOW": "2026-11-20T08:00:00"}
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-20", "--priority", "high", env=friday)
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-23", env=friday)  # its next visit
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-23", "--type", "repair", env=friday)
        self.ok("appt", "add", "--customer", "Bob Smith", "--date", "2026-11-20", env=friday)
        r = self.json("appt", "rollover", env={"POM_NOW": "2026-11-22T05:00:00"})
        self.validate("rollover-result", r)
        self.assertEqual([(x["id"], x["to"], x["rolled_count"], x["merged_into"]) for x in r],
                         [(1, "2026-11-23", 1, 2), (4, "2026-11-23", 1, None)])
        # One maintenance stop at Ana's pool on Monday, carrying the roll and the higher priority.
        monday = self.json("appt", "list", "--from", "2026-11-23", "--to", "2026-11-23", "--customer", "Ana Ortiz")
        self.assertEqual(sorted((a["id"], a["service_type"], a["status"], a["rolled_count"], a["priority"]) for a in monday),
                         [(2, "maintenance", "scheduled", 1, "high"), (3, "repair", "scheduled", 0, "normal")])
        merged = self.appt(1)
        self.assertEqual((merged["status"], merged["status_reason"]),
                         ("cancelled", "rolled over: merged into appointment 2 on 2026-11-23"))
        self.assertEqual(self.json("notify", "list"), [])  # a merge tells the customer nothing
        before = self.dump()
        self.assertEqual(self.json("appt", "rollover", env={"POM_NOW": "2026-11-22T05:30:00"}), [])
        self.assertEqual(self.dump(), before)

    def test_dry_run_rolls_nothing(self):
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-20", env={"POM_NOW": "2026-11-20T08:00:00"})
        before = self.dump()
        r = self.pom("appt", "rollover", "--dry-run", "-o", "json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(len(json.loads(r.out)), 1)
        self.assertEqual(self.dump(), before)


if __name__ == "__main__":
    unittest.main()
