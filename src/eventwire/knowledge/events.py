"""The event lexicon: trigger frames coded as PLOVER 2.0 types, and the PLOVER type table.

`data/events/lexicon.jsonl` holds one trigger frame per line (see data/README.md);
`data/events/plover.json` the quad class and conflict-cooperation scores of each type and mode.
Users extend the lexicon with files of the same format.
"""
from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Optional

from eventwire.errors import KnowledgeError
from eventwire.jsonlines import read_objects

POS = ("VERB", "NOUN", "ADJ")  # ADJ: a predicate adjective, "critical of", "outspoken about"
SLOTS = ("subj", "obj", "dative", "poss", "compound", "amod", "agent")


@dataclass(frozen=True)
class Frame:
    """One way a word signals an event: 'accuse' (+ 'of'), 'shoot' (+ 'down'), 'impose' (+ 'sanctions')."""

    lemma: str
    pos: str  # VERB | NOUN | ADJ
    type: str
    mode: Optional[str] = None
    context: tuple[str, ...] = ()
    cameo: Optional[str] = None
    particle: Optional[str] = None
    prep: tuple[str, ...] = ()
    object: tuple[str, ...] = ()
    not_object: tuple[str, ...] = ()
    compound: tuple[str, ...] = ()
    actor: tuple[str, ...] = ()
    recipient: tuple[str, ...] = ()
    symmetric: bool = False

    @property
    def specificity(self) -> int:
        return bool(self.particle) + bool(self.prep) + bool(self.object) + bool(self.compound)


@dataclass(frozen=True)
class TypeInfo:
    quad: str
    score: float
    requires_recipient: bool
    modes: dict


class EventLexicon:
    def __init__(self, frames: Iterable[Frame], types: dict[str, TypeInfo], contexts: Iterable[str]):
        self.types = types
        self.contexts = frozenset(contexts)
        self._frames: dict[tuple[str, str], list[Frame]] = defaultdict(list)
        for f in frames:
            if f.type not in types:
                raise KnowledgeError(f"event frame {f.lemma!r}: unknown PLOVER type {f.type!r}")
            self._frames[(f.lemma, f.pos)].append(f)
        # objects that light-verb frames take ("hold talks"): such nouns are not events of their own there
        self.light_objects = frozenset(o for fs in self._frames.values() for f in fs for o in f.object)

    def frames(self, lemma: str, pos: str) -> list[Frame]:
        return self._frames.get((lemma, pos), [])

    def __len__(self) -> int:
        return sum(len(v) for v in self._frames.values())

    def score(self, type_: str, mode: Optional[str]) -> Optional[float]:
        info = self.types.get(type_)
        if info is None:
            return None
        return float(info.modes.get(mode, info.score)) if mode else float(info.score)

    def quad(self, type_: str) -> Optional[str]:
        info = self.types.get(type_)
        return info.quad if info else None


def frame_from_record(rec: dict, origin: str) -> Frame:
    try:
        lemma, pos, type_ = rec["lemma"], rec["pos"], rec["type"]
    except KeyError as exc:
        raise KnowledgeError(f"{origin}: event frame lacks {exc}; see data/README.md") from None
    if str(pos).upper() not in POS:
        raise KnowledgeError(f"{origin}: event frame {lemma!r}: pos must be one of {', '.join(POS)}, not {pos!r}")
    frame = rec.get("frame") or {}

    def tup(value) -> tuple[str, ...]:
        if value is None:
            return ()
        return (value,) if isinstance(value, str) else tuple(value)

    return Frame(
        lemma=str(lemma).lower(), pos=str(pos).upper(), type=str(type_).upper(), mode=rec.get("mode") or None,
        context=tup(rec.get("context")), cameo=str(rec["cameo"]) if rec.get("cameo") else None,
        particle=frame.get("particle"), prep=tup(frame.get("prep")), object=tup(frame.get("object")),
        not_object=tup(frame.get("not_object")), compound=tup(frame.get("compound")),
        actor=tup(rec.get("actor")), recipient=tup(rec.get("recipient")), symmetric=bool(rec.get("symmetric")),
    )


def load_event_lexicon(extra_files: Iterable[str] = ()) -> EventLexicon:
    base = resources.files("eventwire") / "data" / "events"
    table = json.loads((base / "plover.json").read_text(encoding="utf-8"))
    types = {
        name: TypeInfo(quad=t["quad"], score=float(t["score"]), requires_recipient=bool(t["requires_recipient"]),
                       modes=dict(t.get("modes") or {}))
        for name, t in table["types"].items()
    }
    frames = [frame_from_record(rec, f"lexicon.jsonl:{n}")
              for n, rec in read_objects(base / "lexicon.jsonl", KnowledgeError, "events/lexicon.jsonl")]
    for path in extra_files:
        frames += [frame_from_record(rec, f"{path}:{n}") for n, rec in read_objects(path, KnowledgeError)]
    return EventLexicon(frames, types, table.get("contexts", ()))


@functools.lru_cache(maxsize=4)
def cached_event_lexicon(extra_files: tuple[str, ...] = ()) -> EventLexicon:
    return load_event_lexicon(extra_files)
