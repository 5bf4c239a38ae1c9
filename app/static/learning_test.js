// The mock test's countdown (templates/learning/test.html): shows the time left and submits the answers when it is
// up. The server keeps the deadline; a submission later than it (and a short grace) is refused there.
(function () {
  "use strict";
  var timer = document.getElementById("test-timer");
  var form = document.getElementById("test-form");
  if (!timer || !form) { return; }
  var ends = Date.now() + Number(timer.getAttribute("data-seconds-left")) * 1000;
  var sent = false;
  form.addEventListener("submit", function () { sent = true; });
  function tick() {
    var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
    var seconds = left % 60;
    timer.textContent = Math.floor(left / 60) + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left === 0) {
      if (!sent) { sent = true; form.submit(); }
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
})();
