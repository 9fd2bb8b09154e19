/* Overview: what the store holds, the latest events and articles, and where to go next. */
"use strict";
(async () => {
  const { h, $, api, eventsTable, showError } = EW;
  let s;
  try { s = await api("/summary"); } catch (err) { showError($("#summary"), err); return; }
  const card = (n, label, href) => h("div", { class: "card" }, h("a", { href }, h("span", { class: "n" }, n.toLocaleString("en")), label));
  $("#summary").replaceChildren(
    card(s.articles, "articles", "/events"), card(s.events, "event mentions", "/events"),
    card(s.failures, "failed documents", "/api/v1/failures"),
    h("div", { class: "card" }, h("span", { class: "n" }, s.first_date ? `${s.first_date} – ${s.last_date}` : "no dates"), "dated events"),
  );
  if (!s.articles) {
    $("#guide").replaceChildren(h("div", { class: "notice", id: "empty" },
      h("h2", {}, `The store ${s.store} is empty`),
      h("p", {}, "Fill it from a folder of articles (text, HTML or JSON Lines), then reload this page:"),
      h("p", {}, h("code", {}, `eventwire ingest FOLDER --db ${s.store} --published YYYY-MM-DD`)),
      h("p", {}, "Or try one article first: ", h("a", { href: "/extract" }, "paste an article"),
        " and see every event, name, place, time, quantity and quote it holds.")));
    document.querySelector(".columns").hidden = true;
    return;
  }
  $("#guide").replaceChildren(h("p", { class: "muted" },
    "Start with the latest events below: each links to its article, where every extracted unit is highlighted. ",
    h("a", { href: "/timeline" }, "Timeline"), ", ", h("a", { href: "/map" }, "map"), " and ",
    h("a", { href: "/network" }, "network"), " show the whole store; ", h("a", { href: "/events" }, "Events"),
    " filters it."));
  $("#latest").replaceChildren(s.latest_events.length ? eventsTable(s.latest_events) : h("p", { class: "muted" }, "No dated events."));
  $("#articles").replaceChildren(...s.latest_articles.map((a) => h("li", {},
    EW.articleLink(a.id, null, a.headline || a.id),
    h("span", { class: "muted" }, ` · ${a.published || "undated"} · ${a.events} events`),
    h("span", { class: "snippet" }, a.snippet))));
  const top = s.types.slice(0, 12);
  const max = Math.max(1, ...top.map((t) => t.events));
  const bars = top.map((t) => {
    const bar = h("div", { class: "bar" });
    bar.style.width = `${(100 * t.events) / max}%`;
    return h("div", { class: "bar-row" }, h("a", { href: "/events" + EW.query({ type: t.type }) }, t.type), h("div", {}, bar), h("span", {}, t.events));
  });
  $("#types").replaceChildren(h("div", { class: "bars" }, bars));
})();
