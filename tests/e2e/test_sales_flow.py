"""The company's documented process end to end: lead → quote → sales followup → schedule →
appointment → active, each step a day apart, with the tag queues, the status history and the
customer timeline it leaves behind."""
import unittest

from salestest import SalesTest


class SalesFlow(SalesTest):
    def step(self, when, *args):
        r = self.pom(*args, "-o", "json", env={"POM_NOW": when})
        self.assertEqual(r.code, 0, r)
        return r.json()

    def queue(self, tag):
        return [e["customer"] for e in self.json("tag", "list", tag)]

    def test_lead_to_active(self):
        # 1. A homeowner calls for a quote: the office creates a lead, which joins the Quote queue.
        c = self.step("2026-11-02T09:00:00", "customer", "add", "--name", "Karen Henderson", "--email", "karen@example.com",
                      "--phone", "602-555-0142")[0]
        self.assertEqual((c["status"], c["tags"]), ("lead", ["Quote"]))
        self.assertEqual(self.queue("Quote"), ["Karen Henderson"])
        self.step("2026-11-02T09:05:00", "note", "add", "--customer", "1", "--kind", "call",
                  "--text", "Wants weekly service from December; salt pool, dog in the yard.")
        # 2. The quote goes out: Quote is replaced by Sales Followup, and the email is queued.
        q = self.step("2026-11-03T10:00:00", "quote", "add", "--customer", "1", "--line", "Weekly service (month)|4|45.00",
                      "--line", "Salt cell cleaning|1|65.00", "--terms", "Month to month; card on file")[0]
        self.assertEqual(q["total"], "245.00")
        self.step("2026-11-03T10:01:00", "quote", "send", "1")
        self.assertEqual(self.queue("Quote"), [])
        self.assertEqual(self.queue("Sales Followup"), ["Karen Henderson"])
        self.assertEqual(self.rows("SELECT kind, recipient FROM notice"), [("quote", "karen@example.com")])
        # the sales staff's queue review: a follow-up call, and the sweep leaves a 5-day-old follow-up alone
        self.step("2026-11-08T09:00:00", "callback", "add", "--customer", "1", "--contact", "phone", "--reason", "Quote follow-up",
                  "--owner", "Dana", "--due", "2026-11-09 10:00", "--summary", "Answer questions about the salt cell")
        self.assertEqual(self.step("2026-11-08T09:00:00", "tag", "sweep"), [])
        self.step("2026-11-09T10:30:00", "callback", "done", "1", "--outcome", "She will sign today")
        # 3. She accepts: Sales Followup is replaced by Schedule.
        self.step("2026-11-09T15:00:00", "quote", "accept", "1")
        self.assertEqual((self.queue("Sales Followup"), self.queue("Schedule")), ([], ["Karen Henderson"]))
        # 4. The office calls, confirms, and creates the unassigned appointment days out: Schedule is
        #    removed and the customer becomes active.
        self.step("2026-11-10T08:30:00", "pool", "add", "--customer", "1", "--gallons", "15000", "--sanitizer", "salt")
        a = self.step("2026-11-10T08:45:00", "appt", "add", "--customer", "1", "--type", "maintenance",
                      "--office-note", "Told on 11/10: around 11/13-11/14")[0]
        self.assertEqual((a["date"], a["worker"]), ("2026-11-13", None))  # 3 days out, unassigned
        c = self.customer(1)
        self.assertEqual((c["status"], c["tags"]), ("active", []))
        self.assertEqual(self.queue("Schedule"), [])
        # A second appointment for an active customer changes nothing.
        before = self.rows("SELECT count(*) FROM tag_rule_run")
        self.step("2026-11-10T08:50:00", "appt", "add", "--customer", "1", "--date", "2026-11-20")
        self.assertEqual(self.rows("SELECT count(*) FROM tag_rule_run"), before)

        # The history says who and which rule did what, when.
        h = self.json("tag", "history", "1")
        self.validate("tag-history", h)
        self.assertEqual([(e["at"], e["change"], e["tag"] or e["to"], e["rule"]) for e in h], [
            ("2026-11-02T16:00:00Z", "status", "lead", None),
            ("2026-11-02T16:00:00Z", "tag_added", "Quote", "lead-needs-quote"),
            ("2026-11-03T17:01:00Z", "tag_removed", "Quote", "quote-sent-followup"),
            ("2026-11-03T17:01:00Z", "tag_added", "Sales Followup", "quote-sent-followup"),
            ("2026-11-09T22:00:00Z", "tag_removed", "Sales Followup", "quote-accepted-schedule"),
            ("2026-11-09T22:00:00Z", "tag_added", "Schedule", "quote-accepted-schedule"),
            ("2026-11-10T15:45:00Z", "tag_removed", "Schedule", "scheduled-active"),
            ("2026-11-10T15:45:00Z", "status", "active", "scheduled-active"),
        ])
        runs = self.rows("SELECT rule, event, subject FROM tag_rule_run ORDER BY id")
        self.assertEqual(runs, [("lead-needs-quote", "customer_created", "customer 1"),
                                ("quote-sent-followup", "quote_sent", "quote 1"),
                                ("quote-accepted-schedule", "quote_accepted", "quote 1"),
                                ("scheduled-active", "appointment_created", "appointment 1")])

        # The timeline: everything, in time order, the cause before the tags it moved.
        t = self.json("customer", "timeline", "Karen Henderson")
        self.validate("timeline-entry", t)
        self.assertEqual([(e["at"][:16], e["kind"], e["event"]) for e in t], [
            ("2026-11-02T16:00", "status", "created"),
            ("2026-11-02T16:00", "tag_added", "tag_added"),
            ("2026-11-02T16:05", "note", "created"),
            ("2026-11-03T17:00", "quote", "created"),
            ("2026-11-03T17:01", "quote", "sent"),
            ("2026-11-03T17:01", "tag_removed", "tag_removed"),
            ("2026-11-03T17:01", "tag_added", "tag_added"),
            ("2026-11-08T16:00", "callback", "created"),
            ("2026-11-09T17:30", "callback", "done"),
            ("2026-11-09T22:00", "quote", "accepted"),
            ("2026-11-09T22:00", "tag_removed", "tag_removed"),
            ("2026-11-09T22:00", "tag_added", "tag_added"),
            ("2026-11-10T15:45", "appointment", "created"),
            ("2026-11-10T15:45", "status", "status"),
            ("2026-11-10T15:45", "tag_removed", "tag_removed"),
            ("2026-11-10T15:50", "appointment", "created"),
        ])
        summaries = [e["summary"] for e in t]
        self.assertIn("call note 1: Wants weekly service from December; salt pool, dog in the yard.", summaries)
        self.assertIn("quote 1 sent (245.00, valid until 2026-12-03)", summaries)
        self.assertIn("status lead → active (rule scheduled-active)", summaries)
        self.assertIn("appointment 1 (maintenance on 2026-11-13) scheduled, unassigned", summaries)
        self.assertEqual(self.ok("customer", "timeline", "1", "--last", "2", "-o", "csv", "--fields", "kind,entity_id"),
                         "kind,entity_id\ntag_removed,1\nappointment,2\n")

    def test_a_lead_that_never_answers_is_swept(self):
        self.step("2026-10-20T09:00:00", "customer", "add", "--name", "Silent Lead", "--email", "s@example.com")
        self.step("2026-10-20T09:10:00", "quote", "add", "--customer", "1", "--line", "Opening|1|175")
        self.step("2026-10-20T09:20:00", "quote", "send", "1")
        done = self.step("2026-11-23T06:00:00", "tag", "sweep", "--older-than", "21d")
        self.assertEqual([(s["customer"], s["status_to"], s["quotes_expired"]) for s in done], [("Silent Lead", "inactive", [1])])
        self.assertEqual(self.queue("Sales Followup"), [])
        t = self.json("customer", "timeline", "1")
        self.assertEqual([e["summary"] for e in t[-3:]], [
            "quote 1 expired", "status lead → inactive (rule followup-stale-inactive)", "tag Sales Followup removed (rule followup-stale-inactive)"])


if __name__ == "__main__":
    unittest.main()
