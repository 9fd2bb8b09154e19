"""The corpus-store commands of `eventwire`: ingest, query, timeline, network, export,
article and failures. Each parses its options, calls `eventwire.store` and prints."""
from __future__ import annotations

import csv
import functools
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from eventwire.cli_cluster import cluster_ingest, cluster_options, wants_cluster
from eventwire.cli_common import (
    PROGRESS_HELP,
    document_bar,
    reading_options,
)
from eventwire.errors import EventwireError
from eventwire.models import Failure

DEFAULT_DB = "eventwire.db"
OUTPUT_FORMATS = ("table", "json", "csv")

_db_option = click.option(
    "--db", default=DEFAULT_DB, show_default=True, envvar="EVENTWIRE_DB", type=click.Path(dir_okay=False),
    help="The store file (SQLite). Also read from $EVENTWIRE_DB.")
_format_option = click.option(
    "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table", show_default=True,
    help="table: aligned columns; json: one JSON object per line; csv: with a header row.")


def _check_date(ctx, param, value):
    if value is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise click.BadParameter(f"{value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    return value


def _filter_options(command):
    """The event filter options shared by query, timeline, network and export."""
    options = [
        click.option("--actor", metavar="WHO", help="Actor: a country or sector code (KEN, GOV), "
                     "both (KEN-GOV), or part of a name ('ruto')."),
        click.option("--recipient", metavar="WHO", help="Recipient, as for --actor."),
        click.option("--type", "type_", metavar="TYPES", help="PLOVER event types, comma-separated (CONSULT,ASSAULT)."),
        click.option("--mode", metavar="MODES", help="PLOVER modes, comma-separated."),
        click.option("--status", metavar="STATUSES", help="occurred, ongoing, future, historical, "
                     "hypothetical, negated; comma-separated."),
        click.option("--since", metavar="DATE", callback=_check_date,
                     help="Events dated on or after this YYYY-MM-DD, YYYY-MM or YYYY."),
        click.option("--until", metavar="DATE", callback=_check_date,
                     help="Events dated on or before this YYYY-MM-DD, YYYY-MM (the whole month) or YYYY."),
        click.option("--place", metavar="WHERE", help="Event location: a country code (KEN) or part of a place name."),
        click.option("--text", metavar="WORDS",
                     help="Only articles whose title, text or quotes contain all these words."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _event_filter(kw: dict):
    from eventwire.store import EventFilter

    return EventFilter(actor=kw.pop("actor"), recipient=kw.pop("recipient"), type=kw.pop("type_"),
                       mode=kw.pop("mode"), status=kw.pop("status"), since=kw.pop("since"),
                       until=kw.pop("until"), place=kw.pop("place"), text=kw.pop("text"))


def _open(db: str, create: bool = False):
    from eventwire.store import Store

    if not create and not Path(db).is_file():
        raise click.ClickException(f"no store at {db}; fill one with `eventwire ingest PATH --db {db}`")
    try:
        return Store(db)
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None


def _print_rows(rows: list[dict], fmt: str, columns: list[str]) -> None:
    """Rows of plain values as a table, JSON Lines or CSV."""
    if fmt == "json":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        out = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        out.writeheader()
        out.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    else:
        cells = [[_cell(row.get(c)) for c in columns] for row in rows]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
        click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
        for r in cells:
            click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())


def _cell(value) -> str:
    if value is None:
        return "-"
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


@click.command()
@click.argument("paths", nargs=-1, required=True)
@_db_option
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Extract in this many worker processes (each loads the pipeline once); "
                   "this process alone writes to the store.")
@reading_options
@click.option("--progress/--no-progress", default=None, help=PROGRESS_HELP)
@click.option("--merge/--no-merge", "do_merge", default=True, show_default=True,
              help="Afterwards, merge the new event mentions into merged events (see `eventwire merge`).")
@cluster_options
def ingest(paths, db, jobs, published, fmt, model, actors, lexicon, max_chars, time_limit, progress, do_merge,
           **cluster_kw):
    """Extract PATHS into the corpus store (created if missing).

    PATHS are read as by `eventwire extract` (files, directories, '-'). A document whose id is
    already stored is skipped before any processing, so an interrupted run can just be run
    again: each article is committed in a transaction of its own. Documents that cannot be read
    or processed are recorded in the store (see `eventwire failures`), reported on stderr, and
    make the exit status 1.
    """
    from eventwire.ingest import read_inputs
    from eventwire.ingest.dates import normalise_published
    from eventwire.store import Writer
    from eventwire.store.ingest import ingest as run_ingest

    if published is not None:
        value, warning = normalise_published(published)
        if warning:
            raise click.BadParameter(warning, param_hint="--published")
        published = value
    options = {"model": model, "actors": actors, "lexicon": lexicon, "max_chars": max_chars,
               "time_limit": time_limit}
    if wants_cluster(cluster_kw):  # on Dask workers, into Parquet shards: see docs/CLUSTER.md
        return cluster_ingest(paths, db, published=published, fmt=fmt, max_chars=max_chars, progress=progress,
                              engine_options=options, **cluster_kw)
    store = _open(db, create=True)
    bar = document_bar(progress, "ingest", paths, fmt)
    tally = {"stored": 0, "skipped": 0, "failed": 0}

    def on_result(origin: str, result) -> None:
        key = "skipped" if result is None else "failed" if isinstance(result, Failure) else "stored"
        tally[key] += 1
        if isinstance(result, Failure):
            (bar.write if bar is not None else functools.partial(click.echo, err=True))(
                f"eventwire: error: {result.message()}")
        if bar is not None:
            bar.update(1)
            bar.set_postfix(tally, refresh=False)

    try:
        items = read_inputs(paths, fmt=fmt, published=published, max_chars=max_chars)
        counts = run_ingest(items, Writer(store.conn), engine_options=options, jobs=jobs, on_result=on_result)
        if do_merge:
            from eventwire.store.merge import merge as merge_events

            merged = merge_events(store.conn)
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        raise click.ClickException("interrupted; what was stored is kept, run the same command "
                                   "again to finish") from None
    finally:
        if bar is not None:
            bar.close()
        store.close()
    click.echo(f"eventwire: {counts.stored} stored, {counts.skipped} already stored, "
               f"{counts.failed} failed ({db})", err=True)
    if do_merge:
        click.echo(f"eventwire: {merged.mentions} event mentions, {merged.merged_events} merged events", err=True)
    if counts.failed:
        sys.exit(1)


@click.command()
@_db_option
@_format_option
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many.")
def failures(db, fmt, limit):
    """List the documents that could not be stored, most recent first, with the reason.

    A failure is kept once per input and reason (with how many attempts failed) and is cleared
    when the same input is later stored.
    """
    with _open(db) as store:
        rows = [f.to_dict() for f in store.failures(limit)]
    _print_rows(rows, fmt, ["origin", "doc_id", "reason", "attempts", "last_seen"])


_EVENT_COLUMNS = ["date", "type", "mode", "actor", "recipient", "place", "status", "trigger", "article", "event"]


def _event_row(hit) -> dict:
    e = hit.event

    def who(parties) -> str | None:
        return ", ".join(p.country or p.name or p.text for p in parties) or None

    return {"date": e.date.value if e.date else None, "type": e.type, "mode": e.mode,
            "actor": who(e.actor), "recipient": who(e.recipient),
            "place": e.location.name if e.location else None, "status": e.status,
            "trigger": e.trigger.text, "article": hit.article_id, "event": e.id}


@click.command()
@_db_option
@_filter_options
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Events per page.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, help="Events to skip (pagination).")
@_format_option
@click.option("--merged", is_flag=True, help="Show merged events (one per real-world event, with "
              "mention and source counts) that have a mention matching the filters.")
@click.option("--parquet", metavar="DIR", type=click.Path(exists=True, file_okay=False),
              help="Query the Parquet shards of `ingest --cluster` in DIR instead of a store.")
def query(db, limit, offset, fmt, merged, parquet, **kw):
    """Show stored event mentions that match the filters, by date.

    The table shows the coded fields; --format json gives each event in full with its article's
    id, title, URL and evidence sentence; --format csv gives the flat columns of `export --format csv`.
    With --merged, merged events instead (`eventwire merge --show ID` prints one with its evidence).
    Example: eventwire query --actor KEN --type CONSULT,AGREE --since 2025-01-01
    """
    where = _event_filter(kw)
    open_store = _open
    if parquet:
        from eventwire.cli_cluster import parquet_opener

        open_store = parquet_opener(parquet)
    if merged:
        with open_store(db) as store:
            rows = [m.to_dict() for m in store.merged_events(where, limit=limit, offset=offset)]
        for row in rows:
            row.pop("members")
            if fmt != "json":
                row["actors"], row["recipients"] = (",".join(row[k]) or None for k in ("actors", "recipients"))
        _print_rows(rows, fmt, _MERGED_COLUMNS if fmt == "table" else list(rows[0]) if rows else [])
        return
    with open_store(db) as store:
        hits = store.events(where, limit=limit, offset=offset)
    if fmt == "json":
        _print_rows([h.to_dict() for h in hits], fmt, [])
    elif fmt == "csv":
        from eventwire.store.export import FLAT_COLUMNS, records

        _print_rows(list(records(hits, "csv")), fmt, [name for name, _ in FLAT_COLUMNS])
    else:
        _print_rows([_event_row(h) for h in hits], fmt, _EVENT_COLUMNS)


@click.command()
@_db_option
@_filter_options
@click.option("--by", type=click.Choice(("day", "week", "month", "year")), default="day", show_default=True,
              help="Period; weeks are ISO weeks (2025-W11). Events dated less precisely are left out.")
@click.option("--group", type=click.Choice(("type", "dyad")), default="type", show_default=True,
              help="One series per PLOVER type, or per actor→recipient country pair.")
@_format_option
def timeline(db, by, group, fmt, **kw):
    """Count events and sum their PLOVER scores (−10 conflict … +10 cooperation) per period.

    Example: eventwire timeline --by week --group dyad --actor KEN
    """
    with _open(db) as store:
        points = store.timeline(_event_filter(kw), by=by, group=group)
    _print_rows([p.to_dict() for p in points], fmt, ["period", "group", "events", "score"])


@click.command()
@_db_option
@_filter_options
@click.option("--node", type=click.Choice(("country", "code", "name")), default="country", show_default=True,
              help="What a node is: a country code, country and sector (KEN-GOV), or the actor's name.")
@_format_option
def network(db, node, fmt, **kw):
    """Actor → recipient edges: how many events each pair has and their mean PLOVER score.

    Events with several actors or recipients count once per pair (as `extract --dyads`);
    events without a recipient make no edge. Example: eventwire network --type ASSAULT --format csv
    """
    with _open(db) as store:
        edges = store.network(_event_filter(kw), node=node)
    _print_rows([e.to_dict() for e in edges], fmt, ["source", "target", "events", "mean_score"])


@click.command(name="export")
@_db_option
@_filter_options
@click.option("--format", "fmt", type=click.Choice(("jsonl", "csv", "parquet", "gdelt", "plover", "icews")),
              required=True, help="jsonl: events in full; csv/parquet: flat columns; gdelt, icews: "
              "tab-separated dyads in those layouts; plover: PLOVER-style JSON Lines. See docs/EXPORTS.md.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="File to write.")
def export_command(db, fmt, output, **kw):
    """Write the events that match the filters to a file.

    Example: eventwire export --format gdelt -o events.tsv --since 2025-03-01
    """
    from eventwire.store.export import export

    with _open(db) as store:
        n = export(store.iter_events(_event_filter(kw)), fmt, output)
    click.echo(f"eventwire: wrote {n} row(s) to {output}", err=True)


@click.command()
@click.argument("article_id")
@_db_option
@click.option("--pretty", is_flag=True, help="Indented JSON.")
def article(article_id, db, pretty):
    """Print a stored article with all its units, as `eventwire extract` writes it."""
    with _open(db) as store:
        found = store.article(article_id)
    if found is None:
        raise click.ClickException(f"no article {article_id!r} in {db}")
    click.echo(json.dumps(found.document.to_dict(), ensure_ascii=False, indent=2 if pretty else None))


_MERGED_COLUMNS = ["date", "type", "actors", "recipients", "place_name", "trigger", "mention_count",
                   "source_count", "first_seen", "last_seen", "id"]


@click.command(name="merge")
@click.argument("shards", required=False, type=click.Path(exists=True, file_okay=False))
@_db_option
@click.option("--rebuild", is_flag=True, help="Forget all merged events and merge every mention again.")
@click.option("--show", "show", metavar="ID", help="Print this merged event with all its evidence (JSON) instead.")
@click.option("--pretty", is_flag=True, help="Indented JSON (with --show).")
@click.option("--merge-events/--no-merge-events", "merge_events", default=True, show_default=True,
              help="With SHARDS: afterwards merge the new event mentions, as `ingest` does.")
@click.option("--progress/--no-progress", default=None, help=PROGRESS_HELP)
def merge_command(shards, db, rebuild, show, pretty, merge_events, progress):
    """Merge event mentions that report the same real-world event, within and across articles;
    with SHARDS (the folder `eventwire ingest --cluster` wrote), first load them into the store.

    Only mentions not merged yet are added (`ingest` does this at its end); the criteria are in
    docs/MERGING.md. Examples: eventwire merge --rebuild; eventwire merge corpus.shards --db
    corpus.db; eventwire query --merged --actor UKR
    """
    if shards:
        from eventwire.cli_cluster import load_shards_into

        load_shards_into(shards, db, merge_events, progress)
        return
    if show:
        with _open(db) as store:
            found = store.merged_event(show)
        if found is None:
            raise click.ClickException(f"no merged event {show!r} in {db}")
        click.echo(json.dumps(found.to_dict(), ensure_ascii=False, indent=2 if pretty else None))
        return
    from eventwire.store.merge import merge

    with _open(db) as store:
        counts = merge(store.conn, rebuild=rebuild)
    click.echo(f"eventwire: {counts.new_mentions} new mention(s) merged; {counts.mentions} event mentions, "
               f"{counts.merged_events} merged events ({db})", err=True)


STORE_COMMANDS: Iterable[click.Command] = (ingest, query, merge_command, timeline, network, export_command, article, failures)
