/* Course website: behaviour of the course maps inside their own frames (linked by site-mode maps,
 * casecurity.maps._linked_assets, beside site-maps.css).
 * - On a narrow map (under 600 px) the legend and the layer list start collapsed behind a button,
 *   so together with the title they leave most of the map visible; the button opens them again.
 * - While a popup is open, the map's controls sit below it (Leaflet puts controls above popups). */
(function () {
  "use strict";
  var NARROW = 600;
  function collapsible(box, name) {
    if (!box || box.querySelector(".casecurity-fold")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "casecurity-fold";
    button.textContent = name;
    button.setAttribute("aria-expanded", "false");
    L.DomEvent.disableClickPropagation(button);
    button.addEventListener("click", function () {
      var open = box.classList.toggle("casecurity-folded-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    box.classList.add("casecurity-folded");
    box.insertBefore(button, box.firstChild);
  }
  function start() {
    if (typeof L === "undefined") { return; }
    var container = document.querySelector(".leaflet-container");
    if (!container) { return; }
    if (container.clientWidth < NARROW) {
      collapsible(container.querySelector(".casecurity-legend"), "Legend");
      var layers = container.querySelector(".leaflet-control-layers");
      if (layers) {
        layers.classList.remove("leaflet-control-layers-expanded");
        collapsible(layers, "Layers");
      }
    }
    Object.keys(window).forEach(function (key) {
      var map = /^map_/.test(key) && window[key];
      if (map instanceof L.Map) {
        map.on("popupopen", function () { container.classList.add("casecurity-popup-open"); });
        map.on("popupclose", function () { container.classList.remove("casecurity-popup-open"); });
      }
    });
  }
  if (document.readyState === "complete") { start(); } else { window.addEventListener("load", start); }
})();
