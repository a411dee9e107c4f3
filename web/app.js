// The technician's day: sign-in, today's and tomorrow's route, the visit's actions and its
// service ticket. Every action goes through pom.act (api.js): sent now when there is signal,
// kept on the phone and sent in order when it returns.
"use strict";

(() => {
  const { el } = pom;
  const $ = (id) => document.getElementById(id);
  const DAY = "pom.day";
  const TICKET = "pom.ticket.";
  let me = pom.load("pom.me", null);
  let view = { name: "day" };

  function say(text, kind) {
    const m = $("message");
    m.textContent = text || "";
    m.className = "message" + (kind ? " " + kind : "");
  }

  function show(section) {
    for (const id of ["signin", "day", "visit"]) $(id).hidden = id !== section;
    $("signout").hidden = section === "signin";
  }

  // -- Sign-in ------------------------------------------------------------------------------------

  async function signInWithCode(code) {
    say("Signing in…");
    let a;
    try {
      a = await fetch("/api/v1/login", { method: "POST", headers: { "Content-Type": "application/json" },
                                          body: JSON.stringify({ code }), credentials: "omit" });
    } catch (e) {
      say("No signal: the sign-in link needs the network. Try again when you have signal.", "bad");
      return false;
    }
    const data = await a.json().catch(() => null);
    if (a.status !== 200) {
      say("This sign-in link does not work: " + pom.refusal({ status: a.status, data }), "bad");
      return false;
    }
    pom.setToken(data.token);
    return true;
  }

  async function signInWithToken(token) {
    pom.setToken(token.trim());
    const ok = await loadMe();
    if (!ok) pom.setToken("");
    return ok;
  }

  async function loadMe() {
    let a;
    try {
      a = await pom.call("GET", "/me");
    } catch (e) {
      return !!me; // offline: the worker signed in before
    }
    if (a.status !== 200) {
      say("Sign-in refused: " + pom.refusal(a), "bad");
      return false;
    }
    me = a.data;
    pom.save("pom.me", me);
    return true;
  }

  function signInView() {
    show("signin");
    $("who").textContent = "";
  }

  $("signin-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (await signInWithToken($("token").value)) {
      $("token").value = "";
      say("");
      start();
    }
  });
  $("signout").addEventListener("click", () => {
    if (pom.queue().length && !confirm(pom.queue().length + " actions are not sent yet. Sign out anyway?")) return;
    pom.setToken("");
    localStorage.removeItem("pom.me");
    me = null;
    signInView();
  });

  // -- The queue's state --------------------------------------------------------------------------

  function netStatus() {
    const n = pom.queue().length;
    $("net").textContent = n ? n + (n === 1 ? " action waiting for signal" : " actions waiting for signal") : "";
    $("net").className = "net" + (n ? " waiting" : "");
  }
  pom.onChange(() => {
    netStatus();
    if (view.name === "day" && !$("day").hidden) renderProblems();
  });

  function problemsBox() {
    const list = pom.problems();
    if (!list.length) return el("div", { id: "problems" });
    return el("div", { id: "problems", class: "problems", role: "alert" },
      el("h2", { text: "Not done: the office changed something meanwhile" }),
      list.map((p, i) => el("div", { class: "problem" },
        el("p", {}, el("strong", { text: p.label }), ": ", el("span", { class: "why", text: p.why })),
        el("button", { class: "small", onclick: () => pom.dismissProblem(i) }, "OK"))));
  }
  function renderProblems() {
    const old = $("problems");
    if (old) old.replaceWith(problemsBox());
  }

  // -- The day ------------------------------------------------------------------------------------

  function isoDay(offset) {
    const d = new Date();
    d.setDate(d.getDate() + offset);
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  /** Today's and tomorrow's visits with their details, from the server, or as last seen. */
  async function fetchDay() {
    const day = { fetched_at: new Date().toISOString(), days: [] };
    for (const [label, date] of [["Today", "today"], ["Tomorrow", "tomorrow"]]) {
      const a = await pom.call("GET", "/appointments?date=" + date);
      if (a.status !== 200) throw new Error(pom.refusal(a));
      const visits = a.data.filter((v) => v.status !== "cancelled");
      visits.sort((x, y) => (x.route_order ?? 1e9) - (y.route_order ?? 1e9) || x.id - y.id);
      const details = await Promise.all(visits.map((v) => pom.call("GET", "/appointments/" + v.id)));
      day.days.push({ label, date: visits.length ? visits[0].date : "",
                      visits: details.map((d, i) => (d.status === 200 ? d.data : visits[i])) });
    }
    pom.save(DAY, day);
    return day;
  }

  async function dayView() {
    view = { name: "day" };
    show("day");
    let day;
    try {
      day = await fetchDay();
    } catch (e) {
      day = pom.load(DAY, null);
      if (!(e instanceof pom.Offline)) say("Could not load the route: " + e.message, "bad");
      else if (day) say("No signal: the route as it was at " + new Date(day.fetched_at).toLocaleTimeString() + ".");
    }
    if (view.name !== "day") return;
    renderDay(day);
  }

  function renderDay(day) {
    const root = $("day");
    root.replaceChildren(problemsBox());
    if (!day) {
      root.append(el("p", { text: "No route yet: it loads when there is signal." }));
      return;
    }
    for (const d of day.days) {
      root.append(el("h2", { class: "dayname" }, d.label, d.date ? el("span", { class: "date", text: " " + d.date }) : null));
      if (!d.visits.length) root.append(el("p", { class: "empty", text: "No visits." }));
      const ol = el("ol", { class: "route" });
      for (const v of d.visits) ol.append(visitCard(v, d.label === "Today"));
      root.append(ol);
    }
  }

  /** What a queued status action makes of a visit until the server has it. */
  function pendingStatus(v) {
    let s = v.status;
    for (const q of pom.queue()) if (q.visit === v.id && q.to) s = q.to;
    return s;
  }

  function mapsLink(v) {
    const where = [v.street, v.city].filter(Boolean).join(", ");
    if (!where) return el("span", { class: "muted", text: "no address" });
    return el("a", { href: "https://www.google.com/maps/search/?api=1&query=" + encodeURIComponent(where),
                     target: "_blank", rel: "noopener noreferrer", class: "maps" }, where);
  }

  function visitCard(v, today) {
    const p = v.pool_detail || {};
    const status = pendingStatus(v);
    const li = el("li", { class: "visit status-" + status + " priority-" + v.priority, "data-id": v.id });
    li.append(...[
      el("div", { class: "head" },
        el("h3", { class: "customer", text: v.customer }),
        el("span", { class: "badge", text: status.replace("_", " ") + (status !== v.status ? " (waiting)" : "") })),
      el("p", { class: "where" }, mapsLink(v)),
      el("dl", { class: "facts" },
        fact("Window", v.window || "any time"),
        fact("Service", v.service_type),
        v.priority !== "normal" ? fact("Priority", v.priority, "hot") : null,
        p.gate_code ? fact("Gate code", p.gate_code, "code") : null,
        p.access_notes ? fact("Access", p.access_notes) : null,
        v.tech_note ? fact("Note", v.tech_note) : null,
        v.eta ? fact("ETA", clock(v.eta)) : null,
        v.status_reason ? fact("Reason", v.status_reason) : null),
      p.dog ? el("p", { class: "dog", text: "Dog on the property" }) : null,
      lastVisits(v)].filter(Boolean));
    if (today) li.append(actions(v, status));
    return li;
  }

  /** A stored instant (RFC 3339 UTC) as the phone's local time, HH:MM: what a person reads. */
  function clock(instant) {
    const d = new Date(instant);
    if (isNaN(d)) return instant;
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  function fact(name, value, cls) {
    return [el("dt", { text: name }), el("dd", { class: cls, text: String(value) })];
  }

  function lastVisits(v) {
    if (!v.last_visits || !v.last_visits.length) return null;
    const last = v.last_visits[0];
    const r = last.reading;
    const parts = [];
    if (r) for (const k of ["fc", "ph", "ta", "ch", "cya", "salt"]) if (r[k] !== null && r[k] !== undefined) parts.push(k + " " + r[k]);
    return el("p", { class: "last" }, "Last visit: " + last.date + ", " + last.service_type + ", " + last.status.replace("_", " ") +
      (last.worker ? " (" + last.worker + ")" : "") + (parts.length ? ". Water: " + parts.join(", ") : ""));
  }

  function actions(v, status) {
    const box = el("div", { class: "actions" });
    const id = v.id;
    if (status === "scheduled") {
      // "by route": the server prices the drive from the last stop (or the day's start), as
      // `appt on-my-way` without --eta does; the fixed times are for when the technician knows better.
      const eta = el("select", { id: "eta-" + id, "aria-label": "ETA" },
        [el("option", { value: "route", text: "by route" })].concat(
          ["10m", "20m", "30m", "45m", "1h"].map((t) => el("option", { value: t, text: t }))));
      eta.value = "20m";
      box.append(el("label", { for: "eta-" + id, class: "inline", text: "ETA" }), eta,
        el("button", { class: "go", onclick: () => statusAction(v, "on-my-way", "en_route",
          eta.value === "route" ? {} : { eta: eta.value }, "On my way") }, "On my way"));
    }
    if (status === "scheduled" || status === "en_route" || status === "paused") {
      box.append(el("button", { class: "go", onclick: () => startVisit(v) }, "Start"));
    }
    if (status === "in_progress") {
      box.append(el("button", { class: "go", onclick: () => ticketView(v) }, "Open ticket"));
    }
    if (status === "scheduled" || status === "en_route") box.append(reasonButton(v, "skip", "skipped", "Skip"));
    if (status === "in_progress") box.append(reasonButton(v, "pause", "paused", "Pause"));
    return box;
  }

  function reasonButton(v, action, to, label) {
    const wrap = el("span", { class: "reason" });
    const open = el("button", { class: "quiet" }, label + "…");
    open.addEventListener("click", () => {
      const id = action + "-reason-" + v.id;
      const input = el("input", { id, required: true, list: action + "-reasons", placeholder: "gate locked, dog out, weather" });
      const reasons = el("datalist", { id: action + "-reasons" },
        ["Gate locked", "Dog out", "Weather", "Customer asked", "Needs a part"].map((r) => el("option", { value: r })));
      const form = el("form", { class: "reasonform" },
        el("label", { for: id, text: label + ": why?" }), input, reasons,
        el("button", { type: "submit" }, label), el("button", { type: "button", class: "quiet", onclick: () => form.replaceWith(open) }, "Cancel"));
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        if (!input.value.trim()) return;
        statusAction(v, action, to, { reason: input.value.trim() }, label);
      });
      open.replaceWith(form);
      input.focus();
    });
    wrap.append(open);
    return wrap;
  }

  async function statusAction(v, action, to, body, label) {
    say("");
    try {
      const a = await pom.act(label + ": " + v.customer, "POST", "/appointments/" + v.id + "/" + action, body, { visit: v.id, to });
      report(a, label + ": " + v.customer);
    } catch (e) {
      say(e.message, "bad");
    }
    if (view.name === "day") dayView();
    else ticketView(v);
  }

  /** Says what became of an action: done, waiting for signal, or refused and why. */
  function report(a, what) {
    if (a === null) say(what + ": kept on the phone, sent when the signal returns.", "wait");
    else if (a.status === 200) say(what + ": done.", "good");
    else say(what + ": not done. " + pom.refusal(a), "bad");
    return a && a.status === 200;
  }

  async function startVisit(v) {
    say("");
    const a = await pom.act("Start: " + v.customer, "POST", "/appointments/" + v.id + "/service", {},
                            { visit: v.id, to: "in_progress", learn_ticket: v.id });
    if (a && a.status === 200 && pom.one(a.data)) pom.save(TICKET + pom.one(a.data).id, pom.one(a.data));
    report(a, "Start: " + v.customer);
    if (a === null || a.status === 200) ticketView(v);
    else dayView();
  }

  // -- The service ticket --------------------------------------------------------------------------

  async function findTicket(v) {
    let id = pom.ticketOf(v.id);
    if (id) return id;
    const a = await pom.call("GET", "/services?status=open");
    if (a.status === 200) {
      const t = a.data.find((s) => s.appointment_id === v.id);
      if (t) {
        pom.learnTicket(v.id, t.id);
        return t.id;
      }
    }
    return null;
  }

  async function ticketView(v) {
    view = { name: "ticket", visit: v };
    show("visit");
    window.scrollTo(0, 0);
    let ticket = null;
    let id = pom.ticketOf(v.id);
    try {
      id = await findTicket(v);
      if (id) {
        const a = await pom.call("GET", "/services/" + id);
        if (a.status === 200) {
          ticket = a.data;
          pom.save(TICKET + id, ticket);
        } else {
          say("Could not load the ticket: " + pom.refusal(a), "bad");
        }
      }
    } catch (e) {
      if (id) ticket = pom.load(TICKET + id, null);
    }
    if (view.name !== "ticket" || view.visit.id !== v.id) return;
    renderTicket(v, ticket);
  }

  function missing(t) {
    if (!t) return [];
    const out = t.checklist.filter((c) => c.required && !c.done).map((c) => "Check: " + c.item);
    const photoItems = t.checklist.filter((c) => c.photo_required && c.done);
    const queuedPhotos = pom.queue().filter((q) => (q.photo || q.photo_ref) && q.visit === t.appointment_id).length;
    if (photoItems.length && t.photos.length + queuedPhotos === 0)
      out.push("A photo (for " + photoItems.map((c) => c.item).join(", ") + ")");
    return out;
  }

  function renderTicket(v, t) {
    const root = $("visit");
    const p = v.pool_detail || {};
    const path = (rest) => "/services/{ticket:" + v.id + "}" + rest;
    const ticketAct = async (label, rest, body, extra) => {
      say("");
      try {
        const a = await pom.act(label + ": " + v.customer, "POST", path(rest), body, Object.assign({ visit: v.id }, extra || {}));
        const ok = report(a, label);
        const rec = ok ? pom.one(a.data) : null;
        if (rec && rec.checklist) pom.save(TICKET + rec.id, rec);
        return a;
      } catch (e) {
        say(e.message, "bad");
        return undefined;
      } finally {
        if (view.name === "ticket") ticketView(v);
      }
    };

    root.replaceChildren(...[
      el("button", { class: "quiet back", onclick: () => { say(""); dayView(); } }, "← My day"),
      el("h2", { class: "customer", text: v.customer }),
      el("p", { class: "where" }, mapsLink(v), " · ", v.service_type),
      p.gate_code ? el("p", {}, "Gate code: ", el("strong", { class: "code", text: p.gate_code })) : null,
      p.dog ? el("p", { class: "dog", text: "Dog on the property" }) : null].filter(Boolean));

    if (!t) {
      root.append(el("p", { class: "wait", text: pom.ticketOf(v.id) ? "The ticket loads when there is signal." :
        "The ticket opens when the signal returns; what you record now is kept and sent after it." }));
    }

    // What submit needs, shown before the tap.
    const need = missing(t);
    root.append(el("section", { class: "card needs", id: "needs" },
      el("h3", { text: need.length ? "Before you submit" : "Ready to submit" }),
      need.length ? el("ul", {}, need.map((n) => el("li", { text: n }))) : el("p", { text: t ? "Everything required is done." : "" })));

    if (t) {
      const list = el("ul", { class: "checklist" });
      t.checklist.forEach((c, i) => {
        const id = "check-" + i;
        const box = el("input", { type: "checkbox", id, checked: c.done });
        box.addEventListener("change", () => ticketAct(box.checked ? "Checked " + c.item : "Unchecked " + c.item,
                                                       box.checked ? "/check" : "/uncheck", { item: [c.item] }));
        list.append(el("li", {}, box, el("label", { for: id }, c.item,
          c.required ? el("span", { class: "req", text: " required" }) : null,
          c.photo_required ? el("span", { class: "req", text: " photo" }) : null)));
      });
      root.append(el("section", { class: "card" }, el("h3", { text: "Checklist" }), list));
    }

    // Readings, with the flags, LSI and CSI of the latest.
    const fields = [["fc", "Free chlorine"], ["cc", "Combined chlorine"], ["ph", "pH"], ["ta", "Alkalinity"],
                    ["ch", "Calcium"], ["cya", "CYA"], ["salt", "Salt"], ["temp", "Temp °F"]];
    const rform = el("form", { class: "grid", id: "readings" },
      fields.map(([k, name]) => el("div", { class: "field" },
        el("label", { for: "r-" + k, text: name }),
        el("input", { id: "r-" + k, name: k, inputmode: "decimal", autocomplete: "off" }))),
      el("button", { type: "submit", class: "wide" }, "Save readings"));
    rform.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const body = {};
      for (const [k] of fields) {
        const val = rform.elements[k].value.trim();
        if (!val) continue;
        if (k === "temp") body.temp = val;
        else if (isNaN(Number(val))) { say(k + ": '" + val + "' is not a number", "bad"); return; }
        else body[k] = Number(val);
      }
      if (!Object.keys(body).length) { say("Enter at least one reading.", "bad"); return; }
      ticketAct("Readings", "/readings", body);
    });
    const latest = t && t.readings.length ? t.readings[t.readings.length - 1] : null;
    root.append(el("section", { class: "card" }, el("h3", { text: "Water readings" }), rform,
      latest ? readingSummary(latest) : null, t ? previous(t) : null));

    // Recommended doses, and dose and item entry.
    const recs = el("div", { id: "recs" });
    const recBtn = el("button", { class: "quiet" }, "Recommend doses");
    recBtn.addEventListener("click", async () => {
      const id = pom.ticketOf(v.id);
      let a;
      try {
        a = id ? await pom.call("POST", "/services/" + id + "/recommend") : null;
      } catch (e) {
        a = null;
      }
      if (!a) { say("Recommendations need signal.", "wait"); return; }
      if (a.status !== 200) { say("No recommendation: " + pom.refusal(a), "bad"); return; }
      recs.replaceChildren(a.data.length ? el("ul", {}, a.data.map((r) => el("li", {},
        r.chemical + ": " + r.amount + " " + r.unit + " (" + r.parameter + " " + r.current + " → " + r.target + ")",
        el("button", { class: "small", onclick: () => ticketAct("Dose " + r.chemical, "/doses",
          { chemical: r.chemical, amount: String(r.amount), unit: r.unit }) }, "Record")))) :
        el("p", { text: "Nothing to add: the water is in range." }));
    });
    const dform = el("form", { class: "grid", id: "dose" },
      el("div", { class: "field" }, el("label", { for: "d-chemical", text: "Chemical" }), el("input", { id: "d-chemical", name: "chemical", required: true })),
      el("div", { class: "field" }, el("label", { for: "d-amount", text: "Amount" }), el("input", { id: "d-amount", name: "amount", inputmode: "decimal", required: true })),
      el("div", { class: "field" }, el("label", { for: "d-unit", text: "Unit" }),
        el("select", { id: "d-unit", name: "unit" }, ["gal", "qt", "floz", "oz", "l", "ml", "lb", "kg", "g", "tab"].map((u) => el("option", { value: u, text: u })))),
      el("button", { type: "submit", class: "wide" }, "Add dose"));
    dform.addEventListener("submit", (ev) => {
      ev.preventDefault();
      ticketAct("Dose " + dform.elements.chemical.value, "/doses",
                { chemical: dform.elements.chemical.value.trim(), amount: dform.elements.amount.value.trim(), unit: dform.elements.unit.value });
    });
    const iform = el("form", { class: "grid", id: "item" },
      el("div", { class: "field" }, el("label", { for: "i-item", text: "Part or item" }), el("input", { id: "i-item", name: "item", required: true })),
      el("div", { class: "field" }, el("label", { for: "i-qty", text: "Quantity" }), el("input", { id: "i-qty", name: "qty", inputmode: "decimal", value: "1" })),
      el("button", { type: "submit", class: "wide" }, "Add item"));
    iform.addEventListener("submit", (ev) => {
      ev.preventDefault();
      ticketAct("Item " + iform.elements.item.value, "/items", { item: iform.elements.item.value.trim(), qty: iform.elements.qty.value.trim() || "1" });
    });
    root.append(el("section", { class: "card" }, el("h3", { text: "Chemicals and parts" }), recBtn, recs,
      t && t.doses.length ? el("ul", { class: "done" }, t.doses.map((d) => el("li", { text: d.chemical + ": " + d.amount + " " + d.unit }))) : null,
      dform,
      t && t.items.length ? el("ul", { class: "done" }, t.items.map((i) => el("li", { text: (i.name || i.sku || "item") + " × " + (i.quantity || i.qty || "") }))) : null,
      iform));

    // Photos from the camera.
    const photo = el("input", { type: "file", id: "photo", accept: "image/*", capture: "environment" });
    photo.addEventListener("change", () => {
      const f = photo.files[0];
      if (!f) return;
      // The file itself (a Blob), kept in IndexedDB until it is sent: a phone's photo is several MB.
      ticketAct("Photo", "/photos", null, { blob: f.slice(0, f.size, f.type) });
    });
    root.append(el("section", { class: "card" }, el("h3", { text: "Photos" }),
      el("p", { text: t ? t.photos.length + " on the ticket" : "" }),
      el("label", { for: "photo", class: "button" }, "Take a photo"), photo));

    // Notes: the customer's, and the office's only.
    const note = (id, label, priv) => {
      const area = el("textarea", { id, rows: 3 });
      const f = el("form", { class: "note" }, el("label", { for: id, text: label }), area,
        el("button", { type: "submit" }, priv ? "Save private note" : "Save note for the customer"));
      f.addEventListener("submit", (ev) => {
        ev.preventDefault();
        if (!area.value.trim()) return;
        ticketAct(priv ? "Private note" : "Customer note", "/notes", { text: area.value.trim(), private: priv });
      });
      return f;
    };
    root.append(el("section", { class: "card" }, el("h3", { text: "Notes" }),
      t && t.notes.length ? el("ul", { class: "done" }, t.notes.map((n) => el("li", {}, el("span", { class: "tag", text: n.private ? "private" : "customer" }), " ", el("span", { text: n.text })))) : null,
      note("note-customer", "Note for the customer's report", false),
      note("note-private", "Private note for the office", true)));

    // Submit.
    const submit = async (email) => {
      const a = await ticketAct(email ? "Submit and email" : "Submit", "/submit", email ? { email_report: true } : {}, { to: "completed" });
      if (a && a.status === 200) {
        say((email ? "Submitted; the report is on its way to " : "Submitted: ") + v.customer + ".", "good");
        view = { name: "day" };
        dayView();
      }
    };
    root.append(el("section", { class: "card submit" },
      el("button", { class: "go wide", id: "submit", onclick: () => submit(false) }, "Submit"),
      el("button", { class: "go wide", id: "submit-email", onclick: () => submit(true) }, "Submit and email the report"),
      reasonButton(v, "pause", "paused", "Pause")));
  }

  function readingSummary(r) {
    const flags = r.flags || [];
    return el("div", { class: "reading", id: "reading" },
      el("p", {}, "LSI ", el("strong", { class: index(r.lsi), text: indexText(r.lsi) }),
        " · CSI ", el("strong", { class: index(r.csi), text: indexText(r.csi) })),
      flags.length ? el("ul", { class: "flags" }, flags.map((f) => el("li", { class: "flag", text: f.replace(/_/g, " ") })))
                   : el("p", { class: "ok", text: "All in range" }));
  }

  /** LSI and CSI: balanced between -0.3 and +0.3; below corrodes, above scales. */
  function indexText(x) {
    if (!x || typeof x.value !== "number") return "–";
    const v = x.value.toFixed(2);
    return x.value < -0.3 ? v + " corrosive" : x.value > 0.3 ? v + " scaling" : v + " balanced";
  }
  function index(x) { return x && typeof x.value === "number" && Math.abs(x.value) > 0.3 ? "hot" : "ok"; }

  /** The pool's last visit before this one, with its last readings: what the water was. */
  function previous(t) {
    const last = (t.previous_visits || [])[0];
    if (!last) return null;
    const r = last.last_reading;
    const parts = [];
    if (r) for (const k of ["fc", "cc", "ph", "ta", "ch", "cya", "salt"]) if (r[k] !== null && r[k] !== undefined) parts.push(k + " " + r[k]);
    const day = (last.started_at || "").slice(0, 10);
    return el("p", { class: "last", id: "previous" },
      "Last visit " + day + ": " + (parts.length ? parts.join(", ") : "no readings"));
  }

  // -- Start ---------------------------------------------------------------------------------------

  async function start() {
    const m = location.hash.match(/code=([A-Za-z0-9_-]+)/);
    if (m) {
      history.replaceState(null, "", location.pathname);
      if (!(await signInWithCode(m[1]))) {
        signInView();
        return;
      }
      say("Signed in.", "good");
    }
    if (!pom.token()) {
      signInView();
      return;
    }
    if (!(await loadMe())) {
      signInView();
      return;
    }
    $("who").textContent = me ? me.name : "";
    netStatus();
    pom.flush();
    dayView();
  }

  window.addEventListener("hashchange", () => { if (/code=/.test(location.hash)) start(); });
  start();
})();
