/* Timeline: events per period stacked by type or dyad (bars), and the summed PLOVER score (line). */
"use strict";
(() => {
  const { h, svg, $, api, query, filterForm, simpleTable, showError, fmtScore } = EW;
  const PALETTE = ["#1f5fa8", "#e07b22", "#2f9e58", "#c03a3a", "#7b5cb8", "#8c5a3c", "#d45fa6", "#6b7480", "#a8a21f", "#1ea3b5"];
  let params = filterForm($("#filters"), [["by", "Period", ["day", "week", "month", "year"], "month"],
    ["group", "Series", ["type", "dyad"], "type"]], (p) => { params = p; load(); });

  async function load() {
    let data;
    try { data = await api("/timeline" + query(params)); } catch (err) { showError($("#chart"), err); return; }
    const points = data.items;
    if (!points.length) {
      $("#chart").replaceChildren(h("p", { class: "notice" }, "No dated events match these filters."));
      $("#table").replaceChildren();
      return;
    }
    draw(points);
    $("#table").replaceChildren(simpleTable(["Period", params.group === "dyad" ? "Dyad" : "Type", "Events", "Summed score"],
      points.map((p) => [p.period, p.group, p.events, fmtScore(p.score)])));
  }

  function draw(points) {
    const periods = [...new Set(points.map((p) => p.period))].sort();
    const totals = {};
    for (const p of points) totals[p.group] = (totals[p.group] || 0) + p.events;
    const ranked = Object.keys(totals).sort((a, b) => totals[b] - totals[a] || a.localeCompare(b));
    const shown = ranked.slice(0, PALETTE.length - 1);
    const key = (g) => (shown.includes(g) ? g : "other");
    const series = ranked.length > shown.length ? [...shown, "other"] : shown;
    const cells = {}, score = {};
    for (const p of points) {
      const c = (cells[p.period] ||= {});
      c[key(p.group)] = (c[key(p.group)] || 0) + p.events;
      score[p.period] = (score[p.period] || 0) + p.score;
    }
    const W = 960, H = 380, L = 48, R = 56, T = 16, B = 64;
    const maxN = Math.max(...periods.map((q) => Object.values(cells[q]).reduce((a, b) => a + b, 0)));
    const maxS = Math.max(1, ...periods.map((q) => Math.abs(score[q])));
    const band = (W - L - R) / periods.length;
    const y = (n) => H - B - ((H - B - T) * n) / maxN;
    const ys = (s) => T + ((H - B - T) / 2) * (1 - s / maxS);
    const out = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "events per period" });
    for (let k = 0; k <= 4; k++) {
      const n = (maxN * k) / 4;
      out.append(svg("line", { class: "grid", x1: L, x2: W - R, y1: y(n), y2: y(n) }),
        svg("text", { x: L - 6, y: y(n) + 4, "text-anchor": "end" }, Math.round(n * 10) / 10));
    }
    periods.forEach((q, i) => {
      let base = 0;
      const x = L + i * band + band * 0.15;
      series.forEach((g, j) => {
        const n = cells[q][g] || 0;
        if (!n) return;
        out.append(svg("rect", { class: "bar", x, width: band * 0.7, y: y(base + n), height: y(base) - y(base + n),
          fill: PALETTE[j % PALETTE.length], "data-period": q, "data-group": g }, svg("title", {}, `${q} · ${g}: ${n} events`)));
        base += n;
      });
      const every = Math.ceil(periods.length / 16);
      if (i % every === 0) out.append(svg("text", { x: L + (i + 0.5) * band, y: H - B + 16, "text-anchor": "middle" }, q));
    });
    const line = periods.map((q, i) => `${i ? "L" : "M"}${(L + (i + 0.5) * band).toFixed(1)},${ys(score[q]).toFixed(1)}`).join(" ");
    out.append(svg("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }),
      svg("line", { class: "grid", x1: L, x2: W - R, y1: ys(0), y2: ys(0), "stroke-dasharray": "4 3" }),
      svg("path", { class: "score-line", d: line, fill: "none", stroke: "#111", "stroke-width": 2 }),
      svg("text", { x: W - R + 6, y: ys(maxS) + 4 }, fmtScore(maxS)), svg("text", { x: W - R + 6, y: ys(0) + 4 }, "0"),
      svg("text", { x: W - R + 6, y: ys(-maxS) + 4 }, fmtScore(-maxS)));
    periods.forEach((q, i) => out.append(svg("circle", { cx: L + (i + 0.5) * band, cy: ys(score[q]), r: 3.5, fill: "#111" },
      svg("title", {}, `${q}: summed score ${fmtScore(score[q])}`))));
    series.forEach((g, j) => {
      const x = L + (j % 5) * 180, yy = H - 26 + Math.floor(j / 5) * 16;
      out.append(svg("rect", { x, y: yy - 9, width: 10, height: 10, fill: PALETTE[j % PALETTE.length] }),
        svg("text", { x: x + 14, y: yy }, `${g} (${g === "other" ? "" : totals[g]})`.replace(" ()", "")));
    });
    $("#chart").replaceChildren(out);
  }
  load();
})();
