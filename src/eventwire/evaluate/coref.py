"""Event coreference scoring (MUC, B³, CEAF-e, CoNLL F1) and the ECB+ protocol for merging.

Scores compare two partitions of the same mentions (the gold-mention setting): `key` (gold)
and `response`, each a list of clusters (iterables of hashable mention ids). CoNLL F1 is the
mean of the MUC, B³ and CEAF-e F1 scores.

The ECB+ protocol (`evaluate_ecb`), described in docs/MERGING.md: each gold event mention gets
the features that merging uses (`store.merge.Mention`) from eventwire's own extraction around
it — the PLOVER type of an extracted event at that span if there is one, the lemmas of its
words, a date, a place and the countries of the parties — and the mentions of each topic are
clustered with `store.merge.cluster` (never across topics). Two baselines come alongside:
every mention alone, and one cluster per head lemma within a topic.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

Clusters = Sequence[Iterable[Hashable]]


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, p_num: float, p_den: float, r_num: float, r_den: float) -> "PRF":
        p = p_num / p_den if p_den else 0.0
        r = r_num / r_den if r_den else 0.0
        return cls(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def _sets(clusters: Clusters) -> list[frozenset]:
    return [frozenset(c) for c in clusters if c]


def _where(clusters: list[frozenset]) -> dict:
    return {m: i for i, c in enumerate(clusters) for m in c}


def muc(key: Clusters, response: Clusters) -> PRF:
    """MUC (Vilain et al. 1995): links needed to join each cluster, and how many survive."""
    k, r = _sets(key), _sets(response)

    def links(a: list[frozenset], b: list[frozenset]) -> tuple[int, int]:
        where = _where(b)
        found = need = 0
        for c in a:
            parts = {where.get(m, ("alone", m)) for m in c}  # a mention b lacks is a part of its own
            found += len(c) - len(parts)
            need += len(c) - 1
        return found, need

    r_num, r_den = links(k, r)
    p_num, p_den = links(r, k)
    return PRF.of(p_num, p_den, r_num, r_den)


def b_cubed(key: Clusters, response: Clusters) -> PRF:
    """B³ (Bagga and Baldwin 1998): per mention, the overlap of its two clusters."""
    k, r = _sets(key), _sets(response)
    kw, rw = _where(k), _where(r)

    def side(a: list[frozenset], b_where: dict, b: list[frozenset]) -> tuple[float, int]:
        total, n = 0.0, 0
        for c in a:
            for m in c:
                other = b[b_where[m]] if m in b_where else frozenset({m})
                total += len(c & other) / len(c)
                n += 1
        return total, n

    r_num, r_den = side(k, rw, r)
    p_num, p_den = side(r, kw, k)
    return PRF.of(p_num, p_den, r_num, r_den)


def ceaf_e(key: Clusters, response: Clusters) -> PRF:
    """Entity-based CEAF (Luo 2005) with φ4 = 2|K∩R| / (|K|+|R|) and the best one-to-one
    alignment of key and response clusters."""
    k, r = _sets(key), _sets(response)
    rw = _where(r)
    # Only overlapping clusters can be aligned with a gain: solve each connected group alone.
    edges = defaultdict(set)
    for i, c in enumerate(k):
        for m in c:
            if m in rw:
                edges[i].add(rw[m])
    back = defaultdict(set)
    for i in list(edges):
        for j in edges[i]:
            back[j].add(i)
    seen_k: set[int] = set()
    total = 0.0
    for start in range(len(k)):
        if start in seen_k or not edges.get(start):
            continue
        ks, rs, todo = {start}, set(), [start]
        seen_k.add(start)
        while todo:
            i = todo.pop()
            for j in edges[i]:
                if j not in rs:
                    rs.add(j)
                    for i2 in back[j]:
                        if i2 not in seen_k:
                            seen_k.add(i2)
                            ks.add(i2)
                            todo.append(i2)
        kl, rl = sorted(ks), sorted(rs)
        matrix = [[2 * len(k[i] & r[j]) / (len(k[i]) + len(r[j])) for j in rl] for i in kl]
        total += _best_assignment(matrix)
    return PRF.of(total, len(r), total, len(k))


def _best_assignment(weights: list[list[float]]) -> float:
    """The largest sum of a one-to-one choice of cells (Hungarian method, on costs)."""
    n_rows, n_cols = len(weights), len(weights[0]) if weights else 0
    if not n_rows or not n_cols:
        return 0.0
    if n_rows == 1:
        return max(weights[0])
    if n_cols == 1:
        return max(row[0] for row in weights)
    n = max(n_rows, n_cols)
    top = max(max(row) for row in weights)
    cost = [[top - (weights[i][j] if i < n_rows and j < n_cols else 0.0) for j in range(n)] for i in range(n)]
    inf = float("inf")
    u, v, p, way = [0.0] * (n + 1), [0.0] * (n + 1), [0] * (n + 1), [0] * (n + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (n + 1), [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    return sum(weights[p[j] - 1][j - 1] for j in range(1, n + 1)
               if p[j] and p[j] - 1 < n_rows and j - 1 < n_cols)


def score(key: Clusters, response: Clusters) -> dict[str, PRF | float]:
    """MUC, B³ and CEAF-e, and CoNLL F1 (their mean F1)."""
    out: dict = {"muc": muc(key, response), "b3": b_cubed(key, response), "ceafe": ceaf_e(key, response)}
    out["conll_f1"] = (out["muc"].f1 + out["b3"].f1 + out["ceafe"].f1) / 3
    return out


# -- the ECB+ protocol -----------------------------------------------------------------------

@dataclass(frozen=True)
class GoldMention:
    doc: str
    topic: str
    start: int
    end: int
    text: str
    cluster: str  # gold cluster; a mention without one is a cluster of its own


def read_ecb(path: str | Path, topics: Optional[set] = None) -> tuple[list[dict], list[GoldMention]]:
    """The documents and gold mentions of an ECB+ file in the gold format (`event_mentions` with
    `span` and `cluster`); `topics` keeps only those topics."""
    docs, mentions = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            topic = str(d.get("topic", ""))
            if topics and topic not in topics:
                continue
            docs.append(d)
            for k, m in enumerate(d.get("event_mentions", ())):
                start, end = m["span"]
                cluster = m.get("cluster")
                mentions.append(GoldMention(d["doc_id"], topic, start, end, m.get("text", ""),
                                            f"{topic}/{cluster}" if cluster else f"{d['doc_id']}#{k}"))
    return docs, mentions


# Rules for ECB+: its mentions are any events ("checked into rehab"), mostly without a PLOVER
# type or coded parties, so the trigger must match and an unknown type or date does not object.
ECB_RULES_KW = dict(unknown_type_matches=True, trigger="required", coarsest_precision="year",
                    undated_across_articles=True)

_CONTENT = {"VERB", "NOUN", "ADJ", "PROPN", "NUM", "ADV"}


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def mention_features(engine, docs: list[dict], mentions: list[GoldMention], use_extraction: bool = True,
                     sentence_places: bool = False, document_dates: bool = True):
    """One `Mention` per gold mention (same order), and each mention's head lemma. Without
    `sentence_places`, only an extracted event's place is used; without `document_dates`, a
    mention whose sentence has no date stays undated."""
    from eventwire.assemble import assemble
    from eventwire.models import RawDocument
    from eventwire.store.merge import Mention, trigger_keys

    nlp = engine.nlp
    by_doc = defaultdict(list)
    for i, m in enumerate(mentions):
        by_doc[m.doc].append(i)
    features: list = [None] * len(mentions)
    heads: list[str] = [""] * len(mentions)
    raws = [RawDocument(doc_id=d["doc_id"], text=d["text"]) for d in docs]
    for raw, sdoc in zip(raws, nlp.pipe(engine._docs(raws), batch_size=16), strict=True):
        try:
            document = assemble(sdoc, raw) if use_extraction else None
        except Exception:  # a document extraction cannot handle still gets lemma features
            document = None
        sents = document.sentences if document else ()
        events = document.events if document else ()
        times = [t for t in (document.times if document else ()) if t.value and t.value[:4].isdigit()
                 and t.precision in ("day", "month", "year")]
        doc_date = Counter((t.value, t.precision) for t in times).most_common(1)
        places = [p for p in (document.places if document else ()) if p.lat is not None]
        for i in by_doc[raw.doc_id]:
            g = mentions[i]
            span = sdoc.char_span(g.start, g.end, alignment_mode="expand")
            tokens = list(span) if span is not None else []
            lemmas = [t.lemma_.lower() for t in tokens if t.pos_ in _CONTENT and not t.is_stop] or \
                [t.lemma_.lower() for t in tokens]
            heads[i] = (span.root.lemma_.lower() if span is not None and len(span) else g.text.lower())
            sent = next((s for s in sents if s.start <= g.start < s.end), None)
            event = next((e for e in events if _overlaps(g.start, g.end, e.trigger.start, e.trigger.end)
                          or any(_overlaps(g.start, g.end, x.start, x.end) for x in e.mentions)), None)
            date = precision = None
            lat = lon = None
            actors = recipients = frozenset()
            if event is not None:
                if event.date and event.date.value and event.date.how == "explicit":
                    date, precision = event.date.value, event.date.precision
                if event.location is not None and event.location.lat is not None:
                    lat, lon = event.location.lat, event.location.lon
                actors = frozenset(p.country for p in event.actor if p.country)
                recipients = frozenset(p.country for p in event.recipient if p.country)
            if date is None and sent is not None:
                near = [t for t in times if sent.start <= t.start < sent.end]
                if near:
                    date, precision = near[0].value, near[0].precision
            if date is None and doc_date and document_dates:
                date, precision = doc_date[0][0]
            if lat is None and sent is not None and sentence_places:
                here = [p for p in places if sent.start <= p.start < sent.end]
                if here:
                    lat, lon = here[0].lat, here[0].lon
            features[i] = Mention(
                key=(g.doc, g.start, g.end), doc=g.doc, group=g.topic, type=event.type if event else None,
                date=date, precision=precision, actors=actors, recipients=recipients, lat=lat, lon=lon,
                triggers=trigger_keys("", lemmas),
            ).with_span()
    return features, heads


def evaluate_ecb(path: str | Path, engine=None, topics: Optional[set] = None, rules=None) -> dict:
    """Scores of merging on an ECB+ file, beside the two baselines; see the module docstring."""
    from eventwire.store.merge import MergeRules, cluster

    if engine is None:
        from eventwire import Engine

        engine = Engine().load()
    docs, gold = read_ecb(path, topics)
    key_groups = defaultdict(list)
    for g in gold:
        key_groups[g.cluster].append((g.doc, g.start, g.end))
    key = list(key_groups.values())
    features, heads = mention_features(engine, docs, gold)
    rules = rules or MergeRules(**ECB_RULES_KW)
    ours = [[m.key for m in group] for group in cluster(features, rules)]
    lemma = defaultdict(list)
    for g, head in zip(gold, heads):
        lemma[(g.topic, head)].append((g.doc, g.start, g.end))
    singletons = [[(g.doc, g.start, g.end)] for g in gold]
    results = {"documents": len(docs), "mentions": len(gold), "gold_clusters": len(key),
               "topics": len({g.topic for g in gold})}
    for name, response in (("singletons", singletons), ("same_lemma", list(lemma.values())),
                           ("eventwire", ours)):
        s = score(key, response)
        results[name] = {"clusters": len(response), "conll_f1": round(s["conll_f1"], 4),
                         **{k: {"p": round(v.precision, 4), "r": round(v.recall, 4), "f1": round(v.f1, 4)}
                            for k, v in s.items() if isinstance(v, PRF)}}
    return results


def render(results: dict) -> str:
    """The scores as a small table."""
    lines = [f"{results['documents']} documents, {results['mentions']} mentions, "
             f"{results['gold_clusters']} gold clusters, {results['topics']} topics",
             f"{'':<11} {'clusters':>8} {'MUC P/R/F1':>20} {'B3 P/R/F1':>20} {'CEAF-e P/R/F1':>20} {'CoNLL':>6}"]
    for name in ("singletons", "same_lemma", "eventwire"):
        r = results[name]
        cells = [" ".join(f"{r[k][x] * 100:5.1f}" for x in ("p", "r", "f1")) for k in ("muc", "b3", "ceafe")]
        lines.append(f"{name:<11} {r['clusters']:>8} {cells[0]:>20} {cells[1]:>20} {cells[2]:>20} "
                     f"{r['conll_f1'] * 100:6.1f}")
    return "\n".join(lines)
