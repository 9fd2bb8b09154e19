"""The `eventwire` command. Each command builds the Python objects and calls them; errors of
eventwire's own become one-line messages here, and only here."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from eventwire.cli_common import (
    ACTORS_HELP,
    MODEL_HELP,
    PROGRESS_HELP,
    document_bar,
    progress_enabled,
    reading_options,
)
from eventwire.errors import EventwireError
from eventwire.models import Document, Failure


def _fail(message: str) -> click.ClickException:
    return click.ClickException(message)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="eventwire")
def main() -> None:
    """eventwire turns news articles into verifiable event data: entities, actors, places,
    times, quantities and quotes, each tied to a character span of the text.

    Start with `eventwire extract ARTICLE.txt --pretty`. To build a searchable corpus, run
    `eventwire ingest FOLDER`, then `eventwire query`, `timeline`, `network` or `export`.
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write JSON Lines here instead of stdout.")
@click.option("--pretty", is_flag=True, help="Indented JSON for reading (one document after another).")
@reading_options
@click.option("--failures", type=click.Path(dir_okay=False, writable=True),
              help="Also write one JSON line per failed document (origin, doc_id, reason) here.")
@click.option("--dyads", is_flag=True, help="Write one event per actor-recipient pair (CAMEO-style dyads) "
              "instead of events with lists of parties.")
@click.option("--progress/--no-progress", default=None, help=PROGRESS_HELP)
def extract(paths, output, pretty, published, fmt, model, actors, lexicon, max_chars, time_limit, failures, dyads,
            progress):
    """Extract entities, actors, places, times, quantities, quotes and events from PATHS.

    PATHS are files, directories (read recursively: .txt, .md, .html, .htm, .jsonl, .json) or '-'
    for standard input. JSON Lines input has one document per line with 'text' and optionally
    'doc_id', 'published', 'title', 'url', 'source'. Output is one schema-v1 JSON object per
    document. A document that cannot be read is reported on stderr with the reason; the others
    are still processed, and the exit status is 1 if anything failed.
    """
    from eventwire.engine import Engine
    from eventwire.ingest import read_inputs
    from eventwire.ingest.dates import normalise_published

    if published is not None:
        value, warning = normalise_published(published)
        if warning:
            raise click.BadParameter(warning, param_hint="--published")
        published = value
    engine = Engine(model=model, actors=actors, max_chars=max_chars, lexicon=lexicon, time_limit=time_limit)
    try:
        engine.load()  # up front, so that a missing model is one clear error
    except EventwireError as exc:
        raise _fail(str(exc)) from None
    items = read_inputs(paths, fmt=fmt, published=published, max_chars=max_chars)
    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    fail_out = open(failures, "w", encoding="utf-8") if failures else None
    done = failed = 0
    bar = document_bar(progress, "extract", paths, fmt)
    try:
        for result in engine.process_many(items):
            if isinstance(result, Failure):
                failed += 1
                click.echo(f"eventwire: error: {result.message()}", err=True)
                if fail_out:
                    fail_out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
            else:
                done += 1
                if dyads:
                    from eventwire.dyads import to_dyads

                    result = to_dyads(result)
                _write(out, result, pretty)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(failed=failed, refresh=False)
    finally:
        if bar is not None:
            bar.close()
        if output:
            out.close()
        if fail_out:
            fail_out.close()
    if failed or not (sys.stdout.isatty() and not output):
        click.echo(f"eventwire: {done} document(s) extracted, {failed} failed", err=True)
    if failed:
        sys.exit(1)


def _write(out, doc: Document, pretty: bool) -> None:
    if pretty:
        out.write(json.dumps(doc.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
    out.flush()


@main.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--pred", type=click.Path(exists=True, dir_okay=False),
              help="Score these predictions (output of `eventwire extract`) instead of running extraction.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--errors", "show_errors", type=click.IntRange(min=0), default=0, metavar="N",
              help="List up to N missed items per kind (and missed/extra events) with their text.")
@click.option("--save-pred", type=click.Path(dir_okay=False, writable=True), help="Also write the predictions made.")
@click.option("--model", help=MODEL_HELP)
@click.option("--actors", "actors", multiple=True, type=click.Path(exists=True, dir_okay=False), help=ACTORS_HELP)
@click.option("--progress/--no-progress", default=None, help=PROGRESS_HELP)
def evaluate(gold, pred, as_json, show_errors, save_pred, model, actors, progress):
    """Score extraction against a GOLD file (gold format v1).

    Without --pred, runs extraction on the gold documents first. Prints recall per unit kind
    (entities, places, times, quantities, quotes) and, when the gold has events, full and
    type-only precision/recall/F1 with date, location, status and attribution accuracy.
    """
    from eventwire.evaluate import read_gold, read_predictions, render_table, score

    try:
        gold_docs = read_gold(gold)
        if pred:
            predictions = read_predictions(pred)
        else:
            predictions = _predict(gold, model, actors, save_pred, progress_enabled(progress), len(gold_docs))
    except EventwireError as exc:
        raise _fail(str(exc)) from None
    result = score(gold_docs, predictions)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(render_table(result, show_errors))


def _predict(gold: str, model, actors, save_pred, progress: bool, total: int) -> dict[str, dict]:
    from eventwire.engine import Engine
    from eventwire.ingest import read_inputs

    engine = Engine(model=model, actors=actors).load()
    predictions: dict[str, dict] = {}
    items = read_inputs([gold], fmt="jsonl")
    results = engine.process_many(items)
    if progress:
        from tqdm import tqdm

        results = tqdm(results, total=total, unit="doc", file=sys.stderr, desc="eval")
    out = open(save_pred, "w", encoding="utf-8") if save_pred else None
    try:
        for r in results:
            if isinstance(r, Failure):
                click.echo(f"eventwire: error: {r.message()}", err=True)
                continue
            d = r.to_dict()
            predictions[r.doc_id] = d
            if out:
                out.write(json.dumps(d, ensure_ascii=False) + "\n")
    finally:
        if out:
            out.close()
    return predictions


@main.command(name="eval-coref")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--topics", metavar="T1,T2", help="Only these topics (comma-separated).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable figures.")
@click.option("--model", help=MODEL_HELP)
def eval_coref(gold, topics, as_json, model):
    """Score event merging on an ECB+ file in the gold format (event mentions with cluster ids).

    Gold mentions get the features merging uses from eventwire's extraction and are clustered
    within each topic with the merge criteria; MUC, B3, CEAF-e and CoNLL F1 are printed beside
    two baselines (all singletons, one cluster per head lemma and topic). See docs/MERGING.md.
    """
    from eventwire.engine import Engine
    from eventwire.evaluate.coref import evaluate_ecb, render

    try:
        engine = Engine(model=model).load()
    except EventwireError as exc:
        raise _fail(str(exc)) from None
    wanted = {t.strip() for t in topics.split(",") if t.strip()} if topics else None
    result = evaluate_ecb(gold, engine, topics=wanted)
    click.echo(json.dumps(result, indent=2) if as_json else render(result))

@main.group()
def actors() -> None:
    """Look up and import actors (the knowledge base behind actor coding)."""


@actors.command(name="import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="eventwire JSONL actor file to write.")
def actors_import(source, output):
    """Convert a PETRARCH/Phoenix .actors.txt dictionary into an eventwire actor file.

    Use the result with `eventwire extract --actors FILE` (PETRARCH files can also be passed to
    --actors directly).
    """
    from eventwire.knowledge.petrarch import read_petrarch_actors

    try:
        records = list(read_petrarch_actors(Path(source)))
    except EventwireError as exc:
        raise _fail(str(exc)) from None
    with open(output, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    click.echo(f"wrote {len(records)} actors to {output}", err=True)


@actors.command(name="lookup")
@click.argument("name")
@click.option("--date", metavar="YYYY-MM-DD", help="Date for dated roles (default: today's roles).")
@click.option("--actors", "extra", multiple=True, type=click.Path(exists=True, dir_okay=False), help=ACTORS_HELP)
def actors_lookup(name, date, extra):
    """Show what the knowledge base knows about NAME (a person, body, country or nationality)."""
    from eventwire.knowledge.actors import load_actor_kb

    try:
        kb = load_actor_kb(extra)
    except EventwireError as exc:
        raise _fail(str(exc)) from None
    hits = kb.lookup(name)
    if not hits:
        raise _fail(f"{name!r} is not in the knowledge base")
    for n in hits:
        if n.kind == "person":
            p = kb.people[n.ref]
            role, status = p.role_at(date)
            click.echo(f"person  {p.name} ({p.country})  role at {date or 'present'}: "
                       f"{role.title + ' [' + role.sector + ']' if role else '-'} ({status})")
        elif n.kind == "org":
            o = kb.organizations[n.ref]
            click.echo(f"org     {o.name}  country {o.country}  sector {o.sector}  kind {o.kind}")
        else:
            click.echo(f"{n.kind:<8}{n.form} → {n.ref}" + (f" [{n.sector}]" if n.sector else ""))


def _register_store_commands() -> None:
    from eventwire.cli_store import STORE_COMMANDS

    for command in STORE_COMMANDS:
        main.add_command(command)
    from eventwire.cli_serve import serve  # the web dashboard and REST API

    main.add_command(serve)
    from eventwire.cli_watch import (
        WATCH_COMMANDS,  # live monitoring: watch, alert, sources
    )

    for command in WATCH_COMMANDS:
        main.add_command(command)


_register_store_commands()
