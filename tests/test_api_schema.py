"""Property-based tests of the API against its own OpenAPI description (schemathesis): every
GET endpoint and POST /extract get generated requests, valid and invalid, sent to the running
server; each answer must be no server error and must match the status codes, content types and
schemas the description declares (errors included, in their one shape). A few examples each."""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("fastapi")
import httpx  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402  (hypothesis comes with schemathesis)

from eventwire.api import create_app  # noqa: E402

# The description the server publishes; test_served_description_is_this_one checks they agree.
SPEC = create_app("never-opened.db").openapi()
SCHEMA = schemathesis.openapi.from_dict(SPEC)
OPERATIONS = [r.ok() for r in SCHEMA.get_all_operations()]
TESTED = [op.label for op in OPERATIONS if op.method.upper() == "GET" or op.path == "/api/v1/extract"]
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE


def _has_inputs(label: str) -> bool:
    method, path = label.split(" ", 1)
    entry = SPEC["paths"][path][method.lower()]
    return bool(entry.get("parameters") or entry.get("requestBody"))


CASES = [(label, POSITIVE) for label in TESTED] + [(label, NEGATIVE) for label in TESTED if _has_inputs(label)]


def test_served_description_is_this_one(live_server):
    assert httpx.get(live_server + "/openapi.json").json() == SPEC
    assert len(TESTED) >= 14
    assert {"GET /api/v1/merged", "GET /api/v1/merged/{merged_id}", "GET /api/v1/monitor"} <= set(TESTED)


@pytest.mark.parametrize("label,mode", CASES, ids=[f"{label}-{mode.value}" for label, mode in CASES])
def test_operation_conforms(live_server, label, mode):
    from schemathesis.checks import positive_data_acceptance

    operation = SCHEMA.find_operation_by_label(label)
    excluded = []
    if operation.path == "/api/v1/extract":
        excluded.append(positive_data_acceptance)  # a text the schema allows may still be refused for its content (400)
    examples = 4 if operation.path == "/api/v1/extract" else 8

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(base_url=live_server, excluded_checks=excluded)

    check()
