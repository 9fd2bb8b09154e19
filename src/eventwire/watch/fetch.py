"""HTTP for the monitor: one `Fetcher` (httpx) with bounded time, size and redirects.

Every request names eventwire in its User-Agent. Redirects are followed by hand, at most
`max_redirects` of them, only to http(s) URLs and never to a URL already visited in the same
chain. A body is read as a stream and the read stops at `max_bytes` (a declared Content-Length
above it is refused before anything is read), and the whole exchange must finish within
`deadline` seconds, so a server that drips bytes forever cannot hold a round. Feeds are fetched
with a conditional GET (If-None-Match / If-Modified-Since); "304 Not Modified" is a result,
not an error. `public_only` refuses loopback, private and link-local addresses, at every hop.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urljoin, urlsplit

from eventwire.errors import EventwireError

DEFAULT_TIMEOUT = 20.0  # seconds to connect, and between two reads
DEFAULT_DEADLINE = 60.0  # seconds for a whole exchange, redirects included
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
SCHEMES = ("http", "https")


def user_agent() -> str:
    try:
        from importlib.metadata import version

        v = version("eventwire")
    except Exception:  # running from a source tree
        v = "dev"
    return f"eventwire/{v} (news event monitor)"


class FetchError(EventwireError):
    """A URL that could not be fetched; the message is the one-line reason."""


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    content: bytes
    content_type: str
    etag: Optional[str] = None
    last_modified: Optional[str] = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """The body as text: the declared charset, else UTF-8, else Windows-1252."""
        charset = None
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset":
                charset = value.strip().strip("\"'") or None
        for encoding in filter(None, (charset, "utf-8")):
            try:
                return self.content.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
        return self.content.decode("cp1252", errors="replace")


def is_private(host: str) -> bool:
    """Whether `host` is, or resolves to, a loopback, private, link-local or reserved address."""
    import ipaddress
    import socket

    try:
        addresses = {ipaddress.ip_address(host.strip("[]"))}
    except ValueError:
        try:
            addresses = {ipaddress.ip_address(info[4][0].split("%")[0])
                         for info in socket.getaddrinfo(host, None)}
        except (OSError, UnicodeError, ValueError):
            return False  # unresolvable: the request itself will fail and say so
    return any(a.is_private or a.is_loopback or a.is_link_local or a.is_reserved or a.is_multicast
               or a.is_unspecified for a in addresses)


def check_url(url: str) -> str:
    """`url` if it is an absolute http(s) URL with a host; raises `FetchError` otherwise."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise FetchError(f"refused: {parts.scheme or 'no'} scheme in {url!r} (only http and https)")
    if not parts.hostname:
        raise FetchError(f"refused: no host in {url!r}")
    return url


class Fetcher:
    """A reusable HTTP client with the monitor's limits. Close it, or use it as a context manager."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, deadline: float = DEFAULT_DEADLINE,
                 max_bytes: int = DEFAULT_MAX_BYTES, max_redirects: int = DEFAULT_MAX_REDIRECTS,
                 trust_env: bool = True):
        import httpx

        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.deadline = deadline
        self._httpx = httpx
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=trust_env,
            headers={"User-Agent": user_agent(), "Accept-Encoding": "gzip, deflate"},
        )

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, *, etag: Optional[str] = None, last_modified: Optional[str] = None,
            accept: str = "*/*", public_only: bool = False) -> Response:
        """GET `url` within the limits; raises `FetchError` saying why not. With `public_only`,
        a URL (or redirect) to a loopback, private or link-local address is refused: a feed on
        the internet must not make the monitor read the local network."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        stop = time.monotonic() + self.deadline
        visited = [url]
        current = check_url(url)
        for _ in range(self.max_redirects + 1):
            if public_only and is_private(urlsplit(current).hostname or ""):
                raise FetchError(f"refused: {current} is on a local or private network address")
            try:
                result = self._once(current, headers, stop)
            except self._httpx.TimeoutException:
                raise FetchError(f"timed out fetching {current}") from None
            except self._httpx.HTTPError as exc:
                raise FetchError(f"cannot fetch {current}: {_reason(exc)}") from None
            if isinstance(result, Response):
                return result
            target = check_url(urljoin(current, result))
            if target in visited:
                raise FetchError(f"redirect loop: {current} → {target}")
            visited.append(target)
            current = target
        raise FetchError(f"too many redirects (more than {self.max_redirects}) from {url}")

    def _once(self, url: str, headers: dict, stop: float) -> Response | str:
        """One request: the `Response`, or the Location a redirect points to."""
        with self.client.stream("GET", url, headers=headers) as resp:
            if resp.status_code in (301, 302, 303, 307, 308):
                location = resp.headers.get("location")
                if not location:
                    raise FetchError(f"HTTP {resp.status_code} without a Location from {url}")
                return location
            meta = dict(url=url, status=resp.status_code, content_type=resp.headers.get("content-type", ""),
                        etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"))
            if resp.status_code == 304:
                return Response(content=b"", **meta)
            if resp.status_code >= 400 or resp.status_code < 200:
                raise FetchError(f"HTTP {resp.status_code} from {url}")
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(f"too large: {int(declared):,} bytes declared by {url} "
                                 f"(limit {self.max_bytes:,})")
            chunks, size = [], 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(f"too large: more than {self.max_bytes:,} bytes from {url}")
                if time.monotonic() > stop:
                    raise FetchError(f"timed out reading {url} (over {self.deadline:g} s)")
                chunks.append(chunk)
            return Response(content=b"".join(chunks), **meta)


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    return " ".join(text.split())[:200]
