import unittest

from pomtest import PomTest


class Smoke(PomTest):
    def test_add_and_list(self):
        added = self.json("customer", "add", "--name", "Ann Smith", "--ref", "C-1")
        self.assertEqual(added[0]["name"], "Ann Smith")
        listed = self.json("customer", "list")
        self.assertEqual([c["ref"] for c in listed], ["C-1"])


if __name__ == "__main__":
    unittest.main()
