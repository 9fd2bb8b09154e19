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

    def __post_init__(self):
        # SQLite reads a LIKE pattern only up to a NUL: 'x\0y' would select like 'x', '\0' all.
        for name, value in self.__dict__.items():
            if isinstance(value, str) and "\x00" in value:
                raise ValueError(f"the {name} filter contains a NUL character")


def _party_condition(value: str) -> tuple[str, list]:
    both = _COUNTRY_SECTOR.match(value)
    if _CODE.match(value):
        return "(p.country = ? OR p.sector = ?)", [value, value]
    if both:  # the country's index finds them (a sector is shared by far more parties)
        return "p.country = ? AND +p.sector = ?", [both[1], both[2]]
    like = f"%{_escape_like(value)}%"
    return "(p.name LIKE ? ESCAPE '\\' OR p.text LIKE ? ESCAPE '\\')", [like, like]


def _party_match(role: str, value: str, parties: str = "exists") -> tuple[str, list]:
    cond, params = _party_condition(value)
    if parties == "in":  # the matching parties first: best when they are few, or for aggregates
        return ("(e.article_id, e.idx) IN (SELECT p.article_id, p.event_idx FROM event_parties p"
                f" WHERE p.role = ? AND {cond})"), [role, *params]
    # checked per event: best when walking events in date order for one page
    return ("EXISTS (SELECT 1 FROM event_parties p WHERE p.article_id = e.article_id"
            f" AND p.event_idx = e.idx AND p.role = ? AND {cond})"), [role, *params]


def party_code_selects(f: EventFilter) -> list[tuple[str, list]]:
    """For each actor or recipient of `f` given as a code (which an index finds): the SELECT of
    its matching party rows, so that a caller can tell a rare party from a common one."""
    out = []
    for role, value in (("actor", f.actor), ("recipient", f.recipient)):
        if value and (_CODE.match(value) or _COUNTRY_SECTOR.match(value)):
            cond, params = _party_condition(value)
            out.append((f"SELECT 1 FROM event_parties p WHERE p.role = ? AND {cond}", [role, *params]))
    return out


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_query(text: str) -> str:
    words = re.findall(r"\w+", text)
    return " ".join(f'"{w}"' for w in words) or '""'


def where_sql(f: EventFilter, parties: str = "exists", walk: bool = False) -> tuple[str, list]:
    """The WHERE condition selecting `f`'s events, and its parameters. `parties`: how actor and
    recipient conditions are written, `exists` (per event) or `in` (from the parties' indexes);
    `walk`: keep the type, mode and status conditions off their index, so that a page in date
    order walks the date index and stops when full. All select the same events."""
    clauses, params = ["1"], []
    for role, value in (("actor", f.actor), ("recipient", f.recipient)):
        if value:
            sql, p = _party_match(role, value, parties)
            clauses.append(sql)
            params += p
    for column, value, norm in (("e.type", f.type, str.upper), ("e.mode", f.mode, str.lower),
                                ("e.status", f.status, str.lower)):
        if value:
            items = [norm(v.strip()) for v in value.split(",") if v.strip()]
            clauses.append(f"{'+' if walk else ''}{column} IN ({','.join('?' * len(items))})")
            params += items
    # As precise as the bound: --until 2025-03 keeps all of March. For ISO dates (digits and
    # '-', all below '~') "date >= since" and "date < until + '~'" say exactly that, and an
    # index on the date serves them.
    if f.since:
        clauses.append("e.date >= ?")
        params.append(f.since)
    if f.until:
        clauses.append("e.date < ?")
        params.append(f.until + "~")
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
