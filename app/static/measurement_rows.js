// The readings table of the check and re-inspection forms (templates/measurements/_form.html): "添加一行" adds a
// blank row from the page's <template>, numbered after the last one. Without script the form offers spare rows.
(function () {
  "use strict";
  var button = document.getElementById("add-measurement");
  var body = document.getElementById("measurement-rows");
  var template = document.getElementById("measurement-row-template");
  if (!button || !body || !template) { return; }
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
