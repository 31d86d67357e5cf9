/* Course website: explorers without a kernel (casecurity/site_explorers.py precomputed their states
 * when the site was built). Moving an explorer's control shows the state for that value: readout,
 * summary, table and map change together, because they are one precomputed block. */
(function () {
  "use strict";
  function setUp(explorer) {
    var control = explorer.querySelector(".casecurity-explorer-control");
    var readout = explorer.querySelector(".casecurity-explorer-readout");
    var frame = explorer.querySelector(".casecurity-explorer-frame");
    var labels = JSON.parse(explorer.querySelector(".casecurity-explorer-labels").textContent);
    var states = explorer.querySelectorAll(".casecurity-explorer-state");
    function show() {
      var index = Number(control.value);
      states.forEach(function (state) { state.hidden = Number(state.dataset.state) !== index; });
      readout.textContent = labels[index];
      if (control.type === "range") { control.setAttribute("aria-valuetext", labels[index]); }
      var map = states[index] && states[index].dataset.map;
      if (frame && map && frame.getAttribute("src") !== map) { frame.setAttribute("src", map); }
    }
    control.addEventListener("input", show);
    control.addEventListener("change", show);
  }
  function start() { document.querySelectorAll(".casecurity-explorer").forEach(setUp); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
