// The visit page's check-in button (到场打卡 / 离场打卡, templates/inspections/_checkins.html): asks the device for
// its position, puts it in the form's hidden fields and sends the form. A refused permission, no Geolocation API
// or no fix within 10 s sends the form without a position: the server records "no position" (the time is always
// the server's). No inline handlers: the Content-Security-Policy allows only this site's script files.
(function () {
  "use strict";
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches(".checkin-form")) return;
    ev.preventDefault();
    if (form.dataset.locating === "busy") return;
    var status = form.querySelector(".checkin-status");
    var button = form.querySelector("button[type=submit]");
    var sent = false;
    function send(position) {
      if (sent) return;
      sent = true;
      if (position) {
        form.elements.latitude.value = position.coords.latitude.toFixed(6);
        form.elements.longitude.value = position.coords.longitude.toFixed(6);
        form.elements.accuracy.value = Math.round(position.coords.accuracy || 0);
      }
      form.submit();  // no submit event: goes straight to the server
    }
    if (status) status.textContent = form.dataset.locating;
    form.dataset.locating = "busy";
    if (button) button.disabled = true;
    if (!navigator.geolocation) { send(null); return; }
    // A prompt left unanswered may never call back: send without a position after 12 s whatever happens.
    window.setTimeout(function () { send(null); }, 12000);
    navigator.geolocation.getCurrentPosition(send, function () { send(null); },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 0 });
  }, true);
})();
