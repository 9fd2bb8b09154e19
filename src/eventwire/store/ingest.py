"""Filling a store: read items, skip what is stored, extract the rest, write each result.

Extraction runs in this process or in `jobs` worker processes (started with 'spawn', each
loading its own `Engine` once); this process stays the only writer and commits one transaction
per article, in input order. Documents already in the store are skipped before any language
processing, so a run that was interrupted can simply be started again.
"""
from __future__ import annotations

import collections
import itertools
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from eventwire.models import Document, Failure, RawDocument
from eventwire.store.writer import Writer

if TYPE_CHECKING:
    from eventwire.engine import Engine

Result = Document | Failure
# A worker's memory creeps up as it parses (about 0.25 MB a document, in spaCy's own allocations);
# a worker is replaced after this many chunks (about 800 documents), which keeps each under
# ~550 MB for the cost of one pipeline load (a few seconds) per replacement.
RECYCLE_AFTER_CHUNKS = 100
Callback = Callable[[str, Optional[Result]], None]  # (origin, result or None when skipped)


@dataclass
class IngestCounts:
    """What one ingest run did."""

    stored: int = 0
    skipped: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)


def ingest(
    items: Iterable[RawDocument | Failure],
    writer: Writer,
    *,
    engine_options: Optional[dict[str, Any]] = None,
    engine: Optional["Engine"] = None,
    jobs: int = 1,
    chunk_size: int = 8,
    on_result: Optional[Callback] = None,
) -> IngestCounts:
    """Store every document of `items` that is not stored yet; record every failure.

    `engine_options` are `Engine` keyword arguments; with `jobs` = 1 a ready `engine` may be
    given instead. The pipeline is loaded only when some document needs it; a missing model
    raises `ModelError`.
    """
    counts = IngestCounts()
    notify = on_result or (lambda origin, result: None)

    def record(origin: str, result: Result) -> None:
        if isinstance(result, Failure):
            writer.add_failure(result)
            counts.failed += 1
            counts.failures.append(result)
        elif writer.add_document(result, origin):
            counts.stored += 1
        else:
            counts.skipped += 1  # the same text twice in one run
            notify(origin, None)
            return
        notify(origin, result)

    def todo() -> Iterator[RawDocument]:
        queued: set[str] = set()
        for item in items:
            if isinstance(item, Failure):
                record(item.origin, item)
            elif item.doc_id in queued or writer.stored_ids([item.doc_id]):
                counts.skipped += 1
                notify(item.origin or item.doc_id, None)
            else:
                queued.add(item.doc_id)
                yield item

    options = dict(engine_options or {})
    chunks = _chunks(todo(), chunk_size)
    results = _in_process(chunks, engine, options) if jobs <= 1 else _in_workers(chunks, options, jobs)
    for chunk, outcome in results:
        for raw, result in zip(chunk, outcome, strict=True):
            record(raw.origin or raw.doc_id, result)
    return counts


def _chunks(items: Iterator[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def _in_process(chunks: Iterator[list[RawDocument]], engine: Optional["Engine"], options: dict[str, Any]):
    from eventwire.engine import Engine

    for chunk in chunks:
        engine = engine or Engine(**options).load()
        yield chunk, list(engine.process_many(chunk))


def _in_workers(chunks: Iterator[list[RawDocument]], options: dict[str, Any], jobs: int):
    """Chunks go to a pool; at most 2 × jobs are in flight, results come back in order."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs, initializer=_worker_start, initargs=(options, os.getpid()),
                      maxtasksperchild=RECYCLE_AFTER_CHUNKS) as pool:
        pending: collections.deque = collections.deque()
        for chunk in chunks:
            pending.append((chunk, pool.apply_async(_worker_extract, (chunk,))))
            while len(pending) >= 2 * jobs:
                done, job = pending.popleft()
                yield done, job.get()
        while pending:
            done, job = pending.popleft()
            yield done, job.get()


_ENGINE = None
_LOAD_ERROR: Optional[Exception] = None


def _worker_start(options: dict[str, Any], parent: int) -> None:
    """In each worker: stop when the parent dies (even by SIGKILL), and load the pipeline once."""
    global _ENGINE, _LOAD_ERROR
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    from eventwire.engine import Engine

    try:
        _ENGINE = Engine(**options).load()
    except Exception as exc:  # reported by the first task, in the parent
        _LOAD_ERROR = exc


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _worker_extract(chunk: list[RawDocument]) -> list[Result]:
    if _LOAD_ERROR is not None:
        raise _LOAD_ERROR
    return list(_ENGINE.process_many(chunk))
