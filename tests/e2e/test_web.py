"""pom serve's browser pages, driven in headless Chromium (Debian's chromium, chromium-driver and
python3-selenium): sign-in by token and by a one-time link, a technician's whole visit checked in
the database, the offline queue with the network cut through DevTools, the office's board after a
status change from the command line, and a customer whose name is HTML. Screenshots of the route,
the ticket and the board at a phone's and a desktop's width go to the build folder
(web-screenshots/ beside the pom binary)."""
import http.client
import json
import os
import subprocess
import threading
import time
import unittest
import zlib

from apptbase import Company
from pomtest import ENGINE, POM
from test_serve import Server, png

try:
    from selenium import webdriver
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
    from selenium.webdriver.chrome.service import Service as ChromeService
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover - ./go installs python3-selenium
    webdriver = None

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PHONE = (390, 844)
DESKTOP = (1280, 800)
SHOTS = os.path.join(os.path.dirname(os.path.abspath(POM)), "web-screenshots")

_driver = None


class ServerAt(Server):
    """pom serve again on the port a stopped one had: the same origin, so the page keeps its
    storage and its service worker."""

    def __init__(self, test, port):
        e = dict(test.env)
        self.proc = subprocess.Popen([POM, "serve", "--listen", f"127.0.0.1:{port}"], env=e,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise AssertionError(f"pom serve did not start again: {line!r} {self.proc.stderr.read()!r}")
        self.tls = False
        self.port = port
        self.log = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()


def noisy_png(width, height):
    """A real PNG of random pixels, which do not compress: about width x height x 3 bytes."""
    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))

    def chunk(kind, data):
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


def browser():
    """One headless Chromium for the whole file: starting one takes seconds."""
    global _driver
    if _driver is None:
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                  "--no-first-run", "--disable-extensions", f"--window-size={PHONE[0]},{PHONE[1]}"]:
            opts.add_argument(a)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        _driver = webdriver.Chrome(service=ChromeService(executable_path=CHROMEDRIVER), options=opts)
        _driver.set_page_load_timeout(30)
    return _driver


def tearDownModule():
    global _driver
    if _driver is not None:
        _driver.quit()
        _driver = None


@unittest.skipIf(webdriver is None or not os.path.exists(CHROMIUM) or not os.path.exists(CHROMEDRIVER),
                 "chromium, chromium-driver or python3-selenium is not installed")
class WebTest(Company):
    """Maria and Tom are technicians, Olga runs the office. Today is Monday 2026-11-23 (POM_NOW)."""

    def setUp(self):
        super().setUp()
        self.ok("worker", "add", "--name", "Olga Office", "--role", "office")
        self.ok("pool", "edit", "1", "--gallons", "15000")
        self.tokens = {n: self.json("worker", "token", "add", n)[0]["token"] for n in ["Maria Lopez", "Tom Reed", "Olga Office"]}
        self.server = Server(self)
        self.addCleanup(self.stop_server)
        self.base = f"http://127.0.0.1:{self.server.port}"
        self.d = browser()
        self.addCleanup(self.reset_browser)
        self.d.set_window_size(*PHONE)

    def stop_server(self):
        if self.server is None:
            return
        code = self.server.stop()
        self.assertEqual(code, 0, "".join(self.server.log))

    def reset_browser(self):
        try:
            self.d.execute_cdp_cmd("Network.emulateNetworkConditions",
                                   {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
            self.d.get("about:blank")
        except Exception:  # a browser that died is started again by the next test
            global _driver
            try:
                self.d.quit()
            except Exception:
                pass
            _driver = None

    # -- helpers ---------------------------------------------------------------------------------

    def http(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def wait(self, condition, timeout=10, message=""):
        try:
            return WebDriverWait(self.d, timeout, poll_frequency=0.1,
                                 ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(lambda d: condition())
        except TimeoutException:
            logs = ""
            try:
                logs = "\n".join(str(e) for e in self.d.get_log("browser"))
            except Exception:
                pass
            self.fail(f"timed out: {message}\nmessage: {self.text('#message')!r}\nconsole: {logs}")

    def find(self, css):
        return self.d.find_element(By.CSS_SELECTOR, css)

    def finds(self, css):
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def text(self, css):
        for _ in range(20):  # the page redraws what it shows when an answer arrives
            try:
                found = self.finds(css)
                return found[0].text if found else ""
            except StaleElementReferenceException:
                time.sleep(0.05)
        return ""

    def retry(self, action):
        for _ in range(20):
            try:
                return action()
            except (StaleElementReferenceException, NoSuchElementException):
                time.sleep(0.1)
        return action()

    def tap(self, css):
        def go():
            el = self.find(css)
            self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
            el.click()
        self.retry(go)

    def tap_text(self, text, within="body"):
        def go():
            for b in self.finds(within + " button"):
                if b.text.strip() == text and b.is_displayed():
                    self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", b)
                    b.click()
                    return True
            raise NoSuchElementException(f"no button {text!r} in {within}")
        self.retry(go)

    def type(self, css, text):
        self.retry(lambda: self.find(css).send_keys(text))

    def sign_in(self, who, page="/"):
        self.d.get(self.base + page)
        self.wait(lambda: self.find("#signin").is_displayed(), message="the sign-in form")
        self.type("#token", self.tokens[who])
        self.find("#signin-form button").click()
        self.wait(lambda: self.text("#who") == who, message=f"signed in as {who}")

    def card(self, customer):
        for li in self.finds("li.visit"):
            if li.find_element(By.CSS_SELECTOR, ".customer").text == customer:
                return li
        return None

    def waiting_photos(self):
        """How many photos wait in the page's IndexedDB store."""
        return self.d.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const r = indexedDB.open("pom", 1);
            r.onupgradeneeded = () => r.result.createObjectStore("photos");
            r.onsuccess = () => {
              const c = r.result.transaction("photos").objectStore("photos").count();
              c.onsuccess = () => { const n = c.result; r.result.close(); done(n); };
            };
            r.onerror = () => done(-1);""")

    def shoot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        for label, size in [("phone", PHONE), ("desktop", DESKTOP)]:
            self.d.set_window_size(*size)
            time.sleep(0.2)
            # The whole page, not only the window: the route and the ticket are long on a phone.
            height = self.d.execute_script("return document.documentElement.scrollHeight")
            self.d.set_window_size(size[0], max(size[1], min(height + 140, 4000)))
            time.sleep(0.2)
            self.d.save_screenshot(os.path.join(SHOTS, f"{name}-{label}-{ENGINE}.png"))
        self.d.set_window_size(*PHONE)

    # -- the pages ---------------------------------------------------------------------------------

    def test_pages_are_served_with_a_strict_policy(self):
        for path, kind in [("/", "text/html"), ("/board", "text/html"), ("/sw.js", "text/javascript"),
                           ("/app.js", "text/javascript"), ("/pom.css", "text/css")]:
            status, headers, body = self.http("GET", path)
            self.assertEqual(status, 200, path)
            self.assertTrue(headers["content-type"].startswith(kind), (path, headers))
            self.assertIn("default-src 'self'", headers["content-security-policy"])
            self.assertNotIn("unsafe-inline", headers["content-security-policy"])
            self.assertEqual(headers["x-content-type-options"], "nosniff")
            self.assertEqual(headers["cache-control"], "no-cache")
            if kind == "text/html":
                self.assertNotRegex(body.decode(), r"<script>|<script [^>]*>[^<]|<style|\sstyle=|\son[a-z]+=")
        status, headers, body = self.http("GET", "/index.html")
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(body)["error"]["code"], "not_found")
        # The API's answers are not sniffed either.
        status, headers, _ = self.http("GET", "/api/v1/me")
        self.assertEqual((status, headers["x-content-type-options"]), (401, "nosniff"))
        self.assertEqual(headers["content-security-policy"], "default-src 'none'; frame-ancestors 'none'")

    def test_a_login_link_signs_in_once_and_expires(self):
        self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        link = self.json("worker", "login-link", "Maria Lopez", "--url", self.base + "/")[0]
        self.validate("login-link", link)
        self.assertEqual(link["url"], self.base + "/#code=" + link["code"])
        self.assertEqual(link["expires_at"], "2026-11-23T15:15:00Z")  # 15 minutes after 08:00 in Phoenix
        self.assertEqual(self.count(f"SELECT count(*) FROM login_code WHERE code_hash = '{link['code']}'"), 0)

        self.d.get(link["url"])
        self.wait(lambda: self.text("#who") == "Maria Lopez", message="signed in by the link")
        self.assertNotIn("code=", self.d.current_url)  # the code leaves the address bar
        self.wait(lambda: self.card("Ana Ortiz") is not None, message="Maria's route")
        token = self.d.execute_script("return localStorage.getItem('pom.token')")
        self.assertTrue(token.startswith("pom_"), token)
        rows = self.json("worker", "token", "list", "Maria Lopez")
        self.assertEqual([(r["label"], r["status"]) for r in rows][0], ("login link", "active"))
        self.assertEqual(self.sql("SELECT used_at IS NOT NULL, token_id FROM login_code"), [(1, rows[0]["id"])])

        # Once only: the same code again is refused, and so is a code past its time.
        status, _, body = self.http("POST", "/api/v1/login", json.dumps({"code": link["code"]}),
                                    {"Content-Type": "application/json"})
        self.assertEqual(status, 401, body)
        self.assertIn("unknown, used already or expired", json.loads(body)["error"]["message"])
        old = self.json("worker", "login-link", "Tom Reed", "--expires", "30m", env={"POM_NOW": "2026-11-23T07:00:00"})[0]
        status, _, body = self.http("POST", "/api/v1/login", json.dumps({"code": old["code"]}),
                                    {"Content-Type": "application/json"})
        self.assertEqual(status, 401, body)
        self.d.get("about:blank")
        self.d.get(self.base + "/#code=" + old["code"])
        self.wait(lambda: "does not work" in self.text("#message"), message="the refusal in words")
        self.assertTrue(self.find("#signin").is_displayed())
        self.assertEqual(len(self.json("worker", "token", "list", "Tom Reed")), 1)  # no new token

        # Who may make one, and what a bad lifetime says.
        self.assertRefused(["worker", "login-link", "Tom Reed", "--as", "Maria Lopez"], 77, "")
        self.assertRefused(["worker", "login-link", "Tom Reed", "--expires", "3d"], 65,
                           "--expires: '3d' is not a lifetime of 1 minute to 24 hours")

    def test_a_technicians_whole_visit(self):
        ana = self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez", "--window", "08:00-10:00",
                       "--priority", "high", "--note", "check the heater")
        self.add("--customer", "Cara Diaz", "--date", "today", "--worker", "Maria Lopez")
        self.add("--customer", "Bob Smith", "--date", "tomorrow", "--worker", "Maria Lopez")
        self.add("--customer", "Bob Smith", "--date", "today", "--worker", "Tom Reed")
        self.sign_in("Maria Lopez")
        self.wait(lambda: self.card("Cara Diaz") is not None, message="today's route")
        card = self.card("Ana Ortiz")
        self.assertIn("4321", card.text)
        self.assertIn("Side gate", card.text)
        self.assertIn("Dog on the property", card.text)
        self.assertIn("check the heater", card.text)
        self.assertIn("high", card.text)
        self.assertIn("12 Palm Ln", card.find_element(By.CSS_SELECTOR, "a.maps").get_attribute("href").replace("%20", " "))
        days = [h.text for h in self.finds("h2.dayname")]
        self.assertEqual([d.split()[0] for d in days], ["Today", "Tomorrow"])
        self.assertEqual([c.text for c in self.finds("li.visit .customer")], ["Ana Ortiz", "Cara Diaz", "Bob Smith"])
        self.assertNotIn("null", self.text("#day"))
        self.assertNotIn("undefined", self.text("#day"))
        self.shoot("route")

        # On my way, with an ETA: the customer's text is queued.
        self.type(f"#eta-{ana['id']}", "30m")
        self.tap_text("On my way", "li.visit[data-id='%d']" % ana["id"])
        self.wait(lambda: "en route" in self.card("Ana Ortiz").text, message="en route")
        self.assertEqual(self.appt(ana["id"])["status"], "en_route")

        # Start opens the ticket.
        self.tap_text("Start", "li.visit[data-id='%d']" % ana["id"])
        self.wait(lambda: self.find("#visit").is_displayed() and self.finds(".checklist li"), message="the ticket")
        service = self.json("service", "list", "--status", "open")[0]
        self.assertEqual(service["appointment_id"], ana["id"])
        needs = self.text("#needs")
        self.assertIn("Before you submit", needs)
        required = [li.text for li in self.finds(".checklist li") if "REQUIRED" in li.text.upper()]
        self.assertTrue(required, self.text(".checklist"))

        # Submit too early: the server's refusal, in words; nothing submitted.
        self.tap("#submit")
        self.wait(lambda: "required items open" in self.text("#message"), message="the refusal")
        self.assertEqual(self.json("service", "show", str(service["id"]))[0]["status"], "open")

        # The checklist, one box at a time, each sent as it is ticked.
        n = len(self.finds(".checklist input"))
        for i in range(n):
            def tick():
                box = self.find(f"#check-{i}")
                if box.is_selected():
                    return False
                self.d.execute_script("document.getElementById('message').textContent = ''")
                self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
                box.click()
                return True
            if self.retry(tick):
                self.wait(lambda: "done" in self.text("#message") and self.find(f"#check-{i}").is_selected(),
                          message=f"item {i} checked")
        self.wait(lambda: self.json("service", "show", str(service["id"]))[0]["checklist"][-1]["done"], message="all sent")

        # Readings: flags, LSI and CSI at once.
        for k, v in [("fc", "0.5"), ("ph", "7.9"), ("ta", "90"), ("ch", "250"), ("cya", "40"), ("temp", "84")]:
            self.type("#r-" + k, v)
        self.tap("#readings button")
        self.wait(lambda: self.finds("#reading .flag"), message="the reading's flags")
        self.assertIn("fc low", self.text("#reading"))
        self.assertRegex(self.text("#reading"), r"LSI -?\d")

        # What to dose, and a dose and a note of each kind, and a photo from the "camera".
        self.tap_text("Recommend doses")
        self.wait(lambda: "→" in self.text("#recs"), message="recommendations")
        self.type("#d-chemical", "Liquid chlorine")
        self.type("#d-amount", "1.5")
        self.type("#d-unit", "gal")
        self.tap("#dose button")
        self.wait(lambda: "Liquid chlorine: 1.5 gal" in self.text("#visit"), message="the dose")
        self.type("#note-customer", "Brushed the steps; chlorine was low.")
        self.tap("#note-customer + button")
        self.wait(lambda: "Brushed the steps" in self.text("#visit"), message="the customer note")
        self.type("#note-private", "Heater makes a noise: quote a new one")
        self.tap("#note-private + button")
        self.wait(lambda: "quote a new one" in self.text("#visit"), message="the private note")
        path = os.path.join(self.dir, "pump.png")
        with open(path, "wb") as f:
            f.write(png(8, 8))
        self.type("#photo", path)
        self.wait(lambda: "1 on the ticket" in self.text("#visit"), message="the photo")
        self.wait(lambda: "Ready to submit" in self.text("#needs"), message="nothing missing")
        self.shoot("ticket")

        self.tap("#submit-email")
        self.wait(lambda: "Submitted" in self.text("#message"), message="submitted")
        self.wait(lambda: self.card("Ana Ortiz") is not None and "completed" in self.card("Ana Ortiz").text, message="done")

        # In the database, as the command line sees it.
        t = self.json("service", "show", str(service["id"]))[0]
        self.assertEqual(t["status"], "submitted")
        self.assertTrue(all(c["done"] for c in t["checklist"]))
        self.assertEqual([(r["fc"], r["ph"], r["ta"]) for r in t["readings"]], [(0.5, 7.9, 90)])
        self.assertEqual([(d["chemical"], d["amount"], d["unit"]) for d in t["doses"]], [("Liquid chlorine", "1.5", "gal")])
        self.assertEqual(sorted((n["text"], n["private"]) for n in t["notes"]),
                         [("Brushed the steps; chlorine was low.", False), ("Heater makes a noise: quote a new one", True)])
        self.assertEqual([p["media_type"] for p in t["photos"]], ["image/png"])
        a = self.appt(ana["id"])
        self.assertEqual(a["status"], "completed")
        self.assertEqual([e["to"] for e in a["events"]], ["scheduled", "en_route", "in_progress", "completed"])
        self.assertEqual(a["eta"] is not None, True)
        kinds = sorted(n["kind"] for n in self.json("notify", "list"))
        self.assertIn("on_my_way", kinds)
        self.assertIn("service_report", kinds)

        # To the next stop "by route": the ETA is the drive from Ana's pool, as the command line
        # prices it (appt on-my-way without --eta), not a time picked from the list.
        cara = next(v for v in self.json("appt", "list", "--date", "today") if v["customer"] == "Cara Diaz")
        self.ok("pool", "edit", str(a["pool_id"]), "--lat", "33.45", "--lon", "-112.07")
        self.ok("pool", "edit", str(cara["pool_id"]), "--lat", "33.52", "--lon", "-111.93")
        priced = self.json("appt", "on-my-way", str(cara["id"]), "--dry-run")[0]["eta"]
        self.assertIsNotNone(priced)
        self.type(f"#eta-{cara['id']}", "by route")
        self.tap_text("On my way", "li.visit[data-id='%d']" % cara["id"])
        self.wait(lambda: self.appt(cara["id"])["status"] == "en_route", message="Cara en route")
        self.assertEqual(self.appt(cara["id"])["eta"], priced)

    def test_skip_and_pause_take_a_reason(self):
        # Tom was at Ana's pool earlier today: Maria sees what the water was.
        before = self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Tom Reed")
        sid = self.json("service", "start", str(before["id"]), "--as", "Tom Reed")[0]["id"]
        self.ok("service", "reading", str(sid), "--fc", "3.5", "--ph", "7.4", "--as", "Tom Reed")
        self.ok("service", "submit", str(sid), "--force", "--reason", "left early", "--as", "Tom Reed")
        cara = self.add("--customer", "Cara Diaz", "--date", "today", "--worker", "Maria Lopez")
        ana = self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        self.validate("appointment-detail", self.appt(ana["id"]))
        self.sign_in("Maria Lopez")
        self.wait(lambda: self.card("Cara Diaz") is not None, message="the route")
        self.assertIn("Last visit: 2026-11-23, maintenance, completed (Tom Reed). Water: fc 3.5, ph 7.4",
                      self.card("Ana Ortiz").text)
        self.tap_text("Skip…", "li.visit[data-id='%d']" % cara["id"])
        self.type(f"#skip-reason-{cara['id']}", "Gate locked")
        self.tap_text("Skip", "li.visit[data-id='%d']" % cara["id"])
        self.wait(lambda: "skipped" in self.card("Cara Diaz").text, message="skipped")
        self.assertEqual((self.appt(cara["id"])["status"], self.appt(cara["id"])["status_reason"]), ("skipped", "Gate locked"))
        self.tap_text("Start", "li.visit[data-id='%d']" % ana["id"])
        self.wait(lambda: self.find("#visit").is_displayed() and self.finds(".checklist li"), message="the ticket")
        self.tap_text("Pause…", "#visit")
        self.type(f"#pause-reason-{ana['id']}", "Needs a part")
        self.tap_text("Pause", "#visit")
        self.wait(lambda: "Pause" in self.text("#message") and "done" in self.text("#message"), message="paused")
        self.assertEqual(self.appt(ana["id"])["status"], "paused")

    def test_the_board_follows_the_day(self):
        tom = self.add("--customer", "Bob Smith", "--date", "today", "--worker", "Tom Reed")
        self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        loose = self.add("--customer", "Cara Diaz", "--date", "today")
        self.add("--customer", "Cara Diaz", "--date", "2026-11-24", "--worker", "Tom Reed")
        self.d.set_window_size(*DESKTOP)
        self.sign_in("Olga Office", "/board#2026-11-23")
        self.wait(lambda: len(self.finds(".column")) == 3, message="three columns")
        self.assertEqual([c.get_attribute("data-worker") for c in self.finds(".column")],
                         ["Unassigned", "Maria Lopez", "Tom Reed"])
        self.assertIn("Cara Diaz", self.find(".column[data-worker='Unassigned']").text)
        self.assertEqual(self.text("#count-scheduled"), "Scheduled 3")

        # A status change from the command line shows within 5 seconds.
        self.ok("appt", "on-my-way", str(tom["id"]), "--as", "Tom Reed")
        began = time.monotonic()
        self.wait(lambda: "en route" in self.find(f".column[data-worker='Tom Reed'] li[data-id='{tom['id']}']").text,
                  timeout=5, message="the board updated")
        self.assertLess(time.monotonic() - began, 5)
        self.ok("appt", "skip", str(tom["id"]), "--reason", "Gate locked", "--as", "Tom Reed")
        self.wait(lambda: self.text("#count-skipped") == "Skipped 1", timeout=5, message="counts updated")

        self.shoot("board")  # with the unassigned visit and its form

        # Assign the unassigned visit to Maria, first on her route.
        self.type(f"#assign-worker-{loose['id']}", "Maria Lopez")
        self.type(f"#assign-order-{loose['id']}", "1")
        self.tap(f"li[data-id='{loose['id']}'] .assign button")
        self.wait(lambda: f"li[data-id='{loose['id']}']" and
                  [li.get_attribute("data-id") for li in self.finds(".column[data-worker='Maria Lopez'] li")][:1] == [str(loose["id"])],
                  message="assigned first on Maria's route")
        a = self.appt(loose["id"])
        self.assertEqual((a["worker"], a["route_order"]), ("Maria Lopez", 1))

        # Bob's visit moves to tomorrow, from its card.
        bob = self.add("--customer", "Bob Smith", "--date", "today", "--worker", "Maria Lopez")
        self.wait(lambda: self.finds(f"li[data-id='{bob['id']}'] details"), timeout=5, message="the new visit on the board")
        self.tap(f"li[data-id='{bob['id']}'] summary")
        self.d.execute_script("const d = document.getElementById(arguments[0]); d.value = '2026-11-24'; "
                              "d.dispatchEvent(new Event('change'))", f"move-date-{bob['id']}")
        self.tap(f"li[data-id='{bob['id']}'] details button")
        self.wait(lambda: not self.finds(f"li[data-id='{bob['id']}']"), message="moved off today's board")
        self.assertEqual(self.appt(bob["id"])["date"], "2026-11-24")

        # The next day.
        self.tap("#next")
        self.wait(lambda: self.find("#day").get_attribute("value") == "2026-11-24", message="the next day")
        self.wait(lambda: self.text("#count-scheduled") == "Scheduled 2", message="the next day's board")
        self.assertIn("Cara Diaz", self.find(".column[data-worker='Tom Reed']").text)
        self.assertIn("Bob Smith", self.find(".column[data-worker='Maria Lopez']").text)

    def test_actions_without_signal_are_sent_in_order_when_it_returns(self):
        ana = self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez")
        cara = self.add("--customer", "Cara Diaz", "--date", "today", "--worker", "Maria Lopez")
        self.sign_in("Maria Lopez")
        self.wait(lambda: self.card("Cara Diaz") is not None, message="the route")
        # The service worker has the shell before the signal goes.
        self.wait(lambda: self.d.execute_script("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)")
                  or self.d.refresh() or False, timeout=15, message="the service worker in control")
        self.wait(lambda: self.card("Cara Diaz") is not None, message="the route again")

        # No signal: the page's network is cut through DevTools, and the server is gone too (the
        # service worker's own requests are not the page's, and the reload below must come from
        # its cache).
        self.d.execute_cdp_cmd("Network.enable", {})
        self.d.execute_cdp_cmd("Network.emulateNetworkConditions",
                               {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
        self.stop_server()
        self.server = None
        self.tap_text("On my way", f"li.visit[data-id='{ana['id']}']")
        self.wait(lambda: "1 action waiting" in self.text("#net"), message="queued")
        self.tap_text("Start", f"li.visit[data-id='{ana['id']}']")
        self.wait(lambda: self.find("#visit").is_displayed(), message="the ticket, offline")
        self.type("#note-customer", "Cleaned the filter")
        self.tap("#note-customer + button")
        self.wait(lambda: "3 actions waiting" in self.text("#net"), message="three queued")
        # A photo as a phone takes one: 6 MB, more than localStorage holds, so it waits in IndexedDB.
        big = os.path.join(self.dir, "filter.png")
        with open(big, "wb") as f:
            f.write(noisy_png(1500, 1400))
        self.type("#photo", big)
        self.wait(lambda: "4 actions waiting" in self.text("#net"), message="the photo queued")
        self.tap_text("← My day")
        self.wait(lambda: self.card("Cara Diaz") is not None, message="the route, offline")
        self.tap_text("On my way", f"li.visit[data-id='{cara['id']}']")
        self.wait(lambda: "5 actions waiting" in self.text("#net"), message="five queued")
        # Meanwhile the office cancels Cara's visit.
        self.ok("appt", "cancel", str(cara["id"]), "--reason", "Customer away")

        # The page reloads (the phone slept): the shell comes from the cache, the queue is kept.
        self.d.refresh()
        self.wait(lambda: "5 actions waiting" in self.text("#net"), message="the queue after a reload")
        self.assertEqual(self.waiting_photos(), 1)
        self.wait(lambda: self.card("Ana Ortiz") is not None, message="the route from the phone's copy")
        self.assertEqual(self.appt(ana["id"])["status"], "scheduled")

        self.server = ServerAt(self, int(self.base.rsplit(":", 1)[1]))
        self.d.execute_cdp_cmd("Network.emulateNetworkConditions",
                               {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        self.wait(lambda: self.text("#net") == "", timeout=15, message="the queue sent")
        self.wait(lambda: "Customer away" in self.text("#problems") or "cancelled" in self.text("#problems"),
                  message="the conflict shown")
        self.assertIn("Cara Diaz", self.text("#problems"))

        a = self.appt(ana["id"])
        self.assertEqual([e["to"] for e in a["events"]], ["scheduled", "en_route", "in_progress"])
        t = self.json("service", "list")
        self.assertEqual(len(t), 1)
        shown = self.json("service", "show", str(t[0]["id"]))[0]
        self.assertEqual([n["text"] for n in shown["notes"]], ["Cleaned the filter"])
        self.assertEqual([(p["media_type"], p["bytes"]) for p in shown["photos"]], [("image/png", os.path.getsize(big))])
        self.assertEqual(self.waiting_photos(), 0)
        self.assertEqual(self.appt(cara["id"])["status"], "cancelled")
        # Each action once, each with its own key.
        self.assertEqual(self.count("SELECT count(*) FROM api_answer"), 4)

    def test_a_customer_named_in_html_stays_text(self):
        name = '<img src=x onerror="window.__pwned=1">'
        self.ok("customer", "add", "--name", name, "--street", "<b>1 Main</b>")
        self.ok("pool", "add", "--customer", name, "--access-notes", "<script>window.__pwned=2</script>")
        self.add("--customer", name, "--date", "today", "--worker", "Maria Lopez", "--note", "<i>hi</i>")
        self.sign_in("Maria Lopez")
        self.wait(lambda: self.card(name) is not None, message="the visit, by its literal name")
        self.assertIn("<script>window.__pwned=2</script>", self.card(name).text)
        self.assertIn("<i>hi</i>", self.card(name).text)
        self.assertEqual(self.finds("#day img, #day script, #day b, #day i"), [])
        time.sleep(0.3)
        self.assertIsNone(self.d.execute_script("return window.__pwned"))
        self.d.set_window_size(*DESKTOP)
        self.tokens["Olga Office"] = self.tokens["Olga Office"]
        self.d.execute_script("localStorage.setItem('pom.token', arguments[0])", self.tokens["Olga Office"])
        self.d.get(self.base + "/board#2026-11-23")
        self.wait(lambda: name in self.text(".columns"), message="the board, by the literal name")
        self.assertEqual(self.finds(".columns img"), [])
        self.assertIsNone(self.d.execute_script("return window.__pwned"))


if __name__ == "__main__":
    unittest.main()
