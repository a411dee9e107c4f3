// The office's schedule board: one column per technician plus Unassigned, in route order, polled
// every 3 seconds (a status change anywhere shows within 5), with the day's counts, assigning an
// unassigned visit to a technician and a route position, and moving between days.
"use strict";

(() => {
  const { el } = pom;
  const $ = (id) => document.getElementById(id);
  let technicians = [];
  let timer = null;
  let busy = false; // an assignment form is being filled: the next poll does not redraw under it

  function say(text, kind) {
    const m = $("message");
    m.textContent = text || "";
    m.className = "message" + (kind ? " " + kind : "");
  }

  function isoDay(d) {
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  function shift(days) {
    const d = new Date($("day").value + "T12:00:00");
    d.setDate(d.getDate() + days);
    setDay(isoDay(d));
  }
  function setDay(day) {
    $("day").value = day;
    history.replaceState(null, "", "/board#" + day);
    busy = false;
    refresh();
  }

  async function refresh() {
    if (busy) return;
    let a;
    try {
      a = await pom.call("GET", "/board?date=" + encodeURIComponent($("day").value));
    } catch (e) {
      $("updated").textContent = "no connection to pom serve";
      return;
    }
    if (a.status === 401) { signIn(); return; }
    if (a.status !== 200) { say("The board: " + pom.refusal(a), "bad"); return; }
    if (busy) return;
    render(a.data);
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
  }

  function render(visits) {
    const shown = visits.filter((v) => v.status !== "cancelled");
    const count = (f) => shown.filter(f).length;
    $("counts").replaceChildren(
      el("span", { id: "count-scheduled" }, "Scheduled ", el("strong", { text: String(shown.length) })),
      el("span", { id: "count-done" }, "Done ", el("strong", { text: String(count((v) => v.status === "completed")) })),
      el("span", { id: "count-skipped" }, "Skipped ", el("strong", { text: String(count((v) => v.status === "skipped")) })),
      el("span", { id: "count-rolled" }, "Rolled ", el("strong", { text: String(count((v) => v.rolled_count > 0)) })));
    const columns = new Map();
    for (const t of technicians) columns.set(t.name, []);
    const unassigned = [];
    for (const v of shown) {
      if (!v.worker) unassigned.push(v);
      else {
        if (!columns.has(v.worker)) columns.set(v.worker, []);
        columns.get(v.worker).push(v);
      }
    }
    const order = (x, y) => (x.route_order ?? 1e9) - (y.route_order ?? 1e9) || x.id - y.id;
    const out = [column("Unassigned", unassigned.sort(order), true)];
    for (const [name, list] of columns) out.push(column(name, list.sort(order), false));
    $("columns").replaceChildren(...out);
  }

  function column(name, visits, unassigned) {
    return el("section", { class: "column", "data-worker": name },
      el("h2", {}, name, el("span", { class: "muted", text: " (" + visits.length + ")" })),
      el("ol", {}, visits.map((v) => card(v, unassigned))));
  }

  function card(v, unassigned) {
    return el("li", { class: "status-" + v.status, "data-id": v.id },
      el("span", { class: "badge", text: v.status.replace("_", " ") }),
      el("strong", { class: "customer", text: v.customer }),
      el("div", { class: "muted", text: [v.window || "any time", v.arrival ? "arrives ~" + v.arrival : null, v.service_type, v.city].filter(Boolean).join(" · ") }),
      v.priority !== "normal" ? el("div", { class: "hot", text: v.priority }) : null,
      v.rolled_count > 0 ? el("div", { class: "muted", text: "rolled " + v.rolled_count + "×" }) : null,
      unassigned ? assignForm(v) : null,
      v.status === "scheduled" ? moveForm(v) : null);
  }

  /** Another day for a visit that has not begun (appt move). */
  function moveForm(v) {
    const day = el("input", { type: "date", id: "move-date-" + v.id, "aria-label": "New day for " + v.customer });
    const f = el("form", { class: "assign" }, day, el("button", { type: "submit", class: "small" }, "Move"));
    const box = el("details", { class: "move" }, el("summary", { text: "Move to another day" }), f);
    box.addEventListener("toggle", () => { busy = box.open; });
    f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!day.value) { say("Choose the new day.", "bad"); return; }
      let a;
      try {
        a = await pom.call("POST", "/appointments/" + v.id + "/move", { date: day.value });
      } catch (e) {
        say("No connection to pom serve: not moved.", "bad");
        return;
      }
      busy = false;
      if (a.status === 200) say(v.customer + " moved to " + day.value + ".", "good");
      else say("Not moved: " + pom.refusal(a), "bad");
      refresh();
    });
    return box;
  }

  function assignForm(v) {
    const sel = el("select", { id: "assign-worker-" + v.id, "aria-label": "Technician for " + v.customer },
      el("option", { value: "", text: "Technician…" }), technicians.map((t) => el("option", { value: t.name, text: t.name })));
    const pos = el("input", { id: "assign-order-" + v.id, type: "number", min: "1", placeholder: "stop #",
                              "aria-label": "Route position for " + v.customer });
    const f = el("form", { class: "assign" }, sel, pos, el("button", { type: "submit", class: "small" }, "Assign"));
    for (const x of [sel, pos]) x.addEventListener("focus", () => { busy = true; });
    f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!sel.value) { say("Choose a technician.", "bad"); return; }
      const body = { worker: sel.value };
      if (pos.value) body.order = Number(pos.value);
      let a;
      try {
        a = await pom.call("POST", "/appointments/" + v.id + "/assign", body);
      } catch (e) {
        say("No connection to pom serve: not assigned.", "bad");
        return;
      }
      busy = false;
      if (a.status === 200) say(v.customer + " → " + sel.value + ".", "good");
      else say("Not assigned: " + pom.refusal(a), "bad");
      refresh();
    });
    return f;
  }

  async function loadTechnicians() {
    const a = await pom.call("GET", "/workers?role=technician");
    if (a.status === 200) technicians = a.data.filter((w) => w.active);
    return a.status;
  }

  /** The company's today, as pom serve sees it (its zone, its clock), when the board has visits. */
  async function serverToday() {
    try {
      const a = await pom.call("GET", "/board");
      if (a.status === 200 && a.data.length) return a.data[0].date;
    } catch (e) { /* the browser's today, then */ }
    return isoDay(new Date());
  }

  function signIn() {
    $("signin").hidden = false;
    $("board").hidden = true;
    $("signout").hidden = true;
    if (timer) clearInterval(timer);
    timer = null;
  }

  async function start() {
    if (!pom.token()) { signIn(); return; }
    let me;
    try {
      me = await pom.call("GET", "/me");
    } catch (e) {
      say("No connection to pom serve.", "bad");
      return;
    }
    if (me.status !== 200) { say("Sign-in refused: " + pom.refusal(me), "bad"); signIn(); return; }
    $("who").textContent = me.data.name;
    $("signin").hidden = true;
    $("board").hidden = false;
    $("signout").hidden = false;
    await loadTechnicians();
    const fromHash = location.hash.match(/^#(\d{4}-\d{2}-\d{2})$/);
    $("day").value = fromHash ? fromHash[1] : await serverToday();
    await refresh();
    if (!timer) timer = setInterval(refresh, 3000);
  }

  $("prev").addEventListener("click", () => shift(-1));
  $("next").addEventListener("click", () => shift(1));
  $("today").addEventListener("click", () => setDay(isoDay(new Date())));
  $("day").addEventListener("change", () => setDay($("day").value));
  $("columns").addEventListener("focusout", (ev) => {
    if (!$("columns").contains(ev.relatedTarget)) busy = false;
  });
  $("signin-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    pom.setToken($("token").value.trim());
    $("token").value = "";
    start();
  });
  $("signout").addEventListener("click", () => { pom.setToken(""); signIn(); });
  start();
})();
