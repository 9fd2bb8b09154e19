"""Exporting selected events to files, and reading those files back.

Formats (see docs/EXPORTS.md for every column):
- `jsonl`: one `EventHit` per line (article fields, the full event, its evidence sentence);
- `csv`, `parquet`: one flat row per event mention, lists joined with "; ";
- `gdelt`: GDELT 2.0 event-table layout, tab-separated without header, one row per dyad;
- `icews`: ICEWS coded-event layout, tab-separated with header, one row per dyad;
- `plover`: PLOVER-style JSON Lines, one object per event mention with its lists of parties.

The tab-separated layouts escape backslash, tab, newline and carriage return as `\\\\`, `\\t`,
`\\n`, `\\r`, so every value reads back exactly. `records(hits, fmt)` gives the rows a format
holds, `export` writes them and `read_export` reads a file back into the same rows.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Optional

from eventwire.dyads import event_dyads
from eventwire.models import Event, Party
from eventwire.store.results import EventHit

FORMATS = ("jsonl", "csv", "parquet", "gdelt", "plover", "icews")
Row = dict[str, Any]

FLAT_COLUMNS: tuple[tuple[str, type], ...] = (
    ("article_id", str), ("event_id", str), ("published", str), ("date", str), ("date_precision", str),
    ("date_how", str), ("type", str), ("mode", str), ("context", str), ("cameo", str), ("quad", str),
    ("score", float), ("status", str), ("certainty", str), ("confidence", float),
    ("actor_text", str), ("actor_name", str), ("actor_country", str), ("actor_sector", str),
    ("recipient_text", str), ("recipient_name", str), ("recipient_country", str), ("recipient_sector", str),
    ("attributed_to", str), ("place_name", str), ("place_country", str), ("lat", float), ("lon", float),
    ("trigger", str), ("trigger_start", int), ("trigger_end", int), ("sentence", int), ("evidence", str),
    ("title", str), ("source", str), ("url", str),
)

_GEO = ("Type", int), ("FullName", str), ("CountryCode", str), ("ADM1Code", str), ("ADM2Code", str), \
    ("Lat", float), ("Long", float), ("FeatureID", str)
_ACTOR = ("Code", str), ("Name", str), ("CountryCode", str), ("KnownGroupCode", str), ("EthnicCode", str), \
    ("Religion1Code", str), ("Religion2Code", str), ("Type1Code", str), ("Type2Code", str), ("Type3Code", str)
GDELT_COLUMNS: tuple[tuple[str, type], ...] = (
    ("GLOBALEVENTID", int), ("SQLDATE", int), ("MonthYear", int), ("Year", int), ("FractionDate", float),
    *((f"Actor1{n}", t) for n, t in _ACTOR), *((f"Actor2{n}", t) for n, t in _ACTOR),
    ("IsRootEvent", int), ("EventCode", str), ("EventBaseCode", str), ("EventRootCode", str),
    ("QuadClass", int), ("GoldsteinScale", float), ("NumMentions", int), ("NumSources", int),
    ("NumArticles", int), ("AvgTone", float),
    *((f"Actor1Geo_{n}", t) for n, t in _GEO), *((f"Actor2Geo_{n}", t) for n, t in _GEO),
    *((f"ActionGeo_{n}", t) for n, t in _GEO),
    ("DATEADDED", int), ("SOURCEURL", str),
)
ICEWS_COLUMNS: tuple[tuple[str, type], ...] = (
    ("Event ID", str), ("Event Date", str), ("Source Name", str), ("Source Sectors", str),
    ("Source Country", str), ("Event Text", str), ("CAMEO Code", str), ("Intensity", float),
    ("Target Name", str), ("Target Sectors", str), ("Target Country", str), ("Story ID", str),
    ("Sentence Number", int), ("Publisher", str), ("City", str), ("District", str), ("Province", str),
    ("Country", str), ("Latitude", float), ("Longitude", float),
)
_QUAD = {"verbal_cooperation": 1, "material_cooperation": 2, "verbal_conflict": 3, "material_conflict": 4}
_GEO_TYPE = {"country": 1, "admin1": 5, "admin2": 5, "city": 4, "landmark": 4}


def export(hits: Iterable[EventHit], fmt: str, path: str | Path) -> int:
    """Write the rows of `fmt` for `hits` to `path`; returns how many rows were written."""
    rows = records(hits, fmt)
    if fmt in ("jsonl", "plover"):
        return _write_jsonl(rows, path)
    if fmt == "csv":
        return _write_csv(rows, path)
    if fmt == "parquet":
        return _write_parquet(rows, path)
    if fmt == "gdelt":
        return _write_tsv(rows, path, GDELT_COLUMNS, header=False)
    return _write_tsv(rows, path, ICEWS_COLUMNS, header=True)


def read_export(path: str | Path, fmt: str) -> list[Row]:
    """The rows of a file written by `export` in format `fmt`."""
    if fmt in ("jsonl", "plover"):
        with open(path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
    if fmt == "csv":
        with open(path, encoding="utf-8", newline="") as fh:
            return [_typed(row, FLAT_COLUMNS) for row in csv.DictReader(fh)]
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    if fmt == "gdelt":
        return _read_tsv(path, GDELT_COLUMNS, header=False)
    if fmt == "icews":
        return _read_tsv(path, ICEWS_COLUMNS, header=True)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def records(hits: Iterable[EventHit], fmt: str) -> Iterator[Row]:
    """The rows format `fmt` holds for `hits`, as plain values (None for empty)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    n = 0
    for hit in hits:
        if fmt == "jsonl":
            yield hit.to_dict()
        elif fmt == "plover":
            yield _plover(hit)
        elif fmt in ("csv", "parquet"):
            yield _flat(hit)
        else:
            for dyad in event_dyads(hit.event):
                n += 1
                yield _gdelt(hit, dyad, n) if fmt == "gdelt" else _icews(hit, dyad)


# -- row builders ------------------------------------------------------------------------------

def _none(value: Any) -> Any:
    return None if value == "" else value


def _join(parties: tuple[Party, ...], attr: str) -> Optional[str]:
    values = [getattr(p, attr) or "" for p in parties]
    return "; ".join(values) if any(values) else None


def _flat(hit: EventHit) -> Row:
    e = hit.event
    loc = e.location
    row = {
        "article_id": hit.article_id, "event_id": e.id, "published": hit.published,
        "date": e.date.value if e.date else None, "date_precision": e.date.precision if e.date else None,
        "date_how": e.date.how if e.date else None, "type": e.type, "mode": e.mode,
        "context": "; ".join(e.context), "cameo": e.cameo, "quad": e.quad, "score": e.score,
        "status": e.status, "certainty": e.certainty, "confidence": float(e.confidence),
        **{f"{role}_{attr}": _join(getattr(e, role), attr)
           for role in ("actor", "recipient") for attr in ("text", "name", "country", "sector")},
        "attributed_to": (e.attributed_to.name or e.attributed_to.text) if e.attributed_to else None,
        "place_name": loc.name if loc else None, "place_country": loc.country if loc else None,
        "lat": loc.lat if loc else None, "lon": loc.lon if loc else None,
        "trigger": e.trigger.text, "trigger_start": e.trigger.start, "trigger_end": e.trigger.end,
        "sentence": e.sentence, "evidence": hit.evidence, "title": hit.title, "source": hit.source,
        "url": hit.url,
    }
    return {k: _none(v) for k, v in row.items()}


def _day(event: Event) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(event.date.value[:10]) if event.date and event.date.value else None
    except ValueError:
        return None


def _party_code(p: Optional[Party]) -> Optional[str]:
    return (p.country or "") + (p.sector or "") or None if p else None


def _gdelt(hit: EventHit, e: Event, n: int) -> Row:
    day = _day(e)
    published = dt.date.fromisoformat(hit.published) if hit.published else None
    a = e.actor[0] if e.actor else None
    r = e.recipient[0] if e.recipient else None
    loc = e.location
    row: Row = {name: None for name, _ in GDELT_COLUMNS}
    row.update({
        "GLOBALEVENTID": n,
        "SQLDATE": int(day.strftime("%Y%m%d")) if day else None,
        "MonthYear": int(day.strftime("%Y%m")) if day else None,
        "Year": day.year if day else None,
        "FractionDate": round(day.year + (day.month * 30 + day.day) / 365, 4) if day else None,
        "IsRootEvent": int(e.sentence < 3),
        "EventCode": e.cameo, "EventBaseCode": e.cameo[:3] if e.cameo else None,
        "EventRootCode": e.cameo[:2] if e.cameo else None, "QuadClass": _QUAD.get(e.quad or ""),
        "GoldsteinScale": e.score, "NumMentions": 1, "NumSources": 1, "NumArticles": 1,
        "DATEADDED": int(published.strftime("%Y%m%d000000")) if published else None,
        "SOURCEURL": hit.url or hit.article_id,
    })
    for k, p in ((1, a), (2, r)):
        if p is not None:
            row.update({f"Actor{k}Code": _party_code(p), f"Actor{k}Name": p.name or p.text,
                        f"Actor{k}CountryCode": p.country, f"Actor{k}Type1Code": p.sector})
    if loc is not None:
        row.update({
            "ActionGeo_Type": _GEO_TYPE.get(loc.feature),
            "ActionGeo_FullName": ", ".join(x for x in (loc.name, loc.admin1, loc.country) if x),
            "ActionGeo_CountryCode": loc.country, "ActionGeo_ADM1Code": loc.admin1,
            "ActionGeo_Lat": loc.lat, "ActionGeo_Long": loc.lon,
            "ActionGeo_FeatureID": str(loc.geonameid) if loc.geonameid is not None else None,
        })
    return {k: _none(v) for k, v in row.items()}


def _icews(hit: EventHit, e: Event) -> Row:
    a = e.actor[0] if e.actor else None
    r = e.recipient[0] if e.recipient else None
    loc = e.location
    row = {
        "Event ID": f"{hit.article_id}:{e.id}", "Event Date": e.date.value if e.date else None,
        "Source Name": (a.name or a.text) if a else None, "Source Sectors": a.sector if a else None,
        "Source Country": a.country if a else None,
        "Event Text": f"{e.type} {e.mode}" if e.mode else e.type, "CAMEO Code": e.cameo,
        "Intensity": e.score,
        "Target Name": (r.name or r.text) if r else None, "Target Sectors": r.sector if r else None,
        "Target Country": r.country if r else None, "Story ID": hit.article_id,
        "Sentence Number": e.sentence + 1, "Publisher": hit.source,
        "City": loc.name if loc and loc.feature == "city" else None, "District": None,
        "Province": loc.admin1 if loc else None, "Country": loc.country if loc else None,
        "Latitude": loc.lat if loc else None, "Longitude": loc.lon if loc else None,
    }
    return {k: _none(v) for k, v in row.items()}


def _plover(hit: EventHit) -> Row:
    e = hit.event

    def parties(ps: tuple[Party, ...]) -> list[Row]:
        return [{"name": p.name, "text": p.text, "country": p.country, "sector": p.sector} for p in ps]

    loc = e.location
    return {
        "id": f"{hit.article_id}:{e.id}", "date": e.date.value if e.date else None,
        "date_precision": e.date.precision if e.date else None, "event_type": e.type,
        "event_mode": e.mode, "contexts": list(e.context), "quad_class": e.quad, "intensity": e.score,
        "cameo": e.cameo, "actors": parties(e.actor), "recipients": parties(e.recipient),
        "status": e.status, "certainty": e.certainty, "confidence": e.confidence,
        "location": loc.to_dict() if loc else None, "event_text": e.trigger.text,
        "sentence": e.sentence, "evidence": hit.evidence, "story_id": hit.article_id,
        "publication_date": hit.published, "source": hit.source, "title": hit.title, "url": hit.url,
    }


# -- file formats ------------------------------------------------------------------------------

def _write_jsonl(rows: Iterable[Row], path: str | Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def _write_csv(rows: Iterable[Row], path: str | Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=[name for name, _ in FLAT_COLUMNS])
        out.writeheader()
        for row in rows:
            out.writerow({k: "" if v is None else (repr(v) if isinstance(v, float) else v) for k, v in row.items()})
            n += 1
    return n


def _write_parquet(rows: Iterable[Row], path: str | Path, batch: int = 10_000) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = {str: pa.string(), int: pa.int64(), float: pa.float64()}
    schema = pa.schema([(name, kinds[t]) for name, t in FLAT_COLUMNS])
    n = 0
    with pq.ParquetWriter(str(path), schema) as out:
        chunk: list[Row] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                out.write_table(pa.Table.from_pylist(chunk, schema))
                n += len(chunk)
                chunk = []
        out.write_table(pa.Table.from_pylist(chunk, schema))
        n += len(chunk)
    return n


_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def _tsv_value(value: Any) -> str:
    if value is None:
        return ""
    text = repr(value) if isinstance(value, float) else str(value)
    return re.sub(r"[\\\t\n\r]", lambda m: _ESCAPES[m.group()], text)


def _write_tsv(rows: Iterable[Row], path: str | Path, columns, header: bool) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        if header:
            fh.write("\t".join(name for name, _ in columns) + "\n")
        for row in rows:
            fh.write("\t".join(_tsv_value(row[name]) for name, _ in columns) + "\n")
            n += 1
    return n


def _read_tsv(path: str | Path, columns, header: bool) -> list[Row]:
    names = [name for name, _ in columns]
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        lines = fh.read().split("\n")
    for line in lines[1 if header else 0:]:
        if not line:
            continue
        values = [re.sub(r"\\(.)", lambda m: _UNESCAPES.get(m.group(1), m.group(1)), v) for v in line.split("\t")]
        out.append(_typed(dict(zip(names, values, strict=True)), columns))
    return out


def _typed(row: dict[str, str], columns) -> Row:
    kinds = dict(columns)
    return {k: None if v == "" else kinds[k](v) for k, v in row.items()}
