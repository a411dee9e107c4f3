"""The README's command table names the real commands: every command it lists exists, and every
command pom has is in it. Each command's --help shows the global options that apply to it."""
import os
import re
import subprocess
import unittest

import test_property
from pomtest import POM, PomTest

README = os.path.join(os.environ.get("POM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")), "README.md")


def help_of(path):
    return subprocess.run([POM, *path, "--help"], capture_output=True, text=True, timeout=30)


def leaves():
    """Every command pom runs, as a path of words, read from its own --help (the walk the
    property test makes)."""
    return [path for path, _ in test_property.command_tree()]


def readme_commands():
    """The commands the README's table names. `pom appt preview\\|expand\\|series list\\|show` is
    appt preview, appt expand, appt series list and appt series show: an alternative of several
    words sets the prefix for the ones after it."""
    named = []
    with open(README, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("| `pom "):
                continue
            first_cell = re.split(r"(?<!\\)\|", line)[1]
            for code in re.findall(r"`pom ([^`]*)`", first_cell.replace("\\|", "\x00")):
                cell = code.replace("\x00", "|")
                cell = re.split(r" (?=-|[A-Z])", cell, maxsplit=1)[0]  # options and ARGS are not words of the path
                alternatives = cell.split("|")
                words = alternatives[0].split()
                prefix = words[:-1]
                named.append(" ".join(words))
                for alt in alternatives[1:]:
                    w = alt.split()
                    if len(w) > 1:
                        prefix = prefix[:1] + w[:-1] if prefix else w[:-1]
                    named.append(" ".join(prefix + w[-1:]))
    return named


class Readme(PomTest):
    def test_the_command_table_names_exactly_the_real_commands(self):
        if not os.path.exists(README):
            self.skipTest("no README.md beside the tests")
        real = leaves()
        self.assertGreater(len(real), 100)
        named = readme_commands()
        groups = {" ".join(p.split()[:i]) for p in real for i in range(1, len(p.split()))}
        unknown = [n for n in named if n not in real and n not in groups]
        self.assertEqual(unknown, [], "the README's command table names commands pom does not have")
        covered = set(named)
        missing = [p for p in real if p not in covered and not any(p.startswith(n + " ") for n in covered)]
        self.assertEqual(missing, [], "commands pom has that the README's command table leaves out")

    def test_every_command_help_shows_the_global_options(self):
        for path in (["appt", "edit"], ["customer", "list"], ["bill", "run"], ["worker", "token", "add"]):
            with self.subTest(path=path):
                r = help_of(path)
                self.assertEqual(r.returncode, 0, r)
                tail = r.stdout.split("Global options (before or after the command):", 1)
                self.assertEqual(len(tail), 2, r.stdout)
                for flag in ("-o,--output FORMAT", "--fields a,b,c", "--dry-run", "--db FILE|URI", "--config FILE"):
                    self.assertIn("  " + flag, tail[1])


if __name__ == "__main__":
    unittest.main()
