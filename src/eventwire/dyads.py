"""CAMEO-style dyads: one event per (actor, recipient) pair, for tools that expect them.

eventwire keeps list parties ("Latvia and Lithuania barred…" has two actors); `to_dyads`
expands such events into one per pair, with ids `ev3.1`, `ev3.2`… The originals are unchanged.
"""
from __future__ import annotations

import dataclasses
import itertools

from eventwire.models import Document, Event


def event_dyads(event: Event) -> list[Event]:
    actors = event.actor or (None,)
    recipients = event.recipient or (None,)
    if len(actors) == 1 and len(recipients) == 1:
        return [event]
    out = []
    for n, (a, r) in enumerate(itertools.product(actors, recipients), 1):
        if a is not None and r is not None and a.country and a.country == r.country:
            continue  # a reciprocal event lists both sides on both sides: no self-dyads
        out.append(dataclasses.replace(
            event, id=f"{event.id}.{n}", actor=(a,) if a else (), recipient=(r,) if r else ()))
    return out or [event]


def to_dyads(doc: Document) -> Document:
    return dataclasses.replace(doc, events=tuple(e for ev in doc.events for e in event_dyads(ev)))
