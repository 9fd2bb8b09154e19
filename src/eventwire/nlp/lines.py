"""`ew_lines`: sentence starts that the layout of the text gives, set before the parser runs.

News text puts a headline or a dateline on a line of its own ("Kenya and Ethiopia agree to reopen
talks" ⏎⏎ "NAIROBI — Kenya and Ethiopia agreed…"); without punctuation the parser reads the two
as one sentence. A line break starts a sentence after a short line without final punctuation
(a headline, a dateline, a subhead) when the next line starts with a capital. Everything else,
hard-wrapped prose included, is left to the parser.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from eventwire.extract.mentions import FINAL_PUNCT

HEADLINE_TOKENS = 14  # a line this short without final punctuation is a headline or a dateline


@Language.component("ew_lines")
def mark_line_starts(doc: Doc) -> Doc:
    line_start = 0
    for tok in doc:
        if not (tok.is_space and "\n" in tok.text) or tok.i + 1 >= len(doc):
            continue
        nxt = doc[tok.i + 1]
        line = [t for t in doc[line_start:tok.i] if not t.is_space]
        line_start = tok.i + 1
        if not line or nxt.is_space:
            continue
        if len(line) <= HEADLINE_TOKENS and line[-1].text not in FINAL_PUNCT and nxt.text[:1].isupper():
            nxt.is_sent_start = True
    return doc
