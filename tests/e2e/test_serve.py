"""pom serve: the HTTP JSON API driven over loopback, on both engines.

Every answer a test gets is checked against what the server's own /openapi.json says the route
answers (the record schemas of schemas/, the error object), so the description cannot drift from
the server."""
import base64
import http.client
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import threading
import time
import unittest
import zlib

import jsonschema

from apptbase import Company
from pomtest import ENGINE, POM, SCHEMAS


def png(width=2, height=2):
    """A real PNG image, small."""
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))

    def chunk(kind, data):
        return (len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big"))

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class Server:
    """A running `pom serve` on a free loopback port; stopped by SIGTERM."""

    def __init__(self, test, *args, env=None):
        e = dict(test.env)
        e.update(env or {})
        self.proc = subprocess.Popen([POM, "serve", "--listen", "127.0.0.1:0", *args], env=e,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        m = re.search(r"listening on (https?)://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.proc.kill()
            raise AssertionError(f"pom serve did not start: {line!r} {self.proc.stderr.read()!r}")
        self.tls = m.group(1) == "https"
        self.port = int(m.group(2))
        self.log = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.log.append(line)

    def connection(self):
        if self.tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self._reader.join(timeout=5)
        return code


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<HTTP {self.status} {self.body[:300]!r}>"


class ServeTest(Company):
    """Maria and Tom are technicians; Olga runs the office, Carl the books, Ada everything."""

    def setUp(self):
        super().setUp()
        self.ok("pool", "edit", "1", "--gallons", "15000")
        self.ok("worker", "add", "--name", "Olga Office", "--role", "office")
        self.ok("worker", "add", "--name", "Carl Count", "--role", "accountant")
        self.ok("worker", "add", "--name", "Ada Admin", "--role", "admin")
        self.tokens = {}
        for name in ["Maria Lopez", "Tom Reed", "Olga Office", "Carl Count", "Ada Admin"]:
            self.tokens[name] = self.json("worker", "token", "add", name, "--label", "phone")[0]["token"]
        self.maria = self.add("--customer", "Ana Ortiz", "--date", "today", "--worker", "Maria Lopez",
                              "--office-note", "told her we would be early")
        self.tom = self.add("--customer", "Bob Smith", "--date", "today", "--worker", "Tom Reed")
        self.server = Server(self)
        with open(os.path.join(SCHEMAS, "error.json")) as f:
            self.error_schema = json.load(f)
        self.openapi = None
        self.openapi = self.call(None, "GET", "/openapi.json").json()

    def tearDown(self):
        code = self.server.stop()
        self.assertEqual(code, 0, "".join(self.server.log))
        super().tearDown()

    # -- the client ------------------------------------------------------------------------------

    def call(self, who, method, path, body=None, headers=None, raw=None, content_type=None):
        """One request as `who` (a worker's name, or None for no token); every answer is checked
        against the OpenAPI description of its route."""
        h = dict(headers or {})
        if who is not None:
            h["Authorization"] = "Bearer " + self.tokens.get(who, who)
        data = raw
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        if content_type:
            h["Content-Type"] = content_type
        conn = self.server.connection()
        try:
            full = path if path == "/openapi.json" else "/api/v1" + path
            conn.request(method, full, body=data, headers=h)
            r = conn.getresponse()
            a = Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode())
        finally:
            conn.close()
        self.assertEqual(a.headers.get("content-type"), "application/json", a)
        if self.openapi is not None:
            self.conforms(method, path, a)
        return a

    def conforms(self, method, path, a):
        """The answer is what /openapi.json says this route answers."""
        if a.status != 200:
            jsonschema.validate(a.json(), self.error_schema)
            self.assertEqual(len(a.json()["error"]["message"].splitlines()), 1, a)
            return
        if path == "/openapi.json":
            return
        route = self.route_of(method, path.split("?")[0])
        self.assertIsNotNone(route, f"{method} {path} answered 200 but is not in /openapi.json")
        schema = route["responses"]["200"]["content"]["application/json"]["schema"]
        one = "$ref" in schema
        ref = (schema if one else schema["items"])["$ref"].rsplit("/", 1)[1]
        target = self.openapi["components"]["schemas"][ref]["$ref"]
        with open(os.path.join(SCHEMAS, os.path.basename(target))) as f:
            record_schema = json.load(f)
        records = [a.json()] if one else a.json()
        self.assertIsInstance(records, list)
        for rec in records:
            jsonschema.validate(rec, record_schema, format_checker=jsonschema.FormatChecker())
        self.covered.add((method.lower(), self.template_of(method, path.split("?")[0])))

    covered = set()

    def template_of(self, method, path):
        for template, ops in self.openapi["paths"].items():
            if method.lower() not in ops:
                continue
            want, got = template.split("/"), path.split("/")
            if len(want) == len(got) and all(w.startswith("{") or w == g for w, g in zip(want, got)):
                return template
        return None

    def route_of(self, method, path):
        t = self.template_of(method, path)
        return self.openapi["paths"][t][method.lower()] if t else None

    def ok_call(self, who, method, path, body=None, **kw):
        a = self.call(who, method, path, body, **kw)
        self.assertEqual(a.status, 200, a)
        return a.json()

    def refused(self, who, method, path, status, code, message, body=None, **kw):
        """Refused with `status`, the error object naming `message`, and nothing changed."""
        before = self.dump()
        a = self.call(who, method, path, body, **kw)
        self.assertEqual(a.status, status, a)
        self.assertEqual(a.json()["error"]["code"], code, a)
        self.assertIn(message, a.json()["error"]["message"])
        self.assertEqual(self.dump(), before, f"{method} {path} changed the database")
        return a


class TechnicianDay(ServeTest):
    def test_a_technicians_whole_visit(self):
        me = self.ok_call("Maria Lopez", "GET", "/me")
        self.assertEqual((me["name"], me["role"]), ("Maria Lopez", "technician"))
        # Her day: only her visits, the office's note hidden.
        day = self.ok_call("Maria Lopez", "GET", "/appointments?date=today")
        self.assertEqual([v["id"] for v in day], [self.maria["id"]])
        self.assertIsNone(day[0]["office_note"])
        visit = self.ok_call("Maria Lopez", "GET", f"/appointments/{self.maria['id']}")
        self.assertEqual(visit["pool_detail"]["gate_code"], "4321")
        self.assertIsNone(visit["office_note"])
        # The office sees the note.
        self.assertEqual(self.ok_call("Olga Office", "GET", f"/appointments/{self.maria['id']}")["office_note"],
                         "told her we would be early")
        v = self.maria["id"]
        self.ok_call("Maria Lopez", "POST", f"/appointments/{v}/on-my-way", {"eta": "15m"})
        self.ok_call("Maria Lopez", "POST", f"/appointments/{v}/start", {})
        ticket = self.ok_call("Maria Lopez", "POST", f"/appointments/{v}/service", {"gps": "33.45,-112.07"})[0]
        s = ticket["id"]
        self.assertEqual(ticket["billable_lines"], [])
        read = self.ok_call("Maria Lopez", "POST", f"/services/{s}/readings",
                            {"fc": 3.0, "ph": 7.6, "ta": 90, "ch": 250, "cya": 40, "temp": "84"})[0]
        reading = read["readings"][-1]
        self.assertIn("lsi", json.dumps(reading))
        self.ok_call("Maria Lopez", "POST", f"/services/{s}/doses", {"chemical": "Liquid chlorine", "amount": "1.5", "unit": "gal"})
        self.ok_call("Maria Lopez", "POST", f"/services/{s}/notes", {"text": "Filter pressure high"})
        self.ok_call("Maria Lopez", "POST", f"/services/{s}/notes", {"text": "Customer's dog bit the net", "private": True})
        photo = self.ok_call("Maria Lopez", "POST", f"/services/{s}/photos?caption=Skimmer", raw=png(), content_type="image/png")
        self.assertEqual(photo[0]["media_type"], "image/png")
        self.ok_call("Maria Lopez", "POST", f"/services/{s}/recommend")
        self.ok_call("Maria Lopez", "POST", f"/services/{s}/check", {"all": True})
        done = self.ok_call("Maria Lopez", "POST", f"/services/{s}/submit", {"gps": "33.45,-112.07"})[0]
        self.assertEqual(done["status"], "submitted")
        self.assertEqual(self.json("appt", "show", str(v))[0]["status"], "completed")
        # The worker is the actor in the audit log, as --as is on the command line.
        actors = {e["actor"] for e in self.json("log", "--entity", "service", "--id", str(s))}
        self.assertEqual(actors, {"Maria Lopez"})
        # Her ticket, by the API and by the command line alike.
        api = self.ok_call("Maria Lopez", "GET", f"/services/{s}")
        cli = self.json("service", "show", str(s))[0]
        cli["billable_lines"] = []
        self.assertEqual(api, cli)

    def test_a_retried_post_with_the_same_key_is_done_once(self):
        v = self.maria["id"]
        key = {"Idempotency-Key": "phone-7f3a-0001"}
        first = self.call("Maria Lopez", "POST", f"/appointments/{v}/on-my-way", {"eta": "10m"}, headers=key)
        self.assertEqual(first.status, 200, first)
        again = self.call("Maria Lopez", "POST", f"/appointments/{v}/on-my-way", {"eta": "10m"}, headers=key)
        self.assertEqual((again.status, again.body), (first.status, first.body))
        self.assertEqual(again.headers.get("idempotent-replayed"), "true")
        texts = self.sql("SELECT count(*) FROM notice WHERE kind = 'on_my_way'")[0][0]
        self.assertEqual(texts, 1)
        events = self.sql("SELECT count(*) FROM appointment_event WHERE appointment_id = ? AND to_status = 'en_route'", v)[0][0]
        self.assertEqual(events, 1)
        # The same key for another request is a conflict, and changes nothing.
        self.refused("Maria Lopez", "POST", f"/appointments/{v}/start", 409, "conflict", "Idempotency-Key", {}, headers=key)
        # Without a key a second on-my-way is a second event (the phone chose not to dedupe).
        self.assertEqual(self.call("Maria Lopez", "POST", f"/appointments/{v}/start", {}).status, 200)

    def test_the_office_board_and_lists(self):
        board = self.ok_call("Olga Office", "GET", "/board?date=today")
        self.assertEqual(sorted(v["id"] for v in board), sorted([self.maria["id"], self.tom["id"]]))
        self.assertEqual(len(self.ok_call("Olga Office", "GET", "/appointments?date=today")), 2)
        customers = self.ok_call("Olga Office", "GET", "/customers?search=Ortiz")
        self.assertEqual([c["name"] for c in customers], ["Ana Ortiz"])
        self.assertEqual(self.ok_call("Olga Office", "GET", "/customers/Ana%20Ortiz")["name"], "Ana Ortiz")
        pools = self.ok_call("Olga Office", "GET", "/pools?customer=Ana%20Ortiz")
        self.assertEqual(self.ok_call("Maria Lopez", "GET", f"/pools/{pools[0]['id']}")["gate_code"], "4321")
        self.assertEqual(self.ok_call("Maria Lopez", "GET", "/customers/Ana%20Ortiz")["notes"], None)

    def test_callbacks_and_tickets_of_the_worker(self):
        self.ok("callback", "add", "--customer", "Ana Ortiz", "--owner", "Maria Lopez", "--reason", "Green water",
                "--due", "today 17:00", "--contact", "phone", "--summary", "What the lab said")
        self.ok("callback", "add", "--customer", "Bob Smith", "--owner", "Tom Reed", "--reason", "Noisy pump",
                "--due", "today 17:00", "--contact", "phone", "--summary", "When the part comes")
        mine = self.ok_call("Maria Lopez", "GET", "/callbacks")
        self.assertEqual([c["owner"] for c in mine], ["Maria Lopez"])
        self.ok_call("Maria Lopez", "GET", f"/callbacks/{mine[0]['id']}")
        self.refused("Maria Lopez", "GET", "/callbacks/2", 403, "permission", "not theirs")
        self.ok_call("Maria Lopez", "POST", f"/callbacks/{mine[0]['id']}/done", {"outcome": "Shocked the pool, told Ana"})
        self.assertEqual(self.ok_call("Maria Lopez", "GET", "/tickets"), [])
        self.assertEqual(len(self.ok_call("Olga Office", "GET", "/callbacks")), 2)

    def test_batch_runs_in_one_transaction_as_the_tokens_worker(self):
        v = self.maria["id"]
        lines = json.dumps(["appt", "on-my-way", str(v)]) + "\n" + json.dumps(["appt", "start", str(v)]) + "\n"
        results = self.ok_call("Maria Lopez", "POST", "/batch", lines, content_type="application/x-ndjson")
        self.assertEqual([r["ok"] for r in results], [True, True])
        self.assertEqual(self.json("appt", "show", str(v))[0]["status"], "in_progress")
        # A line acting as someone else, or a line the role may not run: the whole batch is refused.
        for line, status, message in [
            (["--as", "Ada Admin", "appt", "complete", str(v)], 403, "--as cannot change who is acting"),
            (["bill", "run", "--period", "2026-11"], 403, "may not bill run"),
            (["--now", "2026-12-01T08:00:00", "appt", "complete", str(v)], 403, "--now cannot be given here"),
        ]:
            body = json.dumps(["appt", "pause", str(v), "--reason", "rain"]) + "\n" + json.dumps(line) + "\n"
            a = self.refused("Maria Lopez", "POST", "/batch", status, "permission", message, body,
                             content_type="application/x-ndjson")
            lines = a.json()["lines"]
            self.assertEqual([l["ok"] for l in lines[:-1]], [True, False])
            self.assertEqual(lines[-1], {"summary": True, "lines": 2, "failed": 1, "committed": False})


class Routes(ServeTest):
    """The service manager plans the day's routes over the API, as `pom route` does."""

    def setUp(self):
        super().setUp()
        # Maria's two visits are far apart from Tom's side of town; a third one is unassigned.
        self.ok("pool", "edit", "1", "--lat", "33.45", "--lon", "-112.28")
        self.ok("pool", "edit", "2", "--lat", "33.46", "--lon", "-111.82")
        self.ok("pool", "edit", "3", "--lat", "33.44", "--lon", "-112.27")
        self.ok("worker", "edit", "Maria Lopez", "--start", "33.45,-112.30")
        self.ok("worker", "edit", "Tom Reed", "--start", "33.45,-111.80")
        self.extra = self.add("--customer", "Cara Diaz", "--date", "today")["id"]

    def test_the_office_previews_and_applies_optimize_and_balance(self):
        before = self.dump()
        preview = self.ok_call("Olga Office", "GET", "/routes/optimize?date=today")
        self.assertEqual({w["worker"] for w in preview}, {"Maria Lopez", "Tom Reed"})
        proposal = self.ok_call("Olga Office", "GET", "/routes/balance?date=today")
        where = {s["appointment_id"]: w["worker"] for w in proposal for s in w["order"]}
        self.assertEqual(where[self.extra], "Maria Lopez", "the unassigned visit goes to the technician nearby")
        self.assertEqual(self.dump(), before, "a preview changes nothing")
        # Applied: the visit is Maria's, and the API said what was done.
        applied = self.ok_call("Olga Office", "POST", "/routes/balance", {"date": "today"})
        self.assertEqual({s["appointment_id"]: w["worker"] for w in applied for s in w["order"]}, where)
        self.assertEqual(self.json("appt", "show", str(self.extra))[0]["worker"], "Maria Lopez")
        done = self.ok_call("Olga Office", "POST", "/routes/optimize", {"date": "today", "worker": ["Maria Lopez"]})
        self.assertEqual([w["worker"] for w in done], ["Maria Lopez"])
        log = self.json("log", "--entity", "appointment", "--id", str(self.extra))
        self.assertIn("Olga Office", {e["actor"] for e in log})
        stats = self.ok_call("Olga Office", "GET", "/routes/stats?from=today&to=today")
        self.assertEqual(sum(r["stops"] for r in stats), 3)

    def test_the_office_plans_the_week_over_the_api(self):
        # Cara's weekly series is Tom's, on the far side of town from her pool: the plan gives it to Maria.
        self.ok("appt", "add", "--customer", "Cara Diaz", "--date", "today", "--repeat", "every week", "--worker", "Tom Reed",
                "--through", "+4w")
        series = self.json("appt", "list", "--customer", "Cara Diaz", "--from", "today", "--to", "+5w")
        series_id = next(a["series_id"] for a in series if a["series_id"])
        before = self.dump()
        preview = self.ok_call("Olga Office", "GET", "/routes/plan?evenness=0")
        self.assertEqual(preview, self.json("route", "plan", "--evenness", "0"), "the API answers what the command prints")
        placed = {s["series_id"]: r["worker"] for r in preview for s in r["series"]}
        self.assertEqual(placed[series_id], "Maria Lopez")
        self.assertEqual(self.dump(), before, "a preview changes nothing")
        self.refused("Olga Office", "GET", "/routes/plan?effective=today", 400, "usage", "unknown field 'effective'")
        self.refused("Olga Office", "POST", "/routes/plan", 400, "usage", "--apply needs --effective", {"evenness": 0})
        self.assertEqual(self.dump(), before)
        applied = self.ok_call("Olga Office", "POST", "/routes/plan", {"evenness": 0, "effective": "+1d"})
        self.assertEqual({s["series_id"]: r["worker"] for r in applied for s in r["series"]}, placed)
        ahead = self.json("appt", "list", "--series", str(series_id), "--from", "+1d")
        self.assertTrue(ahead and all(a["worker"] == "Maria Lopez" for a in ahead), ahead)
        # Applied once: the same request again has nothing left to move.
        again = self.ok_call("Olga Office", "POST", "/routes/plan", {"evenness": 0, "effective": "+1d"})
        self.assertEqual(sum(r["moved_in"] for r in again), 0)

    def test_routes_are_the_offices_and_read_no_server_file(self):
        before = self.dump()
        for method, path in [("GET", "/routes/optimize"), ("POST", "/routes/optimize"), ("GET", "/routes/balance"),
                             ("POST", "/routes/balance"), ("GET", "/routes/plan"), ("POST", "/routes/plan")]:
            with self.subTest(path=path, method=method):
                body = ({"effective": "+1d"} if path == "/routes/plan" else {}) if method == "POST" else None
                self.refused("Maria Lopez", method, path, 403, "permission", "may not", body=body)
        # A matrix names a file on the server: not a field of the API.
        self.refused("Olga Office", "POST", "/routes/optimize", 400, "usage", "unknown field 'matrix'",
                     body={"matrix": "/etc/passwd"})
        self.refused("Olga Office", "GET", "/routes/balance?apply=true", 400, "usage", "unknown field 'apply'")
        self.refused("Olga Office", "GET", "/routes/stats?from=today", 400, "usage", "--to is required")
        self.assertEqual(self.dump(), before)


class Refusals(ServeTest):
    def test_every_role_is_refused_what_it_may_not_do(self):
        m, t = self.maria["id"], self.tom["id"]
        self.refused("Maria Lopez", "GET", f"/appointments/{t}", 403, "permission", "not their visit")
        self.refused("Maria Lopez", "POST", f"/appointments/{t}/start", 403, "permission", "not their visit", {})
        self.refused("Maria Lopez", "POST", f"/appointments/{t}/service", 403, "permission", "not their visit", {})
        self.refused("Maria Lopez", "GET", "/appointments?worker=Tom%20Reed", 403, "permission", "only their own")
        self.refused("Maria Lopez", "GET", "/appointments?date=2026-11-20", 403, "permission", "today and ahead")
        self.refused("Maria Lopez", "GET", "/board", 403, "permission", "may not appt board")
        self.refused("Maria Lopez", "GET", "/customers", 403, "permission", "may not customer list")
        self.refused("Maria Lopez", "GET", "/customers/Bob%20Smith", 403, "permission", "none of their visits")
        self.refused("Maria Lopez", "POST", f"/appointments/{m}/cancel", 403, "permission", "may not appt cancel",
                     {"reason": "rain"})
        self.refused("Carl Count", "POST", f"/appointments/{m}/start", 403, "permission", "(accountant) may not appt start", {})
        self.refused("Olga Office", "POST", "/batch", 403, "permission", "may not bill run",
                     json.dumps(["bill", "run", "--period", "2026-11"]) + "\n", content_type="application/x-ndjson")
        # The office may start anyone's visit; the accountant reads the board.
        self.assertEqual(self.call("Olga Office", "POST", f"/appointments/{t}/start", {}).status, 200)
        self.assertEqual(self.call("Carl Count", "GET", "/board").status, 200)
        # The same table on the command line, with --as.
        self.assertRefused(["appt", "start", str(m), "--as", "Tom Reed"], 77, "not their visit")
        self.assertRefused(["bill", "run", "--period", "2026-11", "--as", "Olga Office"], 77, "may not bill run")

    def test_tokens_unknown_revoked_expired(self):
        self.refused(None, "GET", "/me", 401, "unauthorized", "Bearer token is required")
        self.refused("pom_" + "A" * 43, "GET", "/me", 401, "unauthorized", "unknown, revoked or expired")
        a = self.call("nonsense", "GET", "/me")
        self.assertEqual(a.status, 401)
        self.assertEqual(a.headers.get("www-authenticate"), 'Bearer realm="pom"')
        ids = {t["worker"]: t["id"] for t in self.json("worker", "token", "list")}
        self.ok("worker", "token", "revoke", str(ids["Tom Reed"]))
        self.refused("Tom Reed", "GET", "/me", 401, "unauthorized", "unknown, revoked or expired")
        short = self.json("worker", "token", "add", "Maria Lopez", "--expires", "1d")[0]["token"]
        self.assertEqual(self.call(short, "GET", "/me").status, 200)
        later = Server(self, env={"POM_NOW": "2026-11-25T08:00:00"})
        try:
            self.server, first = later, self.server
            self.refused(short, "GET", "/me", 401, "unauthorized", "unknown, revoked or expired")
            self.assertEqual(self.call("Maria Lopez", "GET", "/me").status, 200)
        finally:
            self.server = first
            self.assertEqual(later.stop(), 0)
        # The log names the worker, never a token or a body.
        log = "".join(self.server.log)
        for token in self.tokens.values():
            self.assertNotIn(token, log)
        self.assertRegex(log, r"\S+Z Maria Lopez GET /api/v1/me 200 \d+ms")

    def test_bad_requests_get_a_clear_error_and_change_nothing(self):
        v = self.maria["id"]
        s = self.ok_call("Maria Lopez", "POST", f"/appointments/{v}/service", {})[0]["id"]
        path = f"/services/{s}/readings"
        self.refused("Maria Lopez", "POST", path, 400, "usage", "not JSON", "{\"fc\": ")
        self.refused("Maria Lopez", "POST", path, 400, "usage", "must be a JSON object", "[1, 2]")
        self.refused("Maria Lopez", "POST", path, 400, "usage", "unknown field 'chlorine'", {"chlorine": 3})
        self.refused("Maria Lopez", "POST", path, 400, "usage", "field 'ph' must be a number", {"ph": "seven"})
        self.refused("Maria Lopez", "POST", path, 400, "usage", "takes one value", {"ph": [7.2, 7.4]})
        self.refused("Maria Lopez", "POST", path, 422, "bad_input", "ph", {"ph": 19})
        self.refused("Maria Lopez", "POST", f"/services/{s}/notes", 400, "usage", "text", {})
        self.refused("Maria Lopez", "POST", f"/services/{s}/notes", 400, "usage", "must be true or false",
                     {"text": "x", "private": "yes"})
        self.refused("Maria Lopez", "POST", f"/services/{s}/photos", 415, "unsupported_media_type", "image/jpeg",
                     raw=b"hello", content_type="text/plain")
        self.refused("Maria Lopez", "GET", "/appointments?colour=blue", 400, "usage", "unknown field 'colour'")
        self.refused("Maria Lopez", "GET", "/nothing/here", 404, "not_found", "no such path")
        self.refused("Maria Lopez", "GET", "/appointments/999", 404, "not_found", "999")
        a = self.refused("Maria Lopez", "DELETE", f"/appointments/{v}", 405, "method_not_allowed", "GET")
        self.assertEqual(a.headers.get("allow"), "GET")
        self.refused("Maria Lopez", "POST", path, 413, "too_large", "over", "{\"fc\": \"" + "x" * (2 << 20) + "\"}")
        self.refused("Maria Lopez", "POST", f"/services/{s}/photos", 413, "too_large", "over",
                     raw=b"\x89PNG" + b"\0" * (17 << 20), content_type="image/png")
        # A value starting with a dash is a value, not an option.
        self.ok_call("Maria Lopez", "POST", f"/services/{s}/notes", {"text": "--as=Ada Admin"})
        self.assertEqual(self.sql("SELECT text FROM service_note")[-1][0], "--as=Ada Admin")

    def test_a_half_sent_request_times_out_and_the_server_goes_on(self):
        import socket
        sock = socket.create_connection(("127.0.0.1", self.server.port))
        sock.sendall(b"POST /api/v1/services/1/notes HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"te")
        # Others are served meanwhile.
        self.assertEqual(self.call("Maria Lopez", "GET", "/me").status, 200)
        sock.settimeout(30)
        start = time.time()
        data = sock.recv(4096)
        sock.close()
        self.assertLess(time.time() - start, 25)
        self.assertFalse(data.startswith(b"HTTP/1.1 200"), data)


class Running(ServeTest):
    def test_openapi_describes_every_route_and_they_answer_as_described(self):
        doc = self.openapi
        self.assertEqual(doc["openapi"], "3.1.0")
        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                # Every route is a pom command, but for the exchange of a login link's code.
                if path == "/login":
                    self.assertEqual(op["security"], [])
                else:
                    self.assertIn("x-pom-command", op)
                self.assertIn("200", op["responses"])
                for ref in [op["responses"]["200"]["content"]["application/json"]["schema"]]:
                    name = (ref.get("$ref") or ref["items"]["$ref"]).rsplit("/", 1)[1]
                    target = doc["components"]["schemas"][name]["$ref"]
                    self.assertTrue(os.path.exists(os.path.join(SCHEMAS, os.path.basename(target))), target)
        # Every GET route without a parameter answers as described, for the admin (given its
        # required query fields: the days of the route dashboard).
        for path, ops in doc["paths"].items():
            if "get" in ops and "{" not in path:
                need = [p["name"] for p in ops["get"].get("parameters", []) if p["in"] == "query" and p.get("required")]
                query = "&".join(n + "=today" for n in need)
                self.assertEqual(self.call("Ada Admin", "GET", path + ("?" + query if query else "")).status, 200, path)
        # The readings route takes the command's options, typed.
        body = doc["paths"]["/services/{id}/readings"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        self.assertEqual(body["properties"]["ph"]["type"], "number")
        self.assertFalse(body["additionalProperties"])

    def test_graceful_stop_finishes_and_exits_0(self):
        results = []

        def client():
            for _ in range(20):
                try:
                    results.append(self.call("Olga Office", "GET", "/appointments?date=today").status)
                except (OSError, http.client.HTTPException):
                    return  # the server stopped taking new connections

        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.05)
        code = self.server.stop()
        for t in threads:
            t.join()
        self.assertEqual(code, 0)
        self.assertIn("pom serve: stopped\n", self.server.log)
        self.assertTrue(all(s == 200 for s in results), results)
        self.server = Server(self)

    def test_kill_9_mid_request_keeps_every_acknowledged_write_whole(self):
        v = self.maria["id"]
        s = self.ok_call("Maria Lopez", "POST", f"/appointments/{v}/service", {})[0]["id"]
        acknowledged = []
        stop = threading.Event()

        def writer(n):
            i = 0
            while not stop.is_set():
                text = f"note {n}-{i}"
                try:
                    conn = self.server.connection()
                    conn.request("POST", f"/api/v1/services/{s}/notes", body=json.dumps({"text": text}),
                                 headers={"Authorization": "Bearer " + self.tokens["Maria Lopez"],
                                          "Content-Type": "application/json"})
                    if conn.getresponse().status == 200:
                        acknowledged.append(text)
                    conn.close()
                except (OSError, http.client.HTTPException):
                    return
                i += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        self.server.proc.kill()
        self.server.proc.wait()
        stop.set()
        for t in threads:
            t.join()
        self.assertGreater(len(acknowledged), 0)
        stored = {r[0] for r in self.sql("SELECT text FROM service_note WHERE service_id = ?", s)}
        self.assertTrue(set(acknowledged) <= stored, set(acknowledged) - stored)
        self.assertLessEqual(len(stored - set(acknowledged)), 4)  # in flight when killed, at most one per client
        self.assertEqual(self.json("db", "check")[0]["integrity"], "ok")
        self.server = Server(self)

    def test_listen_refusals_and_tls(self):
        self.assertRefused(["serve", "--listen", "0.0.0.0:0"], 64, "without TLS")
        self.assertRefused(["serve", "--listen", "nonsense"], 64, "HOST:PORT")
        self.assertRefused(["serve", "--tls-cert", "/nonexistent.pem"], 64, "both --tls-cert and --tls-key")
        cert, key = os.path.join(self.dir, "cert.pem"), os.path.join(self.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
        tls = Server(self, "--tls-cert", cert, "--tls-key", key)
        try:
            self.server, plain = tls, self.server
            self.assertTrue(tls.tls)
            self.assertEqual(self.ok_call("Maria Lopez", "GET", "/me")["name"], "Maria Lopez")
        finally:
            self.server = plain
            self.assertEqual(tls.stop(), 0)

    def test_the_http_module_is_loaded_by_serve_only(self):
        # Not linked: every command would pay for loading libcpp-httplib, libssl and brotli at start.
        pom = shutil.which(POM, path=self.env["PATH"])
        needed = subprocess.run(["readelf", "-d", pom], capture_output=True, text=True, check=True).stdout
        self.assertIn("libc.so", needed)
        self.assertNotIn("httplib", needed)
        self.assertTrue(os.path.exists(os.path.join(os.path.dirname(os.path.realpath(pom)), "pom-http.so")))
        # A pom without its module beside it: serve says what is missing; other commands run.
        alone = os.path.join(self.dir, "alone", "pom")
        os.makedirs(os.path.dirname(alone))
        shutil.copy(os.path.realpath(pom), alone)
        r = subprocess.run([alone, "serve", "--listen", "127.0.0.1:0"], capture_output=True, text=True, env=self.env, timeout=60)
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertEqual(r.stderr, "pom: error: pom serve needs its HTTP module, pom-http.so, beside pom or in ../lib/pom; "
                                   f"not found at {os.path.dirname(alone)}/pom-http.so, {self.dir}/lib/pom/pom-http.so\n")
        r = subprocess.run([alone, "customer", "list"], capture_output=True, text=True, env=self.env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
