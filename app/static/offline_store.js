// Offline hazard capture (离线登记), part 1 of 3: what the device keeps — the setup (localStorage, without its CSRF
// token), the drafts with their photos (IndexedDB), the cases the last syncs made (localStorage) — and small helpers
// the other two parts share (window.HazardOffline.util). Loaded before offline_form.js and offline.js.
(function () {
  "use strict";
  var SETUP_KEY = "hazard-offline-setup";     // the last setup fetched (app.js forgets it on sign-out)
  var SYNCED_KEY = "hazard-offline-synced:";  // + username: the cases the last syncs made, newest first
  var DB_NAME = "hazard-offline", STORE = "drafts", SYNCED_KEPT = 20;
  var db = null;

  function say(text, vars) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return vars && key in vars ? vars[key] : all; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The device's local time as a datetime-local control shows it (the server reads it as Shanghai time).
  function localInput(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" +
      pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  function shown(iso) { return iso ? localInput(new Date(iso)).replace("T", " ") : ""; }

  function newRef() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // What stands in the way of syncing (signed out, nothing kept yet); `unsupported` what stands in the way of working

  function keptSetup() {
    try { return JSON.parse(localStorage.getItem(SETUP_KEY)); } catch (e) { return null; }
  }

  function keepSetup(setup) {
    var copy = Object.assign({}, setup);
    delete copy.csrf_token;  // the token is the session's: used right away, never kept
    localStorage.setItem(SETUP_KEY, JSON.stringify(copy));
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "client_ref" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function inStore(mode, work) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(STORE, mode);
      var request = work(tx.objectStore(STORE));
      tx.oncomplete = function () { resolve(request ? request.result : undefined); };
      tx.onerror = tx.onabort = function () { reject(tx.error); };
    });
  }

  function allDrafts() {
    return inStore("readonly", function (s) { return s.getAll(); }).then(function (drafts) {
      return drafts.sort(function (a, b) {
        return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0;
      });
    });
  }
  function getDraft(ref) { return inStore("readonly", function (s) { return s.get(ref); }); }
  function putDraft(draft) { return inStore("readwrite", function (s) { return s.put(draft); }); }
  function deleteDraft(ref) { return inStore("readwrite", function (s) { return s.delete(ref); }); }

  function syncedList(username) {
    try { return JSON.parse(localStorage.getItem(SYNCED_KEY + username)) || []; } catch (e) { return []; }
  }

  function rememberSynced(draft, result) {
    var list = syncedList(draft.username);
    list.unshift({ code: result.code, url: result.url, place: draft.summary.place,
                   enterprise: draft.summary.enterprise, synced_at: new Date().toISOString() });
    localStorage.setItem(SYNCED_KEY + draft.username, JSON.stringify(list.slice(0, SYNCED_KEPT)));
  }

  function open() {
    return openDb().then(function (opened) { db = opened; });
  }

  window.HazardOffline = {
    util: { say: say, el: el, localInput: localInput, shown: shown, newRef: newRef },
    store: { open: open, keptSetup: keptSetup, keepSetup: keepSetup, allDrafts: allDrafts, getDraft: getDraft,
             putDraft: putDraft, deleteDraft: deleteDraft, syncedList: syncedList, rememberSynced: rememberSynced }
  };
})();
