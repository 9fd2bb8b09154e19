"""PLOVER's size fields of an event: how many were killed, injured or arrested.

A count belongs to a field when the counted people are what a casualty word says happened to them:
the object of "killed" / "wounded" / "arrested" ("killing at least 156 people"), the subject of
"died" or of a passive ("three soldiers were wounded"), or a noun described as such ("20 dead",
"12 people injured"). Only counts inside the event's own clauses are read.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

from spacy.tokens import Token

from eventwire.extract.mentions import QuantityMention

FIELDS = ("dead", "injured", "arrested")

# verbs whose object (or passive subject) is the casualty
VERB_FIELD = {
    "kill": "dead", "murder": "dead", "slaughter": "dead", "massacre": "dead", "execute": "dead",
    "behead": "dead", "assassinate": "dead", "slay": "dead",
    "wound": "injured", "injure": "injured", "hurt": "injured", "maim": "injured",
    "arrest": "arrested", "detain": "arrested", "jail": "arrested", "imprison": "arrested",
    "apprehend": "arrested", "round": "arrested",
}
# intransitive verbs whose subject is the casualty ("12 people died")
SUBJECT_FIELD = {"die": "dead", "perish": "dead"}
# words that describe a counted noun ("20 dead", "five people injured", "dozens arrested")
DESCRIPTOR_FIELD = {
    "dead": "dead", "killed": "dead", "slain": "dead",
    "injured": "injured", "wounded": "injured", "hurt": "injured",
    "arrested": "arrested", "detained": "arrested", "jailed": "arrested",
}


def event_sizes(quantities: Iterable[QuantityMention], scope: set[int]) -> dict[str, int]:
    """The size fields the counts inside `scope` (token indices) give, largest count per field."""
    out: dict[str, int] = {}
    for q in quantities:
        if q.kind != "count" or q.span.root.i not in scope:
            continue
        field = _field(q.span.root)
        if field is None:
            continue
        value = int(q.value)
        if value > out.get(field, -1):
            out[field] = value
    return out


def _field(noun: Token) -> Optional[str]:
    head = noun.head
    lemma = head.lemma_.lower()
    if noun.dep_ in ("dobj", "nsubjpass") and head.pos_ == "VERB" and lemma in VERB_FIELD:
        if lemma == "round" and not any(c.dep_ == "prt" and c.lower_ == "up" for c in head.children):
            return None  # "rounded up 40 people", not "round"
        return VERB_FIELD[lemma]
    if noun.dep_ == "nsubj" and head.pos_ == "VERB" and lemma in SUBJECT_FIELD:
        return SUBJECT_FIELD[lemma]
    for c in noun.children:
        if c.dep_ in ("amod", "acl") and c.lower_ in DESCRIPTOR_FIELD:
            return DESCRIPTOR_FIELD[c.lower_]
    if noun.dep_ == "nsubj" and head.lemma_ == "be":  # "at least 20 were dead"
        for c in head.children:
            if c.dep_ in ("acomp", "attr") and c.lower_ in DESCRIPTOR_FIELD:
                return DESCRIPTOR_FIELD[c.lower_]
    return None
