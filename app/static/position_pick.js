// The enterprise form's small map (templates/admin/enterprise_form.html): a click puts the enterprise there — the
// latitude and longitude fields get the point's WGS-84 degrees to 6 decimals — and a marker shows what the fields
// hold as they are typed. Nothing is saved until the form is: the server checks the numbers and audits the change.
// Without this script (or Leaflet) the two fields are typed by hand.
(function () {
  "use strict";
  var el = document.getElementById("position-map");
  var lat = document.getElementById("f-latitude");
  var lng = document.getElementById("f-longitude");
  if (!el || !lat || !lng || !window.L) { return; }
  var center = (el.dataset.center || "35.46,113.80").split(",").map(Number);
  var map = L.map(el).setView(center, Number(el.dataset.zoom || 11));
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, {attribution: el.dataset.attribution || "", maxZoom: 18,
                                   subdomains: "01234567"}).addTo(map);
  }
  var marker = null;

  function typed() {
    var a = Number(lat.value.trim()), b = Number(lng.value.trim());
    if (lat.value.trim() === "" || lng.value.trim() === "" || !isFinite(a) || !isFinite(b) ||
        a < -90 || a > 90 || b < -180 || b > 180) { return null; }
    return L.latLng(a, b);
  }
  function show(at) {
    if (!at) {
      if (marker) { map.removeLayer(marker); marker = null; }
      return;
    }
    if (marker) { marker.setLatLng(at); } else {
      marker = L.circleMarker(at, {radius: 9, fillColor: "#c53030", fillOpacity: 0.9, color: "#ffffff", weight: 2,
                                   className: "position-marker"}).addTo(map);
    }
  }

  var start = typed();
  show(start);
  if (start) { map.setView(start, 15); }
  map.on("click", function (event) {
    var at = event.latlng.wrap();
    lat.value = at.lat.toFixed(6);
    lng.value = at.lng.toFixed(6);
    show(at);
    lat.dispatchEvent(new Event("change", {bubbles: true}));
  });
  [lat, lng].forEach(function (input) {
    input.addEventListener("input", function () { show(typed()); });
  });
  var clear = document.getElementById("position-clear");
  if (clear) {
    clear.hidden = false;
    clear.addEventListener("click", function () {
      lat.value = "";
      lng.value = "";
      show(null);
    });
  }
}());
