// The offline registration page's service worker (离线登记), served as /sw.js and registered by that page with the
// page itself as its scope: it controls no other page of the site.
//
// It keeps the page's shell (the page, which holds no user data, and the static files it loads) and answers
// them from the network while there is one (refreshing its copy), from its copy when there is none. Every other
// request passes through untouched and is never stored: no other page, no case data, no JSON, no upload. The form,
// the enterprises and the drafts are kept by the page itself (localStorage, IndexedDB).
"use strict";

var CACHE = "hazard-offline-shell-v1";  // a new name when FILES change: the old copy is dropped on activation
var PAGE = self.registration.scope;  // .../hazards/offline
var FILES = ["static/app.css", "static/offline_store.js", "static/offline_form.js", "static/offline.js"];
var SHELL = [PAGE].concat(FILES.map(function (file) { return new URL(file, self.location).href; }));

// Only a page or file as the server meant it: not an error, not the login page a lost session redirects to.
function usable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

function shellKey(request) {
  var url = new URL(request.url);
  var key = url.origin + url.pathname;  // the page with any query string is the same shell
  return SHELL.indexOf(key) >= 0 ? key : null;
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (url) {
      return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        if (!usable(response)) throw new Error("not cached: " + url + " (" + response.status + ")");
        return cache.put(url, response);
      });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("hazard-offline-shell-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var key = request.method === "GET" ? shellKey(request) : null;
  if (!key) return;  // not the shell: the network, as without a service worker
  event.respondWith(fetch(request).then(function (response) {
    if (usable(response)) {
      var copy = response.clone();
      event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(key, copy); }));
    }
    return response;
  }, function () {
    return caches.open(CACHE).then(function (cache) { return cache.match(key); }).then(function (kept) {
      return kept || Response.error();
    });
  }));
});
