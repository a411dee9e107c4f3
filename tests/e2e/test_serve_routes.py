"""pom serve: the office's write routes, a customer's pools, the stored photo's file, and answers
read after their commit that still show the change, also with many writers at once."""
import glob
import json
import os
import re
import threading

from pomtest import SOURCE

from test_serve import Server, ServeTest, png


class OfficeRoutes(ServeTest):
    def test_a_customers_pools_by_the_customer_in_the_path(self):
        self.ok("pool", "add", "--customer", "Ana Ortiz", "--body", "spa", "--name", "Spa")
        pools = self.ok_call("Olga Office", "GET", "/customers/Ana%20Ortiz/pools")
        self.assertEqual(pools, self.json("pool", "list", "--customer", "Ana Ortiz"))
        self.assertEqual(len(pools), 2)
        self.assertEqual({p["customer_id"] for p in pools}, {1})
        # By id as well as by name; inactive pools with all=true, as the command's --all.
        self.assertEqual(self.ok_call("Olga Office", "GET", "/customers/1/pools"), pools)
        self.assertEqual(len(self.ok_call("Olga Office", "GET", "/customers/2/pools?all=true")), 1)
        # The customer is the path's: not a query field too.
        self.refused("Olga Office", "GET", "/customers/1/pools?customer=2", 400, "usage", "unknown field 'customer'")
        self.refused("Olga Office", "GET", "/customers/Nobody/pools", 404, "not_found", "Nobody")
        doc = self.openapi["paths"]["/customers/{customer}/pools"]["get"]
        self.assertEqual(doc["x-pom-command"], "pom pool list")
        self.assertEqual([p["name"] for p in doc["parameters"] if p["in"] == "path"], ["customer"])
        self.assertNotIn("customer", [p["name"] for p in doc["parameters"] if p["in"] == "query"])

    def test_the_office_schedules_assigns_and_moves_a_visit(self):
        added = self.ok_call("Olga Office", "POST", "/appointments",
                             {"customer": "Cara Diaz", "date": "2026-11-24", "window": "09:00-11:00"})
        self.assertEqual(len(added), 1)
        v = added[0]["id"]
        self.assertEqual(added, self.json("appt", "list", "--date", "2026-11-24"))
        self.assertEqual((added[0]["date"], added[0]["worker"], added[0]["customer"]), ("2026-11-24", None, "Cara Diaz"))
        self.assertEqual(self.sql("SELECT actor FROM audit_log WHERE entity = 'appointment' AND entity_id = ? AND action = 'create'", v),
                         [("Olga Office",)])
        assigned = self.ok_call("Olga Office", "POST", f"/appointments/{v}/assign", {"worker": "Tom Reed"})
        self.assertEqual(assigned[0]["worker"], "Tom Reed")
        moved = self.ok_call("Olga Office", "POST", f"/appointments/{v}/move", {"date": "2026-11-25"})
        self.assertEqual((moved[0]["id"], moved[0]["date"], moved[0]["worker"]), (v, "2026-11-25", "Tom Reed"))
        self.assertEqual(moved, self.json("appt", "list", "--date", "2026-11-25"))
        # Refusals change nothing: a technician may not schedule, a day in the past, a field the
        # command does not take.
        self.refused("Maria Lopez", "POST", "/appointments", 403, "permission", "may not appt add",
                     {"customer": "Cara Diaz", "date": "2026-11-24"})
        self.refused("Olga Office", "POST", "/appointments", 422, "bad_input", "in the past",
                     {"customer": "Cara Diaz", "date": "2026-11-20"})
        self.refused("Olga Office", "POST", "/appointments", 400, "usage", "unknown field 'colour'",
                     {"customer": "Cara Diaz", "colour": "blue"})
        self.refused("Olga Office", "POST", f"/appointments/{v}/move", 400, "usage", "date", {})


class PhotoFile(ServeTest):
    def test_the_answer_names_the_stored_photo_not_the_temporary_file(self):
        v = self.maria["id"]
        s = self.ok_call("Maria Lopez", "POST", f"/appointments/{v}/service", {})[0]["id"]
        photo = self.ok_call("Maria Lopez", "POST", f"/services/{s}/photos", raw=png(3, 3), content_type="image/png")[0]
        self.assertTrue(photo["file"].endswith("/" + photo["sha256"][:2] + "/" + photo["sha256"] + ".png"), photo)
        self.assertNotIn("pom-serve-", photo["file"])
        self.assertTrue(os.path.isfile(photo["file"]), photo)
        self.assertEqual(os.path.getsize(photo["file"]), photo["bytes"])
        # The same image again: stored once, the same file.
        again = self.ok_call("Maria Lopez", "POST", f"/services/{s}/photos", raw=png(3, 3), content_type="image/png")[0]
        self.assertEqual((again["file"], again["already_stored"]), (photo["file"], True))


class AnswersAfterCommit(ServeTest):
    def test_each_answer_shows_its_own_change_while_others_write(self):
        """Writers no longer wait for each other's answers to be read: each answer is still read
        after its own change, on the same connection, and shows it (and every earlier one)."""
        tickets = []
        for i in range(6):
            v = self.add("--customer", ["Ana Ortiz", "Bob Smith", "Cara Diaz"][i % 3], "--date", "today",
                         "--worker", "Maria Lopez")["id"]
            tickets.append(self.ok_call("Ada Admin", "POST", f"/appointments/{v}/service", {})[0]["id"])
        doses = 8
        problems = []

        def writer(s):
            for k in range(1, doses + 1):
                a = self.call("Ada Admin", "POST", f"/services/{s}/doses",
                              {"chemical": "Liquid chlorine", "amount": f"{k}.5", "unit": "gal"})
                if a.status != 200:
                    problems.append(f"{s}: {a}")
                    return
                got = a.json()[0]
                amounts = [d.get("amount") for d in got["doses"]]
                if got["id"] != s or len(got["doses"]) != k:
                    problems.append(f"ticket {s}, dose {k}: the answer has {len(got['doses'])} doses: {amounts}")
            a = self.call("Ada Admin", "POST", f"/services/{s}/notes", {"text": f"note of {s}"})
            if a.status != 200 or [n["text"] for n in a.json()[0]["notes"]] != [f"note of {s}"]:
                problems.append(f"ticket {s}: the note's answer {a}")

        threads = [threading.Thread(target=writer, args=(s,)) for s in tickets]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(problems, [])
        for s in tickets:
            self.assertEqual(len(self.json("service", "show", str(s))[0]["doses"]), doses)
        # A status change's answer shows the new status.
        v = self.add("--customer", "Bob Smith", "--date", "today", "--worker", "Tom Reed")["id"]
        self.assertEqual(self.ok_call("Tom Reed", "POST", f"/appointments/{v}/on-my-way", {})[0]["status"], "en_route")
        self.assertEqual(self.ok_call("Tom Reed", "POST", f"/appointments/{v}/start", {})[0]["status"], "in_progress")

    def test_the_command_lines_answer_is_unchanged(self):
        """The command line reads its answer inside its transaction, as before: the same record as
        the server's answer to the same change."""
        v = self.maria["id"]
        s = self.json("service", "start", str(v))[0]["id"]
        cli = self.json("service", "dose", str(s), "--chemical", "Liquid chlorine", "--amount", "1.5", "--unit", "gal")
        api = self.ok_call("Maria Lopez", "GET", f"/services/{s}")
        self.assertEqual(cli[0], api)
        # A dry run answers with the change it would make, and writes nothing.
        dry = self.json("service", "dose", str(s), "--chemical", "Muriatic acid", "--amount", "16", "--unit", "floz", "--dry-run")
        self.assertEqual(len(dry[0]["doses"]), 2)
        self.assertEqual(len(self.json("service", "show", str(s))[0]["doses"]), 1)


class KeptCommandTrees(ServeTest):
    def test_no_value_of_one_request_reaches_the_next(self):
        """With one thread every request parses the same kept command tree: what one request gave
        (a flag, a filter, a value refused half-way) is gone for the next."""
        self.server.stop()
        self.server = Server(self, "--threads", "1")
        v = self.maria["id"]
        s = self.ok_call("Olga Office", "POST", f"/appointments/{v}/service", {})[0]["id"]
        self.ok_call("Olga Office", "POST", f"/services/{s}/notes", {"text": "Dog bit the net", "private": True})
        notes = self.ok_call("Olga Office", "POST", f"/services/{s}/notes", {"text": "Brushed the walls"})[0]["notes"]
        self.assertEqual([(n["text"], n["private"]) for n in notes], [("Dog bit the net", True), ("Brushed the walls", False)])
        self.assertEqual(len(self.ok_call("Olga Office", "GET", "/appointments?date=today&status=completed")), 0)
        self.assertEqual(len(self.ok_call("Olga Office", "GET", "/appointments?date=today")), 2)
        self.refused("Olga Office", "POST", f"/services/{s}/doses", 422, "bad_input", "--amount",
                     {"chemical": "Liquid chlorine", "amount": "lots", "unit": "gal"})
        self.refused("Olga Office", "POST", f"/services/{s}/doses", 400, "usage", "--unit",
                     {"chemical": "Liquid chlorine", "amount": "1"})
        doses = self.ok_call("Olga Office", "POST", f"/services/{s}/doses",
                             {"chemical": "Muriatic acid", "amount": "16", "unit": "floz"})[0]["doses"]
        self.assertEqual(len(doses), 1)
        self.ok_call("Olga Office", "POST", f"/services/{s}/check", {"all": True})
        checked = self.ok_call("Olga Office", "POST", f"/services/{s}/uncheck", {"item": ["skim"]})[0]["checklist"]
        self.assertEqual(sum(1 for c in checked if not c["done"]), 1, checked)
        # The technician's own filter is put in again for her, not kept from the office's request.
        self.assertEqual([a["id"] for a in self.ok_call("Maria Lopez", "GET", "/appointments?date=today")], [v])
        self.assertEqual(len(self.ok_call("Olga Office", "GET", "/appointments?date=today")), 2)

    def test_every_option_value_is_made_with_cli_bound(self):
        """A value a command's callbacks hold that Cli::bound did not make would not be put back
        between two requests on a kept tree: the next request would inherit it."""
        found = []
        for path in sorted(glob.glob(os.path.join(SOURCE, "cmd", "*.cpp"))):
            if os.path.basename(path) in ("cli.cpp", "serve.cpp"):
                continue
            with open(path) as f:
                for n, line in enumerate(f, 1):
                    if re.search(r"=\s*std::make_shared<", line):
                        found.append(f"{os.path.basename(path)}:{n}: {line.strip()}")
        self.assertEqual(found, [], "use cli.bound<T>(...) for a command's option values")
