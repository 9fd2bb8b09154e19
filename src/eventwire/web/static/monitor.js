/* Monitor: the live monitor's sources with their last round and errors, the latest rounds, the
   alert rules and the alert log; on a store never watched, how to start. */
"use strict";
(() => {
  const { h, $, api, query, simpleTable, showError } = EW;
  const badge = (status) => status ? h("span", { class: `badge status-${status}` }, status) : "never";
  const when = (t) => (t ? t.replace("T", " ").replace("+00:00", " UTC") : "–");
  const card = (n, label) => h("div", { class: "card" }, h("span", { class: "n" }, n), label);

  async function load() {
    let m;
    try { m = await api("/monitor?limit=50"); } catch (err) { showError($("#overview"), err); return; }
    if (!m.watched) {
      $("#monitor").hidden = true;
      $("#overview").replaceChildren(h("div", { class: "notice", id: "monitor-empty" },
        h("h2", {}, `The store ${m.store} has never been watched`),
        h("p", {}, "Watch news feeds (RSS or Atom URLs), feed files or folders of articles: each round stores the new " +
          "articles, merges their events into stories and delivers the alerts that match."),
        h("p", {}, h("code", {}, `eventwire watch FEED_URL --db ${m.store} --every 15m`)),
        h("p", {}, "Then say which stories to be told about, by webhook or to a file:"),
        h("p", {}, h("code", {}, `eventwire alert add --actor RUS --type ASSAULT --min-mentions 2 --webhook URL --db ${m.store}`)),
        h("p", {}, "and reload this page: it shows the sources, their last round and errors, and the alert log.")));
      return;
    }
    const latest = m.rounds[0];
    const delivered = m.deliveries.filter((d) => d.status === "delivered").length;
    $("#overview").replaceChildren(
      card(m.sources.length, "sources"),
      card(latest ? `#${latest.id}` : "–", latest ? `last round, ${when(latest.finished_at || latest.started_at)}` : "no round yet"),
      card(m.errors.length, m.errors.length >= 50 ? "latest errors" : "errors"),
      card(m.rules.length, "alert rules"),
      card(`${delivered}/${m.deliveries.length}`, "recent alerts delivered"));

    const none = (text) => h("p", { class: "muted" }, text);
    $("#sources").replaceChildren(m.sources.length ? table("sources",
      ["Source", "Kind", "Last round", "Checked", "Status", "New · stored (last round)", "Items · stored · failed (all)", "Latest error"],
      m.sources.map((s) => [h("span", { class: "location" }, s.location), s.kind, s.last_round ? `#${s.last_round}` : "–",
        when(s.last_checked), badge(s.last_status), `${s.last_new_items} · ${s.last_stored}`,
        `${s.items} · ${s.stored} · ${s.failed}`,
        s.latest_error ? h("span", { class: "error-text" }, `${when(s.latest_error.at)}: ${s.latest_error.item ? s.latest_error.item + ": " : ""}${s.latest_error.reason}`) : "–"]))
      : none("No source yet: eventwire watch FEED_URL adds one."));
    $("#rounds").replaceChildren(m.rounds.length ? table("rounds",
      ["Round", "Started", "Finished", "Sources", "New items", "Stored", "Duplicates", "Failed", "Errors", "Alerts"],
      m.rounds.map((r) => [`#${r.id}`, when(r.started_at), r.finished_at ? when(r.finished_at) : "running or stopped",
        r.sources, r.new_items, r.stored, r.duplicates, r.failed, r.errors, r.alerts])) : none("No round yet."));
    $("#errors").replaceChildren(m.errors.length ? table("errors", ["When", "Round", "Source", "Item", "Reason"],
      m.errors.map((e) => [when(e.at), `#${e.round_id}`, e.source || "–", e.item || "(the source)", e.reason]))
      : none("No errors."));
    $("#rules").replaceChildren(m.rules.length ? table("rules", ["Rule", "Name", "Selects", "Delivered to", "Since"],
      m.rules.map((r) => [`#${r.id}`, r.name || "–", r.selects, h("span", { class: "location" }, r.target), when(r.created_at)]))
      : none("No alert rules: eventwire alert add --actor … --type … --webhook URL (or --file FILE) adds one."));
    $("#deliveries").replaceChildren(m.deliveries.length ? table("deliveries",
      ["When", "Rule", "Story", "Kind", "Mentions", "Articles", "Status", "Attempts", "To", "Error"],
      m.deliveries.map((d) => [when(d.delivered_at || d.created_at), `#${d.rule_id}`,
        h("a", { href: "/stories" + query({ id: d.merged_id }) }, d.merged_id), d.kind, d.mention_count, d.source_count,
        badge(d.status), d.attempts, h("span", { class: "location" }, d.target), d.error || "–"]))
      : none("No alert delivered yet."));
  }

  function table(id, columns, rows) {
    const t = simpleTable(columns, rows);
    t.id = `${id}-table`;
    return t;
  }

  $("#refresh").addEventListener("click", load);
  load();
})();
