"""A small client of Firefox's Marionette protocol, enough to drive pom's pages in a real Firefox.

Debian ships Firefox (firefox-esr) but not geckodriver, the WebDriver bridge Selenium needs; the
browser itself speaks Marionette (length-prefixed JSON over TCP, the commands WebDriver's) when
started with --marionette, so the tests talk to it directly. Only the commands the tests use."""
from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")


class MarionetteError(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Firefox:
    """A headless Firefox with a fresh profile, in the company's zone (as a phone in Phoenix is),
    driven over Marionette; quit() stops it."""

    def __init__(self, width=390, height=844, tz="America/Phoenix"):
        self.profile = tempfile.mkdtemp(prefix="pom-firefox-")
        self.port = free_port()
        prefs = {
            "marionette.port": self.port,
            "browser.shell.checkDefaultBrowser": False,
            "browser.startup.homepage_override.mstone": "ignore",
            "datareporting.policy.dataSubmissionEnabled": False,
            "toolkit.telemetry.reportingpolicy.firstRun": False,
            "app.update.disabledForTesting": True,
            "browser.aboutwelcome.enabled": False,
            "network.captive-portal-service.enabled": False,
            "network.connectivity-service.enabled": False,
        }
        with open(os.path.join(self.profile, "user.js"), "w") as f:
            for k, v in prefs.items():
                f.write(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n")
        env = dict(os.environ, TZ=tz, MOZ_HEADLESS="1", MOZ_HEADLESS_WIDTH=str(width), MOZ_HEADLESS_HEIGHT=str(height))
        self.proc = subprocess.Popen([FIREFOX, "--headless", "--marionette", "--no-remote", "--profile", self.profile,
                                      "about:blank"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.sock = None
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise MarionetteError(f"firefox exited with {self.proc.returncode}")
                time.sleep(0.2)
        if self.sock is None:
            self.quit()
            raise MarionetteError("firefox did not open its Marionette port")
        self.buffer = b""
        self.next_id = 1
        self.hello = self._read()
        self.command("WebDriver:NewSession", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": True}}})
        self.command("WebDriver:SetWindowRect", {"width": width, "height": height})

    def _read(self):
        while b":" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise MarionetteError("firefox closed the connection")
            self.buffer += chunk
        size, rest = self.buffer.split(b":", 1)
        n = int(size)
        while len(rest) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise MarionetteError("firefox closed the connection")
            rest += chunk
        self.buffer = rest[n:]
        return json.loads(rest[:n])

    def command(self, name, params=None):
        msg_id = self.next_id
        self.next_id += 1
        data = json.dumps([0, msg_id, name, params or {}]).encode()
        self.sock.sendall(str(len(data)).encode() + b":" + data)
        while True:
            kind, got, error, result = self._read()
            if kind == 1 and got == msg_id:
                break
        if error:
            raise MarionetteError(f"{name}: {error.get('error')}: {error.get('message')}")
        return result.get("value") if isinstance(result, dict) and "value" in result else result

    # -- what the tests use -------------------------------------------------------------------------

    def get(self, url):
        self.command("WebDriver:Navigate", {"url": url})

    def script(self, source, *args):
        return self.command("WebDriver:ExecuteScript", {"script": source, "args": list(args)})

    def find(self, css):
        """The first element matching `css`, or None."""
        found = self.command("WebDriver:FindElements", {"using": "css selector", "value": css})
        return found[0][ELEMENT] if found else None

    def _retry(self, action):
        """The page re-renders as answers come in: an element found a moment ago may be replaced."""
        for _ in range(20):
            try:
                return action()
            except MarionetteError as e:
                if "stale element" not in str(e) and "no element" not in str(e):
                    raise
                time.sleep(0.1)
        return action()

    def click(self, css):
        def go():
            e = self._must(css)
            # In the middle of the window, as a person taps it: not under a sticky header or message.
            self.script("arguments[0].scrollIntoView({block: 'center'})", {ELEMENT: e})
            self.command("WebDriver:ElementClick", {"id": e})
        self._retry(go)

    def type(self, css, text):
        self._retry(lambda: self.command("WebDriver:ElementSendKeys", {"id": self._must(css), "text": text}))

    def text(self, css):
        e = self.find(css)
        return self.command("WebDriver:GetElementText", {"id": e}) if e else ""

    def screenshot(self, path):
        data = self.command("WebDriver:TakeScreenshot", {"full": True})
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def _must(self, css):
        e = self.find(css)
        if e is None:
            raise MarionetteError(f"no element {css!r}")
        return e

    def quit(self):
        try:
            if self.sock is not None:
                try:
                    self.command("Marionette:Quit", {"flags": ["eForceQuit"]})
                except Exception:
                    pass
                self.sock.close()
        finally:
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)
