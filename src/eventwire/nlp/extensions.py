"""Every `Doc._` attribute eventwire uses, declared in one place before any component runs."""
from __future__ import annotations

from spacy.tokens import Doc

DOC_EXTENSIONS = {
    "ew_published": None,  # "YYYY-MM-DD" or None: the anchor for relative dates
    "ew_places": None,  # list[PlaceMention]      (ew_places)
    "ew_entities": None,  # list[EntityMention]   (ew_actors)
    "ew_times": None,  # list[TimeMention]        (ew_times)
    "ew_quantities": None,  # list[QuantityMention] (ew_quantities)
    "ew_quotes": None,  # list[QuoteMention]      (ew_quotes)
    "ew_events": None,  # list[EventMention]      (ew_events)
}


def register_extensions() -> None:
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register_extensions()
