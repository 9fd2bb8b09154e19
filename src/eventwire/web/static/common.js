/* eventwire dashboard: helpers shared by every page (DOM building, API calls, filters, the
   highlighted article view). Untrusted text only ever goes into text nodes and attributes. */
"use strict";

const EW = (() => {
  const SVG_NS = "http://www.w3.org/2000/svg";

  function fill(el, attrs, kids) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return el;
  }
  const h = (tag, attrs, ...kids) => fill(document.createElement(tag), attrs, kids);
  const svg = (tag, attrs, ...kids) => fill(document.createElementNS(SVG_NS, tag), attrs, kids);
  const $ = (sel) => document.querySelector(sel);

  async function api(path, options) {
    const res = await fetch("/api/v1" + path, options);
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      const err = new Error(body && body.error ? body.error.message : `${res.status} ${res.statusText}`);
      err.status = res.status;
      throw err;
    }
    return body;
  }

  function query(params) {
    const out = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") out.set(k, v);
    const text = out.toString();
    return text ? "?" + text : "";
  }

  function showError(where, err) {
    where.replaceChildren(h("p", { class: "error", role: "alert" }, String(err.message || err)));
  }

  // PLOVER score −10 (conflict, red) … 0 (grey) … +10 (cooperation, blue)
  function scoreColor(score) {
    if (score === null || score === undefined) return "#8a8f98";
    const t = Math.max(-1, Math.min(1, score / 10));
    const grey = [150, 152, 158], end = t < 0 ? [200, 40, 40] : [30, 105, 200];
    const c = grey.map((g, i) => Math.round(g + (end[i] - g) * Math.abs(t)));
    return `rgb(${c.join(",")})`;
  }
  const fmtScore = (s) => (s === null || s === undefined ? "–" : (s > 0 ? "+" : "") + Number(s).toFixed(1));

  function partyCode(p) {
    if (p.country) return p.sector ? `${p.country}-${p.sector}` : p.country;
    return p.name || p.text;
  }
  const parties = (list) => (list || []).map(partyCode).join(", ");
  const partyWords = (list) => (list || []).map((p) => p.text).join(", ");

  // -- filters (the same as `eventwire query`), kept in the page's URL ---------------------
  const FILTERS = [
    ["actor", "Actor", "KEN, GOV, KEN-GOV, ruto"], ["recipient", "Recipient", "as actor"],
    ["type", "Type", "CONSULT,ASSAULT"], ["mode", "Mode", ""], ["status", "Status", "occurred"],
    ["since", "Since", "YYYY-MM-DD"], ["until", "Until", "YYYY-MM-DD"], ["place", "Place", "KEN or Nairobi"],
    ["text", "Words", "full-text"],
  ];

  function filterForm(form, extra, onChange) {
    const url = new URLSearchParams(location.search);
    const fields = [];
    for (const [name, label, hint] of FILTERS) {
      fields.push(h("label", {}, label, h("input", { name, value: url.get(name) || "", placeholder: hint, size: 12 })));
    }
    for (const [name, label, choices, dflt] of extra || []) {
      const current = url.get(name) || dflt;
      fields.push(h("label", {}, label, h("select", { name },
        choices.map((c) => h("option", { value: c, selected: c === current }, c)))));
    }
    form.replaceChildren(...fields, h("button", { type: "submit" }, "Apply"),
      h("button", { type: "button", class: "secondary", onclick: () => { location.search = ""; } }, "Clear"));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const params = {};
      for (const [k, v] of new FormData(form).entries()) params[k] = String(v).trim();
      history.replaceState(null, "", location.pathname + query(params));
      onChange(params);
    });
    const params = {};
    for (const el of form.elements) if (el.name) params[el.name] = el.value.trim();
    return params;
  }

  // -- tables -------------------------------------------------------------------------------
  function articleLink(articleId, eventId, label) {
    return h("a", { href: "/article" + query({ id: articleId, event: eventId }) }, label);
  }

  function eventsTable(items, { article = true } = {}) {
    const head = ["Date", "Type", "Actor", "Recipient", "Place", "Status", "Score", "Trigger", article ? "Article" : null]
      .filter(Boolean);
    const rows = items.map((item) => {
      const e = item.event || item;
      return h("tr", { class: "event-row", "data-id": item.id || e.id },
        h("td", {}, e.date ? e.date.value : "–"),
        h("td", {}, h("strong", {}, e.type), e.mode ? ` · ${e.mode}` : ""),
        h("td", { title: partyWords(e.actor) }, parties(e.actor) || "–"),
        h("td", { title: partyWords(e.recipient) }, parties(e.recipient) || "–"),
        h("td", {}, e.location ? e.location.name : "–"),
        h("td", {}, e.status),
        h("td", {}, h("span", { class: "swatch", "data-score": e.score }), h("span", { class: "score" }, fmtScore(e.score))),
        h("td", { title: item.evidence || "" }, e.trigger.text),
        article ? h("td", {}, articleLink(item.article_id, e.id, item.title || item.article_id)) : null);
    });
    const table = h("table", { class: "data" }, h("thead", {}, h("tr", {}, head.map((x) => h("th", {}, x)))),
      h("tbody", {}, rows));
    paintSwatches(table);
    return table;
  }

  function paintSwatches(root) {  // colours go through the CSSOM (the page's policy forbids inline style attributes)
    for (const el of root.querySelectorAll(".swatch[data-score]")) {
      const v = el.getAttribute("data-score");
      el.style.background = scoreColor(v === "" || v === "null" ? null : Number(v));
    }
  }

  function simpleTable(columns, rows) {
    return h("table", { class: "data" }, h("thead", {}, h("tr", {}, columns.map((c) => h("th", {}, c)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((v) => h("td", {}, v === null || v === undefined ? "–" : v))))));
  }

  // -- the highlighted document --------------------------------------------------------------
  const KINDS = [["entity", "entities"], ["place", "places"], ["time", "times"], ["quantity", "quantities"],
    ["quote", "quotes"], ["event", "events"]];

  function unitsOf(doc) {
    const units = [];
    const add = (kind, x, i, label) => units.push({ kind, start: x.start, end: x.end, index: i, label, data: x });
    (doc.entities || []).forEach((x, i) => add("entity", x, i, entityLabel(x)));
    (doc.places || []).forEach((x, i) => add("place", x, i, `place: ${x.name}${x.country ? " (" + x.country + ")" : ""}` +
      (x.lat !== null && x.lat !== undefined ? ` ${x.lat.toFixed(2)}, ${x.lon.toFixed(2)}` : "")));
    (doc.times || []).forEach((x, i) => add("time", x, i, `time: ${x.value || "?"} (${x.precision}, ${x.relation})`));
    (doc.quantities || []).forEach((x, i) => add("quantity", x, i,
      `quantity: ${x.qualifier !== "=" ? x.qualifier + " " : ""}${x.value}${x.unit ? " " + x.unit : ""} (${x.kind})`));
    (doc.quotes || []).forEach((x, i) => add("quote", x, i,
      `quote${x.speaker ? " by " + x.speaker.text + (x.speaker.actor && x.speaker.actor.country ? " (" + x.speaker.actor.country + ")" : "") : ", no speaker"}`));
    (doc.events || []).forEach((e, i) => {
      units.push({ kind: "event", start: e.trigger.start, end: e.trigger.end, index: i, label: `event: ${e.type}`, data: e });
      (e.mentions || []).forEach((m) => units.push({ kind: "mention", start: m.start, end: m.end, index: i,
        label: `event ${e.type} (mentioned again)`, data: e }));
    });
    return units.filter((u) => Number.isInteger(u.start) && Number.isInteger(u.end) && u.end > u.start);
  }

  function entityLabel(x) {
    const a = x.actor;
    const code = a ? [a.country, a.sector].filter(Boolean).join("-") : "";
    return `${x.label}${a ? ": " + (a.name || x.text) + (code ? " · " + code : "") + (a.role ? " · " + a.role : "") +
      " (" + a.how + ")" : ""}${x.refers_to ? " → " + x.refers_to : ""}`;
  }

  function renderDocument(doc, { textEl, detailsEl, listEl, legendEl, focus }) {
    const text = doc.text;
    const units = unitsOf(doc);
    const cuts = new Set([0, text.length]);
    for (const u of units) { cuts.add(Math.min(u.start, text.length)); cuts.add(Math.min(u.end, text.length)); }
    const points = [...cuts].sort((a, b) => a - b);
    const segments = [];
    for (let k = 0; k + 1 < points.length; k++) {
      const a = points[k], b = points[k + 1];
      const covering = units.filter((u) => u.start <= a && u.end >= b);
      if (!covering.length) { segments.push(document.createTextNode(text.slice(a, b))); continue; }
      const kinds = [...new Set(covering.map((u) => u.kind))];
      const events = [...new Set(covering.filter((u) => u.kind === "event" || u.kind === "mention").map((u) => u.index))];
      const span = h("span", {
        class: "hl " + kinds.map((k) => "hl-" + k).join(" "), "data-start": a, "data-end": b,
        "data-events": events.length ? events.join(" ") : null,
        title: covering.map((u) => u.label).join("\n"),
      }, text.slice(a, b));
      if (events.length) {
        span.addEventListener("mouseenter", () => showEvent(events[0]));
        span.addEventListener("focus", () => showEvent(events[0]));
        span.setAttribute("tabindex", "0");
      }
      segments.push(span);
    }
    textEl.replaceChildren(...segments);

    if (legendEl) {
      legendEl.replaceChildren(...KINDS.map(([kind, plural]) => {
        const n = kind === "entity" ? (doc.entities || []).length : (doc[plural] || []).length;
        return h("span", { class: `key hl-${kind}` }, `${n} ${plural}`);
      }));
    }

    const items = (doc.events || []).map((e, i) => h("li", {
      "data-index": i, onmouseenter: () => showEvent(i),
      onclick: () => { showEvent(i); const t = textEl.querySelector(`[data-events~="${i}"]`); if (t) t.scrollIntoView({ block: "center" }); },
    }, h("strong", {}, e.type), ` ${parties(e.actor) || "?"} → ${parties(e.recipient) || "–"} · “${e.trigger.text}”`,
    e.date ? ` · ${e.date.value}` : ""));
    if (listEl) listEl.replaceChildren(...(items.length ? items : [h("li", { class: "muted" }, "No events found.")]));

    function showEvent(i) {
      const e = doc.events[i];
      if (!e) return;
      for (const el of textEl.querySelectorAll(".evidence, .evidence-trigger")) el.classList.remove("evidence", "evidence-trigger");
      const mark = (start, end, cls) => {
        for (const el of textEl.querySelectorAll(".hl")) {
          const a = Number(el.dataset.start), b = Number(el.dataset.end);
          if (a >= start && b <= end) el.classList.add(cls);
        }
      };
      const spans = evidenceSpans(doc, e);
      for (const s of spans) mark(s.start, s.end, "evidence");
      mark(e.trigger.start, e.trigger.end, "evidence-trigger");
      if (listEl) for (const li of listEl.children) li.classList.toggle("current", li.dataset.index === String(i));
      if (detailsEl) detailsEl.replaceChildren(...eventDetails(doc, e));
    }

    const start = focus !== undefined && focus !== null ? (doc.events || []).findIndex((e) => e.id === focus) : -1;
    if (start >= 0) {
      showEvent(start);
      const t = textEl.querySelector(`[data-events~="${start}"]`);
      if (t) t.scrollIntoView({ block: "center" });
    }
    return { showEvent };
  }

  function dateSpan(doc, e) {
    if (!e.date || !e.date.text) return null;
    const sent = (doc.sentences || [])[e.sentence];
    return (doc.times || []).find((t) => t.text === e.date.text && (!sent || (t.start >= sent.start && t.start < sent.end))) || null;
  }

  function evidenceSpans(doc, e) {
    const out = [...(e.actor || []), ...(e.recipient || []), ...(e.quantities || []), ...(e.mentions || [])];
    if (e.location && Number.isInteger(e.location.start)) out.push(e.location);
    if (e.attributed_to) out.push(e.attributed_to);
    const d = dateSpan(doc, e);
    if (d) out.push(d);
    return out;
  }

  function quoteOf(doc, x) {
    if (!x || !Number.isInteger(x.start)) return null;
    return h("span", { class: "ev-text", title: `characters ${x.start}–${x.end}` }, `“${doc.text.slice(x.start, x.end)}”`);
  }

  function eventDetails(doc, e) {
    const rows = [];
    const row = (label, ...value) => rows.push(h("dt", {}, label), h("dd", {}, ...value));
    const who = (list) => (list || []).length
      ? (list || []).map((p, k) => [k ? "; " : "", h("strong", {}, partyCode(p)), p.name && p.name !== partyCode(p) ? ` (${p.name})` : "",
        " ", quoteOf(doc, p), p.how ? ` [${p.how}]` : ""]) : ["–"];
    row("type", h("strong", {}, e.type), e.mode ? ` · mode ${e.mode}` : "", (e.context || []).length ? ` · ${e.context.join(", ")}` : "");
    row("CAMEO / quad", `${e.cameo || "–"} · ${e.quad || "–"}`);
    const sw = h("span", { class: "swatch", "data-score": e.score });
    row("score", sw, h("span", { class: "score" }, fmtScore(e.score)), " (−10 conflict … +10 cooperation)");
    row("trigger", quoteOf(doc, e.trigger));
    row("actor", ...who(e.actor));
    row("recipient", ...who(e.recipient));
    const d = dateSpan(doc, e);
    row("date", e.date ? `${e.date.value || "?"} (${e.date.precision || "?"}, ${e.date.how}) ` : "–",
      d ? quoteOf(doc, d) : e.date && e.date.how === "publication" ? "from the publication date" : "");
    row("place", e.location ? [`${e.location.name}${e.location.country ? " (" + e.location.country + ")" : ""} `, quoteOf(doc, e.location)] : "–");
    row("quantities", (e.quantities || []).length ? e.quantities.map((q, k) => [k ? "; " : "", `${q.value}${q.unit ? " " + q.unit : ""} `, quoteOf(doc, q)]) : "–");
    row("status", `${e.status} · ${e.certainty} · confidence ${Number(e.confidence).toFixed(2)}`);
    row("according to", e.attributed_to ? [partyCode(e.attributed_to), " ", quoteOf(doc, e.attributed_to)] : "–");
    if ((e.mentions || []).length) row("mentioned again", e.mentions.map((m, k) => [k ? "; " : "", quoteOf(doc, m)]));
    const sent = (doc.sentences || [])[e.sentence];
    const out = [h("h3", {}, `${e.type} · ${e.id}`), h("dl", {}, rows)];
    if (sent) out.push(h("p", { class: "muted" }, "Sentence: ", doc.text.slice(sent.start, sent.end).trim()));
    sw.style.background = scoreColor(e.score);
    return out;
  }

  return { h, svg, $, api, query, showError, scoreColor, fmtScore, partyCode, parties, filterForm, eventsTable,
    simpleTable, articleLink, renderDocument, paintSwatches };
})();
