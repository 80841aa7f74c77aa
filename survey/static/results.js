// Draws the charts of a results page: each figure is JSON in its data-figure attribute
// (no inline script), plotly.js is served by the app itself.
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("figure.chart[data-figure]").forEach(function (box) {
      var figure = JSON.parse(box.getAttribute("data-figure"));
      var plot = box.querySelector(".plot");
      window.Plotly.newPlot(plot, figure.data, figure.layout,
        // no mode bar: its styles are injected inline, which the page's CSP refuses; each
        // chart's data table is beside it for whoever needs the numbers
        { displaylogo: false, displayModeBar: false, responsive: true });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
