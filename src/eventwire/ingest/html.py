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
    result = _bare_extraction(html)
    words = _words(result)
    if words < MIN_WORDS:
        # The default parser stops 256 elements deep; a page nested deeper (generated markup,
        # or hostile) is parsed again with the limit raised as far as libxml2 goes (2,048).
        tree, too_deep = _parse_deep(html)
        if too_deep:  # (extracting from a tree 2,048 deep can take trafilatura many seconds)
            raise InputError("no article text found in the HTML: it is nested more than 2,048 elements "
                             "deep, and what lies deeper is not read")
        if tree is not None and _words(deeper := _bare_extraction(tree)) >= MIN_WORDS:
            result, words = deeper, _words(deeper)
    if words < MIN_WORDS:
        raise InputError(f"no article text found in the HTML ({words} words of main text)")
    return Page(
        text=result.text,
        title=result.title or None,
        date=result.date or None,
        source=result.sitename or result.hostname or None,
        url=result.url or None,
    )


def _bare_extraction(html):
    import trafilatura

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return trafilatura.bare_extraction(
                html, with_metadata=True, include_comments=False, include_tables=False
            )
        except Exception as exc:  # trafilatura raises assorted lxml errors on hostile markup
            raise InputError(f"HTML could not be parsed ({type(exc).__name__}: {exc})") from None


def _words(result) -> int:
    return len((result.text or "").split()) if result is not None else 0


def _parse_deep(html: str):
    """(tree or None, whether the page is deeper than even this parser reads)."""
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=True, collect_ids=False, default_doctype=False,
                                  remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.fromstring(html, parser=parser)
    except (lxml.etree.LxmlError, ValueError):
        return None, False
    too_deep = any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)
    return tree, too_deep
