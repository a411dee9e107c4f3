"""pom pool add|list|show|edit: service locations, their water, and bad input."""
import unittest

from pomtest import PomTest
from refusal import Refusals


class Pools(Refusals, PomTest):
    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann Smith", "--ref", "C-1", "--street", "4820 E Palo Verde Dr",
                "--city", "Phoenix", "--state", "AZ", "--zip", "85018")
        self.ok("customer", "add", "--name", "Bob Jones", "--ref", "C-2")

    def test_add_with_every_field(self):
        p = self.json("pool", "add", "--customer", "Ann Smith", "--name", "Back yard", "--street", "10 Oak Ln",
                      "--city", "Scottsdale", "--state", "AZ", "--zip", "85260", "--lat", "33.5831", "--lon", "-111.9265",
                      "--gate-code", "4521#", "--access-notes", "Side gate, then left", "--dog", "--body", "pool",
                      "--gallons", "18000", "--surface", "pebble", "--sanitizer", "salt")
        self.validate("pool", p)
        p = p[0]
        self.assertEqual((p["id"], p["customer_id"], p["customer"]), (1, 1, "Ann Smith"))
        self.assertEqual((p["street"], p["city"], p["zip"]), ("10 Oak Ln", "Scottsdale", "85260"))
        self.assertEqual((p["lat"], p["lon"]), (33.5831, -111.9265))
        self.assertEqual((p["gate_code"], p["access_notes"], p["dog"]), ("4521#", "Side gate, then left", True))
        self.assertEqual((p["body"], p["gallons"], p["surface"], p["sanitizer"]), ("pool", 18000, "pebble", "salt"))
        self.assertTrue(p["active"])
        self.assertEqual(p["created_at"], "2026-11-23T15:00:00Z")
        self.assertEqual(self.json("pool", "show", "1"), [p])

    def test_address_defaults_to_billing_address(self):
        p = self.json("pool", "add", "--customer", "C-1")[0]
        self.validate("pool", p)
        self.assertEqual((p["name"], p["street"], p["city"], p["state"], p["zip"]),
                         ("Pool", "4820 E Palo Verde Dr", "Phoenix", "AZ", "85018"))
        self.assertEqual((p["body"], p["dog"], p["gallons"], p["lat"], p["surface"]), ("pool", False, None, None, None))
        # A customer without a billing address gets a pool without one.
        q = self.json("pool", "add", "--customer", "2", "--body", "spa")[0]
        self.validate("pool", q)
        self.assertEqual((q["street"], q["city"], q["body"]), (None, None, "spa"))

    def test_list_filters_and_inactive(self):
        self.ok("pool", "add", "--customer", "C-1", "--gallons", "15000")
        self.ok("pool", "add", "--customer", "C-2", "--gallons", "9000")
        self.ok("pool", "add", "--customer", "C-1", "--body", "spa", "--name", "Spa")
        rows = self.json("pool", "list")
        self.validate("pool", rows)
        self.assertEqual([p["id"] for p in rows], [1, 3, 2])  # by customer, then id
        self.assertEqual([p["id"] for p in self.json("pool", "list", "--customer", "Bob Jones")], [2])
        self.ok("pool", "edit", "3", "--inactive")
        self.assertEqual([p["id"] for p in self.json("pool", "list", "--customer", "C-1")], [1])
        everything = self.json("pool", "list", "--customer", "C-1", "--all")
        self.validate("pool", everything)
        self.assertEqual([(p["id"], p["active"]) for p in everything], [(1, True), (3, False)])
        self.assertEqual(self.json("pool", "list", "--customer", "C-2", "--all")[0]["gallons"], 9000)

    def test_edit_is_audited_with_before_and_after(self):
        self.ok("pool", "add", "--customer", "C-1", "--dog", "--gallons", "15000")
        p = self.json("pool", "edit", "1", "--no-dog", "--gallons", "16000", "--sanitizer", "chlorine",
                      env={"POM_NOW": "2026-11-25T07:15:00"})
        self.validate("pool", p)
        self.assertEqual((p[0]["dog"], p[0]["gallons"], p[0]["sanitizer"]), (False, 16000, "chlorine"))
        self.assertEqual(p[0]["updated_at"], "2026-11-25T14:15:00Z")
        log = self.json("log", "--entity", "pool", "--id", "1")
        self.validate("audit-entry", log)
        self.assertEqual([e["action"] for e in log], ["create", "update"])
        self.assertEqual((log[1]["before"]["gallons"], log[1]["after"]["gallons"]), (15000, 16000))
        self.assertEqual((log[1]["before"]["dog"], log[1]["after"]["dog"]), (1, 0))

    def test_edit_to_the_same_values_writes_nothing(self):
        self.ok("pool", "add", "--customer", "C-1", "--gallons", "15000")
        before = self.dump()
        r = self.pom("pool", "edit", "1", "--gallons", "15000", env={"POM_NOW": "2026-12-01T10:00:00"})
        self.assertEqual(r.code, 0, r)
        self.assertIn("nothing changed", r.err)
        self.assertEqual(self.dump(), before)

    def test_dry_run(self):
        before = self.dump()
        p = self.json("pool", "add", "--customer", "C-1", "--gallons", "12000", "--dry-run")
        self.validate("pool", p)
        self.assertEqual(self.dump(), before)

    def test_bad_input_is_refused(self):
        self.ok("pool", "add", "--customer", "C-1", "--gallons", "15000")
        self.ok("customer", "add", "--name", "Bob Jones")  # a second Bob Jones
        cases = [
            (["pool", "add"], 64, "--customer"),
            (["pool", "add", "--customer", "Nobody"], 1, "no customer 'Nobody'"),
            (["pool", "add", "--customer", "Bob Jones"], 1, "more than one customer is named 'Bob Jones'"),
            (["pool", "add", "--customer", "C-1", "--gallons", "0"], 65, "--gallons: must be between 1 and 10000000"),
            (["pool", "add", "--customer", "C-1", "--gallons", "-5"], 65, "--gallons: must be between 1 and 10000000"),
            (["pool", "add", "--customer", "C-1", "--gallons", "10000001"], 65, "--gallons"),
            (["pool", "add", "--customer", "C-1", "--gallons", "lots"], 64, "--gallons"),
            (["pool", "add", "--customer", "C-1", "--lat", "91", "--lon", "0"], 65, "--lat: must be between -90 and 90"),
            (["pool", "add", "--customer", "C-1", "--lat", "33", "--lon", "-181"], 65, "--lon: must be between -180 and 180"),
            (["pool", "add", "--customer", "C-1", "--lat", "33.5"], 64, "--lat and --lon go together"),
            (["pool", "add", "--customer", "C-1", "--body", "lake"], 64, "--body"),
            (["pool", "add", "--customer", "C-1", "--surface", "granite"], 65, "--surface: 'granite' is not one of"),
            (["pool", "add", "--customer", "C-1", "--sanitizer", "ozone"], 65, "--sanitizer: 'ozone' is not one of"),
            (["pool", "add", "--customer", "C-1", "--name", ""], 65, "--name: must not be empty"),
            (["pool", "show", "99"], 1, "no pool with id 99"),
            (["pool", "show", "one"], 65, "POOL: 'one' is not an id"),
            (["pool", "show", "0"], 65, "is not an id"),
            (["pool", "show"], 64, "POOL"),
            (["pool", "edit", "99", "--gallons", "10"], 1, "no pool with id 99"),
            (["pool", "edit", "1", "--gallons", "0"], 65, "--gallons"),
            (["pool", "edit", "1", "--surface", "sand"], 65, "--surface"),
            (["pool", "list", "--customer", "Nobody"], 1, "no customer 'Nobody'"),
        ]
        for args, code, message in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, code, message)


if __name__ == "__main__":
    unittest.main()
