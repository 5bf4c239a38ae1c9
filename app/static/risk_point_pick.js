// The registration form's risk point choice (templates/register.html): only the chosen enterprise's risk points are
// offered; a point of another enterprise chosen before the enterprise changed is cleared. Without this script every
// visible enterprise's points are listed by enterprise, and the server refuses a point of another enterprise.
(function () {
  "use strict";
  var pick = document.getElementById("f-risk_point_id");
  var enterprise = document.getElementById("f-enterprise_id");
  if (!pick || !enterprise) return;
  function narrow() {
    var chosen = enterprise.value;
    pick.querySelectorAll("optgroup").forEach(function (group) {
      var mine = group.dataset.enterprise === chosen;
      group.hidden = !mine;
      group.disabled = !mine;
      if (!mine && group.contains(pick.selectedOptions[0] || null)) pick.value = "";
    });
  }
  enterprise.addEventListener("change", narrow);
  narrow();
})();
