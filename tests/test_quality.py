"""Quality gate: eventwire's scores on the annotated data may not fall below the pinned floors
(unit recall, and event figures such as `events.full_recall`).

The seed article must meet the foundation's bar (recall >= 0.9 for entities, places, times and
quantities, and every quote); the development sets must stay at or above
`quality_baseline.json`. Skipped when the annotated data is not present.
"""
import json
from pathlib import Path

import pytest

from eventwire.evaluate import read_gold, score
from eventwire.ingest import read_inputs
from eventwire.models import Document

BASELINE = json.loads(Path(__file__).with_name("quality_baseline.json").read_text())
SETS = [name for name in BASELINE if not name.startswith("_")]


def evaluate(engine, path: Path):
    predictions = {}
    for result in engine.process_many(read_inputs([str(path)], fmt="jsonl")):
        assert isinstance(result, Document), result
        predictions[result.doc_id] = json.loads(json.dumps(result.to_dict()))
    return score(read_gold(str(path)), predictions)


def test_seed_meets_the_foundation_bar(engine, shared):
    result = evaluate(engine, shared / "seed" / "gold.jsonl")
    for kind in ("entities", "places", "times", "quantities"):
        assert result.units[kind].recall >= 0.9, kind
    quotes = result.units["quotes"]
    assert quotes.found == quotes.total == 3


@pytest.mark.slow
@pytest.mark.parametrize("name", SETS)
def test_scores_stay_above_the_floors(engine, shared, name):
    result = evaluate(engine, shared / name)
    events = result.events.figures()
    for kind, floor in BASELINE[name].items():
        if kind.startswith("events."):
            value = events[kind.split(".", 1)[1]]
        else:
            value = result.units[kind].recall
        assert value is not None and value >= floor, f"{name} {kind}: {value:.3f} < floor {floor}"
