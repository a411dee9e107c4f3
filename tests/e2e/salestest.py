"""Shared set-up for the sales and customer-service tests: an office worker, a technician, and
helpers to run pom at a given local time and read tables the commands do not print."""
import sqlite3

from pomtest import PomTest
from refusal import Refusals


class SalesTest(Refusals, PomTest):
    def setUp(self):
        super().setUp()
        self.ok("worker", "add", "--name", "Dana Office", "--role", "office")
        self.ok("worker", "add", "--name", "Maria Lopez", "--role", "technician")

    def at(self, when, *args):
        """pom at a local time (2026-11-24T09:00:00), JSON output parsed."""
        return self.json(*args, env={"POM_NOW": when})

    def lead(self, name="Ann Smith", email="ann@example.com", **kw):
        args = ["customer", "add", "--name", name]
        if email:
            args += ["--email", email]
        return self.json(*args, **kw)[0]

    def rows(self, sql, *params):
        return self.sql(sql, *params)

    def customer(self, key):
        return self.json("customer", "show", str(key))[0]
