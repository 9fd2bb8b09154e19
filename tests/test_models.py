import json

from eventwire.models import Actor, Document, Entity, Quote, Speaker


def test_document_round_trips_through_json():
    doc = Document(
        doc_id="d1", text="Xi said “hello”.", published="2025-05-07",
        entities=(Entity("e1", "Xi", 0, 2, "PERSON", Actor(name="Xi Jinping", country="CHN", sector="GOV")),),
        quotes=(Quote("hello", 9, 14, Speaker("Xi", 0, 2, Actor(country="CHN")), "said"),),
    )
    data = json.loads(json.dumps(doc.to_dict()))
    assert list(data)[0] == "schema" and data["schema"] == "eventwire/1"
    assert Document.from_dict(data) == doc


def test_models_are_frozen():
    actor = Actor(country="RUS")
    try:
        actor.country = "UKR"
    except AttributeError:
        return
    raise AssertionError("Actor must be immutable")
