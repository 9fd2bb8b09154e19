"""Huge inputs are read without holding them in memory: a 50 MB text file is refused quickly with
a one-line reason, a JSON Lines file is read a line at a time, and reading in pieces gives exactly
what reading the whole file gives. The full measurement (5,000 real documents, memory of the
whole process tree): `python scripts/huge_inputs.py`.
"""
from __future__ import annotations

import importlib.util
import io
import json
import random
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventwire.errors import InputError
from eventwire.ingest import read_inputs, sources
from eventwire.ingest.checks import decode
from eventwire.models import Failure

if not Path("/proc/self/status").exists():
    pytest.skip("memory is read from /proc", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent / "eventwire"
MB = 1024 * 1024


def _load_script():
    spec = importlib.util.spec_from_file_location("huge_inputs", ROOT / "scripts" / "huge_inputs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


huge = _load_script()


def sentences() -> list[str]:
    """The sentences of the test articles (real-looking English news)."""
    text = " ".join(f.read_text(encoding="utf-8") for f in sorted((ROOT / "tests" / "articles").glob("*.txt")))
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s) > 30]


def news_text(size: int, seed: int = 1) -> str:
    """About `size` characters of paragraphs of those sentences in random order."""
    rng, pool, parts, total = random.Random(seed), sentences(), [], 0
    while total < size:
        paragraph = " ".join(rng.sample(pool, 4)) + "\n\n"
        parts.append(paragraph)
        total += len(paragraph)
    return "".join(parts)[:size]


def peak_growth_mb(code: str, *args: str) -> tuple[float, str]:
    """Run `code` in a fresh Python after importing eventwire's reader; (how much its peak memory
    grew, what it printed), measured as scripts/huge_inputs.py measures it."""
    before, after, printed = huge.run_with_peak(code, *args, timeout=120)
    return after - before, printed


@pytest.fixture(scope="module")
def huge_text(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("huge") / "huge.txt"
    path.write_text(news_text(50 * MB), encoding="utf-8")
    return path


def test_a_50_mb_text_is_refused_quickly_with_a_one_line_reason(huge_text, tmp_path):
    db = tmp_path / "huge.db"
    start = time.monotonic()
    run = subprocess.run([str(EXE), "ingest", str(huge_text), "--db", str(db), "--no-progress"],
                         capture_output=True, text=True, timeout=120)
    assert time.monotonic() - start < 15
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("eventwire: error: ")]
    assert errors == [f"eventwire: error: {huge_text}: too large: 52,428,800 characters "
                      "(limit 1,000,000; raise it with --max-chars)"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM failures").fetchone() == (1,)


def test_refusing_a_50_mb_text_does_not_read_it_into_memory(huge_text):
    growth, printed = peak_growth_mb("(f,) = read_inputs([sys.argv[1]]); print(f.reason)", str(huge_text))
    assert printed.startswith("too large: 52,428,800 characters")
    assert growth < 12, f"peak memory grew by {growth:.0f} MB reading a 50 MB file"


def test_a_large_json_lines_file_is_read_a_line_at_a_time(tmp_path):
    path = tmp_path / "many.jsonl"
    rng = random.Random(3)
    with path.open("w", encoding="utf-8") as f:
        for n in range(3000):  # 3,000 documents of about 10 kB: 30 MB
            f.write(json.dumps({"doc_id": f"d{n:04d}", "text": news_text(10_000, seed=rng.random())}) + "\n")
    assert path.stat().st_size > 29 * MB
    growth, printed = peak_growth_mb(
        "ids = [x.doc_id for x in read_inputs([sys.argv[1]]) if type(x).__name__ == 'RawDocument']\n"
        "print(len(ids), len(set(ids)), ids[0], ids[-1])", str(path))
    assert printed == "3000 3000 d0000 d2999"
    assert growth < 12, f"peak memory grew by {growth:.0f} MB reading a 30 MB file"


ENGLISH = "The minister said on Monday that the talks with the neighbouring country would resume next week."


def test_reading_in_pieces_gives_what_reading_the_whole_file_gives(tmp_path):
    """Files that go through the piecewise reader (JSON Lines always; text and HTML files longer
    than the limit) against the whole-file reader on the same bytes."""
    line = json.dumps({"doc_id": "a", "text": ENGLISH})
    before_bad = (line + "\n").encode() * 10_000 + b'{"text": "caf'  # past the first 1 MiB piece
    cases = {
        "bom-crlf.jsonl": b"\xef\xbb\xbf" + f"{line}\r\n\r\n{{broken\r\n".encode(),
        "separator.jsonl": json.dumps({"id": "s", "text": ENGLISH + "\u2028" + ENGLISH}, ensure_ascii=False).encode(),
        "late-bad-byte.jsonl": before_bad + b'\xe9"}\n',
        "cut-at-end.jsonl": (line + "\n").encode() + "’".encode()[:2],
        "nul.jsonl": b"\x00" + line.encode(),
        "empty.jsonl": b"",
        "blank.txt": b" \n\t" * 100,
        "multibyte.txt": ("Ünïcödé prose is long. " * 8).encode(),
        "long.txt": (ENGLISH + " ").encode() * 3,
        "long.html": f"<html><body><p>{ENGLISH * 30}</p></body></html>".encode(),
        "sniffed.dat": (line + "\n").encode() * 4,
        "sniffed-text.dat": (ENGLISH + " ").encode() * 3,
        "long-first-record.dat": "".join(json.dumps({"id": f"r{n}", "text": ENGLISH * 30}) + "\n"
                                         for n in range(3)).encode(),
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        for max_chars in (150, 1_000_000):
            fmt = sources._EXTENSIONS.get(path.suffix, "auto")
            whole = list(sources._read_bytes(data, str(path), fmt, None, max_chars))
            assert list(read_inputs([str(path)], max_chars=max_chars)) == whole, (name, max_chars)
    bad = list(read_inputs([str(tmp_path / "late-bad-byte.jsonl")]))
    assert len(bad) == 1 and isinstance(bad[0], Failure) and f"byte 0xe9 at offset {len(before_bad)})" in bad[0].reason
    long = list(read_inputs([str(tmp_path / "multibyte.txt")], max_chars=150))
    assert long[0].reason.startswith("too large: 184 characters (limit 150;")
    # JSON Lines whose first record is longer than the 2,000 characters the format guess reads
    records = cases["long-first-record.dat"]
    for items in (read_inputs([str(tmp_path / "long-first-record.dat")]), read_inputs(["-"], stdin=io.BytesIO(records)),
                  read_inputs([str(tmp_path / "long-first-record.dat")], max_chars=len(records) - 1)):
        assert [getattr(x, "doc_id", None) for x in items] == ["r0", "r1", "r2"]


def test_decoding_in_pieces_checks_as_decoding_whole(tmp_path):
    """The piecewise decoder raises what `checks.decode` raises, with the same offsets, wherever
    the pieces are cut."""
    rng = random.Random(11)
    good = [b"a", b" ", b"\n", "\u00e9".encode(), "\u2019".encode(), "\U0001f600".encode()]
    bad = [b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\x80", b"\x00"]
    for _ in range(3000):
        data = b"".join(rng.choice(good if rng.random() < 0.97 else bad) for _ in range(rng.randint(0, 40)))
        if rng.random() < 0.3:
            data = b"\xef\xbb\xbf" + data
        if rng.random() < 0.2:
            data = b"x" * rng.randint(8185, 8195) + data
        size = rng.randint(1, 9)
        try:
            expected = decode(data)
        except InputError as exc:
            expected = exc.reason
        try:
            got = "".join(sources._decode_pieces(io.BytesIO(data), size))
        except InputError as exc:
            got = exc.reason
        assert got == expected, (data, size)


def test_a_small_json_lines_ingest_stores_every_document(tmp_path):
    pool = sentences()
    path = tmp_path / "docs.jsonl"
    rng = random.Random(5)
    docs = [{"doc_id": f"n{n:02d}", "published": "2025-05-07", "text": " ".join(rng.sample(pool, 5))}
            for n in range(50)]
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    db = tmp_path / "docs.db"
    run = subprocess.run([str(EXE), "ingest", str(path), "--db", str(db), "--no-progress"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "eventwire: 50 stored, 0 already stored, 0 failed" in run.stderr
    with sqlite3.connect(db) as conn:
        assert {r[0] for r in conn.execute("SELECT id FROM articles")} == {d["doc_id"] for d in docs}
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] > 0
