"""The live-monitoring commands of `eventwire`: watch, alert (add, list, remove, log) and
sources. Each parses its options, calls `eventwire.watch` and prints."""
from __future__ import annotations

import json
import re

import click

from eventwire.cli_common import ACTORS_HELP, LEXICON_HELP, MODEL_HELP
from eventwire.cli_store import DEFAULT_DB
from eventwire.errors import EventwireError
from eventwire.ingest import DEFAULT_MAX_CHARS

_db_option = click.option(
    "--db", default=DEFAULT_DB, show_default=True, envvar="EVENTWIRE_DB", type=click.Path(dir_okay=False),
    help="The store file (SQLite), created if missing. Also read from $EVENTWIRE_DB.")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """'90', '90s', '15m', '1h', '1h30m' → seconds."""
    value = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    parts = re.findall(r"(\d+(?:\.\d+)?)([smhd])", value)
    if not parts or "".join(n + u for n, u in parts) != value:
        raise ValueError(f"{text!r} is not an interval such as 30s, 15m, 1h or 1h30m")
    return sum(float(n) * _UNITS[u] for n, u in parts)


def _interval(ctx, param, value):
    try:
        seconds = parse_interval(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if seconds < 1:
        raise click.BadParameter("the interval must be at least 1 second")
    return seconds


def _load_engine(options: dict):
    """The extraction pipeline, loaded up front so that a missing model is one clear error."""
    from eventwire.engine import Engine

    return Engine(**options).load()


@click.command()
@click.argument("sources", nargs=-1)
@_db_option
@click.option("--every", default="15m", show_default=True, callback=_interval, metavar="INTERVAL",
              help="Time between the starts of two rounds: 30s, 15m, 1h, 1h30m.")
@click.option("--once", is_flag=True, help="Run one round and exit (for cron).")
@click.option("--rounds", type=click.IntRange(min=1), metavar="N", help="Run N rounds, then exit.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True,
              help="Seconds to wait for a connection or between two reads.")
@click.option("--max-bytes", type=click.IntRange(min=1024), default=5 * 1024 * 1024, show_default=True,
              help="Largest feed or page to read; a larger one is cut off and recorded as an error.")
@click.option("--max-redirects", type=click.IntRange(min=0), default=5, show_default=True,
              help="Redirects followed per request (only to http and https URLs).")
@click.option("--model", help=MODEL_HELP)
@click.option("--actors", "actors", multiple=True, type=click.Path(exists=True, dir_okay=False), help=ACTORS_HELP)
@click.option("--lexicon", "lexicon", multiple=True, type=click.Path(exists=True, dir_okay=False), help=LEXICON_HELP)
@click.option("--max-chars", type=click.IntRange(min=1), default=DEFAULT_MAX_CHARS, show_default=True,
              help="Refuse articles longer than this many characters.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only, not the summary of each round.")
def watch(sources, db, every, once, rounds, timeout, max_bytes, max_redirects, model, actors, lexicon,
          max_chars, quiet):
    """Watch SOURCES and keep the store current: fetch, extract, store, merge, alert.

    A SOURCE is an RSS or Atom feed URL (http or https), a feed file, or a folder. Each round
    fetches every feed (a conditional GET: an unchanged feed costs one short request), fetches
    each new item's page, extracts its main text and stores it; folders are scanned for new or
    changed files. Items already seen (by URL, or by content: the same text at another URL) are
    skipped, across rounds and restarts. New event mentions are merged into existing events and
    the alert rules (`eventwire alert`) are checked. A source or item that fails is recorded
    (see `eventwire sources`) and the others go on.

    Sources given once are remembered in the store: `eventwire watch` without SOURCES watches
    them all. Runs until interrupted, or use --once (cron) or --rounds N. Example:

      eventwire watch https://example.org/world.rss ~/inbox/ --every 15m --db news.db
    """
    from eventwire.watch import Deliverer, Fetcher, Watcher, parse_source
    from eventwire.watch.sources import SourceError

    try:
        chosen = [parse_source(s) for s in sources]
    except SourceError as exc:
        raise click.BadParameter(str(exc), param_hint="SOURCE") from None
    try:
        engine = _load_engine({"model": model, "actors": actors, "lexicon": lexicon, "max_chars": max_chars})
        fetcher = Fetcher(timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects)
        watcher = Watcher(db, engine=engine, fetcher=fetcher, deliverer=Deliverer(), max_chars=max_chars)
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        if chosen:
            watcher.add_sources(chosen)
        elif not watcher.sources():
            raise click.UsageError("no SOURCE given and none registered in the store yet")

        def report(r) -> None:
            if not quiet:
                click.echo(f"eventwire: {r.summary()}", err=True)
            for s in r.sources:
                if s.error:
                    click.echo(f"eventwire: error: {s.source}: {s.error}", err=True)
                for item, reason in s.item_errors:
                    click.echo(f"eventwire: error: {item}: {reason}", err=True)
            if r.merge_error:
                click.echo(f"eventwire: error: {r.merge_error}", err=True)
            for target, reason in r.alerts.errors:
                click.echo(f"eventwire: error: alert to {target}: {reason}", err=True)

        previous = _stop_on_sigterm()
        try:
            watcher.run(every, rounds=1 if once else rounds, on_round=report)
        finally:
            _restore_sigterm(previous)
    except KeyboardInterrupt:
        click.echo("eventwire: stopped; what was stored is kept", err=True)
    finally:
        watcher.close()
        fetcher.close()


def _stop_on_sigterm() -> None:
    """Under a service manager, SIGTERM ends the loop as Ctrl-C does (between two statements;
    every article and delivery is committed whole or not at all)."""
    import signal
    import threading

    def stop(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        return signal.signal(signal.SIGTERM, stop)
    return None


def _restore_sigterm(previous) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


@click.group()
def alert() -> None:
    """Alert rules: which merged events to deliver, and where (a webhook or a JSONL file).

    After each `eventwire watch` round, the merged events that new articles created or joined
    are checked. A matching event is delivered once when it first matches, and once more each
    time its mention count rises (kind "new", then "updated"); each (rule, event, mention count)
    is delivered at most once. See `eventwire alert add --help`.
    """


def _open_conn(db: str):
    from eventwire.store.schema import connect
    from eventwire.watch.state import ensure_tables

    try:
        return ensure_tables(connect(db))
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None


@alert.command(name="add")
@_db_option
@click.option("--actor", metavar="WHO", help="Actor: country or sector code (RUS, GOV), both (RUS-MIL), or part of a name.")
@click.option("--recipient", metavar="WHO", help="Recipient, as for --actor.")
@click.option("--type", "type_", metavar="TYPES", help="PLOVER event types, comma-separated (ASSAULT,COERCE).")
@click.option("--place", metavar="WHERE", help="Event location: a country code or part of a place name.")
@click.option("--min-mentions", type=click.IntRange(min=1), default=1, show_default=True,
              help="Deliver only events reported at least this many times.")
@click.option("--min-sources", type=click.IntRange(min=1), default=1, show_default=True,
              help="Deliver only events reported by at least this many articles.")
@click.option("--webhook", metavar="URL", help="POST each alert as JSON to this http(s) URL (retried with backoff).")
@click.option("--file", "file_", type=click.Path(dir_okay=False), help="Append each alert as one JSON line to this file.")
@click.option("--name", help="A label for the rule, copied into each alert.")
def alert_add(db, actor, recipient, type_, place, min_mentions, min_sources, webhook, file_, name):
    """Add an alert rule; prints its id. Give exactly one of --webhook and --file.

    A merged event matches when one of its mentions matches the actor, recipient, type and
    place given (as in `eventwire query --merged`) and it has the minimum mentions and sources.
    Example: eventwire alert add --actor RUS --type ASSAULT --min-mentions 2 --file alerts.jsonl
    """
    from eventwire.watch.alerts import AlertError, add_rule

    conn = _open_conn(db)
    try:
        rule = add_rule(conn, actor=actor, recipient=recipient, type=type_, place=place,
                        min_mentions=min_mentions, min_sources=min_sources, webhook=webhook, file=file_,
                        name=name)
    except AlertError as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        conn.close()
    click.echo(rule.id)
    click.echo(f"eventwire: alert {rule.id}: {rule.describe()} → {rule.target}", err=True)


@alert.command(name="list")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per rule.")
def alert_list(db, as_json):
    """List the alert rules with their delivery counts."""
    from eventwire.watch.alerts import list_rules

    conn = _open_conn(db)
    try:
        rules = list_rules(conn)
        counts = dict(conn.execute("SELECT rule_id, count(*) FROM alert_deliveries WHERE status = 'delivered'"
                                   " GROUP BY rule_id").fetchall())
    finally:
        conn.close()
    for r in rules:
        if as_json:
            click.echo(json.dumps({**r.to_dict(), "delivered": counts.get(r.id, 0)}, ensure_ascii=False))
        else:
            label = f" [{r.name}]" if r.name else ""
            click.echo(f"{r.id}{label}  {r.describe()}  → {r.target}  ({counts.get(r.id, 0)} delivered)")
    if not rules and not as_json:
        click.echo("no alert rules; add one with `eventwire alert add`", err=True)


@alert.command(name="remove")
@_db_option
@click.argument("rule_id", type=int)
def alert_remove(db, rule_id):
    """Remove the rule RULE_ID (its past deliveries stay in the log)."""
    from eventwire.watch.alerts import remove_rule

    conn = _open_conn(db)
    try:
        removed = remove_rule(conn, rule_id)
    finally:
        conn.close()
    if not removed:
        raise click.ClickException(f"no alert rule {rule_id}")
    click.echo(f"eventwire: alert {rule_id} removed", err=True)


@alert.command(name="log")
@_db_option
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Show this many, newest first.")
@click.option("--rule", "rule_id", type=int, help="Only this rule's deliveries.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per delivery.")
def alert_log(db, limit, rule_id, as_json):
    """The alert log: every delivery, newest first, with its state (delivered, pending, failed)."""
    from eventwire.watch.status import WatchStatus

    conn = _open_conn(db)
    try:
        log = WatchStatus(conn).deliveries(limit, rule=rule_id)
    finally:
        conn.close()
    for d in log:
        if as_json:
            click.echo(json.dumps(d.to_dict(), ensure_ascii=False))
        else:
            click.echo(f"{d.created_at}  rule {d.rule_id}  {d.merged_id}  {d.kind} x{d.mention_count}  "
                       f"{d.status}" + (f" ({d.error})" if d.error else "") + f"  → {d.target}")


@click.command()
@_db_option
@click.option("--errors", "n_errors", type=click.IntRange(min=0), default=5, show_default=True,
              help="Also list this many latest errors.")
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object (sources, rounds, errors, "
              "rules, deliveries).")
def sources(db, n_errors, as_json):
    """The watched sources: last round, status, items seen and stored, errors; then the latest
    errors. See `eventwire watch`."""
    from pathlib import Path

    from eventwire.watch.status import WatchStatus

    if not Path(db).is_file():
        raise click.ClickException(f"no store at {db}; start with `eventwire watch SOURCE --db {db}`")
    try:
        status = WatchStatus(db)
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        if as_json:
            click.echo(json.dumps(status.to_dict(limit=max(n_errors, 20)), ensure_ascii=False, indent=2))
            return
        listed = status.sources()
        if not listed:
            click.echo("no sources watched yet; start with `eventwire watch SOURCE`", err=True)
        for s in listed:
            state = s.last_status or "never visited"
            click.echo(f"{s.id}  {s.kind:<9} {s.location}")
            click.echo(f"    last round {s.last_round or '-'} at {s.last_checked or '-'}: {state}; "
                       f"{s.items} items seen, {s.stored} stored, {s.failed} failed, {s.errors} errors")
            if s.last_error:
                click.echo(f"    error: {s.last_error}")
        errors = status.errors(n_errors) if n_errors else []
        if errors:
            click.echo("latest errors:")
            for e in errors:
                click.echo(f"  round {e.round_id}  {e.item or e.source or '-'}: {e.reason}")
    finally:
        status.close()


WATCH_COMMANDS = (watch, alert, sources)
