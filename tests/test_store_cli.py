"""The store commands as a user runs them: `eventwire ingest` killed with SIGKILL half-way and
run again, then query, timeline, network, export, article and failures on the result."""
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.store import Store
from eventwire.store.export import read_export

EXE = Path(sys.executable).parent / "eventwire"
COUNTRIES = ["Kenya", "Ethiopia", "Brazil", "Japan", "Canada", "Egypt", "Ghana", "Peru", "Chile", "Norway"]
PLACES = ["Nairobi", "Addis Ababa", "Brasilia", "Tokyo", "Ottawa", "Cairo", "Accra", "Lima", "Santiago", "Oslo"]


def texts() -> list[str]:
    out = []
    for n in range(30):
        a, b = COUNTRIES[n % 10], COUNTRIES[(n * 3 + 1) % 10]
        out.append(
            f"{a} and {b} held talks in {PLACES[n % 10]} on Monday about fishing rights, round {n + 1}. "
            f"Police in {a} arrested {n + 2} protesters outside the parliament on Tuesday. "
            f"The foreign minister of {b} said the two governments would meet again next month. "
            f"Officials in {a} accused {b} of blocking trade at the border."
        )
    return out


def db_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.fixture(scope="module")
def resumed(tmp_path_factory):
    """A corpus ingested by a run killed after its first commit, then by a second run."""
    root = tmp_path_factory.mktemp("ingest")
    folder = root / "corpus"
    folder.mkdir()
    for n, text in enumerate(texts()):
        (folder / f"doc{n:02d}.txt").write_text(text, encoding="utf-8")
    (folder / "empty.txt").write_text("")
    (folder / "latin1.txt").write_bytes("Caf\xe9 owners in Lyon protested.".encode("latin-1"))
    db = root / "corpus.db"
    args = [str(EXE), "ingest", str(folder), "--db", str(db), "--published", "2025-03-12", "--no-progress"]
    first = subprocess.Popen([*args, "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while db_count(db) == 0 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.communicate()
    killed_at = db_count(db)
    second = subprocess.run(args, capture_output=True, text=True, timeout=300)
    return {"db": db, "folder": folder, "killed_at": killed_at, "second": second, "first": first}


def test_ingest_resumes_after_sigkill_without_duplicates_or_orphans(resumed, engine):
    db, second = resumed["db"], resumed["second"]
    assert resumed["first"].returncode == -signal.SIGKILL
    assert 0 < resumed["killed_at"] < 30, "killed after the first commit, before the end"
    assert second.returncode == 1  # the two bad files
    assert f"{30 - resumed['killed_at']} stored, {resumed['killed_at']} already stored, 2 failed" in second.stderr
    errors = [line for line in second.stderr.splitlines() if line.startswith("eventwire: error: ")]
    assert len(errors) == 2 and any("latin1.txt" in e and "UTF-8" in e for e in errors)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone() == (30, 30)
        orphans = conn.execute("SELECT count(*) FROM events e LEFT JOIN articles a ON a.id = e.article_id"
                               " WHERE a.id IS NULL").fetchone()[0]
        assert orphans == 0
    with Store(db) as store:  # every article is whole: exactly what extraction gives
        for text in texts():
            doc = engine.extract(text, published="2025-03-12")
            assert store.article(doc.doc_id).document == doc


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_query_timeline_network_commands(resumed):
    db = resumed["db"]
    table = invoke("query", "--db", db, "--actor", "KEN", "--limit", "5")
    assert table.exit_code == 0 and table.output.splitlines()[0].split()[:3] == ["date", "type", "mode"]
    lines = invoke("query", "--db", db, "--actor", "KEN", "--format", "json", "--limit", "1000").output.splitlines()
    hits = [json.loads(line) for line in lines]
    assert hits and all(any(p["country"] == "KEN" or p["sector"] == "KEN" for p in h["event"]["actor"]) for h in hits)
    page = invoke("query", "--db", db, "--actor", "KEN", "--format", "json", "--limit", "2", "--offset", "1")
    assert [json.loads(x) for x in page.output.splitlines()] == hits[1:3]
    csv_out = invoke("query", "--db", db, "--text", "fishing rights", "--format", "csv", "--limit", "3").output
    assert csv_out.startswith("article_id,event_id,")
    timeline = invoke("timeline", "--db", db, "--by", "month", "--format", "json")
    points = [json.loads(x) for x in timeline.output.splitlines()]
    with Store(db) as store:
        dated = sum(1 for h in store.iter_events() if h.event.date and h.event.date.value)
    assert sum(p["events"] for p in points) == dated > 0
    network = invoke("network", "--db", db, "--format", "csv", "--type", "ACCUSE")
    assert network.exit_code == 0 and network.output.startswith("source,target,events,mean_score")
    assert "--group" in invoke("timeline", "--help").output


def test_export_article_and_failures_commands(resumed, tmp_path):
    db = resumed["db"]
    out = tmp_path / "events.tsv"
    result = invoke("export", "--db", db, "--format", "icews", "-o", out, "--since", "2025-03")
    assert result.exit_code == 0 and len(read_export(out, "icews")) > 0
    failures = invoke("failures", "--db", db, "--format", "json")
    assert {Path(json.loads(x)["origin"]).name for x in failures.output.splitlines()} == {"empty.txt", "latin1.txt"}
    with Store(db) as store:
        some_id = store.article_ids()[0]
    article = invoke("article", some_id, "--db", db)
    assert json.loads(article.output)["doc_id"] == some_id
    missing = invoke("query", "--db", tmp_path / "none.db")
    assert missing.exit_code == 1 and "eventwire ingest" in missing.output
    assert not (tmp_path / "none.db").exists()
    assert invoke("query", "--db", db, "--since", "March").exit_code == 2
