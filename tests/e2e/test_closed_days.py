"""Closed days (holidays, closures): [schedule] closed in the config and `pom appt closed
add|list|remove`; series expansion and rollover never put a visit on a closed or non-working day
(a series' --on-closed rule: before, after, skip); appt move/add onto one need --force; appt
preview --on-closed shows the effect. Also: a suspended series brings back the same visits.

POM_NOW is Monday 2026-11-23 08:00 in Phoenix; the company works Monday to Saturday."""
import unittest

from apptbase import Company
from refusal import Refusals

CLOSED = ('[schedule]\nclosed = ["2026-12-08", { date = "2026-12-25", reason = "Christmas" }, 2027-01-01]\n')


class ConfigClosedDays(Refusals, Company):
    config = Company.config + CLOSED

    def series(self, *extra, customer="Ana Ortiz", repeat="every tue", start="2026-11-24"):
        r = self.pom("appt", "add", "--customer", customer, "--date", start, "--repeat", repeat,
                     "--window", "09:00-10:00", "--through", "2026-12-31", *extra)
        self.assertEqual(r.code, 0, r)
        sid = int(r.err.split("series ")[1].split(" ")[0])
        return sid, [(a["occurrence_date"], a["date"]) for a in self.json("appt", "list", "--series", str(sid))]

    def test_the_config_lists_its_closed_days(self):
        days = self.json("appt", "closed", "list")
        self.validate("closed-day", days)
        self.assertEqual([(d["date"], d["weekday"], d["reason"], d["source"]) for d in days],
                         [("2026-12-08", "tue", None, "config"), ("2026-12-25", "fri", "Christmas", "config"),
                          ("2027-01-01", "fri", None, "config")])
        self.assertEqual([d["date"] for d in self.json("appt", "closed", "list", "--from", "2026-12-09", "--to", "2026-12-31")],
                         ["2026-12-25"])
        shown = self.json("config", "show")[0]
        self.validate("config", shown)
        self.assertEqual(shown["schedule.closed"][1], {"date": "2026-12-25", "reason": "Christmas"})

    def test_a_series_moves_a_visit_off_a_closed_day_after_by_default(self):
        sid, visits = self.series()
        self.assertEqual(visits, [("2026-11-24", "2026-11-24"), ("2026-12-01", "2026-12-01"), ("2026-12-08", "2026-12-09"),
                                  ("2026-12-15", "2026-12-15"), ("2026-12-22", "2026-12-22"), ("2026-12-29", "2026-12-29")])
        s = self.json("appt", "series", "show", str(sid))
        self.validate("series", s)
        self.assertEqual(s[0]["on_closed"], "after")
        # Running the expansion again changes nothing: the moved visit keeps its occurrence date.
        before = self.dump()
        self.assertEqual(self.json("appt", "expand", "--through", "2026-12-31"), [])
        self.assertEqual(self.dump(), before)

    def test_before_and_skip(self):
        _, before = self.series("--on-closed", "before")
        self.assertIn(("2026-12-08", "2026-12-07"), before)
        _, skipped = self.series("--on-closed", "skip", customer="Bob Smith")
        self.assertNotIn("2026-12-08", [o for o, _ in skipped])
        self.assertEqual(len(skipped), 5)
        # Expanding further never brings the skipped one back.
        self.json("appt", "expand", "--through", "2027-01-10")
        self.assertNotIn("2026-12-08", [a["date"] for a in self.json("appt", "list", "--series", "2")])

    def test_a_non_working_day_is_closed_too(self):
        # Sundays are not working days: weekly on Sunday goes to Monday (after) or Saturday (before).
        _, after = self.series(repeat="every sun", start="2026-11-29")
        self.assertEqual(after[0], ("2026-11-29", "2026-11-30"))
        self.assertTrue(all(d != o for o, d in after))
        _, before = self.series("--on-closed", "before", customer="Bob Smith", repeat="every sun", start="2026-11-29")
        self.assertEqual(before[0], ("2026-11-29", "2026-11-28"))

    def test_a_daily_series_never_stacks_two_visits_on_a_day(self):
        _, visits = self.series(repeat="daily", start="2026-12-06")
        days = [d for _, d in visits]
        self.assertEqual(len(days), len(set(days)))
        self.assertNotIn("2026-12-08", days)
        self.assertNotIn("2026-12-13", days)  # a Sunday
        self.assertIn("2026-12-07", days)

    def test_a_closed_day_after_the_horizon_is_met_when_expanded(self):
        sid, _ = self.series(repeat="every fri", start="2026-11-27")
        r = self.json("appt", "expand", "--through", "2027-01-08")
        self.validate("expand-result", r)
        self.assertEqual([x["date"] for x in r], ["2027-01-02", "2027-01-08"])
        occ = {a["occurrence_date"]: a["date"] for a in self.json("appt", "list", "--series", str(sid))}
        self.assertEqual((occ["2026-12-25"], occ["2027-01-01"]), ("2026-12-26", "2027-01-02"))

    def test_series_edit_changes_the_rule_for_visits_still_to_come(self):
        sid, _ = self.series(repeat="every fri", start="2026-11-27")
        s = self.json("appt", "series", "edit", str(sid), "--on-closed", "skip")[0]
        self.assertEqual(s["on_closed"], "skip")
        self.json("appt", "expand", "--through", "2027-01-08")
        dates = [a["date"] for a in self.json("appt", "list", "--series", str(sid))]
        self.assertIn("2026-12-26", dates)  # placed before the change: it stays
        self.assertNotIn("2027-01-02", dates)
        self.assertRefusedBoth(["appt", "series", "edit", str(sid), "--on-closed", "never"], 64, "--on-closed")

    def test_preview_shows_the_effect(self):
        rows = self.json("appt", "preview", "--start", "2026-12-01", "--repeat", "every tue", "--limit", "3", "--on-closed", "after")
        self.validate("preview", rows)
        self.assertEqual(rows, [{"occurrence": "2026-12-01", "date": "2026-12-01", "note": None},
                                {"occurrence": "2026-12-08", "date": "2026-12-09", "note": "closed: moved to 2026-12-09"},
                                {"occurrence": "2026-12-15", "date": "2026-12-15", "note": None}])
        rows = self.json("appt", "preview", "--start", "2026-12-25", "--repeat", "every fri", "--limit", "1", "--on-closed", "skip")
        self.assertEqual(rows, [{"occurrence": "2026-12-25", "date": None, "note": "closed (Christmas): skipped"}])
        # Without --on-closed the preview is the rule alone, as before.
        self.assertEqual(self.json("appt", "preview", "--start", "2026-12-01", "--repeat", "every tue", "--limit", "2"),
                         ["2026-12-01", "2026-12-08"])

    def test_move_and_add_onto_a_closed_day_need_force(self):
        a = self.add("--customer", "Bob Smith", "--date", "2026-12-24")
        self.assertRefusedBoth(["appt", "move", str(a["id"]), "--date", "2026-12-25"], 1,
                               "--date: 2026-12-25 is closed (Christmas); give --force")
        self.assertRefusedBoth(["appt", "add", "--customer", "Cara Diaz", "--date", "2026-12-25"], 1,
                               "--date: 2026-12-25 is closed (Christmas)")
        moved = self.json("appt", "move", str(a["id"]), "--date", "2026-12-25", "--force")
        self.assertEqual(moved[0]["date"], "2026-12-25")
        self.assertEqual(self.add("--customer", "Cara Diaz", "--date", "2026-12-25", "--force")["date"], "2026-12-25")
        # A Sunday is not a holiday: an emergency visit may go there without --force.
        self.assertEqual(self.json("appt", "move", str(a["id"]), "--date", "2026-11-29")[0]["date"], "2026-11-29")

    def test_a_config_day_cannot_be_added_or_removed_in_the_database(self):
        self.assertRefusedBoth(["appt", "closed", "add", "2026-12-25"], 1, "2026-12-25 is already closed (Christmas) in")
        self.assertRefusedBoth(["appt", "closed", "remove", "2026-12-25"], 1, "closed in")


class DatabaseClosedDays(Refusals, Company):
    def test_add_list_remove(self):
        r = self.pom("appt", "closed", "add", "2026-12-31", "--reason", "Inventory", "-o", "json")
        self.assertEqual(r.code, 0, r)
        added = r.json()
        self.validate("closed-day", added)
        self.assertEqual((added[0]["date"], added[0]["reason"], added[0]["source"], added[0]["created_by"], added[0]["visits"]),
                         ("2026-12-31", "Inventory", "database", "tester", []))
        self.assertEqual([d["date"] for d in self.json("appt", "closed", "list")], ["2026-12-31"])
        self.assertRefusedBoth(["appt", "closed", "add", "2026-12-31"], 1, "2026-12-31 is already closed (Inventory)")
        self.assertRefusedBoth(["appt", "closed", "add", "2026-13-01"], 65, "DATE")
        self.assertRefusedBoth(["appt", "closed", "add", "2026-12-30", "--reason", " "], 65, "--reason")
        removed = self.json("appt", "closed", "remove", "2026-12-31")
        self.validate("closed-day", removed)
        self.assertEqual(self.json("appt", "closed", "list"), [])
        self.assertRefusedBoth(["appt", "closed", "remove", "2026-12-31"], 1, "2026-12-31 is not a closed day")
        # Every change is in the audit log.
        self.assertEqual([a for (a,) in self.sql("SELECT action FROM audit_log WHERE entity = 'closed_day' ORDER BY id")],
                         ["create", "delete"])

    def test_a_day_closed_later_keeps_its_visits_until_the_office_decides(self):
        self.pom("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-24", "--repeat", "every tue", "--through", "+4w")
        one = self.add("--customer", "Bob Smith", "--date", "2026-12-08", "--worker", "Tom Reed")
        r = self.pom("appt", "closed", "add", "2026-12-08", "--reason", "Staff training", "-o", "json", "--dry-run")
        self.assertEqual(r.code, 0, r)
        self.validate("closed-day", r.json())
        visits = r.json()[0]["visits"]
        self.assertEqual([(v["appointment_id"], v["action"], v["to"]) for v in visits],
                         [(3, "needs a decision", None), (one["id"], "needs a decision", None)])
        human = self.pom("appt", "closed", "add", "2026-12-08", "--reason", "Staff training")
        self.assertEqual(human.code, 0, human)
        self.assertIn("2 visits on it need a decision: appointment 3 (Ana Ortiz), appointment %d (Bob Smith)" % one["id"], human.err)
        # Nothing moved; the nightly expand and rollover leave placed visits alone.
        self.assertEqual(self.appt(3)["date"], "2026-12-08")
        self.json("appt", "expand", "--through", "+6w")
        self.assertEqual(self.appt(3)["date"], "2026-12-08")
        self.assertEqual(self.count("SELECT count(*) FROM appointment WHERE series_id = 1 AND occurrence_date = '2026-12-08'"), 1)

    def test_reschedule_moves_by_each_series_rule(self):
        self.pom("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-24", "--repeat", "every tue", "--through", "+4w")
        self.pom("appt", "add", "--customer", "Bob Smith", "--date", "2026-11-24", "--repeat", "every tue", "--through", "+4w",
                 "--on-closed", "before")
        self.pom("appt", "add", "--customer", "Cara Diaz", "--date", "2026-11-24", "--repeat", "every tue", "--through", "+4w",
                 "--on-closed", "skip")
        on_day = {a["customer"]: a["id"] for a in self.json("appt", "list", "--date", "2026-12-08")}
        r = self.pom("appt", "closed", "add", "2026-12-08", "--reason", "Flood", "--reschedule", "-o", "json")
        self.assertEqual(r.code, 0, r)
        got = {v["customer"]: (v["action"], v["to"]) for v in r.json()[0]["visits"]}
        self.assertEqual(got, {"Ana Ortiz": ("moved", "2026-12-09"), "Bob Smith": ("moved", "2026-12-07"),
                               "Cara Diaz": ("skipped", None)})
        # The same rows, moved: ids kept; the skipped one is cancelled saying why.
        self.assertEqual(self.appt(on_day["Ana Ortiz"])["date"], "2026-12-09")
        cara = self.appt(on_day["Cara Diaz"])
        self.assertEqual((cara["status"], cara["status_reason"]), ("cancelled", "closed 2026-12-08 (Flood)"))
        self.assertEqual(self.json("appt", "list", "--date", "2026-12-08", "--status", "scheduled"), [])
        # A second expand or rollover does not duplicate anything.
        before = self.dump()
        self.json("appt", "expand", "--through", "2026-12-21")
        self.assertEqual(self.dump(), before)

    def test_a_dry_run_writes_nothing(self):
        before = self.dump()
        r = self.pom("appt", "closed", "add", "2026-12-31", "--dry-run")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(self.dump(), before)

    def test_rollover_goes_to_the_next_open_working_day(self):
        early = {"POM_NOW": "2026-11-20T08:00:00"}  # a Friday
        a = self.add("--customer", "Ana Ortiz", "--date", "2026-11-21", env=early)
        self.ok("appt", "closed", "add", "2026-11-23", "--reason", "Inventory")  # today, Monday
        self.ok("appt", "closed", "add", "2026-11-24")
        r = self.json("appt", "rollover")
        self.validate("rollover-result", r)
        self.assertEqual([(x["id"], x["from"], x["to"]) for x in r], [(a["id"], "2026-11-21", "2026-11-25")])
        self.assertEqual(self.json("appt", "rollover"), [])

    def test_roles(self):
        # The office runs the calendar; a technician reads it.
        self.assertRefused(["appt", "closed", "add", "2026-12-31", "--as", "Tom Reed"], 77, "appt closed add")
        self.ok("appt", "closed", "add", "2026-12-31", "--as", "tester")
        self.assertEqual([d["date"] for d in self.json("appt", "closed", "list", "--as", "Tom Reed")], ["2026-12-31"])
        self.assertRefused(["appt", "closed", "remove", "2026-12-31", "--as", "Tom Reed"], 77, "appt closed remove")


class ResumedSeries(Company):
    def test_resume_brings_back_the_same_visits(self):
        self.pom("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-24", "--repeat", "every tue",
                 "--worker", "Maria Lopez", "--through", "+4w")
        self.ok("appt", "series", "edit", "1", "--note", "bring the new cell")
        held = self.json("appt", "list", "--from", "2026-12-01", "--to", "2026-12-10")
        # A visit changed by hand is its own: the suspension leaves it on the schedule.
        own = self.add("--customer", "Ana Ortiz", "--date", "2026-12-03")
        self.json("appt", "series", "suspend", "1", "--from", "2026-12-01", "--until", "2026-12-10")
        during = {a["id"]: (a["status"], a["status_reason"]) for a in self.json("appt", "list", "--series", "1")}
        for h in held:
            self.assertEqual(during[h["id"]], ("cancelled", "series suspended"))
        shown = self.json("appt", "series", "show", "1")[0]
        self.assertEqual(shown["status_text"], "suspended from 2026-12-01 until 2026-12-10")
        r = self.pom("appt", "series", "resume", "1")
        self.assertEqual(r.code, 0, r)
        self.assertIn("2 visits back on the schedule", r.err)
        back = self.json("appt", "list", "--series", "1", "--from", "2026-12-01", "--to", "2026-12-10")
        self.assertEqual([(a["id"], a["status"]) for a in back], [(h["id"], "scheduled") for h in held])
        self.assertEqual({(a["tech_note"], a["worker"]) for a in back}, {("bring the new cell", "Maria Lopez")})
        self.assertEqual(self.appt(own["id"])["status"], "scheduled")
        self.assertEqual(self.count("SELECT count(*) FROM appointment WHERE series_id = 1"), 4)
        # The history says what happened to each.
        events = [e["to"] for e in self.json("appt", "show", str(held[1]["id"]))[0]["events"]]
        self.assertEqual(events, ["scheduled", "cancelled", "scheduled"])

    def test_a_visit_cancelled_by_hand_stays_cancelled(self):
        self.pom("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-24", "--repeat", "every tue", "--through", "+4w")
        self.ok("appt", "cancel", "2", "--reason", "customer away")
        self.json("appt", "series", "suspend", "1", "--from", "2026-12-01")
        self.json("appt", "series", "resume", "1")
        self.assertEqual((self.appt(2)["status"], self.appt(3)["status"]), ("cancelled", "scheduled"))


if __name__ == "__main__":
    unittest.main()
