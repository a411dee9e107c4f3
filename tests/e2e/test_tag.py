"""pom tag add|rm|list|history|sweep and the tag rules of config."""
import unittest

from salestest import SalesTest


class TagQueues(SalesTest):
    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann Smith", "--status", "active", env={"POM_NOW": "2026-11-01T09:00:00"})
        self.ok("customer", "add", "--name", "Bob Jones", "--status", "active", env={"POM_NOW": "2026-11-01T09:00:00"})

    def test_add_list_rm(self):
        rows = self.at("2026-11-02T09:00:00", "tag", "add", "Bob Jones", "Callback Needed", "VIP")
        self.validate("tag-entry", rows)
        self.assertEqual([(r["tag"], r["since"], r["added_by"], r["rule"]) for r in rows],
                         [("Callback Needed", "2026-11-02T16:00:00Z", "tester", None), ("VIP", "2026-11-02T16:00:00Z", "tester", None)])
        self.at("2026-11-10T09:00:00", "tag", "add", "1", "Callback Needed")
        q = self.json("tag", "list", "Callback Needed")
        self.validate("tag-entry", q)
        # oldest first, with the age in whole days at "now" (2026-11-23 08:00)
        self.assertEqual([(r["customer"], r["age_days"], r["status"]) for r in q],
                         [("Bob Jones", 20, "active"), ("Ann Smith", 12, "active")])
        self.assertEqual([r["customer"] for r in self.json("tag", "list", "Callback Needed", "--older-than", "14d")], ["Bob Jones"])
        self.assertEqual([r["tag"] for r in self.json("tag", "list")], ["Callback Needed", "VIP", "Callback Needed"])
        self.assertEqual(self.json("customer", "list", "--tag", "VIP")[0]["name"], "Bob Jones")
        left = self.json("tag", "rm", "Bob Jones", "VIP")
        self.assertEqual([r["tag"] for r in left], ["Callback Needed"])
        self.assertEqual(self.json("tag", "list", "VIP"), [])
        # the removed row stays as history
        h = self.json("tag", "history", "Bob Jones")
        self.validate("tag-history", h)
        self.assertEqual([(e["change"], e["tag"]) for e in h if e["change"] != "status"],
                         [("tag_added", "Callback Needed"), ("tag_added", "VIP"), ("tag_removed", "VIP")])

    def test_adding_a_carried_tag_changes_nothing(self):
        self.ok("tag", "add", "1", "VIP")
        before = self.dump()
        r = self.pom("tag", "add", "1", "VIP")
        self.assertEqual(r.code, 0, r)
        self.assertIn("nothing changed", r.err)
        self.assertEqual(self.dump(), before)

    def test_changes_are_audited(self):
        self.ok("tag", "add", "1", "VIP", "--as", "dana")
        self.ok("tag", "rm", "1", "VIP", "--as", "lee")
        log = self.json("log", "--entity", "customer", "--id", "1")
        self.assertEqual([(e["action"], e["actor"], e["after"]["tags"]) for e in log[1:]],
                         [("update", "dana", ["VIP"]), ("update", "lee", [])])

    def test_bad_input_is_refused(self):
        self.ok("tag", "add", "1", "VIP")
        cases = [
            (["tag", "add", "1"], 64, "TAG is required"),
            (["tag", "add", "9", "VIP"], 1, "no customer '9'"),
            (["tag", "add", "1", " padded"], 65, "' padded' is not a valid tag"),
            (["tag", "add", "1", "a;b"], 65, "is not a valid tag"),
            (["tag", "add", "1", "T" * 65], 65, "is not a valid tag"),
            (["tag", "rm", "1", "Quote"], 1, "customer 1 does not carry the tag 'Quote'"),
            (["tag", "rm", "1", "VIP", "Quote"], 1, "does not carry the tag 'Quote'"),  # all or nothing
            (["tag", "list", "--older-than", "soon"], 65, "--older-than"),
            (["tag", "history", "Nobody"], 1, "no customer 'Nobody'"),
            (["tag", "sweep", "--older-than", "0d"], 65, "--older-than: must be more than zero"),
            (["tag", "frob"], 64, "unknown command 'frob'"),
        ]
        for args, code, message in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, code, message)


class TagRules(SalesTest):
    def test_new_lead_gets_quote_and_the_rule_is_recorded(self):
        c = self.lead()
        self.assertEqual((c["status"], c["tags"]), ("lead", ["Quote"]))
        q = self.json("tag", "list", "Quote")
        self.assertEqual(q[0]["rule"], "lead-needs-quote")
        self.assertEqual(self.rows("SELECT rule, event, added, removed, subject FROM tag_rule_run"),
                         [("lead-needs-quote", "customer_created", '["Quote"]', "[]", "customer 1")])
        # an active customer is not a lead: no Quote
        self.assertEqual(self.json("customer", "add", "--name", "B", "--status", "active")[0]["tags"], [])
        # an import states tags itself: no rule runs
        self.ok("customer", "import", "-", input="ref,name,status\nC-9,Imported Lead,lead\n")
        self.assertEqual(self.customer("C-9")["tags"], [])

    def test_rules_come_from_config(self):
        with open(self.config_path, "a") as f:
            f.write('[tag_rules.lead-needs-quote]\nenabled = false\n'
                    '[tag_rules.web-lead]\non = "customer_created"\nif_status = ["lead"]\nadd = ["Call Back", "Quote"]\n'
                    '[tags."Call Back"]\ndescription = "Phone them today"\ncolour = "#aa0000"\n')
        self.assertEqual(self.lead()["tags"], ["Call Back", "Quote"])
        self.assertEqual(self.json("tag", "list", "Quote")[0]["rule"], "web-lead")
        cfg = self.json("config", "show")[0]
        self.validate("config", cfg)
        self.assertEqual(cfg["tags"]["Call Back"], {"description": "Phone them today", "colour": "#aa0000"})
        self.assertIn("Sales Followup", cfg["tags"])
        rules = {r["name"]: r for r in cfg["tag_rules"]}
        self.assertFalse(rules["lead-needs-quote"]["enabled"])
        self.assertEqual(rules["scheduled-active"], {"name": "scheduled-active", "on": "appointment_created", "if_status": [],
                                                     "if_tags": ["Schedule"], "add": [], "remove": ["Schedule"],
                                                     "set_status": "active", "enabled": True})
        self.assertEqual((cfg["sales.quote_valid_days"], cfg["sales.followup_limit"]), (30, "21d"))

    def test_bad_rules_are_config_errors_with_file_line_column(self):
        p = self.config_path
        cases = [
            ('[tag_rules.x]\non = "customer_deleted"\nadd = ["A"]\n', f"{p}:2:6: tag_rules.x.on: unknown event 'customer_deleted'"),
            ('[tag_rules.x]\non = "quote_sent"\n', f"{p}:1:1: tag_rules.x does nothing"),
            ('[tag_rules.x]\nadd = ["A"]\n', "tag_rules.x needs on ="),
            ('[tag_rules.x]\non = "quote_sent"\nset_status = "gold"\n', f"{p}:3:14: tag_rules.x.set_status: 'gold' is not a customer status"),
            ('[tag_rules.x]\non = "quote_sent"\nadd = "A"\n', "tag_rules.x.add must be an array of strings"),
            ('[tag_rules.x]\non = "quote_sent"\nadd = [" A"]\n', "is not a valid name"),
            ('[tag_rules.x]\non = "quote_sent"\nadd = ["A"]\nremove = ["A"]\n', "both adds and removes 'A'"),
            ('[tag_rules.x]\non = "quote_sent"\nadd = ["A"]\nwhen = 1\n', "unknown key 'tag_rules.x.when'"),
            ('[tag_rules.x]\non = "quote_sent"\nadd = ["A"]\nif_status = ["vip"]\n', "'vip' is not a customer status"),
            ('[tags.VIP]\ncolour = "red"\n', f"{p}:2:10: colour must be a colour as #rrggbb"),
            ('[tags.VIP]\nsize = 3\n', "unknown key 'size' in tags.\"VIP\""),
            ('[sales]\nquote_valid_days = 0\n', "sales.quote_valid_days must be between 1 and 365"),
            ('[sales]\nfollowup_limit = "soon"\n', "sales.followup_limit"),
            ('[sales]\nlimit = 3\n', "unknown key 'sales.limit'"),
        ]
        for text, message in cases:
            with self.subTest(text=text):
                with open(p, "w") as f:
                    f.write(text)
                self.assertRefused(["tag", "list"], 78, message)


class Sweep(SalesTest):
    def setUp(self):
        super().setUp()
        # Two leads sent quotes on Nov 1 and Nov 10, one active customer in Sales Followup since Oct 1.
        for name, day in (("Old Lead", "2026-11-01"), ("New Lead", "2026-11-10")):
            c = self.at(day + "T09:00:00", "customer", "add", "--name", name, "--email", "x@example.com")[0]
            q = self.at(day + "T09:05:00", "quote", "add", "--customer", str(c["id"]), "--line", "Weekly service|4|45")[0]
            self.at(day + "T09:10:00", "quote", "send", str(q["id"]))
        self.at("2026-10-01T09:00:00", "customer", "add", "--name", "Active One", "--status", "active")
        self.at("2026-10-01T09:00:00", "tag", "add", "Active One", "Sales Followup")
        # a second open quote of the old lead, still a draft
        self.at("2026-11-05T09:00:00", "quote", "add", "--customer", "Old Lead", "--line", "Filter clean|1|85")

    def test_sweep_makes_old_leads_inactive_and_expires_their_quotes(self):
        r = self.pom("tag", "sweep", "-o", "json")  # default limit: config sales.followup_limit 21d
        self.assertEqual(r.code, 0, r)
        done = r.json()
        self.validate("sweep-item", done)
        self.assertEqual(len(done), 1)
        s = done[0]
        self.assertEqual((s["customer"], s["since"], s["age_days"], s["rules"], s["removed"], s["status_from"], s["status_to"],
                          s["quotes_expired"]),
                         ("Old Lead", "2026-11-01T16:10:00Z", 21, ["followup-stale-inactive"], ["Sales Followup"], "lead",
                          "inactive", [1, 3]))
        old = self.customer("Old Lead")
        self.assertEqual((old["status"], old["tags"]), ("inactive", []))
        self.assertEqual([q["status"] for q in self.json("quote", "list", "--customer", "Old Lead")], ["expired", "expired"])
        # the younger lead and the active customer stay in the queue
        self.assertEqual([e["customer"] for e in self.json("tag", "list", "Sales Followup")], ["Active One", "New Lead"])
        self.assertEqual(self.customer("New Lead")["status"], "lead")

    def test_sweep_is_idempotent(self):
        self.ok("tag", "sweep", "--older-than", "21d")
        before = self.dump()
        r = self.pom("tag", "sweep", "--older-than", "21d", "-o", "json")
        self.assertEqual((r.code, r.json()), (0, []))
        self.assertEqual(self.dump(), before, "a second sweep changed the database")

    def test_dry_run_prints_and_writes_nothing(self):
        before = self.dump()
        r = self.pom("tag", "sweep", "--older-than", "10d", "--dry-run", "-o", "json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual([s["customer"] for s in r.json()], ["Old Lead", "New Lead"])
        self.assertEqual(self.dump(), before)

    def test_sweep_is_audited_with_its_rule(self):
        self.ok("tag", "sweep", "--as", "cron")
        runs = self.rows("SELECT rule, event, customer_id, status_from, status_to, actor FROM tag_rule_run WHERE event = 'followup_stale'")
        self.assertEqual(runs, [("followup-stale-inactive", "followup_stale", 1, "lead", "inactive", "cron")])
        h = self.json("tag", "history", "Old Lead")
        self.assertEqual(h[-1], {"at": "2026-11-23T15:00:00Z", "change": "status", "tag": None, "from": "lead", "to": "inactive",
                                 "actor": "cron", "rule": "followup-stale-inactive"})
        expired = [e for e in self.json("log", "--entity", "quote") if e["after"]["status"] == "expired"]
        self.assertEqual([(e["entity_id"], e["actor"]) for e in expired], [(1, "cron"), (3, "cron")])

    def test_table_output_says_what_it_did(self):
        r = self.pom("tag", "sweep")
        self.assertEqual(r.code, 0, r)
        self.assertIn("Old Lead", r.out)
        self.assertIn("swept 1 customer from 'Sales Followup' older than 21d", r.err)


if __name__ == "__main__":
    unittest.main()
