"""Checks that decide whether a piece of input is a readable English news text.

Each check raises `InputError` with a one-line reason a user can act on.
"""
from __future__ import annotations

import re

from eventwire.errors import InputError

# Frequent English function words: a text with almost none of them is not English prose.
_ENGLISH_WORDS = frozenset(
    """the of and to in a is that for on it was with as he by at said be from his an are has have
    had not but were which this its they who their will been would or more after also about than
    she her up one two new we i there when can into over could last year first people out may
    just them other what some all if so no our only before against while most where you do
    us these those then because during under between both such very since him any each""".split()
)
_WORD = re.compile(r"[^\W\d_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# No word of prose (nor a URL) is this long; spaCy's tokenizer takes time quadratic in the length
# of a run without spaces (20,000 characters of "[[[[…": 45 s).
MAX_WORD_CHARS = 5000
_LONG_WORD = re.compile(r"\S{%d,}" % (MAX_WORD_CHARS + 1))


def decode(data: bytes) -> str:
    """Bytes → text. UTF-8 only (a byte-order mark is allowed); anything else is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:8192]:
        raise InputError("binary content (NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(not_utf8(data[exc.start], exc.start)) from None


def not_utf8(byte: int, offset: int) -> str:
    """The reason given for input that is not UTF-8 at `offset`."""
    return f"not valid UTF-8 (byte 0x{byte:02x} at offset {offset}); convert the file to UTF-8 first"


def too_large(chars: int, max_chars: int) -> str:
    """The reason given for a text of `chars` characters, over `max_chars`."""
    return f"too large: {chars:,} characters (limit {max_chars:,}; raise it with --max-chars)"


def check_text(text: str, max_chars: int) -> str:
    """Return `text` if it can be processed, else raise `InputError` saying why."""
    if not isinstance(text, str):
        raise InputError(f"text must be a string, got {type(text).__name__}")
    if not text.strip():
        raise InputError("empty document: no text to read")
    if len(text) > max_chars:
        raise InputError(too_large(len(text), max_chars))
    sample = text[:20000]
    controls = len(_CONTROL.findall(sample))
    if "\x00" in sample or controls > max(8, len(sample) // 100):
        raise InputError("binary content (control characters), not text")
    long_word = _LONG_WORD.search(text)
    if long_word:
        raise InputError(f"not prose: a run of {len(long_word.group()):,} characters without a space "
                         f"(at character {long_word.start():,}; the limit is {MAX_WORD_CHARS:,})")
    language = guess_language(sample)
    if language != "en":
        raise InputError(f"not English ({language}); eventwire reads English news only")
    return text


def guess_language(text: str) -> str:
    """'en', or a short description of why the text does not look English."""
    words = _WORD.findall(text)
    letters = sum(len(w) for w in words)
    if not letters:
        return "no words found"
    latin = sum(1 for w in words for ch in w if ch < "\u0250")
    if latin / letters < 0.6:
        return "mostly non-Latin script"
    if len(words) < 12:
        return "en"  # too short to judge: give it the benefit of the doubt
    common = sum(1 for w in words if w.lower() in _ENGLISH_WORDS)
    if common / len(words) < 0.08:
        return "too few common English words"
    if len(words) >= 500 and len({w.lower() for w in words}) < len(words) * 0.01:
        return "the same few words repeated, not prose"  # 'a a a a …': English words, no text
    return "en"
