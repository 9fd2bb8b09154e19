"""What the routes share: the store's path, the write token, the body limit and one `Engine`
loaded on first use (extraction and ingestion take turns on it)."""
from __future__ import annotations

import hmac
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from fastapi import Request

from eventwire.api.errors import ApiError
from eventwire.store import Store

if TYPE_CHECKING:
    from eventwire.engine import Engine

# Ids in paths: letters, digits and a few marks, dots only between them: never a slash, a
# backslash, "..", a space or a control character. An event is ARTICLE_ID:EVENT_ID.
_PART = r"[A-Za-z0-9_:@+~=-]+(\.[A-Za-z0-9_:@+~=-]+)*"
ARTICLE_ID = rf"^{_PART}$"
EVENT_ID = rf"^{_PART}:[A-Za-z0-9_-]+$"
_ID = re.compile(ARTICLE_ID)


class ApiContext:
    def __init__(self, db_path: str | Path, token: Optional[str], max_body: int, max_chars: int,
                 engine: Optional["Engine"] = None):
        self.db_path = Path(db_path)
        self.token = token or None
        self.max_body = max_body
        self.max_chars = max_chars
        self._engine = engine
        self._engine_lock = threading.Lock()
        self.work_lock = threading.Lock()  # one extraction or ingestion at a time

    def store(self) -> Store:
        """A new connection for this request (SQLite connections stay in their thread)."""
        return Store(self.db_path)

    def engine(self) -> "Engine":
        with self._engine_lock:
            if self._engine is None:
                from eventwire.engine import Engine

                self._engine = Engine(max_chars=self.max_chars).load()
            return self._engine

    def check_token(self, request: Request) -> None:
        """Refuse writes: 403 when no token is configured, 401 when the request's token is wrong."""
        if not self.token:
            raise ApiError(403, "writing is disabled: start the server with --token-file FILE or "
                                "$EVENTWIRE_TOKEN set to enable POST /api/v1/ingest")
        given = request.headers.get("x-eventwire-token", "")
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not given or not hmac.compare_digest(given.encode(), self.token.encode()):
            raise ApiError(401, "a valid token is needed: send 'Authorization: Bearer TOKEN'")


def context(request: Request) -> ApiContext:
    return request.app.state.eventwire


ID_RULE = ("invalid {what} id: use letters, digits and _ : @ + ~ = - with single dots between them "
           "(no slashes, no '..', at most 200 characters)")


def checked_id(value: str, what: str) -> str:
    if len(value) > 200 or not _ID.match(value):
        raise ApiError(400, ID_RULE.format(what=what), code="invalid_id")
    return value
