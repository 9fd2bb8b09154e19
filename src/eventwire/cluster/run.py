"""The client's side of a distributed ingest, and the task every partition runs on a worker.

The client reads (or lists) the inputs, skips what the manifest already holds, and keeps a
bounded number of partitions in flight with `client.submit`. A worker runs `process_partition`:
it extracts with its plugin's `Engine`, writes the partition's shards and returns a summary; the
client appends that summary to the manifest. A worker that dies takes no finished work with it:
the scheduler hands its partition to another worker, which writes the same files again.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from eventwire.cluster.manifest import Manifest
from eventwire.cluster.partitions import Partition, item_key, path_partitions, text_partitions
from eventwire.cluster.shards import TABLES, write_partition
from eventwire.models import Document, Failure


@dataclass
class RunCounts:
    """What one distributed run did."""

    stored: int = 0      # documents extracted into shards
    failed: int = 0
    skipped: int = 0     # items already in the manifest (or twice in the input)
    partitions: int = 0  # partitions computed in this run
    skipped_partitions: int = 0
    failures: list[Failure] = field(default_factory=list)


def process_partition(part: Partition, root: str, read_options: dict[str, Any]) -> dict:
    """On a worker: extract one partition and write its shards; the manifest entry."""
    from eventwire.cluster.plugin import worker_engine

    if part.paths:
        from eventwire.ingest import read_inputs

        items, seen = [], set()
        for item in read_inputs(list(part.items), **read_options):
            if item_key(item) not in seen:  # the same text twice in these files: once
                seen.add(item_key(item))
                items.append(item)
    else:
        items = list(part.items)
    docs: list[tuple[str, Document]] = []
    failures: list[Failure] = []
    for item, result in zip(items, worker_engine().process_many(items), strict=True):
        if isinstance(result, Failure):
            failures.append(result)
        else:
            docs.append((item.origin or item.doc_id, result))
    files = write_partition(root, part.key, docs, failures)
    return {"partition": part.key, "files": files, "items": [item_key(x) for x in items],
            "documents": len(docs), "failures": [f.to_dict() for f in failures],
            "inputs": len(part.items)}


def run(
    paths: Iterable[str],
    root: str | Path,
    client,
    *,
    engine_options: Optional[dict[str, Any]] = None,
    read_options: Optional[dict[str, Any]] = None,
    partition_size: int = 16,
    ship: str = "texts",
    retries: int = 3,
    window: Optional[int] = None,
    on_skip: Optional[Callable[[int], None]] = None,
    on_partition: Optional[Callable[[dict], None]] = None,
) -> RunCounts:
    """Extract `paths` on the workers of `client` into shards under `root`.

    `ship`: "texts" (the client reads the inputs and sends the texts) or "paths" (the workers
    read the files, which must be at the same paths on every worker). Calls `on_skip(n)` for
    items skipped and `on_partition(entry)` after each partition is recorded in the manifest.
    """
    from distributed import as_completed

    from eventwire.cluster.plugin import EnginePlugin
    from eventwire.ingest import read_inputs

    paths = list(paths)
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    read_options = dict(read_options or {})
    manifest = Manifest(root)
    counts = RunCounts()
    notify_skip = on_skip or (lambda n: None)
    client.register_plugin(EnginePlugin(engine_options or {}))

    def skipped(_item) -> None:
        counts.skipped += 1
        notify_skip(1)

    if ship == "paths":
        if "-" in paths:
            raise ValueError("standard input cannot be shipped as a path; use ship='texts'")
        finished = manifest.partitions()
        parts: Iterable[Partition] = path_partitions(paths, read_options.get("fmt", "auto"), partition_size)

        def fresh(parts=parts):
            for p in parts:
                if p.key in finished:
                    counts.skipped_partitions += 1
                    continue
                yield p

        todo = fresh()
    elif ship == "texts":
        todo = text_partitions(read_inputs(paths, **read_options), manifest.done(), partition_size, skipped)
    else:
        raise ValueError(f"ship must be 'texts' or 'paths', not {ship!r}")

    done = as_completed()
    token = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:8]
    in_flight = 0

    def fill() -> None:
        """Keep `window` partitions in flight (default: two per worker thread, counted again
        each time, so that workers joining during the run get work too)."""
        nonlocal in_flight
        limit = window or 2 * max(1, sum(client.nthreads().values()))
        while in_flight < limit:
            part = next(todo, None)
            if part is None:
                return
            done.add(client.submit(process_partition, part, str(root), read_options,
                                   key=f"eventwire-{token}-{part.key}", retries=retries, pure=False))
            in_flight += 1

    fill()
    for future in done:
        entry = future.result()  # a partition that failed on every retry stops the run here
        future.release()
        in_flight -= 1
        manifest.append(entry)
        counts.partitions += 1
        counts.stored += entry["documents"]
        counts.failed += len(entry["failures"])
        counts.failures.extend(Failure.from_dict(f) for f in entry["failures"])
        if on_partition:
            on_partition(entry)
        fill()
    _tidy(root, manifest)
    return counts


def _tidy(root: Path, manifest: Manifest) -> None:
    """After a finished run: remove temporary files and shards no manifest line lists (left by
    partitions of an interrupted run that were cut differently this time)."""
    listed = {rel for e in manifest.entries() for rel in e["files"].values()}
    for table in TABLES:
        folder = root / table
        if not folder.is_dir():
            continue
        for f in folder.iterdir():
            if f.name.endswith(".tmp") or (f.suffix == ".parquet" and f"{table}/{f.name}" not in listed):
                f.unlink(missing_ok=True)


def local_cluster(workers: int, **kwargs):
    """A `LocalCluster` of `workers` processes with one thread each (spaCy holds the GIL)."""
    from distributed import LocalCluster

    kwargs.setdefault("silence_logs", logging.ERROR)  # not a warning for each worker it stops
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                        dashboard_address=None, **kwargs)
