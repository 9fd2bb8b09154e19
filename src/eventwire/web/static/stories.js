/* Stories: merged events (one per real-world event, its mentions in every article merged), with
   the query filters; a row opens to its mentions, each with its sentence and article. */
"use strict";
(() => {
  const { h, $, api, query, filterForm, showError, fmtScore, articleLink, paintSwatches } = EW;
  const PAGE = 50;
  const COLUMNS = ["Date", "Type", "Actors", "Recipients", "Place", "Score", "Mentions", "Articles", "First seen",
    "Last seen", "Trigger"];
  const url = new URLSearchParams(location.search);
  let offset = Number(url.get("offset")) || 0;
  let params = filterForm($("#filters"), [], (p) => { params = p; offset = 0; load(); });
  const codes = (list) => (list || []).join(", ") || "–";

  async function load() {
    $("#count").textContent = "Loading…";
    let page;
    try { page = await api("/merged" + query({ ...params, limit: PAGE, offset })); }
    catch (err) { $("#count").textContent = ""; showError($("#table"), err); return; }
    const last = Math.min(page.offset + page.items.length, page.total);
    const filtered = Object.values(params).some((v) => v);
    $("#count").textContent = page.total
      ? `${page.total.toLocaleString("en")} merged events match; showing ${page.offset + 1}–${last}.`
      : filtered ? "No merged event matches these filters." : "";
    if (!page.total && !filtered) {
      $("#table").replaceChildren(h("div", { class: "notice", id: "no-stories" },
        h("p", {}, "No merged events in this store yet. Merging groups the mentions of one real-world event, " +
          "within and across articles; `eventwire ingest` and `eventwire watch` do it as they store articles, " +
          "and a store filled otherwise can be merged with:"),
        h("p", {}, h("code", {}, "eventwire merge --db FILE"))));
    } else {
      const table = h("table", { class: "data stories" },
        h("thead", {}, h("tr", {}, COLUMNS.map((c) => h("th", {}, c)))),
        h("tbody", {}, page.items.map(row)));
      paintSwatches(table);
      $("#table").replaceChildren(table);
    }
    const prev = h("button", { type: "button", class: "secondary", disabled: offset === 0,
      onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, "← Previous");
    const next = h("button", { type: "button", class: "secondary", disabled: last >= page.total,
      onclick: () => { offset += PAGE; load(); } }, "Next →");
    $("#pager").replaceChildren(prev, next);
  }

  function row(m) {
    const toggle = h("button", { type: "button", class: "secondary toggle", "aria-expanded": "false",
      title: "Show every mention", onclick: () => expand(m, tr, toggle) }, `${m.mention_count} ▸`);
    const tr = h("tr", { class: "story-row", "data-id": m.id },
      h("td", {}, m.date || "–"),
      h("td", {}, h("strong", {}, m.type), m.mode ? ` · ${m.mode}` : ""),
      h("td", {}, codes(m.actors)), h("td", {}, codes(m.recipients)),
      h("td", {}, m.place_name ? `${m.place_name}${m.place_country ? " (" + m.place_country + ")" : ""}` : "–"),
      h("td", {}, h("span", { class: "swatch", "data-score": m.score }), h("span", { class: "score" }, fmtScore(m.score))),
      h("td", {}, toggle), h("td", {}, m.source_count),
      h("td", {}, m.first_seen || "–"), h("td", {}, m.last_seen || "–"), h("td", {}, m.trigger));
    return tr;
  }

  async function expand(m, tr, button) {
    const open = tr.nextElementSibling && tr.nextElementSibling.classList.contains("mentions-row");
    button.setAttribute("aria-expanded", String(!open));
    button.textContent = `${m.mention_count} ${open ? "▸" : "▾"}`;
    if (open) { tr.nextElementSibling.remove(); return; }
    const cell = h("td", { colspan: COLUMNS.length }, h("p", { class: "muted" }, "Loading the mentions…"));
    tr.after(h("tr", { class: "mentions-row", "data-for": m.id }, cell));
    try { cell.replaceChildren(mentions(await api("/merged/" + encodeURIComponent(m.id)))); }
    catch (err) { showError(cell, err); }
  }

  function mentions(d) {
    return h("ol", { class: "mentions" }, d.mentions.map((x) => h("li", { class: "mention", "data-id": x.id },
      articleLink(x.article.id, x.event.id, x.article.headline || x.article.title || x.article.id),
      h("span", { class: "muted" }, ` · ${x.article.published || "undated"}${x.article.source ? " · " + x.article.source : ""}` +
        ` · ${x.event.type}${x.event.date ? " on " + x.event.date.value : ""} · ${x.event.status}`),
      sentence(x))));
  }

  function sentence(x) {
    const s = x.sentence, t = x.trigger;
    if (!s || !s.text) return null;
    if (t && Number.isInteger(s.start) && t.start >= s.start && t.end <= s.start + s.text.length) {
      const a = t.start - s.start, b = t.end - s.start;
      return h("blockquote", { class: "sentence" }, s.text.slice(0, a),
        h("mark", { class: "trigger", title: `characters ${t.start}–${t.end}` }, s.text.slice(a, b)), s.text.slice(b));
    }
    return h("blockquote", { class: "sentence" }, s.text);
  }

  async function one(id) {  // /stories?id=MERGED_ID (the monitor's alert log links here)
    const box = h("section", { class: "story", id: "story" }, h("p", { class: "muted" }, "Loading…"));
    $("#filters").before(box);
    let d;
    try { d = await api("/merged/" + encodeURIComponent(id)); } catch (err) { showError(box, err); return; }
    box.replaceChildren(h("h2", {}, `${d.type} · ${codes(d.actors)} → ${codes(d.recipients)}`, d.date ? ` · ${d.date}` : ""),
      h("p", { class: "muted" }, `${d.mention_count} mentions in ${d.source_count} articles, first seen ${d.first_seen || "?"}, ` +
        `last seen ${d.last_seen || "?"}`), mentions(d));
  }

  if (url.get("id")) one(url.get("id"));
  load();
})();
