"""Reading the parse around an event trigger: its slots, the subject a clause inherits, its own
clause, purpose clauses, and how far two tokens are apart in the tree. Only spaCy tokens here."""
from __future__ import annotations

from typing import Optional

from spacy.tokens import Token


LOCATIVE_PREPS = frozenset({"in", "at", "near", "outside", "over", "into", "to", "around", "inside"})


def with_defaults(preferred: tuple[str, ...], defaults: tuple[str, ...]) -> tuple[str, ...]:
    """A frame's own slots first, then the usual ones."""
    return tuple(dict.fromkeys(preferred + defaults))


def first_child(tok: Token, dep: str) -> Optional[Token]:
    return next((c for c in tok.children if c.dep_ == dep), None)


def agent_of(tok: Token) -> Optional[Token]:
    for c in tok.children:
        if c.dep_ == "agent":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def slot_tokens(tok: Token, slots) -> list[Token]:
    out: list[Token] = []
    for slot in slots:
        if slot == "subj":
            found = [c for c in tok.children if c.dep_ == "nsubj"]
        elif slot == "obj":
            found = [c for c in tok.children if c.dep_ == "dobj"]
        elif slot == "dative":
            found = [c for c in tok.children if c.dep_ == "dative" and c.pos_ in ("NOUN", "PROPN", "PRON")]
        elif slot == "agent":
            a = agent_of(tok)
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


def inherited_subject(tok: Token) -> list[Token]:
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
            obj = first_child(verb, "dobj")
            if obj is not None:
                return [obj]  # object control
            node = verb
            continue
        if dep == "acomp":  # "is willing to withdraw": the adjective's subject
            s = first_child(head, "nsubj") or first_child(head, "nsubjpass")
            if s is not None:
                return [s]
            node = head
            continue
        if dep in ("xcomp", "advcl", "conj", "ccomp", "acl"):
            for d in ("nsubj", "nsubjpass"):
                s = first_child(head, d)
                if s is not None:
                    return [s]
            node = head
            continue
        return []
    return []


def conjuncts_of(tok: Token) -> list[Token]:
    return [c for c in tok.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "PRON")]


def governing_verb(tok: Token) -> Optional[Token]:
    node = tok
    for _ in range(5):
        if node.pos_ in ("VERB", "AUX"):
            return node
        if node.head is node:
            return None
        node = node.head
    return None


def clause_tokens(tok: Token) -> set[int]:
    """The trigger's own clause: its subtree, and for a noun its verb's direct dependents."""
    own = phrase_tokens(tok)
    verb = tok if tok.pos_ == "VERB" else governing_verb(tok)
    if verb is not None and verb is not tok:
        for c in verb.children:
            if c.dep_ in ("prep", "npadvmod", "advmod", "obl", "tmod"):
                own |= {t.i for t in c.subtree}
    return own


def phrase_tokens(tok: Token) -> set[int]:
    """The trigger's subtree without the clauses of their own (other events) inside it."""
    own = {t.i for t in tok.subtree}
    for t in tok.subtree:
        if t is not tok and t.dep_ in ("ccomp", "relcl", "advcl") and t.pos_ in ("VERB", "AUX"):
            own -= {x.i for x in t.subtree}
    return own


def is_purpose_clause(clause: Token) -> bool:
    """'(in order) to show …': an infinitive clause without a subject of its own."""
    return clause.pos_ in ("VERB", "AUX") and any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children) \
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children)


def tree_distance(t: Token, top: Token) -> int:
    """Steps from `t` up to `top` in the parse (a token outside `top`'s subtree is far)."""
    for steps in range(12):
        if t is top:
            return steps
        if t.head is t:
            break
        t = t.head
    return 12


def is_locative(root: Token) -> bool:
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


def purpose_tokens(tok: Token, own: set[int]) -> set[int]:
    """The tokens of the purpose clauses of `tok` ("launched … to disrupt …") outside `own`."""
    return {t.i for c in tok.children if c.dep_ == "advcl" and is_purpose_clause(c) for t in c.subtree} - own
