"""Normalising names so that spelling variants meet: diacritics, apostrophes, dashes."""
from __future__ import annotations

import functools
import re
import unicodedata

_PUNCT = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-",
    "\u00a0": " ",
})
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """'Vučić’s' → "Vucic's": no diacritics, straight apostrophes, plain dashes, single spaces."""
    text = text.translate(_PUNCT)
    if not text.isascii():
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
        text = text.replace("ø", "o").replace("Ø", "O").replace("ł", "l").replace("Ł", "L") \
            .replace("đ", "d").replace("Đ", "D").replace("ß", "ss").replace("æ", "ae")
    return _SPACES.sub(" ", text).strip()


def key(text: str) -> str:
    """Case-insensitive lookup key."""
    return fold(text).lower()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", key(text)).strip("_")
