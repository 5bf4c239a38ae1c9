// Offline hazard capture (离线登记): the registration form drawn from the setup kept on the device, drafts kept in
// IndexedDB with their photos, and their sync once the network is back (photos first, then the registration under
// the draft's client_ref, so that sending it twice never makes two cases). The page itself is kept by offline-sw.js.
(function () {
  "use strict";
  var root = document.getElementById("offline-app");
  if (!root) return;
  var T = JSON.parse(root.dataset.messages);
  var SETUP_KEY = "hazard-offline-setup";     // the last setup fetched, without its CSRF token (app.js clears it)
  var SYNCED_KEY = "hazard-offline-synced:";  // + username: the cases the last syncs made, newest first
  var DB_NAME = "hazard-offline", STORE = "drafts", SYNCED_KEPT = 20;
  var FILE_WIDGETS = ["photos", "files"];
  var ACCEPT = { photos: "image/jpeg,image/png,image/gif,image/webp",
                 files: "image/jpeg,image/png,image/gif,image/webp,application/pdf,video/mp4,video/quicktime,video/webm" };
  var state = { db: null, setup: null, csrf: null, formUser: null, editing: null, files: {}, saving: false,
                syncing: false, again: false, sending: null };

  // ---- small helpers --------------------------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }

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
  // offline at all (no service worker, no IndexedDB) and stays.
  function problem(text) {
    var box = $("offline-problem");
    box.textContent = "";
    box.hidden = !text;
    if (!text) return;
    box.appendChild(document.createTextNode(text));
    if (text === T.signed_out) {
      box.appendChild(document.createTextNode(" "));
      box.appendChild(el("a", { href: root.dataset.loginUrl }, [T.login]));
    }
  }

  function unsupported(text) {
    var box = $("offline-unsupported");
    box.textContent = text;
    box.hidden = false;
  }

  function syncStatus(text, isError) {
    var box = $("sync-status");
    box.textContent = text || "";
    box.classList.toggle("error", !!isError);
  }

  function netState() {
    var box = $("net-state");
    box.textContent = navigator.onLine ? T.online : T.offline;
    box.className = "net-state " + (navigator.onLine ? "is-online" : "is-offline");
  }

  function me() { return state.setup && state.setup.user ? state.setup.user.username : null; }

  // ---- what the device keeps: the setup (localStorage), drafts (IndexedDB), the synced list (localStorage) ----
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
      var tx = state.db.transaction(STORE, mode);
      var request = work(tx.objectStore(STORE));
      tx.oncomplete = function () { resolve(request ? request.result : undefined); };
      tx.onerror = tx.onabort = function () { reject(tx.error); };
    });
  }

  function allDrafts() {
    return inStore("readonly", function (s) { return s.getAll(); }).then(function (drafts) {
      return drafts.sort(function (a, b) { return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0; });
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

  // ---- the setup from the server: who is signed in, the form, the enterprises ----------------------------------
  function isJson(resp) { return (resp.headers.get("Content-Type") || "").indexOf("application/json") === 0; }

  function SignedOut() { this.message = T.signed_out; }

  // Resolves to the fresh setup; rejects with SignedOut when the session is gone, or a TypeError when offline.
  function fetchSetup() {
    return fetch(root.dataset.setupUrl, { credentials: "same-origin", cache: "no-store",
                                          headers: { "Accept": "application/json" } })
      .then(function (resp) {
        if (resp.redirected || !isJson(resp)) throw new SignedOut();  // the login page
        return resp.json().then(function (json) {
          if (!resp.ok) throw new Error(json.message || String(resp.status));
          state.setup = json;
          state.csrf = json.csrf_token;
          keepSetup(json);
          problem("");
          showSetup();
          return json;
        });
      });
  }

  function showSetup() {
    var setup = state.setup;
    var who = $("offline-user");
    who.textContent = setup ? say(T.user, { name: setup.user.display_name || setup.user.username }) : "";
    if (setup && !state.csrf) {
      who.appendChild(el("small", {}, [say(T.kept_setup, { time: shown(setup.fetched_at) })]));
    }
    $("capture").hidden = !setup;
    if (!setup) { problem(T.need_setup); return; }
    if (state.formUser !== setup.user.username && !state.editing) drawForm(null);
    drawSynced();
  }

  // ---- the form ----------------------------------------------------------------------------------------------
  function eachField(visit) {
    state.setup.form.rows.forEach(function (row) { row.forEach(visit); });
  }

  function isFileWidget(widget) { return FILE_WIDGETS.indexOf(widget) >= 0; }

  function drawForm(draft) {
    var box = $("capture-fields");
    box.textContent = "";
    state.files = {};
    state.formUser = me();
    state.setup.form.rows.forEach(function (row) {
      var nodes = row.map(function (f) { return field(f, draft); });
      if (row.length === 1) { box.appendChild(nodes[0]); return; }
      var gps = row[0].widget === "gps";
      var pair = el("div", { "class": "pair" + (gps ? " pair-gps" : "") }, nodes);
      if (gps) {
        pair.appendChild(el("button", { type: "button", "class": "btn small locate", "data-lat": row[0].name,
                                        "data-lng": row[1].name }, [T.locate]));
      }
      box.appendChild(pair);
    });
    $("editing-note").hidden = !draft;
    $("editing-note").textContent = draft ? say(T.editing, { time: shown(draft.created_at) }) : "";
    $("cancel-edit").hidden = !draft;
    $("save-draft").textContent = draft ? T.save_changes : T.save;
  }

  function field(f, draft) {
    var values = draft ? (draft.fields[f.name] || []) : (f.value ? [f.value] : []);
    if (!draft && f.widget === "datetime") values = [localInput(new Date())];  // found now, to be corrected
    var value = values.length ? values[values.length - 1] : "";
    var error = draft && draft.field_errors ? draft.field_errors[f.name] : "";
    var box = el("div", { "class": "field w-" + f.widget + (error ? " has-error" : ""), id: "field-" + f.name });
    if (f.widget !== "checkbox") {
      box.appendChild(el("label", { id: "lbl-" + f.name, "for": "f-" + f.name, "class": "label" },
                         [f.title, f.required ? el("span", { "class": "req" }, ["*"]) : null]));
    }
    box.appendChild(control(f, value, draft));
    box.appendChild(el("p", { "class": "field-error", id: "err-" + f.name, role: "alert", hidden: !error }, [error || ""]));
    if (f.help) box.appendChild(el("p", { "class": "help", id: "help-" + f.name }, [f.help]));
    return box;
  }

  function control(f, value, draft) {
    var id = "f-" + f.name, w = f.widget;
    if (isFileWidget(w)) {
      state.files[f.name] = draft && draft.photos[f.name] ? draft.photos[f.name].slice() : [];
      var upload = el("div", { "class": "upload", "data-field": f.name }, [
        el("div", { "class": "thumbs" }),
        el("label", { "class": "btn upload-button" }, [
          el("input", { id: id, type: "file", accept: ACCEPT[w], multiple: "multiple", "class": "visually-hidden" }),
          el("span", {}, ["+ " + (w === "photos" ? T.add_photos : T.add_files)])])]);
      drawThumbs(upload);
      return upload;
    }
    if (w === "textarea") {
      var area = el("textarea", { id: id, name: f.name, rows: "4", maxlength: f.attrs.maxlength });
      area.value = value;
      return area;
    }
    if (w === "select" || w === "enterprise") {
      var select = el("select", { id: id, name: f.name }, [el("option", { value: "" }, [T.choose])].concat(
        f.options.map(function (o) { return el("option", { value: o[0] }, [o[1]]); })));
      select.value = value;
      return select;
    }
    if (w === "radio") {
      return el("span", { "class": "radios", role: "radiogroup", "aria-labelledby": "lbl-" + f.name },
        f.options.map(function (o) {
          return el("label", { "class": "radio" }, [el("input", { type: "radio", name: f.name, value: o[0],
            checked: o[0] === value ? "checked" : null }), " ", el("span", {}, [o[1]])]);
        }));
    }
    if (w === "checkbox") {
      return el("label", { "class": "check" }, [el("input", { id: id, name: f.name, type: "checkbox", value: "true",
        checked: ["true", "on", "1"].indexOf(value) >= 0 ? "checked" : null }), " ", el("span", {}, [f.title])]);
    }
    var input;
    if (w === "number" || w === "gps" || w === "money") {
      input = el("input", { id: id, name: f.name, type: "text", inputmode: "decimal", "class": "num" });
    } else if (w === "slider") {
      input = el("input", { id: id, name: f.name, type: "range", min: f.attrs.min || 0, max: f.attrs.max || 100,
                            step: f.attrs.step || 1 });
    } else {
      var types = { date: "date", datetime: "datetime-local", tel: "tel" };
      input = el("input", { id: id, name: f.name, type: types[w] || "text", maxlength: f.attrs.maxlength });
    }
    input.value = value;
    return input;
  }

  function drawThumbs(box) {
    var thumbs = box.querySelector(".thumbs");
    thumbs.textContent = "";
    state.files[box.dataset.field].forEach(function (file, index) {
      var picture = file.type.indexOf("image/") === 0 ? el("img", { src: URL.createObjectURL(file.blob), alt: file.name })
        : el("span", { "class": "doc" }, [(file.name.split(".").pop() || "").toUpperCase()]);
      thumbs.appendChild(el("figure", { "class": "thumb" }, [picture, el("figcaption", {}, [file.name]),
        el("button", { type: "button", "class": "thumb-remove", "data-index": String(index), title: T.remove,
                       "aria-label": T.remove + " " + file.name }, ["×"])]));
    });
  }

  // The chosen files as Blobs of their own bytes: a camera's file may be gone when the network is back.
  function addFiles(input) {
    var box = input.closest(".upload");
    var files = Array.prototype.slice.call(input.files);
    input.value = "";
    return Promise.all(files.map(function (file) {
      return file.arrayBuffer().then(function (bytes) {
        return { name: file.name, type: file.type, blob: new Blob([bytes], { type: file.type }), id: null };
      });
    })).then(function (read) {
      state.files[box.dataset.field] = state.files[box.dataset.field].concat(read);
      drawThumbs(box);
    });
  }

  function readForm() {
    var form = $("capture-form"), fields = {}, missing = [];
    eachField(function (f) {
      if (isFileWidget(f.widget)) {
        if (f.required && !state.files[f.name].length) missing.push(f.name);
        return;
      }
      var control = form.elements[f.name];
      var value = f.widget === "checkbox" ? (control.checked ? "true" : "") : (control.value || "").trim();
      if (value) fields[f.name] = [value];
      else if (f.required && f.widget !== "checkbox") missing.push(f.name);
    });
    return { fields: fields, missing: missing };
  }

  function markMissing(missing) {
    eachField(function (f) {
      var box = $("field-" + f.name), error = $("err-" + f.name), bad = missing.indexOf(f.name) >= 0;
      box.classList.toggle("has-error", bad);
      if (bad) error.textContent = T.required;
      error.hidden = !bad;
    });
  }

  function optionLabel(name, value) {
    var label = value || "";
    eachField(function (f) {
      if (f.name !== name) return;
      f.options.forEach(function (o) { if (o[0] === value) label = o[1]; });
    });
    return label;
  }

  // The device's position for the photos (where they were taken when their own GPS tags are stripped); none after
  // 12 s, without permission, or without a fix.
  function devicePosition(photos) {
    if (!photos || !navigator.geolocation) return Promise.resolve(null);
    return new Promise(function (resolve) {
      window.setTimeout(function () { resolve(null); }, 12000);
      navigator.geolocation.getCurrentPosition(function (pos) {
        resolve({ latitude: pos.coords.latitude, longitude: pos.coords.longitude });
      }, function () { resolve(null); }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 120000 });
    });
  }

  function save(ev) {
    ev.preventDefault();
    if (state.saving || !state.setup) return;
    var read = readForm();
    markMissing(read.missing);
    if (read.missing.length) { $("capture-status").textContent = T.fix_fields; return; }
    state.saving = true;
    var editing = state.editing, photos = {};
    Object.keys(state.files).forEach(function (name) { photos[name] = state.files[name].slice(); });
    var anyImage = Object.keys(photos).some(function (name) {
      return photos[name].some(function (p) { return p.type.indexOf("image/") === 0; });
    });
    (editing && editing.position ? Promise.resolve(editing.position) : devicePosition(anyImage))
      .then(function (position) {
        var now = new Date().toISOString();
        var draft = editing || { client_ref: newRef(), username: me(), display_name: state.setup.user.display_name,
                                 created_at: now, sent_at: null };
        draft.fields = read.fields;
        draft.photos = photos;
        draft.position = position;
        draft.updated_at = now;
        draft.state = "pending";
        draft.message = "";
        draft.field_errors = {};
        draft.summary = { enterprise: optionLabel("enterprise_id", (read.fields.enterprise_id || [""])[0]),
                          place: (read.fields.place || [""])[0] };
        return putDraft(draft).then(function () {
          state.editing = null;
          drawForm(null);
          $("capture-status").textContent = editing ? T.updated : T.saved;
          return drawDrafts();
        });
      })
      .then(function () {
        state.saving = false;
        if (state.syncing) state.again = true;  // saved while a sync ran: the next round sends it
        else if (navigator.onLine) syncAll();
      },
            function (err) { state.saving = false; $("capture-status").textContent = String(err); });
  }

  // ---- the drafts ----------------------------------------------------------------------------------------------
  function editable(draft) { return draft.username === me() && (draft.state === "rejected" || !draft.sent_at); }

  function stateText(draft) {
    if (draft.username !== me()) return say(T.other_user, { name: draft.display_name || draft.username });
    if (state.sending === draft.client_ref) return T.sending;
    if (draft.state === "rejected") return say(T.rejected, { message: draft.message });
    return draft.sent_at ? T.waiting : T.pending;
  }

  function fieldTitle(name) {
    var title = name;
    if (state.setup) eachField(function (f) { if (f.name === name) title = f.title; });
    return title;
  }

  function drawDrafts() {
    if (!state.db) return Promise.resolve();
    return allDrafts().then(function (drafts) {
      var rows = $("draft-rows");
      rows.textContent = "";
      $("draft-count").textContent = drafts.length ? String(drafts.length) : "";
      if (!drafts.length) rows.appendChild(el("tr", {}, [el("td", { colspan: "6", "class": "muted" }, [T.no_drafts])]));
      drafts.forEach(function (d) {
        var photos = Object.keys(d.photos).reduce(function (n, k) { return n + d.photos[k].length; }, 0);
        var mine = d.username === me();
        var status = el("td", { "class": "draft-state" }, [el("span", { "class": "tag tag-" + (mine ? d.state : "other") },
                                                                 [stateText(d)])]);
        if (mine && d.note && d.state !== "rejected") status.appendChild(el("small", { "class": "muted" }, [" " + d.note]));
        var errors = Object.keys(d.field_errors || {});
        if (mine && errors.length) {
          status.appendChild(el("ul", { "class": "draft-errors" }, errors.map(function (name) {
            return el("li", {}, [fieldTitle(name) + ": " + d.field_errors[name]]);
          })));
        }
        var actions = el("td", { "class": "actions" }, [
          editable(d) ? el("button", { type: "button", "class": "btn small draft-edit", "data-ref": d.client_ref }, [T.edit]) : null,
          editable(d) ? el("button", { type: "button", "class": "btn small ghost draft-delete", "data-ref": d.client_ref },
                           [T.delete]) : null]);
        rows.appendChild(el("tr", { "class": "draft", "data-ref": d.client_ref, "data-state": mine ? d.state : "other" }, [
          el("td", {}, [shown(d.created_at)]), el("td", {}, [d.summary.enterprise]), el("td", {}, [d.summary.place]),
          el("td", {}, [say(T.photos, { n: photos })]), status, actions]));
      });
    });
  }

  function drawSynced() {
    var list = me() ? syncedList(me()) : [];
    var box = $("synced-rows");
    box.textContent = "";
    $("synced").hidden = !list.length;
    list.forEach(function (item) {
      box.appendChild(el("li", {}, [el("a", { href: item.url, "class": "code" }, [item.code]), " ",
        item.enterprise + " · " + item.place, " ", el("small", { "class": "muted" }, [T.synced + " " + shown(item.synced_at)])]));
    });
  }

  // ---- sync ----------------------------------------------------------------------------------------------------
  function Transient(message) { this.message = message; }

  function post(url, body, isJsonBody) {
    var headers = { "Accept": "application/json", "X-CSRF-Token": state.csrf };
    if (isJsonBody) headers["Content-Type"] = "application/json";
    return fetch(url, { method: "POST", credentials: "same-origin", headers: headers,
                        body: isJsonBody ? JSON.stringify(body) : body })
      .catch(function () { throw new Transient(T.network_error); })
      .then(function (resp) {
        if (resp.redirected) throw new SignedOut();
        if (resp.status >= 500) throw new Transient(T.server_error);
        return (isJson(resp) ? resp.json() : Promise.resolve(null)).then(function (json) {
          return { status: resp.status, ok: resp.ok, json: json };
        });
      });
  }

  function refuse(draft, message, fields) {
    draft.state = "rejected";
    draft.message = message;
    draft.field_errors = fields || {};
    draft.sent_at = null;  // the server made nothing of it: it may be changed and sent again
    return putDraft(draft);
  }

  function refusal(answer) {
    if (answer.status === 413) return T.too_large;
    return (answer.json && answer.json.message) || ("HTTP " + answer.status);
  }

  // Each photo once: its id is kept with the draft as soon as the server has it.
  function uploadPhotos(draft) {
    var pending = [];
    Object.keys(draft.photos).forEach(function (name) {
      draft.photos[name].forEach(function (photo) { if (!photo.id) pending.push([name, photo]); });
    });
    return pending.reduce(function (chain, item) {
      return chain.then(function (refused) {
        if (refused) return true;
        var name = item[0], photo = item[1], body = new FormData();
        body.append("file", photo.blob, photo.name);
        body.append("field", name);
        if (draft.position && photo.type.indexOf("image/") === 0) {
          body.append("device_latitude", draft.position.latitude.toFixed(6));
          body.append("device_longitude", draft.position.longitude.toFixed(6));
        }
        return post(root.dataset.uploadUrl, body, false).then(function (answer) {
          if (answer.ok && answer.json && answer.json.id) {
            photo.id = answer.json.id;
            return putDraft(draft).then(function () { return false; });
          }
          return refuse(draft, say(T.upload_failed, { message: photo.name + ": " + refusal(answer) }), {})
            .then(function () { return true; });
        });
      });
    }, Promise.resolve(false));
  }

  function registration(draft) {
    var fields = Object.assign({}, draft.fields);
    Object.keys(draft.photos).forEach(function (name) {
      fields[name] = draft.photos[name].map(function (p) { return p.id; });
    });
    return { client_ref: draft.client_ref, fields: fields };
  }

  // true when the case exists (made now, or by an earlier sending of the same draft), false when refused.
  function syncOne(draft) {
    state.sending = draft.client_ref;
    draft.note = "";
    return drawDrafts().then(function () { return uploadPhotos(draft); }).then(function (refused) {
      if (refused) return false;
      draft.sent_at = draft.sent_at || new Date().toISOString();
      return putDraft(draft).then(function () {
        return post(root.dataset.syncUrl, registration(draft), true);
      }).then(function (answer) {
        if (answer.ok && answer.json && answer.json.code) {
          rememberSynced(draft, answer.json);
          return deleteDraft(draft.client_ref).then(function () { return true; });
        }
        var fields = answer.json && answer.json.fields;
        return refuse(draft, refusal(answer), fields).then(function () { return false; });
      });
    });
  }

  function syncAll() {
    if (state.syncing || !state.db) return Promise.resolve();
    state.syncing = true;
    syncStatus(T.sending);
    var done = 0;
    return fetchSetup().then(function (setup) {
      return allDrafts().then(function (drafts) {
        // Not another user's, not one the server refused (it waits for a change), not the one being changed.
        var editing = state.editing && state.editing.client_ref;
        var mine = drafts.filter(function (d) {
          return d.username === setup.user.username && d.state !== "rejected" && d.client_ref !== editing;
        });
        return mine.reduce(function (chain, draft) {
          return chain.then(function () { return syncOne(draft).then(function (made) { if (made) done += 1; }); });
        }, Promise.resolve());
      });
    }).then(function () {
      syncStatus(done ? say(T.sync_done, { n: done }) : T.nothing_to_sync);
    }, function (err) {
      if (err instanceof SignedOut) problem(T.signed_out);
      syncStatus(err instanceof TypeError ? T.network_error : err.message || String(err), true);
      if (state.sending) {
        return getDraft(state.sending).then(function (draft) {
          if (draft && !(err instanceof SignedOut)) { draft.note = err.message || T.network_error; return putDraft(draft); }
        });
      }
    }).then(function () {
      state.syncing = false;
      state.sending = null;
      drawSynced();
      return drawDrafts();
    }).then(function () {
      if (state.again) { state.again = false; return syncAll(); }
    });
  }

  // ---- events --------------------------------------------------------------------------------------------------
  function edit(ref) {
    getDraft(ref).then(function (draft) {
      if (!draft || !editable(draft)) return;
      state.editing = draft;
      drawForm(draft);
      $("capture").scrollIntoView();
    });
  }

  function remove(ref) {
    if (!window.confirm(T.confirm_delete)) return;
    deleteDraft(ref).then(function () {
      if (state.editing && state.editing.client_ref === ref) { state.editing = null; drawForm(null); }
      return drawDrafts();
    });
  }

  function locate(button) {
    if (!navigator.geolocation) { button.textContent = T.locate_failed; return; }
    var form = $("capture-form");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements[button.dataset.lat].value = pos.coords.latitude.toFixed(6);
      form.elements[button.dataset.lng].value = pos.coords.longitude.toFixed(6);
    }, function () { button.textContent = T.locate_failed; }, { enableHighAccuracy: true, timeout: 15000 });
  }

  document.addEventListener("click", function (ev) {
    var target = ev.target.closest("button");
    if (!target) return;
    if (target.classList.contains("thumb-remove")) {
      var box = target.closest(".upload");
      state.files[box.dataset.field].splice(Number(target.dataset.index), 1);
      drawThumbs(box);
    } else if (target.classList.contains("locate")) {
      locate(target);
    } else if (target.classList.contains("draft-edit")) {
      edit(target.dataset.ref);
    } else if (target.classList.contains("draft-delete")) {
      remove(target.dataset.ref);
    } else if (target.id === "cancel-edit") {
      state.editing = null;
      drawForm(null);
    } else if (target.id === "sync-now") {
      syncAll();
    }
  });

  document.addEventListener("change", function (ev) {
    if (ev.target.matches(".upload input[type=file]")) addFiles(ev.target);
  });

  $("capture-form").addEventListener("submit", save);
  window.addEventListener("online", function () { netState(); syncAll(); });
  window.addEventListener("offline", netState);

  // ---- start: the page from the service worker's cache works with what the device kept ---------------------------
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.workerUrl, { scope: root.dataset.scope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { root.dataset.workerReady = "1"; })
      .catch(function () { unsupported(T.no_worker); });
  } else {
    unsupported(T.no_worker);
  }
  netState();
  state.setup = keptSetup();
  showSetup();
  openDb().then(function (db) {
    state.db = db;
    return drawDrafts();
  }, function () {
    unsupported(T.no_storage);
    $("capture").hidden = true;
  }).then(function () {
    root.dataset.ready = "1";
    if (navigator.onLine) return syncAll();
  });
})();
