// Dashboard charts (Chart.js, served from /admin/static/vendor). The numbers come from the
// JSON block the server put in the page, so the page needs no inline script (CSP).
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || typeof Chart === "undefined") { return; }
  var d = JSON.parse(node.textContent);
  var palette = ["#b3261e", "#1f5fa8", "#2e7d32", "#f29900", "#6a1b9a", "#00838f", "#795548", "#c2185b", "#546e7a", "#9e9d24"];
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = "system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";
  function draw(id, config) {
    var el = document.getElementById(id);
    if (el) { new Chart(el, config); }
  }
  draw("chart-trend", {type: "line", data: {labels: d.trend.labels, datasets: [
    {label: "登记", data: d.trend.filed, borderColor: palette[1], backgroundColor: palette[1]},
    {label: "办结", data: d.trend.resolved, borderColor: palette[2], backgroundColor: palette[2]}]},
    options: {scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}});
  draw("chart-status", {type: "doughnut", data: {labels: d.status.labels,
    datasets: [{data: d.status.values, backgroundColor: palette}]}});
  draw("chart-category", {type: "bar", data: {labels: d.category.labels,
    datasets: [{label: "案件数", data: d.category.values, backgroundColor: palette[0]}]},
    options: {indexAxis: "y", plugins: {legend: {display: false}}, scales: {x: {beginAtZero: true, ticks: {precision: 0}}}}});
  draw("chart-township", {type: "bar", data: {labels: d.township.labels,
    datasets: [{label: "案件数", data: d.township.values, backgroundColor: palette[1]}]},
    options: {plugins: {legend: {display: false}}, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}});
})();
