/* Course website: accessibility fixes for markup the site does not write itself.
 * - folium puts each map in an <iframe srcdoc> without a title: give it the map's own title;
 * - ipywidgets sliders (noUiSlider handles) have no accessible name: use the widget's label;
 * - the theme's search button is named "Search" but shows "Search Ctrl+K": let its text name it;
 * - the theme's icons are decoration: hide them from screen readers.
 * Maps and widgets can appear after load (the widget manager renders them), so this also
 * runs on every change of the page. */
(function () {
  "use strict";
  function mapTitle(frame) {
    var match = /<title>([^<]*)<\/title>/.exec(frame.getAttribute("srcdoc") || "");
    var text = document.createElement("textarea");
    text.innerHTML = match ? match[1] : "";
    return "Map: " + (text.value || "interactive map");
  }
  // Print: a map's description (its text alternative, inside the frame) printed whole under it,
  // since a frame prints only what fits in it. Hidden on screen and from screen readers, which
  // read it in the frame.
  function describe(frame) {
    var doc = new DOMParser().parseFromString(frame.getAttribute("srcdoc") || "", "text/html");
    var source = doc.querySelector(".casecurity-sr-only");
    var box = frame.parentElement;
    if (!source || !box || (box.nextElementSibling && box.nextElementSibling.classList.contains("casecurity-map-description"))) { return; }
    var copy = document.createElement("p");
    copy.className = "casecurity-map-description";
    copy.setAttribute("aria-hidden", "true");
    copy.textContent = source.textContent.trim();
    box.parentNode.insertBefore(copy, box.nextSibling);
  }
  function fix(root) {
    root.querySelectorAll("iframe[srcdoc]:not([title])").forEach(function (frame) {
      frame.setAttribute("title", mapTitle(frame));
    });
    root.querySelectorAll("iframe[srcdoc]").forEach(describe);
    root.querySelectorAll(".noUi-handle:not([aria-label])").forEach(function (handle) {
      var widget = handle.closest(".widget-slider, .jupyter-widgets");
      var label = widget && widget.querySelector(".widget-label");
      var name = label && label.textContent.trim();
      handle.setAttribute("aria-label", name || "slider");
    });
    root.querySelectorAll(".search-button__button[aria-label]").forEach(function (button) {
      button.removeAttribute("aria-label");
    });
    // icons are decoration next to a text or a label (casecurity-icons.css draws them)
    root.querySelectorAll("i.fa-solid:not([aria-hidden]), i.fa-regular:not([aria-hidden]), i.fa-brands:not([aria-hidden])")
      .forEach(function (icon) { icon.setAttribute("aria-hidden", "true"); });
  }
  function start() {
    fix(document);
    new MutationObserver(function () { fix(document); })
      .observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
