"""POST /extract (one text or HTML page in, one schema-v1 document out, nothing stored) and
POST /ingest (documents extracted and stored; only with the server's token). Neither fetches
anything: a `url` given is kept as metadata."""
from __future__ import annotations

from typing import Annotated, Any, Optional

from fastapi import APIRouter, Depends, Request

from eventwire.api.context import ApiContext, context
from eventwire.api.errors import ApiError
from eventwire.api.models import ERROR_RESPONSES, ExtractRequest, IngestRequest, IngestResult
from eventwire.errors import EventwireError, InputError
from eventwire.models import Failure, RawDocument

router = APIRouter(responses=ERROR_RESPONSES)
Ctx = Annotated[ApiContext, Depends(context)]


def raw_document(body: ExtractRequest, max_chars: int, doc_id: Optional[str] = None,
                 origin: str = "request") -> RawDocument:
    """The request's text (or the main text of its HTML) as a `RawDocument`; raises `InputError`."""
    from eventwire.ingest import read_text_document

    if (body.text is None) == (body.html is None):
        raise InputError("give exactly one of 'text' and 'html'")
    meta = {"title": body.title, "source": body.source, "url": body.url, "published": body.published}
    if body.html is not None:
        from eventwire.ingest.html import extract_main_text

        if len(body.html) > max_chars * 20:
            raise InputError(f"too large: HTML of {len(body.html):,} characters")
        page = extract_main_text(body.html)
        meta = {"title": body.title or page.title, "source": body.source or page.source,
                "url": body.url or page.url, "published": body.published or page.date}
        text = page.text
    else:
        text = body.text
    return read_text_document(text, doc_id=doc_id, origin=origin, max_chars=max_chars, **meta)


def _input_error(exc: InputError) -> ApiError:
    status = 413 if exc.reason.startswith("too large") else 400
    return ApiError(status, exc.reason, code="too_large" if status == 413 else "bad_input")


@router.post("/extract", summary="Extract events and every other unit from one text or HTML page",
             response_description="The document in the output schema eventwire/1 (docs/SCHEMA.md).")
def extract(ctx: Ctx, body: ExtractRequest) -> dict[str, Any]:
    try:
        raw = raw_document(body, ctx.max_chars)
        engine = ctx.engine()
        with ctx.work_lock:
            result = next(engine.process_many([raw]))
    except InputError as exc:
        raise _input_error(exc) from None
    except EventwireError as exc:
        raise ApiError(500, str(exc)) from None
    if isinstance(result, Failure):
        raise ApiError(400, result.reason, code="bad_input")
    return result.to_dict()


@router.post("/ingest", response_model=IngestResult,
             summary="Extract documents and store them (needs the server's token)")
def ingest(ctx: Ctx, request: Request, body: IngestRequest) -> dict[str, Any]:
    ctx.check_token(request)
    from eventwire.store import Writer
    from eventwire.store.ingest import ingest as run_ingest

    items: list[RawDocument | Failure] = []
    for i, doc in enumerate(body.documents):
        origin = f"api:{doc.doc_id or i}"
        try:
            items.append(raw_document(doc, ctx.max_chars, doc_id=doc.doc_id, origin=origin))
        except InputError as exc:
            items.append(Failure(origin=origin, reason=exc.reason, doc_id=doc.doc_id))
    ids = [x.doc_id for x in items if isinstance(x, RawDocument)]
    engine = ctx.engine() if ids else None
    with ctx.work_lock, ctx.store() as store:
        counts = run_ingest(items, Writer(store.conn), engine=engine)
        kept = sorted(Writer(store.conn).stored_ids(ids), key=ids.index)
    return {"stored": counts.stored, "skipped": counts.skipped, "failed": counts.failed, "ids": kept,
            "failures": [f.to_dict() for f in counts.failures]}
