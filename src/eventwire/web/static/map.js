/* Map: event locations over the offline world map (world-atlas, decoded by topojson-client). */
"use strict";
(() => {
  const { h, svg, $, api, query, filterForm, simpleTable, showError, scoreColor, fmtScore } = EW;
  const W = 960, H = 480;
  const px = (lon) => ((lon + 180) / 360) * W;
  const py = (lat) => ((90 - lat) / 180) * H;
  let params = filterForm($("#filters"), [], (p) => { params = p; load(); });
  let world = null;

  function ringPath(ring) {
    let d = "", prev = null;
    for (const [lon, lat] of ring) {
      const jump = prev !== null && Math.abs(lon - prev) > 180;  // crossing the antimeridian: lift the pen
      d += `${d === "" || jump ? "M" : "L"}${px(lon).toFixed(1)},${py(lat).toFixed(1)}`;
      prev = lon;
    }
    return d + "Z";
  }

  function countryPath(geometry) {
    if (!geometry) return "";
    const polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    return polys.map((rings) => rings.map(ringPath).join("")).join("");
  }

  async function load() {
    let places;
    try {
      if (!world) {
        const res = await fetch("/static/vendor/world-atlas/countries-110m.json");
        const topo = await res.json();
        world = topojson.feature(topo, topo.objects.countries).features;
      }
      places = (await api("/places" + query(params))).items;
    } catch (err) { showError($("#map"), err); return; }
    const out = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "world map of event locations" },
      svg("rect", { class: "sea", x: 0, y: 0, width: W, height: H }));
    const land = svg("g", { class: "countries" });
    for (const f of world) land.append(svg("path", { class: "country", d: countryPath(f.geometry) },
      svg("title", {}, (f.properties && f.properties.name) || "")));
    out.append(land);
    const sites = svg("g", { class: "sites" });
    for (const p of [...places].sort((a, b) => b.events - a.events)) {
      sites.append(svg("circle", {
        class: "site", cx: px(p.lon).toFixed(1), cy: py(p.lat).toFixed(1), r: (3 + 3 * Math.sqrt(p.events)).toFixed(1),
        fill: scoreColor(p.mean_score), "data-place": p.name,
        onclick: () => { location.href = "/events" + query({ ...params, place: p.name }); },
      }, svg("title", {}, `${p.name}${p.country ? " (" + p.country + ")" : ""}: ${p.events} events, mean score ${fmtScore(p.mean_score)}`)));
    }
    out.append(sites);
    $("#map").replaceChildren(out);
    $("#table").replaceChildren(places.length
      ? simpleTable(["Place", "Country", "Events", "Mean score", "Lat, lon"], places.map((p) => [
        h("a", { href: "/events" + query({ place: p.name }) }, p.name), p.country, p.events, fmtScore(p.mean_score),
        `${p.lat.toFixed(2)}, ${p.lon.toFixed(2)}`]))
      : h("p", { class: "notice" }, "No geocoded event location matches these filters."));
  }
  load();
})();
