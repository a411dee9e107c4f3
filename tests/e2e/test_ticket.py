"""pom ticket add|list|show|route|schedule|close: triage, the routing table, linked visits, closing the loop."""
import unittest

from pomtest import DbError
from salestest import SalesTest

ROUTES = {
    "question": ("customer-service", "callback follow-up: pom callback add --customer 1 --ticket {id}"),
    "communication": ("customer-service", "callback follow-up"),
    "construction": ("construction", "job detail: the job's owner (Dana Office) reviews the construction issue"),
    "service": ("service", "schedule the service visit: pom ticket schedule {id} --date D --type repair"),
    "warranty": ("warranty", "warranty workflow (confirm the warranty status (--warranty in|out)); when field work is needed"),
    "chemistry": ("service-plan", "service plan and chemistry: review the recurring service of customer 1"),
    "route": ("route-planning", "route planning: pom ticket schedule {id} --date D"),
}


def with_(args, flag, value):
    """args with the value of flag replaced."""
    out = list(args)
    out[out.index(flag) + 1] = value
    return out


class Tickets(SalesTest):
    def setUp(self):
        super().setUp()
        self.json("customer", "add", "--name", "Ann Smith", "--status", "active", "--email", "ann@example.com")
        self.ok("pool", "add", "--customer", "Ann Smith", "--gallons", "15000")

    def add(self, category="warranty", severity="high", *extra):
        return self.json("ticket", "add", "--customer", "Ann Smith", "--category", category, "--severity", severity,
                         "--summary", "Heater leaks at the union", "--told", "A technician will look this week",
                         "--owner", "Dana", "--source", "phone", *extra)[0]

    def test_add_sets_the_promised_response(self):
        t = self.add()
        self.validate("ticket", t)
        self.assertEqual((t["status"], t["warranty"], t["promise"], t["due_at"], t["overdue"], t["route"], t["visits"]),
                         ("open", "unknown", "24h", "2026-11-24T15:00:00Z", False, None, []))
        t = self.add("service", "low", "--promise", "4h", "--pool", "1", "--urgency", "high")
        self.assertEqual((t["promise"], t["due_at"], t["pool_id"], t["urgency"], t["warranty"]),
                         ("4h", "2026-11-23T19:00:00Z", 1, "high", None))
        defaults = {"critical": "4h", "medium": "48h", "low": "72h"}
        for sev, promise in defaults.items():
            self.assertEqual(self.add("question", sev)["promise"], promise)
        t = self.add("warranty", "high", "--warranty", "in", "--warranty-until", "2027-06-30")
        self.assertEqual((t["warranty"], t["warranty_until"]), ("in", "2027-06-30"))

    def test_list_open_overdue_owner(self):
        self.add("question", "critical")           # 1 due 12:00 local
        self.add("service", "low")                 # 2 due in 72h
        self.json("ticket", "add", "--customer", "1", "--category", "route", "--severity", "medium", "--summary", "Skipped visit",
                  "--told", "Sorry", "--owner", "Maria", "--source", "portal")  # 3 due in 48h
        self.assertEqual([t["id"] for t in self.json("ticket", "list", "--open")], [1, 3, 2])
        self.assertEqual([t["id"] for t in self.json("ticket", "list", "--owner", "Maria")], [3])
        late = self.at("2026-11-23T13:00:00", "ticket", "list", "--overdue")
        self.validate("ticket", late)
        self.assertEqual([(t["id"], t["overdue"]) for t in late], [(1, True)])

    def test_route_applies_the_table_and_says_the_next_action(self):
        for category, (route, action) in ROUTES.items():
            with self.subTest(category=category):
                t = self.add(category)
                r = self.pom("ticket", "route", str(t["id"]), "-o", "json")
                self.assertEqual(r.code, 0, r)
                routed = r.json()[0]
                self.validate("ticket", routed)
                self.assertEqual(routed["route"], route)
                self.assertIn(action.format(id=t["id"]), routed["next_action"])
                self.assertIn("next: " + routed["next_action"], self.pom("ticket", "route", str(t["id"])).err)
        self.assertEqual(self.rows("SELECT count(*) FROM ticket_route"), [(len(ROUTES),)])  # routing again records nothing new

    def test_schedule_links_a_visit_and_its_completion_shows_on_the_ticket(self):
        self.add("warranty", "critical", "--warranty", "out")
        self.ok("ticket", "route", "1")
        t = self.json("ticket", "schedule", "1", "--date", "+2d")[0]
        self.assertEqual(t["visits"], [{"appointment_id": 1, "date": "2026-11-25", "service_type": "repair", "worker": None,
                                        "status": "scheduled"}])
        self.assertIn("visit 1 on 2026-11-25 is scheduled (unassigned", t["next_action"])
        a = self.json("appt", "show", "1")[0]
        self.assertEqual((a["worker"], a["priority"], a["service_type"]), (None, "urgent", "repair"))
        self.assertIn("Ticket 1 (warranty): Heater leaks at the union", a["tech_note"])
        self.ok("appt", "assign", "1", "--worker", "Maria")
        self.ok("appt", "start", "1")
        self.ok("appt", "complete", "1")
        t = self.json("ticket", "show", "1")[0]
        self.validate("ticket", t)
        self.assertEqual((t["visits"][0]["status"], t["visits"][0]["worker"]), ("completed", "Maria Lopez"))
        t = self.json("ticket", "schedule", "1", "--date", "2026-11-30", "--worker", "Maria", "--type", "inspection")[0]
        self.assertEqual([(v["date"], v["service_type"], v["worker"]) for v in t["visits"]],
                         [("2026-11-25", "repair", "Maria Lopez"), ("2026-11-30", "inspection", "Maria Lopez")])

    def test_close_refuses_until_the_loop_is_closed(self):
        self.add("service", "high")
        self.ok("ticket", "schedule", "1", "--date", "tomorrow")
        self.ok("callback", "add", "--customer", "1", "--ticket", "1", "--contact", "email", "--reason", "Confirm visit",
                "--owner", "Dana", "--due", "2026-11-23 16:00", "--summary", "Tomorrow morning")
        self.assertRefusedBoth(["ticket", "close", "1"], 1,
                               "ticket 1 cannot be closed: the homeowner has not been notified (--notified); "
                               "the outcome is not documented (--outcome); visit 1 on 2026-11-24 is still scheduled; "
                               "callback 1 is still open")
        self.ok("appt", "start", "1")
        self.ok("appt", "complete", "1")
        self.assertRefusedBoth(["ticket", "close", "1", "--notified", "--outcome", "Replaced the union"], 1,
                               "ticket 1 cannot be closed: callback 1 is still open")
        self.ok("callback", "done", "1", "--outcome", "Emailed")
        self.assertRefusedBoth(["ticket", "close", "1", "--outcome", "Replaced the union"], 1,
                               "ticket 1 cannot be closed: the homeowner has not been notified (--notified)")
        self.assertRefusedBoth(["ticket", "close", "1", "--notified", "--outcome", "  "], 1,
                               "ticket 1 cannot be closed: the outcome is not documented (--outcome)")
        t = self.json("ticket", "close", "1", "--notified", "--outcome", "Replaced the union; no leak after 30 min")[0]
        self.validate("ticket", t)
        self.assertEqual((t["status"], t["notified_at"], t["closed_at"], t["next_action"]),
                         ("closed", "2026-11-23T15:00:00Z", "2026-11-23T15:00:00Z", None))
        self.assertRefusedBoth(["ticket", "close", "1", "--notified", "--outcome", "x"], 1, "ticket 1 is closed")
        self.assertRefusedBoth(["ticket", "route", "1"], 1, "ticket 1 is closed")
        self.assertRefusedBoth(["ticket", "schedule", "1", "--date", "tomorrow"], 1, "ticket 1 is closed")
        self.assertEqual(self.json("ticket", "list", "--open"), [])

    def test_bad_input_is_refused(self):
        self.json("customer", "add", "--name", "Bob Jones", "--status", "active")
        self.ok("pool", "add", "--customer", "Bob Jones")
        self.add("question", "low")
        base = ["ticket", "add", "--customer", "Ann Smith", "--summary", "S", "--told", "T", "--owner", "Dana", "--source", "phone",
                "--severity", "low"]
        cases = [
            (base, 64, "--category is required"),
            (base + ["--category", "billing"], 64, "--category"),
            (base[:-2] + ["--category", "service"], 64, "--severity is required"),
            (base + ["--category", "service", "--source", "fax"], 64, "--source"),
            (with_(base, "--summary", " ") + ["--category", "service"], 65, "--summary: describe the issue"),
            (with_(base, "--told", "") + ["--category", "service"], 65, "--told: write what the homeowner was already told"),
            (base + ["--category", "warranty", "--warranty-until", "2027-01-01"], 65, "--warranty-until: goes with --warranty in"),
            (base + ["--category", "warranty", "--warranty", "maybe"], 64, "--warranty"),
            (base + ["--category", "service", "--promise", "0h"], 65, "--promise: must be more than zero"),
            (base + ["--category", "service", "--promise", "soon"], 65, "--promise"),
            (base + ["--category", "service", "--pool", "2"], 1, "pool"),
            (with_(base, "--owner", "Nobody") + ["--category", "service"], 1, "Nobody"),
            (["ticket", "schedule", "1"], 64, "--date is required"),
            (["ticket", "schedule", "1", "--date", "2026-11-20"], 65, "--date: 2026-11-20 is in the past"),
            (["ticket", "schedule", "1", "--date", "tomorrow", "--type", "teleport"], 65, "unknown service type 'teleport'"),
            (["ticket", "schedule", "9", "--date", "tomorrow"], 1, "no ticket with id 9"),
            (["ticket", "route", "x"], 65, "ID: 'x' is not an id"),
            (["ticket", "show", "9"], 1, "no ticket with id 9"),
        ]
        for args, code, message in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, code, message)

    def test_the_schema_refuses_a_closed_ticket_without_its_loop(self):
        self.add()
        with self.assertRaisesRegex(DbError, "(?i)check"):
            self.sql("UPDATE ticket SET status = 'closed', closed_at = '2026-11-23T15:00:00Z', outcome = 'x'")


if __name__ == "__main__":
    unittest.main()
