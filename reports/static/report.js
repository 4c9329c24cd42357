// Filters and sorting for the province page. Without JavaScript the page is a complete,
// readable table; this only hides rows and reorders them. No network, no libraries.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("ranking-table");
  if (!form || !table) { return; }
  form.hidden = false;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var name = document.getElementById("f-name");
  var level = document.getElementById("f-level");
  var outcome = document.getElementById("f-outcome");
  var area = document.getElementById("f-area");
  var count = document.getElementById("f-count");

  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var ok = (!name.value || d.name.indexOf(name.value.trim()) >= 0) &&
               (!level.value || d.level === level.value) &&
               (!outcome.value || d.outcome === outcome.value) &&
               (!area.value || d.areas.split("|").indexOf(area.value) >= 0);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = "显示 " + shown + " / " + rows.length + " 个单位";
  }
  [name, level, outcome, area].forEach(function (input) { input.addEventListener("input", apply); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  Array.prototype.forEach.call(table.querySelectorAll("th button[data-sort]"), function (button) {
    button.addEventListener("click", function () {
      var key = button.dataset.sort, numeric = button.hasAttribute("data-numeric");
      var th = button.parentNode, ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.querySelectorAll("th[aria-sort]"), function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = a.dataset[key], y = b.dataset[key];
        var order = numeric ? Number(x) - Number(y) : x.localeCompare(y, "zh-CN");
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });

  // the heat map's area names filter the ranking to the bureaus with gaps in that area
  Array.prototype.forEach.call(document.querySelectorAll("#heat .area-label"), function (label) {
    function choose() {
      area.value = area.value === label.dataset.area ? "" : label.dataset.area;
      apply();
      table.scrollIntoView({ block: "start" });
    }
    label.addEventListener("click", choose);
    label.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(); } });
  });
  apply();
}());
