"""pom worker login-link --qr / --qr-svg (issue 16): the one-time sign-in link as a QR code the
technician scans from the screen or from paper; decoded here by zbarimg (Debian's zbar-tools),
so the code is proven to carry the link, not only to look like one."""
import os
import re
import shutil
import subprocess
import unittest

from pomtest import PomTest

QUIET = 4


def pgm(rows, path, scale=6):
    """Writes a module grid (list of lists of bools, dark True) as a binary PGM, scaled."""
    h, w = len(rows), len(rows[0])
    with open(path, "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (w * scale, h * scale))
        for row in rows:
            line = b"".join((b"\x00" if d else b"\xff") * scale for d in row)
            f.write(line * scale)


def decode(rows, folder):
    path = os.path.join(folder, "code.pgm")
    pgm(rows, path)
    r = subprocess.run(["zbarimg", "--raw", "-q", path], capture_output=True, text=True, timeout=60)
    return r.stdout.strip()


def svg_modules(svg):
    """The module grid of pom's SVG: its viewBox side and the unit squares of its one path."""
    side = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    rows = [[False] * side for _ in range(side)]
    for x, y in re.findall(r"M(\d+) (\d+)h1v1h-1z", re.search(r' d="([^"]*)"', svg).group(1)):
        rows[int(y)][int(x)] = True
    return rows


def text_modules(text):
    """The module grid of the terminal code: each character two modules high."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", l) for l in text.splitlines() if "\x1b[30;47m" in l]
    rows = []
    for l in lines:
        top = [c in "\u2588\u2580" for c in l]
        bottom = [c in "\u2588\u2584" for c in l]
        rows += [top, bottom]
    return rows


@unittest.skipUnless(shutil.which("zbarimg"), "zbar-tools is not installed (./go installs it)")
class LoginQr(PomTest):
    def setUp(self):
        super().setUp()
        self.ok("worker", "add", "--name", "Maria Lopez")

    def test_svg_carries_the_link(self):
        path = os.path.join(self.dir, "maria.svg")
        r = self.json("worker", "login-link", "Maria", "--url", "https://pom.bluewave.example", "--qr-svg", path)[0]
        self.assertTrue(r["url"].startswith("https://pom.bluewave.example/#code="))
        with open(path) as f:
            svg = f.read()
        self.assertIn("pom sign-in for Maria Lopez", svg)
        self.assertFalse(os.path.exists(path + ".tmp-pom"))
        rows = svg_modules(svg)
        # The quiet zone is light all round, and the finder pattern sits in the top-left corner.
        self.assertFalse(any(rows[y][x] for y in range(QUIET) for x in range(len(rows))))
        self.assertTrue(all(rows[QUIET][QUIET:QUIET + 7]))
        self.assertEqual(decode(rows, self.dir), r["url"])

    def test_terminal_code_carries_the_link(self):
        out = self.ok("worker", "login-link", "Maria", "--qr")
        url = re.search(r"^(http://127\.0\.0\.1:8080/#code=\S+)$", out, re.M).group(1)
        self.assertIn("Sign-in link for Maria Lopez (works once, until 2026-11-23 08:15)", out)
        self.assertEqual(decode(text_modules(out), self.dir), url)
        # The code in the link is the one stored (by its hash): one login code, unused.
        self.assertEqual(len(self.sql("SELECT id FROM login_code WHERE used_at IS NULL")), 1)

    def test_json_is_unchanged_by_qr(self):
        r = self.json("worker", "login-link", "Maria", "--qr")
        self.assertEqual(sorted(r[0]), ["code", "expires_at", "id", "url", "worker"])

    def test_an_svg_that_cannot_be_written_leaves_no_code(self):
        path = os.path.join(self.dir, "missing", "maria.svg")
        self.assertRefused(["worker", "login-link", "Maria", "--qr-svg", path], 74, "--qr-svg: cannot write " + path)
        self.assertEqual(self.sql("SELECT count(*) FROM login_code"), [(0,)])


if __name__ == "__main__":
    unittest.main()
