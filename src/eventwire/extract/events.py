"""`ew_events`: PLOVER events with actor, recipient, date, place, status and attribution.

For each word the event lexicon knows (a verb, or an event noun) in a frame it accepts, the coder
reads from the parse, not from word order:
- who acts and on whom: subject and object; the agent and subject of a passive ("criticised by
  several European countries"); the possessor, a nationality adjective or a "by" phrase of an
  event noun ("Vučić's visit to Moscow", "Ukrainian drone attacks on the Russian capital");
  the subject of the verb a clause hangs on ("Xi is expected to sign", "will send an honour
  guard to join"); the object of the verb for "accused China of aiding"; coordinated parties
  as lists ("Latvia and Lithuania barred"); the owner of an object that is not an actor ("barred
  his plane");
- status from modality and tense, certainty and who claimed it from reporting verbs
  ("X said that…", "reportedly", "according to X", the content of an accusation);
- date, place and quantities from the event's own clause.

Companions: `event_syntax` (reading the parse), `event_parties` (who the parties are),
`event_status` (status, certainty, date, place), `event_merge` (one event, several mentions),
`sizes` (PLOVER's dead / injured / arrested).
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from eventwire.extract.event_merge import fold_results, merge_repeats
from eventwire.extract.event_parties import (
    EventContext, clause_party, first_coded, is_identified, is_means, party_country, same_party,
    symmetric_parties,
)
from eventwire.extract.event_status import (
    HISTORICAL_YEARS, conditioned, demand_modal, event_attribution, event_date, event_location,
    event_quantities, event_status, failed_clause,
)
from eventwire.extract.event_syntax import (
    agent_of, clause_tokens, first_child, governing_verb, inherited_subject, is_purpose_clause, slot_tokens,
    with_defaults,
)
from eventwire.extract.mentions import EventMention
from eventwire.extract.sizes import event_sizes
from eventwire.knowledge.events import EventLexicon, Frame, cached_event_lexicon



# "mobilized reservists", "deployed troops": the object is the force, not the one it is aimed at
MEANS_OBJECT_TYPES = frozenset({"MOBILIZE"})


COOPERATIVE_PURPOSES = frozenset("participate join attend celebrate commemorate help assist train protect "
                                 "guard rebuild".split())


# cooperation that the parties failed (or refused) to reach is a rejection (CAMEO 12)
FAILED_COOPERATION = frozenset({"AGREE", "SUPPORT", "CONSULT", "COOPERATE"})


NOT_CARRIERS = frozenset("describe discuss mention call consider view see expect await follow cover watch "
                         "study analyse analyze recall remember predict report".split())


DEMAND_FRAME = Frame(lemma="must", pos="AUX", type="REQUEST", cameo="100")


DEFAULT_VERB_RECIPIENT = ("obj", "dative", "prep:against", "prep:on", "prep:with", "prep:at")


DEFAULT_NOUN_ACTOR = ("poss", "amod", "compound", "prep:by", "agent")


# "an appeal from the president", "an offer from Kabul": who the saying comes from (but a
# withdrawal or an expulsion "from" a place leaves it)
FROM_ACTOR_TYPES = frozenset({"REQUEST", "AGREE", "SUPPORT", "ACCUSE", "THREATEN", "REJECT", "CONSULT",
                              "COOPERATE", "AID", "CONCEDE", "PROTEST"})


# who an event noun carried by a verb is aimed at, when the verb holds it ("paid a visit to …")
CARRIER_RECIPIENT = ("dative", "prep:to", "prep:on", "prep:against", "prep:with")


DEFAULT_NOUN_RECIPIENT = ("prep:on", "prep:against", "prep:to", "prep:with", "prep:at", "prep:of")


# Prepositions of a verb's object that name the recipient ("offered troops to Lebanon")
OBJECT_RECIPIENT = ("poss", "prep:to", "prep:from", "prep:by", "prep:for", "prep:against", "prep:on", "prep:with", "prep:of")


# Types whose "that"-clause subject is the addressee ("demanded that the US cancel…")
ADDRESSED_TYPES = frozenset({"REQUEST", "ACCUSE", "THREATEN", "REJECT", "SUPPORT"})


# Types whose place names the host when no recipient is written ("attend the ceremony in Moscow")
HOSTED_TYPES = frozenset({"CONSULT", "AGREE", "SUPPORT", "COOPERATE"})


# PLOVER: CONSULT, SUPPORT, COOPERATE and AID in the future tense are AGREE (with the CAMEO
# "express intent to …" code that matches); the PLOVER gold standard codes promised releases,
# withdrawals and concessions ("said they will release…", "willing to withdraw") the same way.
FUTURE_AGREE = {"CONSULT": "036", "SUPPORT": "032", "COOPERATE": "030", "AID": "033", "RETREAT": "035",
                "CONCEDE": "035"}


# PLOVER: a conflictual action in the future or as a possibility is a THREATEN (type, mode, CAMEO)
FUTURE_THREATEN = {"ASSAULT": ("violence", "138"), "COERCE": ("restrict", "131"),
                   "SANCTION": ("relations", "131"), "PROTEST": (None, "130")}


UNATTRIBUTED_TYPES = frozenset({"ASSAULT"})


# what a government can threaten to do (or stop doing) unless its demand is met
CONDITIONAL_THREAT = frozenset({"RETREAT", "SANCTION", "COERCE", "ASSAULT", "MOBILIZE", "PROTEST", "REJECT",
                                "CONSULT", "AID", "COOPERATE"})


@Language.factory(
    "ew_events",
    default_config={"lexicon_files": []},
    assigns=["doc._.ew_events"],
    requires=["doc._.ew_entities", "doc._.ew_places", "doc._.ew_times", "doc._.ew_quantities", "token.dep"],
)
def make_events(nlp: Language, name: str, lexicon_files: list[str]):
    return EventCoder(cached_event_lexicon(tuple(lexicon_files)))


class EventCoder:
    def __init__(self, lexicon: EventLexicon):
        self.lex = lexicon

    def __call__(self, doc: Doc) -> Doc:
        ctx = EventContext(doc)
        events: list[EventMention] = []
        light_objects: set[int] = set()
        candidates = []
        for tok in doc:
            pos = _trigger_pos(tok)
            if pos is None:
                continue
            frame = self._frame(tok, pos)
            if frame is None:
                continue
            if pos == "NOUN" and tok.dep_ in ("compound", "amod") and (
                    tok.head.pos_ not in ("NOUN", "PROPN") or self._frame(tok.head, "NOUN") is not None
                    or ctx.mention(tok.head) is not None):
                continue  # "cooperation agreements": the head noun is the event; "patrol agents": an actor
            candidates.append((tok, frame))
            if frame.object:
                light_objects.update(c.i for c in tok.children if c.dep_ in ("dobj", "pobj", "attr"))
        candidates += [(tok, DEMAND_FRAME) for tok in doc if demand_modal(tok)]
        candidates.sort(key=lambda c: c[0].i)
        for tok, frame in candidates:
            if tok.i in light_objects:
                continue  # "talks" in "hold talks": the verb frame codes it
            ev = self._code(ctx, tok, frame)
            if not any(is_identified(p) for p in ev.actor + ev.recipient):
                continue  # an event whose parties are all anonymous says nothing codable
            info = self.lex.types.get(ev.frame.type)
            if info is not None and info.requires_recipient and not ev.recipient:
                continue  # aid, cooperation, sanctions: to or with whom is the event
            events.append(ev)
        events = merge_repeats(fold_results(events))
        for ev in events:
            scope = set().union(*(clause_tokens(t.root) | {x.i for x in t.root.subtree}
                                  for t in [ev.trigger, *ev.mentions]))
            ev.size = event_sizes(ctx.quantities, scope)
        doc._.ew_events = events
        return doc

    # ---- which frame ---------------------------------------------------------------------------
    def _frame(self, tok: Token, pos: str) -> Optional[Frame]:
        frames = self.lex.frames(tok.lemma_.lower(), pos) or self.lex.frames(tok.lower_, pos)
        best = None
        for f in frames:
            if not _fits(tok, f):
                continue
            if best is None or f.specificity > best.specificity:
                best = f
        return best

    # ---- coding one event ----------------------------------------------------------------------
    def _code(self, ctx: "EventContext", tok: Token, frame: Frame) -> EventMention:
        ev = EventMention(trigger=_trigger_span(tok, frame), frame=frame,
                          quad=self.lex.quad(frame.type), score=self.lex.score(frame.type, frame.mode))
        if frame is DEMAND_FRAME:
            # the sayer demands of the subject of the clause the modal sits in
            actor, recipient = ctx.parties([first_child(tok.head.head, "nsubj")]), ctx.parties([first_child(tok.head, "nsubj")])
        elif frame.pos in ("VERB", "ADJ"):
            actor, recipient = self._verb_parties(ctx, tok, frame)
        else:
            # "mediation mission between Syria and …": a trigger modifying a plain noun speaks
            # through that noun
            carrier = tok.head if tok.dep_ in ("compound", "amod") else tok
            actor, recipient = self._noun_parties(ctx, carrier, frame)
        ev.actor = actor
        ev.recipient = [r for r in recipient if not any(same_party(r, a) for a in actor)] if not frame.symmetric else recipient
        if frame.type in MEANS_OBJECT_TYPES and _cooperative_purpose(tok):
            # "will send an honour guard to join the celebrations in Minsk": what the force is sent
            # to do is the event (military cooperation), not a mobilisation against anyone
            self._recode(ev, "COOPERATE", None, "062", context=("military",))
        ev.status = event_status(tok.head.head if frame is DEMAND_FRAME else tok, ev.frame, ctx)
        self._plover_rules(ev, tok)
        ev.certainty, ev.attributed_to = event_attribution(ctx, tok)
        ev.date, ev.date_how = event_date(ctx, tok)
        if ev.date is not None and ev.status == "occurred" and ctx.anchor and ev.date.value:
            year = ev.date.value[:4]
            if year.isdigit() and int(year) < ctx.anchor.year - HISTORICAL_YEARS:
                ev.status = "historical"
        if ev.date is None and ev.status in ("occurred", "ongoing") and ctx.anchor is not None:
            ev.date_how = "publication"
        elif ev.date is None:
            ev.date_how = "none"
        ev.location = event_location(ctx, tok, ev)
        if not ev.actor and ev.frame.type in UNATTRIBUTED_TYPES and ev.location is not None and ev.location.place.country:
            # "a roadside bomb near Samarra killed …": unidentified attackers in that country
            ev.actor, ev.actor_how = [ev.location], "place"
        if not ev.recipient:
            ev.recipient = self._implied_recipient(ctx, tok, ev)
            ev.recipient_how = "implied" if ev.recipient else "parse"
        if not ev.recipient and ev.actor:
            ev.recipient = clause_party(ctx, tok, ev)
            ev.recipient_how = "clause" if ev.recipient else "parse"
        ev.quantities = event_quantities(ctx, tok)
        ev.confidence = round(0.4 + 0.25 * bool(ev.actor) + 0.25 * bool(ev.recipient) + 0.1 * (frame.specificity > 0), 2)
        return ev

    def _plover_rules(self, ev: EventMention, tok: Token) -> None:
        """What the status makes of the type, as PLOVER codes it."""
        kind = ev.frame.type
        if ev.status in ("future", "hypothetical") and kind in CONDITIONAL_THREAT and conditioned(tok):
            # "will withdraw its force unless the president arranges a ceasefire": a threat
            ev.status = "future"
            self._recode(ev, "THREATEN", None, "130")
        elif ev.status == "negated" and kind in FAILED_COOPERATION and failed_clause(
                tok if ev.frame.pos == "VERB" else governing_verb(tok)):
            ev.status = "occurred"  # "failed to reach an agreement": a rejection that happened
            self._recode(ev, "REJECT", None, "120")
        elif ev.status == "future" and kind in FUTURE_AGREE:
            # cooperation reported in the future tense is an intention, coded AGREE
            self._recode(ev, "AGREE", None, FUTURE_AGREE[kind])
        elif ev.status in ("future", "hypothetical") and kind in FUTURE_THREATEN:
            # a future or possible conflictual act is a threat
            mode, cameo = FUTURE_THREATEN[kind]
            if kind == "COERCE" and ev.frame.mode in ("arrest", "expel"):
                mode = ev.frame.mode
            self._recode(ev, "THREATEN", mode, cameo)

    def _recode(self, ev: EventMention, kind: str, mode: Optional[str], cameo: str, **fields) -> None:
        ev.frame = dataclasses.replace(ev.frame, type=kind, mode=mode, cameo=cameo, **fields)
        ev.quad, ev.score = self.lex.quad(kind), self.lex.score(kind, mode)

    def _implied_recipient(self, ctx, tok: Token, ev: EventMention) -> list:
        """A recipient the clause implies: the target of the purpose ('drones launched … to
        disrupt the Kremlin's preparations'), or the host of a visit or ceremony (its place)."""
        if ev.frame.type in ("ASSAULT", "COERCE", "THREATEN"):
            for c in tok.children:
                if c.dep_ == "advcl" and any(a.lower_ == "to" for a in c.children if a.dep_ == "aux"):
                    found = ctx.parties(slot_tokens(c, ("obj",)))
                    if found:
                        return found
        if ev.frame.type in HOSTED_TYPES and ev.location is not None and ev.location.place.country:
            if not any(party_country(a) == ev.location.place.country for a in ev.actor):
                return [ev.location]
        return []

    def _verb_parties(self, ctx, tok: Token, frame: Frame):
        # "criticised by…", and reduced relatives: "the drones launched by Kyiv"
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children) or (
            tok.dep_ == "acl" and tok.tag_ == "VBN" and agent_of(tok) is not None)
        if frame.actor:
            actors = ctx.first_parties(tok, frame.actor)
        elif passive:
            actors = ctx.parties([agent_of(tok)])
        else:
            subj = first_child(tok, "nsubj")
            actors = ctx.parties([subj] if subj is not None else inherited_subject(tok))
        recipients = first_coded(self._recipient_candidates(ctx, tok, frame, passive))
        return symmetric_parties(frame, tok, ctx, actors, recipients)

    def _recipient_candidates(self, ctx, tok: Token, frame: Frame, passive: bool):
        """Where a verb's recipient may be, most likely first."""
        if passive:
            sp = first_child(tok, "nsubjpass")
            if sp is None and tok.dep_ in ("acl", "relcl") and tok.head.pos_ in ("NOUN", "PROPN"):
                sp = tok.head
            if sp is not None and not is_means(sp, frame):
                yield ctx.parties([sp])
                yield ctx.first_parties(sp, OBJECT_RECIPIENT)  # "a camp for Congolese refugees was attacked"
        if frame.object:
            # "hold talks with Putin": the parties of a light verb's object are the event's
            for obj in (c for c in tok.children if c.dep_ in ("dobj", "attr") and c.lemma_.lower() in frame.object):
                yield ctx.first_parties(obj, with_defaults(frame.recipient, DEFAULT_NOUN_RECIPIENT))
        defaults = DEFAULT_VERB_RECIPIENT if frame.type not in MEANS_OBJECT_TYPES else \
            tuple(s for s in DEFAULT_VERB_RECIPIENT if s != "obj")
        yield ctx.first_parties(tok, with_defaults(frame.recipient, defaults))
        # "offered its troops to Lebanon", "withdraw their force from Chad", "rejected an offer
        # from Afghanistan": the parties hang on the object
        for obj in (c for c in tok.children if c.dep_ == "dobj"):
            yield ctx.first_parties(obj, OBJECT_RECIPIENT)
        # "demanded that the US cancel…" (the clause's subject), "agreed to provide aid for
        # Romania", "threatened to attack Kyiv" (the recipient of the clause the verb governs)
        for c in tok.children:
            if c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX"):
                slots = (("subj",) if c.dep_ == "ccomp" and frame.type in ADDRESSED_TYPES else ()) \
                    + DEFAULT_VERB_RECIPIENT + ("prep:for", "prep:to")
                yield ctx.first_parties(c, slots)
                for obj in (g for g in c.children if g.dep_ == "dobj"):
                    yield ctx.first_parties(obj, OBJECT_RECIPIENT)

    def _noun_parties(self, ctx, tok: Token, frame: Frame):
        default = DEFAULT_NOUN_ACTOR + (("prep:from",) if frame.type in FROM_ACTOR_TYPES else ())
        actors = ctx.first_parties(tok, frame.actor or default)
        recipients = ctx.first_parties(tok, with_defaults(frame.recipient, DEFAULT_NOUN_RECIPIENT))
        carrier = self._carrier(tok)
        if carrier is not None and not actors:
            s = first_child(carrier, "nsubj")
            actors = ctx.parties([s] if s is not None else inherited_subject(carrier))
        if carrier is not None and not recipients and tok.dep_ == "dobj":
            # "gave a warm welcome on Thursday to the South African leader"
            recipients = ctx.first_parties(carrier, CARRIER_RECIPIENT)
        return symmetric_parties(frame, tok, ctx, actors, recipients)

    def _carrier(self, tok: Token) -> Optional[Token]:
        """'continued their hunger strike', 'began a visit', 'gave a warm welcome': the verb that
        only carries the event noun; not one that is an event or a saying of its own ('rejected
        an offer', 'demanded the removal', 'described the trip')."""
        if tok.dep_ not in ("dobj", "pobj", "attr", "nsubjpass") or tok.head.pos_ not in ("VERB", "AUX", "ADP"):
            return None
        verb = tok.head if tok.head.pos_ != "ADP" else tok.head.head
        if verb.pos_ in ("VERB", "AUX") and self._frame(verb, "VERB") is None and verb.lemma_.lower() not in NOT_CARRIERS:
            return verb
        return None


def _trigger_pos(tok: Token) -> Optional[str]:
    if tok.pos_ == "VERB":
        return "VERB"
    if tok.pos_ in ("NOUN", "PROPN"):
        return "NOUN"
    if tok.pos_ == "ADJ" and tok.dep_ == "acomp":
        return "ADJ"  # "Kyiv has been outspoken about …", "is critical of"
    return None


def _fits(tok: Token, f: Frame) -> bool:
    children = list(tok.children)
    if f.particle and not any(c.dep_ == "prt" and c.lower_ == f.particle for c in children):
        return False
    if f.prep and not any(c.dep_ in ("prep", "agent", "dative") and c.lower_ in f.prep for c in children):
        # "accused China of …": the preposition may hang on the object
        objs = [c for c in children if c.dep_ == "dobj"]
        if not any(g.dep_ == "prep" and g.lower_ in f.prep for o in objs for g in o.children):
            return False
    objects = {c.lemma_.lower() for c in children if c.dep_ in ("dobj", "nsubjpass", "attr")}
    # "allow refugees to return", parsed as a clause with its own subject: that subject is the object
    objects |= {g.lemma_.lower() for c in children if c.dep_ in ("ccomp", "xcomp")
                for g in c.children if g.dep_ == "nsubj"}
    # "gave 5.1 million dollars of aid", "sent a team of inspectors": what the measure is of
    objects |= {g.lemma_.lower() for c in children if c.dep_ in ("dobj", "nsubjpass")
                for p in c.children if p.dep_ == "prep" and p.lower_ == "of" for g in p.children if g.dep_ == "pobj"}
    if f.pos == "VERB" and tok.dep_ == "acl" and tok.tag_ == "VBN":
        # "the wave of drones launched by Kyiv": the noun the participle describes is its object
        objects |= {tok.head.lemma_.lower()} | {g.lemma_.lower() for c in tok.head.children if c.dep_ == "prep"
                                                and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"}
    if f.pos == "NOUN":  # "a suspension of air links", "border closures"
        objects |= {g.lemma_.lower() for c in children if c.dep_ == "prep" and c.lower_ == "of"
                    for g in c.children if g.dep_ == "pobj"}
        objects |= {c.lemma_.lower() for c in children if c.dep_ == "compound"}
    if f.pos == "VERB" and not objects:  # "engaged in a trade war"
        objects = {g.lemma_.lower() for c in children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"}
    if f.object and not objects & set(f.object):
        return False
    if f.not_object and objects & set(f.not_object):
        return False
    if f.compound and not any(c.dep_ in ("compound", "amod") and c.lemma_.lower() in f.compound for c in children):
        return False
    return True


def _trigger_span(tok: Token, f: Frame) -> Span:
    doc = tok.doc
    end = tok.i + 1
    if f.particle:
        prt = next((c for c in tok.children if c.dep_ == "prt"), None)
        if prt is not None and prt.i == end:
            end += 1
    return doc[tok.i:end]


def _cooperative_purpose(tok: Token) -> bool:
    return any(c.dep_ == "advcl" and is_purpose_clause(c) and c.lemma_.lower() in COOPERATIVE_PURPOSES for c in tok.children)
