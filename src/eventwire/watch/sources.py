"""What a watched source is: a feed URL, a feed file, or a folder of articles.

`parse_source` decides from the text the user gave: an http(s) URL is a feed to fetch; an
existing directory is a folder to scan; an existing file is a feed file read from disk (its
items' links are fetched over HTTP). Anything else is refused with the reason.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from eventwire.errors import EventwireError

KINDS = ("feed", "feed-file", "folder")


class SourceError(EventwireError):
    """A SOURCE argument that names nothing eventwire can watch."""


@dataclass(frozen=True)
class Source:
    kind: str  # one of KINDS
    location: str  # the URL, or the absolute path

    def __str__(self) -> str:
        return self.location


def parse_source(text: str) -> Source:
    """The `Source` that `text` names; raises `SourceError` saying why not."""
    scheme = urlsplit(text).scheme.lower()
    if scheme in ("http", "https"):
        if not urlsplit(text).hostname:
            raise SourceError(f"{text}: a feed URL needs a host")
        return Source("feed", text)
    if len(scheme) > 1:  # ftp:, file:, javascript:… (one letter is a Windows drive)
        raise SourceError(f"{text}: only http and https feed URLs, feed files and folders can be watched")
    path = Path(text).expanduser()
    if path.is_dir():
        return Source("folder", os.path.abspath(path))
    if path.is_file():
        return Source("feed-file", os.path.abspath(path))
    raise SourceError(f"{text}: no such file or directory, and not an http(s) URL")
