// The readings table of the check and re-inspection forms (templates/measurements/_form.html): "添加一行" adds a
// blank row from the page's <template>, numbered after the last one. Without script the form offers spare rows.
// A row that picks an instrument of the equipment register gets its name and certificate number from the register
// (the server fills them in): the two text cells are then read-only.
(function () {
  "use strict";
  var button = document.getElementById("add-measurement");
  var body = document.getElementById("measurement-rows");
  var template = document.getElementById("measurement-row-template");
  if (!button || !body || !template) { return; }
  function follow(select) {
    var row = select.closest("tr");
    if (!row) { return; }
    ["instrument", "calibration_no"].forEach(function (name) {
      var input = row.querySelector("input[name$='-" + name + "']");
      if (input) { input.readOnly = select.value !== ""; }
    });
  }
  Array.prototype.forEach.call(body.querySelectorAll("select[data-instrument-pick]"), follow);
  body.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-instrument-pick]")) { follow(event.target); }
  });
  var MAX_ROWS = 60;  // web/measurement_form.py reads m-0 … m-59
  button.hidden = false;
  button.addEventListener("click", function () {
    var next = body.querySelectorAll("tr[data-measurement-row]").length;
    if (next >= MAX_ROWS) { button.disabled = true; return; }
    var html = template.innerHTML.replace(/__n__/g, String(next));
    body.insertAdjacentHTML("beforeend", html);
    var first = body.lastElementChild && body.lastElementChild.querySelector("select");
    if (first) { first.focus(); }
  });
})();
