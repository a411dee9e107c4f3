"""Customer notices follow their visit (#17): a pending notice is re-rendered or withdrawn when its
visit is moved, edited, cancelled, skipped, completed or deleted; the sender never sends one for a
visit that is over; a move tells a customer who was told; a series booked with its technician is
one notice. POM_NOW is Monday 2026-11-23 08:00 in Phoenix."""
import os

from apptbase import Company
from refusal import Refusals

TWO_DAYS_ON = {"POM_NOW": "2026-11-25T08:00:00"}


class Follow(Refusals, Company):
    def setUp(self):
        super().setUp()
        self.out = os.path.join(self.dir, "delivered.txt")
        deliver = os.path.join(self.dir, "deliver.sh")
        with open(deliver, "w") as f:
            f.write('#!/bin/sh\n{ echo "== $POM_NOTICE_ID $POM_NOTICE_KIND $POM_NOTICE_RECIPIENT [$POM_NOTICE_SUBJECT]"; cat; '
                    'echo; } >> "%s"\n' % self.out)
        with open(self.config_path, "w") as f:
            f.write(self.config + '[notify]\ncommand = "sh %s"\n' % deliver)

    def delivered(self):
        if not os.path.exists(self.out):
            return []
        with open(self.out) as f:
            return [l for l in f.read().splitlines() if l.startswith("== ")]

    def notices(self, appointment=None):
        args = ["notify", "list"] + (["--appointment", str(appointment)] if appointment else [])
        rows = self.json(*args)
        self.validate("notice", rows)
        return rows

    def states(self, appointment=None):
        return [(n["id"], n["kind"], n["status"], n["skip_reason"]) for n in self.notices(appointment)]

    def book_tomorrow(self):
        """Ana's visit on Tuesday 2026-11-24, 08:00-10:00 with Maria: the assigned email (1); then
        the day-before reminder (2)."""
        self.add("--customer", "Ana Ortiz", "--date", "2026-11-24", "--worker", "Maria Lopez", "--window", "08:00-10:00")
        self.ok("appt", "remind")
        self.assertEqual(self.states(1), [(1, "assigned", "pending", None), (2, "reminder", "pending", None)])

    def test_a_move_rerenders_what_still_applies_and_withdraws_the_rest(self):
        self.book_tomorrow()
        before = self.notices(1)
        self.assertEqual(before[0]["subject"], "Your pool service on Tuesday, November 24")
        self.ok("appt", "move", "1", "--date", "2026-11-26")
        after = self.notices(1)
        # The same rows: the assigned email now says Thursday and still waits; the reminder for
        # Tuesday is withdrawn with the reason. Nothing had gone out, so no "moved" notice.
        self.assertEqual([(n["id"], n["kind"], n["status"], n["skip_reason"]) for n in after],
                         [(1, "assigned", "pending", None), (2, "reminder", "skipped", "visit moved to 2026-11-26")])
        self.assertEqual(after[0]["subject"], "Your pool service on Thursday, November 26")
        self.assertIn("scheduled for Thursday, November 26 between 08:00 and 10:00. Your technician will be Maria.", after[0]["body"])
        self.assertEqual(after[0]["created_at"], before[0]["created_at"])
        # The table shows why.
        self.assertIn("visit moved to 2026-11-26", self.ok("notify", "list", "--status", "skipped"))
        # Back to Tuesday: the reminder applies again and is put back; the email says Tuesday.
        self.ok("appt", "move", "1", "--date", "2026-11-24")
        back = self.notices(1)
        self.assertEqual([(n["status"], n["skip_reason"]) for n in back], [("pending", None), ("pending", None)])
        self.assertEqual(back[0]["subject"], "Your pool service on Tuesday, November 24")
        self.ok("notify", "send")
        self.assertEqual(self.delivered(), ["== 1 assigned ana@example.com [Your pool service on Tuesday, November 24]",
                                            "== 2 reminder ana@example.com [Reminder: your pool service on Tuesday, November 24]"])

    def test_an_edit_rerenders_the_technician_and_the_window(self):
        self.book_tomorrow()
        self.ok("appt", "edit", "1", "--worker", "Tom Reed")
        n = self.notices(1)
        # The waiting assigned email names Tom now: one email, not one per technician.
        self.assertEqual([(x["kind"], x["status"]) for x in n], [("assigned", "pending"), ("reminder", "pending")])
        self.assertIn("Your technician will be Tom.", n[0]["body"])
        self.ok("appt", "edit", "1", "--type", "repair", "--window", "12:00-14:00")
        n = self.notices(1)
        self.assertIn("Your repair visit from Blue Wave Pools is scheduled for Tuesday, November 24 between 12:00 and 14:00.",
                      n[0]["body"])
        self.assertIn("your repair visit is on Tuesday, November 24 between 12:00 and 14:00.", n[1]["body"])
        # Losing its technician withdraws the assigned email; the reminder (no technician in it) stays.
        self.ok("appt", "edit", "1", "--unassign")
        self.assertEqual(self.states(1), [(1, "assigned", "skipped", "visit has no technician"), (2, "reminder", "pending", None)])
        # A technician again: the same email is put back, naming Maria; no second one is queued.
        self.ok("appt", "assign", "1", "--worker", "Maria Lopez")
        n = self.notices(1)
        self.assertEqual([(x["id"], x["status"]) for x in n], [(1, "pending"), (2, "pending")])
        self.assertIn("Your technician will be Maria.", n[0]["body"])
        # Every change is in the audit log.
        log = self.json("log", "--entity", "notice", "--id", "1")
        self.assertGreaterEqual(len([e for e in log if e["action"] == "update"]), 4)

    def test_a_technician_changed_back_after_the_email_went_out_is_told_again(self):
        self.add("--customer", "Ana Ortiz", "--date", "2026-11-24", "--worker", "Maria Lopez")
        self.ok("appt", "edit", "1", "--worker", "Tom Reed")
        self.ok("notify", "send")
        self.ok("appt", "assign", "1", "--worker", "Maria Lopez")
        n = self.notices(1)
        self.assertEqual([(x["id"], x["status"]) for x in n], [(1, "sent"), (2, "pending")])
        self.assertIn("Your technician will be Tom.", n[0]["body"])
        self.assertIn("Your technician will be Maria.", n[1]["body"])

    def test_a_visit_that_is_over_withdraws_its_notices(self):
        for day in ("2026-11-24", "2026-11-25", "2026-11-26"):
            self.add("--customer", "Ana Ortiz", "--date", day, "--worker", "Maria Lopez")
        self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Tom Reed")
        self.ok("appt", "cancel", "1", "--reason", "customer away")
        self.assertEqual(self.states(1), [(1, "assigned", "skipped", "visit cancelled")])
        self.ok("appt", "skip", "4", "--reason", "gate locked")
        # The skip notice itself goes out; the assigned email for the visit does not.
        self.assertEqual(self.states(4), [(4, "assigned", "skipped", "visit skipped"), (5, "skipped", "pending", None)])
        self.ok("appt", "start", "2")
        self.assertEqual(self.states(2), [(2, "assigned", "skipped", "visit under way")])
        self.ok("appt", "complete", "2")
        # Withdrawn already, it keeps its first reason.
        self.assertEqual(self.states(2), [(2, "assigned", "skipped", "visit under way")])
        self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        self.ok("appt", "on-my-way", "5")
        self.ok("appt", "cancel", "5", "--reason", "truck broke down")
        self.assertEqual(self.states(5), [(6, "assigned", "skipped", "visit cancelled"), (7, "on_my_way", "skipped", "visit cancelled")])
        self.ok("appt", "cancel", "3", "--reason", "storm", "--as", "office")
        self.ok("notify", "send")
        self.assertEqual(self.delivered(), ["== 5 skipped ana@example.com [We could not service your pool on Monday, November 23]"])

    def test_an_arrival_withdraws_the_on_my_way_text_not_yet_sent(self):
        self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        self.ok("appt", "on-my-way", "1", "--eta", "20m")
        self.assertIn("arriving around 08:20", self.notices(1)[1]["body"])
        self.ok("appt", "start", "1", env={"POM_NOW": "2026-11-23T08:10:00"})
        self.assertEqual(self.states(1), [(1, "assigned", "skipped", "visit under way"), (2, "on_my_way", "skipped", "technician already arrived")])

    def test_rollover_follows_the_visit_to_its_new_day(self):
        self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        self.ok("appt", "remind", "--date", "today")
        # Missed on Monday: Tuesday's rollover moves it there; the assigned email says Tuesday, the
        # reminder for Monday is withdrawn.
        tuesday = {"POM_NOW": "2026-11-24T05:00:00"}
        self.ok("appt", "rollover", env=tuesday)
        n = self.json("notify", "list", env=tuesday)
        self.assertEqual([(x["kind"], x["status"], x["skip_reason"]) for x in n],
                         [("assigned", "pending", None), ("reminder", "skipped", "visit moved to 2026-11-24")])
        self.assertEqual(n[0]["subject"], "Your pool service on Tuesday, November 24")

    def test_rollover_tells_a_customer_who_was_told(self):
        self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez", "--window", "08:00-10:00")
        self.ok("notify", "send")
        self.assertEqual(len(self.delivered()), 1)
        # Missed on Monday; Tuesday's rollover moves it there and Ana, who had the email for
        # Monday, is told of the new day.
        tuesday = {"POM_NOW": "2026-11-24T05:00:00"}
        self.ok("appt", "rollover", env=tuesday)
        n = self.json("notify", "list", env=tuesday)
        self.validate("notice", n)
        self.assertEqual([(x["kind"], x["status"]) for x in n], [("assigned", "sent"), ("moved", "pending")])
        self.assertEqual(n[1]["subject"], "Your pool service has moved to Tuesday, November 24")
        self.assertIn("has moved from Monday, November 23 between 08:00 and 10:00 to Tuesday, November 24 between 08:00 and 10:00.",
                      n[1]["body"])
        # Cron runs rollover again: nothing more is queued.
        self.ok("appt", "rollover", env=tuesday)
        self.assertEqual(len(self.json("notify", "list", env=tuesday)), 2)
        # Missed again: Wednesday's rollover replaces the waiting notice's new day, still from
        # Monday, the day Ana last heard of.
        wednesday = {"POM_NOW": "2026-11-25T05:00:00"}
        self.ok("appt", "rollover", env=wednesday)
        n = self.json("notify", "list", "--status", "pending", env=wednesday)
        self.assertEqual(len(n), 1, n)
        self.assertIn("has moved from Monday, November 23 between 08:00 and 10:00 to Wednesday, November 25", n[0]["body"])

    def test_rollover_of_a_customer_not_yet_told_queues_no_moved_notice(self):
        self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        tuesday = {"POM_NOW": "2026-11-24T05:00:00"}
        self.ok("appt", "rollover", env=tuesday)
        self.assertEqual([(x["kind"], x["status"]) for x in self.json("notify", "list", env=tuesday)], [("assigned", "pending")])

    def test_a_notice_being_sent_or_sent_is_never_touched(self):
        self.book_tomorrow()
        self.ok("notify", "send", "--limit", "1")
        # Notice 2 claimed by a sender that is still delivering it.
        self.sql("UPDATE notice SET status = 'sending', claimed_at = '2026-11-23T15:00:00Z', claimed_by = 'pid 1@elsewhere' "
                 "WHERE id = 2")
        sent_before = self.notices(1)
        self.ok("appt", "cancel", "1", "--reason", "customer away")
        after = self.notices(1)
        self.assertEqual([(n["status"], n["subject"], n["body"]) for n in after[:2]],
                         [(n["status"], n["subject"], n["body"]) for n in sent_before[:2]])
        self.assertEqual([n["status"] for n in after[:2]], ["sent", "sending"])

    def test_the_sender_withdraws_what_is_over_at_sending_time(self):
        self.book_tomorrow()
        # Changed behind pom's back (an older pom, a hand edit): the sender still checks.
        self.sql("UPDATE appointment SET status = 'cancelled' WHERE id = 1")
        dry = self.json("notify", "send", "--dry-run")
        self.assertEqual([(x["id"], x["outcome"], x["detail"]) for x in dry], [(1, "skipped", "visit cancelled"), (2, "skipped", "visit cancelled")])
        self.assertEqual(self.states(1), [(1, "assigned", "pending", None), (2, "reminder", "pending", None)])
        r = self.json("notify", "send")
        self.validate("notify-send-result", r)
        self.assertEqual([(x["id"], x["outcome"], x["detail"]) for x in r],
                         [(1, "skipped", "visit cancelled"), (2, "skipped", "visit cancelled")])
        self.assertEqual(self.delivered(), [])
        self.assertEqual(self.states(1), [(1, "assigned", "skipped", "visit cancelled"), (2, "reminder", "skipped", "visit cancelled")])

    def test_the_sender_never_sends_for_a_day_that_has_passed(self):
        self.book_tomorrow()
        # No sender ran until Wednesday: Tuesday's visit is over, its notices are not sent.
        r = self.json("notify", "send", env=TWO_DAYS_ON)
        self.assertEqual([(x["id"], x["outcome"], x["detail"]) for x in r],
                         [(1, "skipped", "visit is over (2026-11-24 has passed)"),
                          (2, "skipped", "visit is over (2026-11-24 has passed)")])
        self.assertEqual(self.delivered(), [])
        # Rolled over to Wednesday, the visit is on again: its email comes back with the new day;
        # Tuesday's reminder stays withdrawn.
        self.ok("appt", "rollover", env=TWO_DAYS_ON)
        n = self.json("notify", "list", env=TWO_DAYS_ON)
        self.assertEqual([(x["id"], x["status"], x["skip_reason"]) for x in n],
                         [(1, "pending", None), (2, "skipped", "visit is over (2026-11-24 has passed)")])
        self.assertEqual(n[0]["subject"], "Your pool service on Wednesday, November 25")

    def test_a_move_tells_a_customer_who_was_told(self):
        self.add("--customer", "Ana Ortiz", "--date", "2026-11-24", "--worker", "Maria Lopez", "--window", "08:00-10:00")
        self.ok("notify", "send")
        self.assertEqual(len(self.delivered()), 1)
        self.ok("appt", "move", "1", "--date", "2026-11-26")
        n = self.notices(1)
        self.assertEqual([(x["kind"], x["status"]) for x in n], [("assigned", "sent"), ("moved", "pending")])
        self.assertEqual(n[1]["subject"], "Your pool service has moved to Thursday, November 26")
        self.assertIn("has moved from Tuesday, November 24 between 08:00 and 10:00 to Thursday, November 26 between 08:00 and 10:00.",
                      n[1]["body"])
        # The sent email is history: it still says Tuesday.
        self.assertEqual(n[0]["subject"], "Your pool service on Tuesday, November 24")
        # Once per move: the same move again queues nothing.
        self.ok("appt", "move", "1", "--date", "2026-11-26")
        self.assertEqual(len(self.notices(1)), 2)
        # Moved again before that went out: it is replaced by one from the day the customer knows.
        self.ok("appt", "move", "1", "--date", "2026-11-27")
        self.ok("appt", "edit", "1", "--window", "12:00-14:00")
        n = self.notices(1)
        self.assertEqual([(x["id"], x["kind"], x["status"], x["skip_reason"]) for x in n],
                         [(1, "assigned", "sent", None), (2, "moved", "skipped", "visit moved again"),
                          (3, "moved", "skipped", "visit moved again"), (4, "moved", "pending", None)])
        self.assertIn("has moved from Tuesday, November 24 between 08:00 and 10:00 to Friday, November 27 between 12:00 and 14:00.",
                      n[3]["body"])
        self.ok("notify", "send")
        self.assertEqual(self.delivered()[1:], ["== 4 moved ana@example.com [Your pool service has moved to Friday, November 27]"])
        # Back to the day that was sent last: told again, from Friday.
        self.ok("appt", "move", "1", "--date", "2026-11-24")
        self.assertIn("has moved from Friday, November 27 between 12:00 and 14:00 to Tuesday, November 24 between 12:00 and 14:00.",
                      self.notices(1)[-1]["body"])

    def test_a_move_back_before_anything_went_out_says_nothing(self):
        self.add("--customer", "Ana Ortiz", "--date", "2026-11-24", "--worker", "Maria Lopez")
        self.ok("notify", "send")
        self.ok("appt", "move", "1", "--date", "2026-11-26")
        self.ok("appt", "move", "1", "--date", "2026-11-24")
        self.assertEqual(self.states(1), [(1, "assigned", "sent", None), (2, "moved", "skipped", "visit moved again")])

    def test_a_refused_move_changes_no_notice(self):
        self.book_tomorrow()
        self.assertRefusedBoth(["appt", "move", "1", "--date", "2026-11-20"], 65, "--date: 2026-11-20 is in the past")
        self.assertRefusedBoth(["appt", "edit", "1", "--window", "12:00-08:00"], 65, "ends before it starts")

    def test_held_visits_withdraw_what_waits_for_them(self):
        made = self.json("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-24", "--repeat", "weekly", "--through", "2026-12-08")
        self.assertEqual([a["date"] for a in made], ["2026-11-24", "2026-12-01", "2026-12-08"])
        self.ok("appt", "remind")
        self.ok("notify", "send")
        self.ok("appt", "remind", "--date", "2026-12-01")
        # Changed one by one, the third visit is the office's now: suspending passes it by.
        self.ok("appt", "assign", str(made[2]["id"]), "--worker", "Tom Reed")
        self.assertEqual([(n["kind"], n["status"], n["appointment_id"]) for n in self.notices()],
                         [("reminder", "sent", made[0]["id"]), ("reminder", "pending", made[1]["id"]), ("assigned", "pending", made[2]["id"])])
        # Suspending the series holds its unchanged visits (cancelled, kept for resume): what waits
        # for them is withdrawn, what was sent stays as it was.
        self.ok("appt", "series", "suspend", str(made[0]["series_id"]), "--from", "2026-11-24")
        n = self.notices()
        self.assertEqual([(x["kind"], x["status"], x["skip_reason"], x["appointment_id"]) for x in n],
                         [("reminder", "sent", None, made[0]["id"]), ("reminder", "skipped", "visit cancelled", made[1]["id"]),
                          ("assigned", "pending", None, made[2]["id"])])
        self.assertEqual(self.count("SELECT count(*) FROM appointment"), 3)

    def test_deleted_visits_let_go_of_their_notices(self):
        made = self.json("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-24", "--repeat", "weekly", "--through", "2026-12-08")
        self.ok("appt", "remind")
        self.ok("notify", "send")
        self.ok("appt", "remind", "--date", "2026-12-01")
        # A new rule replaces the unchanged visits: their notices stay, without the visit.
        self.ok("appt", "series", "edit", str(made[0]["series_id"]), "--rule", "FREQ=WEEKLY;BYDAY=WE", "--from", "2026-11-24")
        n = self.notices()
        self.assertEqual([(x["kind"], x["status"], x["skip_reason"], x["appointment_id"]) for x in n],
                         [("reminder", "sent", None, None), ("reminder", "skipped", "visit deleted: its series' rule changed", None)])
        days = [d for (d,) in self.sql("SELECT date FROM appointment ORDER BY date")]
        self.assertTrue(days and not {"2026-11-24", "2026-12-01", "2026-12-08"} & set(days), days)


class SeriesNotice(Refusals, Company):
    def test_a_series_booked_with_its_technician_is_one_notice(self):
        made = self.json("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-12-01", "--repeat", "weekly on tue",
                         "--worker", "Maria Lopez", "--window", "08:00-10:00", "--through", "2026-12-29")
        self.assertEqual(len(made), 5)
        n = self.json("notify", "list")
        self.validate("notice", n)
        self.assertEqual([(x["kind"], x["recipient"], x["appointment_id"]) for x in n], [("series", "ana@example.com", None)])
        self.assertEqual(n[0]["subject"], "Your regular pool service from Tuesday, December 1")
        self.assertIn("are booked every Tuesday, starting Tuesday, December 1 between 08:00 and 10:00. Your technician will be Maria.",
                      n[0]["body"])
        # Cron expanding the series further queues nothing per visit.
        self.ok("appt", "expand", "--through", "2027-02-01")
        self.assertEqual(len(self.json("notify", "list")), 1)
        # The series handed to Tom: one notice again, naming him; the same change twice: none.
        sid = str(made[0]["series_id"])
        self.ok("appt", "series", "edit", sid, "--worker", "Tom Reed")
        self.ok("appt", "series", "edit", sid, "--worker", "Tom Reed")
        n = self.json("notify", "list")
        self.assertEqual([x["kind"] for x in n], ["series", "series"])
        self.assertIn("Your technician will be Tom.", n[1]["body"])

    def test_a_series_without_a_technician_says_nothing_yet(self):
        made = self.json("appt", "add", "--customer", "Bob Smith", "--date", "2026-12-02", "--repeat", "every 2 weeks on wed",
                         "--through", "2026-12-31")
        self.assertEqual(self.json("notify", "list"), [])
        self.ok("appt", "series", "edit", str(made[0]["series_id"]), "--worker", "Maria Lopez")
        n = self.json("notify", "list")
        self.assertEqual([x["kind"] for x in n], ["series"])
        self.assertIn("are booked every 2 weeks on Wednesday, starting Wednesday, December 2.", n[0]["body"])
