"""What scripts/api_load.py, scripts/api_attacks.py and tests/test_api_hardening.py share.

* `build_store`: a store made by `eventwire ingest` from the repository's example articles
  (examples/article.txt and tests/articles/*.txt, each with its publication date);
* `Server`: a real `eventwire serve` (uvicorn) in a child process on a free loopback port, run
  under an audit hook that records every outbound connection or name lookup and every process
  start into a log (`Server.outbound()` reads it);
* `fingerprint`: row counts and a checksum of every table of a store, to tell that nothing
  was written;
* `raw_request`: one HTTP request sent byte for byte (a client library would normalise '..'
  in a path, or refuse a lying Content-Length);
* `percentile` and `table`: for the reports.

Run as a script, this file is the wrapper the child process runs:

    python scripts/_serve_helpers.py AUDIT_LOG serve --db corpus.db --port 8000

It installs the audit hook (`sys.addaudithook`), writes one self-test record through it (so a
reader can tell that the hook was live), then runs the `eventwire` command line with the rest of
the arguments. Only this file needs to know how the hook works.
"""
from __future__ import annotations

import hashlib
import http.client
import ipaddress
import json
import math
import os
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
SELF_TEST_HOST = "192.0.2.1"  # TEST-NET-1 (RFC 5737): looked up numerically, never contacted
CLI = "from eventwire.cli import main; main()"

# -- the store ------------------------------------------------------------------------------


def example_articles() -> list[tuple[Path, str]]:
    """The repository's example articles with their publication dates (tests/articles: the date
    starts the file name), as tests/conftest.py ingests them for the API tests."""
    found = [(ROOT / "examples" / "article.txt", "2025-03-12")]
    found += [(f, f.name[:10]) for f in sorted((ROOT / "tests" / "articles").glob("*.txt"))]
    return found


def build_store(db: Path) -> Path:
    """Run `eventwire ingest` (one process: the pipeline is loaded once) over the example
    articles into a new store at `db`; raises RuntimeError when the command fails."""
    db = Path(db)
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "articles.jsonl"
        with inputs.open("w", encoding="utf-8") as out:
            for file, published in example_articles():
                out.write(json.dumps({"text": file.read_text(encoding="utf-8"), "published": published}) + "\n")
        done = subprocess.run([sys.executable, "-c", CLI, "ingest", "--db", str(db), "--no-progress", str(inputs)],
                              capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"eventwire ingest failed ({done.returncode}): {done.stderr.strip()}")
    return db


def copy_store(source: Path, target: Path) -> Path:
    """A consistent copy of a store (SQLite's backup: pages still in the write-ahead log too)."""
    src = sqlite3.connect(Path(source).resolve().as_uri() + "?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return Path(target)


def fingerprint(db: Path) -> dict[str, tuple[int, str]]:
    """For every table (and the schema itself, as 'sqlite_master'): its row count and a SHA-256
    of its rows in a stable order. Read-only; equal fingerprints mean equal contents."""
    conn = sqlite3.connect(Path(db).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        names = ["sqlite_master"] + [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for name in names:
            rows = sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{name}"'))
            digest = hashlib.sha256("\n".join(rows).encode("utf-8", "surrogatepass")).hexdigest()[:16]
            out[name] = (len(rows), digest)
        return out
    finally:
        conn.close()


def fingerprint_changes(before: dict, after: dict) -> list[str]:
    """The tables whose rows differ between two fingerprints, as 'name: rows before -> after'."""
    return [f"{name}: {before.get(name, (0, ''))[0]} -> {after.get(name, (0, ''))[0]} rows"
            for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]


# -- the audit hook (runs inside the server's process) ----------------------------------------

# Audit events that reach another machine or start a program (see the table of audit events in
# Python's documentation); their arguments carry the address or the command.
_NETWORK = {"socket.connect": 1, "socket.sendto": 1, "socket.sendmsg": 1}  # event -> index of the address
_PROCESS = ("subprocess.Popen", "os.system", "os.posix_spawn", "os.exec", "os.spawn", "os.fork", "os.forkpty")


def is_local(host: Any) -> bool:
    """Whether a host (name, address, bytes or None) is this machine: loopback, unspecified or
    None (a passive lookup for binding). Any other name counts as outbound."""
    if host is None:
        return True
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0].lower()
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return ip.is_loopback or ip.is_unspecified


def _outbound(event: str, args: tuple) -> Optional[str]:
    """What an audit event reaches outside this machine, or None."""
    if event in _NETWORK:
        address = args[_NETWORK[event]]
        if not isinstance(address, tuple):  # a Unix socket's path
            return None
        host, port = address[0], address[1] if len(address) > 1 else None
    elif event == "socket.getaddrinfo":
        host, port = args[0], args[1]
    elif event == "http.client.connect":
        host, port = args[1], args[2]
    elif event in _PROCESS:
        return "process: " + " ".join(repr(a)[:200] for a in args[:2])
    else:
        return None
    return None if is_local(host) else f"{host!r}:{port}"


def install_audit_hook(log_path: str) -> None:
    """Append one JSON line to `log_path` for every outbound connection or lookup and every
    process start of this process, then write the self-test record (a numeric lookup of
    TEST-NET-1, which sends nothing)."""
    log = open(log_path, "a", encoding="utf-8")  # opened before the hook: no recursion
    lock = threading.Lock()
    busy = threading.local()
    self_test = [True]  # while the self-test lookup runs

    def hook(event: str, args: tuple) -> None:
        if event not in _NETWORK and event not in _PROCESS and event not in (
                "socket.getaddrinfo", "http.client.connect"):
            return
        if getattr(busy, "on", False):
            return
        busy.on = True
        try:
            target = _outbound(event, args)
            if target is not None:
                stack = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in traceback.extract_stack()[-8:-1]]
                record = {"event": event, "target": target, "self_test": self_test[0], "stack": stack}
                with lock:
                    log.write(json.dumps(record) + "\n")
                    log.flush()
        finally:
            busy.on = False

    sys.addaudithook(hook)
    socket.getaddrinfo(SELF_TEST_HOST, 9, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    self_test[0] = False


def audited(audit_log: Path, *eventwire_args: str) -> list[str]:
    """The command running `eventwire ARGS` under the audit hook, logging to `audit_log`."""
    return [sys.executable, str(Path(__file__).resolve()), str(audit_log), *eventwire_args]


def read_audit_log(audit_log: Path) -> list[dict]:
    """The records of an audit log, the hook's own self-test record included (`self_test`: true)."""
    if not Path(audit_log).exists():
        return []
    return [json.loads(line) for line in Path(audit_log).read_text(encoding="utf-8").splitlines() if line.strip()]


# -- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """`eventwire serve --db DB` on 127.0.0.1 in a child process, under the audit hook.

    `workdir` holds the audit log, the server's output, the token file and is the server's
    working directory. Use as a context manager, or call `start()` and `stop()`."""

    db: Path
    workdir: Path
    token: Optional[str] = None
    max_body: Optional[int] = None
    name: str = "server"
    port: int = 0
    proc: Optional[subprocess.Popen] = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def audit_log(self) -> Path:
        return self.workdir / f"{self.name}.audit.jsonl"

    @property
    def output(self) -> Path:
        return self.workdir / f"{self.name}.out.txt"

    def command(self) -> list[str]:
        cmd = audited(self.audit_log, "serve", "--db", str(self.db), "--host", "127.0.0.1", "--port", str(self.port))
        if self.token:
            token_file = self.workdir / f"{self.name}.token"
            token_file.write_text(self.token + "\n", encoding="utf-8")
            token_file.chmod(0o600)
            cmd += ["--token-file", str(token_file)]
        if self.max_body:
            cmd += ["--max-body", str(self.max_body)]
        return cmd

    def start(self, timeout: float = 120) -> "Server":
        """Start it and wait until /api/v1/health answers (a port taken meanwhile: try another)."""
        import httpx

        self.workdir.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k not in ("EVENTWIRE_TOKEN", "EVENTWIRE_DB")}
        for _attempt in range(3):
            self.port = free_port()
            with self.output.open("ab") as out:
                self.proc = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, cwd=self.workdir, env=env)
            deadline = time.monotonic() + timeout
            while self.proc.poll() is None and time.monotonic() < deadline:
                try:
                    if httpx.get(self.url + "/api/v1/health", timeout=5).status_code == 200:
                        if not self.hook_is_live():
                            self.stop()
                            raise RuntimeError(f"{self.name}: the audit hook wrote no self-test record")
                        return self
                except httpx.TransportError:
                    time.sleep(0.2)
            self.stop()
            if "address already in use" not in self.output.read_text(errors="replace").lower():
                break
        raise RuntimeError(f"{self.name} did not start: {self.output.read_text(errors='replace')[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def audit_records(self) -> list[dict]:
        return read_audit_log(self.audit_log)

    def hook_is_live(self) -> bool:
        return any(r.get("self_test") for r in self.audit_records())

    def outbound(self) -> list[dict]:
        """Every outbound connection, lookup or process start the server made (self-test aside)."""
        return [r for r in self.audit_records() if not r.get("self_test")]

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# -- raw HTTP -------------------------------------------------------------------------------


@dataclass
class RawResponse:
    status: Optional[int]  # None: no answer (closed or timed out)
    headers: dict[str, str]
    body: bytes
    note: str = ""

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def raw_request(port: int, head: bytes, parts: Iterable[bytes] = (), timeout: float = 20.0) -> RawResponse:
    """Send `head` (request line and headers, as given) and then each of `parts` to the server,
    stopping early if it answers meanwhile, and read one response."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        note = ""
        try:
            sock.sendall(head)
            for part in parts:
                if select.select([sock], [], [], 0)[0]:
                    note = "answered before the whole body was sent"
                    break
                sock.sendall(part)
        except OSError as exc:
            note = f"closed while sending ({type(exc).__name__})"
        response = http.client.HTTPResponse(sock)
        try:
            response.begin()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            return RawResponse(None, {}, b"", f"{note}; no answer ({type(exc).__name__}: {exc})".lstrip("; "))
        return RawResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, body, note)


def error_shape(status: Optional[int], body: Any, code: Optional[str] = None) -> bool:
    """Whether a decoded body is the API's one error shape for `status` (and `code`)."""
    if not isinstance(body, dict) or set(body) != {"error"} or not isinstance(body["error"], dict):
        return False
    error = body["error"]
    return (error.get("status") == status and isinstance(error.get("message"), str) and bool(error["message"])
            and isinstance(error.get("code"), str) and (code is None or error["code"] == code))


# -- reports --------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile `p` (0-100) of `values` (0.0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain-text table: text left-aligned, numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    numeric = [all(_is_number(r[i]) for r in cells[1:]) for i in range(len(headers))]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric)).rstrip()

    return "\n".join([line(cells[0]), line(["-" * w for w in widths])] + [line(r) for r in cells[1:]])


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
        return True
    except ValueError:
        return False


if __name__ == "__main__":  # the server's wrapper: AUDIT_LOG, then `eventwire` arguments
    install_audit_hook(sys.argv[1])
    from eventwire.cli import main

    main(sys.argv[2:], prog_name="eventwire")
