"""Scoring predictions against gold files, exactly as the gold format describes.

Inputs are plain dicts: gold documents as read from a gold JSONL file, predictions in the
schema-v1 output of `eventwire extract` (or `Document.to_dict()`). Nothing here runs NLP.

Units (recall per kind): an entity is found when a predicted entity overlaps it with the same
`actor.country` (any overlapping entity when the gold country is null); a place when a predicted
place overlaps it within 100 km (city/landmark), 800 km (country/admin1/region) or 161 km (no
feature); a time when a predicted time overlaps `text_contains` with the same value; a quantity
when one overlaps it with the same value and qualifier; a quote when a predicted quote contains
`text_contains` and its speaker's country matches (or, with no gold country, its speaker text
shares a capitalised word with `speaker_text`).

Events: see `score_events`.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Optional

SYMMETRIC_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})
UNIT_KINDS = ("entities", "places", "times", "quantities", "quotes")


@dataclass
class UnitScore:
    kind: str
    found: int = 0
    total: int = 0
    predicted: int = 0
    misses: list[dict] = field(default_factory=list)

    @property
    def recall(self) -> Optional[float]:
        return self.found / self.total if self.total else None


@dataclass
class EventScore:
    required: int = 0
    predicted: int = 0  # predictions counted in precision (dyad renderings left out)
    full_recall_hits: int = 0
    full_precision_hits: int = 0
    type_recall_hits: int = 0
    type_precision_hits: int = 0
    date: list[bool] = field(default_factory=list)
    location: list[bool] = field(default_factory=list)
    status: list[bool] = field(default_factory=list)
    attribution: list[bool] = field(default_factory=list)
    per_type: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    missed: list[dict] = field(default_factory=list)
    extra: list[dict] = field(default_factory=list)

    def figures(self) -> dict[str, Optional[float]]:
        def ratio(a: int, b: int) -> Optional[float]:
            return a / b if b else None

        def f1(p: Optional[float], r: Optional[float]) -> Optional[float]:
            if p is None or r is None:
                return None
            return 2 * p * r / (p + r) if p + r else 0.0

        def acc(xs: list[bool]) -> Optional[float]:
            return sum(xs) / len(xs) if xs else None

        fr, fp = ratio(self.full_recall_hits, self.required), ratio(self.full_precision_hits, self.predicted)
        tr, tp = ratio(self.type_recall_hits, self.required), ratio(self.type_precision_hits, self.predicted)
        return {
            "full_recall": fr, "full_precision": fp, "full_f1": f1(fp, fr),
            "type_recall": tr, "type_precision": tp, "type_f1": f1(tp, tr),
            "date_accuracy": acc(self.date), "location_accuracy": acc(self.location),
            "status_accuracy": acc(self.status), "attribution_accuracy": acc(self.attribution),
        }


# ---- geometry and spans -------------------------------------------------------------------------

def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def locate(text: str, needle: str, near: Optional[list[int]] = None) -> Optional[tuple[int, int]]:
    """Span of `needle` in `text` (the occurrence containing `near` when given)."""
    if not needle:
        return None
    if near:
        s = text.find(needle, max(0, near[0] - len(needle)))
        while s >= 0:
            if s <= near[0] < s + len(needle) + 1:
                return s, s + len(needle)
            if s > near[1]:
                break
            s = text.find(needle, s + 1)
    s = text.find(needle)
    return (s, s + len(needle)) if s >= 0 else None


def _country(actor: Any) -> Optional[str]:
    return actor.get("country") if isinstance(actor, dict) else None


_CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]*")


# ---- units --------------------------------------------------------------------------------------

def _entity_found(text: str, g: dict, p: dict) -> bool:
    return overlaps(tuple(g["span"]), (p["start"], p["end"])) and (
        g.get("country") is None or _country(p.get("actor")) == g["country"])


PLACE_LIMIT_KM = {"city": 100, "landmark": 100, "country": 800, "admin1": 800, "region": 800}


def _place_found(text: str, g: dict, p: dict) -> bool:
    if not overlaps(tuple(g["span"]), (p["start"], p["end"])):
        return False
    if g.get("lat") is None or g.get("lon") is None:
        return True
    limit = PLACE_LIMIT_KM.get(g.get("feature"), 161)
    return p.get("lat") is not None and p.get("lon") is not None and \
        km(g["lat"], g["lon"], p["lat"], p["lon"]) <= limit


def _time_found(text: str, g: dict, p: dict) -> bool:
    span = locate(text, g["text_contains"], g.get("span"))
    return span is not None and overlaps(span, (p["start"], p["end"])) and p.get("value") == g["value"]


def _quantity_found(text: str, g: dict, p: dict) -> bool:
    return overlaps(tuple(g["span"]), (p["start"], p["end"])) and _same_number(p.get("value"), g["value"]) \
        and p.get("qualifier", "=") == g.get("qualifier", "=")


def _quote_found(text: str, g: dict, p: dict) -> bool:
    return g["text_contains"] in (p.get("text") or "") and _speaker_ok(g, p.get("speaker"))


# kind → (is gold item g found by prediction p, the gold fields worth showing for a miss)
UNIT_RULES = {
    "entities": (_entity_found, ("text", "span", "country")),
    "places": (_place_found, ("text", "span", "country", "feature")),
    "times": (_time_found, ("text_contains", "value")),
    "quantities": (_quantity_found, ("text", "value", "qualifier")),
    "quotes": (_quote_found, ("text_contains", "speaker_text", "speaker_country")),
}


def score_units(gold: dict, pred: dict, scores: dict[str, UnitScore]) -> None:
    for kind, (found, shown) in UNIT_RULES.items():
        if kind not in gold:
            continue
        s = scores[kind]
        preds = pred.get(kind, [])
        s.predicted += len(preds)
        for g in gold[kind]:
            s.total += 1
            if any(found(gold["text"], g, p) for p in preds):
                s.found += 1
            else:
                s.misses.append({"doc_id": gold["doc_id"], "published": gold.get("published"),
                                 **{k: g.get(k) for k in shown}})


def _same_number(a: Any, b: Any) -> bool:
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _speaker_ok(g: dict, speaker: Optional[dict]) -> bool:
    if not speaker:
        return False
    if g.get("speaker_country") is not None:
        return _country(speaker.get("actor")) == g["speaker_country"]
    gold_words = {w.lower() for w in _CAPITALISED.findall(g.get("speaker_text") or "")}
    pred_words = {w.lower() for w in re.findall(r"[\w'’.-]+", speaker.get("text") or "")}
    return bool(gold_words & pred_words)


# ---- events -------------------------------------------------------------------------------------

def _codes(parties: Any) -> set[str]:
    out = set()
    for p in parties or ():
        c = p.get("country") if isinstance(p, dict) else p
        if c:
            out.add(c)
    return out


def parties_right(gold: dict, pred: dict) -> bool:
    ga, gr = set(gold.get("actor") or ()), set(gold.get("recipient") or ())
    pa, pr = _codes(pred.get("actor")), _codes(pred.get("recipient"))

    def fits(g_side: set, p_side: set) -> bool:
        return not g_side or bool(g_side & p_side)

    if fits(ga, pa) and fits(gr, pr):
        return True
    return pred.get("type") in SYMMETRIC_TYPES and fits(ga, pr) and fits(gr, pa)


def parties_within(gold: dict, pred: dict) -> bool:
    """A dyad rendering of a list event: the prediction's parties lie within the gold's."""
    ga, gr = set(gold.get("actor") or ()), set(gold.get("recipient") or ())
    pa, pr = _codes(pred.get("actor")), _codes(pred.get("recipient"))

    def inside(g_side: set, p_side: set) -> bool:
        return not g_side or (bool(p_side) and p_side <= g_side)

    if inside(ga, pa) and inside(gr, pr):
        return True
    return pred.get("type") in SYMMETRIC_TYPES and inside(ga, pr) and inside(gr, pa)


def _type_ok(gold: dict, pred: dict) -> bool:
    types = gold.get("type") or []
    if isinstance(types, str):
        types = [types]
    return pred.get("type") in types


def _matchable(gold: dict, span: Optional[tuple[int, int]], pred: dict) -> bool:
    trig = pred.get("trigger") or {}
    if span is None or trig.get("start") is None:
        return False
    return overlaps(span, (trig["start"], trig["end"])) and _type_ok(gold, pred)


def _max_matching(pairs: dict[int, list[int]], taken_preds: set[int], order: list[int]) -> dict[int, int]:
    """Maximum one-to-one matching gold→pred over allowed pairs (augmenting paths)."""
    match_pred: dict[int, int] = {}

    def try_gold(g: int, seen: set[int]) -> bool:
        for p in pairs.get(g, ()):
            if p in taken_preds or p in seen:
                continue
            seen.add(p)
            if p not in match_pred or try_gold(match_pred[p], seen):
                match_pred[p] = g
                return True
        return False

    for g in order:
        try_gold(g, set())
    return {g: p for p, g in match_pred.items()}


def match_events(gold_events: list[dict], preds: list[dict], text: str, with_parties: bool) -> dict[int, int]:
    """gold index → pred index. Required gold first, then optional; within each, matches with the
    parties right first (when `with_parties`), then matches on type alone."""
    spans = [locate(text, g.get("evidence") or "") for g in gold_events]
    taken: set[int] = set()
    result: dict[int, int] = {}
    for required in (True, False):
        order = [i for i, g in enumerate(gold_events) if bool(g.get("required", True)) == required]
        phases = [True, False] if with_parties else [False]
        for need_parties in phases:
            pairs = {}
            for gi in order:
                if gi in result:
                    continue
                pairs[gi] = [pi for pi, p in enumerate(preds)
                             if _matchable(gold_events[gi], spans[gi], p)
                             and (not need_parties or parties_right(gold_events[gi], p))]
            found = _max_matching(pairs, taken, [g for g in order if g not in result])
            for gi, pi in found.items():
                result[gi] = pi
                taken.add(pi)
    return result


def _date_ok(gold: dict, pred: dict) -> bool:
    value = ((pred.get("date") or {}).get("value")) or ""
    options = [gold.get("date")] + list(gold.get("date_alternatives") or [])
    for o in options:
        if not o:
            continue
        if value == o or (len(o) < 10 and value.startswith(o + "-")):
            return True
    return False


def _location_ok(gold: dict, pred: dict) -> bool:
    loc, g = pred.get("location") or {}, gold.get("location") or {}
    if loc.get("lat") is None or loc.get("lon") is None:
        return False
    return km(g["lat"], g["lon"], loc["lat"], loc["lon"]) <= 100


def score_events(gold: dict, pred: dict, s: EventScore) -> None:
    if "events" not in gold:
        return
    text = gold["text"]
    gold_events = gold["events"]
    preds = pred.get("events") or []
    full = match_events(gold_events, preds, text, with_parties=True)
    typed = match_events(gold_events, preds, text, with_parties=False)
    spans = [locate(text, g.get("evidence") or "") for g in gold_events]

    matched_full = {pi: gi for gi, pi in full.items()}
    matched_type = {pi: gi for gi, pi in typed.items()}
    for gi, g in enumerate(gold_events):
        types = g.get("type") if isinstance(g.get("type"), list) else [g.get("type")]
        key = types[0] if types else "?"
        if not g.get("required", True):
            continue
        s.required += 1
        s.per_type[key][0] += 1
        pi = full.get(gi)
        right = pi is not None and parties_right(g, preds[pi])
        s.full_recall_hits += right
        s.per_type[key][1] += right
        s.type_recall_hits += gi in typed
        s.per_type[key][2] += gi in typed
        if pi is None:
            s.missed.append({"doc_id": gold["doc_id"], "evidence": g.get("evidence"), "type": types,
                             "actor": g.get("actor"), "recipient": g.get("recipient"),
                             "sentence": _sentence(text, spans[gi])})
            continue
        p = preds[pi]
        if not right:
            s.missed.append({"doc_id": gold["doc_id"], "evidence": g.get("evidence"), "type": types,
                             "actor": g.get("actor"), "recipient": g.get("recipient"),
                             "predicted_actor": sorted(_codes(p.get("actor"))),
                             "predicted_recipient": sorted(_codes(p.get("recipient"))),
                             "sentence": _sentence(text, spans[gi])})
        if g.get("date"):
            s.date.append(_date_ok(g, p))
        if g.get("location") and g["location"].get("lat") is not None and g["location"].get("lon") is not None:
            s.location.append(_location_ok(g, p))
        if g.get("status") is not None:
            s.status.append((g["status"] == "future") == (p.get("status") == "future"))
            s.attribution.append(g.get("attributed_to") == _country(p.get("attributed_to")))
    for pi, p in enumerate(preds):
        if pi in matched_full:
            gi = matched_full[pi]
            s.predicted += 1
            s.full_precision_hits += parties_right(gold_events[gi], p)
            s.type_precision_hits += pi in matched_type
            continue
        # an unmatched dyad rendering of a list event is left out of the count
        trig = p.get("trigger") or {}
        if any(spans[gi] is not None and trig.get("start") is not None
               and overlaps(spans[gi], (trig["start"], trig["end"])) and _type_ok(g, p) and parties_within(g, p)
               for gi, g in enumerate(gold_events)):
            continue
        s.predicted += 1
        s.type_precision_hits += pi in matched_type
        s.extra.append({"doc_id": gold["doc_id"], "trigger": trig.get("text"), "type": p.get("type"),
                        "actor": sorted(_codes(p.get("actor"))), "recipient": sorted(_codes(p.get("recipient"))),
                        "sentence": _sentence(text, (trig.get("start") or 0, trig.get("end") or 0))})


def _sentence(text: str, span: Optional[tuple[int, int]]) -> str:
    if span is None:
        return ""
    start = max(text.rfind("\n", 0, span[0]), text.rfind(". ", 0, span[0]) + 1, 0)
    end = text.find("\n", span[1])
    end = len(text) if end < 0 else end
    return text[start:end].strip()[:400]


@dataclass
class Scores:
    units: dict[str, UnitScore]
    events: EventScore
    documents: int = 0
    missing_predictions: int = 0

    def to_dict(self) -> dict:
        out = {"documents": self.documents, "missing_predictions": self.missing_predictions, "units": {}}
        for kind, u in self.units.items():
            if u.total:
                out["units"][kind] = {"recall": u.recall, "found": u.found, "total": u.total,
                                      "predicted": u.predicted}
        if self.events.required or self.events.predicted:
            out["events"] = {**self.events.figures(), "required": self.events.required,
                             "predicted": self.events.predicted,
                             "per_type": {t: {"required": v[0], "full_recall": v[1] / v[0] if v[0] else None,
                                              "type_recall": v[2] / v[0] if v[0] else None}
                                          for t, v in sorted(self.events.per_type.items())}}
        return out


def score(gold_docs: list[dict], predictions: dict[str, dict]) -> Scores:
    units = {k: UnitScore(k) for k in UNIT_KINDS}
    events = EventScore()
    result = Scores(units, events)
    for g in gold_docs:
        result.documents += 1
        p = predictions.get(str(g["doc_id"]))
        if p is None:
            result.missing_predictions += 1
            p = {}
        score_units(g, p, units)
        score_events(g, p, events)
    return result
