"""pom customer add|list|show|edit: records, filters, the audit trail and bad input."""
import unittest

from pomtest import PomTest
from refusal import Refusals


class CustomerAdd(Refusals, PomTest):
    def test_add_prints_the_full_record(self):
        c = self.json("customer", "add", "--name", "Karen Henderson", "--company", "Henderson Family Trust",
                      "--ref", "BW-1001", "--status", "active",
                      "--email", "karen@example.com", "--email", "office@henderson.example",
                      "--phone", "602-555-0142", "--phone", "(480) 555-0100", "--opt-in", "602-555-0142",
                      "--street", "4820 E Palo Verde Dr", "--city", "Phoenix", "--state", "AZ", "--zip", "85018",
                      "--notes", "Side gate", "--tag", "Weekly", "--tag", "Salt")
        self.validate("customer", c)
        self.assertEqual(len(c), 1)
        c = c[0]
        self.assertEqual(c["id"], 1)
        self.assertEqual(c["ref"], "BW-1001")
        self.assertEqual(c["status"], "active")
        self.assertEqual(c["email"], "karen@example.com")
        self.assertEqual(c["phone"], "602-555-0142")
        # New emails are opted in; new phones are not, unless named in --opt-in.
        self.assertEqual(c["emails"], [{"address": "karen@example.com", "opt_in": True},
                                       {"address": "office@henderson.example", "opt_in": True}])
        self.assertEqual(c["phones"], [{"number": "602-555-0142", "sms_opt_in": True},
                                       {"number": "(480) 555-0100", "sms_opt_in": False}])
        self.assertEqual(c["tags"], ["Weekly", "Salt"])
        # POM_NOW is 08:00 in Phoenix (UTC-7 all year).
        self.assertEqual(c["created_at"], "2026-11-23T15:00:00Z")
        self.assertEqual(c["updated_at"], c["created_at"])
        self.assertEqual(self.json("customer", "show", "1")[0]["name"], "Karen Henderson")

    def test_minimal_add_defaults_to_lead_with_nulls(self):
        c = self.json("customer", "add", "--name", "Walk-in")[0]
        self.validate("customer", c)
        self.assertEqual(c["status"], "lead")
        for k in ("ref", "company", "email", "phone", "street", "city", "state", "zip", "notes"):
            self.assertIsNone(c[k], k)
        # A new lead joins the Quote queue (the default tag rule lead-needs-quote, see test_tag.py).
        self.assertEqual((c["emails"], c["phones"], c["tags"]), ([], [], ["Quote"]))

    def test_add_is_audited(self):
        self.ok("customer", "add", "--name", "Ann Smith", "--ref", "C-1", "--as", "dana")
        log = self.json("log")
        self.validate("audit-entry", log)
        self.assertEqual(len(log), 1)
        e = log[0]
        self.assertEqual((e["entity"], e["entity_id"], e["action"], e["actor"]), ("customer", 1, "create", "dana"))
        self.assertEqual(e["command"], "pom customer add --name 'Ann Smith' --ref C-1 --as dana")
        self.assertIsNone(e["before"])
        self.assertEqual(e["after"]["name"], "Ann Smith")

    def test_the_audit_keeps_text_byte_for_byte(self):
        # The audit rows travel as JSON on PostgreSQL: quotes, backslashes, controls and UTF-8 come back as given.
        notes = 'Gate "B" \\ side\tpath\nDog: Señor Müller’s 🐕 end'
        self.ok("customer", "add", "--name", "Ann \"Q\" O'Neil", "--notes", notes)
        self.ok("customer", "edit", "1", "--notes", notes + " again")
        log = self.json("log")
        self.validate("audit-entry", log)
        self.assertEqual([(e["action"], e["after"]["notes"]) for e in log], [("create", notes), ("update", notes + " again")])
        self.assertEqual(log[0]["after"]["name"], "Ann \"Q\" O'Neil")
        self.assertEqual(log[1]["before"]["notes"], notes)

    def test_add_id_output_and_dry_run(self):
        self.assertEqual(self.ok("customer", "add", "--name", "A", "-o", "id"), "1\n")
        before = self.dump()
        r = self.pom("customer", "add", "--name", "B", "--dry-run", "-o", "json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(r.json()[0]["name"], "B")
        self.validate("customer", r.json())
        self.assertEqual(self.dump(), before, "--dry-run wrote to the database")
        self.assertEqual([c["name"] for c in self.json("customer", "list")], ["A"])

    def test_bad_input_is_refused(self):
        self.ok("customer", "add", "--name", "Taken", "--ref", "C-1", "--email", "t@example.com")
        cases = [
            (["customer", "add"], 64, "--name is required"),
            (["customer", "add", "--name", "   "], 65, "--name: a customer needs a name"),
            (["customer", "add", "--name", "X", "--email", "not-an-email"], 65, "--email: 'not-an-email' is not an email address"),
            (["customer", "add", "--name", "X", "--email", "a@b"], 65, "is not an email address"),
            (["customer", "add", "--name", "X", "--phone", "555-12"], 65, "--phone: '555-12' is not a phone number"),
            (["customer", "add", "--name", "X", "--phone", "602-555-O142"], 65, "is not a phone number"),
            (["customer", "add", "--name", "X", "--status", "gold"], 64, "--status"),
            (["customer", "add", "--name", "X", "--ref", "C-1"], 1, "ref 'C-1' is already used by customer 1"),
            (["customer", "add", "--name", "X", "--ref", " C-2"], 65, "is not a valid ref"),
            (["customer", "add", "--name", "X", "--ref", "R" * 65], 65, "is not a valid ref"),
            (["customer", "add", "--name", "X", "--tag", " padded"], 65, "--tag: ' padded' is not a valid tag"),
            (["customer", "add", "--name", "X", "--bogus"], 64, "--bogus"),
            (["customer", "add", "--name", "X", "-o", "xml"], 64, "-o"),
            (["customer", "add", "--name", "X", "--fields", "id,nope"], 64, "--fields: unknown field 'nope'"),
            (["customer"], 64, "subcommand"),
            (["customer", "frobnicate"], 64, "unknown command 'frobnicate'"),
        ]
        for args, code, message in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, code, message)


class CustomerListShow(Refusals, PomTest):
    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Zoë Chen", "--ref", "BW-3", "--status", "lead", "--tag", "Quote",
                "--email", "zoe@example.com")
        self.ok("customer", "add", "--name", "ann smith", "--ref", "BW-1", "--status", "active", "--tag", "Weekly",
                "--phone", "602-555-0101", "--city", "Tempe")
        self.ok("customer", "add", "--name", "Bob Jones", "--ref", "BW-2", "--status", "inactive",
                "--company", "Jones Plumbing", "--tag", "Weekly")

    def names(self, *args):
        rows = self.json("customer", "list", *args)
        if rows:
            self.validate("customer", rows)
        return [c["name"] for c in rows]

    def test_list_is_by_name_case_insensitive(self):
        self.assertEqual(self.names(), ["ann smith", "Bob Jones", "Zoë Chen"])

    def test_filters(self):
        self.assertEqual(self.names("--status", "active"), ["ann smith"])
        self.assertEqual(self.names("--status", "lead"), ["Zoë Chen"])
        self.assertEqual(self.names("--tag", "Weekly"), ["ann smith", "Bob Jones"])
        self.assertEqual(self.names("--tag", "Weekly", "--status", "inactive"), ["Bob Jones"])
        self.assertEqual(self.names("--search", "plumb"), ["Bob Jones"])       # company
        self.assertEqual(self.names("--search", "zoe@"), ["Zoë Chen"])         # email
        self.assertEqual(self.names("--search", "555-0101"), ["ann smith"])    # phone
        self.assertEqual(self.names("--search", "BW-2"), ["Bob Jones"])        # ref
        self.assertEqual(self.names("--search", "%"), [])                      # LIKE wildcards are literal
        self.assertEqual(self.names("--limit", "2"), ["ann smith", "Bob Jones"])

    def test_empty_list_is_success(self):
        self.assertEqual(self.json("customer", "list", "--tag", "Nobody"), [])
        self.assertEqual(self.ok("customer", "list", "--tag", "Nobody", "-o", "jsonl"), "")
        self.assertEqual(self.ok("customer", "list", "--tag", "Nobody", "-o", "id"), "")
        self.assertEqual(self.ok("customer", "list", "--tag", "Nobody", "-o", "csv", "--fields", "id,name"), "id,name\n")

    def test_show_by_id_ref_and_name(self):
        for key in ("2", "BW-1", "ann smith", "ANN SMITH"):
            with self.subTest(key=key):
                c = self.json("customer", "show", key)
                self.validate("customer-detail", c)
                self.assertEqual(c[0]["id"], 2)
                self.assertEqual(c[0]["pools"], [])

    def test_show_lists_pools(self):
        self.ok("pool", "add", "--customer", "BW-1", "--gallons", "15000", "--street", "1 Main St", "--city", "Tempe")
        self.ok("pool", "add", "--customer", "BW-1", "--body", "spa", "--name", "Spa", "--gallons", "400")
        self.ok("pool", "edit", "2", "--inactive")
        c = self.json("customer", "show", "BW-1")
        self.validate("customer-detail", c)
        self.assertEqual(c[0]["pools"], [
            {"id": 1, "name": "Pool", "body": "pool", "gallons": 15000, "street": "1 Main St", "city": "Tempe", "active": True},
            {"id": 2, "name": "Spa", "body": "spa", "gallons": 400, "street": None, "city": "Tempe", "active": False},
        ])

    def test_show_refusals(self):
        self.ok("customer", "add", "--name", "Bob Jones")
        self.assertRefusedBoth(["customer", "show", "999"], 1, "no customer '999'")
        self.assertRefusedBoth(["customer", "show", "Nobody"], 1, "no customer 'Nobody'")
        self.assertRefusedBoth(["customer", "show", "Bob Jones"], 1, "more than one customer is named 'Bob Jones'")
        self.assertRefusedBoth(["customer", "show"], 64, "CUSTOMER")
        self.assertRefusedBoth(["customer", "list", "--status", "gone"], 64, "--status")
        self.assertRefusedBoth(["customer", "list", "--limit", "-1"], 64, "--limit")
        self.assertRefusedBoth(["customer", "list", "--limit", "many"], 64, "--limit")


class CustomerEdit(Refusals, PomTest):
    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann Smith", "--ref", "C-1", "--email", "ann@example.com",
                "--phone", "602-555-0101", "--opt-in", "602-555-0101")
        self.ok("customer", "add", "--name", "Bob Jones", "--ref", "C-2")

    def test_edit_changes_fields_and_stamps_updated_at(self):
        c = self.json("customer", "edit", "C-1", "--status", "active", "--city", "Mesa", "--tag", "Weekly",
                      env={"POM_NOW": "2026-11-24T09:30:00"})
        self.validate("customer", c)
        c = c[0]
        # Quote came from the lead-needs-quote rule when the customer was added as a lead.
        self.assertEqual((c["status"], c["city"], c["tags"]), ("active", "Mesa", ["Quote", "Weekly"]))
        self.assertEqual(c["created_at"], "2026-11-23T15:00:00Z")
        self.assertEqual(c["updated_at"], "2026-11-24T16:30:00Z")
        e = self.json("log", "--entity", "customer", "--id", "1")[-1]
        self.validate("audit-entry", e)
        self.assertEqual(e["action"], "update")
        self.assertEqual((e["before"]["status"], e["after"]["status"]), ("lead", "active"))
        self.assertEqual((e["before"]["city"], e["after"]["city"]), (None, "Mesa"))

    def test_replacing_contacts_keeps_known_opt_ins(self):
        c = self.json("customer", "edit", "1", "--phone", "480-555-0199", "--phone", "602-555-0101")[0]
        self.assertEqual(c["phones"], [{"number": "480-555-0199", "sms_opt_in": False},
                                       {"number": "602-555-0101", "sms_opt_in": True}])
        c = self.json("customer", "edit", "1", "--opt-out", "ann@example.com")[0]
        self.assertEqual(c["emails"], [{"address": "ann@example.com", "opt_in": False}])

    def test_empty_value_clears_a_field(self):
        self.ok("customer", "edit", "1", "--city", "Mesa")
        self.assertIsNone(self.json("customer", "edit", "1", "--city", "")[0]["city"])

    def test_edit_to_the_same_values_writes_nothing(self):
        before = self.dump()
        r = self.pom("customer", "edit", "C-1", "--name", "Ann Smith", "--email", "ann@example.com",
                     env={"POM_NOW": "2026-12-01T10:00:00"})
        self.assertEqual(r.code, 0, r)
        self.assertIn("nothing changed", r.err)
        self.assertEqual(self.dump(), before)

    def test_dry_run_edit_writes_nothing(self):
        before = self.dump()
        c = self.json("customer", "edit", "1", "--status", "inactive", "--dry-run")
        self.assertEqual(c[0]["status"], "inactive")
        self.assertEqual(self.dump(), before)

    def test_bad_edits_are_refused(self):
        cases = [
            (["customer", "edit", "99", "--city", "Mesa"], 1, "no customer '99'"),
            (["customer", "edit", "C-2", "--ref", "C-1"], 1, "ref 'C-1' is already used by customer 1"),
            (["customer", "edit", "1", "--email", "ann@"], 65, "is not an email address"),
            (["customer", "edit", "1", "--opt-in", "nobody@example.com"], 65, "has no email or phone 'nobody@example.com'"),
            (["customer", "edit", "1", "--opt-out", "480-555-0000"], 65, "has no email or phone"),
            (["customer", "edit", "1", "--status", "vip"], 64, "--status"),
            (["customer", "edit", "1", "--name", ""], 65, "a customer needs a name"),
            (["customer", "edit", "--city", "Mesa"], 64, "CUSTOMER"),
        ]
        for args, code, message in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, code, message)


if __name__ == "__main__":
    unittest.main()
