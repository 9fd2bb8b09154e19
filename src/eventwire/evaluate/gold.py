"""Reading gold files and prediction files for evaluation."""
from __future__ import annotations

from pathlib import Path

from eventwire.errors import GoldError
from eventwire.jsonlines import read_objects


def _lines(path: str):
    if not Path(path).is_file():
        raise GoldError(f"{path}: no such file")
    return read_objects(path, GoldError)


def read_gold(path: str) -> list[dict]:
    docs = []
    for n, record in _lines(path):
        if "doc_id" not in record or not isinstance(record.get("text"), str):
            raise GoldError(f"{path}:{n}: a gold document needs 'doc_id' and 'text' (see the gold format)")
        docs.append(record)
    return docs


def read_predictions(path: str) -> dict[str, dict]:
    """Schema-v1 documents (the output of `eventwire extract`) by doc_id."""
    out = {}
    for n, record in _lines(path):
        if "doc_id" not in record:
            raise GoldError(f"{path}:{n}: a prediction needs 'doc_id' (schema eventwire/1)")
        out[str(record["doc_id"])] = record
    return out
