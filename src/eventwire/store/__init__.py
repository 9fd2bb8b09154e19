"""The corpus store: extracted documents kept in one SQLite file, and one API to read them.

- `schema`: tables, version, connection settings;
- `writer`: `Writer`, the single writer (one transaction per article);
- `ingest`: reading, skipping what is stored, extracting (optionally in worker processes);
- `filters`: `EventFilter`, which events to select, and its SQL;
- `results`: the dataclasses the read API returns;
- `query`: `Store`, the read API (events, timeline, network, articles, failures);
- `export`: event tables in JSON Lines, CSV, Parquet, GDELT-, PLOVER- and ICEWS-style layouts.

Events are stored per mention: one row for each event an article reports. Merging mentions of
the same real-world event across articles is not done yet; it belongs in a module of its own
that reads the `events` table and writes a table of its own linking mentions to merged events,
leaving the per-article rows as they are.
"""
from eventwire.store.filters import EventFilter
from eventwire.store.query import Store
from eventwire.store.results import EventHit
from eventwire.store.schema import SCHEMA_VERSION, connect
from eventwire.store.writer import Writer

__all__ = ["SCHEMA_VERSION", "EventFilter", "EventHit", "Store", "Writer", "connect"]
