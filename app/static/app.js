// The little script the pages need: photo/file uploads, GPS, slider readout, check-all boxes, no double submits.
(function () {
  "use strict";

  // Signed out (the login page, a public page): forget what the offline registration page kept for the last user
  // (static/offline_store.js: who it was, the enterprise choices). Drafts not yet synced stay; they name their user.
  if (document.body.hasAttribute("data-signed-out")) {
    try { window.localStorage.removeItem("hazard-offline-setup"); } catch (e) { /* storage disabled: nothing kept */ }
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  // Same markup as the upload_thumb macro in templates/_form.html.
  function thumb(box, file) {
    var link = el("a", { href: file.url, target: "_blank", rel: "noopener", title: file.name },
      [file.content_type.indexOf("image/") === 0 ? el("img", { src: file.url, alt: file.name })
        : el("span", { "class": "doc" }, [/\.[A-Za-z0-9]+$/.test(file.name) ? file.name.split(".").pop().toUpperCase()
          : "PDF"])]);
    return el("figure", { "class": "thumb" }, [
      el("input", { type: "hidden", name: box.dataset.field, value: file.id }), link,
      el("figcaption", {}, [file.name]),
      el("button", { type: "button", "class": "thumb-remove", title: box.dataset.remove,
        "aria-label": box.dataset.remove + " " + file.name }, ["×"])]);
  }

  function setStatus(box, text, isError) {
    var status = box.querySelector(".upload-status");
    status.textContent = text || "";
    status.classList.toggle("error", !!isError);
  }

  function uploadOne(box, file, position) {
    var body = new FormData();
    body.append("file", file);
    body.append("field", box.dataset.field);
    if (position && file.type.indexOf("image/") === 0) {
      // Where the device is: the photo's place when its own GPS tags were stripped (phone browsers often do).
      body.append("device_latitude", position.coords.latitude.toFixed(6));
      body.append("device_longitude", position.coords.longitude.toFixed(6));
    }
    return fetch(box.dataset.url, { method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json",
                 "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content } })
      .then(function (resp) {
        return resp.json().catch(function () { return null; }).then(function (json) {
          if (!resp.ok || !json || !json.id) {
            throw new Error(file.name + ": " + ((json && json.message) || box.dataset.failed + " (" + resp.status + ")"));
          }
          box.querySelector(".thumbs").appendChild(thumb(box, json));
        });
      });
  }

  // The device's position once per batch of photos; none (no permission, no fix in 10 s) uploads them without.
  function devicePosition(files) {
    var photos = files.some(function (f) { return f.type.indexOf("image/") === 0; });
    if (!photos || !navigator.geolocation) return Promise.resolve(null);
    return new Promise(function (resolve) {
      // The API's timeout starts only once the user answered the permission prompt: an unanswered prompt must
      // not hold the upload, so give up after 12 s whatever happens (a promise settles once).
      window.setTimeout(function () { resolve(null); }, 12000);
      navigator.geolocation.getCurrentPosition(resolve, function () { resolve(null); },
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 120000 });
    });
  }

  document.addEventListener("change", function (ev) {
    var input = ev.target;
    if (!input.matches(".upload input[type=file]")) return;
    var box = input.closest(".upload");
    var files = Array.prototype.slice.call(input.files);
    var errors = [];
    box.classList.add("busy");
    box.dataset.pending = String(files.length);
    setStatus(box, box.dataset.busy);
    devicePosition(files).then(function (position) {
      return files.reduce(function (chain, file) {
        return chain.then(function () {
          return uploadOne(box, file, position).catch(function (err) { errors.push(err.message); });
        });
      }, Promise.resolve());
    }).then(function () {
      box.classList.remove("busy");
      delete box.dataset.pending;
      input.value = "";
      setStatus(box, errors.join("；"), errors.length > 0);
    });
  });

  document.addEventListener("click", function (ev) {
    // A header checkbox ticks or clears every box of its form named by data-check-all (no inline handlers:
    // the Content-Security-Policy allows only scripts from this site's files).
    var all = ev.target.closest("input[data-check-all]");
    if (all) {
      all.form.querySelectorAll("input[name=" + all.dataset.checkAll + "]").forEach(function (box) {
        box.checked = all.checked;
      });
      return;
    }
    var remove = ev.target.closest(".thumb-remove");
    if (remove) { remove.closest(".thumb").remove(); return; }
    var locate = ev.target.closest(".locate");
    if (locate && navigator.geolocation) {
      var form = locate.closest("form");
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements[locate.dataset.lat].value = pos.coords.latitude.toFixed(6);
        form.elements[locate.dataset.lng].value = pos.coords.longitude.toFixed(6);
      }, function () { locate.textContent = locate.dataset.failed; }, { enableHighAccuracy: true, timeout: 15000 });
    }
  });

  document.addEventListener("input", function (ev) {
    if (ev.target.matches(".slider input[type=range]")) {
      ev.target.parentNode.querySelector("output").textContent = ev.target.value;
    }
  });

  // One submit per click; wait for uploads still running.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.querySelector(".upload.busy")) { ev.preventDefault(); return; }
    if (form.dataset.sent) { ev.preventDefault(); return; }
    form.dataset.sent = "1";
    window.setTimeout(function () { delete form.dataset.sent; }, 8000);
  });
})();
