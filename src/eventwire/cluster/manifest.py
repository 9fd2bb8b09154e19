"""The manifest: `DIR/manifest.jsonl`, one JSON line per finished partition.

Only the client writes it, and only once all of a partition's shards are in place; a line is
appended and flushed to disk in one write, and a torn last line (a client killed while writing)
is ignored when read. Readers (`merge`, `query --parquet`) read exactly the shards it lists, so
files of partitions that never finished are never read, and a rerun skips every item it holds.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

FILENAME = "manifest.jsonl"


class Manifest:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.path = self.root / FILENAME

    def exists(self) -> bool:
        return self.path.is_file()

    def entries(self) -> Iterator[dict]:
        """Finished partitions, each once, in the order they finished."""
        if not self.path.is_file():
            return
        seen: set[str] = set()
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # torn by a crash: that partition is simply not finished
                if not isinstance(entry, dict) or entry.get("partition") in seen:
                    continue
                seen.add(entry["partition"])
                yield entry

    def partitions(self) -> set[str]:
        return {e["partition"] for e in self.entries()}

    def done(self) -> set[str]:
        """Item keys (see `partitions.item_key`) of everything a finished partition holds."""
        keys: set[str] = set()
        for e in self.entries():
            keys.update(e.get("items", ()))
        return keys

    def append(self, entry: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        data = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        with self.path.open("ab") as fh:
            if fh.tell() and not self._ends_with_newline():
                fh.write(b"\n")  # after a torn line: start a fresh one
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    def _ends_with_newline(self) -> bool:
        with self.path.open("rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"\n"
