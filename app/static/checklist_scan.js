// Scanning a checklist item's QR code on a visit's page (web/checklist_qr.py prints them): a handheld scanner types
// the code into the locate field and presses Enter; where the browser can read QR codes from the camera
// (BarcodeDetector), a button opens it. Either way the item's row is scrolled to, marked and its first result
// focused. Texts come from data-* attributes in the reader's language (the CSP allows no inline script).
(function () {
  "use strict";
  var input = document.getElementById("checklist-locate");
  if (!input) { return; }
  var status = document.getElementById("checklist-locate-status");
  var bar = input.closest(".scan-bar");

  function locate(raw) {
    var code = String(raw || "").trim().toUpperCase();
    if (!code) { return false; }
    var row = document.querySelector('tr[data-code="' + code.replace(/["\\]/g, "") + '"]');
    document.querySelectorAll("tr.located").forEach(function (r) { r.classList.remove("located"); });
    if (!row) {
      status.textContent = bar.dataset.missing.replace("{code}", code);
      return false;
    }
    row.classList.add("located");
    row.scrollIntoView({block: "center"});
    var first = row.querySelector("input[type=radio]");
    if (first) { first.focus(); }
    status.textContent = bar.dataset.found.replace("{code}", code);
    return true;
  }

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();  // a scanner's Enter must not submit the results form
      if (locate(input.value)) { input.value = ""; }
    }
  });

  var button = document.getElementById("checklist-camera");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  button.hidden = false;
  var video = document.getElementById("checklist-camera-view");
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({formats: ["qr_code"]});
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var timer = setInterval(function () {
        detector.detect(video).then(function (found) {
          if (!found.length) { return; }
          clearInterval(timer);
          stream.getTracks().forEach(function (t) { t.stop(); });
          video.hidden = true;
          locate(found[0].rawValue);
        }).catch(function () {});
      }, 300);
    }).catch(function () { status.textContent = bar.dataset.nocamera; });
  });
}());
