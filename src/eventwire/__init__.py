"""eventwire: news articles in, verifiable event data out.

    >>> import eventwire
    >>> doc = eventwire.extract("Xi Jinping arrived in Moscow on Wednesday.", published="2025-05-07")
    >>> doc.times[0].value
    '2025-05-07'
"""
from eventwire.engine import Engine, extract
from eventwire.errors import EventwireError, InputError, KnowledgeError, ModelError
from eventwire.models import Document, Failure, RawDocument

__version__ = "0.1.0"
__all__ = [
    "Engine", "extract", "Document", "RawDocument", "Failure", "EventwireError", "InputError",
    "KnowledgeError", "ModelError", "__version__",
]
