// Offline hazard capture (离线登记), part 3 of 3: the page — who is signed in (the setup, kept for working offline),
// capturing a draft, the list of drafts waiting with their state, and their sync once the network is back: photos
// first, then the registration under the draft's client_ref, so that sending it twice never makes two cases. Needs
// offline_store.js and offline_form.js; the page itself is kept by the service worker (offline_sw.js).
(function () {
  "use strict";
  var root = document.getElementById("offline-app");
  if (!root) return;
  var T = JSON.parse(root.dataset.messages);
  var util = window.HazardOffline.util, store = window.HazardOffline.store, form = window.HazardOffline.form;
  var say = util.say, el = util.el, shown = util.shown;
  var state = { stored: false, setup: null, csrf: null, formUser: null, editing: null, saving: false,
                syncing: false, again: false, sending: null };

  function $(id) { return document.getElementById(id); }

  // What stands in the way of syncing (signed out, nothing kept yet); `unsupported`: what stands in the way of working
  // offline at all (no service worker, no IndexedDB), which stays.
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
          store.keepSetup(json);
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

  // ---- capturing -------------------------------------------------------------------------------------------------
  function drawForm(draft) {
    form.draw($("capture-fields"), state.setup, draft);
    state.formUser = me();
    $("editing-note").hidden = !draft;
    $("editing-note").textContent = draft ? say(T.editing, { time: shown(draft.created_at) }) : "";
    $("cancel-edit").hidden = !draft;
    $("save-draft").textContent = draft ? T.save_changes : T.save;
    if (draft) $("capture-status").textContent = "";
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
    var read = form.read($("capture-form"));
    form.markMissing(read.missing);
    if (read.missing.length) { $("capture-status").textContent = T.fix_fields; return; }
    state.saving = true;
    var editing = state.editing, photos = form.files();
    var anyImage = Object.keys(photos).some(function (name) {
      return photos[name].some(function (p) { return p.type.indexOf("image/") === 0; });
    });
    (editing && editing.position ? Promise.resolve(editing.position) : devicePosition(anyImage))
      .then(function (position) {
        var now = new Date().toISOString();
        var draft = editing || { client_ref: util.newRef(), username: me(), created_at: now, sent_at: null,
                                 display_name: state.setup.user.display_name };
        draft.fields = read.fields;
        draft.photos = photos;
        draft.position = position;
        draft.updated_at = now;
        draft.state = "pending";
        draft.message = "";
        draft.field_errors = {};
        draft.summary = { enterprise: form.optionLabel("enterprise_id", (read.fields.enterprise_id || [""])[0]),
                          place: (read.fields.place || [""])[0] };
        return store.putDraft(draft).then(function () {
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
      }, function (err) {
        state.saving = false;
        $("capture-status").textContent = String(err);
      });
  }

  // ---- the drafts ----------------------------------------------------------------------------------------------
  function editable(draft) { return draft.username === me() && (draft.state === "rejected" || !draft.sent_at); }

  function stateText(draft) {
    if (draft.username !== me()) return say(T.other_user, { name: draft.display_name || draft.username });
    if (state.sending === draft.client_ref) return T.sending;
    if (draft.state === "rejected") return say(T.rejected, { message: draft.message });
    return draft.sent_at ? T.waiting : T.pending;
  }

  function drawDrafts() {
    if (!state.stored) return Promise.resolve();
    return store.allDrafts().then(function (drafts) {
      var rows = $("draft-rows");
      rows.textContent = "";
      $("draft-count").textContent = drafts.length ? String(drafts.length) : "";
      if (!drafts.length) rows.appendChild(el("tr", {}, [el("td", { colspan: "6", "class": "muted" }, [T.no_drafts])]));
      drafts.forEach(function (d) {
        var photos = Object.keys(d.photos).reduce(function (n, k) { return n + d.photos[k].length; }, 0);
        var mine = d.username === me();
        var tag = el("span", { "class": "tag tag-" + (mine ? d.state : "other") }, [stateText(d)]);
        var status = el("td", { "class": "draft-state" }, [tag]);
        if (mine && d.note && d.state !== "rejected") {
          status.appendChild(el("small", { "class": "muted" }, [" " + d.note]));
        }
        var errors = Object.keys(d.field_errors || {});
        if (mine && errors.length) {
          status.appendChild(el("ul", { "class": "draft-errors" }, errors.map(function (name) {
            return el("li", {}, [form.fieldTitle(name) + ": " + d.field_errors[name]]);
          })));
        }
        var actions = el("td", { "class": "actions" }, editable(d) ? [
          el("button", { type: "button", "class": "btn small draft-edit", "data-ref": d.client_ref }, [T.edit]),
          el("button", { type: "button", "class": "btn small ghost draft-delete", "data-ref": d.client_ref },
             [T.delete])
        ] : []);
        var row = { "class": "draft", "data-ref": d.client_ref, "data-state": mine ? d.state : "other" };
        rows.appendChild(el("tr", row, [
          el("td", {}, [shown(d.created_at)]), el("td", {}, [d.summary.enterprise]), el("td", {}, [d.summary.place]),
          el("td", {}, [say(T.photos, { n: photos })]), status, actions]));
      });
    });
  }

  function drawSynced() {
    var list = me() ? store.syncedList(me()) : [];
    var box = $("synced-rows");
    box.textContent = "";
    $("synced").hidden = !list.length;
    list.forEach(function (item) {
      box.appendChild(el("li", {}, [el("a", { href: item.url, "class": "code" }, [item.code]), " ",
        item.enterprise + " · " + item.place, " ",
        el("small", { "class": "muted" }, [T.synced + " " + shown(item.synced_at)])]));
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
    return store.putDraft(draft);
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
            return store.putDraft(draft).then(function () { return false; });
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
      return store.putDraft(draft).then(function () {
        return post(root.dataset.syncUrl, registration(draft), true);
      }).then(function (answer) {
        if (answer.ok && answer.json && answer.json.code) {
          store.rememberSynced(draft, answer.json);
          return store.deleteDraft(draft.client_ref).then(function () { return true; });
        }
        var fields = answer.json && answer.json.fields;
        return refuse(draft, refusal(answer), fields).then(function () { return false; });
      });
    });
  }

  function syncAll() {
    if (state.syncing || !state.stored) return Promise.resolve();
    state.syncing = true;
    syncStatus(T.sending);
    var done = 0, refused = 0;
    return fetchSetup().then(function (setup) {
      return store.allDrafts().then(function (drafts) {
        // Not another user's, not one the server refused (it waits for a change), not the one being changed.
        var editing = state.editing && state.editing.client_ref;
        var mine = drafts.filter(function (d) {
          return d.username === setup.user.username && d.state !== "rejected" && d.client_ref !== editing;
        });
        return mine.reduce(function (chain, draft) {
          return chain.then(function () {
            return syncOne(draft).then(function (made) { if (made) done += 1; else refused += 1; });
          });
        }, Promise.resolve());
      });
    }).then(function () {
      var said = [done ? say(T.sync_done, { n: done }) : "", refused ? say(T.sync_refused, { n: refused }) : ""];
      syncStatus(said.filter(Boolean).join(" ") || T.nothing_to_sync, refused > 0);
    }, function (err) {
      if (err instanceof SignedOut) problem(T.signed_out);
      syncStatus(err instanceof TypeError ? T.network_error : err.message || String(err), true);
      if (state.sending) {
        return store.getDraft(state.sending).then(function (draft) {
          if (!draft || err instanceof SignedOut) return;
          draft.note = err.message || T.network_error;
          return store.putDraft(draft);
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
    store.getDraft(ref).then(function (draft) {
      if (!draft || !editable(draft)) return;
      state.editing = draft;
      drawForm(draft);
      $("capture").scrollIntoView();
    });
  }

  function remove(ref) {
    if (!window.confirm(T.confirm_delete)) return;
    store.deleteDraft(ref).then(function () {
      if (state.editing && state.editing.client_ref === ref) { state.editing = null; drawForm(null); }
      return drawDrafts();
    });
  }

  document.addEventListener("click", function (ev) {
    var target = ev.target.closest("button");
    if (!target) return;
    if (target.classList.contains("draft-edit")) {
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
  state.setup = store.keptSetup();
  showSetup();
  store.open().then(function () {
    state.stored = true;
    return drawDrafts();
  }, function () {
    unsupported(T.no_storage);
    $("capture").hidden = true;
  }).then(function () {
    root.dataset.ready = "1";
    if (navigator.onLine) return syncAll();
  });
})();
