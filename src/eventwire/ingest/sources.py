"""Turn paths (files, directories, "-") into `RawDocument`s, or `Failure`s that say why not.

Formats: plain text, HTML (main text, title, date and source via trafilatura), JSON Lines (one
document per line: doc_id, text, published, title, url, source) and JSON (one such object, or a
list of them). The format comes from `fmt`, else the file extension, else the content.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Optional

from eventwire.errors import InputError
from eventwire.ingest.checks import check_text, decode
from eventwire.ingest.dates import normalise_published
from eventwire.models import Failure, RawDocument

DEFAULT_MAX_CHARS = 1_000_000
MAX_FILE_BYTES = 512 * 1024 * 1024  # a file beyond this is refused before it is read
FORMATS = ("auto", "text", "html", "jsonl", "json")
_EXTENSIONS = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
}
_HTML_START = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<article|<div|<p[\s>])", re.I)

Item = RawDocument | Failure


def text_id(text: str) -> str:
    """The document id used when the caller gives none: first 16 hex digits of sha256(text)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def read_inputs(
    paths: Iterable[str],
    *,
    fmt: str = "auto",
    published: Optional[str] = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    stdin=None,
) -> Iterator[Item]:
    """Yield a `RawDocument` or a `Failure` for every document found under `paths`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    for path in paths:
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _read_bytes(stream.read(), "-", fmt, published, max_chars)
            continue
        p = Path(path)
        if p.is_dir():
            files = sorted(
                f for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and (fmt != "auto" or f.suffix.lower() in _EXTENSIONS)
            )
            for f in files:
                yield from _read_file(f, fmt, published, max_chars)
        elif p.exists():
            yield from _read_file(p, fmt, published, max_chars)
        else:
            yield Failure(origin=str(path), reason="no such file or directory")


def read_text_document(
    text: str,
    *,
    doc_id: Optional[str] = None,
    published: Optional[str] = None,
    title: Optional[str] = None,
    source: Optional[str] = None,
    url: Optional[str] = None,
    origin: Optional[str] = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> RawDocument:
    """Check a text given directly (Python API, REST) and wrap it; raises `InputError`."""
    check_text(text, max_chars)
    doc_id = doc_id or text_id(text)
    date, warning = normalise_published(published)
    return RawDocument(
        doc_id=str(doc_id), text=text, published=date, title=title, source=source, url=url,
        origin=origin or str(doc_id), warnings=(warning,) if warning else (),
    )


def _read_file(path: Path, fmt: str, published: Optional[str], max_chars: int) -> Iterator[Item]:
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield Failure(origin=origin, reason=f"file too large: {size:,} bytes (limit {MAX_FILE_BYTES:,})")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Failure(origin=origin, reason=f"cannot read file: {exc.strerror or exc}")
        return
    if fmt == "auto":
        fmt = _EXTENSIONS.get(path.suffix.lower(), "auto")
    yield from _read_bytes(data, origin, fmt, published, max_chars)


def _read_bytes(data: bytes, origin: str, fmt: str, published: Optional[str], max_chars: int) -> Iterator[Item]:
    try:
        text = decode(data)
    except InputError as exc:
        yield Failure(origin=origin, reason=exc.reason)
        return
    if fmt == "auto":
        fmt = _sniff(text)
    if fmt == "jsonl":
        yield from _read_jsonl(text, origin, published, max_chars)
    elif fmt == "json":
        yield from _read_json(text, origin, published, max_chars)
    elif fmt == "html":
        yield _guard(origin, _from_html, text, origin, published, max_chars)
    else:
        yield _guard(origin, _from_text, text, origin, published, max_chars)


def _sniff(text: str) -> str:
    head = text.lstrip()[:2000]
    if _HTML_START.match(head):
        return "html"
    if head.startswith("{"):
        first = head.split("\n", 1)[0]
        try:
            _loads(first)
            return "jsonl"
        except ValueError:
            return "json"
    if head.startswith("["):
        return "json"
    return "text"


def _guard(origin: str, make, *args) -> Item:
    """`make(*args)`, or the `Failure` its `InputError` describes."""
    try:
        return make(*args)
    except InputError as exc:
        return Failure(origin=origin, reason=exc.reason, doc_id=exc.doc_id)


def _from_text(text: str, origin: str, published: Optional[str], max_chars: int) -> RawDocument:
    return read_text_document(text, published=published, origin=origin, max_chars=max_chars)


def _from_html(html: str, origin: str, published: Optional[str], max_chars: int) -> RawDocument:
    from eventwire.ingest.html import extract_main_text

    if len(html) > max_chars * 20:
        raise InputError(f"HTML too large: {len(html):,} characters (limit {max_chars * 20:,})")
    page = extract_main_text(html)
    return read_text_document(
        page.text, published=page.date or published, title=page.title, source=page.source,
        url=page.url, origin=origin, max_chars=max_chars,
    )


def _loads(text: str) -> Any:
    """`json.loads`, with hostile nesting (thousands of "[" deep) refused as invalid JSON
    instead of escaping as a `RecursionError`."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _read_json(text: str, origin: str, published: Optional[str], max_chars: int) -> Iterator[Item]:
    try:
        data = _loads(text)
    except ValueError as exc:
        yield Failure(origin=origin, reason=f"invalid JSON: {exc}")
        return
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records, 1):
        where = f"{origin}[{i}]" if isinstance(data, list) else origin
        yield _guard(where, _from_record, record, where, published, max_chars)


def _read_jsonl(text: str, origin: str, published: Optional[str], max_chars: int) -> Iterator[Item]:
    # records end at "\n" only: a string may hold U+2028 or other breaks str.splitlines() splits at
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        where = f"{origin}:{n}"
        try:
            record = _loads(line)
        except ValueError as exc:
            yield Failure(origin=where, reason=f"invalid JSON: {exc}")
            continue
        yield _guard(where, _from_record, record, where, published, max_chars)


def _from_record(record: Any, origin: str, published: Optional[str], max_chars: int) -> RawDocument:
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object with a 'text' field, got {type(record).__name__}")
    doc_id = record.get("doc_id", record.get("id"))
    if doc_id is not None and not isinstance(doc_id, (str, int)):
        raise InputError(f"'doc_id' must be a string, got {type(doc_id).__name__}")
    doc_id = str(doc_id) if doc_id is not None else None
    if "text" not in record:
        raise InputError("no 'text' field in the JSON object", doc_id=doc_id)
    text = record["text"]
    if not isinstance(text, str):
        raise InputError(f"'text' must be a string, got {type(text).__name__}", doc_id=doc_id)
    fields = {}
    for key in ("published", "title", "url", "source"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"'{key}' must be a string or null, got {type(value).__name__}", doc_id=doc_id)
        fields[key] = value
    if not fields["source"] and isinstance(record.get("publisher"), str):
        fields["source"] = record["publisher"]
    try:
        return read_text_document(
            text, doc_id=doc_id, published=fields["published"] or published, title=fields["title"],
            source=fields["source"], url=fields["url"], origin=origin, max_chars=max_chars,
        )
    except InputError as exc:
        exc.doc_id = doc_id
        raise
