"""The corpus store: extracted documents kept in one SQLite file, and one API to read them.

- `schema`: tables, version, connection settings;
- `writer`: `Writer`, the single writer (one transaction per article);
- `ingest`: reading, skipping what is stored, extracting (optionally in worker processes);
- `filters`: `EventFilter`, which events to select, and its SQL;
- `results`: the dataclasses the read API returns;
- `merge`: `merge` and `MergeRules`, mentions of one real-world event grouped into merged events;
- `query`: `Store`, the read API (events, merged events, timeline, network, articles, failures);
- `export`: event tables in JSON Lines, CSV, Parquet, GDELT-, PLOVER- and ICEWS-style layouts.

Events are stored per mention: one row for each event an article reports. `merge` groups the
mentions of the same real-world event, within and across articles, in tables of its own
(`merged_events`, `merged_members`), leaving the per-article rows as they are.
"""
from eventwire.store.filters import EventFilter
from eventwire.store.merge import MergeRules
from eventwire.store.query import Store
from eventwire.store.results import EventHit, MergedEvent
from eventwire.store.schema import SCHEMA_VERSION, connect
from eventwire.store.writer import Writer

__all__ = ["SCHEMA_VERSION", "EventFilter", "EventHit", "MergeRules", "MergedEvent", "Store", "Writer", "connect"]
