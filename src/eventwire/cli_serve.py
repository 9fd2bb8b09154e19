"""`eventwire serve`: the REST API and the web dashboard over a corpus store."""
from __future__ import annotations

import os
from pathlib import Path

import click

from eventwire.cli_store import DEFAULT_DB
from eventwire.errors import EventwireError


@click.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, envvar="EVENTWIRE_DB", type=click.Path(dir_okay=False),
              help="The store file (SQLite), created empty if missing. Also read from $EVENTWIRE_DB.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default, loopback, is reachable from this machine only.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--token-file", type=click.Path(exists=True, dir_okay=False),
              help="File holding the token that enables POST /api/v1/ingest (else $EVENTWIRE_TOKEN; "
                   "without either, the server is read-only apart from /extract).")
@click.option("--max-body", type=click.IntRange(min=1024), default=None,
              help="Largest request body in bytes (default 2 MiB); larger ones get 413.")
def serve(db, host, port, token_file, max_body):
    """Serve the dashboard and the JSON API (under /api/v1, described at /openapi.json).

    Open http://127.0.0.1:8000/ for the overview, the events table, article views with every
    extracted unit highlighted, a timeline, a map, the actor network and a page that extracts a
    pasted article. Example: eventwire serve --db corpus.db --port 8080
    """
    import uvicorn

    from eventwire.api import DEFAULT_MAX_BODY, create_app
    from eventwire.store import Store

    token = os.environ.get("EVENTWIRE_TOKEN") or None
    if token_file:
        token = Path(token_file).read_text(encoding="utf-8").strip() or None
        if token is None:
            raise click.ClickException(f"{token_file} is empty; put the token on its first line")
    try:
        Store(db).close()  # a foreign or newer file is one clear error now, not one per request
    except EventwireError as exc:
        raise click.ClickException(str(exc)) from None
    app = create_app(db, token=token, max_body=max_body or DEFAULT_MAX_BODY)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"eventwire: serving {db} at http://{shown}:{port}/ (API under /api/v1; "
               f"ingest {'enabled' if token else 'disabled'}); Ctrl-C stops", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo("eventwire: warning: listening beyond this machine; anyone who can reach it can read "
                   "the store", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
