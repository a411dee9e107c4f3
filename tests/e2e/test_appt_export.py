"""pom appt export --format ics: an RFC 5545 calendar, checked against a golden file."""
import unittest

from apptbase import Company
from refusal import Refusals


class Export(Refusals, Company):
    def setUp(self):
        super().setUp()
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-24", "--window", "08:00-10:00", "--worker", "Maria Lopez",
                "--type", "green-to-clean", "--priority", "urgent", "--office-note", "told on 11/20: Tuesday morning",
                "--note", "Bring the big vacuum; shock twice, then brush walls, steps, and the spa spillway; call the office when done")
        self.ok("appt", "add", "--customer", "Bob Smith", "--date", "2026-11-25", "--worker", "Tom Reed")
        self.ok("appt", "add", "--customer", "Cara Diaz", "--date", "2026-11-26", "--repeat", "weekly", "--window", "13:00-13:30",
                "--worker", "Maria Lopez", "--through", "2026-12-10")
        self.ok("appt", "cancel", "4", "--reason", "Thanksgiving week")

    def test_golden_file(self):
        ics = self.ok("appt", "export", "--format", "ics", "--from", "2026-11-23", "--to", "2026-12-31")
        self.assertExpected("appt-export.ics", ics)
        self.assertTrue(ics.endswith("END:VCALENDAR\n"))
        self.assertNotIn("told on", ics)   # the office note is private
        self.assertNotIn("4321", ics)      # so is the gate code
        # The harness reads text with universal newlines; the bytes themselves end each line with CRLF.
        import subprocess
        from pomtest import POM
        raw = subprocess.run([POM, "appt", "export", "--format", "ics", "--from", "2026-11-23", "--to", "2026-12-31"],
                             env=self.env, capture_output=True).stdout
        self.assertEqual(raw.decode().replace("\r\n", "\n"), ics)
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""))
        for line in raw.split(b"\r\n"):
            self.assertLessEqual(len(line), 75, line)

    def test_uids_are_stable_and_dtstamp_follows_the_clock(self):
        a = self.ok("appt", "export", "--format", "ics")
        b = self.ok("appt", "export", "--format", "ics", env={"POM_NOW": "2026-11-23T09:30:00"})
        uid = lambda t: [l for l in t.splitlines() if l.startswith("UID:")]
        self.assertEqual(uid(a), uid(b))
        self.assertEqual(len(uid(a)), 5)
        diff = [(x, y) for x, y in zip(a.splitlines(), b.splitlines()) if x != y]
        self.assertEqual(set(x for x, _ in diff), {"DTSTAMP:20261123T150000Z"})
        self.assertEqual(set(y for _, y in diff), {"DTSTAMP:20261123T163000Z"})

    def test_one_technician(self):
        ics = self.ok("appt", "export", "--format", "ics", "--worker", "Tom Reed")
        self.assertEqual([l for l in ics.splitlines() if l.startswith("UID:")], ["UID:appointment-2@bluewave.example"])
        self.assertIn("X-WR-CALNAME:Blue Wave Pools - Tom Reed", ics)

    def test_bad_input(self):
        self.assertRefused(["appt", "export", "--format", "csv"], 64, "--format")
        self.assertRefusedBoth(["appt", "export", "--from", "2026-12-01", "--to", "2026-11-30"], 65, "--to: before --from")
        self.assertRefusedBoth(["appt", "export", "--worker", "Nobody"], 1, "Nobody")


if __name__ == "__main__":
    unittest.main()
