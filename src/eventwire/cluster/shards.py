"""Parquet shards: one file per table for each partition, `DIR/TABLE/PARTITION.parquet`.

Each file is written under a temporary name in the same folder and renamed into place, so a
reader never sees half a file and a partition computed twice ends as one file. `articles` keeps
each Document's whole JSON (the store is loaded from it); the other tables are flat columns for
reading the shards with any Parquet tool.
"""
from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from eventwire.models import Document, Failure

S, I, F, B = pa.string(), pa.int64(), pa.float64(), pa.bool_()  # noqa: E741 (column types, short)
STRINGS = pa.list_(pa.string())

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([("doc_id", S), ("schema", S), ("published", S), ("title", S), ("source", S),
                           ("url", S), ("origin", S), ("text", S), ("errors", STRINGS), ("events", I),
                           ("json", S)]),
    "events": pa.schema([("doc_id", S), ("idx", I), ("event_id", S), ("type", S), ("mode", S), ("cameo", S),
                         ("quad", S), ("score", F), ("status", S), ("certainty", S), ("confidence", F),
                         ("date", S), ("date_precision", S), ("date_how", S), ("sentence", I),
                         ("trigger_text", S), ("trigger_start", I), ("trigger_end", I),
                         ("actors", STRINGS), ("recipients", STRINGS), ("place_name", S),
                         ("place_country", S), ("lat", F), ("lon", F), ("json", S)]),
    "mentions": pa.schema([("doc_id", S), ("event_idx", I), ("event_id", S), ("idx", I), ("text", S),
                           ("start", I), ("end", I)]),
    "entities": pa.schema([("doc_id", S), ("idx", I), ("entity_id", S), ("text", S), ("start", I), ("end", I),
                           ("label", S), ("actor_name", S), ("actor_country", S), ("actor_sector", S),
                           ("actor_role", S), ("actor_kb_id", S), ("actor_how", S), ("refers_to", S)]),
    "places": pa.schema([("doc_id", S), ("idx", I), ("text", S), ("start", I), ("end", I), ("name", S),
                         ("geonameid", I), ("country", S), ("admin1", S), ("lat", F), ("lon", F),
                         ("feature", S), ("as_actor", B)]),
    "times": pa.schema([("doc_id", S), ("idx", I), ("text", S), ("start", I), ("end", I), ("value", S),
                        ("precision", S), ("relation", S)]),
    "quantities": pa.schema([("doc_id", S), ("idx", I), ("text", S), ("start", I), ("end", I),
                             ("value", F), ("qualifier", S), ("unit", S), ("kind", S)]),
    "quotes": pa.schema([("doc_id", S), ("idx", I), ("text", S), ("start", I), ("end", I), ("cue", S),
                         ("speaker_text", S), ("speaker_start", I), ("speaker_end", I),
                         ("speaker_name", S), ("speaker_country", S)]),
    "failures": pa.schema([("origin", S), ("doc_id", S), ("reason", S)]),
}
TABLES = tuple(SCHEMAS)


def _label(p) -> str:
    return p.country or p.name or p.text


def rows(docs: Sequence[tuple[str, Document]], failures: Sequence[Failure]) -> dict[str, list[dict]]:
    """The rows of every table for (origin, document) pairs and failures."""
    out: dict[str, list[dict]] = {t: [] for t in TABLES}
    for origin, d in docs:
        did = d.doc_id
        out["articles"].append({
            "doc_id": did, "schema": d.schema, "published": d.published, "title": d.title,
            "source": d.source, "url": d.url, "origin": origin, "text": d.text, "errors": list(d.errors),
            "events": len(d.events), "json": json.dumps(d.to_dict(), ensure_ascii=False)})
        for i, e in enumerate(d.events):
            loc, date = e.location, e.date
            out["events"].append({
                "doc_id": did, "idx": i, "event_id": e.id, "type": e.type, "mode": e.mode, "cameo": e.cameo,
                "quad": e.quad, "score": e.score, "status": e.status, "certainty": e.certainty,
                "confidence": e.confidence, "date": date.value if date else None,
                "date_precision": date.precision if date else None, "date_how": date.how if date else None,
                "sentence": e.sentence, "trigger_text": e.trigger.text, "trigger_start": e.trigger.start,
                "trigger_end": e.trigger.end, "actors": [_label(p) for p in e.actor],
                "recipients": [_label(p) for p in e.recipient], "place_name": loc.name if loc else None,
                "place_country": loc.country if loc else None, "lat": loc.lat if loc else None,
                "lon": loc.lon if loc else None, "json": json.dumps(e.to_dict(), ensure_ascii=False)})
            out["mentions"].extend(
                {"doc_id": did, "event_idx": i, "event_id": e.id, "idx": k, "text": m.text, "start": m.start,
                 "end": m.end} for k, m in enumerate(e.mentions))
        for i, e in enumerate(d.entities):
            a = e.actor
            out["entities"].append({
                "doc_id": did, "idx": i, "entity_id": e.id, "text": e.text, "start": e.start, "end": e.end,
                "label": e.label, "actor_name": a.name if a else None, "actor_country": a.country if a else None,
                "actor_sector": a.sector if a else None, "actor_role": a.role if a else None,
                "actor_kb_id": a.kb_id if a else None, "actor_how": a.how if a else None,
                "refers_to": e.refers_to})
        out["places"].extend({"doc_id": did, "idx": i, **p.to_dict()} for i, p in enumerate(d.places))
        out["times"].extend({"doc_id": did, "idx": i, **t.to_dict()} for i, t in enumerate(d.times))
        out["quantities"].extend({"doc_id": did, "idx": i, **{**q.to_dict(), "value": float(q.value)}}
                                 for i, q in enumerate(d.quantities))
        for i, q in enumerate(d.quotes):
            s = q.speaker
            a = s.actor if s else None
            out["quotes"].append({
                "doc_id": did, "idx": i, "text": q.text, "start": q.start, "end": q.end, "cue": q.cue,
                "speaker_text": s.text if s else None, "speaker_start": s.start if s else None,
                "speaker_end": s.end if s else None, "speaker_name": a.name if a else None,
                "speaker_country": a.country if a else None})
    out["failures"] = [{"origin": f.origin, "doc_id": f.doc_id, "reason": f.reason} for f in failures]
    return out


def shard_path(table: str, key: str) -> str:
    """A shard's path relative to the shard folder."""
    return f"{table}/{key}.parquet"


def write_partition(root: str | Path, key: str, docs: Sequence[tuple[str, Document]],
                    failures: Sequence[Failure]) -> dict[str, str]:
    """Write every table's shard of partition `key`; returns table → relative path."""
    root = Path(root)
    files: dict[str, str] = {}
    for table, records in rows(docs, failures).items():
        rel = shard_path(table, key)
        final = root / rel
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.parent / f".{key}.{uuid.uuid4().hex}.tmp"
        try:
            pq.write_table(pa.Table.from_pylist(records, schema=SCHEMAS[table]), tmp, compression="zstd")
            os.replace(tmp, final)  # atomic on one filesystem: the old file or the new one, whole
        finally:
            tmp.unlink(missing_ok=True)
        files[table] = rel
    return files


def read_shard(root: str | Path, rel: str, columns: Sequence[str] | None = None) -> list[dict]:
    return pq.read_table(Path(root) / rel, columns=list(columns) if columns else None).to_pylist()
