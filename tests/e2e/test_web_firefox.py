"""pom's browser pages in Firefox (issue 16: "works in current Chromium and Firefox"): the
technician's visit from sign-in to submit, the office's board following a status change, and a
customer named in HTML staying text, in a headless Firefox ESR driven over Marionette
(tests/e2e/marionette.py; Debian has no geckodriver). test_web.py covers the same pages in
Chromium in more depth (offline queue, screenshots at two widths)."""
import os
import time
import unittest

from apptbase import Company
from marionette import FIREFOX, Firefox
from pomtest import ENGINE, POM
from test_serve import Server, png

SHOTS = os.path.join(os.path.dirname(os.path.abspath(POM)), "web-screenshots")

_firefox = None


def firefox():
    global _firefox
    if _firefox is None:
        _firefox = Firefox()
    return _firefox


def tearDownModule():
    global _firefox
    if _firefox is not None:
        _firefox.quit()
        _firefox = None


@unittest.skipIf(FIREFOX is None, "firefox-esr is not installed (./go installs it)")
class FirefoxPages(Company):
    def setUp(self):
        super().setUp()
        self.ok("worker", "add", "--name", "Olga Office", "--role", "office")
        self.tokens = {n: self.json("worker", "token", "add", n)[0]["token"] for n in ["Maria Lopez", "Olga Office"]}
        self.server = Server(self)
        self.addCleanup(self.stop_server)
        self.base = f"http://127.0.0.1:{self.server.port}"
        self.f = firefox()
        self.addCleanup(self.reset)

    def stop_server(self):
        self.assertEqual(self.server.stop(), 0, "".join(self.server.log))

    def reset(self):
        try:
            self.f.script("localStorage.clear()")
            self.f.get("about:blank")
        except Exception:
            global _firefox
            self.f.quit()
            _firefox = None

    def wait(self, condition, timeout=10, message=""):
        end = time.monotonic() + timeout
        while True:
            try:
                got = condition()
            except Exception:
                got = None
            if got:
                return got
            if time.monotonic() > end:
                self.fail(f"timed out in Firefox: {message}; message: {self.f.text('#message')!r}")
            time.sleep(0.1)

    def sign_in(self, who, page="/"):
        self.f.get(self.base + page)
        self.wait(lambda: self.f.find("#signin"), message="the sign-in form")
        self.f.type("#token", self.tokens[who])
        self.f.click("#signin-form button")
        self.wait(lambda: self.f.text("#who") == who, message=f"signed in as {who}")

    def button(self, label, within):
        """Clicks the button reading `label` inside `within` (found by the page's own DOM)."""
        clicked = self.f.script("""
            const scope = document.querySelector(arguments[0]);
            if (!scope) return false;
            for (const b of scope.querySelectorAll("button"))
              if (b.textContent.trim() === arguments[1] && b.offsetParent !== null) { b.click(); return true; }
            return false;""", within, label)
        self.assertTrue(clicked, f"no button {label!r} in {within}")

    def customers(self):
        return self.f.script("return Array.from(document.querySelectorAll('li.visit .customer'), (e) => e.textContent)")

    def test_a_technicians_visit_from_sign_in_to_submit(self):
        ana = self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez", "--window", "08:00-10:00")
        self.add("--customer", "Cara Diaz", "--date", "today", "--worker", "Maria Lopez")
        self.sign_in("Maria Lopez")
        self.wait(lambda: self.customers() == ["Ana Ortiz", "Cara Diaz"], message="today's route in order")
        self.assertIn("4321", self.f.text(f"li.visit[data-id='{ana['id']}']"))
        os.makedirs(SHOTS, exist_ok=True)
        self.f.screenshot(os.path.join(SHOTS, f"route-phone-firefox-{ENGINE}.png"))

        self.f.type(f"#eta-{ana['id']}", "30m")
        self.button("On my way", f"li.visit[data-id='{ana['id']}']")
        self.wait(lambda: self.appt(ana["id"])["status"] == "en_route", message="en route in the database")
        # The arrival as the technician reads it: local time, not a UTC instant.
        self.assertEqual(self.appt(ana["id"])["eta"], "2026-11-23T15:30:00Z")
        self.wait(lambda: "08:30" in self.f.text(f"li.visit[data-id='{ana['id']}']"), message="the ETA in local time")
        self.assertNotIn("15:30", self.f.text(f"li.visit[data-id='{ana['id']}']"))
        self.button("Start", f"li.visit[data-id='{ana['id']}']")
        self.wait(lambda: self.f.find(".checklist input"), message="the ticket")
        service = self.json("service", "list", "--status", "open")[0]

        boxes = self.f.script("return document.querySelectorAll('.checklist input').length")
        for i in range(boxes):
            self.wait(lambda: self.f.script("return document.getElementById(arguments[0]) !== null", f"check-{i}"),
                      message=f"box {i}")
            if not self.f.script("return document.getElementById(arguments[0]).checked", f"check-{i}"):
                self.f.click(f"#check-{i}")
            self.wait(lambda: self.f.text("#net") == "", message=f"box {i} sent")
        path = os.path.join(self.dir, "pump.png")
        with open(path, "wb") as out:
            out.write(png(8, 8))
        self.f.type("#photo", path)
        self.wait(lambda: "1 on the ticket" in self.f.text("#visit"), message="the photo")
        self.f.type("#note-customer", "Brushed the steps.")
        self.f.click("#note-customer + button")
        self.wait(lambda: "Brushed the steps" in self.f.text("#visit"), message="the note")
        self.wait(lambda: all(c["done"] for c in self.json("service", "show", str(service["id"]))[0]["checklist"]),
                  message="every box in the database")
        self.f.screenshot(os.path.join(SHOTS, f"ticket-phone-firefox-{ENGINE}.png"))
        self.f.click("#submit")
        self.wait(lambda: "Submitted" in self.f.text("#message"), message="submitted")
        t = self.json("service", "show", str(service["id"]))[0]
        self.assertEqual((t["status"], len(t["photos"]), [n["text"] for n in t["notes"]]),
                         ("submitted", 1, ["Brushed the steps."]))
        self.assertEqual(self.appt(ana["id"])["status"], "completed")

    def test_the_board_follows_a_status_change(self):
        self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        bob = self.add("--customer", "Bob Smith", "--date", "today", "--worker", "Tom Reed")
        self.add("--customer", "Cara Diaz", "--date", "today")
        self.sign_in("Olga Office", "/board#2026-11-23")
        self.wait(lambda: self.f.script("return Array.from(document.querySelectorAll('.column'), (c) => c.dataset.worker)")
                  == ["Unassigned", "Maria Lopez", "Tom Reed"], message="three columns")
        self.ok("appt", "on-my-way", str(bob["id"]), "--as", "Tom Reed")
        began = time.monotonic()
        self.wait(lambda: "en route" in self.f.text(f".column[data-worker='Tom Reed'] li[data-id='{bob['id']}']"),
                  timeout=5, message="the board updated")
        self.assertLess(time.monotonic() - began, 5)

    def test_a_customer_named_in_html_stays_text(self):
        name = '<img src=x onerror="window.__pwned=1">'
        self.ok("customer", "add", "--name", name)
        self.ok("pool", "add", "--customer", name, "--access-notes", "<script>window.__pwned=2</script>")
        self.add("--customer", name, "--date", "today", "--worker", "Maria Lopez")
        self.sign_in("Maria Lopez")
        self.wait(lambda: name in self.customers(), message="the visit, by its literal name")
        self.assertEqual(self.f.script("return document.querySelectorAll('#day img, #day script').length"), 0)
        time.sleep(0.3)
        self.assertIsNone(self.f.script("return window.__pwned === undefined ? null : window.__pwned"))


if __name__ == "__main__":
    unittest.main()
