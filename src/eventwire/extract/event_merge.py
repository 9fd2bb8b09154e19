"""One event, several mentions: result and purpose clauses that restate an event, and later
mentions of an event already found ("arrived in Moscow" … "the trip" … "his visit")."""
from __future__ import annotations

from spacy.tokens import Span

from eventwire.extract.event_parties import party_country
from eventwire.extract.event_syntax import is_purpose_clause
from eventwire.extract.mentions import EntityMention, EventMention, Sentences

# meetings, agreements and cooperation have two sides rather than a doer and a target: "Xi arrived
# in Moscow" and "Xi was greeted on arrival" are one visit whichever side is named as the actor
TWO_SIDED = frozenset({"CONSULT", "AGREE", "COOPERATE"})


# Events whose complement is what they are about: "demanded that its partners refuse to
# recognise…", "threatened to storm…", "agreed to resign", "refused to withdraw".
CONTENT_TYPES = frozenset({"REQUEST", "THREATEN", "AGREE", "REJECT"})


# The links by which an event is embedded in another's complement, object or condition ("agreed
# to US mediation in the talks", "rejected an offer of direct talks", "banned candidates from
# taking part in the elections"); a conjunct ("and will send") is a parallel event, not content.
EMBEDDING = frozenset("xcomp ccomp dobj pobj prep acl pcomp compound amod nmod attr advcl".split())

# Events that are prospects until they happen: meetings, agreements, support, cooperation, aid,
# withdrawals and concessions named as what is offered, refused, demanded or prevented.
PROSPECTIVE = frozenset({"CONSULT", "AGREE", "SUPPORT", "COOPERATE", "AID", "RETREAT", "CONCEDE"})

# Events whose object or complement can be such a prospect: the content types, and bans and
# suspensions ("suspended the aid programme", "banned them from participating").
PROSPECT_HOLDERS = CONTENT_TYPES | {"COERCE", "SANCTION"}


def _prospect_of(ev: EventMention, by_trigger: dict[int, EventMention]) -> bool:
    """Whether `ev` is only what another event is about: found under that event's trigger by
    embedding links, with no subject (no clause that asserts it) in between, and either not
    happened or a prospective kind of event."""
    t = node = ev.trigger.root
    for _ in range(6):
        if node is not t and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
            return False
        if node.head is node or node.dep_ not in EMBEDDING:
            return False
        node = node.head
        holder = by_trigger.get(node.i)
        if holder is not None and holder is not ev:
            return holder.frame.type in PROSPECT_HOLDERS and (
                ev.status != "occurred" or ev.frame.type in PROSPECTIVE)
    return False


def fold_results(events: list[EventMention]) -> list[EventMention]:
    """'barred his plane from their airspace, forcing a detour': a participle clause after an
    event, with no subject of its own, tells that event's result; 'sent a guard to take part in
    the parade': a purpose clause coded like its event restates it. Both are mentions of it.

    An action that has not happened and is only the content of a demand, threat, promise or
    refusal is part of that event, not one of its own (PLOVER codes "demanded that X withdraw"
    as one REQUEST); so are the talks an offer is of, when the offer is refused, and the election
    a ban keeps candidates from (`_prospect_of`); and what protesters demand ("marched to demand
    reforms" is a PROTEST)."""
    by_trigger = {ev.trigger.root.i: ev for ev in events}
    kept = []
    for ev in events:
        t = ev.trigger.root
        head = by_trigger.get(t.head.i)
        result = t.dep_ == "advcl" and t.tag_ == "VBG" and t.i > t.head.i and not any(
            c.dep_ in ("nsubj", "nsubjpass", "mark") for c in t.children)
        in_purpose = head is not None and t.dep_ == "advcl" and is_purpose_clause(t)
        # "sent a guard to participate in the ceremony": the purpose, coded alike, is the same event
        purpose = in_purpose and head.frame.type == ev.frame.type
        demand = in_purpose and head.frame.type == "PROTEST" and ev.frame.type == "REQUEST"
        if demand or _prospect_of(ev, by_trigger):
            continue
        if head is not None and head is not ev and (result or purpose):
            head.mentions.append(ev.trigger)
            continue
        kept.append(ev)
    return kept


def merge_repeats(events: list[EventMention]) -> list[EventMention]:
    """News repeats its main events ('arrived in Moscow' … 'the trip' … 'his visit'): a mention
    of the same type and status whose parties say nothing new about an event already found is
    another mention of it, not a new event. When the later mention is the fuller one, or the
    first is a headline, the later one leads."""
    kept: list[EventMention] = []
    for ev in events:
        for n, k in enumerate(kept):
            if repeats(ev, k) and _headline(k.trigger) and not _headline(ev.trigger):
                ev.mentions.extend([k.trigger, *k.mentions])  # the report leads, not its headline
                kept[n] = ev
                break
            if repeats(ev, k):
                k.mentions.append(ev.trigger)
                break
            if repeats(k, ev):
                ev.mentions.extend([k.trigger, *k.mentions])
                kept[n] = ev
                break
        else:
            kept.append(ev)
    return kept


def repeats(ev: EventMention, first: EventMention) -> bool:
    """Whether `ev` adds nothing to `first`: same type, same (future or not) status, compatible
    dates, and parties that are a subset of first's."""
    if ev.frame.type != first.frame.type or ev.status == "negated" or first.status == "negated":
        return False
    if (ev.status in ("future", "hypothetical")) != (first.status in ("future", "hypothetical")):
        return False
    if ev.date is not None and first.date is not None and ev.date.value != first.date.value:
        return False
    ea, er = party_keys(ev.actor), party_keys(ev.recipient)
    fa, fr = party_keys(first.actor), party_keys(first.recipient)
    if ev.frame.symmetric or first.frame.symmetric or ev.frame.type in TWO_SIDED:
        ea, er, fa, fr = ea | er, set(), fa | fr, set()
    if not (ea | er) or not (ea <= fa and er <= fr):
        return False
    # the same parties again is a new event ("destroyed 19 drones" … "shot down 500 drones",
    # "Ukraine accused China" … "Zelenskyy has accused China"), unless the same event noun names
    # it again ("Xi's visit" … "his visit") or the same word restates a headline; fewer parties
    # is a repeat
    same_word = ev.frame.lemma == first.frame.lemma
    return (ea, er) != (fa, fr) or (same_word and (ev.frame.pos == "NOUN" or _headline(first.trigger)
                                                   or _headline(ev.trigger)))


def _headline(trigger: Span) -> bool:
    """Whether the trigger stands in a headline: a sentence without final punctuation, which
    the text under it restates ("Kenya and Ethiopia agree to reopen talks")."""
    return Sentences.of(trigger.doc).headline(trigger.start)


def party_keys(parties) -> set[str]:
    """What a party list says: its countries, or for parties without one, their words."""
    keys = set()
    for p in parties:
        c = party_country(p)
        keys.add(c if c else "name:" + (p.root() if isinstance(p, EntityMention) else p).span.text.lower())
    return keys
