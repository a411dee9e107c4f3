"""A refusal checked in both error forms: the human line and, with -o json, the JSON object."""
import json

# Which machine error codes may go with an exit status (error.json, pom help exit-codes).
CODES = {
    1: {"not_found", "conflict", "transition_not_allowed"},
    64: {"usage"},
    65: {"bad_input", "newer_database"},
    66: {"no_input"},
    70: {"internal"},
    74: {"io"},
    75: {"busy"},
    77: {"permission"},
    78: {"config"},
}


class Refusals:
    """Mixed into a PomTest."""

    def assertRefusedBoth(self, args, code, message, input=None):
        """assertRefused, then the same command with -o json: the same exit code, nothing on stdout,
        the database unchanged, and on stderr one JSON object alone that validates against
        error.json and carries the exit code and the message of the human line.""" 
        self.assertRefused(args, code, message, input=input)
        if "-o" in args or "--output" in args:
            return
        before = self.dump()
        r = self.pom(*args, "-o", "json", input=input)
        self.assertEqual(r.code, code, r)
        self.assertEqual(r.out, "", r)
        self.assertEqual(self.dump(), before)
        lines = r.err.splitlines()
        self.assertEqual(len(lines), 1, r.err)
        err = json.loads(lines[0])
        self.validate("error", err)
        self.assertEqual(err["error"]["exit"], code)
        human = self.pom(*args, input=input).err
        self.assertEqual(human, "pom: error: " + err["error"]["message"] + "\n")
        self.assertIn(message, err["error"]["message"])
        self.assertIn(err["error"]["code"], CODES[code])
