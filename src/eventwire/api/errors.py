"""One error shape for every 4xx and 5xx answer: {"error": {"code", "message", "status"}}.

`ApiError` is raised by the routes; the handlers below turn it, FastAPI's validation errors,
Starlette's 404/405 and any unexpected exception into that shape.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("eventwire.api")

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type",
          422: "invalid_parameters", 500: "internal_error", 503: "unavailable"}


class ApiError(Exception):
    """An error a client can act on: HTTP status, a short code and a one-line message."""

    def __init__(self, status: int, message: str, code: Optional[str] = None,
                 details: Optional[list[dict[str, Any]]] = None):
        super().__init__(message)
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.message = message
        self.details = details


def error_response(status: int, message: str, code: Optional[str] = None,
                   details: Optional[list[dict[str, Any]]] = None, headers=None) -> JSONResponse:
    body: dict[str, Any] = {"code": code or _CODES.get(status, "error"), "message": message, "status": status}
    if details:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.message, exc.code, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        details = [{"where": ".".join(str(p) for p in err.get("loc", ())), "problem": str(err.get("msg", ""))}
                   for err in exc.errors()]
        first = details[0] if details else {"where": "request", "problem": "invalid"}
        if details and all(d["where"].startswith("path.") for d in details):  # a malformed id
            from eventwire.api.context import ID_RULE

            if first["where"] == "path.merged_id":
                return error_response(400, "invalid merged event id: use letters, digits, _ and -, at most 64 "
                                           "characters (the `id` of /merged items)", code="invalid_id",
                                      details=details)
            what = "event" if first["where"] == "path.event_id" else "article"
            return error_response(400, ID_RULE.format(what=what), code="invalid_id", details=details)
        return error_response(422, f"{first['where']}: {first['problem']}", details=details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else _CODES.get(exc.status_code, "error")
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}; the API is under /api/v1 (described at /openapi.json)"
        return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, f"internal error ({type(exc).__name__}); see the server log")
