"""`ew_actors`: entity mentions and who they are (country, sector, person or body).

Three kinds of mention, resolved in document order:
- names: the actor KB's people, organisations, countries, nationality words, metonyms; spaCy's
  PERSON/ORG/GPE/NORP/LOC/FAC entities the KB does not know;
- nominals: noun phrases headed by a role noun ("Moscow's mayor", "the Serbian president",
  "Russia's defence ministry", "several European countries");
- pronouns that point back to one of the above ("its military").

Resolution: dated KB roles; appositives ("Moscow's mayor, Sergei Sobyanin"); titles written
before a name ("Prime Minister Robert Fico"); later surnames ("Zelenskyy"); title phrases
("the Chinese leader") pointing to a person named earlier or to the KB's office holder at the
publication date; possessives and nationality words for bodies ("Russia's defence ministry").
"""
from __future__ import annotations

import dataclasses

from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from eventwire.extract.kbnames import KBMatch, name_finder
from eventwire.extract.mentions import EntityMention, PlaceMention, Sentences
from eventwire.knowledge.actors import ActorKB, Name, RoleNoun, cached_actor_kb
from eventwire.knowledge.text import fold, key
from eventwire.models import Actor

_NER_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
_CONTAINER_LABELS = {"ORG", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT"}
_PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "hers", "himself", "herself"}
_THING_PRONOUNS = {"it", "its", "itself"}
# words that say a group is not of the sentence's country, or of none in particular
_GENERIC_DETERMINERS = frozenset("any other every each no all some many most several such foreign overseas "
                                 "world international global".split())
_IMPERSONAL_ADJECTIVES = frozenset(
    "clear unclear important possible impossible necessary difficult hard easy true false obvious "
    "essential vital crucial unlikely certain uncertain time worth enough too evident apparent "
    "surprising striking notable remarkable interesting ironic sad regrettable wrong right".split())
_GROUP_PRONOUNS = {"they", "them", "their", "theirs", "themselves"}
_NOMINAL_LEFT_DEPS = {"det", "poss", "amod", "compound", "nummod", "quantmod", "predet", "nmod", "case", "advmod", "npadvmod"}
GENERIC_TITLES = frozenset({"leader", "head of state", "head of government", "official", "politician", "statesman"})
_STANCE_PREFIXES = {"pro", "anti", "non", "ex"}
_LABEL_OF_KIND = {
    "person": "PERSON", "org": "ORG", "country": "GPE", "capital": "GPE", "metonym": "ORG",
    "region": "LOC", "country_adj": "NORP", "region_adj": "NORP", "country_people": "NORP",
    "region_people": "NORP",
}


@Language.factory(
    "ew_actors",
    default_config={"actors_files": []},
    assigns=["doc._.ew_entities"],
    requires=["doc._.ew_places", "doc.ents", "token.dep", "token.lemma"],
)
def make_actors(nlp: Language, name: str, actors_files: list[str]):
    return ActorResolver(nlp, cached_actor_kb(tuple(actors_files)))


class ActorResolver:
    def __init__(self, nlp: Language, kb: ActorKB):
        self.kb = kb
        self.find_names = name_finder(kb, nlp.tokenizer)

    # ------------------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        date = doc._.ew_published
        places = {(p.span.start, p.span.end): p for p in doc._.ew_places or ()}
        places.update({(p.span.start, None): p for p in doc._.ew_places or ()})
        named = self._named_mentions(doc, self.find_names(doc), places)
        _locate_peoples(named)
        _named_by_acronym(named)
        nominals = self._nominal_mentions(doc, named)
        mentions = sorted(named + nominals, key=lambda m: (m.start, m.end - m.start))
        mentions = self._surname_mentions(doc, mentions)
        resolved: list[EntityMention] = []
        for m in mentions:
            self._resolve(doc, m, resolved, mentions, date)
            resolved.append(m)
        resolved = self._pronouns(doc, resolved)
        self._link_office_holders(resolved, date)
        _same_head_nominals(resolved)
        self._sentence_country(doc, resolved)
        doc._.ew_entities = [m for m in resolved if m.actor is not None or m.kind == "name"]
        person_tokens = {i for m in doc._.ew_entities if m.label == "PERSON" and m.kind == "name"
                         for i in range(m.start, m.end)}
        doc._.ew_places = [p for p in doc._.ew_places or () if p.span.start not in person_tokens]
        return doc

    # ---- names ---------------------------------------------------------------------------------
    def _named_mentions(self, doc: Doc, kb_matches: list[KBMatch], places) -> list[EntityMention]:
        out: list[EntityMention] = []
        ents = [e for e in doc.ents]
        covered = [None] * len(doc)
        place_spans = [k for k in places if k[1] is not None]
        for m in kb_matches:
            best = m.best()
            span = doc[m.start:m.end]
            container = _container_ent(ents, span)
            if container is not None and best.kind not in ("person", "org"):
                continue  # "American" inside "Daughters of the American Revolution"
            if container is not None and best.kind == "org" and container.label_ == "ORG" and span.start > min(
                    t.i for t in container if t.lower_ != "the"):
                continue  # "Labor" (a party) inside "the International Labor Office"
            if best.kind not in ("person", "org") and any(
                    s < m.end and m.start < e and not (m.start <= s and e <= m.end) for s, e in place_spans):
                continue  # "the West" of "the West Bank", "Ireland" inside "Northern Ireland"
            if best.kind in ("country_adj", "region_adj") and _stance_prefixed(span):
                continue  # "pro-Russian" is a stance, not an actor
            mention = EntityMention(span=span, label=_LABEL_OF_KIND.get(best.kind, "ORG"))
            mention.place = places.get((m.start, m.end))
            mention.actor = self._kb_actor(best, span, mention.place, doc._.ew_published)
            out.append(mention)
            for i in range(m.start, m.end):
                covered[i] = mention
        for ent in ents:
            if ent.label_ not in _NER_LABELS:
                continue
            span = _trim(ent)
            if span is None or any(covered[i] is not None for i in range(span.start, span.end)):
                continue
            label = ent.label_
            place = places.get((span.start, span.end))
            longer = places.get((span.start, None))
            if place is None and longer is not None and longer.span.end > span.end:
                place, span = longer, longer.span  # "Donetsk" + "region"
            if place is not None and label in ("PERSON", "ORG", "NORP"):
                label = "GPE" if place.place.feature in ("country", "city", "admin1", "admin2") else "LOC"
            mention = EntityMention(span=span, label=label, place=place)
            if place is not None:
                mention.actor = _place_actor(place, self.kb)
            elif label == "ORG":
                mention.actor = self._org_actor(doc, span, kb_matches)
            out.append(mention)
            for i in range(span.start, span.end):
                covered[i] = mention
        return out

    def _kb_actor(self, name: Name, span: Span, place: Optional[PlaceMention], date) -> Optional[Actor]:
        kb = self.kb
        if name.kind == "person":
            person = kb.people[name.ref]
            role, status = person.role_at(date)
            if role is None:
                return Actor(name=person.name, country=person.country, sector=None, role=None,
                             kb_id=person.id, how="kb")
            if status == "former":
                return Actor(name=person.name, country=person.country, sector="ELI",
                             role=f"former {role.title}", kb_id=person.id, how="kb")
            return Actor(name=person.name, country=role.country or person.country, sector=role.sector,
                         role=role.title, kb_id=person.id, how="kb")
        if name.kind == "org":
            org = kb.organizations[name.ref]
            return Actor(name=org.name, country=org.country, sector=org.sector, kb_id=org.id, how="kb")
        if name.kind in ("country", "country_adj", "country_people"):
            country = kb.countries[name.ref]
            sector = None
            if name.kind == "country_adj":
                sector = self._head_sector(span)
            return Actor(name=country.name if name.kind == "country" else None, country=country.code,
                         sector=sector, kb_id=f"c:{country.iso3}", how="kb")
        if name.kind in ("region", "region_adj", "region_people"):
            region = kb.regions[name.ref]
            sector = self._head_sector(span) if name.kind == "region_adj" else None
            return Actor(name=region.name if name.kind == "region" else None, country=region.code,
                         sector=sector, kb_id=f"r:{region.code}", how="kb")
        if name.kind in ("capital", "metonym"):
            if place is not None and not place.as_actor:
                return None
            country = kb.countries[name.ref]
            return Actor(name=None, country=country.code, sector=name.sector or "GOV",
                         role=fold(span.text) if name.kind == "metonym" else None,
                         kb_id=f"c:{country.iso3}", how="metonymy")
        return None

    def _head_sector(self, span: Span) -> Optional[str]:
        """'Ukrainian drones' → MIL when 'drone' is a role noun."""
        head = span.root.head
        if head is span.root or head.pos_ not in ("NOUN", "PROPN"):
            return None
        role = self._role_at(head)
        return role[0].sector if role else None

    def _org_actor(self, doc: Doc, span: Span, kb_matches: list[KBMatch]) -> Optional[Actor]:
        """An organisation the KB does not know: country from a name inside it, sector from its head noun."""
        country = None
        for m in kb_matches:
            if span.start <= m.start and m.end <= span.end:
                best = m.best()
                if best.kind in ("country", "country_adj", "capital"):
                    country = self.kb.countries[best.ref].code
                    break
        role = self._role_at(span[-1])
        if country is None:
            country = self._country_from_modifiers(span.root, span)
        if country is None and role is None:
            return None
        return Actor(name=fold(span.text) if not span.text.isascii() else span.text, country=country,
                     sector=role[0].sector if role else None, how="context")

    # ---- nominals ------------------------------------------------------------------------------
    def _role_at(self, head: Token) -> Optional[tuple[RoleNoun, int]]:
        """The longest role phrase ending at `head`, built from its left compounds/adjectives."""
        left = [head]
        i = head.i - 1
        while i >= 0 and head.doc[i].dep_ in ("compound", "amod") and head.doc[i].head.i > i \
                and head.doc[i].head.i <= head.i and head.doc[i].ent_type_ not in ("GPE", "NORP", "PERSON"):
            left.insert(0, head.doc[i])
            i -= 1
        heads = [head.lemma_.lower()]
        if head.tag_ in ("NNP", "NNPS"):  # "Rebels in Mali …": a capitalised plural the tagger took for a name
            heads += _singulars(head.lower_)
        for k in range(len(left)):
            words = left[k:]
            before = " ".join(t.text.lower() for t in words[:-1]) + (" " if len(words) > 1 else "")
            for phrase in (
                " ".join(t.lemma_.lower() for t in words),
                *(before + h for h in heads),
                " ".join(t.lower_ for t in words),
            ):
                role = self.kb.role_noun(phrase)
                if role:
                    return role, words[0].i
        return None

    def _nominal_mentions(self, doc: Doc, named: list[EntityMention]) -> list[EntityMention]:
        named_at = {}
        for m in named:
            for i in range(m.start, m.end):
                named_at[i] = m
        out = []
        for tok in doc:
            if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ == "compound":
                continue
            inside = named_at.get(tok.i)
            if inside is not None and inside.label in ("PERSON", "FAC", "GPE", "LOC") :
                continue
            if inside is not None and inside.actor is not None and inside.actor.how == "kb" and inside.label == "ORG":
                continue  # part of a known organisation's name
            found = self._role_at(tok)
            if found is None:
                continue
            role, _phrase_start = found
            span = self._nominal_span(tok, named_at)
            if inside is not None and inside.label == "ORG":
                named.remove(inside)  # spaCy's ORG "defence ministry" inside "Russia's defence ministry"
                for i in range(inside.start, inside.end):
                    named_at.pop(i, None)
            out.append(EntityMention(
                span=span, label="PERSON" if role.kind in ("person", "office") else "ORG",
                kind="nominal", role_phrase=role.phrase,
            ))
        return out

    def _nominal_span(self, head: Token, named_at) -> Span:
        doc = head.doc
        start = head.i
        for child in head.lefts:
            if child.dep_ in _NOMINAL_LEFT_DEPS:
                start = min(start, child.left_edge.i)
        end = head.i + 1
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ == "of":
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None and obj.i in named_at and named_at[obj.i].label in ("GPE", "LOC", "ORG"):
                    end = max(end, named_at[obj.i].end)
        while start < head.i and (doc[start].is_punct or doc[start].lower_ in ("of", "and")):
            start += 1
        return doc[start:end]

    # ---- resolution in document order ---------------------------------------------------------
    def _resolve(self, doc: Doc, m: EntityMention, before: list[EntityMention], everything, date) -> None:
        if m.kind == "nominal":
            self._resolve_nominal(doc, m, before, everything, date)
        elif m.label == "PERSON":
            self._resolve_person(doc, m, before, date, everything)

    def _country_from_modifiers(self, head: Token, span: Span, before=None, affiliation: bool = False) -> Optional[str]:
        for child in sorted(head.children, key=lambda c: c.i):
            if child.dep_ == "poss":
                c = self._country_of_token(child, before)
                if c:
                    return c
        for tok in span:
            if tok.i >= head.i:
                break
            if tok.dep_ in ("amod", "compound", "nmod", "poss") or tok.head.i < head.i + 1:
                if _stance_prefixed(span.doc[tok.i:tok.i + 1]):
                    continue
                c = self._country_of_token(tok, before)
                if c:
                    return c
        # "the army of Chad", then where the group is: "rebels in the Ivory Coast", "activists from Gaza"
        for preps in (("of", "for") if affiliation else ("of",), ("in", "from", "inside")):
            for child in head.rights:
                if child.dep_ == "prep" and child.lower_ in preps:
                    for obj in child.children:
                        if obj.dep_ == "pobj":
                            c = self._country_of_token(obj, before)
                            if c:
                                return c
        return None

    def _country_of_token(self, tok: Token, mentions=None) -> Optional[str]:
        for m in mentions or ():
            if m.kind != "nominal" and m.start <= tok.i < m.end:
                if m.actor is not None and m.actor.country:
                    return m.actor.country
                if m.place is not None and m.place.place.country:
                    return m.place.place.country
        for form in (tok.text, tok.lemma_):
            for name in self.kb.lookup(form):
                if name.kind in ("country", "country_adj", "country_people", "capital", "metonym"):
                    return self.kb.countries[name.ref].code
                if name.kind in ("region", "region_adj", "region_people"):
                    return name.ref
        code = self.kb.country_of_adjective(tok.text)
        if code is None and tok.pos_ == "PROPN" and tok.dep_ in ("compound", "poss"):
            code = self.kb.country_of_surname(tok.text)  # "the Bush administration", "Putin's government"
        return code

    def _place_name_of_token(self, tok: Token, mentions) -> Optional[str]:
        for m in mentions:
            if m.start <= tok.i < m.end and m.place is not None:
                return m.place.place.name if m.place.place.feature != "country" else None
        return None

    def _resolve_nominal(self, doc: Doc, m: EntityMention, before, everything, date) -> None:
        head = m.span.root
        role = self.kb.role_noun(m.role_phrase or "")
        known = before + [x for x in everything if x.kind == "name" and x.start >= m.start]
        country = self._country_from_modifiers(head, m.span, known)
        appositive = self._appositive_name(head, everything)
        if country is None and appositive is not None and appositive.actor is not None:
            country = appositive.actor.country
        if country is None:
            # "the government", "police", "the president": a sector without a country, unless a
            # person named earlier fits the title
            m.actor = Actor(country=None, sector=role.sector if role else None, how="context")
            if appositive is not None:
                self._merge_appositive(m, appositive)
            elif role is not None and role.kind in ("person", "office") and head.tag_ in ("NN", "NNP") \
                    and any(c.lower_ == "the" for c in head.children):
                antecedent = self._title_antecedent(m, before[-40:], None)
                if antecedent is not None:
                    m.refers_to = antecedent
                    a = antecedent.root().actor
                    m.actor = Actor(name=a.name, country=a.country, sector=a.sector, role=a.role,
                                    kb_id=a.kb_id, how="coref")
            return
        place_name = None
        for child in head.children:
            if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ == "of"):
                target = child if child.dep_ == "poss" else next((c for c in child.children if c.dep_ == "pobj"), None)
                if target is not None:
                    place_name = self._place_name_of_token(target, known) or place_name
        role_title = None
        if role is not None and role.kind in ("person", "office") and head.tag_ in ("NN", "NNP"):
            where = place_name or self.kb.country_label(country)
            role_title = f"{_title(role.phrase)} of {where}" if where else _title(role.phrase)
        m.actor = Actor(name=None, country=country, sector=role.sector if role else None,
                        role=role_title, how="context")
        if appositive is not None:
            self._merge_appositive(m, appositive)
            return
        if role is not None and role.kind in ("person", "office") and head.tag_ in ("NN", "NNP"):
            antecedent = self._title_antecedent(m, before, country)
            if antecedent is not None:
                m.refers_to = antecedent
                a = antecedent.root().actor
                m.actor = Actor(name=a.name if a else None, country=country, sector=m.actor.sector,
                                role=(a.role if a and a.role else role_title), kb_id=a.kb_id if a else None,
                                how="coref")

    def _appositive_name(self, head: Token, mentions) -> Optional[EntityMention]:
        """'Moscow's mayor, Sergei Sobyanin' / 'Sergei Sobyanin, Moscow's mayor' (named side)."""
        candidates = [c for c in head.children if c.dep_ == "appos"]
        if head.dep_ == "appos":
            candidates.append(head.head)
        for tok in candidates:
            for mm in mentions:
                if mm.kind == "name" and mm.start <= tok.i < mm.end and mm.label in ("PERSON", "ORG"):
                    return mm
        return None

    def _merge_appositive(self, nominal: EntityMention, named: EntityMention) -> None:
        n_actor = nominal.actor
        a = named.actor
        if a is None or a.how != "kb":
            named.actor = Actor(
                name=named.span.text, country=n_actor.country if n_actor else None,
                sector=(n_actor.sector if n_actor else None), role=n_actor.role if n_actor else None,
                how="appositive",
            )
        nominal.refers_to = named
        a = named.actor
        nominal.actor = Actor(name=a.name, country=a.country or n_actor.country, sector=a.sector or n_actor.sector,
                              role=a.role or n_actor.role, kb_id=a.kb_id, how="appositive")

    def _title_antecedent(self, m: EntityMention, before, country) -> Optional[EntityMention]:
        """The person named earlier that a title phrase points to: 'the Chinese leader' → Xi."""
        for prev in reversed(before):
            if prev.label == "PERSON" and prev.kind == "name" and prev.actor is not None \
                    and (country is None or prev.actor.country == country) \
                    and self._fits_role(m.role_phrase or "", prev.actor) \
                    and (country is not None or m.role_phrase not in GENERIC_TITLES):
                return prev
        return None

    def _fits_role(self, phrase: str, actor: Actor) -> bool:
        """Could someone with this actor's role be called '<phrase>'? 'leader' fits any head of
        state or government; 'president' fits 'President of Serbia'; 'interior minister' does not
        fit 'President of Kenya'."""
        role = key(actor.role or "")
        if phrase in GENERIC_TITLES:
            return actor.sector in ("GOV", None) or phrase in ("official",)
        if not role:
            return False
        offices = self.kb.offices.get(phrase, ())
        return role.startswith(phrase) or f" {phrase}" in role or any(o.replace("_", " ") in role for o in offices)

    def _resolve_person(self, doc: Doc, m: EntityMention, before, date, everything=()) -> None:
        a = m.actor
        # A later mention of someone named earlier (KB alias or surname): point to the first mention.
        for prev in before:
            if prev.label != "PERSON" or prev.kind != "name" or prev is m:
                continue
            if a is not None and a.kb_id and prev.actor is not None and prev.actor.kb_id == a.kb_id:
                if prev.refers_to is None:
                    m.refers_to = prev
                    return
            if a is None and _is_short_form(m.span, prev.span):
                m.refers_to = prev.root()
                pa = m.refers_to.actor
                if pa is not None:
                    m.actor = Actor(name=pa.name or prev.span.text, country=pa.country, sector=pa.sector,
                                    role=pa.role, kb_id=pa.kb_id, how="coref")
                return
        if a is not None and a.how == "kb" and a.sector is not None:
            return
        # Titles written before the name: "Prime Minister Robert Fico", "Kremlin spokesman Dmitry Peskov".
        title = self._title_before(m.span, before)
        if title is not None and a is None and len(m.span) == 1:
            # "President Reagan": a surname with the title of an office its bearer held
            held = self.kb.titled_person(m.span.text, title[0].phrase, date)
            if held is not None:
                person, office = held
                m.actor = Actor(name=person.name, country=office.country or person.country, sector=office.sector,
                                role=office.title, kb_id=person.id, how="kb")
                return
        if title is None and (a is None or not a.country):
            title = self._title_after(m.span, everything)
        if title is not None:
            role, country, place_name = title
            where = place_name or self.kb.country_label(country)
            m.actor = Actor(
                name=a.name if a else m.span.text, country=(a.country if a and a.country else country),
                sector=role.sector, role=(a.role if a and a.role else
                                         (f"{_title(role.phrase)} of {where}" if where else _title(role.phrase))),
                kb_id=a.kb_id if a else None, how=a.how if a else "context",
            )

    def _title_after(self, span: Span, mentions) -> Optional[tuple[RoleNoun, Optional[str], Optional[str]]]:
        """'Jan Egeland, the UN humanitarian chief,', 'Maria Lopez, a spokeswoman for the European
        Commission': a title in apposition after the name, and whom it is held for."""
        for child in span.root.children:
            if child.dep_ != "appos" or child.i < span.end:
                continue
            found = self._role_at(child)
            if found is None or found[0].kind not in ("person", "office"):
                continue
            title_span = span.doc[child.left_edge.i:child.right_edge.i + 1]
            country = self._country_from_modifiers(child, title_span, mentions, affiliation=True)
            return found[0], country, self._place_name_of_token(child, mentions) if country else None
        return None

    def _title_before(self, span: Span, before) -> Optional[tuple[RoleNoun, Optional[str], Optional[str]]]:
        doc = span.doc
        i = span.start - 1
        tokens = []
        # "Lebanon's new President Elias Hrawi": the possessive's "'s" points back at its owner
        while i >= 0 and not doc[i].is_punct and doc[i].dep_ in ("compound", "amod", "nmod", "poss", "case", "det") \
                and (doc[i].head.i >= i or doc[i].dep_ == "case") and doc[i].head.i < span.end + 1:
            tokens.insert(0, doc[i])
            i -= 1
        if not tokens:
            return None
        role = None
        for t in reversed(tokens):
            found = self._role_at(t)
            if found:
                role = found[0]
                break
        if role is None:
            return None
        country, place_name = None, None
        for t in tokens:
            c = self._country_of_token(t, before)
            if c:
                country = country or c
                place_name = place_name or self._place_name_of_token(t, before)
        return role, country, place_name

    def _surname_mentions(self, doc: Doc, mentions: list[EntityMention]) -> list[EntityMention]:
        """Later mentions of a surname ('Zelenskyy') become person mentions even if spaCy missed them."""
        surnames: dict[str, int] = {}
        for m in mentions:
            if m.label == "PERSON" and m.kind == "name" and len(m.span) >= 2:
                last = m.span[-1]
                if last.is_title or last.is_upper:
                    surnames.setdefault(fold(last.text), m.start)
        if not surnames:
            return mentions
        person_tokens = {i for m in mentions if m.label == "PERSON" and m.kind == "name" for i in range(m.start, m.end)}
        out = list(mentions)
        for tok in doc:
            first = surnames.get(fold(tok.text))
            if first is None or tok.i <= first or tok.i in person_tokens:
                continue
            span = doc[tok.i:tok.i + 1]
            out = [m for m in out if not (m.kind == "name" and m.start <= tok.i < m.end)]
            out.append(EntityMention(span=span, label="PERSON"))
        out.sort(key=lambda m: (m.start, m.end - m.start))
        return out

    # ---- pronouns ------------------------------------------------------------------------------
    def _pronouns(self, doc: Doc, mentions: list[EntityMention]) -> list[EntityMention]:
        out = list(mentions)
        sents = Sentences.of(doc)
        ordered = sorted(mentions, key=lambda m: m.start)
        for tok in doc:
            low = tok.lower_
            if tok.tag_ not in ("PRP", "PRP$") or low not in (_PERSON_PRONOUNS | _THING_PRONOUNS | _GROUP_PRONOUNS):
                continue
            if low == "it" and _expletive(tok):
                continue
            if _inside_quotes(tok):
                continue
            antecedent = None
            # first someone identified (a country or a name), then anyone with a sector
            for identified in (True, False):
                antecedent = _antecedent(tok, low, ordered, sents, identified)
                if antecedent is not None:
                    break
            if antecedent is None:
                continue
            target = antecedent.root() if antecedent.root().actor is not None else antecedent
            a = antecedent.actor
            m = EntityMention(span=doc[tok.i:tok.i + 1], label=antecedent.label, kind="pronoun",
                              refers_to=target,
                              actor=Actor(name=a.name, country=a.country, sector=a.sector, role=a.role,
                                          kb_id=a.kb_id, how="coref"))
            out.append(m)
            # A nominal whose country was missing because it hangs on this pronoun ("its military").
            for nm in out:
                if nm.kind == "nominal" and (nm.actor is None or nm.actor.country is None) and any(
                        c.i == tok.i and c.dep_ == "poss" for c in nm.span.root.children):
                    role = self.kb.role_noun(nm.role_phrase or "")
                    nm.actor = Actor(name=None, country=a.country, sector=role.sector if role else a.sector,
                                     how="coref")
            ordered = sorted(out, key=lambda x: x.start)
        out.sort(key=lambda m: (m.start, m.end - m.start))
        return out

    def _sentence_country(self, doc: Doc, mentions: list[EntityMention]) -> None:
        """A named person the KB does not know, or a group with a sector and no country, in a
        sentence that names exactly one country (itself or by its places), is taken to belong to
        it ("Judge Alejandro Rivera … 28 Chilean government officials", "Police arrested 20
        protesters in Brasilia")."""
        sents = Sentences.of(doc)
        by_sentence: dict[int, set[str]] = {}
        for m in mentions:
            a = m.actor
            if m.kind == "name" and a is not None and a.country in self.kb.countries:
                by_sentence.setdefault(sents.number(m.start), set()).add(a.country)
            elif m.kind == "name" and m.place is not None and m.place.place.country in self.kb.countries:
                # "Police arrested 20 protesters in Brasilia": a town names its country too
                by_sentence.setdefault(sents.number(m.start), set()).add(m.place.place.country)
        for m in mentions:
            if m.actor is not None and m.actor.country:
                continue
            named_person = m.label == "PERSON" and m.kind == "name"
            # "500,000 workers … the Serbian Workers' Union stopped work": a group with a sector
            group = (m.kind == "nominal" and m.actor is not None and m.actor.sector and m.refers_to is None
                     and not any(t.lower_ in _GENERIC_DETERMINERS for t in m.span))  # not "any other country"
            if not (named_person or group):
                continue
            countries = by_sentence.get(sents.number(m.start), set())
            if len(countries) == 1:
                (country,) = countries
                a = m.actor
                m.actor = Actor(name=a.name if a and a.name else m.span.text, country=country,
                                sector=a.sector if a else None, role=a.role if a else None, how="context")

    def _link_office_holders(self, mentions: list[EntityMention], date) -> None:
        """'the Serbian president' with no antecedent → the KB's holder of that office at the date."""
        by_kb = {}
        for m in mentions:
            if m.kind == "name" and m.actor is not None and m.actor.kb_id:
                by_kb.setdefault(m.actor.kb_id, m)
        for m in mentions:
            if m.kind != "nominal" or m.actor is None or m.refers_to is not None or m.actor.name:
                continue
            if m.span.root.tag_ not in ("NN", "NNP") or not m.actor.country:
                continue
            role = self.kb.role_noun(m.role_phrase or "")
            if role is None or role.kind != "office":
                continue
            holder = self.kb.office_holder(m.actor.country, role.phrase, date)
            if holder is None:
                continue
            r, _status = holder.role_at(date)
            m.actor = Actor(name=holder.name, country=m.actor.country, sector=r.sector if r else m.actor.sector,
                            role=r.title if r else m.actor.role, kb_id=holder.id, how="kb")
            m.refers_to = by_kb.get(holder.id)


# ---- helpers ----------------------------------------------------------------------------------

def _antecedent(tok: Token, low: str, ordered: list[EntityMention], sents, identified: bool) -> Optional[EntityMention]:
    """The nearest earlier mention, in this sentence or the one before, that the pronoun fits."""
    for prev in reversed(ordered):
        if prev.end > tok.i or prev.actor is None:
            continue
        if identified and not (prev.actor.country or prev.actor.name):
            continue
        if sents.distance(prev.start, tok.i) > 1:
            return None  # look back into the previous sentence, no further
        if low in _PERSON_PRONOUNS and prev.label == "PERSON" and not _plural(prev):
            return prev
        if low in _THING_PRONOUNS and prev.label in ("ORG", "GPE") and not _plural(prev):
            return prev
        if low in _GROUP_PRONOUNS and _plural(prev) and prev.label in ("ORG", "GPE", "NORP", "PERSON"):
            return prev
    return None


def _named_by_acronym(named: list[EntityMention]) -> None:
    """'The International Labor Office (ILO)': a name the knowledge base lacks, followed by an
    acronym it knows, is that organisation."""
    at = {i: m for m in named for i in range(m.start, m.end)}
    for m in named:
        if m.actor is not None or m.label != "ORG":
            continue
        for child in m.span.root.children:
            known = at.get(child.i)
            if child.dep_ == "appos" and known is not None and known is not m and known.actor is not None \
                    and known.actor.kb_id and known.end - known.start == 1 and child.is_upper:
                m.actor = dataclasses.replace(known.actor, how="coref")
                break


def _locate_peoples(named: list[EntityMention]) -> None:
    """A people is coded where it lives, as CAMEO codes ethnic groups: 'Bosnian Serbs' (BIH),
    'Iraqi Kurds' (IRQ), 'the Albanians of southern Serbia' (SRB), 'ethnic Albanians' in a
    sentence about a place in Serbia (SRB)."""
    at = {i: m for m in named for i in range(m.start, m.end)}
    for m in named:
        if m.label != "NORP" or not m.span.text[:1].isupper() or m.span.root.tag_ not in ("NNPS", "NNS", "NNP"):
            continue
        if not m.span.text.endswith("s"):
            continue  # a people in the plural, not a nationality adjective
        head = m.span.root
        where = None
        adjective = at.get(m.start - 1)
        if adjective is not None and adjective.label == "NORP" and m.start - 1 in {c.i for c in head.children}:
            where = adjective
        for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in ("of", "in")):
            for obj in (g for g in prep.children if g.dep_ == "pobj"):
                where = where or at.get(obj.i)
        if where is None and any(c.dep_ == "amod" and c.lower_ == "ethnic" for c in head.children):
            # "ethnic Albanians demonstrated in Serbia": a minority, where its sentence takes place
            own = m.actor.country if m.actor else None
            sents = Sentences.of(m.span.doc)
            where = next((o for o in named if o.place is not None and o.actor is not None and o.actor.country
                          and o.actor.country != own and sents.number(o.start) == sents.number(m.start)), None)
        if where is None or where.actor is None or not where.actor.country:
            continue
        if m.actor is None or m.actor.country != where.actor.country:
            m.actor = Actor(name=m.actor.name if m.actor else None, country=where.actor.country,
                            sector=m.actor.sector if m.actor else None, how="context")


def _same_head_nominals(mentions: list[EntityMention]) -> None:
    """'more than 500 drones' after 'at least 19 Ukrainian drones': a later nominal with the same
    role noun and no country of its own takes the country of the earlier one."""
    seen: dict[str, EntityMention] = {}
    for m in sorted(mentions, key=lambda x: x.start):
        if m.kind != "nominal" or m.actor is None or not m.role_phrase:
            continue
        if m.actor.country:
            seen[m.role_phrase] = m
        elif m.role_phrase in seen and m.role_phrase not in GENERIC_TITLES:
            earlier = seen[m.role_phrase]
            m.actor = Actor(name=None, country=earlier.actor.country, sector=m.actor.sector or earlier.actor.sector,
                            how="coref")
            m.refers_to = earlier


def _place_actor(place: PlaceMention, kb: ActorKB) -> Optional[Actor]:
    p = place.place
    if p.feature == "country" and p.country:
        code = kb.countries[p.country].code if p.country in kb.countries else p.country
        return Actor(name=p.name, country=code, sector=None, kb_id=f"c:{p.country}", how="kb")
    if place.as_actor and p.country:
        return Actor(name=None, country=p.country, sector=place.metonym_sector or "GOV", how="metonymy")
    return None


def _container_ent(ents, span: Span) -> Optional[Span]:
    for ent in ents:
        if ent.label_ in _CONTAINER_LABELS and ent.start <= span.start and span.end <= ent.end \
                and (ent.end - ent.start) > (span.end - span.start):
            return ent
    return None


def _stance_prefixed(span: Span) -> bool:
    doc = span.doc
    i = span.start
    if i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ in _STANCE_PREFIXES:
        return True
    return i >= 1 and doc[i - 1].lower_ in ("pro-", "anti-")


def _trim(span: Span) -> Optional[Span]:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct
                           or (span.label_ == "PERSON" and (doc[end - 1].like_num or doc[end - 1].tag_ == "JJ"))):
        end -= 1
    if start >= end:
        return None
    return doc[start:end]


def _is_short_form(short: Span, full: Span) -> bool:
    """'Zelenskyy' after 'Volodymyr Zelenskyy'; 'Lula' is handled by KB aliases."""
    if len(short) >= len(full):
        return False
    s = [fold(t.text) for t in short]
    f = [fold(t.text) for t in full]
    return f[-len(s):] == s or f[:len(s)] == s and len(full) > 2


def _plural(m: EntityMention) -> bool:
    root = m.span.root
    return root.tag_ in ("NNS", "NNPS") or (m.label == "NORP" and root.tag_ != "JJ")


def _expletive(tok: Token) -> bool:
    head = tok.head
    if tok.dep_ in ("expl",):
        return True
    if tok.dep_ == "nsubj" and head.lemma_ == "be":
        # "it is clear that …", "it is a shame", but not "Syria says it is willing to withdraw"
        return any(c.dep_ in ("attr", "ccomp", "xcomp", "csubj") or (
            c.dep_ == "acomp" and c.lemma_.lower() in _IMPERSONAL_ADJECTIVES) for c in head.children)
    if tok.dep_ == "nsubj" and head.lemma_ in ("seem", "appear", "take", "rain"):
        return True
    return False


def _inside_quotes(tok: Token) -> bool:
    """Pronouns inside a quotation refer to the speaker's world; leave them alone."""
    doc = tok.doc
    count = 0
    for t in doc[Sentences.of(doc).start(tok.i):tok.i]:
        if t.text in ("“", "”", '"'):
            count += 1
    return count % 2 == 1


def _title(phrase: str) -> str:
    return " ".join(w if w in ("of", "for", "and") else w[:1].upper() + w[1:] for w in phrase.split())


def _singulars(word: str) -> list[str]:
    """Singular forms a plural noun may have ("militias", "rebels", "authorities")."""
    if word.endswith("ies") and len(word) > 4:
        return [word[:-3] + "y"]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return [word[:-1], *([word[:-2]] if word.endswith("es") else [])]
    return []
