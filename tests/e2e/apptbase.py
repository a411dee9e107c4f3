"""A small pool company for the appointment, notice and calendar tests: two technicians, three
customers with one pool each. POM_NOW is Monday 2026-11-23 08:00 in Phoenix."""
from pomtest import PomTest


class Company(PomTest):
    config = ('timezone = "America/Phoenix"\n'
              'working_days = ["mon", "tue", "wed", "thu", "fri", "sat"]\n'
              '[company]\nname = "Blue Wave Pools"\nphone = "(602) 555-0199"\nemail = "office@bluewave.example"\n')

    def setUp(self):
        super().setUp()
        self.ok("worker", "add", "--name", "Maria Lopez")
        self.ok("worker", "add", "--name", "Tom Reed")
        self.ok("customer", "add", "--name", "Ana Ortiz", "--email", "ana@example.com", "--phone", "602-555-0101",
                "--opt-in", "602-555-0101", "--street", "12 Palm Ln", "--city", "Phoenix")
        self.ok("customer", "add", "--name", "Bob Smith", "--email", "bob@example.com", "--phone", "602-555-0102",
                "--street", "40 Cactus Rd", "--city", "Tempe")
        self.ok("customer", "add", "--name", "Cara Diaz", "--street", "7 Mesa Dr", "--city", "Mesa")
        self.ok("pool", "add", "--customer", "Ana Ortiz", "--gate-code", "4321", "--access-notes", "Side gate", "--dog")
        self.ok("pool", "add", "--customer", "Bob Smith")
        self.ok("pool", "add", "--customer", "Cara Diaz", "--body", "spa")

    def add(self, *args, **kw):
        """Adds one visit; returns its record."""
        rows = self.json("appt", "add", *args, **kw)
        self.validate("appointment", rows)
        self.assertEqual(len(rows), 1)
        return rows[0]

    def appt(self, id):
        return self.json("appt", "show", str(id))[0]

    def count(self, sql):
        return self.sql(sql)[0][0]
