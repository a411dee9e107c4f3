"""pom callback add|list|show|done|reassign|snooze, and --overdue --check for cron."""
import unittest

from salestest import SalesTest


class Callbacks(SalesTest):
    def setUp(self):
        super().setUp()
        self.json("customer", "add", "--name", "Ann Smith", "--status", "active", "--phone", "602-555-0142")
        self.json("customer", "add", "--name", "Bob Jones", "--status", "active")

    def add(self, customer="Ann Smith", due="2026-11-24 15:00", owner="Dana", *extra):
        return self.json("callback", "add", "--customer", customer, "--contact", "phone", "--reason", "Heater update",
                         "--owner", owner, "--due", due, "--summary", "Part arrives Thursday; visit Friday", *extra)[0]

    def test_add_prints_the_promise(self):
        k = self.add()
        self.validate("callback", k)
        self.assertEqual((k["id"], k["customer"], k["contact"], k["owner"], k["due_at"], k["first_due_at"], k["status"], k["overdue"]),
                         (1, "Ann Smith", "phone", "Dana Office", "2026-11-24T22:00:00Z", "2026-11-24T22:00:00Z", "open", False))
        self.assertEqual(self.json("log", "--entity", "callback")[0]["after"]["reason"], "Heater update")

    def test_list_filters(self):
        self.add(due="2026-11-23 11:00")                        # 1 today, Dana
        self.add("Bob Jones", "2026-11-24 09:00", "Maria")      # 2 tomorrow, Maria
        self.add("Bob Jones", "2026-11-23 16:30", "Maria")      # 3 today, Maria
        self.assertEqual([k["id"] for k in self.json("callback", "list")], [1, 3, 2])  # by due time
        self.assertEqual([k["id"] for k in self.json("callback", "list", "--due", "today")], [1, 3])
        self.assertEqual([k["id"] for k in self.json("callback", "list", "--due", "tomorrow")], [2])
        self.assertEqual([k["id"] for k in self.json("callback", "list", "--owner", "Maria")], [3, 2])
        self.assertEqual([k["id"] for k in self.json("callback", "list", "--customer", "Bob Jones")], [3, 2])
        # at 17:00 callbacks 1 and 3 are overdue
        late = self.at("2026-11-23T17:00:00", "callback", "list", "--overdue")
        self.validate("callback", late)
        self.assertEqual([(k["id"], k["overdue"]) for k in late], [(1, True), (3, True)])
        self.ok("callback", "done", "1", "--outcome", "Told her Friday")
        self.assertEqual([k["id"] for k in self.at("2026-11-23T17:00:00", "callback", "list", "--overdue")], [3])
        self.assertEqual([k["id"] for k in self.json("callback", "list", "--open")], [3, 2])

    def test_overdue_check_exits_1_for_cron(self):
        self.add(due="2026-11-23 11:00")
        r = self.pom("callback", "list", "--overdue", "--check")
        self.assertEqual(r.code, 0, r)  # at 08:00 nothing is overdue yet
        self.assertEqual(r.err, "")
        r = self.pom("callback", "list", "--overdue", "--check", "-o", "csv", "--fields", "id,owner,due_at",
                     env={"POM_NOW": "2026-11-23T12:00:00"})
        self.assertEqual(r.code, 1, r)
        self.assertEqual(r.out, "id,owner,due_at\n1,Dana Office,2026-11-23T18:00:00Z\n")  # what is overdue, on stdout
        self.assertEqual(r.err, "pom: error: 1 callback is overdue\n")
        self.ok("callback", "done", "1", "--outcome", "Called", env={"POM_NOW": "2026-11-23T12:30:00"})
        self.assertEqual(self.pom("callback", "list", "--overdue", "--check", env={"POM_NOW": "2026-11-23T13:00:00"}).code, 0)

    def test_due_as_people_type_it(self):
        self.assertEqual(self.add(due="tomorrow 15:00")["due_at"], "2026-11-24T22:00:00Z")
        self.assertEqual(self.add(due="+2d 9:30")["due_at"], "2026-11-25T16:30:00Z")
        self.assertEqual(self.add(due="2026-11-24T15:00:00-07:00")["due_at"], "2026-11-24T22:00:00Z")
        self.assertEqual(self.json("callback", "snooze", "1", "--until", "+3d 08:00")[0]["due_at"], "2026-11-26T15:00:00Z")

    def test_done_reassign_snooze(self):
        self.add()
        k = self.json("callback", "snooze", "1", "--until", "2026-11-25 09:00")[0]
        self.assertEqual((k["due_at"], k["first_due_at"]), ("2026-11-25T16:00:00Z", "2026-11-24T22:00:00Z"))
        k = self.json("callback", "reassign", "1", "--owner", "Maria")[0]
        self.assertEqual(k["owner"], "Maria Lopez")
        k = self.json("callback", "done", "1", "--outcome", "Left a voicemail, then she called back: Friday is fine")[0]
        self.validate("callback", k)
        self.assertEqual((k["status"], k["done_at"], k["overdue"]), ("done", "2026-11-23T15:00:00Z", False))
        self.assertEqual(self.json("callback", "show", "1")[0]["outcome"],
                         "Left a voicemail, then she called back: Friday is fine")

    def test_bad_input_is_refused(self):
        self.add()
        self.add(due="2026-11-25 10:00")
        self.ok("callback", "done", "2", "--outcome", "Done")
        self.ok("worker", "add", "--name", "Gone Away")
        self.ok("worker", "edit", "Gone Away", "--inactive")
        self.ok("ticket", "add", "--customer", "Bob Jones", "--category", "question", "--severity", "low", "--summary", "Bill?",
                "--told", "We will check", "--owner", "Dana", "--source", "phone")
        base = ["callback", "add", "--customer", "Ann Smith", "--contact", "phone", "--reason", "R", "--owner", "Dana",
                "--summary", "S"]
        cases = [
            (base, 64, "--due is required"),
            (base + ["--due", "2026-11-22 15:00"], 65, "--due: 2026-11-22T22:00:00Z is in the past"),
            (base + ["--due", "next week"], 65, "--due"),
            (base[:4] + ["--contact", "fax"] + base[6:] + ["--due", "tomorrow"], 64, "--contact"),
            (base[:8] + ["--owner", "Nobody"] + base[10:] + ["--due", "2026-11-24"], 1, "Nobody"),
            (base[:8] + ["--owner", "Gone Away"] + base[10:] + ["--due", "2026-11-24"], 1, "worker Gone Away is inactive"),
            (base[:6] + ["--reason", " "] + base[8:] + ["--due", "2026-11-24"], 65, "--reason: say why"),
            (base + ["--due", "2026-11-24", "--ticket", "1"], 1, "--ticket: ticket 1 belongs to another customer"),
            (base + ["--due", "2026-11-24", "--ticket", "7"], 1, "--ticket: no ticket with id 7"),
            (base + ["--due", "2026-11-24", "--appt", "7"], 1, "--appt: no appointment with id 7"),
            (["callback", "done", "1"], 64, "--outcome is required"),
            (["callback", "done", "1", "--outcome", ""], 65, "--outcome: say what came of the callback"),
            (["callback", "done", "2", "--outcome", "again"], 1, "callback 2 is done"),
            (["callback", "done", "9", "--outcome", "x"], 1, "no callback with id 9"),
            (["callback", "snooze", "1", "--until", "2026-11-24 10:00"], 65, "is not later than the callback's due"),
            (["callback", "snooze", "1", "--until", "2026-11-20"], 65, "is not in the future"),
            (["callback", "snooze", "2", "--until", "2026-11-30"], 1, "callback 2 is done"),
            (["callback", "reassign", "1", "--owner", "Gone Away"], 1, "worker Gone Away is inactive"),
            (["callback", "list", "--check"], 64, "--check goes with --overdue"),
            (["callback", "list", "--due", "someday"], 65, "--due"),
        ]
        for args, code, message in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, code, message)


if __name__ == "__main__":
    unittest.main()
