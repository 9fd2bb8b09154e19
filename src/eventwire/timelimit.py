"""A time limit on a block of code, so that one pathological document cannot stall a run.

`time_limit(seconds)` raises `TimeLimitExceeded` inside the block once the time is up. It works
with a SIGALRM timer, so only in the main thread of a POSIX process (where `eventwire extract`,
`eventwire ingest` and its `--jobs` workers run their documents); elsewhere (threads of the API
server or of a Dask worker) `available()` is False and the block runs without a limit.
"""
from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator


class TimeLimitExceeded(BaseException):
    """Not an `Exception`: code that catches `Exception` to record a failure and retry (the
    engine does, per document) must not swallow it and run on without a limit."""


def available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise `TimeLimitExceeded` in the block after `seconds` (no limit when `seconds` <= 0 or
    where `available()` is False).

    The alarm repeats every half second until the block ends, because one raised inside a
    finaliser or a garbage-collector callback is ignored by Python; a block that completes after
    its time is up raises at its end. Inside a block with a tighter limit of its own, the outer
    limit governs; a looser outer limit is re-armed, less the time spent, when this block ends."""
    if seconds <= 0 or not available():
        yield
        return
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    if 0 < outer_left <= seconds:
        yield
        return
    fired = []
    started = time.monotonic()

    def _alarm(signum, frame):
        fired.append(True)
        raise TimeLimitExceeded(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        while True:  # a last alarm may land in here: disarm until it is done
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                if outer_left > 0:
                    signal.setitimer(signal.ITIMER_REAL, max(0.001, outer_left - (time.monotonic() - started)), 0.5)
                break
            except TimeLimitExceeded:
                continue
    if fired:
        raise TimeLimitExceeded(f"took longer than {seconds:g} s")
