"""`eventwire serve` under load and under attack: bounded runs of scripts/api_load.py and
scripts/api_attacks.py against real servers (child processes, each under an audit hook that logs
outbound connections, lookups and process starts) over copies of the API tests' store.

Beyond tests/test_api.py: every query parameter that /openapi.json lists gets the injection
payloads (and the store is checked unchanged, table by table), every path parameter and the
static files get traversal attempts, bodies over the limit come with a lying Content-Length,
chunked or with 'Expect: 100-continue', tokens are tried in every wrong place, and URL-looking
values go everywhere while the audit hook watches. The full runs:
`python scripts/api_load.py` and `python scripts/api_attacks.py`.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")

sys.path.insert(0, str(ROOT / "scripts"))
import _serve_helpers as helpers  # noqa: E402
import api_attacks as attacks  # noqa: E402
import api_load as load  # noqa: E402

MAX_BODY = 64 * 1024


@pytest.fixture(scope="module")
def servers(api_store, tmp_path_factory):
    """Server A (read-only) and B (with a token), each over its own copy of the API store."""
    a, b, token = attacks.servers(api_store, tmp_path_factory.mktemp("hardening"), MAX_BODY)
    with a, b:
        yield a, b, token, helpers.fingerprint(a.db)


def test_small_load_answers_every_request(servers):
    a = servers[0]
    report = load.run_load(a.url, clients=10, requests=20, seed=3)
    assert report["requests"] == 200 and report["statuses"] == {"200": 200}, report["statuses"]
    assert report["5xx"] == 0 and report["no_answer"] == 0
    assert len(report["by_kind"]) >= 15  # the mix reaches most endpoints and pages
    assert 0 < report["p50_ms"] <= report["p95_ms"] <= report["p99_ms"] <= report["max_ms"]


def test_slow_clients_do_not_block_others(servers):
    a = servers[0]
    report = load.run_slow_clients(a.url, a.port, slow=6, normal=2, seconds=3)
    assert sum(k["connections"] for k in report["slow"].values()) == 6
    normal = report["normal"]
    assert normal["requests"] > 0 and normal["unexpected"] == 0, normal["statuses"]


def test_injection_in_every_parameter_of_every_list_endpoint(servers):
    a, _, _, _ = servers
    before = helpers.fingerprint(a.db)
    family = attacks.injection(a, attacks.QUICK_PAYLOADS)
    assert family.failures == []
    params = attacks.query_parameters(attacks.api_spec(a.url))
    assert {"actor", "recipient", "type", "mode", "status", "since", "until", "place", "text", "q", "limit",
            "offset", "by", "group", "node"} <= {name for _, name, _ in params}
    assert family.requests == len(params) * len(attacks.QUICK_PAYLOADS) > 500
    assert helpers.fingerprint_changes(before, helpers.fingerprint(a.db)) == []


def test_the_injection_oracle_can_fail(servers):
    """Without a payload the same requests select something, so an empty result means something."""
    a = servers[0]
    events = httpx.get(a.url + "/api/v1/events", timeout=30).json()
    assert not attacks.is_empty_result(events) and events["total"] > 0
    assert attacks.is_empty_result({"q": "x", "articles": {"total": 0, "items": []},
                                    "events": {"total": 0, "items": []}})
    assert not attacks.is_empty_result({"items": [], "nested": {"total": 1, "items": [{}]}})
    assert not attacks.is_empty_result({"status": "ok"})  # not a list answer at all
    assert attacks.schema_allows({"anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}]}, "abc")
    assert not attacks.schema_allows({"type": "integer", "minimum": 1, "maximum": 5}, "1 OR 1=1")


def test_nul_in_a_filter_is_refused(servers):
    """SQLite reads a LIKE pattern only up to a NUL: 'x\\0…' used to filter like 'x', and '\\0' alone
    selected every event. The API now refuses a NUL in any text parameter."""
    a = servers[0]
    for name in ("actor", "recipient", "place", "text", "type"):
        r = httpx.get(a.url + "/api/v1/events", params={name: "\x00"}, timeout=30)
        assert r.status_code == 422 and helpers.error_shape(422, r.json(), "invalid_parameters"), (name, r.text)
    r = httpx.get(a.url + "/api/v1/search", params={"q": "Kenya\x00"}, timeout=30)
    assert r.status_code == 422


def test_traversal_in_every_path_parameter_and_the_static_files(servers):
    a = servers[0]
    secret_file, secret = attacks.plant_secret(a.workdir)
    family = attacks.traversal(a, secret_file, secret)
    assert family.failures == []
    assert family.requests > 100
    assert httpx.get(a.url + "/static/common.js", timeout=30).status_code == 200  # files are served at all


def test_oversize_bodies_are_refused_however_sent(servers):
    a = servers[0]
    family = attacks.oversize(a, MAX_BODY)
    assert family.failures == []
    assert family.requests >= 2 * 10  # both POST endpoints, every way of sending a body


def test_write_needs_the_right_token(servers):
    a, b, token, _ = servers
    family = attacks.tokens(a, b, token)
    assert family.failures == []
    assert httpx.get(b.url + "/api/v1/articles/token-check", timeout=30).status_code == 200


def test_no_endpoint_reaches_out(servers):
    a, b, token, _ = servers
    family = attacks.outbound(a, b, token, attacks.QUICK_URLS)
    assert family.failures == []
    assert a.hook_is_live() and b.hook_is_live() and a.outbound() == [] and b.outbound() == []


def test_the_audit_hook_records_a_real_outbound_connection(tmp_path):
    """The control for the check above: the same wrapper around `eventwire watch`, which does
    fetch, logs the attempt (to TEST-NET-1, reserved for documentation: nothing answers)."""
    log = tmp_path / "audit.jsonl"
    command = helpers.audited(log, "watch", "--db", str(tmp_path / "w.db"), "--once", "--timeout", "0.2",
                              "http://192.0.2.10:9/feed.xml")
    subprocess.run(command, capture_output=True, timeout=120, cwd=tmp_path)
    records = helpers.read_audit_log(log)
    assert records and records[0]["self_test"]
    assert any(r["event"].startswith(("socket.", "http.")) and not r["self_test"] for r in records), records


def test_read_only_store_unchanged_after_everything(servers):
    a, b, _, start = servers
    assert helpers.fingerprint_changes(start, helpers.fingerprint(a.db)) == []
    assert a.alive() and b.alive()
