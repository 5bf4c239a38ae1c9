// The four-colour risk map's marker placing (templates/risk_points/map.html): "在图上标注" picks a risk point, a
// click on the site plan puts its marker there and fills the point's two position fields (fractions 0–1 of the
// plan's width and height from its top left corner); typing in the fields moves the marker too. "保存位置" sends
// the form as it would be sent without this script, and the server checks every value. No inline handlers: the
// Content-Security-Policy allows only this site's script files.
(function () {
  "use strict";
  var plan = document.getElementById("risk-plan");
  var form = document.querySelector(".marker-form");
  if (!plan || !form) return;
  var hint = document.getElementById("placing-hint");
  var active = null;

  function field(axis, id) { return form.elements[axis + "_" + id]; }
  function marker(id) { return document.getElementById("marker-" + id); }

  function show(id) {
    var m = marker(id), x = parseFloat(field("x", id).value), y = parseFloat(field("y", id).value);
    if (!m) return;
    if (isFinite(x) && isFinite(y) && x >= 0 && x <= 1 && y >= 0 && y <= 1) {
      m.style.left = (x * 100).toFixed(2) + "%";
      m.style.top = (y * 100).toFixed(2) + "%";
      m.hidden = false;
    } else {
      m.hidden = true;
    }
  }

  function choose(id) {
    if (active && marker(active)) marker(active).classList.remove("active");
    active = id;
    plan.classList.toggle("placing", !!id);
    if (hint) hint.hidden = !id;
    if (id && marker(id)) marker(id).classList.add("active");
  }

  form.querySelectorAll(".place-marker, .clear-marker").forEach(function (button) { button.hidden = false; });
  form.addEventListener("click", function (ev) {
    var button = ev.target.closest("button[data-point]");
    if (!button) return;
    var id = button.dataset.point;
    if (button.classList.contains("clear-marker")) {
      field("x", id).value = "";
      field("y", id).value = "";
      show(id);
      choose(null);
    } else {
      choose(active === id ? null : id);
    }
  });
  form.addEventListener("input", function (ev) {
    var match = /^[xy]_(\d+)$/.exec(ev.target.name || "");
    if (match) show(match[1]);
  });
  plan.addEventListener("click", function (ev) {
    if (!active) return;  // not placing: a marker's link opens its point
    ev.preventDefault();
    var box = plan.querySelector("img").getBoundingClientRect();
    var x = (ev.clientX - box.left) / box.width, y = (ev.clientY - box.top) / box.height;
    x = Math.min(1, Math.max(0, x));
    y = Math.min(1, Math.max(0, y));
    field("x", active).value = x.toFixed(4);
    field("y", active).value = y.toFixed(4);
    show(active);
    choose(null);
  });
})();
