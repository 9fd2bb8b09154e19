"""`Engine`: the one object that turns raw documents into `Document`s.

It owns the spaCy pipeline (loaded once, lazily) and processes documents in batches; a document
that breaks a component is retried on its own and, if it still fails, reported as a `Failure`
while the rest of the batch goes on.
"""
from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Optional

from eventwire.errors import InputError
from eventwire.ingest import DEFAULT_MAX_CHARS, read_text_document
from eventwire.models import Document, Failure, RawDocument
from eventwire.timelimit import TimeLimitExceeded, time_limit

# Seconds one document may take. A news article takes well under a second; the longest document
# allowed by default (1,000,000 characters) about a minute on one core.
DEFAULT_TIME_LIMIT = 300.0


class Engine:
    """Extraction with one spaCy pipeline. `model`: an installed spaCy package name;
    `actors`: extra actor files (our JSONL or PETRARCH .txt); `lexicon`: extra event-trigger
    files (the format of data/events/lexicon.jsonl); `time_limit`: seconds a document may take
    before it is recorded as a failure (0: no limit; only enforced in a process's main thread,
    see `eventwire.timelimit`)."""

    def __init__(
        self,
        model: Optional[str] = None,
        actors: Sequence[str] = (),
        max_chars: int = DEFAULT_MAX_CHARS,
        batch_size: int = 16,
        lexicon: Sequence[str] = (),
        time_limit: float = DEFAULT_TIME_LIMIT,
    ):
        from eventwire.nlp.pipeline import DEFAULT_MODEL

        self.model = model or DEFAULT_MODEL
        self.actors = tuple(str(a) for a in actors)
        self.lexicon = tuple(str(x) for x in lexicon)
        self.max_chars = max_chars
        self.batch_size = batch_size
        self.time_limit = time_limit

    def load(self) -> "Engine":
        """Load the pipeline now (it is otherwise loaded on first use); raises `ModelError`."""
        _ = self.nlp
        return self

    @functools.cached_property
    def nlp(self):
        from eventwire.nlp.pipeline import load_pipeline

        nlp = load_pipeline(self.model, self.actors, self.lexicon)
        nlp.max_length = max(nlp.max_length, self.max_chars + 1)
        return nlp

    def extract(
        self,
        text: str,
        *,
        doc_id: Optional[str] = None,
        published: Optional[str] = None,
        title: Optional[str] = None,
        source: Optional[str] = None,
        url: Optional[str] = None,
    ) -> Document:
        """Extract one text; raises `InputError` when the text cannot be processed."""
        raw = read_text_document(
            text, doc_id=doc_id, published=published, title=title, source=source, url=url,
            max_chars=self.max_chars,
        )
        result = next(self.process_many([raw]))
        if isinstance(result, Failure):
            raise InputError(result.reason, origin=result.origin, doc_id=result.doc_id)
        return result

    def process_many(self, items: Iterable[RawDocument | Failure]) -> Iterator[Document | Failure]:
        """Documents (or failures) in input order; failures passed in are passed through."""
        iterator = iter(items)
        while True:
            chunk = list(itertools.islice(iterator, self.batch_size))
            if not chunk:
                return
            raws = [x for x in chunk if isinstance(x, RawDocument)]
            results: dict[int, Document | Failure] = {}
            try:
                with time_limit(self._batch_limit(raws)):
                    for raw, doc in zip(raws, self.nlp.pipe(self._docs(raws)), strict=True):
                        results[id(raw)] = self._assemble(doc, raw)
            except TimeLimitExceeded:  # the documents not done yet, one by one, each with its limit
                results.update({id(raw): self._one(raw) for raw in raws if id(raw) not in results})
            except Exception:  # retry one by one so one bad document does not sink its batch
                results = {id(raw): self._one(raw) for raw in raws}
            for x in chunk:
                yield results[id(x)] if isinstance(x, RawDocument) else x

    def _batch_limit(self, raws: list[RawDocument]) -> float:
        """A batch may take one document's limit, plus as much again per million characters."""
        return self.time_limit * (1 + sum(len(r.text) for r in raws) // 1_000_000)

    def _docs(self, raws: list[RawDocument]):
        for raw in raws:
            doc = self.nlp.make_doc(raw.text)
            doc._.ew_published = raw.published
            yield doc

    def _one(self, raw: RawDocument) -> Document | Failure:
        try:
            with time_limit(self.time_limit):
                doc = self.nlp(next(self._docs([raw])))
                return self._assemble(doc, raw)
        except TimeLimitExceeded:
            return self._failure(raw, f"time limit exceeded: processing took longer than {self.time_limit:g} s")
        except Exception as exc:  # a bug or an input no rule expected: record it and go on
            return self._failure(raw, f"processing failed: {type(exc).__name__}: {exc}")

    @staticmethod
    def _failure(raw: RawDocument, reason: str) -> Failure:
        return Failure(origin=raw.origin or raw.doc_id, doc_id=raw.doc_id, reason=reason)

    @staticmethod
    def _assemble(doc, raw: RawDocument) -> Document:
        from eventwire.assemble import assemble

        return assemble(doc, raw)


@functools.lru_cache(maxsize=2)
def default_engine(model: Optional[str] = None) -> Engine:
    return Engine(model=model)


def extract(text: str, **kwargs) -> Document:
    """Extract one text with the default engine: `eventwire.extract("…", published="2025-05-07")`."""
    return default_engine().extract(text, **kwargs)
