"""Reading input: files, directories, standard input → `RawDocument`s or `Failure`s."""
from eventwire.ingest.sources import DEFAULT_MAX_CHARS, count_documents, read_inputs, read_text_document

__all__ = ["DEFAULT_MAX_CHARS", "count_documents", "read_inputs", "read_text_document"]
