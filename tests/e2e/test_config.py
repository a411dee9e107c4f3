"""pom.toml: defaults, errors with file:line:column, the time zone and the fixed clock."""
import os
import unittest

from pomtest import PomTest


class ConfigShow(PomTest):
    def test_defaults_without_a_file(self):
        r = self.json("config", "show", env={"POM_CONFIG": None})
        self.validate("config", r)
        c = r[0]
        self.assertIsNone(c["source"])
        self.assertIsNone(c["db"])
        self.assertEqual((c["timezone"], c["busy_timeout_ms"], c["currency"]), ("UTC", 5000, "USD"))
        self.assertEqual(c["working_days"], ["mon", "tue", "wed", "thu", "fri"])
        self.assertEqual(c["company.name"], "Pool Company")
        self.assertEqual(c["database"], self.db)

    def test_values_from_the_file(self):
        with open(self.config_path, "w") as f:
            f.write('timezone = "America/Phoenix"\nbusy_timeout_ms = 1500\ncurrency = "CAD"\n'
                    'working_days = ["mon", "tue", "wed", "thu", "fri", "sat"]\n'
                    '[company]\nname = "Blue Wave Pool Service"\nphone = "(602) 555-0199"\n')
        r = self.json("config", "show")
        self.validate("config", r)
        c = r[0]
        self.assertEqual(c["source"], self.config_path)
        self.assertEqual((c["timezone"], c["busy_timeout_ms"], c["currency"]), ("America/Phoenix", 1500, "CAD"))
        self.assertEqual(c["working_days"][-1], "sat")
        self.assertEqual((c["company.name"], c["company.phone"]), ("Blue Wave Pool Service", "(602) 555-0199"))

    def test_the_example_config_is_valid(self):
        path = os.path.join(os.environ.get("POM_SOURCE_DIR", "../.."), "examples", "pom.toml")
        if not os.path.exists(path):
            self.skipTest("no examples/pom.toml")
        r = self.json("--config", path, "config", "show")
        self.validate("config", r)
        self.assertEqual(r[0]["timezone"], "America/Phoenix")

    def test_table_and_csv_render(self):
        out = self.ok("config", "show", "--fields", "timezone,company.name")
        self.assertEqual(out, "timezone      America/Phoenix\ncompany.name  Blue Wave Pools\n")
        self.assertEqual(self.csv("config", "show", "--fields", "timezone,working_days"),
                         [{"timezone": "America/Phoenix", "working_days": "mon; tue; wed; thu; fri"}])


class ConfigErrors(PomTest):
    def write(self, text):
        with open(self.config_path, "w") as f:
            f.write(text)

    def test_bad_files_name_file_line_and_column(self):
        p = self.config_path
        cases = [
            ('timezone = "America/Phoenix"\nbusy_timeout_ms = = 5\n', f"{p}:2:"),
            ('timezone = "America/Phoenix\n', f"{p}:1:"),
            ('[company]\nname = "A"\n[company]\nname = "B"\n', f"{p}:3:"),
            ('timezone = "America/Phoenix"\ncolour = "blue"\n', f"{p}:2:10: unknown key 'colour'"),
            ('[company]\nname = "A"\nfax = "x"\n', f"{p}:3:7: unknown key 'company.fax'"),
            ('timezone = "Mars/Olympus_Mons"\n', f"{p}:1:12: unknown time zone 'Mars/Olympus_Mons'"),
            ('timezone = "../../etc/passwd"\n', "unknown time zone"),
            ('busy_timeout_ms = "fast"\n', f"{p}:1:19: busy_timeout_ms must be an integer"),
            ('busy_timeout_ms = -1\n', "busy_timeout_ms must be between 0 and 600000"),
            ('currency = "dollars"\n', "currency must be a 3-letter ISO 4217 code"),
            ('working_days = ["mon", "funday"]\n', "working_days: not a weekday name"),
            ('company = "Blue Wave"\n', "company must be a table"),
        ]
        for text, message in cases:
            with self.subTest(text=text):
                self.write(text)
                self.assertRefused(["customer", "list"], 78, message)
                self.assertRefused(["config", "show"], 78, message)
                self.assertRefused(["customer", "add", "--name", "X"], 78, message)

    def test_non_ascii_text_outside_strings_is_refused_and_inside_them_kept(self):
        # toml++ 3.3.0 reaches __builtin_unreachable on some non-ASCII characters where it looks for
        # whitespace (found by tests/fuzz/config_fuzz): pom refuses them first, with their place.
        p = self.config_path
        outside = "a non-ASCII character outside a quoted string or a comment"
        for text, message in [
            ("timezone = \u0277\n", f"{p}:1:12: {outside}"),
            ("busy_timeout_ms = 5\u00a7\n", f"{p}:1:20: {outside}"),
            ('[company]\nname = "A"\u00a0\n', f"{p}:2:11: {outside}"),
            ('[company]\naddress = """x\\\u00a7"""\n', f"{p}:2:16: unknown escape sequence"),
            # toml++ reads a quote after a bare word as more of the word, on into what looks like a string
            ('timezone = +Am"\u0405 \u00e9"\n', f"{p}:1:15: a quote in the middle of a bare word"),
            ("currency = US'\u00e9'\n", f"{p}:1:14: a quote in the middle of a bare word"),
        ]:
            with self.subTest(text=text):
                self.write(text)
                self.assertRefused(["config", "show"], 78, message)
                self.assertRefused(["customer", "add", "--name", "X"], 78, message)
        self.assertEqual(self.json("customer", "list", env={"POM_CONFIG": None}), [])
        # In strings and comments any language is fine, a line continued by a backslash included.
        self.write("# Soci\u00e9t\u00e9: Piscines C\u00f4t\u00e9\n"
                   "working_days = [\"mon\",'tue', \"wed\"]\n"
                   "[company]\n"
                   "name = \"Piscines C\u00f4t\u00e9\"\n"
                   "phone = 'ligne fran\u00e7aise'\n"
                   "address = \"\"\"\\\n    \u00c0 c\u00f4t\u00e9 du parc, \\\n  \u00a7 12\"\"\"\n"
                   "email = '''\u00e9t\u00e9@example.com'''\n")
        c = self.json("config", "show")[0]
        self.assertEqual(c["company.name"], "Piscines C\u00f4t\u00e9")
        self.assertEqual(c["company.phone"], "ligne fran\u00e7aise")
        self.assertEqual(c["company.address"], "\u00c0 c\u00f4t\u00e9 du parc, \u00a7 12")
        self.assertEqual(c["company.email"], "\u00e9t\u00e9@example.com")
        self.assertEqual(c["working_days"], ["mon", "tue", "wed"])

    def test_an_explicit_config_that_is_missing(self):
        missing = os.path.join(self.dir, "missing.toml")
        self.assertRefused(["--config", missing, "config", "show"], 66, f"config file {missing} cannot be read")
        self.assertRefused(["customer", "list"], 66, f"config file {missing} cannot be read", env={"POM_CONFIG": missing})
        # The default place may be missing: that means defaults.
        r = self.pom("config", "show", "-o", "json", env={"POM_CONFIG": None, "XDG_CONFIG_HOME": os.path.join(self.dir, "none")})
        self.assertEqual(r.code, 0, r)
        self.assertIsNone(r.json()[0]["source"])

    def test_a_config_that_is_a_folder_is_refused_not_ignored(self):
        # Ignored, a folder would mean the defaults (UTC): a Phoenix company's dates would shift.
        folder = os.path.join(self.dir, "conf.d")
        os.mkdir(folder)
        message = f"config file {folder} cannot be read: it is not a regular file"
        self.assertRefused(["--config", folder, "config", "show"], 66, message)
        self.assertRefused(["customer", "list"], 66, message, env={"POM_CONFIG": folder})
        self.assertRefused(["customer", "add", "--name", "X"], 66, message, env={"POM_CONFIG": folder})
        xdg = os.path.join(self.dir, "xdg")
        os.makedirs(os.path.join(xdg, "pom", "pom.toml"))
        self.assertRefused(["customer", "list"], 66, "it is not a regular file", env={"POM_CONFIG": None, "XDG_CONFIG_HOME": xdg})
        # A link to a file is a file.
        link = os.path.join(self.dir, "link.toml")
        os.symlink(self.config_path, link)
        self.assertEqual(self.json("--config", link, "config", "show")[0]["timezone"], "America/Phoenix")

    def test_config_flag_beats_the_environment(self):
        other = os.path.join(self.dir, "other.toml")
        with open(other, "w") as f:
            f.write('timezone = "Europe/Berlin"\n')
        self.assertEqual(self.json("--config", other, "config", "show")[0]["timezone"], "Europe/Berlin")


class Clock(PomTest):
    def created_at(self, *args, env=None):
        return self.json(*args, "worker", "add", "--name", f"W{len(self.json('worker', 'list', '--all'))}", env=env)[0]["created_at"]

    def test_pom_now_is_local_time_in_the_company_zone(self):
        self.assertEqual(self.created_at(), "2026-11-23T15:00:00Z")  # Phoenix 08:00 = 15:00Z
        self.assertEqual(self.created_at(env={"POM_NOW": "2026-07-01T08:00:00"}), "2026-07-01T15:00:00Z")  # no DST in Phoenix
        self.assertEqual(self.created_at(env={"POM_NOW": "2026-11-23T08:00"}), "2026-11-23T15:00:00Z")
        self.assertEqual(self.created_at(env={"POM_NOW": "2026-11-23 08:00:00"}), "2026-11-23T15:00:00Z")
        self.assertEqual(self.created_at(env={"POM_NOW": "2026-11-23"}), "2026-11-23T07:00:00Z")  # local midnight

    def test_explicit_offsets_and_the_flag(self):
        self.assertEqual(self.created_at("--now", "2026-11-23T08:00:00Z"), "2026-11-23T08:00:00Z")
        self.assertEqual(self.created_at("--now", "2026-11-23T08:00:00+02:00"), "2026-11-23T06:00:00Z")
        self.assertEqual(self.created_at("--now", "2026-11-24T06:30:00"), "2026-11-24T13:30:00Z")  # --now beats POM_NOW

    def test_another_zone_with_daylight_saving(self):
        with open(self.config_path, "w") as f:
            f.write('timezone = "America/New_York"\n')
        self.assertEqual(self.created_at(), "2026-11-23T13:00:00Z")
        self.assertEqual(self.created_at(env={"POM_NOW": "2026-07-01T08:00:00"}), "2026-07-01T12:00:00Z")

    def test_bad_times_are_refused(self):
        for value in ("garbage", "2026-11-31T08:00:00", "2026-11-23T25:00", "2026-11-23T08:00:00+5", "23/11/2026"):
            with self.subTest(value=value):
                self.assertRefused(["--now", value, "worker", "add", "--name", "X"], 65, f"--now: '{value}' is not a valid time")
        self.assertRefused(["customer", "list"], 65, "POM_NOW: 'tomorrow-ish' is not a valid time",
                           env={"POM_NOW": "tomorrow-ish"})


if __name__ == "__main__":
    unittest.main()
