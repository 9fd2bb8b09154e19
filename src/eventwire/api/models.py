"""Request and response bodies of the API, for validation and for the OpenAPI description.

Events, articles and their units are passed through as the plain dicts of the output schema
(`eventwire/1`, docs/SCHEMA.md): their shape is documented there, not repeated here.
"""
from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

from eventwire.api.context import ARTICLE_ID

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class ErrorBody(BaseModel):
    code: str = Field(description="Short machine-readable code: not_found, too_large, invalid_parameters…")
    message: str = Field(description="One line saying what went wrong and how to fix it.")
    status: int
    details: Optional[list[dict[str, Any]]] = None


class ErrorResponse(BaseModel):
    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in ((400, "The input cannot be processed"), (401, "Missing or wrong token"),
                         (403, "Writing is disabled on this server"), (404, "Not found"),
                         (413, "Request body too large"), (422, "Invalid parameters"),
                         (500, "Internal error"))
}


class Health(BaseModel):
    status: str
    version: str


class Summary(BaseModel):
    store: str = Field(description="The store file's name (not its path).")
    articles: int
    events: int
    failures: int
    dated_events: int
    first_date: Optional[str]
    last_date: Optional[str]
    types: list[dict[str, Any]] = Field(description="Event counts per PLOVER type, most first.")
    latest_events: list[dict[str, Any]] = Field(description="The most recent dated events, newest first.")
    latest_articles: list[dict[str, Any]] = Field(description="The most recently stored articles.")
    can_ingest: bool = Field(description="Whether POST /ingest is enabled (a token is configured).")


class EventPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]] = Field(description="Event mentions: {id, article_id, event, published, "
                                                    "title, source, url, evidence}.")


class EventDetail(BaseModel):
    id: str
    article: dict[str, Any]
    event: dict[str, Any]
    evidence: dict[str, Any] = Field(description="For each coded field, the words of the article it "
                                                 "was read from, with character offsets and sentence.")


class ArticlePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class ArticleDetail(BaseModel):
    document: dict[str, Any] = Field(description="The stored document, exactly as `eventwire extract` writes it.")
    origin: Optional[str]
    stored_at: str


class ItemList(BaseModel):
    items: list[dict[str, Any]]


class SearchResult(BaseModel):
    q: str
    articles: ArticlePage
    events: EventPage


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Optional[str] = Field(None, description="Plain text of the article.")
    html: Optional[str] = Field(None, description="An HTML page; its main text, title and date are read "
                                                  "from it. Nothing it links to is fetched.")
    published: Optional[str] = Field(None, max_length=40, description="Publication date (YYYY-MM-DD) "
                                     "that anchors 'on Wednesday', 'last month'.")
    title: Optional[str] = Field(None, max_length=2000)
    source: Optional[str] = Field(None, max_length=2000)
    url: Optional[str] = Field(None, max_length=4000, description="Kept as metadata only; never fetched.")


class ExtractRequest(_Input):
    pass


class IngestDocument(_Input):
    doc_id: Optional[str] = Field(None, max_length=200, pattern=ARTICLE_ID,
                                  description="The id to store it under (default: a hash of the text).")


class IngestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[IngestDocument] = Field(min_length=1, max_length=100)


class IngestResult(BaseModel):
    stored: int
    skipped: int
    failed: int
    ids: list[str] = Field(description="Ids of the documents stored or already stored.")
    failures: list[dict[str, Any]]


class MergedItem(BaseModel):
    """One merged event: the mentions of one real-world event, summed up (docs/MERGING.md)."""

    id: str = Field(description="The merged event's id, for /merged/{merged_id}.")
    type: str
    mode: Optional[str]
    date: Optional[str]
    date_precision: Optional[str]
    actors: list[str] = Field(description="Country codes of the actors.")
    recipients: list[str]
    place_name: Optional[str]
    place_country: Optional[str]
    lat: Optional[float]
    lon: Optional[float]
    trigger: str
    score: Optional[float]
    confidence: float
    mention_count: int = Field(description="Mentions in all, counting repeats within an article.")
    member_count: int = Field(description="Event rows (one per article and event) merged into it.")
    source_count: int = Field(description="Articles that report it.")
    first_seen: Optional[str]
    last_seen: Optional[str]


class MergedPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[MergedItem]


class MergedMention(BaseModel):
    id: str = Field(description="ARTICLE_ID:EVENT_ID, for /events/{event_id}.")
    article: dict[str, Any] = Field(description="{id, title, published, source, url, headline (the title or "
                                                "the first line)}.")
    event: dict[str, Any]
    sentence: Optional[dict[str, Any]] = Field(description="{index, start, end, text}: the evidence sentence.")
    trigger: Optional[dict[str, Any]] = Field(description="{text, start, end, sentence}: offsets into the article.")


class MergedDetail(MergedItem):
    mentions: list[MergedMention] = Field(description="Every member mention, earliest article first.")


class Monitor(BaseModel):
    store: str = Field(description="The store file's name (not its path).")
    watched: bool = Field(description="Whether `eventwire watch` or `eventwire alert` ever used this store.")
    sources: list[dict[str, Any]] = Field(description="Watched sources with their last round and latest error.")
    rounds: list[dict[str, Any]] = Field(description="The latest rounds, newest first.")
    errors: list[dict[str, Any]] = Field(description="The latest source and item errors, newest first.")
    rules: list[dict[str, Any]] = Field(description="Alert rules; webhook URLs show only scheme and host.")
    deliveries: list[dict[str, Any]] = Field(description="The alert log, newest first; targets masked.")
