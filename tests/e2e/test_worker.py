"""pom worker add|list|show|edit: technicians and office staff, and bad input."""
import unittest

from pomtest import PomTest
from refusal import Refusals


class Workers(Refusals, PomTest):
    def setUp(self):
        super().setUp()
        self.ok("worker", "add", "--name", "Maria Lopez", "--phone", "602-555-0111", "--email", "maria@bluewave.example")
        self.ok("worker", "add", "--name", "Tom Reed", "--role", "technician")
        self.ok("worker", "add", "--name", "Dana Fox", "--role", "office", "--email", "dana@bluewave.example")

    def test_add_prints_the_record(self):
        w = self.json("worker", "add", "--name", "Sam Ortiz", "--role", "manager", "--phone", "480-555-0123")
        self.validate("worker", w)
        self.assertEqual(w[0], {"id": 4, "name": "Sam Ortiz", "phone": "480-555-0123", "email": None, "role": "manager",
                                "active": True, "created_at": "2026-11-23T15:00:00Z", "updated_at": "2026-11-23T15:00:00Z"})
        self.assertEqual(self.ok("worker", "add", "--name", "Lee Park", "-o", "id"), "5\n")

    def test_list_by_name_role_and_active(self):
        rows = self.json("worker", "list")
        self.validate("worker", rows)
        self.assertEqual([w["name"] for w in rows], ["Dana Fox", "Maria Lopez", "Tom Reed"])
        self.assertEqual([w["name"] for w in self.json("worker", "list", "--role", "technician")], ["Maria Lopez", "Tom Reed"])
        self.assertEqual(self.json("worker", "list", "--role", "admin"), [])
        self.ok("worker", "edit", "Tom Reed", "--inactive")
        self.assertEqual([w["name"] for w in self.json("worker", "list")], ["Dana Fox", "Maria Lopez"])
        everything = self.json("worker", "list", "--all")
        self.validate("worker", everything)
        self.assertEqual([(w["name"], w["active"]) for w in everything],
                         [("Dana Fox", True), ("Maria Lopez", True), ("Tom Reed", False)])

    def test_show_by_id_name_and_unique_prefix(self):
        for key in ("1", "Maria Lopez", "maria lopez", "Mar"):
            with self.subTest(key=key):
                w = self.json("worker", "show", key)
                self.validate("worker", w)
                self.assertEqual(w[0]["id"], 1)

    def test_edit_is_audited(self):
        w = self.json("worker", "edit", "Tom", "--email", "tom@bluewave.example", "--role", "manager",
                      env={"POM_NOW": "2026-11-24T06:00:00"})
        self.validate("worker", w)
        self.assertEqual((w[0]["email"], w[0]["role"], w[0]["updated_at"]),
                         ("tom@bluewave.example", "manager", "2026-11-24T13:00:00Z"))
        e = self.json("log", "--entity", "worker", "--id", "2")
        self.validate("audit-entry", e)
        self.assertEqual([x["action"] for x in e], ["create", "update"])
        self.assertEqual((e[1]["before"]["role"], e[1]["after"]["role"]), ("technician", "manager"))
        # Renaming to one's own name in another case is not a clash.
        self.assertEqual(self.json("worker", "edit", "2", "--name", "Tom REED")[0]["name"], "Tom REED")

    def test_same_values_write_nothing(self):
        before = self.dump()
        r = self.pom("worker", "edit", "1", "--phone", "602-555-0111", env={"POM_NOW": "2026-12-01T10:00:00"})
        self.assertEqual(r.code, 0, r)
        self.assertIn("nothing changed", r.err)
        self.assertEqual(self.dump(), before)

    def test_bad_input_is_refused(self):
        self.ok("worker", "add", "--name", "Maria Santos")
        cases = [
            (["worker", "add"], 64, "--name"),
            (["worker", "add", "--name", "maria lopez"], 1, "worker 1 is already named 'maria lopez'"),
            (["worker", "add", "--name", "  "], 65, "--name: a worker needs a name"),
            (["worker", "add", "--name", "42"], 65, "'42' is a number"),
            (["worker", "add", "--name", "Kim", "--role", "chef"], 64, "--role"),
            (["worker", "add", "--name", "Kim", "--email", "kim-at-example"], 65, "--email: 'kim-at-example' is not an email address"),
            (["worker", "add", "--name", "Kim", "--phone", "12"], 65, "--phone: '12' is not a phone number"),
            (["worker", "show", "99"], 1, "no worker with id 99"),
            (["worker", "show", "Nobody"], 1, "no worker 'Nobody'"),
            (["worker", "show", "Maria"], 1, "'Maria' could be"),
            (["worker", "edit", "Dana Fox", "--name", "Tom Reed"], 1, "already named 'Tom Reed'"),
            (["worker", "edit", "99", "--role", "admin"], 1, "no worker with id 99"),
            (["worker", "edit", "1", "--role", "boss"], 64, "--role"),
            (["worker", "list", "--role", "boss"], 64, "--role"),
        ]
        for args, code, message in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, code, message)

    def test_an_accountant_is_a_role(self):
        w = self.json("worker", "add", "--name", "Ava Stone", "--role", "accountant")
        self.validate("worker", w)
        self.assertEqual(w[0]["role"], "accountant")
        self.ok("worker", "edit", "Dana Fox", "--role", "accountant")
        self.assertEqual([x["name"] for x in self.json("worker", "list", "--role", "accountant")], ["Ava Stone", "Dana Fox"])


if __name__ == "__main__":
    unittest.main()
