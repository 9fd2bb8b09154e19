/* Paste an article: extract it live through POST /api/v1/extract and show the result. */
"use strict";
(() => {
  const { $, api, renderDocument } = EW;
  const SAMPLE = "Peru and Chile sign border water deal\n\nLIMA — Peru and Chile signed an agreement on Monday to share water " +
    "from the Uchusuma river, ending a dispute that began in 2019. Peru's foreign minister met her Chilean counterpart in Lima, " +
    "and the two governments will meet again in Santiago in May.\n\nProtesters clashed with police outside the congress in Lima, " +
    "and at least 14 people were arrested, officials said.";
  $("#sample").addEventListener("click", () => { $("#text").value = SAMPLE; $("#published").value = "2025-03-10"; });
  $("#extract-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const value = $("#text").value;
    if (!value.trim()) return;
    const isHtml = /^\s*</.test(value);
    const body = { [isHtml ? "html" : "text"]: value, published: $("#published").value || null, title: $("#title").value || null };
    $("#run").disabled = true;
    $("#status").textContent = "Extracting… (the first run loads the language model)";
    const t0 = performance.now();
    try {
      const doc = await api("/extract", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      $("#status").textContent = `${doc.events.length} events, ${doc.entities.length} entities, ${doc.places.length} places, ` +
        `${doc.times.length} times, ${doc.quantities.length} quantities, ${doc.quotes.length} quotes ` +
        `in ${((performance.now() - t0) / 1000).toFixed(1)} s. Hover an event for its details.`;
      $("#status").className = "";
      $("#result").hidden = false;
      $("#details").replaceChildren();
      const view = renderDocument(doc, { textEl: $("#doc"), detailsEl: $("#details"), listEl: $("#event-list"), legendEl: $("#legend") });
      if (doc.events.length) view.showEvent(0);
    } catch (err) {
      $("#status").textContent = err.message;
      $("#status").className = "error";
    } finally {
      $("#run").disabled = false;
    }
  });
})();
