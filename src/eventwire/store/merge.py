"""Merging event mentions into real-world events, within and across articles.

Every row of `events` is one mention of an event in one article. `merge` groups the rows that
report the same real-world event into one merged event (tables `merged_events` and
`merged_members`), with how many mentions and articles report it and when it was first and last
seen. The criteria are the fields of `MergeRules`; docs/MERGING.md explains them.

How the groups are formed, so that the result does not depend on the order articles arrived in:

1. two mentions are *compatible* when every criterion holds (`compatible`, a function of the two
   mentions alone);
2. the connected components of the compatibility graph are found; a component is a function of
   the set of stored events only;
3. each component is split greedily, mentions taken in a fixed order (date, article id, index):
   a mention joins the first group holding a compatible mention whose dates it does not stretch
   beyond `max_span_days`, or starts a new group.

An incremental run (after each ingest) recomputes only the components that new mentions touch,
which is exactly what a run over everything would compute for them: the two give the same groups.
The same functions cluster other mentions too (`cluster`), which is how the ECB+ evaluation
(`eventwire.evaluate.coref`) measures these rules.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import math
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Optional

# PLOVER types whose actor and recipient may be written either way round ("A met B" = "B met A").
SYMMETRIC_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})

# Words that name the same kind of happening; a trigger's family is one more key it matches by.
TRIGGER_FAMILIES: dict[str, tuple[str, ...]] = {
    "attack": ("attack", "assault", "strike", "raid", "bomb", "shell", "airstrike", "offensive", "hit"),
    "kill": ("kill", "die", "dead", "death", "slay", "murder", "shoot"),
    "meet": ("meet", "talk", "discuss", "summit", "visit", "consult", "host"),
    "agree": ("agree", "sign", "deal", "accord", "pact", "treaty", "agreement"),
    "arrest": ("arrest", "detain", "apprehend", "custody", "jail", "imprison", "capture"),
    "protest": ("protest", "demonstrate", "demonstration", "rally", "march"),
    "accuse": ("accuse", "blame", "condemn", "criticise", "criticize", "denounce"),
    "sanction": ("sanction", "embargo", "ban", "expel"),
    "threaten": ("threaten", "warn", "threat"),
    "aid": ("aid", "donate", "assist", "relief", "fund"),
    "quake": ("quake", "earthquake", "tremor"),
    "fire": ("fire", "blaze", "burn"),
    "appoint": ("appoint", "name", "nominate", "hire"),
    "resign": ("resign", "quit", "step"),
}
_FAMILY_OF = {word: name for name, words in TRIGGER_FAMILIES.items() for word in words}

PRECISIONS = ("day", "month", "year", "decade", "vague")


@dataclass(frozen=True)
class MergeRules:
    """When two event mentions report the same real-world event. Defaults are for news events.

    - `compatible_types`: pairs of PLOVER types that may still be one event (a meeting reported
      as "met" and as "agreed"); otherwise the types must be equal.
    - `unknown_type_matches`: whether a mention without a type may join any type (False for the
      store, where every event is typed).
    - `window_days`: day-precise dates at most this many days apart may be one event; a date of
      month precision matches a day or month inside it; a date coarser than `coarsest_precision`
      (and an undated mention) only merges within its own article.
    - `max_span_days`: a merged event's day-precise dates never spread wider than this (stops
      chains of daily, similar events from becoming one).
    - parties: on each side (actor, recipient), the country sets must overlap unless one side is
      empty (unknown); for `symmetric_types` the sides may also be swapped. `require_anchor`:
      across articles, at least one positive sign is needed (a shared country on a side, places
      within `max_km`, or, when `trigger` is not "off", similar triggers); it stops all the
      unattributed protests of a day from becoming one.
    - `undated_across_articles`: let an unknown date merge across articles too (for
      evaluation sets without publication dates; off for the store).
    - `max_km`: places known on both sides must be at most this far apart.
    - `trigger`: "off" (not used), "signal" (similar triggers count as an anchor) or "required"
      (triggers must share a lemma or a word family from `TRIGGER_FAMILIES`).
    - `unmerged_statuses`: mentions with these statuses stay events of their own.
    """

    compatible_types: frozenset = frozenset({frozenset({"CONSULT", "AGREE"})})
    unknown_type_matches: bool = False
    symmetric_types: frozenset = SYMMETRIC_TYPES
    window_days: int = 2
    max_span_days: int = 4
    coarsest_precision: str = "month"
    undated_across_articles: bool = False
    max_km: float = 100.0
    require_anchor: bool = True
    trigger: str = "signal"
    unmerged_statuses: frozenset = frozenset({"negated", "hypothetical"})

    def __post_init__(self):
        if self.trigger not in ("off", "signal", "required"):
            raise ValueError("trigger must be 'off', 'signal' or 'required'")
        if self.coarsest_precision not in PRECISIONS:
            raise ValueError(f"coarsest_precision must be one of {PRECISIONS}")


@dataclass(frozen=True)
class Mention:
    """What merging knows of one event mention. `key` orders and identifies it; `doc` is its
    article; `group`, when set, confines merging (the evaluation's topics)."""

    key: tuple
    doc: str
    type: Optional[str] = None
    date: Optional[str] = None
    precision: Optional[str] = None
    actors: frozenset = frozenset()
    recipients: frozenset = frozenset()
    lat: Optional[float] = None
    lon: Optional[float] = None
    triggers: frozenset = frozenset()
    status: str = "occurred"
    group: Optional[str] = None
    span: Optional[tuple] = field(default=None, compare=False)  # (first day, last day) ordinals

    def with_span(self) -> "Mention":
        return Mention(**{**self.__dict__, "span": date_span(self.date, self.precision)})


# -- criteria --------------------------------------------------------------------------------

def date_span(value: Optional[str], precision: Optional[str] = None) -> Optional[tuple[int, int]]:
    """The first and last day (ordinals) an ISO date of day, month or year precision covers."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value[:10])
    if not m:
        return None
    try:
        y = int(m[1])
        if m[3]:
            d = dt.date(y, int(m[2]), int(m[3])).toordinal()
            return d, d
        if m[2]:
            first = dt.date(y, int(m[2]), 1)
            nxt = dt.date(y + (first.month == 12), first.month % 12 + 1, 1)
            return first.toordinal(), nxt.toordinal() - 1
        return dt.date(y, 1, 1).toordinal(), dt.date(y, 12, 31).toordinal()
    except ValueError:
        return None


def _precision(m: Mention) -> int:
    if m.span is None:
        return len(PRECISIONS)
    days = m.span[1] - m.span[0]
    found = "day" if days == 0 else "month" if days < 32 else "year"
    return PRECISIONS.index(m.precision if m.precision in PRECISIONS else found)


def dates_compatible(a: Mention, b: Mention, rules: MergeRules) -> Optional[bool]:
    """True or False, or None when either date is unknown or too coarse to compare."""
    limit = PRECISIONS.index(rules.coarsest_precision)
    if a.span is None or b.span is None or _precision(a) > limit or _precision(b) > limit:
        return None
    gap = max(a.span[0], b.span[0]) - min(a.span[1], b.span[1])  # ≤ 0 when they overlap
    if a.span[0] == a.span[1] and b.span[0] == b.span[1]:
        return gap <= rules.window_days
    return gap <= 0  # a month matches what lies inside it


def parties_compatible(a: Mention, b: Mention, rules: MergeRules) -> tuple[bool, bool]:
    """(compatible, anchored): anchored when some side shares a country."""

    def side(x: frozenset, y: frozenset) -> Optional[bool]:
        return None if not x or not y else bool(x & y)

    def check(a1, r1, a2, r2) -> tuple[bool, bool]:
        s = (side(a1, a2), side(r1, r2))
        return False not in s, True in s

    straight = check(a.actors, a.recipients, b.actors, b.recipients)
    if straight[0] and straight[1]:
        return straight
    if a.type in rules.symmetric_types and b.type in rules.symmetric_types:
        swapped = check(a.actors, a.recipients, b.recipients, b.actors)
        if swapped[0] and (swapped[1] or not straight[0]):
            return swapped
    return straight


def types_compatible(a: Optional[str], b: Optional[str], rules: MergeRules) -> bool:
    if a is None or b is None:
        return rules.unknown_type_matches
    return a == b or frozenset({a, b}) in rules.compatible_types


def km(a: Mention, b: Mention) -> Optional[float]:
    """Great-circle distance between the two mentions' places, or None when one is unknown."""
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def trigger_keys(text: str, lemmas: Iterable[str] = ()) -> frozenset:
    """Keys a trigger matches other triggers by: the stems of its words (and of `lemmas`, when
    a parser gave them) and the names of their word families."""
    keys = set()
    for word in [*re.findall(r"[a-z]+", text.lower()), *(x.lower() for x in lemmas)]:
        if len(word) < 3 or word in _STOP:
            continue
        stem = _stem(word)
        keys.add(stem)
        for form in (word, stem):
            if form in _FAMILY_OF:
                keys.add("~" + _FAMILY_OF[form])
    return frozenset(keys)


_STOP = frozenset("the and his her its their him them into out off for with from over was were "
                  "has had have been being are will would did does not who which that this".split())


def _stem(word: str) -> str:
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + repl
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":  # shelled → shell, stopp → stop
        word = word[:-1]
    return word.rstrip("e") if len(word) > 4 else word


def compatible(a: Mention, b: Mention, rules: MergeRules) -> bool:
    """Whether mentions `a` and `b` may report the same event (`span`s must be set)."""
    if a.group != b.group or not types_compatible(a.type, b.type, rules):
        return False
    if a.status in rules.unmerged_statuses or b.status in rules.unmerged_statuses:
        return False
    same_doc = a.doc == b.doc
    similar = bool(a.triggers & b.triggers)
    if rules.trigger == "required" and not similar:
        return False
    dates = dates_compatible(a, b, rules)
    if dates is False or (dates is None and not same_doc and not rules.undated_across_articles):
        return False
    distance = km(a, b)
    if distance is not None and distance > rules.max_km:
        return False
    ok, anchored = parties_compatible(a, b, rules)
    if not ok:
        return False
    if same_doc or not rules.require_anchor:
        return True
    return anchored or distance is not None or (similar and rules.trigger != "off")


# -- clustering ------------------------------------------------------------------------------

class _Index:
    """Candidate lookup: mentions by block (type, or trigger key when triggers are required);
    day-precise ones sorted by day, coarser ones by first day; and all of them by article."""

    def __init__(self, mentions: Sequence[Mention], rules: MergeRules):
        self.rules = rules
        self.days: dict = defaultdict(list)  # block → [(day, i)]
        self.coarse: dict = defaultdict(list)  # block → [(first day, last day, i)]
        self.longest: dict = defaultdict(int)  # block → the longest coarse span, in days
        self.undated: dict = defaultdict(list)  # only used when undated mentions merge across articles
        self.by_doc: dict = defaultdict(list)
        for i, m in enumerate(mentions):
            self.by_doc[m.doc].append(i)
            for block in self.blocks(m):
                if m.span is None:
                    self.undated[block].append(i)
                elif m.span[0] == m.span[1]:
                    self.days[block].append((m.span[0], i))
                else:
                    self.coarse[block].append((m.span[0], m.span[1], i))
                    self.longest[block] = max(self.longest[block], m.span[1] - m.span[0])
        for rows in (*self.days.values(), *self.coarse.values()):
            rows.sort()
        self.mentions = mentions

    def blocks(self, m: Mention) -> list:
        if self.rules.trigger == "required":
            return [(m.group, k) for k in m.triggers]
        if m.type is None or self.rules.unknown_type_matches:
            return [(m.group, None)]
        return [(m.group, m.type)]

    def _lookup_blocks(self, m: Mention) -> list:
        if self.rules.trigger == "required":
            return self.blocks(m)
        if self.rules.unknown_type_matches or m.type is None:
            return [(m.group, None)]
        types = {m.type} | {t for pair in self.rules.compatible_types if m.type in pair for t in pair}
        return [(m.group, t) for t in sorted(types)]

    def _dated(self, block, lo: int, hi: int) -> Iterable[int]:
        """Dated mentions of `block` whose span meets [lo, hi]."""
        n = len(self.mentions)
        rows = self.days.get(block, ())
        for _, j in rows[bisect.bisect_left(rows, (lo, -1)):bisect.bisect_right(rows, (hi, n))]:
            yield j
        rows = self.coarse.get(block, ())
        first = bisect.bisect_left(rows, (lo - self.longest[block], -1, -1))
        for a, b, j in rows[first:bisect.bisect_right(rows, (hi, n, n))]:
            if b >= lo:
                yield j

    def neighbours(self, i: int) -> set[int]:
        m, rules = self.mentions[i], self.rules
        found = set(self.by_doc[m.doc])
        for block in self._lookup_blocks(m):
            if rules.undated_across_articles:
                found.update(self.undated.get(block, ()))
                if m.span is None:
                    found.update(self._dated(block, -10**9, 10**9))
            if m.span is not None:
                found.update(self._dated(block, m.span[0] - rules.window_days, m.span[1] + rules.window_days))
        found.discard(i)
        return {j for j in found if compatible(m, self.mentions[j], rules)}


def _order(m: Mention) -> tuple:
    return (m.span is None, m.span[0] if m.span else 0, m.key)


def _split(component: list[Mention], rules: MergeRules) -> list[list[Mention]]:
    """Greedy groups of one component, in the fixed mention order."""
    groups: list[list[Mention]] = []
    spans: list[Optional[tuple[int, int]]] = []  # day-precise dates of each group
    ends: list[int] = []  # the last day any member of each group covers
    active: list[int] = []  # groups a dated mention may still join, oldest first
    by_doc: dict = defaultdict(list)  # article → groups holding one of its mentions
    for m in sorted(component, key=_order):
        day = m.span if m.span is not None and m.span[0] == m.span[1] else None
        if m.span is not None:  # mentions come by first day: groups ending long before are done
            reach = m.span[0] - rules.window_days
            active = [g for g in active if ends[g] >= reach]
            candidates = active
        elif rules.undated_across_articles:
            candidates = range(len(groups))
        else:  # undated: only mentions of its own article can take it
            candidates = sorted(set(by_doc[m.doc]))
        for g in candidates:
            span = spans[g]
            if day is not None and span is not None and max(span[1], day[1]) - min(span[0], day[0]) > rules.max_span_days:
                continue
            if any(compatible(m, x, rules) for x in groups[g]):
                groups[g].append(m)
                if day is not None:
                    spans[g] = day if span is None else (min(span[0], day[0]), max(span[1], day[1]))
                if m.span is not None:
                    ends[g] = max(ends[g], m.span[1])
                break
        else:
            g = len(groups)
            groups.append([m])
            spans.append(day)
            ends.append(m.span[1] if m.span is not None else -10**9)
            if m.span is not None:
                active.append(g)
        if g not in by_doc[m.doc]:
            by_doc[m.doc].append(g)
    return groups


def cluster(mentions: Sequence[Mention], rules: MergeRules = MergeRules(),
            start: Optional[Iterable[int]] = None) -> list[list[Mention]]:
    """Groups of `mentions` that report one event each. With `start` (indexes into `mentions`),
    only the components reachable from those mentions are grouped (and returned)."""
    mentions = [m if m.span is not None or not m.date else m.with_span() for m in mentions]
    index = _Index(mentions, rules)
    seen: set[int] = set()
    groups: list[list[Mention]] = []
    for s in (range(len(mentions)) if start is None else start):
        if s in seen:
            continue
        seen.add(s)
        component, todo = [s], [s]
        while todo:
            for j in index.neighbours(todo.pop()):
                if j not in seen:
                    seen.add(j)
                    component.append(j)
                    todo.append(j)
        groups.extend(_split([mentions[i] for i in component], rules))
    return groups


# -- the store -------------------------------------------------------------------------------

@dataclass
class MergeCounts:
    """What one merge run did."""

    new_mentions: int = 0
    recomputed_mentions: int = 0
    merged_events: int = 0  # merged events in the store afterwards
    mentions: int = 0  # event rows in the store


_LOAD = """
SELECT e.article_id, e.idx, e.type, e.mode, e.date, e.date_precision, e.status, e.trigger_text,
       e.place_name, e.place_country, json_extract(e.json, '$.location.lat'),
       json_extract(e.json, '$.location.lon'), e.score, e.confidence,
       coalesce(json_array_length(e.json, '$.mentions'), 0),
       (SELECT group_concat(p.country) FROM event_parties p WHERE p.article_id = e.article_id
          AND p.event_idx = e.idx AND p.role = 'actor'),
       (SELECT group_concat(p.country) FROM event_parties p WHERE p.article_id = e.article_id
          AND p.event_idx = e.idx AND p.role = 'recipient'),
       coalesce(a.published, substr(a.stored_at, 1, 10)),
       EXISTS (SELECT 1 FROM merged_members mm WHERE mm.article_id = e.article_id AND mm.event_idx = e.idx)
FROM events e JOIN articles a ON a.id = e.article_id
"""


@dataclass(frozen=True)
class _Row:
    mention: Mention
    mode: Optional[str]
    trigger: str
    place: tuple
    score: Optional[float]
    confidence: float
    repeats: int
    seen: Optional[str]


def _countries(value: Optional[str]) -> frozenset:
    return frozenset(x for x in (value or "").split(",") if x)


def _load(conn: sqlite3.Connection) -> tuple[list[_Row], list[int]]:
    rows, new = [], []
    for (aid, idx, typ, mode, date, precision, status, trigger, pname, pcountry, lat, lon, score,
         confidence, repeats, actors, recipients, seen, merged) in conn.execute(_LOAD):
        m = Mention(key=(aid, idx), doc=aid, type=typ, date=date, precision=precision,
                    actors=_countries(actors), recipients=_countries(recipients), lat=lat, lon=lon,
                    triggers=trigger_keys(trigger), status=status).with_span()
        if not merged:
            new.append(len(rows))
        rows.append(_Row(m, mode, trigger, (pname, pcountry, lat, lon), score, confidence, repeats, seen))
    return rows, new


def merged_id(article_id: str, idx: int) -> str:
    """A merged event's id: from its first member, so it is the same however it was computed."""
    return "m" + hashlib.sha1(f"{article_id}\x00{idx}".encode()).hexdigest()[:15]


def _most_common(values: list, default=None):
    """The most frequent value (ties: the first to appear), ignoring None."""
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return default
    best = max(counts.values())
    return next(v for v in values if v is not None and counts[v] == best)


def _representative(members: list[_Row]) -> tuple:
    ms = [r.mention for r in members]
    typ = _most_common([m.type for m in ms])
    best_precision = min(_precision(m) for m in ms)
    date_of = [m for m in ms if _precision(m) == best_precision and m.date]
    date = _most_common([m.date for m in date_of])
    prec = next((m.precision for m in date_of if m.date == date), None)
    actors = _most_common([",".join(sorted(m.actors)) for m in ms if m.actors], "")
    recipients = _most_common([",".join(sorted(m.recipients)) for m in ms if m.recipients], "")
    place = _most_common([r.place for r in members if r.place[0] is not None], (None, None, None, None))
    first = next((r for r in members if r.mention.type == typ), members[0])
    scores = [r.score for r in members if r.mention.type == typ and r.score is not None]
    seen = sorted(r.seen for r in members if r.seen)
    return (merged_id(*members[0].mention.key), typ, first.mode, date, prec, actors, recipients, *place,
            first.trigger, sum(scores) / len(scores) if scores else None,
            max(r.confidence for r in members), sum(1 + r.repeats for r in members), len(members),
            len({m.doc for m in ms}), seen[0] if seen else None, seen[-1] if seen else None)


def merge(conn: sqlite3.Connection, rules: MergeRules = MergeRules(), rebuild: bool = False) -> MergeCounts:
    """Merge the event rows not merged yet into `merged_events` (all of them with `rebuild`).

    New mentions join existing merged events; the merged events they touch are recomputed. One
    transaction; the result is the same as a rebuild over the whole store. Afterwards the
    planner's statistics are refreshed (a sampled ANALYZE), which keeps large stores fast."""
    counts = MergeCounts()
    conn.execute("BEGIN IMMEDIATE")
    try:
        if rebuild:
            conn.execute("DELETE FROM merged_members")
            conn.execute("DELETE FROM merged_events")
        rows, new = _load(conn)
        counts.new_mentions = len(new)
        if new:
            by_key = {r.mention.key: r for r in rows}
            groups = cluster([r.mention for r in rows], rules, start=new)
            affected = [m.key for g in groups for m in g]
            counts.recomputed_mentions = len(affected)
            stale = set()
            for i in range(0, len(affected), 400):
                part = affected[i:i + 400]
                marks = ",".join("(?,?)" for _ in part)
                stale.update(r[0] for r in conn.execute(
                    f"SELECT merged_id FROM merged_members WHERE (article_id, event_idx) IN (VALUES {marks})",
                    [x for key in part for x in key]))
            conn.executemany("DELETE FROM merged_events WHERE id = ?", [(s,) for s in stale])
            for group in groups:
                members = [by_key[m.key] for m in sorted(group, key=lambda m: m.key)]
                members.sort(key=lambda r: _order(r.mention))
                rep = _representative(members)
                conn.execute(f"INSERT INTO merged_events VALUES ({','.join('?' * len(rep))})", rep)
                conn.executemany("INSERT INTO merged_members VALUES (?,?,?)",
                                 [(rep[0], *r.mention.key) for r in members])
        counts.merged_events = conn.execute("SELECT count(*) FROM merged_events").fetchone()[0]
        counts.mentions = len(rows)
        conn.execute("COMMIT")
        # Fresh statistics for the query planner (sampled: milliseconds even on a large store).
        conn.execute("PRAGMA analysis_limit = 1000")
        conn.execute("ANALYZE")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return counts
