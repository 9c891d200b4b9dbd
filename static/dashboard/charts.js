// The home page's and the audience page's charts, drawn from the figures the server put in
// #chart-data; a chart whose canvas or series the page lacks is skipped.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  function bar(id, series, horizontal) {
    var canvas = document.getElementById(id);
    if (!canvas || !series) { return; }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [{ label: series.label, data: series.values, backgroundColor: "#0d6efd" }]
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }
  bar("chart-countries", data.countries, true);
  bar("chart-months", data.months, false);
  // The year report's.
  bar("chart-audience", data.audience, true);
  bar("chart-recommendations", data.recommendations, false);
  bar("chart-kinds", data.kinds, true);
  bar("chart-organizations", data.organizations, true);
})();
