// The hazard map (一张图): the page's GeoJSON drawn with Leaflet. Cases are circles coloured by grade; overdue cases
// get a thick red edge; a click opens a popup linking to the case. With data-layer="enterprises" the points are
// enterprises, coloured as the server says (its legend comes with the data), and the popup lists the facts and the
// links the server gave for this reader. Everything the script needs is in data-* attributes or the data (the CSP
// allows no inline script); text comes from the server in the reader's language.
(function () {
  "use strict";
  var el = document.getElementById("hazard-map");
  if (!el || !window.L) { return; }
  var COLORS = {general: "#3182ce", larger: "#d69e2e", major: "#dd6b20", especially_major: "#c53030"};
  var center = (el.dataset.center || "35.46,113.80").split(",").map(Number);
  var map = L.map(el, {preferCanvas: false}).setView(center, Number(el.dataset.zoom || 11));
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, {attribution: el.dataset.attribution || "", maxZoom: 18,
                                   subdomains: "01234567"}).addTo(map);
  }
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }
  function showCounts(data) {
    var counts = document.getElementById("map-counts");
    if (counts) {
      counts.textContent = el.dataset.counts.replace("{matching}", data.matching)
        .replace("{located}", data.located).replace("{shown}", data.shown);
    }
  }

  function drawCases(data) {
    var bounds = [];
    data.features.forEach(function (f) {
      var p = f.properties, at = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      bounds.push(at);
      L.circleMarker(at, {radius: 8, fillColor: COLORS[p.grade] || "#718096", fillOpacity: 0.85,
                          color: p.overdue ? "#9b2c2c" : "#ffffff", weight: p.overdue ? 4 : 2,
                          className: "hazard-point grade-" + p.grade + (p.overdue ? " overdue" : "")})
        .bindPopup('<a class="code" href="' + text(p.url) + '">' + text(p.code) + "</a> " + text(p.grade_name) +
                   "<br>" + text(p.enterprise) + " · " + text(p.place) + "<br>" + text(p.status_name) +
                   (p.overdue ? ' <strong class="overdue">' + text(p.overdue_name) + "</strong>" : ""))
        .addTo(map);
    });
    return bounds;
  }

  function enterprisePopup(p) {
    var rows = (p.facts || []).map(function (fact) {
      return "<tr><th>" + text(fact[0]) + "</th><td>" + text(fact[1]) + "</td></tr>";
    }).join("");
    var links = (p.links || []).map(function (link) {
      return '<a href="' + text(link.url) + '">' + text(link.label) + "</a>";
    }).join(" · ");
    return '<div class="enterprise-popup"><strong class="name">' + text(p.name) + "</strong>" +
      '<div class="category">' + text(p.category_name) + "</div>" +
      (rows ? '<table class="facts">' + rows + "</table>" : "") +
      (links ? '<p class="links">' + links + "</p>" : "") + "</div>";
  }

  function drawLegend(legend) {
    var list = document.getElementById("map-legend");
    if (!list) { return; }
    list.textContent = "";
    (legend || []).forEach(function (item) {
      var li = document.createElement("li"), dot = document.createElement("span");
      dot.className = "dot";
      dot.style.backgroundColor = item.colour;  // CSSOM, not a style attribute: the CSP allows it
      li.dataset.category = item.code;
      li.appendChild(dot);
      li.appendChild(document.createTextNode(item.name + " (" + item.count + ")"));
      list.appendChild(li);
    });
  }

  function drawEnterprises(data) {
    var bounds = [];
    data.features.forEach(function (f) {
      var p = f.properties, at = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      bounds.push(at);
      L.circleMarker(at, {radius: 9, fillColor: p.colour || "#718096", fillOpacity: 0.9, color: "#1a202c",
                          weight: 1.5, className: "enterprise-point category-" + p.category})
        .bindPopup(enterprisePopup(p), {maxWidth: 360})
        .addTo(map);
    });
    drawLegend(data.legend);
    return bounds;
  }

  if (!el.dataset.url) { return; }  // the filters were wrong: the page names them, nothing to draw
  fetch(el.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
    .then(function (data) {
      var bounds = el.dataset.layer === "enterprises" ? drawEnterprises(data) : drawCases(data);
      if (bounds.length) { map.fitBounds(bounds, {padding: [30, 30], maxZoom: 15}); }
      el.dataset.loaded = String(bounds.length);
      showCounts(data);
    })
    .catch(function () {
      var counts = document.getElementById("map-counts");
      if (counts) { counts.textContent = el.dataset.failed; }
    });
}());
