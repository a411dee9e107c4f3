"""New rows' ids are SQLite's on both engines: max(id) + 1 of the table when the row is written, so
an id freed by deleting a table's highest rows is given again, in the same transaction too (on
PostgreSQL pom gives the ids itself inside a write transaction, and the pom_assign_id trigger gives
those of rows written by anyone else)."""
import json
import unittest

from apptbase import Company
from pomtest import ENGINE, SCHEMA_VERSION, psql, undo_migrations


class Ids(Company):
    def setUp(self):
        super().setUp()
        # Every Tuesday from tomorrow, four weeks: visits 1-4, with their first events 1-4.
        self.ok("appt", "add", "--customer", "Ana Ortiz", "--date", "2026-11-24", "--repeat", "every tue",
                "--window", "09:00-10:00", "--through", "+4w")

    def visits(self):
        return [(a["id"], a["date"]) for a in self.json("appt", "list", "--series", "1")]

    def events(self):
        return self.sql("SELECT id, appointment_id, to_status FROM appointment_event ORDER BY id")

    def test_visits_deleted_by_a_new_rule_give_their_ids_to_the_new_visits_in_the_same_transaction(self):
        self.assertEqual(self.visits(), [(1, "2026-11-24"), (2, "2026-12-01"), (3, "2026-12-08"), (4, "2026-12-15")])
        # One transaction deletes visits 2-4 (and their events) and writes the new rule's visits.
        self.json("appt", "series", "edit", "1", "--rule", "every 2 weeks on thu", "--from", "2026-12-01")
        self.assertEqual(self.visits(), [(1, "2026-11-24"), (2, "2026-12-03"), (3, "2026-12-17")])
        self.assertEqual(self.events(), [(1, 1, "scheduled"), (2, 2, "scheduled"), (3, 3, "scheduled")])
        # And the next command goes on from there.
        self.assertEqual(self.json("appt", "add", "--customer", "Bob Smith", "--date", "2026-11-25")[0]["id"], 4)

    def test_a_batch_sees_the_ids_its_own_lines_freed(self):
        script = "".join(json.dumps(line) + "\n" for line in [
            ["appt", "add", "--customer", "Bob Smith", "--date", "2026-11-25"],                      # visit 5
            ["appt", "series", "edit", "1", "--rule", "every 2 weeks on thu", "--from", "2026-12-01"],  # 2-4 go, 6, 7 come
            ["appt", "add", "--customer", "Cara Diaz", "--date", "2026-11-26"],                      # visit 8
        ])
        r = self.pom("batch", "-", input=script)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(self.visits(), [(1, "2026-11-24"), (6, "2026-12-03"), (7, "2026-12-17")])
        self.assertEqual([a["id"] for a in self.json("appt", "list", "--from", "2026-11-25", "--to", "2026-11-26")], [5, 8])
        self.assertEqual([e[0] for e in self.events()], [1, 5, 6, 7, 8])

    def test_a_rolled_back_command_leaves_its_ids_free(self):
        script = "".join(json.dumps(line) + "\n" for line in [
            ["appt", "add", "--customer", "Bob Smith", "--date", "2026-11-25"],
            ["appt", "add", "--customer", "Nobody", "--date", "2026-11-25"],  # fails: the batch rolls back
        ])
        r = self.pom("batch", "-", input=script)
        self.assertNotEqual(r.code, 0, r)
        self.assertEqual(self.json("appt", "add", "--customer", "Bob Smith", "--date", "2026-11-25")[0]["id"], 5)

    def test_rows_written_outside_pom_take_the_next_id_and_pom_goes_on_after_them(self):
        self.sql("INSERT INTO appointment_event (appointment_id, from_status, to_status, at, recorded_at, actor) "
                 "VALUES (4, 'scheduled', 'scheduled', '2026-11-23T15:00:00Z', '2026-11-23T15:00:00Z', 'script')")
        self.sql("INSERT INTO appointment_event (id, appointment_id, from_status, to_status, at, recorded_at, actor) "
                 "VALUES (9, 4, 'scheduled', 'scheduled', '2026-11-23T15:00:00Z', '2026-11-23T15:00:00Z', 'script')")
        self.assertEqual([e[0] for e in self.events()], [1, 2, 3, 4, 5, 9])
        self.ok("appt", "cancel", "1", "--reason", "customer away")
        self.assertEqual(self.events()[-1], (10, 1, "cancelled"))

    def guarded_triggers(self):
        """How many of the id triggers skip a row that has its id (schema 19), and how many there are."""
        if ENGINE != "postgresql":
            return None
        out = psql(self.db, "SELECT count(*) FILTER (WHERE pg_get_triggerdef(oid) LIKE '%WHEN ((new.id IS NULL))%'), "
                            "count(*) FROM pg_trigger WHERE tgname = 'pom_assign_id'").stdout.strip()
        return tuple(int(n) for n in out.split("\x1f"))

    def test_a_schema_18_database_with_rows_is_migrated_to_19_and_its_ids_go_on(self):
        self.ok("appt", "expand", "--through", "+8w")
        before = self.visits()
        n = len(before)
        self.assertEqual([v[0] for v in before], list(range(1, n + 1)))
        self.assertGreaterEqual(n, 8)
        undo_migrations(self.db, 18)
        if ENGINE == "postgresql":
            guarded, total = self.guarded_triggers()
            self.assertEqual(guarded, 0)
            self.assertGreater(total, 30)
        r = self.json("init")[0]
        self.assertEqual((r["schema_version"], r["migrated_from"]), (SCHEMA_VERSION, 18))
        if ENGINE == "postgresql":
            guarded, total2 = self.guarded_triggers()
            self.assertEqual((guarded, total2), (total, total))
        self.assertEqual(self.visits(), before)
        # A row written without an id still takes the next one; pom's own rows go on after it.
        self.sql("INSERT INTO appointment_event (appointment_id, from_status, to_status, at, recorded_at, actor) "
                 "VALUES (4, 'scheduled', 'scheduled', '2026-11-23T15:00:00Z', '2026-11-23T15:00:00Z', 'script')")
        self.assertEqual([e[0] for e in self.events()], list(range(1, n + 2)))
        self.ok("appt", "expand", "--through", "+12w")
        after = self.visits()
        m = len(after) - n
        self.assertGreaterEqual(m, 4)
        self.assertEqual(after[:n], before)
        self.assertEqual([v[0] for v in after], list(range(1, n + m + 1)))
        self.assertEqual([(e[0], e[1], e[2]) for e in self.events()[n + 1:]],
                         [(n + 2 + k, n + 1 + k, "scheduled") for k in range(m)])
        # Again: nothing to do, nothing written twice.
        self.assertEqual(self.json("appt", "expand", "--through", "+12w"), [])
        self.assertEqual(self.visits(), after)
        self.assertEqual(self.json("db", "check")[0]["integrity"], "ok")


if __name__ == "__main__":
    unittest.main()
