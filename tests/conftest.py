"""Shared fixtures: one real spaCy-backed engine per test session, and the project's annotated
development data when it is present next to the repository (tests using it skip otherwise)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVENTWIRE_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def engine():
    from eventwire import Engine

    return Engine().load()  # once for the whole session


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "seed" / "gold.jsonl").is_file():
        pytest.skip("the annotated development data (../shared) is not present")
    return SHARED


def pub(engine, text: str, published: str = "2025-05-07"):
    """Extract `text` as published on `published` (a Wednesday by default)."""
    return engine.extract(text, published=published)
