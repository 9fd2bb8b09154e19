"""`ew_quotes`: direct quotations and who said them.

A quotation is text between quotation marks (“…”, "…", ``…''), or a transcript turn
("WALLACE: …"). Its speaker comes from the speech verb that governs it ("X said", "said X",
"X wrote: …", "…, saying that …", "X described Y as “…”"), from "according to X", or from the
quotation just before it when a quote runs on over paragraphs. Short quoted phrases with no
speech verb (“no limits”) are scare quotes: they are kept, with no speaker.
"""
from __future__ import annotations

import re
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from eventwire.extract.mentions import EntityMention, QuoteMention, Sentences
from eventwire.models import Actor

SPEECH_VERBS = frozenset(
    """say tell write add insist state declare warn claim argue explain note ask reply announce
    tweet post describe call quote acknowledge admit allege assert caution comment complain
    concede confirm contend counter demand deny emphasise emphasize estimate indicate inform
    maintain mention observe predict proclaim promise recall remark report respond reveal
    stress suggest testify urge vow whisper shout scream joke lament boast charge dub brand
    chant sing yell tweet text email scold demand
    label term continue conclude recount recalled""".split()
)
_OPEN_CLOSE = {"“": "”", "``": "''", "«": "»", "„": "“"}
_TRANSCRIPT = re.compile(r"^(?P<name>[A-Z][A-Z.'\- ]{1,40}[A-Z.]):\s+(?P<body>\S.*)$")
SCARE_MAX_WORDS = 4
_DASH_BYLINE = re.compile(r"[”\"’]?[^\S\n]*[―—–][^\S\n]*(?P<name>[A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,4})[^\S\n.]*\.?[^\S\n]*(?:\n|$)")


@Language.factory("ew_quotes", assigns=["doc._.ew_quotes", "doc._.ew_entities"],
                  requires=["doc._.ew_entities", "token.dep"])
def make_quotes(nlp: Language, name: str):
    return QuoteFinder()


class QuoteFinder:
    def __call__(self, doc: Doc) -> Doc:
        mentions = doc._.ew_entities or []
        text = doc.text  # Doc.text joins every token on each call: read it once
        out: list[QuoteMention] = []
        previous: Optional[QuoteMention] = None
        for start, end, continues in find_quotations(text):
            turn = _TRANSCRIPT.match(text[start:end])
            if turn:  # '"WALLACE: Let's start…' — a transcript turn inside quotation marks
                name = doc.char_span(start + turn.start("name"), start + turn.end("name"), alignment_mode="expand")
                body = start + turn.start("body")
                q = QuoteMention(start=body, end=end, speaker=name, cue=":",
                                 speaker_entity=_mention_at(mentions, name) if name is not None else None)
                out.append(q)
                previous = q
                continue
            q = QuoteMention(start=start, end=end)
            words = len(text[start:end].split())
            speaker, cue = self._speaker(doc, text, start, end, mentions)
            if speaker is None and previous is not None and previous.speaker is not None and (
                    continues or "\n" not in text[previous.end:start]):
                # a quotation that runs on, in the same paragraph or the next one
                speaker, cue = previous.speaker, previous.cue
            if speaker is None and words <= SCARE_MAX_WORDS:
                q.cue = None
            elif speaker is not None:
                q.speaker = speaker
                q.cue = cue
                q.speaker_entity = _mention_at(mentions, speaker)
            out.append(q)
            previous = q
        for start, end, name_span in find_transcript_turns(doc, text):
            if any(q.start <= start < q.end for q in out):
                continue
            out.append(QuoteMention(start=start, end=end, speaker=name_span, cue=":",
                                    speaker_entity=_mention_at(mentions, name_span)))
        out.sort(key=lambda q: q.start)
        doc._.ew_quotes = out
        doc._.ew_entities = list(mentions) + _first_person_mentions(doc, out)
        return doc

    def _speaker(self, doc: Doc, text: str, start: int, end: int, mentions) -> tuple[Optional[Span], Optional[str]]:
        inside = doc.char_span(start, end, alignment_mode="expand")
        if inside is None or len(inside) == 0:
            return None, None
        # a byline after a dash: '…” ― Pamela Padilla'
        byline = _DASH_BYLINE.match(text, end)
        if byline:
            name = doc.char_span(byline.start("name"), byline.end("name"), alignment_mode="expand")
            if name is not None:
                return _speaker_span(name.root, mentions, name), "―"
        # speech verbs that govern words of the quotation, or stand in its sentence(s), or in a
        # sentence that starts right after the closing mark ("…?” Vitter demanded.")
        candidates: list[tuple[int, Token, Token]] = []
        for tok in inside:
            node = tok.head
            for _ in range(3):
                if node.i < inside.start or node.i >= inside.end:
                    if _is_speech_verb(node):
                        sayer = _sayer(node, inside)
                        if sayer is not None:
                            candidates.append((_distance(node, inside) - 4, node, sayer))
                    break
                if node.head is node:
                    break
                node = node.head
        sentences = Sentences.of(doc)
        sents = {sentences.number(inside.start), sentences.number(inside.end - 1)}
        after = inside.end
        while after < len(doc) and (doc[after].is_punct or doc[after].is_space) and not doc[after].text.startswith(("“", "‘")):
            after += 1
        if after < len(doc) and sentences.number(after) not in sents and "\n" not in text[inside.end_char:doc[after].idx]:
            sents.add(sentences.number(after))
        verbs, accordings = _sentence_cues(doc, sentences)
        for tok in (t for n in sorted(sents) for t in verbs.get(n, ()) if not (inside.start <= t.i < inside.end)):
            sayer = _sayer(tok, inside)
            if sayer is not None:
                candidates.append((_distance(tok, inside), tok, sayer))
        if candidates:
            _d, verb, sayer = min(candidates, key=lambda c: c[0])
            return _speaker_span(sayer, mentions), verb.text
        # "according to X"
        for tok in (t for n in sorted(sents) for t in accordings.get(n, ()) if not (inside.start <= t.i < inside.end)):
            obj = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if obj is not None:
                return _speaker_span(obj, mentions), "according to"
        return None, None


def _sentence_cues(doc: Doc, sentences: Sentences) -> tuple[dict[int, list[Token]], dict[int, list[Token]]]:
    """Speech verbs and 'according to' by sentence, found once per document (a sentence full of
    quotations would otherwise be scanned once for each of them)."""
    cached = doc.user_data.get("ew_quote_cues")
    if cached is None:
        verbs: dict[int, list[Token]] = {}
        accordings: dict[int, list[Token]] = {}
        for tok in doc:
            if _is_speech_verb(tok):
                verbs.setdefault(sentences.number(tok.i), []).append(tok)
            elif tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
                accordings.setdefault(sentences.number(tok.i), []).append(tok)
        cached = doc.user_data["ew_quote_cues"] = (verbs, accordings)
    return cached


def _sayer(verb: Token, inside: Span) -> Optional[Token]:
    """Who does the saying: the verb's subject, else the name written next to it; never a word
    of the quotation itself."""
    for found in (_subject(verb), _adjacent_sayer(verb, inside)):
        if found is not None and not (inside.start <= found.i < inside.end):
            return found
    return None


def _is_speech_verb(tok: Token) -> bool:
    return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in SPEECH_VERBS


def _distance(tok: Token, inside: Span) -> int:
    return inside.start - tok.i if tok.i < inside.start else tok.i - inside.end + 1


def _adjacent_sayer(verb: Token, inside: Span) -> Optional[Token]:
    """When the parse gives the verb no subject, the name written next to it: '…,” Tulsa police
    Chief Chuck Jordan said', '…,” Flynn, a top surrogate, said', '…,” said David Gorski, a
    professor', 'Said Ellis: “…”'."""
    doc = verb.doc
    if verb.i >= inside.end:
        k = inside.end
        while k < verb.i and (doc[k].is_punct or doc[k].is_space):
            k += 1
        if k < verb.i:
            found = _name_run(doc, k, verb.i)
            if found is not None:
                return found
    return _name_run(doc, verb.i + 1, min(len(doc), verb.i + 12))


def _name_run(doc: Doc, k: int, limit: int) -> Optional[Token]:
    """The head of the name or noun phrase starting at token k (before `limit`)."""
    if k >= limit:
        return None
    if doc[k].pos_ == "PROPN":
        last = k
        while last + 1 < limit and doc[last + 1].pos_ == "PROPN":
            last += 1
        return doc[last]
    if doc[k].pos_ == "PRON":
        return doc[k]
    head = None
    while k < limit and doc[k].pos_ in ("DET", "ADJ", "NOUN", "PROPN", "NUM") or (k < limit and doc[k].tag_ == "POS"):
        if doc[k].pos_ in ("NOUN", "PROPN"):
            head = doc[k]
        k += 1
    return head


_FIRST_PERSON = {"i", "me", "my", "mine", "myself"}
_FIRST_PLURAL = {"we", "us", "our", "ours", "ourselves"}


def _first_person_mentions(doc: Doc, quotes: list[QuoteMention]) -> list[EntityMention]:
    """'I' and 'my' inside a quotation are its speaker; 'we' and 'our' too when an organisation
    or a country speaks."""
    out = []
    for q in quotes:
        speaker = q.speaker_entity
        if speaker is None or speaker.actor is None:
            continue
        target = speaker.root() if speaker.root().actor is not None else speaker
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None:
            continue
        for tok in span:
            low = tok.lower_
            if tok.pos_ != "PRON" or not (low in _FIRST_PERSON and speaker.label == "PERSON"
                                          or low in _FIRST_PLURAL and speaker.label in ("ORG", "GPE")):
                continue
            a = speaker.actor
            out.append(EntityMention(
                span=doc[tok.i:tok.i + 1], label=speaker.label, kind="pronoun", refers_to=target,
                actor=Actor(name=a.name, country=a.country, sector=a.sector, role=a.role, kb_id=a.kb_id, how="coref"),
            ))
    return out


def find_quotations(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, continues_previous) of quoted words, marks excluded, per paragraph."""
    out: list[tuple[int, int, bool]] = []
    offset = 0
    prev_open_at_end = False
    for para in text.split("\n"):
        pos = 0
        opened_here = False
        first_piece = True
        while pos < len(para):
            m = re.search(r"“|``|«|„|\"", para[pos:])
            if m is None:
                break
            mark = m.group(0)
            o = pos + m.start()
            closing = _OPEN_CLOSE.get(mark, '"')
            c = _find_closer(para, o + len(mark), closing)
            if mark == '"' and o > 0 and para[o - 1].isalnum():
                pos = o + 1  # an inch mark or a stray quote, not an opening
                continue
            if c < 0:
                c = len(para)
                opened_here = True
            s, e = o + len(mark), c
            while s < e and para[s].isspace():
                s += 1
            while e > s and para[e - 1].isspace():
                e -= 1
            if e > s:
                out.append((offset + s, offset + e, first_piece and prev_open_at_end and o < 3))
            first_piece = False
            pos = c + len(closing)
        prev_open_at_end = opened_here
        offset += len(para) + 1
    return out


def _find_closer(para: str, start: int, closing: str) -> int:
    """Next closing mark; writers mix straight and curly marks (“…," / "…”)."""
    marks = ('"', "”") if closing in ('"', "”") else (closing,)
    found = [i for i in (para.find(m, start) for m in marks) if i >= 0]
    return min(found) if found else -1


def find_transcript_turns(doc: Doc, text: str) -> list[tuple[int, int, Span]]:
    """'WALLACE: Let's start…' → (start, end, span of WALLACE)."""
    out = []
    offset = 0
    for para in text.split("\n"):
        m = _TRANSCRIPT.match(para)
        if m:
            name = doc.char_span(offset + m.start("name"), offset + m.end("name"), alignment_mode="expand")
            if name is not None:
                out.append((offset + m.start("body"), offset + len(para.rstrip()), name))
        offset += len(para) + 1
    return out


def _subject(verb: Token) -> Optional[Token]:
    """The sayer: nsubj of the verb, the agent of a passive, or of the verb a participle hangs on."""
    if verb.dep_ == "acl" and verb.head.pos_ in ("PROPN", "NOUN"):
        return verb.head  # "footage of Hillary Clinton asking, “…”"
    node = verb
    for _ in range(3):
        for child in node.children:
            if child.dep_ in ("nsubj",):
                if child.lower_ in ("who", "that", "which") and node.dep_ == "relcl":
                    return node.head  # "an official who said …"
                return child
        for child in node.children:
            if child.dep_ == "agent":
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None:
                    return obj
        # "…, saying that …" / "…, adding …": the participle's subject is its head's subject
        if node.dep_ in ("advcl", "xcomp", "conj", "ccomp") and node.tag_ in ("VBG", "VBN", "VBD", "VB"):
            node = node.head
            continue
        break
    # subject after the verb: "…,” said Mr Smith
    for child in verb.rights:
        if child.dep_ in ("nsubj", "dobj", "attr") and child.pos_ in ("PROPN", "NOUN", "PRON"):
            return child
    return None


def _speaker_span(tok: Token, mentions: list[EntityMention], fallback: Optional[Span] = None) -> Span:
    m = _mention_covering(mentions, tok.i)
    if m is not None:
        return m.span
    if fallback is not None:
        return fallback
    start = tok.left_edge.i
    end = tok.i + 1
    return tok.doc[start:end]


def _mention_covering(mentions: list[EntityMention], i: int) -> Optional[EntityMention]:
    best = None
    for m in mentions:
        if m.start <= i < m.end and (best is None or (m.end - m.start) > (best.end - best.start)):
            best = m
    return best


def _mention_at(mentions: list[EntityMention], span: Span) -> Optional[EntityMention]:
    best = None
    for m in mentions:
        if m.start < span.end and span.start < m.end:
            if best is None or (m.actor is not None and best.actor is None) or \
                    (m.span.root == span.root and best.span.root != span.root):
                best = m
    return best
