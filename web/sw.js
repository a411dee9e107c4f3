// pom's service worker: the app shell (pages, script, style) is kept so the technician's page
// opens without signal. The network comes first, so a new pom's pages show at once; the cache is
// the fallback. The API is never cached here: the page keeps its own copy of the route, and its
// queue of actions (api.js).
"use strict";

const SHELL = "pom-shell-v1";
const FILES = ["/", "/api.js", "/app.js", "/pom.css", "/pom.webmanifest", "/board", "/board.js"];

self.addEventListener("install", (ev) => {
  ev.waitUntil(caches.open(SHELL).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (ev) => {
  ev.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (ev) => {
  const url = new URL(ev.request.url);
  if (ev.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/openapi.json") return;
  const key = url.pathname;
  ev.respondWith(fetch(ev.request).then((r) => {
    if (r.ok && FILES.includes(key)) {
      const copy = r.clone();
      caches.open(SHELL).then((c) => c.put(key, copy));
    }
    return r;
  }).catch(() => caches.open(SHELL).then((c) => c.match(key)).then((r) => r || Response.error())));
});
