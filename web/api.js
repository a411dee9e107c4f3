// pom's browser pages: the API client, the offline queue, and a safe way to build elements.
// Shared by the technician's page (app.js) and the office's board (board.js).
//
// Names and notes only ever reach the page through textContent (el() below), never as HTML.
"use strict";

const pom = (() => {
  const TOKEN = "pom.token";
  const QUEUE = "pom.queue";
  const PROBLEMS = "pom.problems";
  const TICKETS = "pom.tickets"; // visit id -> service ticket id, learnt from Start's answer

  /** An element with attributes and children; strings become text nodes, never HTML. */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      e.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  function load(key, fallback) {
    try {
      const v = localStorage.getItem(key);
      return v === null ? fallback : JSON.parse(v);
    } catch (e) {
      return fallback;
    }
  }
  function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }

  function token() { return localStorage.getItem(TOKEN) || ""; }
  function setToken(t) { if (t) localStorage.setItem(TOKEN, t); else localStorage.removeItem(TOKEN); }

  function newKey() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return "web-" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  class Offline extends Error {}

  /** One request to /api/v1. Resolves to {status, data}; rejects with Offline when there is no network. */
  async function call(method, path, body, opts) {
    const o = opts || {};
    const headers = {};
    if (token()) headers["Authorization"] = "Bearer " + token();
    let payload;
    if (o.blob) {
      headers["Content-Type"] = o.blob.type;
      payload = o.blob;
    } else if (body !== undefined && body !== null) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    if (o.key) headers["Idempotency-Key"] = o.key;
    let r;
    try {
      r = await fetch("/api/v1" + path, { method, headers, body: payload, cache: "no-store", credentials: "omit" });
    } catch (e) {
      throw new Offline("no network");
    }
    let data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    return { status: r.status, data };
  }

  /** The words of a refusal: the server's message, or what the status means. */
  function refusal(answer) {
    if (answer && answer.data && answer.data.error && answer.data.error.message) return answer.data.error.message;
    return "the server answered HTTP " + (answer ? answer.status : "?");
  }

  // -- The queue: actions taken on the phone, sent in order, each with its Idempotency-Key, so a
  // request whose answer was lost is sent again without being done twice.

  /** The record of an answer: most routes answer the command's array of one. */
  function one(data) { return Array.isArray(data) ? data[0] : data; }

  function queue() { return load(QUEUE, []); }
  function problems() { return load(PROBLEMS, []); }
  function tickets() { return load(TICKETS, {}); }
  function ticketOf(visit) { return tickets()[String(visit)]; }
  function learnTicket(visit, service) {
    const t = tickets();
    t[String(visit)] = service;
    save(TICKETS, t);
  }
  function dismissProblem(i) {
    const p = problems();
    p.splice(i, 1);
    save(PROBLEMS, p);
    changed();
  }

  const listeners = [];
  function onChange(f) { listeners.push(f); }
  function changed(answer) { for (const f of listeners) f(answer); }

  /**
   * Queues an action and sends what is queued. `path` may name the ticket of a visit as
   * {ticket:VISIT}: it is filled in when the action is sent, from Start's answer (which may
   * itself have been queued). Resolves to the answer when it was sent now, or null when it waits.
   */
  async function act(label, method, path, body, extra) {
    const more = Object.assign({}, extra || {});
    const blob = more.blob;
    delete more.blob;
    const item = Object.assign({ key: newKey(), label, method, path, body: body === undefined ? null : body,
                                 queued_at: new Date().toISOString() }, more);
    if (blob) {
      // A photo is kept whole in IndexedDB (localStorage holds a few MB of text at most), under
      // the action's key, before the action is queued: a queued photo always has its bytes.
      try {
        await blobs.put(item.key, blob);
      } catch (e) {
        throw new Error("the phone's storage is full: this photo was not kept (" + (e && e.message || e) + ")");
      }
      item.photo_ref = item.key;
    }
    const q = queue();
    q.push(item);
    try {
      save(QUEUE, q);
    } catch (e) {
      if (blob) blobs.remove(item.key);
      throw new Error("the phone's storage is full: this action was not kept (" + e.message + ")");
    }
    changed();
    return flush(item.key);
  }

  // -- Photos waiting to be sent: Blobs in IndexedDB, keyed by their action's key.
  const blobs = (() => {
    let db = null;
    function open() {
      if (db) return db;
      db = new Promise((resolve, reject) => {
        const r = indexedDB.open("pom", 1);
        r.onupgradeneeded = () => r.result.createObjectStore("photos");
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => { db = null; reject(r.error); };
      });
      return db;
    }
    async function run(mode, f) {
      const d = await open();
      return new Promise((resolve, reject) => {
        const tx = d.transaction("photos", mode);
        const req = f(tx.objectStore("photos"));
        let value;
        req.onsuccess = () => { value = req.result; };
        tx.oncomplete = () => resolve(value);
        tx.onerror = tx.onabort = () => reject(tx.error || req.error);
      });
    }
    return {
      put: (key, blob) => run("readwrite", (s) => s.put(blob, key)),
      get: (key) => run("readonly", (s) => s.get(key)),
      remove: (key) => run("readwrite", (s) => s.delete(key)).catch(() => {}),
    };
  })();

  /** A data: URL (how a queued photo is kept) as a Blob; fetch() of it would be refused by the CSP. */
  function blobOf(url) {
    const comma = url.indexOf(",");
    const type = url.slice(5, url.indexOf(";"));
    const bin = atob(url.slice(comma + 1));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Blob([bytes], { type });
  }

  let flushing = null;
  /** Sends the queue in order; stops at the first action that cannot be sent for want of network. */
  function flush(wanted, again) {
    if (!flushing) flushing = sendAll().finally(() => { flushing = null; });
    return flushing.then((answers) => {
      if (!wanted || answers[wanted]) return wanted ? answers[wanted] : null;
      // Queued just as a send that had already emptied the queue finished: one more round.
      if (!again && queue().some((q) => q.key === wanted)) return flush(wanted, true);
      return null;
    });
  }

  async function sendAll() {
    const answers = {};
    for (;;) {
      const q = queue();
      if (q.length === 0) break;
      const item = q[0];
      let path = item.path;
      const m = path.match(/\{ticket:(\d+)\}/);
      if (m) {
        const t = ticketOf(m[1]);
        if (!t) {
          dropFirst(item, "visit " + m[1] + " has no open service ticket here: it was never started");
          continue;
        }
        path = path.replace(m[0], String(t));
      }
      let answer;
      try {
        const opts = { key: item.key };
        if (item.photo) opts.blob = blobOf(item.photo); // queued by an older page: a data: URL
        if (item.photo_ref) {
          opts.blob = await blobs.get(item.photo_ref);
          if (!opts.blob) {
            dropFirst(item, "the photo's bytes are no longer on this phone: take it again");
            continue;
          }
        }
        answer = await call(item.method, path, opts.blob ? null : item.body, opts);
      } catch (e) {
        if (e instanceof Offline) break;
        answer = { status: 0, data: { error: { message: e.message } } };
      }
      if (answer.status === 503 || answer.status === 502 || answer.status === 504) break; // busy: later
      if (answer.status === 401) break; // signed out: keep the queue for the next sign-in
      answers[item.key] = answer;
      if (answer.status === 200) {
        const rec = one(answer.data);
        if (item.learn_ticket && rec && rec.id) learnTicket(item.learn_ticket, rec.id);
        const rest = queue();
        if (rest.length && rest[0].key === item.key) rest.shift();
        save(QUEUE, rest);
        if (item.photo_ref) await blobs.remove(item.photo_ref);
      } else {
        dropFirst(item, refusal(answer), answer.status);
      }
      changed(answer);
    }
    changed();
    return answers;
  }

  /** A refused action leaves the queue and is kept as a problem to show, never dropped silently. */
  function dropFirst(item, why, status) {
    const rest = queue();
    if (rest.length && rest[0].key === item.key) rest.shift();
    save(QUEUE, rest);
    if (item.photo_ref) blobs.remove(item.photo_ref);
    const p = problems();
    const queuedLong = item.queued_at && Date.now() - Date.parse(item.queued_at) > 3000;
    p.push({ label: item.label, why, status: status || 0, queued_at: item.queued_at, late: queuedLong });
    save(PROBLEMS, p);
  }

  setInterval(() => { if (queue().length && token()) flush(); }, 4000);
  window.addEventListener("online", () => { if (token()) flush(); });

  return { el, one, call, act, flush, queue, problems, dismissProblem, onChange, token, setToken, refusal, Offline,
           ticketOf, learnTicket, load, save };
})();

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}
