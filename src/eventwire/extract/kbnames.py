"""Finding the actor KB's names in a Doc: a token trie, longest match first.

Names are tokenised with the pipeline's own tokenizer and compared token by token after folding
(diacritics, apostrophes), so "Vucic's" finds "Aleksandar Vučić"'s surname and "Russia’s" finds
"Russia". Case matters: "US" is a country, "us" is not.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from eventwire.knowledge.actors import ActorKB, Name
from eventwire.knowledge.text import fold

_KIND_PRIORITY = {
    "person": 0, "org": 1, "metonym": 2, "country": 3, "capital": 4, "region": 5,
    "country_people": 6, "region_people": 7, "country_adj": 8, "region_adj": 9,
}


@dataclass(frozen=True)
class KBMatch:
    start: int  # token indices
    end: int
    names: tuple[Name, ...]

    def best(self) -> Name:
        return min(self.names, key=lambda n: _KIND_PRIORITY.get(n.kind, 99))

    def kinds(self) -> set[str]:
        return {n.kind for n in self.names}


class KBNameFinder:
    def __init__(self, kb: ActorKB, tokenizer):
        self.kb = kb
        self.trie: dict = {}
        forms = sorted({n.form for n in kb.names})
        for form, doc in zip(forms, tokenizer.pipe(forms), strict=True):
            keys = [fold(t.text) for t in doc if not t.is_space]
            if not keys:
                continue
            node = self.trie
            for k in keys:
                node = node.setdefault(k, {})
            node.setdefault(None, []).extend(kb.lookup(form))

    def __call__(self, doc: Doc) -> list[KBMatch]:
        """KB names in `doc`; computed once per Doc and finder (places and actors both ask)."""
        cache = doc.user_data.setdefault("ew_kb_matches", {})
        if id(self) not in cache:
            cache[id(self)] = self._find(doc)
        return cache[id(self)]

    def _find(self, doc: Doc) -> list[KBMatch]:
        found: list[KBMatch] = []
        keys = [fold(t.text) for t in doc]
        i, n = 0, len(doc)
        while i < n:
            node, j, last = self.trie, i, None
            while j < n and keys[j] in node:
                node = node[keys[j]]
                j += 1
                if None in node:
                    last = (j, node[None])
            if last is not None:
                end, names = last
                found.append(KBMatch(i, end, tuple(dict.fromkeys(names))))
                i = end
            else:
                i += 1
        return found


_FINDERS: dict[tuple[int, int], tuple[ActorKB, object, KBNameFinder]] = {}


def name_finder(kb: ActorKB, tokenizer) -> KBNameFinder:
    """One finder per (KB, tokenizer) pair: building the trie tokenises every name once."""
    cache_key = (id(kb), id(tokenizer))
    hit = _FINDERS.get(cache_key)
    if hit is None or hit[0] is not kb or hit[1] is not tokenizer:
        hit = (kb, tokenizer, KBNameFinder(kb, tokenizer))
        _FINDERS[cache_key] = hit
    return hit[2]
