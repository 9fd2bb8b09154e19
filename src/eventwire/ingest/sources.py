"""Turn paths (files, directories, "-") into `RawDocument`s, or `Failure`s that say why not.

Formats: plain text, HTML (main text, title, date and source via trafilatura), JSON Lines (one
document per line: doc_id, text, published, title, url, source) and JSON (one such object, or a
list of them). The format comes from `fmt`, else the file extension, else the content.

A large file is not read into memory whole when that is not needed: a JSON Lines file is read a
line at a time (after a first pass that checks it is UTF-8, as a whole file is refused if not),
and a text or HTML file longer than its character limit is refused after counting its
characters in pieces.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Optional

from eventwire.errors import InputError
from eventwire.ingest.checks import check_text, decode, not_utf8, too_large
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
_CHUNK_BYTES = 1 << 20  # a large file is read in pieces of this size
_SNIFF_CHARS = 2000  # the content-based format guess looks at this much of the text
_FIRST_LINE_CHARS = 8 * 1024 * 1024  # … and at the first line, if it starts with "{", up to this long
_LEADING_SPACE = re.compile(r"\s*")
_BOM = b"\xef\xbb\xbf"
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
        files = _files(Path(path), fmt)
        if files is None:
            yield Failure(origin=str(path), reason="no such file or directory")
        for f in files or ():
            yield from _read_file(f, fmt, published, max_chars)


def count_documents(paths: Iterable[str], fmt: str = "auto") -> Optional[int]:
    """How many items `read_inputs` will yield for `paths`, counted cheaply (files; the non-blank
    lines of JSON Lines files), for a progress bar's total and time left; None when it cannot be
    known beforehand (standard input, a JSON list)."""
    total = 0
    for path in paths:
        if path == "-":
            return None
        files = _files(Path(path), fmt)
        if files is None:
            total += 1  # its failure
            continue
        for f in files:
            kind = fmt if fmt != "auto" else _EXTENSIONS.get(f.suffix.lower(), "auto")
            try:
                if kind == "jsonl":
                    with f.open("rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                    continue
                if kind in ("json", "auto"):
                    with f.open("rb") as fh:
                        start = fh.read(4096).lstrip(_BOM + b" \t\r\n")[:1]
                    if start == b"[" or (kind == "auto" and start == b"{"):
                        return None  # a list of records, or JSON Lines found by content
            except OSError:
                pass  # counted as the one failure it will give
            total += 1
    return total


def _files(p: Path, fmt: str) -> Optional[list[Path]]:
    """The files to read for the path `p` (a directory: its files in order, recursively, without
    hidden ones, and only known extensions unless `fmt` is given); None when `p` does not exist."""
    if p.is_dir():
        return sorted(
            f for f in p.rglob("*")
            if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            and (fmt != "auto" or f.suffix.lower() in _EXTENSIONS)
        )
    return [p] if p.exists() else None


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
    if fmt == "auto":
        fmt = _EXTENSIONS.get(path.suffix.lower(), "auto")
    try:
        info = path.stat()
        if info.st_size > MAX_FILE_BYTES:
            yield Failure(origin=origin, reason=f"file too large: {info.st_size:,} bytes (limit {MAX_FILE_BYTES:,})")
            return
        # a regular file can be read twice (a pipe cannot): JSON Lines are streamed, and a file
        # that may be over its character limit is measured before it is read whole
        if stat.S_ISREG(info.st_mode) and (fmt == "jsonl" or (fmt != "json" and info.st_size > max_chars)):
            chars, head, first_line = _measure(path)
            if fmt == "auto":
                fmt = _sniff(head, first_line)
            if fmt == "jsonl":
                yield from _stream_jsonl(path, origin, published, max_chars)
                return
            if fmt == "html" and chars > max_chars * 20:
                yield Failure(origin=origin, reason=_html_too_large(chars, max_chars))
                return
            if fmt == "text" and not head:
                yield _guard(origin, check_text, head, max_chars)  # blank: refused as empty
                return
            if fmt == "text" and chars > max_chars:
                yield Failure(origin=origin, reason=too_large(chars, max_chars))
                return
        data = path.read_bytes()
    except InputError as exc:  # from _measure: not UTF-8, or binary
        yield Failure(origin=origin, reason=exc.reason)
        return
    except OSError as exc:
        yield Failure(origin=origin, reason=f"cannot read file: {exc.strerror or exc}")
        return
    yield from _read_bytes(data, origin, fmt, published, max_chars)


def _decode_pieces(stream, size: int = _CHUNK_BYTES) -> Iterator[str]:
    """The text of the binary `stream`, a piece at a time, checked as `checks.decode` checks a
    whole file: the same `InputError`s (NUL bytes near the start, the first byte that is not
    UTF-8 and its offset), without holding more than one piece in memory."""
    first = stream.read(max(size, 8192 + len(_BOM)))
    if first.startswith(_BOM):
        first = first[len(_BOM):]
    if b"\x00" in first[:8192]:
        decode(b"\x00")  # raises the NUL-bytes InputError
    decoder = codecs.getincrementaldecoder("utf-8")()
    block, fed = first, 0  # fed: bytes given to the decoder before `block`
    while True:
        try:
            text = decoder.decode(block, final=not block)
        except UnicodeDecodeError as exc:  # exc.object: the bytes held back from before + block
            at = fed - (len(exc.object) - len(block)) + exc.start
            raise InputError(not_utf8(exc.object[exc.start], at)) from None
        if text:
            yield text
        if not block:
            return
        fed += len(block)
        block = stream.read(size)


def _measure(path: Path, size: int = _CHUNK_BYTES) -> tuple[int, str, Optional[str]]:
    """(characters, the start of the text without leading white space, and its first line when
    the text starts with "{" and the line is not too long to keep) of the file at `path`, read in
    pieces; raises `InputError` as `checks.decode` would for the whole file."""
    chars, head, line, line_done = 0, "", [], False
    with path.open("rb") as stream:
        for text in _decode_pieces(stream, size):
            chars += len(text)
            start = "" if head else text.lstrip()
            if len(head) < _SNIFF_CHARS:
                head += (text if head else start)[:_SNIFF_CHARS - len(head)]
            if head.startswith("{") and not line_done:
                part = text if line else start
                end = part.find("\n")
                line.append(part if end < 0 else part[:end])
                line_done = end >= 0 or sum(map(len, line)) > _FIRST_LINE_CHARS
    first_line = "".join(line) if head.startswith("{") and len("".join(line)) <= _FIRST_LINE_CHARS else None
    return chars, head, first_line


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


def _sniff(text: str, first_line: Optional[str] = None) -> str:
    """The format of `text` (or of a text that starts so, and whose first line is `first_line`)."""
    head = text.lstrip()[:_SNIFF_CHARS]
    if _HTML_START.match(head):
        return "html"
    if head.startswith("{"):  # JSON Lines if the whole first line is a JSON value, else JSON
        if first_line is None:
            start = _LEADING_SPACE.match(text).end()
            end = text.find("\n", start)
            first_line = text[start:] if end < 0 else text[start:end]
        try:
            _loads(first_line)
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
        raise InputError(_html_too_large(len(html), max_chars))
    page = extract_main_text(html)
    return read_text_document(
        page.text, published=page.date or published, title=page.title, source=page.source,
        url=page.url, origin=origin, max_chars=max_chars,
    )


def _html_too_large(chars: int, max_chars: int) -> str:
    return f"HTML too large: {chars:,} characters (limit {max_chars * 20:,})"


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
        item = _jsonl_line(line, f"{origin}:{n}", published, max_chars)
        if item is not None:
            yield item


def _stream_jsonl(path: Path, origin: str, published: Optional[str], max_chars: int) -> Iterator[Item]:
    """`_read_jsonl` for a file that `_measure` found to be UTF-8, read a line at a time."""
    with path.open("rb") as stream:
        for n, raw in enumerate(stream, 1):  # binary lines end at b"\n" only, as above
            if n == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM):]
            where = f"{origin}:{n}"
            try:
                line = raw.decode("utf-8").removesuffix("\n")
            except UnicodeDecodeError:  # only if the file was changed since it was measured
                yield Failure(origin=where, reason="not valid UTF-8 (the file changed while it was read)")
                continue
            item = _jsonl_line(line, where, published, max_chars)
            if item is not None:
                yield item


def _jsonl_line(line: str, where: str, published: Optional[str], max_chars: int) -> Optional[Item]:
    """The document or failure on one line of JSON Lines (without its "\n"); None if blank."""
    line = line.rstrip("\r")
    if not line.strip():
        return None
    try:
        record = _loads(line)
    except ValueError as exc:
        return Failure(origin=where, reason=f"invalid JSON: {exc}")
    return _guard(where, _from_record, record, where, published, max_chars)


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
