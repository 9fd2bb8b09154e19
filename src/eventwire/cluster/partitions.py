"""Cutting the inputs into partitions, the unit of work, retry and output.

A partition is named by a hash of what it holds: the sorted keys of its items (document ids, or
origin and reason for an input that could not be read), or, when workers read the files
themselves from shared storage, the sorted paths with their sizes and modification times. A
partition that is computed again (its worker died) therefore writes the same shard files.
"""
from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from eventwire.ingest.sources import _EXTENSIONS
from eventwire.models import Failure, RawDocument

Item = RawDocument | Failure


@dataclass(frozen=True)
class Partition:
    key: str
    items: tuple  # RawDocument | Failure, or path strings when `paths`
    paths: bool = False

    def __len__(self) -> int:
        return len(self.items)


def item_key(item: Item) -> str:
    """What makes an item done once it is in the manifest: its document id, or for an input
    that has none (unreadable), its origin and reason."""
    if item.doc_id:
        return "d:" + item.doc_id
    return "f:" + item.origin + "\t" + item.reason


def partition_key(keys: Iterable[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(keys)).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:24]


def text_partitions(items: Iterable[Item], done: set[str], size: int,
                    on_skip: Optional[Callable[[Item], None]] = None) -> Iterator[Partition]:
    """Items not `done` (and not seen before in this run), `size` at a time."""
    seen: set[str] = set()

    def todo() -> Iterator[Item]:
        for item in items:
            key = item_key(item)
            if key in done or key in seen:
                if on_skip:
                    on_skip(item)
                continue
            seen.add(key)
            yield item

    stream = todo()
    while chunk := tuple(itertools.islice(stream, size)):
        yield Partition(partition_key(item_key(x) for x in chunk), chunk)


def list_files(paths: Iterable[str], fmt: str = "auto") -> Iterator[str]:
    """The files `read_inputs` would read under `paths`, in the same order."""
    for path in paths:
        p = Path(path)
        if p.is_dir():
            yield from (str(f) for f in sorted(
                f for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and (fmt != "auto" or f.suffix.lower() in _EXTENSIONS)))
        else:
            yield str(path)  # a missing file becomes a Failure on the worker


def _file_key(path: str) -> str:
    try:
        st = Path(path).stat()
        return f"p:{Path(path).resolve()}\t{st.st_size}\t{st.st_mtime_ns}"
    except OSError:
        return f"p:{path}\t-\t-"


def path_partitions(paths: Iterable[str], fmt: str, size: int) -> Iterator[Partition]:
    """Files (for workers that see the same filesystem), `size` files at a time."""
    files = list_files(paths, fmt)
    while chunk := tuple(itertools.islice(files, size)):
        yield Partition(partition_key(_file_key(f) for f in chunk), chunk, paths=True)
