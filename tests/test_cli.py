"""The `eventwire` command, run as a real process on real files."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent / "eventwire"
ENGLISH = "Kenya's foreign ministry said on Monday that talks with Ethiopia would resume in Nairobi next week."


def run(*args, stdin=None, cwd=None):
    return subprocess.run([str(EXE), *map(str, args)], input=stdin, capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300)


@pytest.fixture(scope="module")
def example_output():
    result = run("extract", "examples/article.txt", "--published", "2025-03-12")
    assert result.returncode == 0, result.stderr
    return result


def test_help_explains_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("extract", "eval", "actors"):
        assert command in result.stdout
    assert "--published" in run("extract", "--help").stdout


def test_example_article(example_output):
    (line,) = example_output.stdout.splitlines()
    doc = json.loads(line)
    assert doc["schema"] == "eventwire/1" and doc["published"] == "2025-03-12"
    text = doc["text"]
    for kind in ("entities", "places", "times", "quantities", "quotes"):
        assert doc[kind], kind
        for item in doc[kind]:
            assert text[item["start"]:item["end"]] == item["text"], (kind, item)
    names = {e["actor"]["name"] for e in doc["entities"] if e["actor"]}
    assert {"William Ruto", "Abiy Ahmed", "Grace Wanjiru"} <= names
    assert {"2025-03-11", "2025-02", "2016"} <= {t["value"] for t in doc["times"]}


def test_pretty_and_output_file(tmp_path):
    out = tmp_path / "out.json"
    result = run("extract", "-", "--published", "2025-05-07", "--pretty", "-o", out, stdin=ENGLISH)
    assert result.returncode == 0, result.stderr
    body = out.read_text()
    assert body.startswith("{\n") and json.loads(body)["published"] == "2025-05-07"


def test_batch_goes_on_past_bad_documents_and_exits_non_zero(tmp_path):
    (tmp_path / "good.txt").write_text(ENGLISH)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bad.txt").write_bytes("café".encode("latin-1"))
    (tmp_path / "docs.jsonl").write_text(json.dumps({"doc_id": "j1", "text": ENGLISH}) + "\n{oops\n")
    failures = tmp_path / "failures.jsonl"
    result = run("extract", tmp_path, "--published", "2025-05-07", "--failures", failures)
    assert result.returncode == 1
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(docs) == 2 and {d["doc_id"] for d in docs} >= {"j1"}
    errors = [line for line in result.stderr.splitlines() if line.startswith("eventwire: error:")]
    assert len(errors) == 3
    assert any("empty.txt" in e and "empty" in e for e in errors)
    assert any("bad.txt" in e and "UTF-8" in e for e in errors)
    assert any("docs.jsonl:2" in e and "invalid JSON" in e for e in errors)
    assert len(failures.read_text().splitlines()) == 3


def test_bad_published_option():
    result = run("extract", "-", "--published", "yesterday", stdin=ENGLISH)
    assert result.returncode == 2 and "--published" in result.stderr


def test_unknown_model_is_one_clear_error():
    result = run("extract", "-", "--model", "no_such_pipeline", stdin=ENGLISH)
    assert result.returncode == 1 and "no_such_pipeline" in result.stderr
    assert "Traceback" not in result.stderr


def test_actors_lookup():
    result = run("actors", "lookup", "Xi Jinping", "--date", "2011-01-01")
    assert result.returncode == 0 and "CHN" in result.stdout and "Vice President" in result.stdout


def test_eval_on_saved_predictions_matches_eval_that_extracts(tmp_path, shared):
    gold = shared / "seed" / "gold.jsonl"
    pred = tmp_path / "pred.jsonl"
    first = run("eval", gold, "--json", "--save-pred", pred)
    assert first.returncode == 0, first.stderr
    second = run("eval", gold, "--json", "--pred", pred)
    assert json.loads(first.stdout) == json.loads(second.stdout)
    extracted = run("extract", gold)
    assert [json.loads(x) for x in extracted.stdout.splitlines()] == [json.loads(x) for x in pred.read_text().splitlines()]
