"""`ew_places`: find place names and geocode them against the offline gazetteer.

Candidates are spaCy's GPE/LOC/FAC entities, the actor KB's countries, capitals and metonyms
(spaCy sometimes calls "Kyiv" a person), and capitalised names spaCy left unlabelled that the
gazetteer knows and that stand where places stand ("in the eastern Donetsk region"). Each is resolved with the document's countries
and a neighbouring hint ("Baku, Azerbaijan"); a place that does something ("Kyiv launched…",
"drones launched by Kyiv") is marked `as_actor`.
"""
from __future__ import annotations

from collections import Counter
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from eventwire.extract.kbnames import KBMatch, name_finder
from eventwire.extract.mentions import PlaceMention
from eventwire.knowledge.actors import ActorKB, cached_actor_kb
from eventwire.knowledge.gazetteer import FEATURE_SUFFIXES, Gazetteer, cached_gazetteer
from eventwire.knowledge.text import key

PLACE_KINDS = ("country", "capital", "metonym", "region")
_NER_PLACE = {"GPE", "LOC", "FAC"}
_TRIM_START = {"the", "The", "THE"}
# Nouns whose possessor is a place being located, not an actor: "Moscow's airports".
PLACE_PART_NOUNS = frozenset(
    """airport airports street streets region regions city centre center outskirts suburb suburbs
    district districts border borders coast coastline skyline port ports station stations
    resident residents population people citizen citizens inhabitant inhabitants mayor governor
    province provinces capital territory territories airspace waters soil neighbourhood
    neighborhood area areas part parts north south east west heart side hospital hospitals
    school schools university universities road roads bridge bridges river rivers weather
    climate economy landscape history culture""".split()
)


PHYSICAL_FEATURES = frozenset(
    """river rivers lake lakes sea mountain mountains valley desert basin dam gulf bay strait
    peninsula plateau hills range falls canal forest glacier delta creek estuary""".split()
)


@Language.factory(
    "ew_places",
    default_config={"actors_files": [], "min_city_population": 1000},
    assigns=["doc._.ew_places"],
    requires=["doc.ents", "token.dep"],
)
def make_places(nlp: Language, name: str, actors_files: list[str], min_city_population: int):
    files = tuple(actors_files)
    return PlaceFinder(nlp, cached_actor_kb(files), cached_gazetteer(min_city_population))


class PlaceFinder:
    def __init__(self, nlp: Language, kb: ActorKB, gazetteer: Gazetteer):
        self.kb = kb
        self.gazetteer = gazetteer
        self.find_names = name_finder(kb, nlp.tokenizer)

    def __call__(self, doc: Doc) -> Doc:
        kb_matches = self.find_names(doc)
        spans = self._candidates(doc, kb_matches)
        countries = self._document_countries(kb_matches)
        mentions: list[PlaceMention] = []
        by_start = {s.start: s for s, _ in spans}
        # First the names that need no context (countries, unambiguous places), to learn the
        # document's countries; then everything with that context.
        for _round in (0, 1):
            mentions = []
            for span, kb_kind in spans:
                hint = _hint(doc, span, by_start)
                if kb_kind == "capital_phrase":
                    # "the Russian capital": the capital of the country the adjective names
                    code = self.kb.country_of_adjective(span[0].text)
                    country = self.kb.countries.get(code) if code else None
                    if country is None or not country.capital:
                        continue
                    res = self.gazetteer.resolve(country.capital, None, country.name)
                else:
                    res = self.gazetteer.resolve(span.text, countries, hint.text if hint else None)
                if res is None:
                    continue
                if _round == 0 and res.place.country and not res.ambiguous and len(
                        {c.country for c in self.gazetteer.candidates(span.text)}) <= 1:
                    countries[res.place.country] += 1
                if _round == 1:
                    sector = None
                    if kb_kind == "metonym":
                        sector = next((n.sector for n in self.kb.lookup(span.text) if n.kind == "metonym"), None)
                    mentions.append(PlaceMention(
                        span=span, place=res.place, kb_kind=kb_kind, metonym_sector=sector,
                        as_actor=kb_kind is not None and acts_as_actor(span, self.kb),
                    ))
        doc._.ew_places = mentions
        return doc

    def _document_countries(self, kb_matches: list[KBMatch]) -> Counter:
        counts: Counter = Counter()
        for m in kb_matches:
            best = m.best()
            if best.kind in ("country", "capital", "metonym", "country_adj", "country_people"):
                code = self.kb.countries[best.ref].code if best.ref in self.kb.countries else best.ref
                counts[code] += 1
        return counts

    def _candidates(self, doc: Doc, kb_matches: list[KBMatch]) -> list[tuple[Span, Optional[str]]]:
        out: list[tuple[Span, Optional[str]]] = []
        taken = [False] * len(doc)
        non_place_kb = [False] * len(doc)
        for m in kb_matches:
            best = m.best()
            if best.kind in PLACE_KINDS:
                span = doc[m.start:m.end]
                if _inside_other_name(doc, span):
                    continue
                out.append((span, best.kind))
                for i in range(m.start, m.end):
                    taken[i] = True
            elif best.kind in ("person", "org"):
                for i in range(m.start, m.end):
                    non_place_kb[i] = True
                if best.kind == "org":  # "U.S. Army", "Russian Foreign Ministry": the country is a place too
                    for k in range(m.end - 1, m.start, -1):
                        prefix = doc[m.start:k]
                        if any(n.kind == "country" for n in self.kb.lookup(prefix.text)):
                            out.append((prefix, "country"))
                            break
        for ent in doc.ents:
            if any(taken[i] or non_place_kb[i] for i in range(ent.start, ent.end)):
                continue
            span = _trim(ent)
            if span is None:
                continue
            if ent.label_ in _NER_PLACE:
                out.append((_with_feature_word(span), None))
            elif ent.label_ in ("PERSON", "ORG") and self._is_major_place(span.text):
                out.append((span, None))
            elif ent.label_ in ("PERSON", "ORG", "NORP") and _after_locative(doc, span.start) \
                    and self.gazetteer.candidates(span.text) and not self.kb.country_of_adjective(span.text):
                out.append((_with_feature_word(span), None))  # "drones over Belgorod" (spaCy: NORP)
        out += self._capital_phrases(doc)
        out += self._unlabelled_places(doc, taken, non_place_kb, out)
        # "the Omo river": a river or a lake is not the town of the same name (the gazetteer has
        # towns, not rivers); a capitalised "Swat Valley" or "Guantanamo Bay" names a place too
        out = [(span, kind) for span, kind in out
               if not (span.end < len(doc) and doc[span.end].text in PHYSICAL_FEATURES)]
        out.sort(key=lambda x: x[0].start)
        return out

    def _capital_phrases(self, doc: Doc) -> list[tuple[Span, Optional[str]]]:
        """'the Russian capital', 'the Ukrainian capital' → that country's capital city."""
        out = []
        for tok in doc:
            if tok.lower_ != "capital" or tok.pos_ != "NOUN":
                continue
            adj = [c for c in tok.lefts if c.dep_ in ("amod", "compound") and self.kb.country_of_adjective(c.text)]
            if adj and self.kb.country_of_adjective(adj[0].text) in self.kb.countries:
                out.append((doc[adj[0].i:tok.i + 1], "capital_phrase"))
        return out

    def _unlabelled_places(self, doc: Doc, taken, non_place_kb, found) -> list[tuple[Span, Optional[str]]]:
        """Capitalised names spaCy left unlabelled that the gazetteer knows, in a place-like
        position: 'caught in the eastern Donetsk region', 'fighting near Pokrovsk'."""
        covered = {i for i, t in enumerate(taken) if t} | {i for i, t in enumerate(non_place_kb) if t}
        for span, _ in found:
            covered.update(range(span.start, span.end))
        for ent in doc.ents:
            covered.update(range(ent.start, ent.end))
        def name_like(t) -> bool:
            return t.pos_ == "PROPN" and (t.is_title or (t.is_upper and len(t) > 1) or t.text in ("-", "al", "el"))

        out = []
        i = 0
        while i < len(doc):
            if i in covered or not name_like(doc[i]) or not doc[i].is_alpha:
                i += 1
                continue
            j = i
            while j < len(doc) and j not in covered and name_like(doc[j]):
                j += 1
            span = _with_feature_word(doc[i:j])
            cands = self.gazetteer.candidates(span.text) or self.gazetteer.candidates(doc[i:j].text)
            if cands and (span.end > j or _after_locative(doc, i) or any(
                    c.feature == "country" or c.population >= 200_000 for c in cands)):
                out.append((span, None))
            i = max(j, span.end, i + 1)
        return out

    def _is_major_place(self, text: str) -> bool:
        for c in self.gazetteer.candidates(text):
            if c.feature == "country" or c.capital or c.population >= 1_000_000:
                return True
        return False


def _trim(span: Span) -> Optional[Span]:
    start, end = span.start, span.end
    while start < end and span.doc[start].text in _TRIM_START:
        start += 1
    while end > start and (span.doc[end - 1].tag_ == "POS" or span.doc[end - 1].is_punct):
        end -= 1
    if start >= end or all(t.like_num for t in span.doc[start:end]):
        return None
    return span.doc[start:end]


_LOCATIVE = frozenset("in at near from to into outside around across towards toward through inside via over".split())


def _after_locative(doc: Doc, i: int) -> bool:
    """Is token i preceded by a locative preposition (skipping 'the' and adjectives), or by 'the
    town of', 'the port city of' (which name a place whatever the tagger makes of the name)?"""
    k = i - 1
    if k >= 1 and doc[k].lower_ == "of" and doc[k - 1].lower_ in SETTLEMENT_NOUNS:
        return True
    while k >= 0 and (doc[k].lower_ in ("the", "a") or doc[k].pos_ == "ADJ"):
        k -= 1
    return k >= 0 and doc[k].lower_ in _LOCATIVE


# "near the town of Samarra", "the port city of Odesa", "the province of Idlib"
SETTLEMENT_NOUNS = frozenset(FEATURE_SUFFIXES) | frozenset(
    "town village port capital enclave island suburb neighbourhood neighborhood settlement camp".split())


def _with_feature_word(span: Span) -> Span:
    """'Donetsk' + 'region' → 'Donetsk region': the feature word tells which Donetsk."""
    doc = span.doc
    if span.end < len(doc) and doc[span.end].lower_ in FEATURE_SUFFIXES and doc[span.end].pos_ in ("NOUN", "PROPN"):
        return doc[span.start:span.end + 1]
    return span


def _inside_other_name(doc: Doc, span: Span) -> bool:
    """True when a KB place name is only part of a longer name: "Power of Siberia 2", "New Jersey"."""
    for ent in doc.ents:
        if ent.start <= span.start and span.end <= ent.end and (ent.end - ent.start) > (span.end - span.start):
            if ent.label_ in ("EVENT", "WORK_OF_ART", "LAW", "PRODUCT"):
                return True
            if ent.label_ in ("GPE", "LOC") and not (ent.start < span.start and doc[span.start - 1].text == ","):
                return True
    return False


def _hint(doc: Doc, span: Span, by_start: dict[int, Span]) -> Optional[Span]:
    """'Baku, Azerbaijan' → Azerbaijan; 'Pandi, Bulacan' → Bulacan."""
    i = span.end
    if i < len(doc) - 1 and doc[i].text == ",":
        return by_start.get(i + 1)
    return None


def acts_as_actor(span: Span, kb: ActorKB) -> bool:
    """Does this place name stand for an actor here ("Kyiv launched", "accused China")?"""
    root: Token = span.root
    while root.dep_ in ("conj", "appos") and root.head is not root:
        root = root.head
    dep = root.dep_
    if dep in ("nsubj", "nsubjpass", "dobj", "dative", "iobj", "attr"):
        return True
    if dep == "pobj":
        prep = root.head
        return prep.dep_ == "agent" or key(prep.text) in ("by", "with", "against", "between")
    if dep == "poss":
        return key(root.head.lemma_) not in PLACE_PART_NOUNS and key(root.head.text) not in PLACE_PART_NOUNS
    if dep in ("compound", "amod", "nmod"):  # "US officials", not "his Moscow flight"
        return kb.role_noun(root.head.lemma_) is not None or kb.role_noun(root.head.text) is not None
    return False
