// Offline hazard capture (离线登记), part 2 of 3: the registration form drawn from the setup's fields (the deployed
// form: the same widgets and markup as templates/_form.html), read back as the strings the form posts, and its photos
// kept as Blobs until the draft is saved (window.HazardOffline.form). Needs offline_store.js; used by offline.js.
(function () {
  "use strict";
  var root = document.getElementById("offline-app");
  if (!root) return;
  var T = JSON.parse(root.dataset.messages);
  var util = window.HazardOffline.util, el = util.el, localInput = util.localInput;
  var FILE_WIDGETS = ["photos", "files"];
  var IMAGES = "image/jpeg,image/png,image/gif,image/webp";  // as templates/_form.html accepts them
  var ACCEPT = { photos: IMAGES, files: IMAGES + ",application/pdf,video/mp4,video/quicktime,video/webm" };
  var current = null, files = {};  // the setup drawn, and {field: [{name, type, blob, id}]} of the drawn form

  function eachField(visit) {
    current.form.rows.forEach(function (row) { row.forEach(visit); });
  }

  function isFileWidget(widget) { return FILE_WIDGETS.indexOf(widget) >= 0; }

  // The form's fields into `box` from the setup's rows, with the values of `draft` (or the defaults for a new one).
  function draw(box, setup, draft) {
    current = setup;
    files = {};
    box.textContent = "";
    setup.form.rows.forEach(function (row) {
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
    box.appendChild(el("p", { "class": "field-error", id: "err-" + f.name, role: "alert", hidden: !error },
                       [error || ""]));
    if (f.help) box.appendChild(el("p", { "class": "help", id: "help-" + f.name }, [f.help]));
    return box;
  }

  function control(f, value, draft) {
    var id = "f-" + f.name, w = f.widget;
    if (isFileWidget(w)) {
      files[f.name] = draft && draft.photos[f.name] ? draft.photos[f.name].slice() : [];
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
    files[box.dataset.field].forEach(function (file, index) {
      var picture = file.type.indexOf("image/") === 0
        ? el("img", { src: URL.createObjectURL(file.blob), alt: file.name })
        : el("span", { "class": "doc" }, [(file.name.split(".").pop() || "").toUpperCase()]);
      thumbs.appendChild(el("figure", { "class": "thumb" }, [picture, el("figcaption", {}, [file.name]),
        el("button", { type: "button", "class": "thumb-remove", "data-index": String(index), title: T.remove,
                       "aria-label": T.remove + " " + file.name }, ["×"])]));
    });
  }

  // The chosen files as Blobs of their own bytes: a camera's file may be gone when the network is back.
  function addFiles(input) {
    var box = input.closest(".upload");
    var chosen = Array.prototype.slice.call(input.files);
    input.value = "";
    return Promise.all(chosen.map(function (file) {
      return file.arrayBuffer().then(function (bytes) {
        return { name: file.name, type: file.type, blob: new Blob([bytes], { type: file.type }), id: null };
      });
    })).then(function (read) {
      files[box.dataset.field] = files[box.dataset.field].concat(read);
      drawThumbs(box);
    });
  }

  // {fields: {name: [strings, as the form posts them]}, missing: [required fields left empty]}; files aside.
  function read(form) {
    var fields = {}, missing = [];
    eachField(function (f) {
      if (isFileWidget(f.widget)) {
        if (f.required && !files[f.name].length) missing.push(f.name);
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
      var box = document.getElementById("field-" + f.name), error = document.getElementById("err-" + f.name);
      var bad = missing.indexOf(f.name) >= 0;
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


  function fieldTitle(name) {
    var title = name;
    if (current) eachField(function (f) { if (f.name === name) title = f.title; });
    return title;
  }

  function locate(button) {
    if (!navigator.geolocation) { button.textContent = T.locate_failed; return; }
    var form = button.closest("form");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements[button.dataset.lat].value = pos.coords.latitude.toFixed(6);
      form.elements[button.dataset.lng].value = pos.coords.longitude.toFixed(6);
    }, function () { button.textContent = T.locate_failed; }, { enableHighAccuracy: true, timeout: 15000 });
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest("button");
    if (!button) return;
    if (button.classList.contains("thumb-remove")) {
      var box = button.closest(".upload");
      files[box.dataset.field].splice(Number(button.dataset.index), 1);
      drawThumbs(box);
    } else if (button.classList.contains("locate")) {
      locate(button);
    }
  });

  document.addEventListener("change", function (ev) {
    if (ev.target.matches(".upload input[type=file]")) addFiles(ev.target);
  });

  window.HazardOffline.form = {
    draw: draw, read: read, markMissing: markMissing, optionLabel: optionLabel, fieldTitle: fieldTitle,
    // a copy of the chosen files per field, for the draft being saved
    files: function () {
      var copy = {};
      Object.keys(files).forEach(function (name) { copy[name] = files[name].slice(); });
      return copy;
    }
  };
})();
