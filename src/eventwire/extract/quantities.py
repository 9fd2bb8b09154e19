"""`ew_quantities`: counts, money, percentages, ordinals and measures, with what they count.

"at least 19 Ukrainian drones" → 19, >=, drone; "$245bn" → 2.45e11 USD; "66%" → 66 percent;
"50bn cubic metres of gas a year" → 5e10 cubic metre per year; "Xi's 11th visit" → ordinal 11.
Numbers inside time expressions and names ("Power of Siberia 2") are left alone.
"""
from __future__ import annotations

import re
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from eventwire.extract.mentions import QuantityMention
from eventwire.extract.timex import NUMBER_WORDS

SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6, "billion": 1e9,
    "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12,
}
CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₽": "RUB", "₴": "UAH", "₹": "INR", "a$": "AUD", "c$": "CAD", "hk$": "HKD"}
CURRENCY_WORDS = {
    "dollar": "USD", "euro": "EUR", "pound": "GBP", "sterling": "GBP", "yuan": "CNY", "renminbi": "CNY",
    "rouble": "RUB", "ruble": "RUB", "hryvnia": "UAH", "rupee": "INR", "yen": "JPY", "won": "KRW",
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "cny": "CNY", "rub": "RUB", "franc": "CHF", "lira": "TRY",
    "shekel": "ILS", "riyal": "SAR", "dirham": "AED", "naira": "NGN", "rand": "ZAR",
}
VAGUE = {"dozens": (24, ">="), "scores": (40, ">="), "hundreds": (200, ">="), "thousands": (2000, ">="),
         "millions": (2e6, ">="), "billions": (2e9, ">="), "tens": (20, ">=")}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
}
QUALIFIERS = [
    ("at least", ">="), ("no fewer than", ">="), ("no less than", ">="), ("a minimum of", ">="),
    ("more than", ">"), ("over", ">"), ("above", ">"), ("upwards of", ">"), ("in excess of", ">"),
    ("just over", ">"), ("at most", "<="), ("up to", "<="), ("no more than", "<="), ("a maximum of", "<="),
    ("less than", "<"), ("fewer than", "<"), ("under", "<"), ("below", "<"), ("nearly", "<"),
    ("almost", "<"), ("just under", "<"), ("about", "~"), ("around", "~"), ("approximately", "~"),
    ("roughly", "~"), ("some", "~"), ("an estimated", "~"), ("estimated", "~"), ("close to", "~"),
    ("some", "~"), ("circa", "~"), ("as many as", "<="), ("as much as", "<="),
]
MEASURE_UNITS = frozenset(
    """metre meter kilometre kilometer km mile foot feet inch centimetre cm millimetre mm hectare acre
    tonne ton kilogram kg gram pound-weight litre liter gallon barrel bpd cubic_metre square_kilometre
    square_mile square_metre megawatt gigawatt mw gw kwh watt volt degree hour minute second day
    week month year decade century knot mph""".split()
)
PERIODS = {"year": "year", "day": "day", "month": "month", "week": "week", "annum": "year", "hour": "hour"}
_COMPACT = re.compile(r"^(\d[\d,]*(?:\.\d+)?)(bn|b|m|mn|mln|k|tn|trn)$", re.I)
_NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$", re.I)


@Language.factory("ew_quantities", assigns=["doc._.ew_quantities"], requires=["doc._.ew_times", "token.dep"])
def make_quantities(nlp: Language, name: str):
    return QuantityFinder()


class QuantityFinder:
    def __call__(self, doc: Doc) -> Doc:
        blocked = set()
        for t in doc._.ew_times or ():
            blocked.update(range(t.span.start, t.span.end))
        for m in doc._.ew_entities or ():
            if m.kind == "name" and m.label in ("ORG", "FAC", "PERSON", "GPE", "LOC"):
                blocked.update(range(m.span.start, m.span.end))
        for ent in doc.ents:  # numbers in names: "Power of Siberia 2", "Apollo 11", "Article 5"
            if ent.label_ in ("ORG", "FAC", "GPE", "LOC", "PRODUCT", "WORK_OF_ART", "LAW", "EVENT"):
                blocked.update(range(ent.start, ent.end))
        out: list[QuantityMention] = []
        i = 0
        while i < len(doc):
            if i in blocked:
                i += 1
                continue
            found = self._at(doc, i)
            if found is None:
                i += 1
                continue
            mention, next_i = found
            out.append(mention)
            i = max(next_i, i + 1)
        doc._.ew_quantities = out
        return doc

    def _at(self, doc: Doc, i: int) -> Optional[tuple[QuantityMention, int]]:
        tok = doc[i]
        low = tok.lower_
        # ordinals: "11th", "first"
        m = _ORDINAL.match(tok.text)
        if m or (low in ORDINAL_WORDS and tok.tag_ in ("JJ", "RB") and tok.dep_ in ("amod", "advmod")
                 and tok.head.pos_ == "NOUN" and tok.head.i > i):
            value = int(m.group(1)) if m else ORDINAL_WORDS[low]
            head = tok.head if tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i > i else None
            end = head.i + 1 if head is not None else i + 1
            return QuantityMention(doc[i:end], value, "=", head.lemma_.lower() if head is not None else None,
                                   "ordinal"), end
        core = self._number_core(doc, i)
        if core is None:
            return None
        value, qualifier, end = core
        start = i
        # currency symbol before the number
        unit, kind = None, "count"
        if i > 0 and doc[i - 1].text.lower() in CURRENCY_SYMBOLS:
            start = i - 1
            unit, kind = CURRENCY_SYMBOLS[doc[i - 1].text.lower()], "money"
        elif i > 1 and doc[i - 1].tag_ == "$" and doc[i - 2].text.lower() in ("us", "a", "c", "hk"):
            start = i - 2
            unit, kind = CURRENCY_SYMBOLS.get(doc[i - 2].text.lower() + "$", "USD"), "money"
        q, qstart = _qualifier(doc, start)
        if q:
            qualifier, start = q, qstart
        if kind == "count" and end < len(doc):
            nxt = doc[end]
            if nxt.text == "%" or nxt.lower_ in ("percent", "pct"):
                return QuantityMention(doc[start:end + 1], value, qualifier, "percent", "percent"), end + 1
            if nxt.lower_ == "per" and end + 1 < len(doc) and doc[end + 1].lower_ == "cent":
                return QuantityMention(doc[start:end + 2], value, qualifier, "percent", "percent"), end + 2
            if nxt.lemma_.lower() in CURRENCY_WORDS:
                return QuantityMention(doc[start:end + 1], value, qualifier, CURRENCY_WORDS[nxt.lemma_.lower()],
                                       "money"), end + 1
        if kind == "money":
            return QuantityMention(doc[start:end], value, qualifier, unit, kind), end
        return self._counted(doc, start, i, end, value, qualifier)

    def _number_core(self, doc: Doc, i: int) -> Optional[tuple[float, str, int]]:
        """(value, qualifier, end) of the number starting at token i."""
        tok = doc[i]
        low = tok.lower_
        if low in VAGUE and tok.tag_ in ("NNS", "CD"):
            value, qualifier = VAGUE[low]
            end = i + 1
            # "tens of thousands"
            if low == "tens" and end + 1 < len(doc) and doc[end].lower_ == "of" and doc[end + 1].lower_ in VAGUE:
                value = 10 * VAGUE[doc[end + 1].lower_][0]
                end += 2
            return value, qualifier, end
        m = _COMPACT.match(tok.text)
        if m:
            return _clean(float(m.group(1).replace(",", "")) * SCALES[m.group(2).lower()]), "=", i + 1
        if not (_NUMBER.match(tok.text) or (low in NUMBER_WORDS and low not in ("a", "an"))):
            return None
        if low == "one" and tok.dep_ not in ("nummod", "compound", "quantmod"):
            return None  # "one of the central events": a pronoun
        if tok.tag_ not in ("CD", "NN", "LS") and not _NUMBER.match(tok.text):
            return None
        words: list[str] = []
        j = i
        while j < len(doc):
            t = doc[j]
            tl = t.lower_
            if _NUMBER.match(t.text) or tl in NUMBER_WORDS and tl not in ("a", "an"):
                if words and _NUMBER.match(t.text) and _NUMBER.match(words[-1]):
                    break
                words.append(tl)
            elif tl in ("-", "and") and words and j + 1 < len(doc) and doc[j + 1].lower_ in NUMBER_WORDS \
                    and words[-1] in NUMBER_WORDS:
                pass
            elif tl in SCALES and words and (len(tl) > 1 or t.idx == doc[j - 1].idx + len(doc[j - 1].text)):
                words.append(tl)  # "2.5 million", "1.2m" (a one-letter scale only when written attached)
            else:
                break
            j += 1
        value = _words_value(words)
        if value is None:
            return None
        return value, "=", j

    def _counted(self, doc: Doc, start: int, i: int, end: int, value, qualifier) -> tuple[QuantityMention, int]:
        last = doc[end - 1]
        unit, head = None, None
        # "four-day visit": a number joined to a unit by a hyphen
        if end + 1 < len(doc) and doc[end].text == "-" and doc[end + 1].pos_ == "NOUN":
            unit_tok = doc[end + 1]
            unit = unit_tok.lemma_.lower()
            head = unit_tok.head if unit_tok.head.i > unit_tok.i else unit_tok
            span_end = head.i + 1
            return QuantityMention(doc[start:span_end], value, qualifier, unit,
                                   "measure" if unit in MEASURE_UNITS else "count"), span_end
        cand = last.head if last.head.i > last.i and last.head.pos_ in ("NOUN", "PROPN") else None
        if cand is None:
            # "hundreds of volunteers", "50bn cubic metres" when the parser hangs the number elsewhere
            for t in doc[end:min(len(doc), end + 4)]:
                if t.pos_ in ("NOUN", "PROPN") and t.lower_ not in VAGUE:
                    cand = t
                    break
                if t.lower_ != "of" and t.pos_ not in ("ADJ", "NOUN", "PROPN", "ADP"):
                    break
            if cand is not None and any(t.is_punct or t.pos_ in ("VERB", "AUX") for t in doc[end:cand.i]):
                cand = None
        if cand is None:
            return QuantityMention(doc[start:end], value, qualifier, None, "count"), end
        head = cand
        compounds = [t for t in doc[end:head.i] if t.dep_ == "compound" and t.head == head]
        unit_words = [t.lemma_.lower() for t in compounds] + [head.lemma_.lower()]
        if head.lemma_.lower() in ("metre", "meter", "kilometre", "kilometer", "mile") and head.i > end \
                and doc[head.i - 1].lower_ in ("cubic", "square"):
            unit_words = [doc[head.i - 1].lower_, head.lemma_.lower()]
        unit = " ".join(unit_words)
        span_end = head.i + 1
        kind = "measure" if unit.replace(" ", "_") in MEASURE_UNITS or head.lemma_.lower() in MEASURE_UNITS else "count"
        if kind == "measure":
            per, per_end = _period(doc, span_end)
            if per:
                unit = f"{unit} per {per}"
                span_end = per_end
        return QuantityMention(doc[start:span_end], value, qualifier, unit, kind), span_end


def _qualifier(doc: Doc, start: int) -> tuple[Optional[str], int]:
    for phrase, q in QUALIFIERS:
        words = phrase.split()
        s = start - len(words)
        if s >= 0 and [t.lower_ for t in doc[s:start]] == words:
            return q, s
    return None, start


def _period(doc: Doc, i: int) -> tuple[Optional[str], int]:
    """'… of gas a year' / 'per day' / 'annually' right after a measure."""
    j = i
    if j + 1 < len(doc) and doc[j].lower_ == "of" and doc[j + 1].pos_ in ("NOUN", "PROPN"):
        j += 2
    if j + 1 < len(doc) and doc[j].lower_ in ("a", "an", "per", "each", "every") and doc[j + 1].lemma_.lower() in PERIODS:
        return PERIODS[doc[j + 1].lemma_.lower()], j + 2
    if j < len(doc) and doc[j].lower_ in ("annually", "yearly"):
        return "year", j + 1
    if j < len(doc) and doc[j].lower_ == "daily":
        return "day", j + 1
    return None, i


def _words_value(words: list[str]) -> Optional[float]:
    if not words:
        return None
    total, current = 0.0, 0.0
    seen = False
    for w in words:
        if _NUMBER.match(w):
            current += float(w.replace(",", ""))
            seen = True
        elif w in ("hundred",):
            current = (current or 1) * 100
            seen = True
        elif w in SCALES:
            current = (current or 1) * SCALES[w]
            if SCALES[w] >= 1000:
                total += current
                current = 0.0
            seen = True
        elif w in NUMBER_WORDS:
            current += NUMBER_WORDS[w]
            seen = True
    if not seen:
        return None
    return _clean(total + current)


def _clean(value: float) -> float | int:
    return int(value) if float(value).is_integer() and abs(value) < 1e9 else float(value)

