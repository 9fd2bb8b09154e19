"""Time expressions: finding them in text and normalising them against a publication date.

Pure functions, no spaCy: `find_time_expressions(text)` yields candidate character spans with
the parsed parts; `normalise(parts, anchor, tense)` turns them into an ISO value ("2025-05-08",
"2025-04", "2022", "199" for the 1990s), a precision and a relation to the anchor.

Weekdays, month names and "N days ago" need a direction: the caller passes the tense of the
clause ("past", "present", "future" or None). "arrived on Wednesday" in a Wednesday paper is
that same day; "talks on Thursday" under "is expected to" is the next Thursday; with no tense a
weekday means the most recent one (news reports what happened), a month the nearest one.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterator, Optional

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100,
}

_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH_NAMES = (r"January|February|March|April|May|June|July|August|September|October|November|"
                r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?")
_MON = rf"(?P<mon>{_MONTH_NAMES})"
_DAY = r"(?P<day>[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[5-9]|20)[0-9]{2})"
_SEP = r"\s*,?\s*"
_NUM = r"(?P<num>\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNIT = r"(?P<unit>day|week|month|year|decade)s?"

PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<m>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])\b")),
    ("mdy", re.compile(rf"\b(?:{_WD}{_SEP})?{_MON}\s+{_DAY}{_SEP}{_YEAR}\b")),
    ("dmy", re.compile(rf"\b(?:{_WD}{_SEP})?(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MON}{_SEP}{_YEAR}\b")),
    ("md", re.compile(rf"\b(?:{_WD}{_SEP})?{_MON}\s+{_DAY}\b(?!\s*(?:,\s*)?\d)")),
    ("dm", re.compile(rf"\b(?:{_WD}{_SEP})?(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MON}\b")),
    ("my", re.compile(rf"\b(?:(?P<part>early|mid|late|end of|beginning of|mid-)\s*)?{_MON}{_SEP}(?:of\s+)?{_YEAR}\b")),
    ("monrelyear", re.compile(rf"\b{_MON}\s+(?:of\s+)?(?P<rel>last|this|next)\s+year\b")),
    ("relmon", re.compile(rf"\b(?P<rel>(?i:last|this|next|this coming|this past))\s+{_MON}\b")),
    ("spelledyear", re.compile(r"\b(?:the\s+year\s+)?(?P<spelled>(?:nineteen|twenty)[ -](?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?|two thousand(?:(?: and)? (?:one|two|three|four|five|six|seven|eight|nine|ten))?)\b", re.I)),
    ("ago", re.compile(rf"\b(?:(?:more than|less than|nearly|almost|about|around|some|over|roughly|just over|just under)\s+)?{_NUM}(?:\s+|-){_UNIT}\s+(?:ago|earlier)\b", re.I)),
    ("rel", re.compile(r"\b(?P<rel>(?:earlier|later)\s+this|last|this|next|past|coming)\s+(?P<unit>week|month|year|weekend)\b", re.I)),
    ("deictic", re.compile(r"\b(?P<word>yesterday|today|tonight|tomorrow|overnight|this morning|this afternoon|this evening|last night)\b", re.I)),
    ("decade", re.compile(r"\b(?:the\s+)?(?P<decade>(?:1[5-9]|20)[0-9]0)s\b")),
    ("wd", re.compile(rf"\b(?:(?P<mod>(?i:last|next|this|on|early|late|on the night of|the previous|the following|this coming|this past))\s+)?{_WD}\b(?!\s*,?\s*(?:{_MONTH_NAMES}))")),
    ("year", re.compile(rf"(?<![\d,.$£€-])(?:(?P<part>early|mid|late|mid-)\s*)?{_YEAR}\b(?!\d|,\d|\s*(?:%|per\b|percent))")),
    ("mon", re.compile(rf"\b(?:(?P<part>early|mid|late|mid-|end of|beginning of)\s*)?{_MON}\b")),
]
_MAY_MARCH_CONTEXT = re.compile(
    r"(?:\b(?:in|of|since|until|till|by|from|to|through|during|last|next|this|early|late|mid|end of|"
    r"beginning of)\s+|mid-)$", re.I)


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    kind: str
    parts: dict


@dataclass(frozen=True)
class Normalised:
    value: Optional[str]
    precision: str
    relation: Optional[str]


# Words after which a date is a deadline or a start whatever the tense of the clause.
_DEADLINE = re.compile(r"(?:payable|effective|until|till|through|deadline|expires?|record|starting|from|due)\s+(?:on\s+)?$", re.I)


def find_time_expressions(text: str) -> Iterator[Found]:
    """Longest-first, non-overlapping candidate time expressions with their parsed parts."""
    taken: list[tuple[int, int]] = []
    found: list[Found] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            parts = {k: v for k, v in m.groupdict().items() if v is not None}
            if kind in ("md", "dm", "my", "mon", "mdy", "dmy") and not _month_ok(text, m, parts):
                continue
            if kind == "mon" and parts["mon"].rstrip(".").lower() in ("may", "march") and not _MAY_MARCH_CONTEXT.search(text[max(0, s - 20):s]):
                continue
            if kind == "mon" and not parts["mon"][0].isupper():
                continue
            if kind in ("md", "dm", "mon") and _DEADLINE.search(text[max(0, s - 25):s]):
                parts["deadline"] = "1"
            if kind == "wd" and parts.get("mod", "").lower().startswith("on"):
                parts["mod"] = "on"
                s = m.start("wd")  # "on Wednesday": the expression is the weekday
            found.append(Found(s, e, kind, parts))
            taken.append((s, e))
    found.sort(key=lambda f: f.start)
    yield from found


def _month_ok(text: str, m: re.Match, parts: dict) -> bool:
    mon = parts.get("mon", "")
    if not mon[:1].isupper():
        return False
    if mon.rstrip(".").lower() in ("may", "march") and "day" not in parts and "year" not in parts:
        return bool(_MAY_MARCH_CONTEXT.search(text[max(0, m.start() - 20):m.start()]))
    return True


def _month(name: str) -> int:
    return MONTHS[name.rstrip(".").lower()]


def _num(word: str) -> Optional[int]:
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word.lower())


def _shift_months(d: dt.date, months: int) -> tuple[int, int]:
    total = d.year * 12 + (d.month - 1) + months
    return total // 12, total % 12 + 1


def _relation(value: Optional[str], anchor: Optional[dt.date], tense: Optional[str]) -> Optional[str]:
    if value is None or anchor is None:
        return tense if tense in ("past", "present", "future") else None
    a = anchor.isoformat()[: len(value)]
    if value < a:
        return "past"
    if value > a:
        return "future"
    return "present"


def normalise(found: Found, anchor: Optional[dt.date], tense: Optional[str] = None) -> Optional[Normalised]:
    """ISO value, precision and relation of a found expression; None when it is not a point in time."""
    p = found.parts
    if p.get("deadline"):
        tense = None
    kind = found.kind
    value: Optional[str] = None
    precision = "day"
    try:
        if kind == "iso":
            value = dt.date(int(p["year"]), int(p["m"]), int(p["day"])).isoformat()
        elif kind in ("mdy", "dmy"):
            value = dt.date(int(p["year"]), _month(p["mon"]), int(p["day"])).isoformat()
        elif kind in ("md", "dm"):
            month, day = _month(p["mon"]), int(p["day"])
            if anchor is None:
                return Normalised(None, "day", _relation(None, None, tense))
            year = _nearest_year(anchor, month, day, tense)
            value = dt.date(year, month, day).isoformat()
        elif kind == "my":
            precision = "month"
            value = f"{int(p['year']):04d}-{_month(p['mon']):02d}"
        elif kind == "mon":
            precision = "month"
            month = _month(p["mon"])
            if anchor is None:
                return Normalised(None, "month", _relation(None, None, tense))
            value = f"{_nearest_year(anchor, month, None, tense):04d}-{month:02d}"
        elif kind == "year":
            precision = "year"
            value = p["year"]
        elif kind == "spelledyear":
            year = _spelled_year(p["spelled"])
            if year is None:
                return None
            precision, value = "year", str(year)
        elif kind == "monrelyear":
            if anchor is None:
                return Normalised(None, "month", None)
            step = {"last": -1, "this": 0, "next": 1}[p["rel"].lower()]
            precision, value = "month", f"{anchor.year + step:04d}-{_month(p['mon']):02d}"
        elif kind == "relmon":
            month = _month(p["mon"])
            rel = " ".join(p["rel"].lower().split())
            if anchor is None:
                return Normalised(None, "month", None)
            if rel in ("last", "this past"):
                year = anchor.year if month < anchor.month else anchor.year - 1
            elif rel in ("next", "this coming"):
                year = anchor.year if month > anchor.month else anchor.year + 1
            else:
                year = anchor.year
            precision, value = "month", f"{year:04d}-{month:02d}"
        elif kind == "decade":
            precision = "decade"
            value = p["decade"][:3]
        elif kind == "deictic":
            word = p["word"].lower()
            if anchor is None:
                return Normalised(None, "day", "past" if word in ("yesterday", "last night") else
                                  "future" if word == "tomorrow" else "present")
            offset = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
            value = (anchor + dt.timedelta(days=offset)).isoformat()
        elif kind == "rel":
            unit, rel = p["unit"].lower(), " ".join(p["rel"].lower().split())
            step = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(rel, 0)
            if anchor is None:
                return Normalised(None, "vague", "past" if step < 0 else "future" if step > 0 else "present")
            if unit == "year":
                precision, value = "year", str(anchor.year + step)
            elif unit == "month":
                y, m = _shift_months(anchor, step)
                precision, value = "month", f"{y:04d}-{m:02d}"
            else:  # week / weekend: ISO week
                day = anchor + dt.timedelta(weeks=step)
                iso = day.isocalendar()
                relation = "past" if step < 0 else "future" if step > 0 else "present"
                return Normalised(f"{iso[0]:04d}-W{iso[1]:02d}", "vague", relation)
        elif kind == "ago":
            n = _num(p["num"])
            unit = p["unit"].lower()
            if n is None:
                return None
            if anchor is None:
                return Normalised(None, "year" if unit in ("year", "decade") else unit if unit == "month" else "day", "past")
            if unit == "day":
                value = (anchor - dt.timedelta(days=n)).isoformat()
            elif unit == "week":
                value, precision = (anchor - dt.timedelta(weeks=n)).isoformat(), "day"
            elif unit == "month":
                y, m = _shift_months(anchor, -n)
                value, precision = f"{y:04d}-{m:02d}", "month"
            elif unit == "year":
                value, precision = str(anchor.year - n), "year"
            else:
                value, precision = str(anchor.year - 10 * n)[:3], "decade"
        elif kind == "wd":
            if anchor is None:
                return Normalised(None, "day", _relation(None, None, tense))
            mod = " ".join((p.get("mod") or "").lower().split())
            value = _weekday(anchor, WEEKDAYS.index(p["wd"].lower()), mod, tense).isoformat()
    except (ValueError, KeyError):
        return None
    return Normalised(value, precision, _relation(value, anchor, tense))


def _weekday(anchor: dt.date, weekday: int, mod: str, tense: Optional[str]) -> dt.date:
    back = (anchor.weekday() - weekday) % 7  # days since the most recent such weekday (0 = today)
    ahead = (weekday - anchor.weekday()) % 7
    if mod in ("last", "the previous", "this past"):
        return anchor - dt.timedelta(days=back or 7)
    if mod in ("next", "the following", "this coming"):
        return anchor + dt.timedelta(days=ahead or 7)
    if tense == "present" and ahead and ahead < back:
        return anchor + dt.timedelta(days=ahead)  # "meet Monday": news present for the days ahead
    if tense == "future":
        return anchor + dt.timedelta(days=ahead)
    if mod == "this" and tense != "past":
        return anchor + dt.timedelta(days=ahead) if ahead <= back else anchor - dt.timedelta(days=back)
    return anchor - dt.timedelta(days=back)


def _nearest_year(anchor: dt.date, month: int, day: Optional[int], tense: Optional[str]) -> int:
    """The year that puts month(/day) nearest the anchor in the direction the tense gives."""
    def distance(y: int) -> int:
        d = dt.date(y, month, min(day or 15, calendar.monthrange(y, month)[1]))
        return abs((d - anchor).days)

    target = (month, day or 0)
    now = (anchor.month, anchor.day if day else 0)
    nearest = min((anchor.year - 1, anchor.year, anchor.year + 1), key=distance)
    if tense == "past":
        year = anchor.year if target <= now else anchor.year - 1
    elif tense == "future":
        year = anchor.year if target >= now else anchor.year + 1
    else:
        return nearest
    # A date most of a year away against the tense, when one close by fits the calendar, is
    # usually a deadline in a past-tense report ("declared a dividend, payable Dec. 7").
    if distance(year) >= 270 and distance(nearest) <= 75:
        return nearest
    return year


_UNITS_SPELLED = {w: i for i, w in enumerate("zero one two three four five six seven eight nine".split())}
_TEENS_TENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}


def _spelled_year(text: str) -> Optional[int]:
    """'nineteen ninety-six' → 1996, 'two thousand and one' → 2001 (broadcast transcripts)."""
    words = re.split(r"[ -]+", text.lower().replace(" and ", " "))
    if words[:2] == ["two", "thousand"]:
        return 2000 + (_UNITS_SPELLED.get(words[2], 0) if len(words) > 2 else 0) + (10 if words[2:3] == ["ten"] else 0)
    century = {"nineteen": 1900, "twenty": 2000}.get(words[0])
    if century is None or len(words) < 2 or words[1] not in _TEENS_TENS:
        return None
    return century + _TEENS_TENS[words[1]] + (_UNITS_SPELLED.get(words[2], 0) if len(words) > 2 else 0)
