"""Reading shards back: into a corpus store (`eventwire merge SHARDS --db FILE`), or into an
in-memory store that `eventwire query --parquet DIR` reads like a store file.

Only the shards the manifest lists are read. Each document is stored with `Writer.add_document`
from the JSON kept in the articles shard, exactly as the single-machine `ingest` stores it, so a
document held by two shards, or loaded twice, is stored once; failures are recorded as there.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from eventwire.cluster.manifest import Manifest
from eventwire.cluster.shards import read_shard
from eventwire.errors import StoreError
from eventwire.models import Document, Failure


@dataclass
class LoadCounts:
    stored: int = 0
    skipped: int = 0  # already in the store
    failed: int = 0
    partitions: int = 0
    failures: list[Failure] = field(default_factory=list)


def load_shards(root: str | Path, writer, on_partition: Optional[Callable[[int], None]] = None) -> LoadCounts:
    """Store every document and failure of the finished partitions under `root` via `writer`."""
    manifest = Manifest(root)
    if not manifest.exists():
        raise StoreError(f"{root}: no shards here (no {manifest.path.name}); "
                         "write them with `eventwire ingest PATH --cluster ADDRESS --shards DIR`")
    counts = LoadCounts()
    for entry in manifest.entries():
        files = entry["files"]
        try:
            articles = read_shard(root, files["articles"], ["doc_id", "origin", "json"])
            failures = read_shard(root, files["failures"])
        except (OSError, KeyError) as exc:
            raise StoreError(f"{root}: partition {entry['partition']} is listed but its shards "
                             f"cannot be read ({exc})") from None
        stored = writer.stored_ids(row["doc_id"] for row in articles)
        new = [row for row in articles if row["doc_id"] not in stored]
        counts.skipped += len(articles) - len(new)
        for row in new:
            doc = Document.from_dict(json.loads(row["json"]))
            if writer.add_document(doc, row["origin"]):
                counts.stored += 1
            else:
                counts.skipped += 1
        for row in failures:
            failure = Failure(origin=row["origin"], reason=row["reason"], doc_id=row["doc_id"])
            writer.add_failure(failure)
            counts.failed += 1
            counts.failures.append(failure)
        counts.partitions += 1
        if on_partition:
            on_partition(len(articles) + len(failures))
    return counts


def open_shards(root: str | Path, merge: bool = True):
    """A `Store` in memory holding the shards under `root` (event mentions merged as by `ingest`)."""
    from eventwire.store import Store, Writer

    store = Store(":memory:")
    try:
        load_shards(root, Writer(store.conn))
        if merge:
            from eventwire.store.merge import merge as merge_events

            merge_events(store.conn)
    except BaseException:
        store.close()
        raise
    return store
