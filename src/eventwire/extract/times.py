"""`ew_times`: time expressions normalised against the publication date (`doc._.ew_published`)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Token

from eventwire.extract.mentions import TimeMention
from eventwire.extract.timex import find_time_expressions, normalise

_YEAR_CONTEXT = {
    "in", "since", "until", "till", "by", "from", "to", "of", "before", "after", "during", "between",
    "and", "early", "late", "mid", "year", "the", "'s", "’s", "through", "around", "circa", "or",
}
# Verbs after which a clause speaks of the future: "is expected to sign", "plans to visit".
FUTURE_GOVERNORS = frozenset(
    "expect set due schedule plan intend aim hope prepare go promise pledge vow threaten seek "
    "want wish propose due".split()
)
FUTURE_AUX = frozenset({"will", "shall", "'ll", "’ll", "wo", "going"})


@Language.factory("ew_times", assigns=["doc._.ew_times"], requires=["token.dep", "token.tag"])
def make_times(nlp: Language, name: str):
    return TimeFinder()


class TimeFinder:
    def __call__(self, doc: Doc) -> Doc:
        anchor = _anchor(doc._.ew_published)
        out: list[TimeMention] = []
        for found in find_time_expressions(doc.text):
            span = doc.char_span(found.start, found.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            if found.kind == "year" and not _year_context(span):
                continue
            tense = clause_tense(span.root)
            norm = normalise(found, anchor, tense)
            if norm is None:
                continue
            relation = norm.relation or tense or "present"
            out.append(TimeMention(span=doc[span.start:span.end], value=norm.value,
                                   precision=norm.precision, relation=relation))
        doc._.ew_times = out
        return doc


def _anchor(published: Optional[str]) -> Optional[dt.date]:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def _year_context(span) -> bool:
    tok = span[0]
    if tok.ent_type_ == "DATE":
        return True
    if tok.ent_type_ in ("CARDINAL", "QUANTITY", "MONEY", "PERCENT"):
        return False
    prev = span.doc[tok.i - 1] if tok.i > 0 else None
    return prev is not None and prev.lower_ in _YEAR_CONTEXT


def clause_tense(token: Token) -> Optional[str]:
    """'past', 'present' or 'future' for the clause a token belongs to (None when unclear)."""
    node = token
    for _ in range(8):
        if node.pos_ in ("VERB", "AUX") and node.dep_ != "aux":
            tense = verb_tense(node)
            if tense is not None:
                return tense
        if node.head is node:
            break
        node = node.head
    return None


def verb_tense(verb: Token) -> Optional[str]:
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    lowers = {a.lower_ for a in auxes}
    if lowers & FUTURE_AUX or any(a.tag_ == "MD" and a.lower_ in ("will", "shall", "’ll", "'ll") for a in auxes):
        return "future"
    # control/raising: "is expected to sign", "plans to visit", "is set to meet"
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in FUTURE_GOVERNORS:
        return "future"
    # "is to resume trading on Tuesday"
    if verb.dep_ == "xcomp" and verb.head.lemma_ == "be" and verb.tag_ == "VB":
        return "future"
    if verb.lemma_.lower() in FUTURE_GOVERNORS and any(c.dep_ == "xcomp" for c in verb.children):
        return "future"
    # "is due in December", "is set for Friday"
    if any(c.dep_ == "acomp" and c.lemma_.lower() in FUTURE_GOVERNORS for c in verb.children):
        return "future"
    if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and lowers & {"has", "have", "had", "was", "were", "been"}):
        return "past"
    if lowers & {"did", "was", "were", "had"}:
        return "past"
    if verb.tag_ in ("VBZ", "VBP") or lowers & {"is", "are", "am", "does", "do"}:
        return "present"
    if verb.tag_ == "VBG" and lowers & {"is", "are"}:
        return "present"
    return None
