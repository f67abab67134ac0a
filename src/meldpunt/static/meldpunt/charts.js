// Draws the dashboard's charts with Chart.js from the JSON beside each canvas (no inline script:
// the Content-Security-Policy allows scripts from this site only). The table next to every chart
// holds the same numbers; a suppressed count is a gap in the chart, never a zero.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart by pattern too.
  var colours = ["#154273", "#b1500a", "#2b7a3b", "#7a2b6e", "#5b5b5b", "#8a6d00", "#0b6e8a", "#a3232f"];
  var dashes = [[], [6, 3], [2, 2], [8, 2, 2, 2]];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var line = spec.type === "line";
    var datasets = spec.datasets.map(function (set, i) {
      var colour = colours[i % colours.length];
      return {
        label: set.label,
        data: set.data,
        backgroundColor: colour,
        borderColor: colour,
        borderDash: line ? dashes[i % dashes.length] : undefined,
        pointStyle: ["circle", "rect", "triangle", "rectRot"][i % 4],
        spanGaps: false
      };
    });
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: reduce ? false : undefined,
        maintainAspectRatio: false,
        responsive: true,
        scales: {
          x: { stacked: spec.stacked },
          y: { stacked: spec.stacked, beginAtZero: true, ticks: { precision: 0 } }
        },
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } }
      }
    });
  });
});
