"""eventwire's errors: one small hierarchy, each message saying how to fix the problem."""
from __future__ import annotations


class EventwireError(Exception):
    """Base class of every error eventwire raises on purpose."""


class InputError(EventwireError):
    """A document (or an input file) cannot be read: empty, binary, not UTF-8, too large…"""

    def __init__(self, reason: str, origin: str | None = None, doc_id: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.origin = origin
        self.doc_id = doc_id


class ModelError(EventwireError):
    """The spaCy pipeline asked for is not installed or cannot be loaded."""


class KnowledgeError(EventwireError):
    """A knowledge file (actors, places…) is missing or malformed."""


class GoldError(EventwireError):
    """A gold or prediction file for `eventwire eval` is malformed."""


class StoreError(EventwireError):
    """A corpus store file cannot be opened or is of another schema version."""
