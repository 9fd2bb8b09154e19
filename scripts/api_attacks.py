"""Attack a real `eventwire serve` as a hostile client would, and check every answer.

    python scripts/api_attacks.py [--db FILE] [--max-body BYTES] [--json FILE]

Two servers are started (scripts/_serve_helpers.py), each under an audit hook that logs every
outbound connection, name lookup or process start of the server's process: A, read-only (no
token), over a copy of the store (built from the example articles with `eventwire ingest`, or
--db's), and B, with a token, over another copy. The endpoints and their parameters are read
from the server's /openapi.json, so a new endpoint or filter is attacked without a change here.

* injection: ~25 SQL-injection and full-text-syntax payloads in every query parameter of every
  GET endpoint. A value the parameter's schema allows must answer 200 with an empty result (a
  payload with any letter or digit gets a word no article contains in front, so that read
  literally it matches nothing; '%', '_', '*', NUL and backslash alone are sent as they are); a
  value it does not allow (an integer, a date, a choice, too long) must answer 422 in the one
  error shape. Afterwards the store must be unchanged (row counts and checksums of every table)
  and no file may have appeared next to it.
* traversal: '../' in every spelling (raw, %2f, %2e, double-encoded, backslashes, overlong
  UTF-8), NUL, 10,000 characters, absolute paths to a secret file next to the store… in every
  path parameter and under /static/: a 4xx, never the content of a file.
* oversize: bodies over the limit to every POST endpoint: with an honest Content-Length, a
  Content-Length of a terabyte, 'Expect: 100-continue', chunked without any length, chunked
  and Content-Length together, a Content-Length smaller than the body and invalid ones; 413
  (or 400 for a malformed request), never a 2xx or a 5xx, and the server keeps answering.
* token: the write endpoint without a configured token (A: 403) and with wrong tokens in every
  place one could be put (B: 401, store unchanged), then the right one (B: 200, stored).
* outbound: URL-looking values (cloud metadata address, http, file://, gopher://…) in every
  query and path parameter, in headers, and in every string field of every POST body (HTML
  with links, images, frames and a <base>, posted to extract and, with the token, to ingest);
  then the audit logs of both servers must hold nothing but the hook's own self-test record.

It prints one row per family (requests sent, checks, passed, failed) and the failures, and
exits 1 when any check failed. `--json FILE` also writes the report ('-': to standard output).
"""
from __future__ import annotations

import argparse
import copy
import html
import json
import re
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve_helpers import (  # noqa: E402
    RawResponse, Server, build_store, copy_store, error_shape, fingerprint, fingerprint_changes, raw_request, table,
)

MARKER = "zq9xv"  # a word no article contains
RAW_OK = set("%_*\x00\\")  # payloads of these characters alone are sent without the marker
PAYLOADS = [
    "' OR 1=1 --", "' OR '1'='1", '" OR ""="', "1 OR 1=1", ") OR (1=1", '"; DROP TABLE events; --',
    "'); DELETE FROM articles; --", "1 UNION SELECT name, sql FROM sqlite_master --",
    "' UNION SELECT NULL, NULL, NULL --", "%' OR '%'='", "1; ATTACH DATABASE 'pwned.db' AS pwned; --",
    "' AND randomblob(1000000000) --", "x' || load_extension('evil') || '", "\u2019 OR \u20191\u2019=\u20191",
    "\uff07 OR \uff11\uff1d\uff11 --", "a\x00' OR 1=1 --", 'NEAR(army police) OR title:* OR "', "^army -police",
    "%", "_", "*", "\x00", "\\", "A" * 195, "' OR 1=1 -- " * 400,
]
QUICK_PAYLOADS = ["' OR 1=1 --", '"; DROP TABLE events; --', "1 UNION SELECT name, sql FROM sqlite_master --",
                  "%' OR '%'='", "a\x00' OR 1=1 --", 'NEAR(a b) OR title:* OR "', "%", "\x00", "' OR 1=1 -- " * 40]
URLS = ["http://169.254.169.254/latest/meta-data/", "http://example.com/", "https://example.org/feed.xml",
        "file:///etc/passwd", "ftp://example.net/pub/x", "//example.com/x", "http://[fd00:ec2::254]/latest/",
        "http://2852039166/", "gopher://example.com:70/_x", "http://user:pw@example.com:8080/a?b=c#d"]
QUICK_URLS = ["http://169.254.169.254/latest/meta-data/", "file:///etc/passwd", "https://example.org/feed.xml"]
WRITE_PATHS = ["/api/v1/ingest"]  # the endpoints that need the server's token
PAGES = ["/", "/events", "/article", "/map", "/monitor", "/extract"]  # dashboard pages (not in /openapi.json)
SENTENCE = "Peru and Chile signed an agreement on Monday to share water from a border river, officials said."
LEAKS = ["root:x:0:0", "SQLite format 3", "def create_app", "$main", "from __future__ import annotations"]


@dataclass
class Family:
    """One family of attacks: how many requests, how many checks passed, what failed."""

    name: str
    requests: int = 0
    checks: int = 0
    passed: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str, requests: int = 1) -> bool:
        self.requests += requests
        self.checks += 1
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)
        return ok


# -- the API's description --------------------------------------------------------------------


def api_spec(base: str) -> dict:
    return httpx.get(base + "/openapi.json", timeout=30).json()


def query_parameters(spec: dict) -> list[tuple[str, str, dict]]:
    """(path, name, schema) of every query parameter of every GET endpoint without path parameters."""
    return [(path, p["name"], p.get("schema", {})) for path, ops in spec["paths"].items() if "{" not in path
            for method, op in ops.items() if method == "get" for p in op.get("parameters", []) if p["in"] == "query"]


def path_templates(spec: dict) -> list[str]:
    """Every GET path with parameters, and the static files' mount."""
    return [path for path, ops in spec["paths"].items() if "{" in path and "get" in ops] + ["/static/{path}"]


def fill(template: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda _: value, template)


def schema_allows(schema: dict, value: str) -> bool:
    """Whether a query value is valid for a parameter's JSON schema (anyOf: any branch but null)."""
    branches = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    return any(_allows(s, value) for s in branches)


def _allows(schema: dict, value: str) -> bool:
    if "enum" in schema:
        return value in schema["enum"]
    if schema.get("type") == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            return False
        return schema.get("minimum", -10**30) <= int(value) <= schema.get("maximum", 10**30)
    if schema.get("type") == "string":
        return (schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", 10**9)
                and ("pattern" not in schema or re.search(schema["pattern"], value) is not None))
    return True


def post_schemas(spec: dict) -> list[tuple[str, dict]]:
    """(path, resolved JSON schema of the body) of every POST endpoint."""
    out = []
    for path, ops in spec["paths"].items():
        body = ops.get("post", {}).get("requestBody", {}).get("content", {}).get("application/json", {})
        if body:
            out.append((path, resolve(spec, body["schema"])))
    return out


def resolve(spec: dict, schema: Any) -> Any:
    """`schema` with every $ref replaced by what it names (the API's schemas are not recursive)."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            return resolve(spec, spec["components"]["schemas"][name])
        return {k: resolve(spec, v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [resolve(spec, v) for v in schema]
    return schema


def sample(schema: dict) -> Any:
    """A small valid body for a schema: objects with a `text` get the sample sentence."""
    schema = next((s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"), schema)
    if schema.get("type") == "array":
        return [sample(schema.get("items", {}))]
    if schema.get("type") == "object" or "properties" in schema:
        props = schema.get("properties", {})
        keys = set(schema.get("required", [])) | ({"text"} if "text" in props else set())
        return {k: sample(props[k]) for k in sorted(keys)}
    return SENTENCE


def string_fields(schema: dict, at: tuple = ()) -> Iterator[tuple]:
    """Paths (keys and list indexes) of every string field of a body schema."""
    schema = next((s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"), schema)
    if schema.get("type") == "array":
        yield from string_fields(schema.get("items", {}), at + (0,))
    elif schema.get("type") == "object" or "properties" in schema:
        for key, sub in schema.get("properties", {}).items():
            yield from string_fields(sub, at + (key,))
    elif schema.get("type") == "string":
        yield at


def with_value(body: Any, at: tuple, url: str) -> Any:
    """`body` with the field at `at` holding `url`: inside a sentence for `text`, as every kind of
    reference of an HTML page for `html` (then without `text`), else as it is."""
    body = copy.deepcopy(body)
    parent = body
    for step in at[:-1]:
        parent = parent[step]
    key = at[-1]
    if key == "html":
        u = html.escape(url, quote=True)
        parent.pop("text", None)
        parent[key] = (f'<html><head><title>Water deal</title><base href="{u}"><link rel="canonical" href="{u}">'
                       f'<link rel="stylesheet" href="{u}"><meta property="og:url" content="{u}">'
                       f'<meta http-equiv="refresh" content="0; url={u}"><script src="{u}"></script></head><body>'
                       f'<article><h1>Peru and Chile agree</h1><p>{SENTENCE} <a href="{u}">More</a> '
                       f'<img src="{u}"> <iframe src="{u}"></iframe></p><object data="{u}"></object>'
                       f"</article></body></html>")
    elif key == "text":
        parent[key] = f"{SENTENCE} The full report is at {url} according to the ministry."
    else:
        parent[key] = url
    return body


# -- checks -----------------------------------------------------------------------------------


def is_empty_result(body: Any) -> bool:
    """A list answer with nothing in it: every `items` empty and every `total` 0 (at any depth),
    and at least one `items`."""
    def walk(node: Any) -> Optional[bool]:
        if not isinstance(node, dict):
            return None
        if ("items" in node and node["items"] != []) or ("total" in node and node["total"] != 0):
            return False
        found = [walk(v) for v in node.values()]
        if False in found:
            return False
        return True if "items" in node or True in found else None

    return walk(body) is True


def refused(r: RawResponse, statuses: range | tuple = range(400, 500), code: Optional[str] = None) -> bool:
    """A refusal with one of `statuses`: the API's error shape, or an HTTP parser's plain 400."""
    if r.status not in statuses:
        return False
    body = r.json()
    return error_shape(r.status, body, code) if body is not None else r.status == 400


def leaked(body: bytes, secret: str) -> Optional[str]:
    text = body.decode("utf-8", "replace")
    return next((m for m in LEAKS + [secret] if m in text), None)


def run_parallel(jobs: list[Callable[[], tuple[bool, str, int]]], family: Family, threads: int = 4) -> None:
    """Run checks (each returns ok, what, requests sent) on a few threads; record them in order."""
    with ThreadPoolExecutor(threads) as pool:
        for ok, what, n in pool.map(lambda job: job(), jobs):
            family.check(ok, what, n)


# -- the families -----------------------------------------------------------------------------


def injection(server: Server, payloads: list[str] = PAYLOADS) -> Family:
    family = Family("injection")
    spec = api_spec(server.url)
    params = query_parameters(spec)

    with httpx.Client(base_url=server.url, timeout=60) as client:
        def job(path: str, name: str, schema: dict, value: str):
            def run() -> tuple[bool, str, int]:
                what = f"GET {path}?{name}={value[:60]!r}"
                try:
                    r = client.get(path, params={name: value})
                except httpx.HTTPError as exc:
                    return False, f"{what}: no answer ({type(exc).__name__})", 1
                body = _json(r)
                if schema_allows(schema, value):
                    ok = r.status_code == 200 and is_empty_result(body)
                    return ok, f"{what}: {r.status_code}, expected 200 and an empty result; got {r.text[:200]}", 1
                ok = r.status_code == 422 and error_shape(422, body, "invalid_parameters")
                return ok, f"{what}: {r.status_code}, expected 422 in the error shape; got {r.text[:200]}", 1
            return run

        jobs = [job(path, name, schema, p if set(p) <= RAW_OK else MARKER + p)
                for path, name, schema in params for p in payloads]
        run_parallel(jobs, family)
    names = {name for _, name, _ in params}
    family.check(len(params) >= 10 and {"limit", "text"} <= names,
                 f"too few query parameters found in /openapi.json: {sorted(names)}", requests=0)
    return family


def _json(r: httpx.Response) -> Any:
    try:
        return r.json()
    except ValueError:
        return None


def traversal_payloads(server: Server, secret_file: Path) -> list[str]:
    """Path segments as sent on the wire (nothing is encoded for us)."""
    up, enc = "../" * 12, "..%2f" * 12
    targets = [secret_file, server.db]
    return [
        "..", ".", "../../../../../../etc/passwd", "..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2e%2e/%2e%2e/%2e%2e/etc/passwd", "%252e%252e%252fetc%252fpasswd",
        "..%5c..%5c..%5cetc%5cpasswd", "..\\..\\..\\etc\\passwd", "....//....//....//etc/passwd",
        "%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd", "..%00/etc/passwd", "%00", "a%00b", "a\x00b",
        "%2fetc%2fpasswd", "/etc/passwd", "x" * 10_000, "%ff%fe%fd", "..;/..;/etc/passwd", "~root", "a%0d%0aX: y",
        "../layout.html", "..%2flayout.html", "../../api/app.py", "..%2f..%2fapi%2fapp.py",
        *(up + str(t).lstrip("/") for t in targets), *(enc + quote(str(t).lstrip("/"), safe="") for t in targets),
        *(quote(str(t), safe="") for t in targets), *(quote(t.name) for t in targets),
    ]


def traversal(server: Server, secret_file: Path, secret: str) -> Family:
    family = Family("traversal")
    templates = path_templates(api_spec(server.url))

    def job(template: str, segment: str):
        def run() -> tuple[bool, str, int]:
            target = fill(template, segment)
            what = f"GET {target[:80]!r}"
            r = raw_request(server.port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                            .encode("utf-8", "surrogateescape"))
            leak = leaked(r.body, secret)
            if leak:
                return False, f"{what}: {r.status} with file content ({leak!r})", 1
            return refused(r), f"{what}: {r.status} {r.body[:120]!r}, expected a 4xx in the error shape", 1
        return run

    run_parallel([job(t, s) for t in templates for s in traversal_payloads(server, secret_file)], family)
    family.check(len(templates) >= 3, f"too few path parameters found in /openapi.json: {templates}", requests=0)
    family.check(_healthy(server), "the server stopped answering", requests=1)
    return family


def _healthy(server: Server) -> bool:
    try:
        return httpx.get(server.url + "/api/v1/health", timeout=30).status_code == 200
    except httpx.HTTPError:
        return False


def oversize(server: Server, max_body: int) -> Family:
    family = Family("oversize")
    step = 64 * 1024

    def head(path: str, *headers: str) -> bytes:
        lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json", *headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def body(n: int) -> list[bytes]:
        data = b'{"text": "' + b"a" * max(0, n - 12) + b'"}'
        return [data[i:i + step] for i in range(0, len(data), step)]

    def chunked(n: int) -> list[bytes]:
        return [b"%x\r\n%s\r\n" % (len(p), p) for p in body(n)] + [b"0\r\n\r\n"]

    for path in [p for p, _ in post_schemas(api_spec(server.url))]:
        big = max_body + step
        cases: list[tuple[str, bytes, list[bytes], Any, Optional[str]]] = [
            ("Content-Length over the limit", head(path, f"Content-Length: {max_body + 1}"), body(max_body + 1),
             (413,), "too_large"),
            ("Content-Length of a terabyte, little sent", head(path, "Content-Length: 1000000000000"),
             [b'{"text": "aaaa'], (413,), "too_large"),
            ("Expect: 100-continue over the limit, no body", head(path, f"Content-Length: {4 * max_body}",
                                                                 "Expect: 100-continue"), [], (413,), "too_large"),
            ("chunked, no length, over the limit", head(path, "Transfer-Encoding: chunked"), chunked(big),
             (413,), "too_large"),
            ("chunked and a small Content-Length", head(path, "Transfer-Encoding: chunked", "Content-Length: 20"),
             chunked(big), (400, 413), None),
            ("Content-Length smaller than the body", head(path, "Content-Length: 16"), body(2 * max_body),
             range(400, 500), None),
            *((f"invalid Content-Length {v!r}", head(path, f"Content-Length: {v}"), body(100), (400, 413), None)
              for v in ("-1", "abc", "1e9", "+100", "0x10", "99999999999999999999999", "10, 20")),
            ("the same Content-Length twice, smaller than the body", head(path, "Content-Length: 10, 10"),
             body(2 * max_body), range(400, 500), None),
            ("control: chunked under the limit is read and validated", head(path, "Transfer-Encoding: chunked"),
             [b'9\r\n{"zz": 1}\r\n0\r\n\r\n'], (422,), "invalid_parameters"),
        ]
        for what, start, parts, statuses, code in cases:
            r = raw_request(server.port, start, parts, timeout=15)
            family.check(refused(r, statuses, code),
                         f"POST {path}, {what}: {r.status} {r.body[:150]!r} {r.note}, expected {list(statuses)[:3]}")
    family.check(_healthy(server), "the server stopped answering", requests=1)
    return family


def tokens(open_server: Server, token_server: Server, token: str) -> Family:
    """Writes without a configured token (403), with wrong tokens (401), with the right one (200)."""
    family = Family("token")
    doc = {"documents": [{"text": SENTENCE, "published": "2025-04-02", "doc_id": "token-check"}]}
    wrong = [{}, {"Authorization": "Bearer"}, {"Authorization": "Bearer wrong"},
             {"Authorization": f"Bearer {token[:-1]}"}, {"Authorization": f"Bearer {token}x"},
             {"Authorization": f"Bearer {token.swapcase()}"}, {"Authorization": f"Basic {token}"},
             {"Authorization": f"Token {token}"}, {"Authorization": token}, {"X-Eventwire-Token": "wrong"},
             {"X-Eventwire-Token": token, "Authorization": "Bearer wrong"}, {"Cookie": f"token={token}"},
             {"X-Api-Key": token}]
    for path in WRITE_PATHS:
        with httpx.Client(base_url=open_server.url, timeout=60) as c:
            for headers in [*wrong, {"Authorization": f"Bearer {token}"}, {"X-Eventwire-Token": token}]:
                r = c.post(path, json=doc, headers=headers)
                family.check(r.status_code == 403 and error_shape(403, _json(r), "forbidden"),
                             f"no token configured, POST {path} with {sorted(headers)}: {r.status_code}, expected 403")
        before = fingerprint(token_server.db)
        with httpx.Client(base_url=token_server.url, timeout=120) as c:
            for headers in wrong:
                r = c.post(path, json=doc, headers=headers)
                family.check(r.status_code == 401 and error_shape(401, _json(r), "unauthorized"),
                             f"POST {path} with {headers}: {r.status_code}, expected 401")
            r = c.post(path, json=doc, params={"token": token})
            family.check(r.status_code == 401, f"POST {path}?token=…: {r.status_code}, expected 401 (no token in URLs)")
            changes = fingerprint_changes(before, fingerprint(token_server.db))
            family.check(not changes, f"refused writes changed the store: {changes}", requests=0)
            r = c.post(path, json=doc, headers={"Authorization": f"Bearer {token}"})
            family.check(r.status_code == 200 and _json(r).get("stored") == 1,
                         f"POST {path} with the right token: {r.status_code} {r.text[:200]}, expected 200, stored 1")
            r = c.post(path, json=doc, headers={"X-Eventwire-Token": token})
            family.check(r.status_code == 200 and _json(r).get("skipped") == 1,
                         f"POST {path} again, token in X-Eventwire-Token: {r.status_code} {r.text[:200]}")
    return family


def outbound(open_server: Server, token_server: Server, token: str, urls: list[str] = URLS) -> Family:
    """URL-looking values everywhere, then: no outbound connection, lookup or process start."""
    family = Family("outbound")
    spec = api_spec(open_server.url)

    with httpx.Client(base_url=open_server.url, timeout=60) as client:
        def get(path: str, params: Optional[dict] = None, headers: Optional[dict] = None, expect=range(200, 500)):
            def run() -> tuple[bool, str, int]:
                try:
                    r = client.get(path, params=params, headers=headers)
                except httpx.HTTPError as exc:
                    return False, f"GET {path} {params or headers}: no answer ({type(exc).__name__})", 1
                return r.status_code in expect, f"GET {path} {params or headers}: {r.status_code} {r.text[:150]}", 1
            return run

        jobs = [get(path, {name: u}) for path, name, _ in query_parameters(spec) for u in urls]
        jobs += [get(fill(t, quote(u, safe="")), expect=range(400, 500)) for t in path_templates(spec) for u in urls]
        jobs += [get(page, {"id": u, "url": u, "src": u, "next": u}, expect=(200,)) for page in PAGES for u in urls]
        for u in urls:
            headers = {"Referer": u, "Origin": u, "X-Forwarded-For": u, "X-Forwarded-Host": u,
                       "Forwarded": f'for="{u}"', "X-Original-URL": u, "X-Rewrite-URL": u}
            jobs += [get("/api/v1/summary", headers=headers, expect=(200,)), get("/", headers=headers, expect=(200,))]
        run_parallel(jobs, family)
        for u in urls[:3]:  # a Host header naming another machine
            r = raw_request(open_server.port, f"GET /api/v1/summary HTTP/1.1\r\nHost: {u.split('/')[2] or 'x'}"
                                              f"\r\nConnection: close\r\n\r\n".encode())
            family.check(r.status == 200, f"GET /api/v1/summary with Host {u}: {r.status}")

    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=token_server.url, timeout=120) as client:
        for path, schema in post_schemas(spec):
            base = sample(schema)
            for at in string_fields(schema):
                for u in urls:
                    r = client.post(path, json=with_value(base, at, u), headers=auth)
                    family.check(r.status_code < 500, f"POST {path} with {'.'.join(map(str, at))}={u}: "
                                                      f"{r.status_code} {r.text[:150]}")
    for server in (open_server, token_server):
        family.check(server.hook_is_live(), f"{server.name}: the audit hook's self-test record is missing", requests=0)
        made = server.outbound()
        family.check(not made, f"{server.name} reached out: " + "; ".join(
            f"{r['event']} {r['target']} ({' < '.join(reversed(r['stack'][-3:]))})" for r in made[:5]), requests=0)
    return family


def unchanged(server: Server, before: dict, files_before: set[str]) -> Family:
    family = Family("store unchanged")
    changes = fingerprint_changes(before, fingerprint(server.db))
    family.check(not changes, f"the read-only server's store changed: {changes}", requests=0)
    sqlite_own = (server.db.name + "-wal", server.db.name + "-shm", server.db.name + "-journal")
    new = sorted({p.name for p in server.db.parent.iterdir()} - files_before - set(sqlite_own))
    family.check(not new, f"new files next to the store: {new}", requests=0)
    return family


# -- the run ----------------------------------------------------------------------------------


def servers(db: Path, workdir: Path, max_body: Optional[int]) -> tuple[Server, Server, str]:
    """Server A (read-only) and B (with a token), each over its own copy of `db`, not started."""
    token = secrets.token_urlsafe(24)
    (workdir / "a").mkdir(parents=True)
    (workdir / "b").mkdir(parents=True)
    a = Server(copy_store(db, workdir / "a" / "corpus.db"), workdir / "a", max_body=max_body, name="A")
    b = Server(copy_store(db, workdir / "b" / "corpus.db"), workdir / "b", token=token, max_body=max_body, name="B")
    return a, b, token


def plant_secret(folder: Path) -> tuple[Path, str]:
    """A file next to the store whose content no answer may ever contain."""
    secret = "secret-" + secrets.token_hex(16)
    path = folder / "secret.txt"
    path.write_text(secret + "\n", encoding="utf-8")
    return path, secret


def run_all(db: Path, workdir: Path, max_body: Optional[int] = None, quick: bool = False) -> list[Family]:
    from eventwire.api import DEFAULT_MAX_BODY

    a, b, token = servers(db, workdir, max_body)
    secret_file, secret = plant_secret(a.workdir)
    with a, b:
        before = fingerprint(a.db)
        files = {p.name for p in a.db.parent.iterdir()}
        families = [injection(a, QUICK_PAYLOADS if quick else PAYLOADS), traversal(a, secret_file, secret),
                    oversize(a, max_body or DEFAULT_MAX_BODY)]
        families.append(tokens(a, b, token))
        families.append(outbound(a, b, token, QUICK_URLS if quick else URLS))
        families.append(unchanged(a, before, files))
        for s in (a, b):
            families[-1].check(s.alive(), f"server {s.name} died", requests=0)
    return families


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n\n".join(__doc__.split("\n\n")[2:]))
    ap.add_argument("--db", type=Path, help="attack copies of this store (default: build one from the example "
                                            "articles with `eventwire ingest`); the file itself is not touched")
    ap.add_argument("--max-body", type=int, help="the servers' body limit in bytes (default: the server's, 2 MiB)")
    ap.add_argument("--quick", action="store_true", help="fewer payloads and URLs (as the tests use)")
    ap.add_argument("--json", metavar="FILE", help="also write the report as JSON to FILE ('-': stdout only)")
    args = ap.parse_args(argv)
    if args.db is not None and not args.db.is_file():
        ap.error(f"no store at {args.db}")

    with tempfile.TemporaryDirectory(prefix="api-attacks-") as tmp:
        db = args.db or build_store(Path(tmp) / "built.db")
        families = run_all(db, Path(tmp) / "servers", args.max_body, args.quick)
    failed = sum(len(f.failures) for f in families)
    if args.json != "-":
        rows = [(f.name, f.requests, f.checks, f.passed, len(f.failures)) for f in families]
        rows.append(("ALL", *(sum(r[i] for r in rows) for i in range(1, 5))))
        print(table(["family", "requests", "checks", "passed", "failed"], rows))
        for f in families:
            for what in f.failures[:20]:
                print(f"FAIL [{f.name}] {what}")
            if len(f.failures) > 20:
                print(f"FAIL [{f.name}] … and {len(f.failures) - 20} more")
        print("\nresult: " + ("OK: every attack was refused or handled correctly" if not failed
                              else f"FAILED: {failed} check(s)"))
    if args.json:
        text = json.dumps({"ok": not failed, "families": [asdict(f) for f in families]}, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
