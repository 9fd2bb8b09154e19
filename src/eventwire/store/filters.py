"""`EventFilter`: which stored events to select, and its translation into SQL.

The SQL is written against `events e JOIN articles a`; every value is a bound parameter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from eventwire.models import Record

_CODE = re.compile(r"^[A-Z]{3}$")
_COUNTRY_SECTOR = re.compile(r"^([A-Z]{3})[-/ ]?([A-Z]{3})$")


@dataclass(frozen=True)
class EventFilter(Record):
    """Which events to select; every field left None selects everything.

    `actor`/`recipient`/`place`: a three-letter upper-case code matches a country (ISO3, region,
    IGO…) or a sector (GOV, MIL…); `KEN-GOV` matches both; anything else is a case-insensitive
    substring of the name or text. `type`, `mode`, `status`: comma-separated lists. `since`,
    `until`: ISO dates (YYYY, YYYY-MM or YYYY-MM-DD), inclusive, compared with the event's date
    at the bound's precision. `text`: words that must all occur in the article's title, text or
    quotes (full-text search).
    """

    actor: Optional[str] = None
    recipient: Optional[str] = None
    type: Optional[str] = None
    mode: Optional[str] = None
    status: Optional[str] = None
    since: Optional[str] = None
    until: Optional[str] = None
    place: Optional[str] = None
    text: Optional[str] = None


def _party_match(role: str, value: str) -> tuple[str, list]:
    sub = ("EXISTS (SELECT 1 FROM event_parties p WHERE p.article_id = e.article_id"
           " AND p.event_idx = e.idx AND p.role = ? AND ")
    both = _COUNTRY_SECTOR.match(value)
    if _CODE.match(value):
        return sub + "(p.country = ? OR p.sector = ?))", [role, value, value]
    if both:
        return sub + "p.country = ? AND p.sector = ?)", [role, both[1], both[2]]
    like = f"%{_escape_like(value)}%"
    return sub + "(p.name LIKE ? ESCAPE '\\' OR p.text LIKE ? ESCAPE '\\'))", [role, like, like]


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_query(text: str) -> str:
    words = re.findall(r"\w+", text)
    return " ".join(f'"{w}"' for w in words) or '""'


def where_sql(f: EventFilter) -> tuple[str, list]:
    """The WHERE condition selecting `f`'s events, and its parameters."""
    clauses, params = ["1"], []
    for role, value in (("actor", f.actor), ("recipient", f.recipient)):
        if value:
            sql, p = _party_match(role, value)
            clauses.append(sql)
            params += p
    for column, value, norm in (("e.type", f.type, str.upper), ("e.mode", f.mode, str.lower),
                                ("e.status", f.status, str.lower)):
        if value:
            items = [norm(v.strip()) for v in value.split(",") if v.strip()]
            clauses.append(f"{column} IN ({','.join('?' * len(items))})")
            params += items
    if f.since:  # as precise as the bound: --until 2025-03 keeps all of March
        clauses.append("substr(e.date, 1, ?) >= ?")
        params += [len(f.since), f.since]
    if f.until:
        clauses.append("substr(e.date, 1, ?) <= ?")
        params += [len(f.until), f.until]
    if f.place:
        if _CODE.match(f.place):
            clauses.append("e.place_country = ?")
            params.append(f.place)
        else:
            clauses.append("e.place_name LIKE ? ESCAPE '\\'")
            params.append(f"%{_escape_like(f.place)}%")
    if f.text:
        clauses.append("a.n IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)")
        params.append(_fts_query(f.text))
    return " AND ".join(clauses), params
