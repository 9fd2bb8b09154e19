"""Reading JSON Lines files of objects, with errors that name the file and line."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path


def read_objects(path, error: type[Exception], origin: str | None = None) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank, non-comment line; raises `error` on bad lines."""
    origin = origin or str(path)
    p = path if hasattr(path, "open") else Path(path)
    try:
        fh = p.open(encoding="utf-8")
    except OSError as exc:
        raise error(f"{origin}: cannot read ({exc.strerror or exc})") from None
    with fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise error(f"{origin}:{n}: invalid JSON ({exc}); fix or remove the line") from None
            if not isinstance(record, dict):
                raise error(f"{origin}:{n}: expected a JSON object")
            yield n, record
