"""Publication dates as given by callers, feeds and HTML pages → ISO `YYYY-MM-DD`."""
from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Optional

_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def normalise_published(value: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """Return (YYYY-MM-DD or None, a warning when the value was given but not understood)."""
    if value is None or not str(value).strip():
        return None, None
    text = str(value).strip()
    m = _ISO.match(text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat(), None
        except ValueError:
            pass
    try:
        parsed = email.utils.parsedate_to_datetime(text)  # RFC 2822, as in RSS feeds
        return parsed.date().isoformat(), None
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in ("%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y", "%Y/%m/%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat(), None
        except ValueError:
            continue
    return None, f"publication date {text!r} not understood (use YYYY-MM-DD); dates are left unresolved"
