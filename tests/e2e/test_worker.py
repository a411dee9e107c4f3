"""pom worker add|list|show|edit: technicians and office staff, and bad input; pom worker token
add|list|revoke: API tokens, whose secret is printed once and stored only as its SHA-256."""
import hashlib
import json
import re
import unittest

from pomtest import PomTest
from refusal import Refusals

SECRET = re.compile(r"^pom_[A-Za-z0-9_-]{43}$")


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
                                "active": True, "created_at": "2026-11-23T15:00:00Z", "updated_at": "2026-11-23T15:00:00Z",
                                "start_lat": None, "start_lon": None, "end_lat": None, "end_lon": None,
                                "day_start": None, "day_end": None, "skills": [], "capacity": None})
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


class Tokens(Refusals, PomTest):
    def setUp(self):
        super().setUp()
        self.ok("worker", "add", "--name", "Maria Lopez")
        self.ok("worker", "add", "--name", "Dana Fox", "--role", "office")

    def add(self, *args, **kw):
        """A new token's record, checked against its schema; the secret is in `token`."""
        r = self.json("worker", "token", "add", *args, **kw)
        self.validate("worker-token", r)
        self.assertEqual(len(r), 1)
        return r[0]

    def test_add_prints_the_secret_once_and_only_its_hash_is_kept(self):
        t = self.add("Dana", "--label", "office laptop")
        secret = t.pop("token")
        self.assertRegex(secret, SECRET)
        self.assertEqual(t, {"id": 1, "worker_id": 2, "worker": "Dana Fox", "label": "office laptop", "status": "active",
                             "created_at": "2026-11-23T15:00:00Z", "expires_at": None, "revoked_at": None})
        # The database holds the SHA-256 of the whole secret, and the secret nowhere.
        self.assertEqual(self.sql("SELECT secret_hash FROM api_token WHERE id = 1"),
                         [(hashlib.sha256(secret.encode()).hexdigest(),)])
        self.assertNotIn(secret, self.dump())
        # Each token has a secret of its own; list, show in every format never print one.
        other = self.add("Maria")["token"]
        self.assertNotEqual(other, secret)
        listed = self.json("worker", "token", "list")
        self.validate("worker-token", listed)
        self.assertEqual([(x["id"], x["worker"]) for x in listed], [(2, "Maria Lopez"), (1, "Dana Fox")])
        self.assertTrue(all("token" not in x for x in listed))
        hashes = [h for (h,) in self.sql("SELECT secret_hash FROM api_token")]
        for fmt in ("table", "json", "jsonl", "csv", "id"):
            out = self.ok("worker", "token", "list", "-o", fmt)
            for text in (secret, other, *hashes):
                self.assertNotIn(text, out)
        r = self.pom("worker", "token", "list", "--fields", "token")
        self.assertEqual(r.code, 64, r)

    def test_add_in_each_format(self):
        r = self.pom("worker", "token", "add", "Maria")
        self.assertEqual(r.code, 0, r)
        self.assertRegex(r.out, r"(?m)^token +pom_[A-Za-z0-9_-]{43}$")
        self.assertEqual(r.err, "this token is shown once; only its hash is kept\n")
        r = self.pom("worker", "token", "add", "Maria", "-o", "json")
        self.assertEqual(r.err, "")
        self.assertEqual(self.ok("worker", "token", "add", "Maria", "-o", "id"), "3\n")
        row = self.csv("worker", "token", "add", "Maria", "--fields", "id,token")
        self.assertEqual(row[0]["id"], "4")
        self.assertRegex(row[0]["token"], SECRET)

    def test_expiry(self):
        never = self.add("Maria")
        days = self.add("Maria", "--expires", "90d")
        weeks = self.add("Maria", "--expires", "12w")
        day = self.add("Maria", "--expires", "2026-11-30")
        self.assertIsNone(never["expires_at"])
        self.assertEqual(days["expires_at"], "2027-02-21T15:00:00Z")
        self.assertEqual(weeks["expires_at"], "2027-02-15T15:00:00Z")
        # A last day: the token works through it, to the midnight that ends it in Phoenix.
        self.assertEqual(day["expires_at"], "2026-12-01T07:00:00Z")
        status = lambda now: {x["id"]: x["status"] for x in self.json("worker", "token", "list", env={"POM_NOW": now})}
        self.assertEqual(status("2026-11-30T23:59:59"), {1: "active", 2: "active", 3: "active", 4: "active"})
        self.assertEqual(status("2026-12-01T00:00:00"), {1: "active", 2: "active", 3: "active", 4: "expired"})
        self.assertEqual(status("2027-02-21T08:00:00"), {1: "active", 2: "expired", 3: "expired", 4: "expired"})
        listed = self.json("worker", "token", "list", env={"POM_NOW": "2027-02-21T08:00:00"})
        self.validate("worker-token", listed)

    def test_revoke(self):
        self.add("Maria", "--label", "phone")
        self.add("Dana")
        r = self.json("worker", "token", "revoke", "1", env={"POM_NOW": "2026-11-24T09:30:00"})
        self.validate("worker-token", r)
        self.assertEqual((r[0]["id"], r[0]["status"], r[0]["revoked_at"]), (1, "revoked", "2026-11-24T16:30:00Z"))
        self.assertEqual([(x["id"], x["status"]) for x in self.json("worker", "token", "list")], [(2, "active"), (1, "revoked")])
        self.assertEqual([x["id"] for x in self.json("worker", "token", "list", "Maria Lopez")], [1])
        self.assertEqual(self.json("worker", "token", "list", "Dana")[0]["id"], 2)
        self.assertRefusedBoth(["worker", "token", "revoke", "1"], 1, "API token 1 was revoked already, at 2026-11-24T16:30:00Z")

    def test_the_audit_log_has_neither_secret_nor_hash(self):
        secret = self.add("Maria", "--expires", "30d")["token"]
        self.ok("worker", "token", "revoke", "1")
        entries = self.json("log", "--entity", "api_token")
        self.validate("audit-entry", entries)
        self.assertEqual([(e["entity_id"], e["action"]) for e in entries], [(1, "create"), (1, "update")])
        self.assertEqual(sorted(entries[0]["after"]), ["created_at", "expires_at", "id", "label", "revoked_at", "worker_id"])
        self.assertEqual(entries[1]["after"]["revoked_at"], "2026-11-23T15:00:00Z")
        everything = self.ok("log", "-o", "jsonl")
        digest = hashlib.sha256(secret.encode()).hexdigest()
        self.assertNotIn(secret, everything)
        self.assertNotIn(digest, everything)
        self.assertNotIn("secret", everything)

    def test_dry_run_writes_nothing(self):
        before = self.dump()
        r = self.pom("worker", "token", "add", "Maria", "--dry-run", "-o", "json")
        self.assertEqual(r.code, 0, r)
        self.assertRegex(json.loads(r.out)[0]["token"], SECRET)
        self.assertEqual(self.dump(), before)
        self.add("Maria")
        before = self.dump()
        self.assertEqual(self.json("worker", "token", "revoke", "1", "--dry-run")[0]["status"], "revoked")
        self.assertEqual(self.dump(), before)
        self.assertEqual(self.json("worker", "token", "list")[0]["status"], "active")

    def test_refusals_write_nothing(self):
        self.add("Maria")
        self.ok("worker", "add", "--name", "Tom Reed")
        self.ok("worker", "edit", "Tom Reed", "--inactive")
        cases = [
            (["worker", "token", "add"], 64, "WORKER"),
            (["worker", "token", "add", "Nobody"], 1, "no worker 'Nobody'"),
            (["worker", "token", "add", "99"], 1, "no worker with id 99"),
            (["worker", "token", "add", "Tom Reed"], 1, "worker Tom Reed is inactive: an inactive worker gets no API token"),
            (["worker", "token", "add", "Maria", "--expires", "0d"], 65, "--expires: '0d' is not a lifetime of 1 day to 10 years"),
            (["worker", "token", "add", "Maria", "--expires", "3661d"], 65, "--expires: '3661d'"),
            (["worker", "token", "add", "Maria", "--expires", "soon"], 65, "--expires: 'soon' is not a lifetime (90d, 12w) or a last day"),
            (["worker", "token", "add", "Maria", "--expires", "5h"], 65, "--expires: '5h'"),
            (["worker", "token", "add", "Maria", "--expires", "+3d"], 65, "--expires: '+3d'"),
            (["worker", "token", "add", "Maria", "--expires", "2026-11-22"], 65, "--expires: '2026-11-22' is over already"),
            (["worker", "token", "add", "Maria", "--expires", "2026-02-30"], 65, "--expires: '2026-02-30' is not a valid date"),
            (["worker", "token", "add", "Maria", "--expires", ""], 65, "--expires"),
            (["worker", "token", "add", "Maria", "--label", "two\nlines"], 65, "--label"),
            (["worker", "token", "list", "Nobody"], 1, "no worker 'Nobody'"),
            (["worker", "token", "revoke"], 64, "ID"),
            (["worker", "token", "revoke", "99"], 1, "no API token 99"),
            (["worker", "token", "revoke", "abc"], 65, "ID: 'abc' is not an id"),
            (["worker", "token"], 64, "subcommand"),
        ]
        for args, code, message in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, code, message)


if __name__ == "__main__":
    unittest.main()
