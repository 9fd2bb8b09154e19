/* Network: who acts on whom. A small force layout, computed here (deterministic start), drawn in SVG. */
"use strict";
(() => {
  const { h, svg, $, api, query, filterForm, simpleTable, showError, scoreColor, fmtScore } = EW;
  const W = 960, H = 560;
  let params = filterForm($("#filters"), [["node", "Node", ["country", "code", "name"], "country"]], (p) => { params = p; load(); });

  function layout(names, edges) {
    const n = names.length;
    const pos = names.map((_, i) => ({ x: W / 2 + 200 * Math.cos((2 * Math.PI * i) / n), y: H / 2 + 200 * Math.sin((2 * Math.PI * i) / n) }));
    const index = new Map(names.map((name, i) => [name, i]));
    const links = edges.filter((e) => e.source !== e.target).map((e) => [index.get(e.source), index.get(e.target)]);
    const k = Math.sqrt((W * H) / Math.max(n, 1)) * 0.55;
    for (let step = 0, t = 60; step < 300; step++, t *= 0.985) {
      const move = pos.map(() => ({ x: 0, y: 0 }));
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
        const dx = pos[i].x - pos[j].x || 0.01, dy = pos[i].y - pos[j].y || 0.01;
        const d2 = Math.max(dx * dx + dy * dy, 1), f = (k * k) / d2;
        move[i].x += dx * f; move[i].y += dy * f; move[j].x -= dx * f; move[j].y -= dy * f;
      }
      for (const [a, b] of links) {
        const dx = pos[a].x - pos[b].x, dy = pos[a].y - pos[b].y, d = Math.max(Math.hypot(dx, dy), 1), f = d / k;
        move[a].x -= dx * f; move[a].y -= dy * f; move[b].x += dx * f; move[b].y += dy * f;
      }
      pos.forEach((p, i) => {
        move[i].x += (W / 2 - p.x) * 0.3; move[i].y += (H / 2 - p.y) * 0.3;  // gravity keeps islands close
        const len = Math.max(Math.hypot(move[i].x, move[i].y), 0.001), m = Math.min(len, t);
        p.x += (move[i].x / len) * m;
        p.y += (move[i].y / len) * m;
      });
    }
    // fit the drawing into the frame, leaving room for labels
    const xs = pos.map((p) => p.x), ys = pos.map((p) => p.y);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    return pos.map((p) => ({ x: x1 > x0 ? 70 + ((p.x - x0) / (x1 - x0)) * (W - 190) : W / 2,
      y: y1 > y0 ? 70 + ((p.y - y0) / (y1 - y0)) * (H - 110) : H / 2 }));
  }

  async function load() {
    let edges;
    try { edges = (await api("/network" + query(params))).items; } catch (err) { showError($("#network"), err); return; }
    if (!edges.length) {
      $("#network").replaceChildren(h("p", { class: "notice" }, "No event with both an actor and a recipient matches these filters."));
      $("#table").replaceChildren();
      return;
    }
    const weight = {};
    for (const e of edges) { weight[e.source] = (weight[e.source] || 0) + e.events; weight[e.target] = (weight[e.target] || 0) + e.events; }
    const names = Object.keys(weight).sort();
    const pos = layout(names, edges);
    const at = (name) => pos[names.indexOf(name)];
    const radius = (name) => 5 + 3 * Math.sqrt(weight[name]);
    const out = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "actor network" });
    const lines = svg("g", { class: "edges" });
    for (const e of edges) {
      const a = at(e.source), b = at(e.target), color = scoreColor(e.mean_score), width = 1 + 1.5 * Math.sqrt(e.events);
      const title = svg("title", {}, `${e.source} → ${e.target}: ${e.events} events, mean score ${fmtScore(e.mean_score)}`);
      if (e.source === e.target) {
        const r = radius(e.source);
        lines.append(svg("path", { class: "edge", d: `M${a.x},${a.y - r} C${a.x - 40},${a.y - r - 45} ${a.x + 40},${a.y - r - 45} ${a.x + 2},${a.y - r}`,
          fill: "none", stroke: color, "stroke-width": width, "data-source": e.source, "data-target": e.target }, title));
        continue;
      }
      const dx = b.x - a.x, dy = b.y - a.y, d = Math.max(Math.hypot(dx, dy), 1), ux = dx / d, uy = dy / d;
      const nx = -uy * 6, ny = ux * 6;  // offset so that A→B and B→A do not overlap
      const x1 = a.x + ux * radius(e.source) + nx, y1 = a.y + uy * radius(e.source) + ny;
      const x2 = b.x - ux * (radius(e.target) + 2) + nx, y2 = b.y - uy * (radius(e.target) + 2) + ny;
      const head = 7 + width;
      lines.append(svg("g", { class: "edge", "data-source": e.source, "data-target": e.target },
        svg("line", { x1, y1, x2: x2 - ux * head * 0.8, y2: y2 - uy * head * 0.8, stroke: color, "stroke-width": width }),
        svg("polygon", { points: `${x2},${y2} ${x2 - ux * head - uy * head * 0.5},${y2 - uy * head + ux * head * 0.5} ${x2 - ux * head + uy * head * 0.5},${y2 - uy * head - ux * head * 0.5}`, fill: color }),
        title));
    }
    const nodes = svg("g", { class: "nodes" });
    for (const name of names) {
      const p = at(name);
      nodes.append(svg("g", { class: "node", "data-name": name, onclick: () => { location.href = "/events" + query({ actor: name }); } },
        svg("circle", { cx: p.x, cy: p.y, r: radius(name) }),
        svg("text", { x: p.x + radius(name) + 3, y: p.y + 4 }, name.length > 22 ? name.slice(0, 21) + "…" : name),
        svg("title", {}, `${name}: in ${weight[name]} actor–recipient pairs; click for its events`)));
    }
    out.append(lines, nodes);
    $("#network").replaceChildren(out);
    $("#table").replaceChildren(simpleTable(["Actor", "Recipient", "Events", "Mean score"],
      edges.map((e) => [e.source, e.target, e.events, fmtScore(e.mean_score)])));
  }
  load();
})();
