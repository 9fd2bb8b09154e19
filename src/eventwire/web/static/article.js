/* Article view: the stored text with every unit highlighted; hovering an event shows its coded
   fields and the words each was read from. */
"use strict";
(async () => {
  const { h, $, api, renderDocument, showError } = EW;
  const url = new URLSearchParams(location.search);
  const id = url.get("id");
  if (!id) {
    $("#head").replaceChildren(h("h1", {}, "Article"), h("p", { class: "notice" }, "No article chosen: open one from ",
      h("a", { href: "/events" }, "the events table"), " or ", h("a", { href: "/" }, "the overview"), "."));
    return;
  }
  let stored;
  try { stored = await api("/articles/" + encodeURIComponent(id)); } catch (err) { showError($("#head"), err); return; }
  const doc = stored.document;
  document.title = `${doc.title || doc.doc_id} · eventwire`;
  $("#head").replaceChildren(
    h("h1", {}, doc.title || doc.text.split("\n")[0].slice(0, 120)),
    h("p", { class: "muted" }, `published ${doc.published || "unknown"}`, doc.source ? ` · ${doc.source}` : "",
      doc.url ? ` · ${doc.url}` : "", ` · id ${doc.doc_id}`, ` · stored ${stored.stored_at}`,
      (doc.errors || []).length ? ` · notes: ${doc.errors.join("; ")}` : ""));
  renderDocument(doc, { textEl: $("#doc"), detailsEl: $("#details"), listEl: $("#event-list"), legendEl: $("#legend"),
    focus: url.get("event") });
})();
