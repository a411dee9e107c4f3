"""pom service and pom inventory: the technician's ticket from start to submit, end to end."""
import glob
import os
import random
import shutil
import signal
import sqlite3
import struct
import subprocess
import time
import unittest
import zlib

from pomtest import ENGINE, POM, PomTest, sqlite_only
from refusal import Refusals

def png(width=48, height=32, rgb=(30, 120, 200)):
    """A real PNG image (the browser test shows it)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PNG = png()
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + b"\x11" * 64 + b"\xff\xd9"


class ServiceBase(Refusals, PomTest):
    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Ann Lee", "--ref", "C-1", "--email", "ann@example.com")
        self.ok("pool", "add", "--customer", "C-1", "--gallons", "15000", "--surface", "plaster", "--sanitizer", "chlorine",
                "--lat", "33.5000", "--lon", "-111.9000")
        self.ok("worker", "add", "--name", "Tom Reyes", "--role", "technician")
        self.ok("worker", "add", "--name", "Maria Office", "--role", "manager")
        self.ok("appt", "add", "--customer", "C-1", "--date", "today", "--worker", "Tom", "--type", "maintenance")
        self.ok("inventory", "add", "--sku", "LC125", "--name", "Liquid chlorine 12.5%", "--unit", "gal", "--cost", "3.50",
                "--price", "6.00", "--stock", "10", "--reorder", "4", "--chemical", "liquid chlorine")
        self.ok("inventory", "add", "--sku", "FLT-1", "--name", "Filter cartridge", "--unit", "each", "--cost", "40.00",
                "--price", "89.00", "--stock", "2")

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def start(self):
        t = self.json("service", "start", "1")
        self.validate("service-detail", t)
        return t[0]


class Ticket(ServiceBase):
    def test_start_opens_the_ticket_and_the_visit_goes_in_progress(self):
        t = self.start()
        self.assertEqual((t["id"], t["appointment_id"], t["customer"], t["service_type"], t["status"]),
                         (1, 1, "Ann Lee", "maintenance", "open"))
        self.assertEqual(t["started_at"], "2026-11-23T15:00:00Z")
        self.assertEqual([c["item"] for c in t["checklist"]][0], "Skim surface")
        self.assertEqual(self.json("appt", "show", "1")[0]["status"], "in_progress")
        self.assertRefusedBoth(["service", "start", "1"], 1, "appointment 1 already has service ticket 1 (open)")

    def test_new_without_appointment(self):
        t = self.json("service", "new", "--customer", "Ann Lee", "--type", "repair", "--worker", "Tom")
        self.validate("service-detail", t)
        self.assertEqual((t[0]["appointment_id"], t[0]["service_type"], t[0]["pool_id"]), (None, "repair", 1))

    def test_checklist_blocks_submit_until_done_or_forced(self):
        self.start()
        r = self.assertRefused(["service", "submit", "1"], 1, "required items open")
        self.assertIn("Skim surface", r.err)
        self.assertRefused(["service", "submit", "1", "--force"], 64, "--reason")
        self.ok("service", "check", "1", "skim", "empty")
        t = self.json("service", "show", "1")[0]
        done = [c["item"] for c in t["checklist"] if c["done"]]
        self.assertEqual(done, ["Skim surface", "Empty skimmer and pump baskets"])
        self.ok("service", "uncheck", "1", "skim")
        self.assertFalse(self.json("service", "show", "1")[0]["checklist"][0]["done"])
        t = self.json("service", "submit", "1", "--force", "--reason", "storm, could not brush")[0]
        self.assertEqual((t["status"], t["forced_reason"]), ("submitted", "storm, could not brush"))
        log = self.json("log", "--entity", "service", "--id", "1")
        self.assertTrue(any("storm, could not brush" in str(e.get("after")) for e in log), log)

    def test_readings_compute_indices_and_flag_but_refuse_the_impossible(self):
        self.start()
        t = self.json("service", "reading", "1", "--fc", "1", "--ph", "8.1", "--ta", "130", "--ch", "250", "--cya", "30",
                      "--temp", "27C")[0]
        self.validate("service-detail", [t])
        r = t["readings"][0]
        self.assertEqual(r["temp_f"], 80.6)
        self.assertEqual(r["flags"], ["fc_low", "ph_high", "ta_high"])
        self.assertEqual(r["lsi"]["variant"], "classic-table")
        self.assertEqual(r["csi"]["variant"], "tfp-csi")
        self.assertAlmostEqual(r["lsi"]["value"], 0.73, places=2)
        self.assertAlmostEqual(r["csi"]["value"], 0.71, places=2)
        for args, message in [
            (["--ph", "15"], "--ph: 15 is not a possible reading"),
            (["--fc", "-2"], "--fc"),
            (["--temp", "150"], "--temp"),
            (["--temp", "warm"], "--temp"),
            (["--cya", "5000"], "--cya"),
        ]:
            self.assertRefusedBoth(["service", "reading", "1", *args], 65, message)
        self.assertRefused(["service", "reading", "1"], 64, "at least one value")
        self.assertRefused(["service", "reading", "9", "--ph", "7.5"], 1, "no service ticket with id 9")
        self.assertEqual(len(self.json("service", "show", "1")[0]["readings"]), 1)
        flagged = self.json("service", "list", "--flagged")
        self.assertEqual([s["id"] for s in flagged], [1])
        self.validate("service", flagged)

    def test_recommend_from_latest_reading(self):
        self.start()
        self.assertRefused(["service", "recommend", "1"], 1, "no reading")
        self.ok("service", "reading", "1", "--fc", "1", "--ph", "8.1", "--ta", "100")
        recs = self.json("service", "recommend", "1")
        self.validate("recommendation", recs)
        by = {r["parameter"]: r for r in recs}
        self.assertEqual(sorted(by), ["fc", "ph"])
        # 15,000 gal from 1 to 3 ppm with 12.5 % liquid chlorine: 2 × 10.24 × 1.5 fl oz.
        self.assertAlmostEqual(by["fc"]["amount"], 30.72, delta=0.1)
        self.assertEqual(by["fc"]["unit"], "floz")
        self.assertEqual(by["ph"]["target"], 7.5)

    def test_doses_items_and_stock_deducted_at_submit(self):
        self.start()
        self.ok("service", "dose", "1", "--chemical", "liquid chlorine", "--amount", "64", "--unit", "floz")
        self.ok("service", "dose", "1", "--chemical", "muriatic acid", "--amount", "1", "--unit", "qt")
        self.ok("service", "use", "1", "FLT-1")
        self.assertRefusedBoth(["service", "dose", "1", "--chemical", "liquid chlorine", "--amount", "-1", "--unit", "gal"], 65, "--amount")
        self.assertRefusedBoth(["service", "dose", "1", "--chemical", "liquid chlorine", "--amount", "1", "--unit", "bucket"], 65, "unknown unit")
        self.assertRefusedBoth(["service", "dose", "1", "--chemical", "liquid chlorine", "--amount", "1", "--unit", "lb"], 65, "cannot convert")
        self.assertRefused(["service", "use", "1", "NOPE"], 1, "NOPE")
        # Nothing leaves stock before submit.
        self.assertEqual(self.json("inventory", "show", "LC125")[0]["stock"], "10")
        self.ok("service", "check", "1", "--all")
        t = self.json("service", "submit", "1")[0]
        self.assertEqual(t["status"], "submitted")
        self.assertEqual(self.json("appt", "show", "1")[0]["status"], "completed")
        self.assertEqual(self.json("inventory", "show", "LC125")[0]["stock"], "9.5")
        self.assertEqual(self.json("inventory", "show", "FLT-1")[0]["stock"], "1")
        lines = {(l["kind"], l["description"], l["quantity"], l["amount"]) for l in t["billable_lines"]}
        self.assertEqual(lines, {("service", "Maintenance visit", "1", "45.00"),
                                 ("chemical", "Liquid chlorine 12.5%", "0.5", "3.00"),
                                 ("item", "Filter cartridge", "1", "89.00")})
        # Muriatic acid is not stocked: recorded as a dose, neither billed nor deducted.
        self.assertEqual(len(t["doses"]), 2)

    def test_one_item_taken_from_twice_at_submit(self):
        # Two doses of one chemical and the same item used twice: each takes from what the one
        # before left, and each change's audit entry goes from that stock to the next.
        self.start()
        self.ok("service", "dose", "1", "--chemical", "liquid chlorine", "--amount", "1", "--unit", "gal")
        self.ok("service", "dose", "1", "--chemical", "liquid chlorine", "--amount", "64", "--unit", "floz")
        self.ok("service", "use", "1", "LC125", "--qty", "2")
        self.ok("service", "use", "1", "FLT-1")
        self.ok("service", "use", "1", "FLT-1")
        self.ok("service", "check", "1", "--all")
        t = self.json("service", "submit", "1")[0]
        self.assertEqual(self.json("inventory", "show", "LC125")[0]["stock"], "6.5")
        self.assertEqual(self.json("inventory", "show", "FLT-1")[0]["stock"], "0")
        self.assertEqual(sorted(l["quantity"] for l in t["billable_lines"] if l["kind"] != "service"), ["0.5", "1", "1", "1", "2"])
        for sku, chain in (("LC125", [10000, 9000, 8500, 6500]), ("FLT-1", [2000, 1000, 0])):
            item = self.json("inventory", "show", sku)[0]
            entries = [e for e in self.json("log", "--entity", "inventory_item", "--id", str(item["id"]))
                       if e["action"] == "update" and "submit" in e["command"]]
            self.assertEqual([e["before"]["stock_milli"] for e in entries], chain[:-1], sku)
            self.assertEqual([e["after"]["stock_milli"] for e in entries], chain[1:], sku)

    def test_stock_may_not_go_negative_unless_configured(self):
        self.start()
        self.ok("service", "use", "1", "FLT-1", "--qty", "3")
        self.ok("service", "check", "1", "--all")
        self.assertRefusedBoth(["service", "submit", "1"], 1, "FLT-1")
        self.assertEqual(self.json("service", "show", "1")[0]["status"], "open")
        with open(self.config_path, "a") as f:
            f.write("[service]\nallow_negative_stock = true\n")
        self.ok("service", "submit", "1")
        self.assertEqual(self.json("inventory", "show", "FLT-1")[0]["stock"], "-1")

    def test_submitted_ticket_is_locked_and_amended_only_by_allowed_roles(self):
        self.start()
        self.ok("service", "check", "1", "--all")
        self.ok("service", "submit", "1")
        self.assertRefused(["service", "note", "1", "--text", "late"], 1, "locked")
        self.assertRefused(["service", "reading", "1", "--ph", "7.4"], 1, "locked")
        self.assertRefusedBoth(["service", "amend", "1", "--reason", "typo", "--note", "x"], 77, "may not amend")
        self.assertRefused(["service", "amend", "1", "--reason", "typo", "--note", "x", "--as", "Tom Reyes"], 77, "may not amend")
        t = self.json("service", "amend", "1", "--reason", "customer asked", "--note", "Replaced o-ring too", "--as", "Maria Office")[0]
        self.assertIn("Replaced o-ring too", [n["text"] for n in t["notes"]])
        log = self.json("log", "--entity", "service", "--id", "1", "--actor", "Maria Office")
        self.assertTrue(log and "customer asked" in str(log[-1]["after"]), log)

    def test_photos_are_content_addressed_and_checked(self):
        self.start()
        png = self.write("a.png", PNG)
        copy = self.write("same.png", PNG)
        jpg = self.write("b.jpg", JPEG)
        self.ok("service", "photo", "1", png, jpg, "--caption", "Before")
        self.assertEqual([p["caption"] for p in self.json("service", "show", "1")[0]["photos"]], ["Before", "Before"])
        self.ok("service", "photo", "1", copy)  # the same bytes again: stored once
        self.assertEqual(len(self.json("service", "show", "1")[0]["photos"]), 2)
        where = os.path.join(self.dir, "photos") if ENGINE == "sqlite" else os.path.join(self.dir, ".local", "share", "pom", "photos")
        stored = [p for p in glob.glob(os.path.join(where, "*", "*")) if os.path.isfile(p)]
        self.assertEqual(len(stored), 2, stored)
        text = self.write("notes.txt", b"hello, not an image")
        self.assertRefusedBoth(["service", "photo", "1", text], 65, "notes.txt")
        self.assertRefused(["service", "photo", "1", os.path.join(self.dir, "missing.jpg")], 66, "missing.jpg")

    def test_gps_far_from_the_pool_is_flagged(self):
        t = self.json("service", "start", "1", "--gps", "33.6000,-111.9000")[0]  # ~11 km north
        self.assertIsNotNone(t["gps_flag"])
        self.assertRefused(["service", "submit", "1", "--gps", "91,0"], 65, "--gps")

    def test_list_filters(self):
        self.start()
        self.ok("service", "new", "--customer", "C-1", "--type", "repair")
        rows = self.json("service", "list")
        self.validate("service", rows)
        self.assertEqual([r["id"] for r in rows], [1, 2])
        self.assertEqual([r["id"] for r in self.json("service", "list", "--worker", "Tom")], [1])
        self.assertEqual(self.json("service", "list", "--from", "tomorrow"), [])
        self.assertEqual(self.ok("service", "list", "--status", "submitted", "-o", "id"), "")
        self.assertRefused(["service", "list", "--from", "2026-13-01"], 65, "2026-13-01")


class ChemistryConfig(ServiceBase):
    def test_targets_and_chemicals_from_config(self):
        with open(self.config_path, "a") as f:
            f.write('[targets.chlorine]\nfc = [3, 5]\n[targets.chlorine.plaster]\nph = [7.4, 7.6]\n'
                    '[chemicals."Liquid chlorine 10%"]\nkind = "liquid_chlorine"\nstrength = 10\nunit = "gal"\n')
        self.start()
        t = self.json("service", "reading", "1", "--fc", "2.5", "--ph", "7.7")[0]
        self.assertEqual(t["readings"][0]["flags"], ["fc_low", "ph_high"])
        recs = {r["parameter"]: r for r in self.json("service", "recommend", "1")}
        # Only the configured product: 15,000 gal from 2.5 to 4 ppm with 10 % chlorine.
        self.assertEqual(recs["fc"]["chemical"], "Liquid chlorine 10%")
        self.assertEqual(recs["fc"]["unit"], "gal")
        self.assertAlmostEqual(recs["fc"]["amount"], 1.5 * 15000 * 3.785411784 / 1000 / 0.1 / 3785.411784, delta=0.006)
        self.assertNotIn("ph", recs)  # no acid configured: nothing to recommend for pH
        shown = self.json("config", "show")[0]
        self.assertEqual(shown["targets"]["chlorine"]["fc"], [3, 5])

    def test_bad_chemistry_config_names_file_line_and_column(self):
        for text, message in [
            ('[targets.chlorine]\nfc = [5, 3]\n', "min is above max"),
            ('[targets.chlorine]\nfcc = [1, 3]\n', "unknown parameter 'targets.chlorine.fcc'"),
            ('[targets.seawater]\nfc = [1, 3]\n', "not a sanitizer"),
            ('[chemicals.Acid]\nkind = "acid"\n', "unknown kind 'acid'"),
            ('[chemicals.Acid]\nkind = "muriatic_acid"\nunit = "lb"\n', "does not measure a liquid"),
            ('[chemicals.Acid]\nkind = "muriatic_acid"\nstrength = 0\n', "strength"),
        ]:
            with open(self.config_path, "w") as f:
                f.write(self.config + text)
            r = self.assertRefused(["service", "list"], 78, message)
            self.assertIn(self.config_path + ":", r.err)


class Inventory(ServiceBase):
    def test_receive_adjust_low_and_show(self):
        rows = self.json("inventory", "list")
        self.validate("inventory-item", rows)
        self.assertEqual([r["sku"] for r in rows], ["FLT-1", "LC125"])
        self.ok("inventory", "adjust", "LC125", "--qty", "-6.5", "--reason", "spilled")
        self.assertEqual([r["sku"] for r in self.json("inventory", "list", "--low")], ["LC125"])
        self.ok("inventory", "receive", "LC125", "--qty", "12", "--cost", "3.25", "--note", "PO 88")
        item = self.json("inventory", "show", "LC125")[0]
        self.validate("inventory-item", item)
        self.assertEqual(item["stock"], "15.5")
        self.assertEqual([m["kind"] for m in item["moves"]][:2], ["receive", "adjust"])  # newest first
        self.assertRefusedBoth(["inventory", "add", "--sku", "LC125", "--name", "Dup", "--unit", "gal"], 1, "LC125")
        self.assertRefusedBoth(["inventory", "receive", "LC125", "--qty", "-1"], 65, "--qty")
        self.assertRefusedBoth(["inventory", "add", "--sku", "X", "--name", "X", "--unit", "gal", "--price", "-1"], 65, "--price")
        self.assertRefused(["inventory", "adjust", "LC125", "--qty", "1"], 64, "--reason")


class Report(ServiceBase):
    SECRET = "ZQX-PRIVATE-7731"

    def make_ticket(self):
        self.start()
        self.ok("service", "reading", "1", "--fc", "3", "--ph", "7.5", "--ta", "90", "--ch", "300", "--cya", "40", "--temp", "82")
        self.ok("service", "dose", "1", "--chemical", "liquid chlorine", "--amount", "64", "--unit", "floz")
        self.ok("service", "note", "1", "--text", "Cleaned the filter; water is sparkling")
        self.ok("service", "note", "1", "--text", f"{self.SECRET} gate code 4521, customer late paying", "--private")
        self.ok("service", "photo", "1", self.write("pool.png", PNG), "--caption", "After cleaning")
        self.ok("service", "check", "1", "--all")

    def test_private_never_reaches_the_customer(self):
        # Plant the secret in every private or internal field the office can fill.
        self.ok("pool", "edit", "1", "--gate-code", self.SECRET, "--access-notes", self.SECRET)
        self.ok("customer", "edit", "C-1", "--notes", self.SECRET)
        self.make_ticket()
        self.ok("inventory", "edit", "LC125", "--name", "Liquid chlorine 12.5%")
        self.ok("service", "submit", "1", "--email-report", "--force", "--reason", self.SECRET)
        self.ok("service", "amend", "1", "--reason", self.SECRET, "--private-note", self.SECRET, "--as", "Maria Office")
        # The office sees it...
        self.assertIn(self.SECRET, self.ok("service", "show", "1", "-o", "json"))
        # ...the customer never does, in any format or notice.
        for fmt in ("text", "md", "html", "json"):
            out = self.ok("service", "report", "1", "--format", fmt)
            self.assertNotIn(self.SECRET, out, fmt)
            self.assertNotIn("3.50", out, f"cost in {fmt}")
            self.assertNotIn("4521", out, fmt)
            self.assertIn("Cleaned the filter", out, fmt)
        notices = self.sql("SELECT subject, body FROM notice")
        self.assertTrue(any("service report" in s.lower() for s, _ in notices), notices)
        for subject, body in notices:
            self.assertNotIn(self.SECRET, subject + body)

    def test_report_formats(self):
        self.make_ticket()
        self.ok("service", "submit", "1")
        data = self.json("service", "report", "1", "--format", "json")
        self.validate("service-report", data)
        self.assertEqual(data["company"]["name"], "Blue Wave Pools")
        text = self.ok("service", "report", "1", "--format", "text")
        for s in ("Blue Wave Pools", "Monday, November 23, 2026", "Tom", "Skim surface", "pH", "7.5", "target 7.2-7.8",
                  "Saturation index (LSI)", "liquid chlorine", "Cleaned the filter"):
            self.assertIn(s, text)
        md = self.ok("service", "report", "1", "--format", "md")
        self.assertTrue(md.startswith("# "), md[:40])
        html = self.ok("service", "report", "1", "--format", "html")
        self.assertIn("data:image/png;base64,", html)  # stands alone: the photo is embedded
        self.assertNotIn("src=\"http", html)
        self.assertRefused(["service", "report", "1", "--format", "pdf"], 64, "pdf")
        self.assertRefused(["service", "report", "7"], 1, "no service ticket with id 7")

    @unittest.skipUnless(shutil.which("chromium"), "chromium is not installed (./go test installs it)")
    def test_html_report_in_headless_chromium(self):
        self.make_ticket()
        self.ok("service", "submit", "1")
        page = os.path.join(self.dir, "report.html")
        with open(page, "w") as f:
            f.write(self.ok("service", "report", "1", "--format", "html"))
        shot = os.path.join(os.environ.get("POM_ARTIFACTS", self.dir), "service-report.png")
        flags = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--user-data-dir={os.path.join(self.dir, 'chromium')}", "--enable-logging=stderr", "--v=0"]
        dom = subprocess.run([*flags, "--dump-dom", "file://" + page], capture_output=True, text=True, timeout=120)
        self.assertEqual(dom.returncode, 0, dom.stderr[-2000:])
        self.assertIn("Blue Wave Pools", dom.stdout)
        self.assertIn("Cleaned the filter", dom.stdout)
        self.assertNotIn("Uncaught", dom.stderr)
        self.assertNotRegex(dom.stderr, r"CONSOLE.*(?i:error)")
        run = subprocess.run([*flags, f"--screenshot={shot}", "--window-size=900,1400", "file://" + page],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr[-2000:])
        with open(shot, "rb") as f:
            head = f.read(8)
        self.assertEqual(head, b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(shot), 10000)


@sqlite_only("kills against copies of a SQLite file; test_pg.py stops the server under a running command")
class KillSubmit(ServiceBase):
    """SIGKILL at a random moment of `service submit`: all of it happened, or none of it."""

    def state(self, path):
        con = sqlite3.connect(path)
        try:
            return (con.execute("SELECT status FROM service WHERE id = 1").fetchone()[0],
                    con.execute("SELECT status FROM appointment WHERE id = 1").fetchone()[0],
                    con.execute("SELECT stock_milli FROM inventory_item WHERE sku = 'LC125'").fetchone()[0],
                    con.execute("SELECT stock_milli FROM inventory_item WHERE sku = 'FLT-1'").fetchone()[0],
                    con.execute("SELECT count(*) FROM billable_line").fetchone()[0],
                    con.execute("SELECT count(*) FROM inventory_move WHERE kind = 'use'").fetchone()[0])
        finally:
            con.close()

    def test_kill_at_any_moment(self):
        self.start()
        self.ok("service", "dose", "1", "--chemical", "liquid chlorine", "--amount", "1", "--unit", "gal")
        self.ok("service", "use", "1", "FLT-1")
        self.ok("service", "check", "1", "--all")
        template = os.path.join(self.dir, "template.db")
        src = sqlite3.connect(self.db)
        dst = sqlite3.connect(template)
        src.backup(dst)
        src.close()
        dst.close()
        before = ("open", "in_progress", 10000, 2000, 0, 0)
        after = ("submitted", "completed", 9000, 1000, 3, 2)
        self.assertEqual(self.state(template), before)
        rng = random.Random(7)
        seen = set()
        env = dict(self.env)
        for i in range(25):
            db = os.path.join(self.dir, f"kill-{i}.db")
            shutil.copy(template, db)
            env["POM_DB"] = db
            proc = subprocess.Popen([POM, "service", "submit", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, 0.012))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            s = self.state(db)
            self.assertIn(s, (before, after), f"run {i}: half a submit: {s}")
            seen.add(s)
            # The store opens cleanly afterwards and the ticket can still be finished.
            r = subprocess.run([POM, "db", "check"], env=env, capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(before, seen)  # some kills landed before the commit


if __name__ == "__main__":
    unittest.main()
