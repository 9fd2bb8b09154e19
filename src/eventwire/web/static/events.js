/* Events: the query filters, one page of event mentions, links to their articles. */
"use strict";
(() => {
  const { h, $, api, query, eventsTable, filterForm, showError } = EW;
  const PAGE = 50;
  let offset = Number(new URLSearchParams(location.search).get("offset")) || 0;
  let params = filterForm($("#filters"), [], (p) => { params = p; offset = 0; load(); });

  async function load() {
    $("#count").textContent = "Loading…";
    let page;
    try { page = await api("/events" + query({ ...params, limit: PAGE, offset })); }
    catch (err) { $("#count").textContent = ""; showError($("#table"), err); return; }
    const last = Math.min(page.offset + page.items.length, page.total);
    $("#count").textContent = page.total
      ? `${page.total.toLocaleString("en")} event mentions match; showing ${page.offset + 1}–${last}.`
      : "No event matches these filters.";
    $("#table").replaceChildren(page.items.length ? eventsTable(page.items) : "");
    const prev = h("button", { type: "button", class: "secondary", disabled: offset === 0,
      onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, "← Previous");
    const next = h("button", { type: "button", class: "secondary", disabled: last >= page.total,
      onclick: () => { offset += PAGE; load(); } }, "Next →");
    $("#pager").replaceChildren(prev, next);
  }
  load();
})();
