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
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from eventwire.extract.mentions import EntityMention, PlaceMention, QuantityMention, Sentences, TimeMention
from eventwire.extract.sizes import event_sizes
from eventwire.extract.times import verb_tense
from eventwire.knowledge.events import EventLexicon, Frame, cached_event_lexicon

REPORTING = frozenset("say tell report announce state claim confirm add insist write note warn "
                      "believe estimate suggest reveal acknowledge admit indicate".split())
DEMAND_SAYING = frozenset("declare reiterate stress repeat insist argue maintain tell".split())
GROUP_WORDS = frozenset("thousand thousands hundred hundreds dozen dozens million millions group number "
                        "crowd crowds band handful majority some many most all several scores score".split())
# "mobilized reservists", "deployed troops": the object is the force, not the one it is aimed at
MEANS_OBJECT_TYPES = frozenset({"MOBILIZE"})
COOPERATIVE_PURPOSES = frozenset("participate join attend celebrate commemorate help assist train protect "
                                 "guard rebuild".split())
FAILING = frozenset({"fail", "refuse", "decline"})
# cooperation that the parties failed (or refused) to reach is a rejection (CAMEO 12)
FAILED_COOPERATION = frozenset({"AGREE", "SUPPORT", "CONSULT", "COOPERATE"})
NOT_CARRIERS = frozenset("describe discuss mention call consider view see expect await follow cover watch "
                         "study analyse analyze recall remember predict report".split())
ALLEGING = frozenset("allege accuse claim charge blame suspect".split())
HEDGES_REPORTED = frozenset({"reportedly", "purportedly", "apparently"})
HEDGES_ALLEGED = frozenset({"allegedly", "supposedly"})
HYPOTHETICAL_AUX = frozenset({"could", "might", "may", "would", "should", "can", "must"})
# "Russia said Sudan must return the helicopter": a saying whose content is an obligation laid on
# someone else is a demand (CAMEO 10)
DEMAND_MODALS = frozenset({"must"})
DEMAND_FRAME = Frame(lemma="must", pos="AUX", type="REQUEST", cameo="100")
DEFAULT_VERB_RECIPIENT = ("obj", "dative", "prep:against", "prep:on", "prep:with", "prep:at")
DEFAULT_NOUN_ACTOR = ("poss", "amod", "compound", "prep:by", "agent")
# "an appeal from the president", "an offer from Kabul": who the saying comes from (but a
# withdrawal or an expulsion "from" a place leaves it)
FROM_ACTOR_TYPES = frozenset({"REQUEST", "AGREE", "SUPPORT", "ACCUSE", "THREATEN", "REJECT", "CONSULT",
                              "COOPERATE", "AID", "CONCEDE", "PROTEST"})
DEFAULT_NOUN_RECIPIENT = ("prep:on", "prep:against", "prep:to", "prep:with", "prep:at", "prep:of")
HISTORICAL_YEARS = 1
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
INTENT_ADJECTIVES = frozenset("willing ready prepared determined eager poised set likely".split())  # an event dated before the year before publication is historical


@dataclass(eq=False)
class EventMention:
    trigger: Span
    frame: Frame
    actor: list[EntityMention | PlaceMention | Token] = field(default_factory=list)
    recipient: list[EntityMention | PlaceMention | Token] = field(default_factory=list)
    status: str = "occurred"
    certainty: str = "asserted"
    attributed_to: Optional[EntityMention] = None
    date: Optional[TimeMention] = None
    date_how: str = "publication"
    location: Optional[PlaceMention] = None
    quantities: list[QuantityMention] = field(default_factory=list)
    confidence: float = 0.5
    mentions: list[Span] = field(default_factory=list)  # repeats of this event later in the text
    size: dict[str, int] = field(default_factory=dict)  # dead / injured / arrested
    actor_how: str = "parse"  # parse | place: unidentified attackers where the attack happened
    recipient_how: str = "parse"  # parse | implied | clause: how the recipient was found
    quad: Optional[str] = None
    score: Optional[float] = None


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
        ctx = _Context(doc)
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
        candidates += [(tok, DEMAND_FRAME) for tok in doc if _demand_modal(tok)]
        candidates.sort(key=lambda c: c[0].i)
        for tok, frame in candidates:
            if tok.i in light_objects:
                continue  # "talks" in "hold talks": the verb frame codes it
            ev = self._code(ctx, tok, frame)
            if not any(_identified(p) for p in ev.actor + ev.recipient):
                continue  # an event whose parties are all anonymous says nothing codable
            info = self.lex.types.get(ev.frame.type)
            if info is not None and info.requires_recipient and not ev.recipient:
                continue  # aid, cooperation, sanctions: to or with whom is the event
            events.append(ev)
        events = _merge_repeats(_fold_results(events))
        for ev in events:
            scope = set().union(*(_clause_tokens(t.root) | {x.i for x in t.root.subtree}
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
    def _code(self, ctx: "_Context", tok: Token, frame: Frame) -> EventMention:
        ev = EventMention(trigger=_trigger_span(tok, frame), frame=frame,
                          quad=self.lex.quad(frame.type), score=self.lex.score(frame.type, frame.mode))
        if frame is DEMAND_FRAME:
            # the sayer demands of the subject of the clause the modal sits in
            actor, recipient = ctx.parties([_child(tok.head.head, "nsubj")]), ctx.parties([_child(tok.head, "nsubj")])
        elif frame.pos in ("VERB", "ADJ"):
            actor, recipient = self._verb_parties(ctx, tok, frame)
        else:
            # "mediation mission between Syria and …": a trigger modifying a plain noun speaks
            # through that noun
            carrier = tok.head if tok.dep_ in ("compound", "amod") else tok
            actor, recipient = self._noun_parties(ctx, carrier, frame)
        ev.actor = actor
        ev.recipient = [r for r in recipient if not any(_same_party(r, a) for a in actor)] if not frame.symmetric else recipient
        if frame.type in MEANS_OBJECT_TYPES and _cooperative_purpose(tok):
            # "will send an honour guard to join the celebrations in Minsk": what the force is sent
            # to do is the event (military cooperation), not a mobilisation against anyone
            self._recode(ev, "COOPERATE", None, "062", context=("military",))
        ev.status = _status(tok.head.head if frame is DEMAND_FRAME else tok, ev.frame, ctx)
        self._plover_rules(ev, tok)
        ev.certainty, ev.attributed_to = _attribution(ctx, tok)
        ev.date, ev.date_how = _date(ctx, tok)
        if ev.date is not None and ev.status == "occurred" and ctx.anchor and ev.date.value:
            year = ev.date.value[:4]
            if year.isdigit() and int(year) < ctx.anchor.year - HISTORICAL_YEARS:
                ev.status = "historical"
        if ev.date is None and ev.status in ("occurred", "ongoing") and ctx.anchor is not None:
            ev.date_how = "publication"
        elif ev.date is None:
            ev.date_how = "none"
        ev.location = _location(ctx, tok, ev)
        if not ev.actor and ev.frame.type in UNATTRIBUTED_TYPES and ev.location is not None and ev.location.place.country:
            # "a roadside bomb near Samarra killed …": unidentified attackers in that country
            ev.actor, ev.actor_how = [ev.location], "place"
        if not ev.recipient:
            ev.recipient = self._implied_recipient(ctx, tok, ev)
            ev.recipient_how = "implied" if ev.recipient else "parse"
        if not ev.recipient and ev.actor:
            ev.recipient = _clause_party(ctx, tok, ev)
            ev.recipient_how = "clause" if ev.recipient else "parse"
        ev.quantities = _quantities(ctx, tok)
        ev.confidence = round(0.4 + 0.25 * bool(ev.actor) + 0.25 * bool(ev.recipient) + 0.1 * (frame.specificity > 0), 2)
        return ev

    def _plover_rules(self, ev: EventMention, tok: Token) -> None:
        """What the status makes of the type, as PLOVER codes it."""
        kind = ev.frame.type
        if ev.status in ("future", "hypothetical") and kind in CONDITIONAL_THREAT and _conditioned(tok):
            # "will withdraw its force unless the president arranges a ceasefire": a threat
            ev.status = "future"
            self._recode(ev, "THREATEN", None, "130")
        elif ev.status == "negated" and kind in FAILED_COOPERATION and _failed(
                tok if ev.frame.pos == "VERB" else _governing_verb(tok)):
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
                    found = ctx.parties(_slots(c, ("obj",)))
                    if found:
                        return found
        if ev.frame.type in HOSTED_TYPES and ev.location is not None and ev.location.place.country:
            if not any(_country(a) == ev.location.place.country for a in ev.actor):
                return [ev.location]
        return []

    def _verb_parties(self, ctx, tok: Token, frame: Frame):
        # "criticised by…", and reduced relatives: "the drones launched by Kyiv"
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children) or (
            tok.dep_ == "acl" and tok.tag_ == "VBN" and _agent(tok) is not None)
        if frame.actor:
            actors = ctx.first_parties(tok, frame.actor)
        elif passive:
            actors = ctx.parties([_agent(tok)])
        else:
            subj = _child(tok, "nsubj")
            actors = ctx.parties([subj] if subj is not None else _inherited_subject(tok))
        recipients = _first_coded(self._recipient_candidates(ctx, tok, frame, passive))
        return _symmetric(frame, tok, ctx, actors, recipients)

    def _recipient_candidates(self, ctx, tok: Token, frame: Frame, passive: bool):
        """Where a verb's recipient may be, most likely first."""
        if passive:
            sp = _child(tok, "nsubjpass")
            if sp is None and tok.dep_ in ("acl", "relcl") and tok.head.pos_ in ("NOUN", "PROPN"):
                sp = tok.head
            if sp is not None and not _means(sp, frame):
                yield ctx.parties([sp])
                yield ctx.first_parties(sp, OBJECT_RECIPIENT)  # "a camp for Congolese refugees was attacked"
        if frame.object:
            # "hold talks with Putin": the parties of a light verb's object are the event's
            for obj in (c for c in tok.children if c.dep_ in ("dobj", "attr") and c.lemma_.lower() in frame.object):
                yield ctx.first_parties(obj, _with_defaults(frame.recipient, DEFAULT_NOUN_RECIPIENT))
        defaults = DEFAULT_VERB_RECIPIENT if frame.type not in MEANS_OBJECT_TYPES else \
            tuple(s for s in DEFAULT_VERB_RECIPIENT if s != "obj")
        yield ctx.first_parties(tok, _with_defaults(frame.recipient, defaults))
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
        if not actors and tok.dep_ in ("dobj", "pobj", "attr", "nsubjpass") and tok.head.pos_ in ("VERB", "AUX", "ADP"):
            verb = tok.head if tok.head.pos_ != "ADP" else tok.head.head
            # "continued their hunger strike", "began a visit": the subject of a verb that only
            # carries the event noun; not of one that is an event or a saying of its own ("rejected
            # an offer", "demanded the removal", "described the trip")
            lemma = verb.lemma_.lower()
            if verb.pos_ in ("VERB", "AUX") and self._frame(verb, "VERB") is None and lemma not in NOT_CARRIERS:
                s = _child(verb, "nsubj")
                actors = ctx.parties([s] if s is not None else _inherited_subject(verb))
        recipients = ctx.first_parties(tok, _with_defaults(frame.recipient, DEFAULT_NOUN_RECIPIENT))
        return _symmetric(frame, tok, ctx, actors, recipients)


def _failed(verb: Optional[Token]) -> bool:
    """Whether the clause is the complement of 'fail' / 'refuse' ('failed to reach agreement')."""
    return (verb is not None and verb.dep_ == "xcomp" and verb.head.lemma_.lower() in FAILING
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children))


def _demand_modal(tok: Token) -> bool:
    """'must' in the clause a saying governs, with a subject of its own."""
    if tok.lower_ not in DEMAND_MODALS or tok.dep_ != "aux":
        return False
    verb = tok.head
    return (verb.dep_ == "ccomp" and verb.head.pos_ == "VERB" and verb.head.lemma_.lower() in REPORTING | DEMAND_SAYING
            and _child(verb, "nsubj") is not None and _child(verb.head, "nsubj") is not None)


def _conditioned(tok: Token) -> bool:
    """Whether the event's clause carries an 'unless …' condition."""
    verb = tok if tok.pos_ in ("VERB", "AUX") else _governing_verb(tok)
    if verb is None:
        return False
    return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children)
               for c in verb.children)


def _trigger_pos(tok: Token) -> Optional[str]:
    if tok.pos_ == "VERB":
        return "VERB"
    if tok.pos_ in ("NOUN", "PROPN"):
        return "NOUN"
    if tok.pos_ == "ADJ" and tok.dep_ == "acomp":
        return "ADJ"  # "Kyiv has been outspoken about …", "is critical of"
    return None


def _fold_results(events: list[EventMention]) -> list[EventMention]:
    """'barred his plane from their airspace, forcing a detour': a participle clause after an
    event, with no subject of its own, tells that event's result; 'sent a guard to take part in
    the parade': a purpose clause coded like its event restates it. Both are mentions of it."""
    by_trigger = {ev.trigger.root.i: ev for ev in events}
    kept = []
    for ev in events:
        t = ev.trigger.root
        head = by_trigger.get(t.head.i)
        result = t.dep_ == "advcl" and t.tag_ == "VBG" and t.i > t.head.i and not any(
            c.dep_ in ("nsubj", "nsubjpass", "mark") for c in t.children)
        # "sent a guard to participate in the ceremony": the purpose, coded alike, is the same event
        purpose = t.dep_ == "advcl" and _purpose(t) and head is not None and head.frame.type == ev.frame.type
        if head is not None and head is not ev and (result or purpose):
            head.mentions.append(ev.trigger)
            continue
        kept.append(ev)
    return kept


def _means(obj: Token, frame: Frame) -> bool:
    """Whether the frame's object is what the act uses ('drones launched by Kyiv') rather than
    whom it hits: the frame names the object and does not take it as the recipient."""
    if not frame.object or "obj" in frame.recipient:
        return False
    words = {obj.lemma_.lower()} | {g.lemma_.lower() for p in obj.children if p.dep_ == "prep" and p.lower_ == "of"
                                    for g in p.children if g.dep_ == "pobj"}
    return bool(words & set(frame.object))


def _first_coded(candidates) -> list:
    """The first candidate list with a party that has a country, else the first non-empty one."""
    first: list = []
    for found in candidates:
        if any(_country(p) for p in found):
            return found
        first = first or found
    return first


def _merge_repeats(events: list[EventMention]) -> list[EventMention]:
    """News repeats its main events ('arrived in Moscow' … 'the trip' … 'his visit'): a mention
    of the same type and status whose parties say nothing new about an event already found is
    another mention of it, not a new event. When the later mention is the fuller one, it leads."""
    kept: list[EventMention] = []
    for ev in events:
        for n, k in enumerate(kept):
            if _repeats(ev, k):
                k.mentions.append(ev.trigger)
                break
            if _repeats(k, ev):
                ev.mentions.extend([k.trigger, *k.mentions])
                kept[n] = ev
                break
        else:
            kept.append(ev)
    return kept


def _repeats(ev: EventMention, first: EventMention) -> bool:
    """Whether `ev` adds nothing to `first`: same type, same (future or not) status, compatible
    dates, and parties that are a subset of first's."""
    if ev.frame.type != first.frame.type or ev.status == "negated" or first.status == "negated":
        return False
    if (ev.status in ("future", "hypothetical")) != (first.status in ("future", "hypothetical")):
        return False
    if ev.date is not None and first.date is not None and ev.date.value != first.date.value:
        return False
    ea, er = _party_keys(ev.actor), _party_keys(ev.recipient)
    fa, fr = _party_keys(first.actor), _party_keys(first.recipient)
    if ev.frame.symmetric or first.frame.symmetric:
        ea, er, fa, fr = ea | er, set(), fa | fr, set()
    if not (ea | er) or not (ea <= fa and er <= fr):
        return False
    # the same parties again is a new event ("destroyed 19 drones" … "shot down 500 drones",
    # "Ukraine accused China" … "Zelenskyy has accused China"), unless the same event noun names
    # it again ("Xi's visit" … "his visit"); fewer parties is a repeat
    return (ea, er) != (fa, fr) or (ev.frame.lemma == first.frame.lemma and ev.frame.pos == "NOUN")


def _party_keys(parties) -> set[str]:
    """What a party list says: its countries, or for parties without one, their words."""
    keys = set()
    for p in parties:
        c = _country(p)
        keys.add(c if c else "name:" + (p.root() if isinstance(p, EntityMention) else p).span.text.lower())
    return keys


def _symmetric(frame: Frame, tok: Token, ctx, actors: list, recipients: list):
    """Talks, agreements, trade 'between China and Russia': both sides on both sides."""
    if not frame.symmetric:
        return actors, recipients
    between = ctx.parties(_slots(tok, ("prep:between", "prep:among")))
    if between and not actors:
        return between, between
    if actors and not recipients:
        # "sign cooperation agreements, deepening the relationship between China and Russia"
        start, end = ctx.sentences.span(tok.i)
        for t in tok.doc[start:end]:
            if t.lower_ in ("between", "among") and t.dep_ == "prep":
                pair = ctx.parties([g for g in t.children if g.dep_ == "pobj"])
                if len(pair) >= 2:
                    return pair, pair
    return actors, recipients


# ---- the document's other findings, by token ------------------------------------------------------

class _Context:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.sentences = Sentences.of(doc)
        self.anchor = _anchor(doc._.ew_published)
        self.mention_at: dict[int, EntityMention] = {}
        # Each token speaks for the smallest mention with an actor that covers it ("Russia" in
        # "Russia's defence ministry"), except the head of a larger mention, which speaks for
        # that mention ("ministry" is the ministry).
        for m in sorted(doc._.ew_entities or (), key=lambda m: -(m.end - m.start)):
            for i in range(m.start, m.end):
                if i == m.span.root.i or i not in self.mention_at or self.mention_at[i].actor is None:
                    self.mention_at[i] = m
        self.place_at: dict[int, PlaceMention] = {i: p for p in doc._.ew_places or () for i in range(p.span.start, p.span.end)}
        self.times = list(doc._.ew_times or ())
        self.quantities = list(doc._.ew_quantities or ())

    def mention(self, tok: Token) -> Optional[EntityMention]:
        m = self.mention_at.get(tok.i)
        return m

    def place_before(self, i: int) -> Optional[PlaceMention]:
        """The last place named before token `i`, in its sentence or the one before."""
        first = self.sentences.span(i)[0]
        previous = self.sentences.span(first - 1)[0] if first > 0 else first
        earlier = [p for p in set(self.place_at.values()) if previous <= p.span.start < i]
        return max(earlier, key=lambda p: p.span.start) if earlier else None

    def first_parties(self, tok: Token, slots) -> list:
        """The parties in the first of `slots` (in order of preference) that holds a party with a
        country; else in the first that holds any ("withdraw their force from Chad": Chad)."""
        first: list = []
        for slot in slots:
            found = self.parties(_slots(tok, (slot,)))
            if any(_country(p) for p in found):
                return found
            first = first or found
        return first

    def parties(self, toks: list[Token]) -> list:
        out: list = []
        for t in toks:
            if t is None:
                continue
            for member in [t, *_conjuncts(t)]:
                party = self._party(member)
                if party is not None and not any(_same(party, o) for o in out):
                    out.append(party)
        return out

    def _party(self, tok: Token):
        m = self.mention(tok)
        if m is not None and m.actor is not None and m.actor.country:
            return m
        p = self.place_at.get(tok.i)
        if p is not None and p.place.country:
            return p
        # an object that is not an actor, owned by one: "barred his plane", "the Russian capital"
        # ("its European Community partners": the closer modifier first, the owner last)
        for child in sorted(tok.children, key=lambda c: c.dep_ == "poss"):
            if child.dep_ in ("poss", "amod", "compound", "nmod"):
                m = self.mention(child)
                if m is not None and m.actor is not None and m.actor.country:
                    return m
        if m is None and (tok.pos_ == "NUM" or tok.lemma_.lower() in GROUP_WORDS):
            # "thousands of Iraqi Kurds", "a group of refugees": the people the number counts
            of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            obj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
            if obj is not None:
                return self._party(obj)
        if m is not None:
            return m  # a sector without a country ("police"), or a name not yet coded, is still a party
        return None


# ---- helpers ------------------------------------------------------------------------------------

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


def _with_defaults(preferred: tuple[str, ...], defaults: tuple[str, ...]) -> tuple[str, ...]:
    """A frame's own slots first, then the usual ones."""
    return tuple(dict.fromkeys(preferred + defaults))


def _child(tok: Token, dep: str) -> Optional[Token]:
    return next((c for c in tok.children if c.dep_ == dep), None)


def _agent(tok: Token) -> Optional[Token]:
    for c in tok.children:
        if c.dep_ == "agent":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def _slots(tok: Token, slots) -> list[Token]:
    out: list[Token] = []
    for slot in slots:
        if slot == "subj":
            found = [c for c in tok.children if c.dep_ == "nsubj"]
        elif slot == "obj":
            found = [c for c in tok.children if c.dep_ == "dobj"]
        elif slot == "dative":
            found = [c for c in tok.children if c.dep_ == "dative" and c.pos_ in ("NOUN", "PROPN", "PRON")]
        elif slot == "agent":
            a = _agent(tok)
            found = [a] if a is not None else []
        elif slot in ("poss", "compound", "amod") and tok.pos_ in ("VERB", "AUX"):
            # for a verb: the owner or nationality of its object ("destroyed the villagers' crops")
            objs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
            found = [g for o in objs for g in o.children if g.dep_ == slot]
        elif slot in ("poss", "compound", "amod"):
            found = [c for c in tok.children if c.dep_ == slot]
            if slot in ("amod", "compound"):
                # "Ukrainian drone attacks": the nationality may hang on the compound noun
                found += [g for c in tok.children if c.dep_ == "compound" for g in c.children if g.dep_ in ("amod", "compound")]
        elif slot.startswith("prep:"):
            word = slot[5:]
            found = [g for c in tok.children if c.dep_ in ("prep", "dative", "agent") and c.lower_ == word
                     for g in c.children if g.dep_ == "pobj"]
        else:
            found = []
        out += [f for f in found if f not in out]
    return out


def _inherited_subject(tok: Token) -> list[Token]:
    """The subject a clause without one takes from the verb it hangs on: 'Xi is expected to
    sign', 'will send an honour guard to join', 'accused China of aiding Russia'."""
    node = tok
    for _ in range(5):
        dep = node.dep_
        head = node.head
        if head is node:
            return []
        if dep == "pcomp" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
            verb = head.head
            obj = _child(verb, "dobj")
            if obj is not None:
                return [obj]  # object control
            node = verb
            continue
        if dep == "acomp":  # "is willing to withdraw": the adjective's subject
            s = _child(head, "nsubj") or _child(head, "nsubjpass")
            if s is not None:
                return [s]
            node = head
            continue
        if dep in ("xcomp", "advcl", "conj", "ccomp", "acl"):
            for d in ("nsubj", "nsubjpass"):
                s = _child(head, d)
                if s is not None:
                    return [s]
            node = head
            continue
        return []
    return []


def _conjuncts(tok: Token) -> list[Token]:
    return [c for c in tok.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "PRON")]


def _identified(p) -> bool:
    """A party we can say something about: a country, or a name (even one not yet coded)."""
    if isinstance(p, PlaceMention):
        return bool(p.place.country)
    if isinstance(p, EntityMention):
        a = p.root().actor if p.refers_to is not None else p.actor
        a = a or p.actor
        return p.kind == "name" or bool(a and (a.country or a.name))
    return False


def _same(a, b) -> bool:
    return _country(a) is not None and _country(a) == _country(b)


def _same_party(a, b) -> bool:
    """The same mention, or mentions of one entity ('Russia' … 'its forces'): not two actors of
    one country, which domestic events have ('Turkish police stopped a student march')."""
    ra = a.root() if isinstance(a, EntityMention) else a
    rb = b.root() if isinstance(b, EntityMention) else b
    if ra is rb or a is b:
        return True
    if isinstance(ra, EntityMention) and isinstance(rb, EntityMention) and ra.actor and rb.actor:
        if ra.actor.kb_id and ra.actor.kb_id == rb.actor.kb_id:
            return True
        return ra.span.text == rb.span.text and _country(ra) == _country(rb)
    return _span(a) == _span(b) or (_country(a) is not None and _country(a) == _country(b)
                                    and _text(a).lower() == _text(b).lower())


def _span(p) -> tuple[int, int]:
    s = p.span
    return s.start, s.end


def _text(p) -> str:
    return p.span.text


def _country(p) -> Optional[str]:
    if isinstance(p, EntityMention):
        root = p.root() if p.refers_to is not None and p.root().actor is not None else p
        return (root.actor or p.actor).country if (root.actor or p.actor) else None
    if isinstance(p, PlaceMention):
        return p.place.country
    return None


def _governing_verb(tok: Token) -> Optional[Token]:
    node = tok
    for _ in range(5):
        if node.pos_ in ("VERB", "AUX"):
            return node
        if node.head is node:
            return None
        node = node.head
    return None


def _status(tok: Token, frame: Frame, ctx) -> str:
    verb = tok if frame.pos == "VERB" else _governing_verb(tok)
    if any(c.dep_ == "neg" for c in tok.children) or (verb is not None and any(c.dep_ == "neg" for c in verb.children)):
        return "negated"
    if _failed(verb):
        return "negated"  # "failed to reach an agreement", "refused to withdraw"
    if frame.pos == "NOUN" and any(c.lemma_.lower() in ("planned", "proposed", "expected", "future", "upcoming")
                                   for c in tok.children if c.dep_ in ("amod", "compound")):
        return "future"
    node = verb
    for _ in range(3):
        if node is None:
            break
        auxes = {c.lower_ for c in node.children if c.dep_ in ("aux", "auxpass")}
        if auxes & HYPOTHETICAL_AUX:
            return "hypothetical"
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in node.children):
            return "hypothetical"
        if node.dep_ == "xcomp" and node.head.lemma_.lower() in INTENT_ADJECTIVES:
            return "future"  # "is willing to send", "ready to contribute"
        tense = verb_tense(node)
        if tense == "future":
            return "future"
        if tense == "past":
            return "occurred"
        if tense == "present":
            if node.tag_ == "VBN" and auxes & {"has", "have"} and node.lemma_ != "be":
                return "occurred"  # present perfect of an action: "has accused"
            return "ongoing"  # "is engaged in", "are fighting", "supports"
        if node.dep_ not in ("xcomp", "advcl", "pcomp", "acl", "conj"):
            break
        node = node.head
    return "occurred"


def _attribution(ctx, tok: Token) -> tuple[str, Optional[EntityMention]]:
    verb = tok if tok.pos_ == "VERB" else _governing_verb(tok)
    for c in list(tok.children) + (list(verb.children) if verb is not None else []):
        if c.lower_ in HEDGES_REPORTED:
            return "reported", None
        if c.lower_ in HEDGES_ALLEGED:
            return "alleged", None
    # climb to a reporting verb whose clause contains the event
    node = verb if verb is not None else tok
    for _ in range(6):
        head = node.head
        if head is node:
            break
        lemma = head.lemma_.lower()
        if head.pos_ in ("VERB", "AUX") and lemma in (REPORTING | ALLEGING) and node.dep_ in (
                "ccomp", "xcomp", "advcl", "pcomp", "prep", "dobj", "conj") and head is not tok:
            sayer = _child(head, "nsubj")
            m = ctx.mention(sayer) if sayer is not None else None
            certainty = "alleged" if lemma in ALLEGING else "reported"
            return certainty, m
        node = head
    # "according to X"
    sent_start, sent_end = ctx.sentences.span(tok.i)
    doc = tok.doc
    for t in doc[sent_start:sent_end]:
        if t.lower_ == "according" and t.i + 1 < sent_end and doc[t.i + 1].lower_ == "to":
            obj = next((g for g in doc[t.i + 1].children if g.dep_ == "pobj"), None)
            return "reported", ctx.mention(obj) if obj is not None else None
    return "asserted", None


def _clause_tokens(tok: Token) -> set[int]:
    """The trigger's own clause: its subtree, and for a noun its verb's direct dependents."""
    own = _phrase_tokens(tok)
    verb = tok if tok.pos_ == "VERB" else _governing_verb(tok)
    if verb is not None and verb is not tok:
        for c in verb.children:
            if c.dep_ in ("prep", "npadvmod", "advmod", "obl", "tmod"):
                own |= {t.i for t in c.subtree}
    return own


def _phrase_tokens(tok: Token) -> set[int]:
    """The trigger's subtree without the clauses of their own (other events) inside it."""
    own = {t.i for t in tok.subtree}
    for t in tok.subtree:
        if t is not tok and t.dep_ in ("ccomp", "relcl", "advcl") and t.pos_ in ("VERB", "AUX"):
            own -= {x.i for x in t.subtree}
    return own


def _clause_party(ctx, tok: Token, ev: EventMention) -> list:
    """The nearest other party the event's own clause names, when no slot holds a recipient:
    'denounced as a crime Serbia's suppression of unrest' (Serbia), 'imposed a curfew in a town
    in southeastern Turkey' (Turkey). Nearest in the parse first, then in the text."""
    # a verb's clause without its subject; an event noun's own phrase ("Serbia's suppression …")
    own = _clause_tokens(tok) if tok.pos_ in ("VERB", "ADJ") else _phrase_tokens(tok)
    # what a preposition introduces is the event's topic, clause or not ("outspoken about what it
    # says is China's aid")
    own |= {t.i for c in tok.children if c.dep_ == "prep" for t in c.subtree}
    # "allow refugees to return": the subject of the clause the verb governs is its object
    own |= {t.i for c in tok.children if c.dep_ in ("ccomp", "xcomp")
            for g in c.children if g.dep_ == "nsubj" for t in g.subtree}
    for c in tok.children:
        if c.dep_ in ("nsubj", "nsubjpass", "csubj"):
            own -= {t.i for t in c.subtree}
    # then the purpose the act serves: "blocked a road to show their disapproval of US policy"
    purpose = {t.i for c in tok.children if c.dep_ == "advcl" and _purpose(c) for t in c.subtree} - own
    own |= purpose
    taken = [p for p in ev.actor] + ([ev.attributed_to] if ev.attributed_to is not None else [])
    for p in taken:
        own -= set(range(*_span(p)))
    best: dict[int, tuple[tuple[bool, bool, int, int], object]] = {}
    for i in own:
        if tok.doc[i].lower_ in ("there", "here") and tok.doc[i].dep_ == "advmod":
            party = ctx.place_before(i)  # "has paid more visits there": the place just named
            if party is not None and party.place.country and not any(_same_party(party, a) for a in ev.actor):
                best[id(party)] = ((False, False, _tree_distance(tok.doc[i], tok), abs(i - tok.i)), party)
            continue
        party = ctx.mention(tok.doc[i])
        if party is None or party.actor is None or not party.actor.country:
            party = ctx.place_at.get(i)
            if party is None or not party.place.country:
                continue
        if any(_same_party(party, a) for a in ev.actor):
            continue
        # another country first (a domestic event is the fallback), then nearest in the parse
        rank = (i in purpose, any(_same(party, a) for a in ev.actor), _tree_distance(tok.doc[i], tok), abs(i - tok.i))
        key = id(party)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, party)
    if not best:
        return []
    return [min(best.values(), key=lambda r: r[0])[1]]


def _cooperative_purpose(tok: Token) -> bool:
    return any(c.dep_ == "advcl" and _purpose(c) and c.lemma_.lower() in COOPERATIVE_PURPOSES for c in tok.children)


def _purpose(clause: Token) -> bool:
    """'(in order) to show …': an infinitive clause without a subject of its own."""
    return clause.pos_ in ("VERB", "AUX") and any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children) \
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children)


def _tree_distance(t: Token, top: Token) -> int:
    """Steps from `t` up to `top` in the parse (a token outside `top`'s subtree is far)."""
    for steps in range(12):
        if t is top:
            return steps
        if t.head is t:
            break
        t = t.head
    return 12


def _date(ctx, tok: Token) -> tuple[Optional[TimeMention], str]:
    own = _clause_tokens(tok)
    hits = [t for t in ctx.times if t.span.start in own and t.value]
    if hits:
        hits.sort(key=lambda t: abs(t.span.start - tok.i))
        return hits[0], "explicit"
    return None, "publication"


def _location(ctx, tok: Token, ev: EventMention) -> Optional[PlaceMention]:
    own = _clause_tokens(tok)
    # then where the act's purpose takes it: "send a guard to join the celebrations in Minsk"
    purpose = {t.i for c in tok.children if c.dep_ == "advcl" and _purpose(c) for t in c.subtree} - own
    places = [p for p in ctx.place_at.values() if p.span.start in own | purpose and p.place.feature != "country"
              and _locative(p.span.root)]
    if places:
        places.sort(key=lambda p: (p.span.start in purpose, abs(p.span.start - tok.i)))
        return places[0]
    for party in ev.recipient:
        if isinstance(party, PlaceMention) and party.place.feature in ("city", "admin1", "landmark", "region"):
            return party
    return None


LOCATIVE_PREPS = frozenset({"in", "at", "near", "outside", "over", "into", "to", "around", "inside"})


def _locative(root: Token) -> bool:
    """'in Minsk', 'near the town of Samarra', 'outside of the Iraqi city of Basra'."""
    for _ in range(3):
        if root.dep_ != "pobj":
            return False
        prep = root.head
        if prep.lower_ in LOCATIVE_PREPS or (prep.lower_ == "of" and prep.head.lower_ in LOCATIVE_PREPS):
            return True
        if prep.lower_ != "of":
            return False
        root = prep.head  # "the town of Samarra": the town's own preposition
    return False


def _quantities(ctx, tok: Token) -> list[QuantityMention]:
    own = {t.i for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "nsubj", "pobj", "attr") for t in c.subtree}
    own |= {tok.i}
    return [q for q in ctx.quantities if q.span.root.i in own or (q.span.start <= tok.i < q.span.end)]


def _anchor(published: Optional[str]) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None
