"""`create_app`: the FastAPI application behind `eventwire serve`.

- /api/v1/…: the JSON API (read endpoints in `read`, the live monitor's state in `monitor`,
  extract and ingest in `write`);
- /openapi.json: its description;
- /, /events, /stories, /article, /timeline, /map, /network, /monitor, /extract: the dashboard's
  pages, and /static/…: their scripts, styles and the offline world map, all from the package.

Each page file (web/*.html) holds only what is its own, the inside of its <main>; `render_page`
puts it in the one layout (web/layout.html: head, navigation, footer, scripts).

Request bodies over `max_body` bytes are refused with 413; every error has one shape (`errors`).
No CORS headers are sent, so other sites' pages cannot read the API from a browser.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Optional

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from eventwire.api import monitor, read, write
from eventwire.api.context import ApiContext
from eventwire.api.errors import error_response, install_error_handlers
from eventwire.api.models import Health
from eventwire.ingest import DEFAULT_MAX_CHARS

if TYPE_CHECKING:
    from eventwire.engine import Engine

DEFAULT_MAX_BODY = 2 * 1024 * 1024  # bytes; a 1,000,000-character article fits as UTF-8 JSON in most cases
WEB_DIR = Path(str(files("eventwire") / "web"))


@dataclass(frozen=True)
class Page:
    route: str
    file: str  # in web/: the inside of the page's <main>
    title: str
    script: str  # in web/static/
    nav: Optional[str] = None  # its label in the navigation (None: not listed)
    vendor: tuple[str, ...] = ()  # scripts under web/static/vendor/ loaded before it


PAGES = (
    Page("/", "index.html", "Overview", "home.js", "Overview"),
    Page("/events", "events.html", "Events", "events.js", "Events"),
    Page("/stories", "stories.html", "Stories", "stories.js", "Stories"),
    Page("/timeline", "timeline.html", "Timeline", "timeline.js", "Timeline"),
    Page("/map", "map.html", "Map", "map.js", "Map", ("topojson-client/topojson-client.min.js",)),
    Page("/network", "network.html", "Network", "network.js", "Network"),
    Page("/monitor", "monitor.html", "Monitor", "monitor.js", "Monitor"),
    Page("/extract", "extract.html", "Paste an article", "extract.js", "Paste an article"),
    Page("/article", "article.html", "Article", "article.js"),
)
# Pages and assets come from this server only: no CDN, no inline script, no third-party request.
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def create_app(db_path: str | Path, token: Optional[str] = None, max_body: int = DEFAULT_MAX_BODY,
               max_chars: int = DEFAULT_MAX_CHARS, engine: Optional["Engine"] = None) -> FastAPI:
    """The app serving the store at `db_path`. `token` enables POST /api/v1/ingest; `engine` (a
    loaded `eventwire.Engine`) is used for extraction instead of one loaded on first use."""
    from eventwire import __version__

    app = FastAPI(
        title="eventwire", version=__version__, docs_url=None, redoc_url=None,
        description="Events, entities, places, times, quantities and quotes extracted from news, "
                    "each tied to the words it was read from. Errors: {\"error\": {\"code\", "
                    "\"message\", \"status\"}}. Output schema: eventwire/1 (docs/SCHEMA.md).",
    )
    app.state.eventwire = ApiContext(db_path, token, max_body, max_chars, engine)
    install_error_handlers(app)
    app.include_router(read.router, prefix="/api/v1", tags=["read"])
    app.include_router(monitor.router, prefix="/api/v1", tags=["read"])
    app.include_router(write.router, prefix="/api/v1", tags=["write"])

    @app.get("/api/v1/health", response_model=Health, tags=["read"], summary="Whether the server is up")
    def health() -> dict:
        return {"status": "ok", "version": __version__}

    for page in PAGES:
        app.add_api_route(page.route, _page(page), methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.add_middleware(_Guard, max_body=max_body)
    return app


def render_page(page: Page) -> str:
    """The page's own part (web/PAGE.html) inside the shared layout. The page's file is trusted
    markup from the package; only its title and the navigation are filled in here."""
    esc = html.escape
    nav = "\n      ".join(
        f'<a href="{p.route}"' + (' class="active" aria-current="page"' if p is page else "") + f">{esc(p.nav)}</a>"
        for p in PAGES if p.nav)
    scripts = [f"/static/vendor/{v}" for v in page.vendor] + ["/static/common.js", f"/static/{page.script}"]
    layout = Template((WEB_DIR / "layout.html").read_text(encoding="utf-8"))
    return layout.substitute(
        title=esc(page.title), page=esc(page.script.removesuffix(".js")), nav=nav,
        main=(WEB_DIR / page.file).read_text(encoding="utf-8").strip(),
        scripts="\n  ".join(f'<script src="{esc(src)}"></script>' for src in scripts))


def _page(page: Page):
    body = render_page(page).encode("utf-8")

    def serve() -> HTMLResponse:
        return HTMLResponse(body, media_type="text/html; charset=utf-8")

    serve.__name__ = f"page_{page.file.split('.')[0]}"
    return serve


class _Guard:
    """ASGI middleware: refuses bodies over `max_body` bytes (by Content-Length, or while they
    stream in) and adds security headers to every answer."""

    def __init__(self, app, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        too_large = f"request body over the limit of {self.max_body:,} bytes"
        for key, value in scope.get("headers", ()):
            if key == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = -1
                if length < 0 or length > self.max_body:
                    reply = error_response(413 if length > 0 else 400,
                                           too_large if length > 0 else "invalid Content-Length")
                    return await reply(scope, receive, self._with_headers(send))
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise HTTPException(413, too_large)
            return message

        await self.app(scope, limited_receive, self._with_headers(send))

    @staticmethod
    def _with_headers(send):
        async def sending(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for k, v in ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                             (b"x-frame-options", b"DENY"), (b"content-security-policy", _CSP.encode())):
                    if k not in names:
                        headers.append((k, v))
                message = {**message, "headers": headers}
            await send(message)

        return sending
