"""pom note add|list|show|search: notes as written, linked to tickets and visits, full-text search."""
import os
import unittest

from pomtest import DbError
from salestest import SalesTest


class Notes(SalesTest):
    def setUp(self):
        super().setUp()
        self.json("customer", "add", "--name", "Ann Smith", "--status", "active")
        self.json("customer", "add", "--name", "Bob Jones", "--status", "active")
        self.ok("ticket", "add", "--customer", "Ann Smith", "--category", "warranty", "--severity", "high", "--summary", "Heater leak",
                "--told", "We will call", "--owner", "Dana", "--source", "meeting")

    def note(self, customer, text, kind="meeting", *extra):
        return self.json("note", "add", "--customer", customer, "--kind", kind, "--text", text, *extra)[0]

    def test_add_text_file_and_stdin(self):
        n = self.note("Ann Smith", "Walked the yard with Ann. Promised the heater union gets replaced under warranty.",
                      "meeting", "--ticket", "1")
        self.validate("note", n)
        self.assertEqual((n["id"], n["ticket_id"], n["kind"], n["author"], n["source_file"]), (1, 1, "meeting", "tester", None))
        path = os.path.join(self.dir, "call-2026-11-23.txt")
        with open(path, "w") as f:
            f.write("Speaker 1: the pump hums at night.\nSpeaker 2: we will check the bearings.\n")
        n = self.json("note", "add", "--customer", "Bob Jones", "--kind", "transcript", "--file", path)[0]
        self.assertEqual((n["source_file"], n["text"].count("\n")), ("call-2026-11-23.txt", 2))
        n = self.json("note", "add", "--customer", "Bob Jones", "--kind", "internal", "--file", "-", input="Gate code changed\n")[0]
        self.assertEqual((n["source_file"], n["text"]), ("stdin", "Gate code changed\n"))
        self.assertEqual([n["id"] for n in self.json("note", "list", "--customer", "Bob Jones")], [2, 3])
        self.assertEqual([n["id"] for n in self.json("note", "list", "--ticket", "1")], [1])
        self.assertEqual([n["id"] for n in self.json("note", "list", "--kind", "transcript")], [2])
        self.validate("note", self.json("note", "show", "2"))

    def test_search_is_ranked_with_snippets(self):
        self.note("Ann Smith", "Heater union drips when the heater runs; the heater is under warranty.")
        self.note("Bob Jones", "Asked about a new heater for the spa next spring.", "call")
        self.note("Bob Jones", "Pump bearings noisy.", "internal")
        hits = self.json("note", "search", "heater")
        self.validate("note-hit", hits)
        self.assertEqual([(h["rank"], h["id"]) for h in hits], [(1, 1), (2, 2)])  # three mentions rank above one
        self.assertIn("[Heater] union drips", hits[0]["snippet"])
        self.assertEqual([h["id"] for h in self.json("note", "search", "heater", "spring")], [2])  # every word must match
        self.assertEqual([h["id"] for h in self.json("note", "search", "bear*")], [3])              # prefix
        self.assertEqual([h["id"] for h in self.json("note", "search", "runs")], [1])              # porter stemming: run/runs
        self.assertEqual([h["id"] for h in self.json("note", "search", "heater", "--customer", "Bob Jones")], [2])
        self.assertEqual([h["id"] for h in self.json("note", "search", "heater", "--limit", "1")], [1])
        # FTS syntax typed by someone is taken as words, never as a query
        self.assertEqual(self.json("note", "search", "heater OR pump"), [])
        self.assertEqual([h["id"] for h in self.json("note", "search", 'heater"', "NEAR(")], [])
        self.assertEqual(self.json("note", "search", "nothing-like-this"), [])

    def test_notes_are_kept_as_written(self):
        self.note("Ann Smith", "Told Ann Friday.")
        with self.assertRaisesRegex(DbError, "add a new note instead"):
            self.sql("UPDATE note SET text = 'Told Ann Monday.'")
        self.assertEqual(self.json("log", "--entity", "note")[0]["after"]["text"], "Told Ann Friday.")

    def test_bad_input_is_refused(self):
        empty = os.path.join(self.dir, "empty.txt")
        open(empty, "w").close()
        self.ok("callback", "add", "--customer", "Bob Jones", "--contact", "sms", "--reason", "R", "--owner", "Dana",
                "--due", "tomorrow", "--summary", "S")
        base = ["note", "add", "--customer", "Ann Smith", "--kind", "meeting"]
        cases = [
            (base, 64, "give the note with --text or --file"),
            (base + ["--text", "a", "--file", empty], 64, "excludes"),
            (base + ["--text", "  \n "], 65, "--text: the note is empty"),
            (base + ["--file", empty], 65, "the note is empty"),
            (base + ["--file", os.path.join(self.dir, "missing.txt")], 66, "cannot read"),
            (base + ["--file", self.dir], 66, "it is a directory"),
            (["note", "add", "--customer", "Ann Smith", "--kind", "gossip", "--text", "x"], 64, "--kind"),
            (["note", "add", "--customer", "Nobody", "--kind", "call", "--text", "x"], 1, "no customer 'Nobody'"),
            (base + ["--text", "x", "--callback", "1"], 1, "--callback: callback 1 belongs to another customer"),
            (base + ["--text", "x", "--ticket", "5"], 1, "--ticket: no ticket with id 5"),
            (base + ["--text", "x", "--appt", "5"], 1, "--appt: no appointment with id 5"),
            (["note", "search"], 64, "WORDS is required"),
            (["note", "search", "!!", "??"], 65, "WORDS: give at least one word to search for"),
            (["note", "show", "4"], 1, "no note with id 4"),
        ]
        for args, code, message in cases:
            with self.subTest(args=args):
                self.assertRefusedBoth(args, code, message)


if __name__ == "__main__":
    unittest.main()
