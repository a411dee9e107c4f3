"""pom notify list|show|send|retry: the outbox and its cron sender, with real delivery commands."""
import os
import sqlite3
import subprocess
import unittest

from apptbase import Company
from pomtest import POM, sqlite_only
from refusal import Refusals


class Notify(Refusals, Company):
    def setUp(self):
        super().setUp()
        self.out = os.path.join(self.dir, "delivered.txt")
        self.script("deliver.sh", '{ echo "== $POM_NOTICE_ID $POM_NOTICE_CHANNEL $POM_NOTICE_RECIPIENT [$POM_NOTICE_SUBJECT]"; cat; '
                                  'echo; } >> "%s"\n' % self.out)
        self.script("fail.sh", 'cat > /dev/null; echo "smtp: connection refused" >&2; exit 75\n')
        self.use("deliver.sh")

    def script(self, name, body):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write("#!/bin/sh\n" + body)

    def use(self, script, extra=""):
        with open(self.config_path, "w") as f:
            f.write(self.config + '[notify]\ncommand = "sh %s"\nmax_attempts = 3\nretry_after = "5m"\n%s'
                    % (os.path.join(self.dir, script), extra))

    def delivered(self):
        if not os.path.exists(self.out):
            return []
        with open(self.out) as f:
            return [l for l in f.read().splitlines() if l.startswith("== ")]

    def queue(self):
        """Ana: the appointment email and the on-my-way text; Bob: the appointment email, and a
        text he has not opted in to."""
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez", "--window", "08:00-10:00")
        self.ok("appt", "add", "--customer", "Bob Smith", "--date", "today", "--worker", "Tom Reed")
        self.ok("appt", "on-my-way", "1", "--eta", "15m")
        self.ok("appt", "on-my-way", "2")

    def test_send_delivers_each_notice_once(self):
        self.queue()
        pending = self.json("notify", "list", "--pending")
        self.validate("notice", pending)
        self.assertEqual([(n["kind"], n["recipient"]) for n in pending],
                         [("assigned", "ana@example.com"), ("assigned", "bob@example.com"), ("on_my_way", "602-555-0101")])
        skipped = self.json("notify", "list", "--status", "skipped")
        self.assertEqual([(n["recipient"], n["skip_reason"]) for n in skipped],
                         [("602-555-0102", "602-555-0102 has not opted in to text messages")])
        r = self.pom("notify", "send", "-o", "json")
        self.assertEqual(r.code, 0, r)
        sent = r.json()
        self.validate("notify-send-result", sent)
        self.assertEqual([(x["id"], x["outcome"], x["attempts"]) for x in sent], [(1, "sent", 1), (2, "sent", 1), (3, "sent", 1)])
        self.assertEqual(self.delivered(), ["== 1 email ana@example.com [Your pool service on Monday, November 23]",
                                            "== 2 email bob@example.com [Your pool service on Monday, November 23]",
                                            "== 3 sms 602-555-0101 []"])
        with open(self.out) as f:
            text = f.read()
        self.assertIn("To: ana@example.com\nFrom: Blue Wave Pools <office@bluewave.example>\nSubject: Your pool service", text)
        self.assertIn("Blue Wave Pools: Maria is on the way to your pool, arriving around 08:15.", text)
        # Run again (cron, five minutes later): nothing is sent twice.
        again = self.json("notify", "send", env={"POM_NOW": "2026-11-23T08:05:00"})
        self.assertEqual(again, [])
        self.assertEqual(len(self.delivered()), 3)
        shown = self.json("notify", "show", "1")
        self.validate("notice", shown)
        self.assertEqual((shown[0]["status"], shown[0]["sent_at"], shown[0]["attempts"]), ("sent", "2026-11-23T15:00:00Z", 1))
        self.assertRefusedBoth(["notify", "retry", "1"], 1, "notice 1 is sent; only failed or skipped notices can be retried")

    def test_a_company_without_a_phone_never_says_call_us_at_nothing(self):
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        with_phone = self.json("notify", "show", "1")[0]["body"]
        self.assertIn("Your technician will be Maria.\n\nQuestions? Call us at (602) 555-0199.\n\nBlue Wave Pools\n", with_phone)
        # The same company with no phone configured: the sentence goes, and its paragraph with it.
        with open(self.config_path) as f:
            text = f.read()
        with open(self.config_path, "w") as f:
            f.write(text.replace('phone = "(602) 555-0199"\n', ""))
        self.ok("appt", "add", "--customer", "Bob Smith", "--date", "today", "--worker", "Tom Reed")
        self.ok("appt", "skip", "1", "--reason", "gate locked")
        bodies = {n["kind"]: n["body"] for n in self.json("notify", "list") if n["id"] > 1}
        self.assertIn("Your technician will be Tom.\n\nBlue Wave Pools\n", bodies["assigned"])
        self.assertIn("on Monday, November 23: gate locked.\nWe will be back on your next scheduled day.\n\nBlue Wave Pools\n",
                      bodies["skipped"])
        for body in bodies.values():
            self.assertNotIn("Call us", body)
            self.assertNotIn("call us", body)

    def test_day_before_reminders_once_per_visit_and_day(self):
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "tomorrow", "--worker", "Maria Lopez", "--window", "08:00-10:00")
        self.ok("appt", "add", "--customer", "Bob Smith", "--date", "tomorrow")
        self.ok("appt", "add", "--customer", "Bob Smith", "--date", "+2d")
        self.ok("appt", "cancel", "2", "--reason", "away")
        before = len(self.json("notify", "list"))
        r = self.pom("appt", "remind", "-o", "json")
        self.assertEqual(r.code, 0, r)
        self.validate("reminder-result", r.json())
        self.assertEqual([(x["appointment_id"], x["customer"], x["date"]) for x in r.json()], [(1, "Ana Ortiz", "2026-11-24")])
        reminders = [n for n in self.json("notify", "list") if n["kind"] == "reminder"]
        self.validate("notice", reminders)
        self.assertEqual([(n["recipient"], n["appointment_id"]) for n in reminders], [("ana@example.com", 1)])
        self.assertIn("your maintenance visit is on Tuesday, November 24 between 08:00 and 10:00.", reminders[0]["body"])
        self.assertEqual(reminders[0]["subject"], "Reminder: your pool service on Tuesday, November 24")
        # Cron runs again: nothing new, and a quiet run prints nothing.
        again = self.pom("-q", "appt", "remind", "-o", "id")
        self.assertEqual((again.code, again.out, again.err), (0, "", ""))
        self.assertEqual(len(self.json("notify", "list")), before + 1)
        # Moved to the day after, the visit is reminded again on its new day.
        self.ok("appt", "move", "1", "--date", "+2d")
        self.assertEqual([x["appointment_id"] for x in self.json("appt", "remind", "--date", "+2d")], [1, 3])
        self.assertEqual(self.json("appt", "remind", "--date", "+2d"), [])
        # A company that does not want them switches the template off.
        with open(self.config_path, "a") as f:
            f.write("\n[notices.reminder]\nenabled = false\n")
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "+3d")
        self.assertEqual(self.json("appt", "remind", "--date", "+3d"), [])

    def test_failures_back_off_then_give_up_and_retry_sends(self):
        # Wednesday's visit: retried on Tuesday, it is not over yet (a notice of a visit whose day
        # has passed is never sent: test_notice_follow).
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-25", "--worker", "Maria Lopez")
        self.use("fail.sh")
        first = self.json("notify", "send")
        self.validate("notify-send-result", first)
        self.assertEqual([(x["outcome"], x["attempts"], x["next_attempt_at"], x["detail"]) for x in first],
                         [("retry", 1, "2026-11-23T15:05:00Z", "exit 75: smtp: connection refused")])
        self.assertEqual(self.json("notify", "send", env={"POM_NOW": "2026-11-23T08:04:00"}), [])  # not due yet
        second = self.json("notify", "send", env={"POM_NOW": "2026-11-23T08:05:00"})
        self.assertEqual([(x["outcome"], x["next_attempt_at"]) for x in second], [("retry", "2026-11-23T15:15:00Z")])
        third = self.json("notify", "send", env={"POM_NOW": "2026-11-23T08:15:00"})
        self.assertEqual([x["outcome"] for x in third], ["failed"])
        failed = self.json("notify", "list", "--failed")
        self.assertEqual([(n["id"], n["attempts"], n["last_error"]) for n in failed], [(1, 3, "exit 75: smtp: connection refused")])
        self.assertEqual(self.json("notify", "send", env={"POM_NOW": "2026-11-24T08:00:00"}), [])
        # The office fixes the mail server and puts the notice back in the queue.
        self.use("deliver.sh")
        r = self.json("notify", "retry", "1", env={"POM_NOW": "2026-11-24T08:00:00"})
        self.validate("notice", r)
        self.assertEqual((r[0]["status"], r[0]["attempts"]), ("pending", 0))
        done = self.json("notify", "send", env={"POM_NOW": "2026-11-24T08:01:00"})
        self.assertEqual([x["outcome"] for x in done], ["sent"])
        self.assertEqual(len(self.delivered()), 1)
        log = self.json("log", "--entity", "notice", "--id", "1")
        self.assertEqual([e["after"]["status"] for e in log],
                         ["pending", "sending", "pending", "sending", "pending", "sending", "failed", "pending", "sending", "sent"])

    def test_two_senders_at_once_never_send_one_notice_twice(self):
        for i in range(12):
            self.ok("appt", "add", "--customer", ["Ana Ortiz", "Bob Smith"][i % 2], "--date", "today", "--worker", "Tom Reed")
        self.script("slow.sh", 'sleep 0.1; { echo "== $POM_NOTICE_ID"; cat; echo; } >> "%s"\n' % self.out)
        self.use("slow.sh")
        # Three overlapping senders of four notices each: every one of them claims while the others
        # are delivering.
        procs = [subprocess.Popen([POM, "notify", "send", "--limit", "4", "-o", "id"], env=self.env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(3)]
        outs = [p.communicate(timeout=60) for p in procs]
        for p, (out, err) in zip(procs, outs):
            self.assertEqual(p.returncode, 0, err)
        ids = sorted(int(l.split()[1]) for l in self.delivered())
        self.assertEqual(ids, list(range(1, 13)))  # each of the 12 exactly once
        self.assertEqual([len(out.split()) for out, _ in outs], [4, 4, 4])
        self.assertEqual(sorted(int(i) for out, _ in outs for i in out.split()), list(range(1, 13)))
        self.assertEqual([n["status"] for n in self.json("notify", "list")], ["sent"] * 12)

    def test_a_sender_that_died_mid_delivery_is_not_resent(self):
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        self.sql("UPDATE notice SET status = 'sending', claimed_at = '2026-11-23T15:00:00Z', claimed_by = 'pid 99@host'")
        self.assertEqual(self.json("notify", "send", env={"POM_NOW": "2026-11-23T08:05:00"}), [])  # may still be running
        r = self.json("notify", "send", env={"POM_NOW": "2026-11-23T09:00:00"})
        self.validate("notify-send-result", r)
        self.assertEqual([x["outcome"] for x in r], ["abandoned"])
        self.assertIn("pom notify retry 1", r[0]["detail"])
        self.assertEqual(self.delivered(), [])
        self.assertEqual(self.json("notify", "show", "1")[0]["status"], "failed")

    def test_opt_out_after_queuing_skips_the_notice(self):
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        self.ok("customer", "edit", "Ana Ortiz", "--opt-out", "ana@example.com")
        r = self.json("notify", "send")
        self.assertEqual([(x["outcome"], x["detail"]) for x in r], [("skipped", "ana@example.com has not opted in to email notices")])
        self.assertEqual(self.delivered(), [])

    def test_a_channel_without_a_command_waits(self):
        with open(self.config_path, "w") as f:
            f.write(self.config + '[notify]\nemail_command = "sh %s"\n' % os.path.join(self.dir, "deliver.sh"))
        self.queue()
        r = self.json("notify", "send")
        self.assertEqual([x["channel"] for x in r], ["email", "email"])
        self.assertEqual([n["channel"] for n in self.json("notify", "list", "--pending")], ["sms"])

    def test_dry_run_sends_nothing(self):
        self.queue()
        before = self.dump()
        r = self.pom("notify", "send", "--dry-run", "-o", "json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual([x["outcome"] for x in r.json()], ["due", "due", "due"])
        self.assertEqual(self.dump(), before)
        self.assertEqual(self.delivered(), [])

    def test_a_batch_refuses_notify_send_so_a_notice_is_never_delivered_twice(self):
        # Issue 23: notify send inside a batch delivered, the batch failed and rolled the notice
        # back to pending, and the next notify send delivered it again.
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        self.assertEqual([n["status"] for n in self.json("notify", "list")], ["pending"])
        script = '["notify","send"]\n["customer","show","99999"]\n'
        for flags in ([], ["--keep-going"]):
            with self.subTest(flags=flags):
                before = self.dump()
                r = self.pom("batch", *flags, "-", input=script)
                self.assertEqual(r.code, 64, r)
                line = r.out.splitlines()[0]
                self.assertIn("notify send cannot run inside pom batch: it delivers notices, which a batch that fails "
                              "could not take back; run it after the batch", line)
                self.assertTrue(r.err.startswith("pom: error: batch line 1: notify send cannot run inside pom batch"), r)
                self.assertEqual(len(r.err.splitlines()), 1, r)
                self.assertEqual(self.dump(), before)
                self.assertEqual(self.delivered(), [])
        self.assertEqual([x["outcome"] for x in self.json("notify", "send")], ["sent"])
        self.assertEqual(self.json("notify", "send", env={"POM_NOW": "2026-11-23T08:10:00"}), [])
        self.assertEqual(len(self.delivered()), 1)

    def test_the_sender_gets_a_key_that_is_the_same_on_every_attempt(self):
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        self.script("keyed.sh", 'cat > /dev/null; echo "$POM_NOTICE_KEY" >> "%s.keys"; [ -e "%s.ok" ] || exit 75\n'
                    % (self.out, self.out))
        self.use("keyed.sh")
        self.assertEqual([x["outcome"] for x in self.json("notify", "send")], ["retry"])
        open(self.out + ".ok", "w").close()
        self.assertEqual([x["outcome"] for x in self.json("notify", "send", env={"POM_NOW": "2026-11-23T08:05:00"})], ["sent"])
        with open(self.out + ".keys") as f:
            keys = f.read().splitlines()
        created = self.json("notify", "show", "1")[0]["created_at"].replace("-", "").replace(":", "")
        self.assertEqual(keys, ["pom-notice-1-" + created] * 2)

    @sqlite_only("peeks into the SQLite file with the sqlite3 shell while the sender runs")
    def test_each_notice_is_claimed_just_before_its_delivery(self):
        # The sender records its claim of one notice, commits, delivers it, then records the
        # outcome with the claim of the next: the rest stay pending meanwhile, so no claim of a
        # sender at work gets old enough to be taken for a dead sender's.
        if subprocess.run(["sh", "-c", "command -v sqlite3"], capture_output=True).returncode != 0:
            self.skipTest("no sqlite3 command")
        self.queue()
        query = "SELECT group_concat(status) FROM (SELECT status FROM notice WHERE status IN ('pending', 'sending') ORDER BY id)"
        self.script("peek.sh", 'cat > /dev/null; sqlite3 -readonly "%s" "%s" >> "%s"\n' % (self.db, query, self.out))
        self.use("peek.sh")
        self.ok("notify", "send")
        with open(self.out) as f:
            self.assertEqual(f.read().splitlines(), ["sending,pending,pending", "sending,pending", "sending"])

    def test_bad_notify_config_is_refused(self):
        cases = [('[notify]\ncommand = ""\n', "notify.command must not be empty"),
                 ('[notify]\ncommand = 5\n', "notify.command"),
                 ('[notify]\ncommand = "a\\nb"\n', "notify.command must be one line"),
                 ('[notify]\nretry_after = "10s"\n', "is not a valid duration"),
                 ('[notify]\ntimeout = "2h"\n', "notify.timeout must be 1m to 60m"),
                 ('[notify]\nmax_attempts = 0\n', "notify.max_attempts"),
                 ('[notify]\ncomand = "x"\n', "unknown key 'notify.comand'")]
        for text, msg in cases:
            with self.subTest(text=text):
                with open(self.config_path, "w") as f:
                    f.write(self.config + text)
                self.assertRefused(["notify", "list"], 78, msg)


if __name__ == "__main__":
    unittest.main()
