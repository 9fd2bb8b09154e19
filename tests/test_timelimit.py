"""The per-document time limit: a document that takes too long becomes a recorded failure, the
documents beside it in its batch are still extracted, and `eventwire ingest --time-limit` stores
the failure."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from eventwire.ingest import read_text_document
from eventwire.models import Document, Failure
from eventwire.timelimit import TimeLimitExceeded, available, time_limit

if not hasattr(signal, "setitimer"):
    pytest.skip("the time limit needs POSIX signals", allow_module_level=True)

SENTENCE = "Police in Nairobi arrested {n} protesters near the parliament on Tuesday, officials said. "
COUNTRIES = "Kenya Uganda Ethiopia Somalia Sudan Egypt Ghana Nigeria Senegal Mali Chad Niger Angola Zambia".split()
TOPICS = ("fishing rights", "the border", "grain exports", "refugees", "a new railway", "power lines",
          "water sharing", "customs duties", "a ceasefire", "oil prices", "visa rules", "the election")


def long_text(sentences: int) -> str:
    """A long article of varied sentences (slow to parse, but prose)."""
    out = []
    for n in range(sentences):
        a, b = COUNTRIES[n % len(COUNTRIES)], COUNTRIES[(n * 5 + 3) % len(COUNTRIES)]
        out.append(f"{a} and {b} held talks on {TOPICS[n % len(TOPICS)]} in round {n}, officials said. "
                   + SENTENCE.format(n=n))
    return " ".join(out)


def busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_a_block_over_its_limit_is_stopped_and_the_timer_is_disarmed():
    start = time.monotonic()
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.2):
            busy(5)
    assert time.monotonic() - start < 1.5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with time_limit(1):
        busy(0.05)  # within its limit: nothing raised
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_nested_limits_the_tighter_one_acts_and_the_outer_one_survives():
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.6):
            with time_limit(10):  # looser than the outer: the outer governs
                busy(5)
    with pytest.raises(TimeLimitExceeded) as outer:
        with time_limit(0.8):
            with pytest.raises(TimeLimitExceeded):
                with time_limit(0.1):
                    busy(5)
            busy(5)  # the outer limit is armed again after the inner block
    assert "0.8" in str(outer.value)


def test_no_limit_outside_the_main_thread():
    seen = []

    def work():
        seen.append(available())
        with time_limit(0.05):
            busy(0.2)
        seen.append("finished")

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen == [False, "finished"]


def test_a_slow_document_fails_and_its_batch_neighbours_are_extracted(engine):
    short = [read_text_document(SENTENCE.format(n=n), doc_id=f"short-{n}", published="2025-03-11") for n in (3, 4)]
    long = read_text_document(long_text(2000), doc_id="long", published="2025-03-11")
    saved = engine.time_limit
    engine.time_limit = 1.0
    try:
        start = time.monotonic()
        results = list(engine.process_many([short[0], long, short[1]]))
        took = time.monotonic() - start
    finally:
        engine.time_limit = saved
    assert [type(r) for r in results] == [Document, Failure, Document]
    assert results[1].doc_id == "long"
    assert results[1].reason == "time limit exceeded: processing took longer than 1 s"
    assert results[0].events and results[2].events
    assert took < 15


def test_ingest_records_a_document_over_the_time_limit(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SENTENCE.format(n=5), encoding="utf-8")
    (folder / "slow.txt").write_text(long_text(2000), encoding="utf-8")
    db = tmp_path / "t.db"
    exe = Path(sys.executable).parent / "eventwire"
    run = subprocess.run([str(exe), "ingest", str(folder), "--db", str(db), "--no-progress",
                          "--published", "2025-03-11", "--time-limit", "1"], capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    assert "slow.txt" in run.stderr and "time limit exceeded" in run.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        (reason,) = conn.execute("SELECT reason FROM failures").fetchone()
    assert reason.startswith("time limit exceeded")
