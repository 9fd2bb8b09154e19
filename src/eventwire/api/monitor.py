"""GET /monitor: the live monitor's state (`eventwire.watch.WatchStatus`) for the dashboard.

Sources with their last round and latest error, the recent rounds and errors, the alert rules
and the alert log. Nothing here is written: a store that was never watched gives empty lists.

What could be a secret or a machine detail is not shown as stored: a webhook URL keeps only its
scheme and host (its path, query and any credentials can be a token), a feed URL loses its
credentials and query, and a local file or folder shows only its name (as /summary gives the
store's name, not its path). The same replacements are made in error messages.
"""
from __future__ import annotations

import os
import re
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query

from eventwire.api.context import ApiContext, context
from eventwire.api.models import ERROR_RESPONSES, Monitor

router = APIRouter(responses=ERROR_RESPONSES)
Ctx = Annotated[ApiContext, Depends(context)]

_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")


def _netloc(url: str) -> str | None:
    """scheme://host[:port] of an http(s) URL (no credentials), or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme.lower()}://{host}{f':{port}' if port else ''}"


def mask_webhook(url: str) -> str:
    """A webhook URL with only its scheme and host: 'https://hooks.example.org/…'."""
    base = _netloc(url)
    if base is None:
        return "(hidden)"
    parts = urlsplit(url)
    return base + ("/…" if parts.path.strip("/") or parts.query or parts.fragment else "/")


def show_location(location: str) -> str:
    """A source's location as shown: a URL without credentials or query, a path by its name."""
    base = _netloc(location)
    if base is not None:
        parts = urlsplit(location)
        return base + (parts.path or "/") + ("?…" if parts.query else "")
    if "://" in location:
        return "(hidden)"
    name = os.path.basename(location.rstrip("/\\")) or location
    return f"…/{name}"


class _Masker:
    """Replaces, in the monitor's texts, each webhook URL, source location and alert file by what
    is shown for it; any other URL to a webhook's host is masked, and credentials are dropped."""

    def __init__(self, rules: list, sources: list):
        self.known: dict[str, str] = {}
        self.hook_hosts = {_netloc(r.webhook) for r in rules if r.webhook} - {None}
        for rule in rules:
            if rule.webhook:
                self.known[rule.webhook] = mask_webhook(rule.webhook)
            if rule.file:
                self.known[rule.file] = show_location(rule.file)
        for source in sources:
            self.known[source.location] = show_location(source.location)

    def target(self, value: str) -> str:
        if value in self.known:
            return self.known[value]
        return mask_webhook(value) if _netloc(value) else show_location(value)

    def text(self, value: str | None) -> str | None:
        if not value:
            return value
        for raw in sorted(self.known, key=len, reverse=True):
            value = value.replace(raw, self.known[raw])
        return _URL.sub(self._url, value)

    def _url(self, found: re.Match) -> str:
        """Another URL in a text: masked when it goes to a webhook's host, else without credentials."""
        url = found.group(0)
        base = _netloc(url)
        if base is None or url.endswith("…") or url in self.known.values():
            return url
        if base in self.hook_hosts:
            return mask_webhook(url)
        parts = urlsplit(url)
        return url.replace(parts.netloc, parts.netloc.rpartition("@")[2], 1) if "@" in parts.netloc else url


@router.get("/monitor", response_model=Monitor,
            summary="The live monitor: sources, their last round and errors, alert rules and the alert log")
def monitor(ctx: Ctx, limit: Annotated[int, Query(ge=1, le=200, description="Rounds, errors and deliveries "
                                                  "to show (the latest).")] = 20) -> dict[str, Any]:
    from eventwire.watch import WatchStatus

    with ctx.store() as store:
        status = WatchStatus(store.conn)
        sources, rules = status.sources(), status.rules()
        mask = _Masker(rules, sources)
        shown_sources = []
        for s in sources:
            item = s.to_dict()
            latest = status.errors(limit=1, source=s.id)
            item["location"] = mask.target(s.location)
            item["last_error"] = mask.text(s.last_error)
            item["latest_error"] = ({**latest[0].to_dict(), "source": item["location"],
                                     "item": mask.text(latest[0].item), "reason": mask.text(latest[0].reason)}
                                    if latest else None)
            shown_sources.append(item)
        errors = [{**e.to_dict(), "source": mask.target(e.source) if e.source else None,
                   "item": mask.text(e.item), "reason": mask.text(e.reason)} for e in status.errors(limit)]
        shown_rules = [{**r.to_dict(), "webhook": mask_webhook(r.webhook) if r.webhook else None,
                        "file": show_location(r.file) if r.file else None,
                        "target": mask.target(r.target), "selects": r.describe()} for r in rules]
        deliveries = [{**d.to_dict(), "target": mask.target(d.target), "error": mask.text(d.error)}
                      for d in status.deliveries(limit)]
        return {"store": ctx.db_path.name, "watched": status.ready, "sources": shown_sources,
                "rounds": [r.to_dict() for r in status.rounds(limit)], "errors": errors,
                "rules": shown_rules, "deliveries": deliveries}
