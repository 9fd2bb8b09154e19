"""Distributed ingestion on a local Dask cluster of two worker processes: one worker is killed
with SIGKILL half-way, the run still completes, and the shards loaded with `eventwire merge`
give the same store as a single-process `eventwire ingest` of the same corpus. A rerun writes
no shard and loading again stores nothing twice."""
import json
import os
import signal
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("distributed")

from eventwire.cli import main  # noqa: E402
from eventwire.cluster import Manifest, open_shards  # noqa: E402
from eventwire.cluster.shards import TABLES, read_shard, write_partition  # noqa: E402
from eventwire.store import Store  # noqa: E402

PUBLISHED = "2025-03-12"
CAPITALS = {"Kenya": "Nairobi", "Ghana": "Accra", "Japan": "Tokyo", "Peru": "Lima", "Norway": "Oslo",
            "Egypt": "Cairo"}


def texts() -> list[str]:
    names = list(CAPITALS)
    out = []
    for n in range(12):
        a, b = names[n % 6], names[(n * 5 + 1) % 6]
        out.append(
            f"Ministers from {a} and {b} met in {CAPITALS[a]} on Monday to discuss grain exports, "
            f"session {n + 1}. Police in {CAPITALS[b]} detained {n + 4} demonstrators on Tuesday. "
            f'"We will sign the agreement next month," the foreign minister of {b} told reporters.'
        )
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cluster") / "corpus"
    folder.mkdir()
    for n, text in enumerate(texts()):
        (folder / f"story{n:02d}.txt").write_text(text, encoding="utf-8")
    (folder / "blank.txt").write_text("   \n")
    return folder


@pytest.fixture(scope="module")
def reference(corpus, engine, tmp_path_factory) -> Path:
    """The single-process result: `eventwire ingest` (extraction, storing, event merging)."""
    from eventwire.ingest import read_inputs
    from eventwire.store import Writer
    from eventwire.store.ingest import ingest
    from eventwire.store.merge import merge

    db = tmp_path_factory.mktemp("reference") / "single.db"
    with Store(db) as store:
        counts = ingest(read_inputs([str(corpus)], published=PUBLISHED), Writer(store.conn), engine=engine)
        merge(store.conn)
    assert (counts.stored, counts.failed) == (12, 1)
    return db


@pytest.fixture(scope="module")
def client():
    from distributed import Client

    from eventwire.cluster.run import local_cluster

    with local_cluster(2) as cluster, Client(cluster) as client:
        yield client


def snapshot(db: Path) -> dict:
    """Everything a store holds that does not depend on when or in which order it was filled."""
    with Store(db) as store:
        ids = sorted(store.article_ids())
        docs = {i: store.article(i).document.to_dict() for i in ids}
    conn = sqlite3.connect(db)
    try:
        return {
            "ids": ids, "documents": docs,
            "origins": sorted(conn.execute("SELECT id, origin FROM articles")),
            "events": sorted(conn.execute("SELECT article_id, idx, json FROM events")),
            "failures": sorted(conn.execute("SELECT origin, doc_id, reason, attempts FROM failures")),
            "merged": sorted(conn.execute("SELECT id, type, date, mention_count, source_count FROM merged_events")),
            "members": sorted(conn.execute("SELECT merged_id, article_id, event_idx FROM merged_members")),
        }
    finally:
        conn.close()


def shard_files(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in sorted(root.rglob("*")) if p.is_file()}


def test_killed_worker_then_merge_equals_single_process(client, corpus, reference, tmp_path):
    from eventwire.cluster.run import run

    shards, db = tmp_path / "shards", tmp_path / "merged.db"
    killed: list[int] = []
    lost: list[str] = []

    def kill_a_busy_worker(entry: dict) -> None:
        if killed:
            return
        pids = client.run(os.getpid)
        busy = [w for w, keys in client.processing().items() if keys and w in pids]
        assert busy, "no worker had a partition to lose"
        os.kill(pids[busy[0]], signal.SIGKILL)  # its partitions go to the other worker
        killed.append(pids[busy[0]])
        lost.extend(client.processing()[busy[0]])

    counts = run([str(corpus)], shards, client, read_options={"published": PUBLISHED},
                 partition_size=2, on_partition=kill_a_busy_worker)
    assert killed and lost, "no worker was killed while it held a partition"
    print("killed worker", killed, "holding", lost)
    assert (counts.stored, counts.failed, counts.partitions) == (12, 1, 7)
    assert [f.reason for f in counts.failures] == ["empty document: no text to read"]

    # the manifest lists every document exactly once, and only complete shard files exist
    entries = list(Manifest(shards).entries())
    items = [k for e in entries for k in e["items"]]
    assert len(items) == len(set(items)) == 13
    files = shard_files(shards)
    assert not [f for f in files if f.endswith(".tmp")]
    assert len(files) == 1 + 7 * len(TABLES)
    articles = [r["doc_id"] for e in entries for r in read_shard(shards, e["files"]["articles"], ["doc_id"])]
    assert sorted(articles) == snapshot(reference)["ids"]

    result = CliRunner().invoke(main, ["merge", str(shards), "--db", str(db), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "12 stored, 0 already stored, 1 failure(s)" in result.output
    assert snapshot(db) == snapshot(reference)

    # a rerun skips everything the manifest holds and writes nothing
    again = run([str(corpus)], shards, client, read_options={"published": PUBLISHED}, partition_size=2)
    assert (again.stored, again.partitions, again.skipped) == (0, 0, 13)
    assert shard_files(shards) == files

    # loading the same shards again stores nothing twice
    result = CliRunner().invoke(main, ["merge", str(shards), "--db", str(db), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "0 stored, 12 already stored" in result.output
    with Store(db) as store:
        assert store.article_count() == 12


def test_cli_on_a_running_cluster_with_paths_and_query_parquet(client, corpus, reference, tmp_path):
    shards = tmp_path / "corpus.shards"
    args = ["ingest", str(corpus), "--db", str(tmp_path / "corpus.db"), "--cluster", client.scheduler.address,
            "--ship", "paths", "--partition-size", "5", "--published", PUBLISHED, "--no-progress"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output  # the blank file failed, as with a single machine
    assert "blank.txt: empty document" in result.output
    assert "12 extracted, 0 already in the shards" in result.output and "3 partition(s)" in result.output
    assert Manifest(shards).exists() and not (tmp_path / "corpus.db").exists()

    rerun = CliRunner().invoke(main, args)
    assert "0 extracted" in rerun.output and "3 partition(s) already done" in rerun.output

    result = CliRunner().invoke(main, ["query", "--parquet", str(shards), "--format", "json", "--limit", "1000"])
    assert result.exit_code == 0, result.output
    got = sorted((h["article_id"], json.dumps(h["event"], sort_keys=True))
                 for h in map(json.loads, result.output.splitlines()))
    with Store(reference) as store:
        want = sorted((h.article_id, json.dumps(h.event.to_dict(), sort_keys=True))
                      for h in store.events(limit=None))
    assert got == want and got

    merged = CliRunner().invoke(main, ["query", "--parquet", str(shards), "--merged", "--format", "json"])
    assert merged.exit_code == 0 and merged.output.strip()


def test_shards_are_named_by_partition_and_replaced_whole(tmp_path, engine):
    doc = engine.extract("Police in Lima detained 12 people on Monday.", published=PUBLISHED)
    first = write_partition(tmp_path, "abc", [("a.txt", doc)], [])
    second = write_partition(tmp_path, "abc", [("a.txt", doc)], [])
    assert first == second and sorted(first) == sorted(TABLES)
    assert sorted(p.name for p in (tmp_path / "articles").iterdir()) == ["abc.parquet"]
    (row,) = read_shard(tmp_path, first["articles"])
    assert json.loads(row["json"]) == doc.to_dict() and row["origin"] == "a.txt"


def test_manifest_ignores_a_torn_line_and_unlisted_shards(tmp_path, engine):
    doc = engine.extract("Kenya and Ghana signed a trade deal in Nairobi on Monday.", published=PUBLISHED)
    files = write_partition(tmp_path, "p1", [("x", doc)], [])
    write_partition(tmp_path, "p2", [("y", doc)], [])  # never recorded: a partition that did not finish
    manifest = Manifest(tmp_path)
    manifest.append({"partition": "p1", "files": files, "items": ["d:" + doc.doc_id]})
    with manifest.path.open("a", encoding="utf-8") as fh:
        fh.write('{"partition": "p3", "fil')  # the client died while writing
    assert manifest.partitions() == {"p1"}
    manifest.append({"partition": "p1", "files": files, "items": ["d:" + doc.doc_id]})
    assert [e["partition"] for e in manifest.entries()] == ["p1"]
    with open_shards(tmp_path) as store:
        assert store.article_ids() == [doc.doc_id]
