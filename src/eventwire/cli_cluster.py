"""The distributed side of `eventwire`: the options `ingest` takes to run on a Dask cluster, and
the shard loader `eventwire merge SHARDS --db FILE`. See docs/CLUSTER.md."""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from eventwire.cli_common import document_bar, progress_enabled
from eventwire.errors import EventwireError

CLUSTER_HINT = "the cluster commands need Dask: pip install 'eventwire[cluster]'"


def cluster_options(command):
    """The options `eventwire ingest` takes to run on a cluster (all None/default otherwise)."""
    options = [
        click.option("--cluster", "cluster", metavar="ADDRESS",
                     help="Extract on this Dask scheduler's workers (tcp://HOST:8786) and write Parquet "
                          "shards to --shards instead of the store; load them with `eventwire merge`."),
        click.option("--local-cluster", "local_cluster", type=click.IntRange(min=1), metavar="N",
                     help="As --cluster, on a Dask cluster of N worker processes started here."),
        click.option("--shards", "shards", type=click.Path(file_okay=False), metavar="DIR",
                     help="Shard folder for --cluster/--local-cluster (default: the --db path with "
                          "the suffix .shards); every worker must see it at the same path."),
        click.option("--partition-size", "partition_size", type=click.IntRange(min=1), default=16,
                     show_default=True, help="Documents (or files, with --ship paths) per partition."),
        click.option("--ship", "ship", type=click.Choice(("texts", "paths")), default="texts", show_default=True,
                     help="texts: this process reads the inputs and sends the texts; paths: the workers "
                          "read the files (on a filesystem they share)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def wants_cluster(kw: dict) -> bool:
    return bool(kw.get("cluster") or kw.get("local_cluster"))


def cluster_ingest(paths, db, *, published, fmt, engine_options: dict, max_chars: int, progress,
                   cluster=None, local_cluster=None, shards=None, partition_size=16, ship="texts") -> None:
    """`eventwire ingest … --cluster/--local-cluster`: shards out, a progress bar here."""
    try:
        from distributed import Client, KilledWorker

        from eventwire.cluster.run import local_cluster as start_local, run
    except ImportError:
        raise click.ClickException(CLUSTER_HINT) from None
    if cluster and local_cluster:
        raise click.UsageError("give --cluster or --local-cluster, not both")
    shards = shards or str(Path(db).with_suffix(".shards"))
    bar = document_bar(progress, "cluster", paths, fmt)
    tally = {"stored": 0, "skipped": 0, "failed": 0}
    say = bar.write if bar is not None else functools.partial(click.echo, err=True)

    def on_skip(n: int) -> None:
        tally["skipped"] += n
        if bar is not None:
            bar.update(n)

    def on_partition(entry: dict) -> None:
        tally["stored"] += entry["documents"]
        tally["failed"] += len(entry["failures"])
        for f in entry["failures"]:
            origin, doc_id = f["origin"], f.get("doc_id")
            name = origin if not doc_id or doc_id in origin else f"{origin} ({doc_id})"
            say(f"eventwire: error: {name}: {f['reason']}")
        if bar is not None:
            bar.update(entry["documents"] + len(entry["failures"]))
            bar.set_postfix(tally, refresh=False)

    read_options = {"fmt": fmt, "published": published, "max_chars": max_chars}
    local = None
    try:
        if local_cluster:
            local = start_local(local_cluster)
        with Client(local if local is not None else cluster, timeout=20) as client:
            counts = run(paths, shards, client, engine_options=engine_options, read_options=read_options,
                         partition_size=partition_size, ship=ship, on_skip=on_skip, on_partition=on_partition)
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None
    except (OSError, ValueError, TimeoutError, KilledWorker) as exc:
        raise click.ClickException(f"cluster run failed: {type(exc).__name__}: {exc}; finished partitions "
                                   "are kept, run the same command again to finish") from None
    except KeyboardInterrupt:
        raise click.ClickException("interrupted; finished partitions are in the manifest, run the same "
                                   "command again to finish") from None
    finally:
        if bar is not None:
            bar.close()
        if local is not None:
            local.close()
    skipped = f", {counts.skipped_partitions} partition(s) already done" if counts.skipped_partitions else ""
    click.echo(f"eventwire: {counts.stored} extracted, {counts.skipped} already in the shards{skipped}, "
               f"{counts.failed} failed; {counts.partitions} partition(s) written to {shards}", err=True)
    click.echo(f"eventwire: load them with `eventwire merge {shards} --db {db}`", err=True)
    if counts.failed:
        sys.exit(1)


def load_shards_into(shards: str, db: str, merge_events: bool, progress) -> None:
    """`eventwire merge SHARDS`: load the Parquet SHARDS of `eventwire ingest --cluster` into the
    store `db`. Only partitions listed in the shards' manifest are read. Each document is stored
    once, as by a single-machine `eventwire ingest` (loading the same shards again stores
    nothing); failures are recorded (see `eventwire failures`)."""
    from eventwire.cluster.load import load_shards
    from eventwire.store import Store, Writer

    bar = None
    if progress_enabled(progress):
        from tqdm import tqdm

        bar = tqdm(unit="docs", file=sys.stderr, desc="merge", dynamic_ncols=True)
    try:
        with Store(db) as store:
            counts = load_shards(shards, Writer(store.conn), on_partition=bar.update if bar is not None else None)
            if merge_events:
                from eventwire.store.merge import merge

                merged = merge(store.conn)
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if bar is not None:
            bar.close()
    click.echo(f"eventwire: {counts.stored} stored, {counts.skipped} already stored, {counts.failed} "
               f"failure(s) recorded from {counts.partitions} partition(s) ({db})", err=True)
    if merge_events:
        click.echo(f"eventwire: {merged.mentions} event mentions, {merged.merged_events} merged events", err=True)


def parquet_opener(shards: str):
    """For `eventwire query --parquet DIR`: a function that ignores --db and gives a `Store`
    in memory holding the shards."""
    from eventwire.cluster.load import open_shards

    def open_(_db=None):
        try:
            return open_shards(shards)
        except EventwireError as exc:
            raise click.ClickException(str(exc)) from None

    return open_
