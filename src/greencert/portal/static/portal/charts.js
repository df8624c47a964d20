// Draws each dashboard chart with the vendored Apache ECharts from the data the page embeds.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var palette = ["#1f7a3a", "#9a6400", "#b3261e", "#5f6368", "#0b57d0", "#7b3fa0"];
  // The status colours of the verify page and the badges (site.css), so a status looks the same everywhere.
  var statusColours = { "01": "#1f7a3a", "02": "#9a6400", "03": "#b3261e", "04": "#5f6368", "05": "#44546a" };

  function option(chart) {
    var rows = chart.rows;
    var base = { color: palette, animation: false, tooltip: { trigger: chart.kind === "pie" ? "item" : "axis" } };
    if (chart.kind === "pie") {
      var last = chart.columns.length - 1;
      base.series = [{ type: "pie", radius: ["35%", "65%"], data: rows.map(function (r) {
        return { name: r[last - 1 >= 0 ? last - 1 : 0], value: r[last] };
      }) }];
      base.legend = { bottom: 0 };
      if (chart.name === "statuses") {
        base.color = rows.map(function (r) { return statusColours[r[0]] || palette[3]; });
      }
      return base;
    }
    if (chart.kind === "target") {
      var measured = rows.filter(function (r) { return r[5] !== ""; });
      base.legend = { top: 0 };
      base.grid = { left: 8, right: 8, bottom: 8, top: 30, containLabel: true };
      base.xAxis = { type: "category", data: measured.map(function (r) { return r[0] + " " + r[1] + " " + r[2]; }),
                     axisLabel: { interval: 0, width: 120, overflow: "break" } };
      base.yAxis = { type: "value" };
      base.series = [
        // Values written on the bars: an actual figure far below its target stays readable.
        { name: chart.columns[4], type: "bar", label: { show: true, position: "top" },
          data: measured.map(function (r) { return r[4]; }) },
        { name: chart.columns[5], type: "bar", label: { show: true, position: "top" }, barMinHeight: 3,
          data: measured.map(function (r) { return r[5]; }) }
      ];
      return base;
    }
    var labelIndex = chart.kind === "line" ? 0 : 1;
    var valueIndex = chart.columns.length - 1;
    base.grid = { left: 8, right: 8, bottom: 8, top: 16, containLabel: true };
    base.xAxis = { type: "category", data: rows.map(function (r) { return r[labelIndex]; }),
                   axisLabel: { rotate: rows.length > 6 ? 45 : 0 } };
    base.yAxis = { type: "value" };
    base.series = [{ type: chart.kind, data: rows.map(function (r) { return r[valueIndex]; }) }];
    if (chart.kind === "line") { base.series[0].areaStyle = {}; }
    if (chart.partial_last && rows.length > 1) {
      // The period still under way: a hollow grey point on a dashed segment of its own.
      var full = rows.map(function (r, i) { return i < rows.length - 1 ? r[valueIndex] : null; });
      var tail = rows.map(function (r, i) { return i >= rows.length - 2 ? r[valueIndex] : null; });
      base.series = [
        { type: "line", data: full, areaStyle: {} },
        { type: "line", data: tail, lineStyle: { type: "dashed", color: "#5f6368" },
          itemStyle: { color: "#5f6368" }, symbol: "emptyCircle", symbolSize: 8 }
      ];
    }
    return base;
  }

  document.querySelectorAll(".chart[data-chart]").forEach(function (node) {
    var chart = data[node.getAttribute("data-chart")];
    var instance = echarts.init(node, null, { renderer: "svg" });
    instance.setOption(option(chart));
    node.setAttribute("data-rendered", String(chart.rows.length));
    window.addEventListener("resize", function () { instance.resize(); });
  });
})();
