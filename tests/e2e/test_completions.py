"""Shell completion: the checked-in scripts are what `pom completion SHELL` generates from the
command definition, and each loads in its real shell and completes subcommands, options, choices
and customers/workers from the database."""
import os
import shutil
import subprocess
import unittest

from pomtest import POM, SOURCE, PomTest

COMPLETIONS = os.path.join(SOURCE, "completions")
SCRIPTS = {"bash": "pom.bash", "zsh": "_pom", "fish": "pom.fish"}
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"


class Checked(PomTest):
    init_db = False

    def test_checked_in_scripts_are_what_pom_generates(self):
        for shell, name in SCRIPTS.items():
            with self.subTest(shell=shell):
                generated = self.ok("completion", shell)
                with open(os.path.join(COMPLETIONS, name)) as f:
                    checked_in = f.read()
                self.assertTrue(
                    generated == checked_in,
                    f"completions/{name} is out of date with pom's commands: run completions/regenerate "
                    f"(or ./go completions) and commit the result")

    def test_scripts_do_not_depend_on_the_database_or_config(self):
        for shell in SCRIPTS:
            self.assertEqual(self.ok("completion", shell), self.ok("completion", shell, env={"POM_DB": None}))

    def test_every_subcommand_and_option_is_in_the_bash_script(self):
        # Walk `--help` of every command the way a person would and find each name in the script.
        script = self.ok("completion", "bash")
        for path in [["customer", "list"], ["appt", "series", "edit"], ["pool", "add"], ["worker", "edit"]]:
            self.assertIn(f"['pom {' '.join(path)}']", script.replace('"', "'"))
        for flag in ["--status", "--search", "--tag", "--limit", "--unassign", "--gallons", "--inactive",
                     "--dry-run", "--fields", "--output", "-o"]:
            self.assertIn(flag, script)

    def test_unknown_shell_and_kind(self):
        self.assertRefused(["completion", "tcsh"], 64, "unknown command 'tcsh' (valid: bash, zsh, fish)")
        self.assertRefused(["completion", "ids", "invoice"], 64, "invoice not in {customer,worker,pool}")


class Candidates(PomTest):
    """pom completion ids: what the scripts ask for."""

    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Desert Oasis", "--ref", "C-1001", "--company", "Oasis LLC")
        self.ok("customer", "add", "--name", "Ann Smith")
        self.ok("customer", "add", "--name", "Zed Gone", "--ref", "C-1003", "--status", "inactive")
        self.ok("worker", "add", "--name", "Maria Lopez")
        self.ok("worker", "add", "--name", "Sam Ortiz", "--role", "office")
        self.ok("pool", "add", "--customer", "C-1001", "--street", "1 Palm Way")

    def test_customers_by_ref_else_id_active_first(self):
        self.assertEqual(self.ok("completion", "ids", "customer"),
                         "2\tAnn Smith\nC-1001\tDesert Oasis (Oasis LLC)\nC-1003\tZed Gone\n")

    def test_workers_by_name(self):
        self.assertEqual(self.ok("completion", "ids", "worker"), "Maria Lopez\ttechnician\nSam Ortiz\toffice\n")

    def test_pools_by_id(self):
        self.assertEqual(self.ok("completion", "ids", "pool"), "1\tDesert Oasis: Pool, 1 Palm Way\n")

    def test_quiet_without_a_database(self):
        r = self.pom("completion", "ids", "customer", env={"POM_DB": os.path.join(self.dir, "missing.db")})
        self.assertEqual((r.code, r.out, r.err), (0, "", ""))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "missing.db")))


class Shells(PomTest):
    """Each script in its real shell, against a database with customers and workers."""

    def setUp(self):
        super().setUp()
        self.ok("customer", "add", "--name", "Desert Oasis", "--ref", "C-1001")
        self.ok("customer", "add", "--name", "Cactus Court", "--ref", "C-1002")
        self.ok("worker", "add", "--name", "Maria Lopez")
        self.ok("worker", "add", "--name", "Sam Ortiz")
        self.other = os.path.join(self.dir, "other.db")
        self.ok("init", "--db", self.other)
        self.ok("customer", "add", "--db", self.other, "--name", "Other Co", "--ref", "X-9")
        self.shell_env = dict(self.env)
        self.shell_env["PATH"] = os.path.dirname(os.path.abspath(POM)) + os.pathsep + self.env["PATH"]
        self.shell_env["XDG_CONFIG_HOME"] = os.path.join(self.dir, "config")
        self.shell_env["XDG_DATA_HOME"] = os.path.join(self.dir, "data")

    def run_shell(self, argv, input=None, env=None):
        e = dict(self.shell_env)
        e.update(env or {})
        p = subprocess.run(argv, input=input, capture_output=True, text=True, env=e, timeout=60, cwd=self.dir)
        self.assertEqual(p.returncode, 0, f"{argv[0]} failed: {p.stderr}")
        self.assertEqual(p.stderr, "", f"{argv[0]} wrote to stderr")
        return p.stdout

    # --- bash (with bash-completion, as Debian loads it) ------------------------------------

    def bash(self, words, env=None):
        """Completes the last of `words` (as bash splits the line) and returns the candidates."""
        if not os.path.exists(BASH_COMPLETION):
            self.skipTest("bash-completion is not installed")
        quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
        script = f"""
source {BASH_COMPLETION}
source '{os.path.join(COMPLETIONS, "pom.bash")}'
spec=$(complete -p pom) || exit 3
fn=${{spec#*-F }}; fn=${{fn%% *}}
COMP_WORDS=({quoted})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
"$fn" pom "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
        out = self.run_shell(["bash", "--norc", "--noprofile", "-c", script], env=env)
        return [line for line in out.split("\n") if line]

    def test_bash_subcommands_at_every_depth(self):
        self.assertEqual(self.bash(["pom", "cust"]), ["customer"])
        self.assertEqual(self.bash(["pom", "customer", ""]), ["add", "list", "show", "edit", "import", "timeline"])
        self.assertEqual(self.bash(["pom", "appt", "series", "s"]), ["show", "suspend"])
        self.assertEqual(self.bash(["pom", "--db", self.db, "-o", "json", "wor"]), ["worker"])
        self.assertEqual(self.bash(["pom", "completion", ""]), ["bash", "zsh", "fish"])  # not the hidden ids

    def test_bash_options_and_choices(self):
        self.assertEqual(self.bash(["pom", "customer", "list", "--st"]), ["--status"])
        self.assertEqual(self.bash(["pom", "customer", "list", "--status", ""]), ["lead", "active", "inactive"])
        self.assertEqual(self.bash(["pom", "customer", "list", "--dr"]), ["--dry-run"])  # global, after the command
        self.assertEqual(self.bash(["pom", "-o", "js"]), ["json", "jsonl"])
        self.assertEqual(self.bash(["pom", "customer", "list", "--output", "=", "c"]), ["csv"])
        self.assertEqual(self.bash(["pom", "worker", "add", "--role", "o"]), ["office"])
        # An option's value is not taken for a subcommand or an argument.
        self.assertEqual(self.bash(["pom", "--as", "customer", "cu"]), ["customer"])

    def test_bash_customers_and_workers_from_the_database(self):
        self.assertEqual(self.bash(["pom", "appt", "add", "--customer", ""]), ["C-1002", "C-1001"])
        self.assertEqual(self.bash(["pom", "customer", "show", "C-100"]), ["C-1002", "C-1001"])
        self.assertEqual(self.bash(["pom", "appt", "add", "--worker", "Ma"]), ["Maria\\ Lopez"])
        self.assertEqual(self.bash(["pom", "worker", "show", ""]), ["Maria\\ Lopez", "Sam\\ Ortiz"])
        # --db on the command line is the database asked.
        self.assertEqual(self.bash(["pom", "--db", self.other, "customer", "show", ""]), ["X-9"])
        self.assertEqual(self.bash(["pom", "customer", "show", ""], env={"POM_DB": self.other}), ["X-9"])

    def test_bash_without_a_database_is_quiet(self):
        missing = os.path.join(self.dir, "missing.db")
        self.assertEqual(self.bash(["pom", "customer", "show", ""], env={"POM_DB": missing}), [])
        self.assertEqual(self.bash(["pom", "appt", "add", "--worker", ""], env={"POM_DB": missing}), [])
        self.assertFalse(os.path.exists(missing))

    def test_bash_files(self):
        open(os.path.join(self.dir, "customers.csv"), "w").close()
        self.assertEqual(self.bash(["pom", "customer", "import", "custo"]), ["customers.csv"])
        self.assertEqual(self.bash(["pom", "--config", "pom.t"]), ["pom.toml"])

    # --- fish ---------------------------------------------------------------------------------

    def fish(self, line, env=None):
        if not shutil.which("fish"):
            self.skipTest("fish is not installed")
        script = f"source '{os.path.join(COMPLETIONS, 'pom.fish')}'; complete -C '{line}'"
        out = self.run_shell(["fish", "--no-config", "-c", script], env=env)
        return [tuple(line.split("\t")) for line in out.split("\n") if line]

    def values(self, pairs):
        return [p[0] for p in pairs]

    def test_fish(self):
        self.assertEqual(self.fish("pom cust"), [("customer", "Customers: add, list, show, edit, import")])
        self.assertEqual(self.values(self.fish("pom customer ")), ["add", "edit", "import", "list", "show", "timeline"])
        self.assertEqual(self.values(self.fish("pom appt series su")), ["suspend"])
        self.assertEqual(self.values(self.fish("pom customer list --status ")), ["active", "inactive", "lead"])
        self.assertIn("--dry-run", self.values(self.fish("pom customer list --dr")))
        self.assertEqual(self.values(self.fish("pom -o jso")), ["json", "jsonl"])
        self.assertEqual(self.fish("pom appt add --customer C-"), [("C-1001", "Desert Oasis"), ("C-1002", "Cactus Court")])
        self.assertEqual(self.values(self.fish("pom worker show ")), ["Maria Lopez", "Sam Ortiz"])
        self.assertEqual(self.values(self.fish(f"pom --db {self.other} customer show ")), ["X-9"])
        self.assertEqual(self.fish("pom customer show ", env={"POM_DB": os.path.join(self.dir, "missing.db")}), [])

    # --- zsh ----------------------------------------------------------------------------------

    def test_zsh_loads_with_compinit(self):
        if not shutil.which("zsh"):
            self.skipTest("zsh is not installed")
        script = (f"autoload -U compinit; compinit -u -d {self.dir}/zcompdump; "
                  f"source '{os.path.join(COMPLETIONS, '_pom')}'; "
                  "print -r -- $_comps[pom]; (( $+functions[_pom__appt__series__edit] )) && print edit")
        self.assertEqual(self.run_shell(["zsh", "-f", "-c", script]), "_pom\nedit\n")

    def zsh(self, line, env=None):
        """Completes `line` in an interactive zsh (under zpty, through compinit and _main_complete)
        and returns the candidates, capturing what the completion functions hand to compadd."""
        if not shutil.which("zsh"):
            self.skipTest("zsh is not installed")
        harness = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zsh_complete.zsh")
        out = self.run_shell(["zsh", "-f", harness, COMPLETIONS, line], env=env)
        return [line for line in out.split("\n") if line]

    def test_zsh(self):
        self.assertEqual(self.zsh("pom cust"), ["customer"])
        self.assertEqual(sorted(self.zsh("pom customer ")), ["add", "edit", "import", "list", "show", "timeline"])
        self.assertEqual(sorted(self.zsh("pom appt series s")), ["show", "suspend"])
        self.assertEqual(sorted(self.zsh("pom customer list --status ")), ["active", "inactive", "lead"])
        self.assertIn("--dry-run", self.zsh("pom customer list --dr"))
        self.assertEqual(sorted(self.zsh("pom appt add --customer C-")), ["C-1001", "C-1002"])
        self.assertEqual(sorted(self.zsh("pom worker show ")), ["Maria\\ Lopez", "Sam\\ Ortiz"])  # quoted as inserted
        self.assertEqual(self.zsh(f"pom --db {self.other} customer show "), ["X-9"])


if __name__ == "__main__":
    unittest.main()
