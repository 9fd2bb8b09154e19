"""Reading PETRARCH / Phoenix `.actors.txt` dictionaries into eventwire actor records.

The format: an entry line `FIRST_LAST_` (words joined by underscores, upper case), `+SYNONYM`
lines, and codes in brackets, either on the entry line or on lines of their own:
`[USAGOV 090120-170120]`, `[USAELI >170120]`, `[IGOUNO]`. A code is a country or group (3
letters) optionally followed by a sector (3 letters); dates are YYMMDD, `>` means from and `<`
means until. Entries with dated codes become people with roles; others become organisations.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from eventwire.errors import KnowledgeError
from eventwire.knowledge.actors import SECTORS

_CODE = re.compile(r"\[([^\]]+)\]")
_GROUPS = {"IGO", "NGO", "MNC", "IMG", "ISM"}


def _name(raw: str) -> str:
    words = raw.strip().strip("_").replace("_", " ").split()
    return " ".join(w if (len(w) <= 4 and w.isupper() and len(words) == 1) else w.capitalize() for w in words)


def _date(yymmdd: str) -> Optional[str]:
    d = yymmdd.strip()
    if not re.fullmatch(r"\d{6}", d):
        return None
    yy = int(d[:2])
    year = 1900 + yy if yy > 40 else 2000 + yy
    return f"{year:04d}-{d[2:4]}-{d[4:6]}"


def _parse_code(text: str) -> Optional[dict]:
    parts = text.split()
    if not parts:
        return None
    code = parts[0].lstrip("~").upper()
    country = code[:3] if len(code) >= 3 else None
    sector = code[3:6] if len(code) >= 6 and code[3:6] in SECTORS else None
    if country in _GROUPS and sector is None:
        sector = country if country in SECTORS else None
    start = end = None
    for token in parts[1:]:
        if token.startswith(">"):
            start = _date(token[1:])
        elif token.startswith("<"):
            end = _date(token[1:])
        elif "-" in token:
            a, _, b = token.partition("-")
            start, end = _date(a), _date(b)
    return {"country": country, "sector": sector, "start": start, "end": end}


def read_petrarch_actors(path: Path) -> Iterator[dict]:
    entry: Optional[dict] = None
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read ({exc.strerror})") from None

    def finish(e: Optional[dict]) -> Optional[dict]:
        if e is None or not e["codes"]:
            return None
        codes = e["codes"]
        dated = any(c["start"] or c["end"] for c in codes)
        country = next((c["country"] for c in codes if c["country"]), None)
        if not country:
            return None
        aliases = sorted(set(e["aliases"]) - {e["name"]})
        if dated or len(codes) > 1:
            roles = [{
                "title": f"{c['country']} {c['sector'] or ''}".strip(), "office": "other",
                "sector": c["sector"] or "GOV", "start": c["start"], "end": c["end"],
                **({"country": c["country"]} if c["country"] != country else {}),
            } for c in codes]
            return {"name": e["name"], "aliases": aliases, "country": country, "roles": roles,
                    "source": "petrarch"}
        c = codes[0]
        return {"name": e["name"], "aliases": aliases, "country": c["country"], "sector": c["sector"],
                "kind": "other", "source": "petrarch"}

    for raw in lines:
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        stripped = line.strip()
        if stripped.startswith("+"):
            if entry is not None:
                entry["aliases"].append(_name(stripped[1:].split("[")[0]))
            continue
        if stripped.startswith("["):
            if entry is not None:
                entry["codes"] += [c for c in (_parse_code(m) for m in _CODE.findall(stripped)) if c]
            continue
        done = finish(entry)
        if done:
            yield done
        head = stripped.split("[", 1)[0]
        entry = {"name": _name(head), "aliases": [], "codes": []}
        entry["codes"] += [c for c in (_parse_code(m) for m in _CODE.findall(stripped)) if c]
    done = finish(entry)
    if done:
        yield done
