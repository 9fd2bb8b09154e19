"""Reading gold files and prediction files for evaluation."""
from __future__ import annotations

import json
from pathlib import Path

from eventwire.errors import GoldError


def _lines(path: str):
    p = Path(path)
    if not p.is_file():
        raise GoldError(f"{path}: no such file")
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise GoldError(f"{path}:{n}: invalid JSON ({exc})") from None
            if not isinstance(record, dict):
                raise GoldError(f"{path}:{n}: expected a JSON object")
            yield n, record


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
