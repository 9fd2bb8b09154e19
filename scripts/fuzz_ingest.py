"""Fuzz the reading and extraction of documents with hostile and malformed input.

    python scripts/fuzz_ingest.py --count 2000 --seed 7

Each round generates one input file (random bytes, invalid UTF-8, control characters, a 1 MB
single line, deeply nested or broken HTML, JSON Lines with wrong types, deeply nested JSON,
mutated English news text…), writes it to a temporary directory and runs it through
`read_inputs` and `Engine.process_many` (one engine, loaded once). Checked for every input:

* no exception escapes reading or extraction;
* the input yields at least one `Document` or `Failure` (a JSON Lines file with no records, or a
  JSON empty list, may yield nothing);
* every `Failure` has a non-empty one-line reason and a message that names the document;
* no document takes longer than `--timeout` seconds (a SIGALRM timer; a timeout is recorded as
  a failure and listed).

It prints a summary (inputs, documents, failures by reason, slowest document, timeouts) and
exits 1 when an invariant was broken or a document timed out. `--save DIR` keeps the inputs that broke one. The generator
(`make_input`) is also used by tests/test_fuzz.py.
"""
from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from eventwire.timelimit import TimeLimitExceeded, time_limit

ENGLISH = [
    "The minister said on Monday that the talks with the neighbouring country would resume next week.",
    "Police in Nairobi arrested 12 protesters after clashes near the parliament on Tuesday, officials said.",
    "Russian forces struck Kharkiv overnight, killing three people and wounding 20, the regional governor said.",
    "The United Nations called for a ceasefire and urged both sides to allow aid into the city.",
    "President Ruto met the French foreign minister in Paris to discuss trade and security.",
    "Rebels attacked a military base in the north of the country on Friday, the army said in a statement.",
]
TAGS = ["div", "p", "span", "article", "section", "table", "td", "b", "i", "a", "ul", "li", "script", "style"]
ATTRS = ["", " class=x", ' a="', " =", " b=\u2028", " onclick='"]
ONE_MB = 1024 * 1024


# -- generators: each takes a random.Random and returns (file suffix, bytes) -------------------

def _english(rng: random.Random, sentences: int | None = None) -> str:
    n = sentences or rng.randint(1, 12)
    return " ".join(rng.choice(ENGLISH) for _ in range(n))


def gen_random_bytes(rng):
    return rng.choice([".txt", ".html", ".jsonl", ".json", ".dat"]), rng.randbytes(rng.randint(0, 4096))


def gen_invalid_utf8(rng):
    text = _english(rng).encode()
    bad = rng.choice([b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"])
    at = rng.randint(0, len(text))
    return rng.choice([".txt", ".html", ".jsonl"]), text[:at] + bad + text[at:]


def gen_control_chars(rng):
    text = _english(rng)
    chars = list(text)
    for _ in range(rng.randint(1, max(1, len(chars) // 4))):
        chars.insert(rng.randint(0, len(chars)), chr(rng.choice([*range(0, 9), 11, 12, *range(14, 32), 127])))
    return rng.choice([".txt", ".html"]), "".join(chars).encode()


def gen_nul_bytes(rng):
    text = _english(rng).encode()
    at = rng.randint(0, len(text))
    return ".txt", text[:at] + b"\x00" * rng.randint(1, 8) + text[at:]


def gen_long_line(rng):
    """A single line of about 1 MB: over the default limit (refused), or English just under it,
    or one 'word' with no spaces (both processed: must stay within the time limit)."""
    kind = rng.choice(["over", "word", "digits"])
    if kind == "over":
        unit = rng.choice(ENGLISH) + " "
        return ".txt", (unit * (ONE_MB // len(unit) + 1)).encode()[:ONE_MB]
    size = rng.choice([10_000, 100_000])
    if kind == "word":
        return ".txt", (_english(rng, 2) + " " + "a" * size).encode()
    return ".txt", (_english(rng, 2) + " " + "".join(rng.choice("0123456789.,") for _ in range(size))).encode()


def gen_nested_html(rng):
    depth = rng.choice([50, 500, 2000, 5000])
    tag = rng.choice(TAGS[:7])
    body = "<p>" + _english(rng, 4) + "</p>"
    closing = f"</{tag}>" * depth if rng.random() < 0.5 else ""  # unclosed half the time
    return ".html", f"<html><body>{f'<{tag}>' * depth}{body}{closing}</body></html>".encode()


def gen_broken_html(rng):
    parts = ["<!doctype html>" if rng.random() < 0.5 else "", "<html><head><title>", _english(rng, 1)]
    for _ in range(rng.randint(5, 200)):
        roll = rng.random()
        if roll < 0.3:
            parts.append("<" + rng.choice(TAGS) + rng.choice(ATTRS) + ">")
        elif roll < 0.5:
            parts.append(f"</{rng.choice(TAGS)}>")
        elif roll < 0.6:
            parts.append(rng.choice(["<!--", "-->", "<![CDATA[", "]]>", "&#xFFFFFF;", "&#0;", "&amp", "<?xml?>", "<", ">"]))
        else:
            parts.append(_english(rng, 1))
    return rng.choice([".html", ".htm", ".txt"]), "".join(parts).encode()


def _json_value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 3 or roll < 0.5:
        return rng.choice([None, True, False, 0, -1, 1e308, 3.5, "", " ", "x", _english(rng, 1),
                           "\u2028", "\x00", "2025-13-45", "Mon, 32 Foo 2025"])
    if roll < 0.75:
        return [_json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(["text", "doc_id", "id", "x"]): _json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def _record(rng: random.Random):
    record = {"text": _english(rng)}
    for key in ("doc_id", "id", "published", "title", "url", "source", "publisher"):
        if rng.random() < 0.3:
            record[key] = rng.choice([_json_value(rng), f"doc-{rng.randint(0, 99)}", "2025-05-07"])
    if rng.random() < 0.3:
        record["text"] = _json_value(rng)
    if rng.random() < 0.1:
        del record["text"]
    return record if rng.random() < 0.9 else _json_value(rng)


def gen_jsonl(rng):
    lines = []
    for _ in range(rng.randint(1, 8)):
        roll = rng.random()
        if roll < 0.7:
            lines.append(json.dumps(_record(rng), ensure_ascii=rng.random() < 0.5))
        elif roll < 0.8:
            lines.append("")
        else:
            line = json.dumps(_record(rng))
            lines.append(line[: rng.randint(0, len(line))])  # truncated
    return rng.choice([".jsonl", ".ndjson"]), "\n".join(lines).encode()


def gen_json(rng):
    data = _record(rng) if rng.random() < 0.5 else [_record(rng) for _ in range(rng.randint(0, 5))]
    return ".json", json.dumps(data).encode()


def gen_deep_json(rng):
    depth = rng.choice([100, 1000, 10_000, 50_000])
    opener, closer = rng.choice([("[", "]"), ('{"text":', "}"), ('{"a":[', "]}")])
    body = opener * depth + "1" + (closer * depth if rng.random() < 0.7 else "")
    return rng.choice([".json", ".jsonl", ".txt"]), body.encode()


def gen_english(rng):
    return rng.choice([".txt", ".md"]), _english(rng).encode()


GENERATORS: dict[str, Callable] = {
    "random_bytes": gen_random_bytes, "invalid_utf8": gen_invalid_utf8,
    "control_chars": gen_control_chars, "nul_bytes": gen_nul_bytes, "long_line": gen_long_line,
    "nested_html": gen_nested_html, "broken_html": gen_broken_html, "jsonl": gen_jsonl,
    "json": gen_json, "deep_json": gen_deep_json, "english": gen_english,
}
WEIGHTS = {"long_line": 0.2, "nested_html": 0.5}  # slow kinds are drawn less often


def mutate(rng: random.Random, data: bytes) -> bytes:
    """A few byte-level edits: flip, delete, duplicate, insert a hostile byte, truncate."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not b:
            b.extend(rng.randbytes(rng.randint(1, 16)))
            continue
        i = rng.randrange(len(b))
        op = rng.randrange(5)
        if op == 0:
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            del b[i: i + rng.randint(1, 16)]
        elif op == 2:
            b[i:i] = b[i: i + rng.randint(1, 64)]
        elif op == 3:
            b[i:i] = rng.choice([b"\x00", b"\xff", b"\n", b"\r", b"\xe2\x80\xa8", b"<", b"{", b'"', b"\\"])
        else:
            del b[rng.randint(0, len(b)):]
    return bytes(b)


def make_input(rng: random.Random) -> tuple[str, str, bytes]:
    """(kind, file suffix, bytes) of one generated input; a third of them are then mutated."""
    kinds = list(GENERATORS)
    kind = rng.choices(kinds, weights=[WEIGHTS.get(k, 1.0) for k in kinds])[0]
    suffix, data = GENERATORS[kind](rng)
    if kind != "long_line" and rng.random() < 0.33:
        kind, data = kind + "+mutated", mutate(rng, data)
    return kind, suffix, data


# -- running one input --------------------------------------------------------------------------

def _no_records(suffix: str, data: bytes) -> bool:
    """True when the input legitimately holds no document: blank JSON Lines, or `[]`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if suffix in (".jsonl", ".ndjson"):
        return not text.strip()
    if suffix == ".json":
        try:
            return json.loads(text) == []
        except (ValueError, RecursionError):
            return False
    return False


def problems_of(item, path: str) -> list[str]:
    """What is wrong with one result (a `Document` or `Failure`), if anything."""
    from eventwire.models import Document, Failure

    if isinstance(item, Failure):
        found = []
        if not isinstance(item.reason, str) or not item.reason.strip():
            found.append("failure without a reason")
        elif "\n" in item.reason or "\r" in item.reason:
            found.append(f"multi-line reason: {item.reason[:120]!r}")
        if path not in item.message():
            found.append(f"failure message does not name the document: {item.message()[:120]!r}")
        return found
    if isinstance(item, Document):
        return [] if item.doc_id else ["document without an id"]
    return [f"unexpected result type {type(item).__name__}"]


def run_one(engine, path: Path, suffix: str, data: bytes, timeout: float) -> dict:
    """Read and extract one input file; returns what happened: results, problems (broken
    invariants), timeouts, seconds per document."""
    from eventwire.ingest import read_inputs
    from eventwire.models import Failure, RawDocument

    out = {"results": [], "problems": [], "timeouts": [], "seconds": []}
    path.write_bytes(data)
    try:
        start = time.monotonic()
        with time_limit(timeout):
            items = list(read_inputs([str(path)]))
        read_seconds = time.monotonic() - start
    except TimeLimitExceeded:
        out["timeouts"].append(f"reading took longer than {timeout:g} s")
        out["results"].append(Failure(origin=str(path), reason=f"timeout: reading took over {timeout:g} s"))
        return out
    except Exception as exc:
        out["problems"].append(f"exception escaped read_inputs: {type(exc).__name__}: {exc!s:.200}\n"
                               + traceback.format_exc(limit=6))
        return out
    if not items and not _no_records(suffix, data):
        out["problems"].append("input yielded neither a document nor a failure")
    for item in items:
        if not isinstance(item, RawDocument):
            out["results"].append(item)
            out["seconds"].append(0.0)
            continue
        try:
            start = time.monotonic()
            with time_limit(2 * timeout + 5):  # a guard: the engine's own limit should act first
                (result,) = list(engine.process_many([item]))
            out["seconds"].append(time.monotonic() - start + read_seconds / len(items))
            if isinstance(result, Failure) and result.reason.startswith("time limit exceeded"):
                out["timeouts"].append(f"document {item.doc_id} ({len(item.text):,} characters): {result.reason}")
        except TimeLimitExceeded:
            out["problems"].append(f"document {item.doc_id} ran past the engine's time limit of {timeout:g} s")
            result = Failure(origin=item.origin or str(path), doc_id=item.doc_id,
                             reason=f"timeout: extraction took over {2 * timeout + 5:g} s")
            out["seconds"].append(timeout)
        except Exception as exc:
            out["problems"].append(f"exception escaped process_many: {type(exc).__name__}: {exc!s:.200}\n"
                                   + traceback.format_exc(limit=6))
            continue
        out["results"].append(result)
    for result in out["results"]:
        out["problems"].extend(problems_of(result, str(path)))
    return out


_NUMBERS = re.compile(r"\d[\d,.]*")


def reason_key(reason: str) -> str:
    """A failure reason with numbers and quoted parts removed, for counting by kind."""
    reason = re.sub(r"'[^']*'|\"[^\"]*\"|\([^)]*\)", "…", reason)
    return _NUMBERS.sub("N", reason)[:90]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="inputs to generate (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds allowed per document (default 10)")
    parser.add_argument("--save", metavar="DIR", help="keep the inputs that broke an invariant here")
    parser.add_argument("--model", help="spaCy model (default: eventwire's default)")
    args = parser.parse_args(argv)

    from eventwire import Engine
    from eventwire.models import Document

    started = time.monotonic()
    engine = Engine(model=args.model, time_limit=args.timeout).load()
    load_seconds = time.monotonic() - started
    rng = random.Random(args.seed)
    kinds: collections.Counter = collections.Counter()
    reasons: collections.Counter = collections.Counter()
    broken: list[tuple[int, str, str]] = []
    timeouts: list[tuple[int, str, str]] = []
    documents = failures = 0
    slowest = (0.0, "")
    with tempfile.TemporaryDirectory(prefix="eventwire-fuzz-") as tmp:
        for i in range(args.count):
            kind, suffix, data = make_input(rng)
            kinds[kind.split("+")[0]] += 1
            path = Path(tmp) / f"input-{i:06d}{suffix}"
            out = run_one(engine, path, suffix, data, args.timeout)
            for result in out["results"]:
                if isinstance(result, Document):
                    documents += 1
                else:
                    failures += 1
                    reasons[reason_key(result.reason)] += 1
            for seconds in out["seconds"]:
                if seconds > slowest[0]:
                    slowest = (seconds, f"input {i} ({kind}, {len(data):,} bytes)")
            broken.extend((i, kind, problem) for problem in out["problems"])
            timeouts.extend((i, kind, problem) for problem in out["timeouts"])
            if args.save and (out["problems"] or out["timeouts"]):
                Path(args.save).mkdir(parents=True, exist_ok=True)
                (Path(args.save) / path.name).write_bytes(data)
            path.unlink(missing_ok=True)
            if (i + 1) % 500 == 0:
                print(f"… {i + 1:,} inputs, {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    elapsed = time.monotonic() - started
    print(f"inputs: {args.count:,} (seed {args.seed}), documents: {documents:,}, failures: {failures:,}")
    print("inputs by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print("failures by reason:")
    for reason, n in reasons.most_common():
        print(f"  {n:6,}  {reason}")
    print(f"slowest document: {slowest[0]:.2f} s ({slowest[1] or '-'})")
    print(f"time: {elapsed:.0f} s ({load_seconds:.0f} s loading the model; "
          f"{(elapsed - load_seconds) / max(args.count, 1) * 1000:.0f} ms per input)")
    print(f"timeouts (over {args.timeout:g} s): {len(timeouts)}")
    for i, kind, problem in timeouts[:20]:
        print(f"  input {i} ({kind}): {problem}")
    print(f"broken invariants: {len(broken)}")
    for i, kind, problem in broken[:50]:
        print(f"  input {i} ({kind}): {problem}")
    return 1 if broken or timeouts else 0


if __name__ == "__main__":
    sys.exit(main())
