"""`eventwire ingest --jobs 2` over 64 short reports and two unreadable records, killed with
SIGKILL at three random (seeded) points of the store's growth, then run to the end: after every
kill the store passes scripts/crash_ingest.py's checks and no worker process is left; at the end
every document is stored once, each unreadable record is one failure, and every article is
exactly what a clean extraction gives.

The full version, on 1,000 real news articles: `python scripts/crash_ingest.py --compare`.
"""
from __future__ import annotations

import importlib.util
import json
import random
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from eventwire.ingest import read_inputs
from eventwire.models import RawDocument
from eventwire.store import Store

ROOT = Path(__file__).resolve().parents[1]
if not Path("/proc/self/stat").exists():
    pytest.skip("watching the worker processes needs /proc", allow_module_level=True)


def _load_script():
    spec = importlib.util.spec_from_file_location("crash_ingest", ROOT / "scripts" / "crash_ingest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


crash = _load_script()

SIDES = [("Mexico", "Guatemala"), ("Nigeria", "Cameroon"), ("India", "Nepal"), ("France", "Mali"),
         ("Turkey", "Greece"), ("Colombia", "Venezuela"), ("Sudan", "Chad"), ("Thailand", "Cambodia")]
DOCS = 64
TOWNS = ["Tapachula", "Maiduguri", "Birgunj", "Gao", "Edirne", "Cucuta", "Geneina", "Aranyaprathet"]


def synthetic(n: int) -> dict:
    """A short news report, different for every `n`."""
    a, b = SIDES[n % len(SIDES)]
    town = TOWNS[(n * 3) % len(TOWNS)]
    return {
        "doc_id": f"report-{n:03d}",
        "published": f"2025-04-{1 + n % 28:02d}",
        "text": f"Border guards from {a} detained {n + 3} migrants near {town} on Thursday, officials said. "
                f"The interior minister of {b} criticised the arrests and demanded their release. "
                f"Delegations from {a} and {b} will meet in {town} next week to discuss the crossing, "
                f"report number {n + 1}. Aid groups said {10 * n + 40} families were waiting at the border.",
    }


@pytest.fixture(scope="module")
def crashed(tmp_path_factory, engine):
    work = tmp_path_factory.mktemp("crash")
    source = work / "source.jsonl"
    source.write_text("".join(json.dumps(synthetic(n)) + "\n" for n in range(DOCS)), encoding="utf-8")
    inputs = work / "input.jsonl"
    crash.write_input(source, inputs, docs=DOCS, bad=2, rng=random.Random(7))
    raws = [x for x in read_inputs([str(inputs)]) if isinstance(x, RawDocument)]
    clean = {doc.doc_id: doc for doc in engine.process_many(raws)}  # what a clean run stores
    reference = {doc_id: crash.document_rows(doc) for doc_id, doc in clean.items()}
    # results are stored 8 at a time, two chunks at once with two workers: kill in the first
    # 55% of the documents so that every run still has work left when its kill point comes
    report = crash.campaign(inputs, work, kills=3, seed=20251129, jobs=2, reference=reference,
                            max_delay=0.2, upto=0.55)
    return {"report": report, "db": work / "crashed.db", "clean": clean, "inputs": inputs,
            "expected": crash.expected_from(inputs)}


def test_every_kill_leaves_a_whole_store_and_no_workers(crashed):
    report = crashed["report"]
    kills = report.kills
    assert report.violations == [], kills
    assert len(kills) == 3 and all(k.exited_early is None for k in kills)
    counts = [k.at_kill for k in kills]
    assert 0 < counts[0] and counts == sorted(counts) and counts[-1] < DOCS, counts
    assert all(k.at_kill >= k.target for k in kills)
    # the killed process had its workers (and the resource tracker), and they all went away
    assert all(k.processes >= 3 for k in kills), [k.processes for k in kills]
    assert all(k.gone_after is not None and not k.orphans for k in kills)


def test_the_finished_store_holds_every_input_once(crashed):
    report, final = crashed["report"], crashed["report"].final
    assert report.final_status == 1  # the two unreadable records
    assert final.articles == DOCS and final.ids == set(crashed["clean"])
    assert sorted(f[0].rsplit(":", 1)[0] for f in final.failures) == [str(crashed["inputs"])] * 2
    assert all(1 <= f[3] <= 4 for f in final.failures)  # one row each, an attempt per run at most
    assert final.events > 0 and final.merged_mentions == final.events
    with Store(crashed["db"]) as store:
        for doc_id, doc in crashed["clean"].items():
            assert store.article(doc_id).document == doc


def test_the_checks_find_a_half_written_article(crashed, tmp_path):
    """The checks above can fail: break a copy of the finished store the ways a non-atomic
    writer would, and every break is reported."""
    db = tmp_path / "broken.db"
    shutil.copy(crashed["db"], db)
    clean_rows = {doc_id: crash.document_rows(doc) for doc_id, doc in crashed["clean"].items()}
    assert crash.check_store(db, reference=clean_rows).problems == []
    with sqlite3.connect(db) as conn:
        first, second = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY n LIMIT 2")]
        conn.execute("DELETE FROM entities WHERE article_id = ? AND idx = 0", (first,))  # a gap
        conn.execute("DELETE FROM event_parties WHERE article_id = ? AND event_idx = 0", (second,))
        conn.execute("INSERT INTO quotes (article_id, idx, text, start, end) VALUES ('gone', 0, 'x', 0, 1)")
        conn.execute("INSERT INTO articles (id, schema, text, stored_at) VALUES ('half', '1', 'x', 'now')")
    problems = "\n".join(crash.check_store(db, reference=clean_rows).problems)
    assert "foreign_key_check" in problems and "quotes: 1 row(s) without their article" in problems
    assert f"entities: article {first} has rows 1.." in problems and "differ from a clean run" in problems
    assert "parties or sentence do not match" in problems
    assert "1 article(s) without sentences" in problems and "1 article(s) without their full-text row" in problems
    unknown = crash.check_store(db, expected=crashed["expected"]).problems
    assert any(p.startswith("1 stored id(s) not in the input, e.g. ['half']") for p in unknown), unknown
