"""Main text and metadata of an HTML page, via trafilatura."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Optional

from eventwire.errors import InputError


MIN_WORDS = 5  # a page whose main text is shorter is navigation or an error page, not an article


@dataclass(frozen=True)
class Page:
    text: str
    title: Optional[str]
    date: Optional[str]
    source: Optional[str]
    url: Optional[str]


def extract_main_text(html: str) -> Page:
    """The article in an HTML page; raises `InputError` when no article text can be found."""
    import trafilatura

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = trafilatura.bare_extraction(
                html, with_metadata=True, include_comments=False, include_tables=False
            )
        except Exception as exc:  # trafilatura raises assorted lxml errors on hostile markup
            raise InputError(f"HTML could not be parsed ({type(exc).__name__}: {exc})") from None
    words = len((result.text or "").split()) if result is not None else 0
    if words < MIN_WORDS:
        raise InputError(f"no article text found in the HTML ({words} words of main text)")
    return Page(
        text=result.text,
        title=result.title or None,
        date=result.date or None,
        source=result.sitename or result.hostname or None,
        url=result.url or None,
    )
