"""eventwire's REST API and web dashboard (FastAPI): `create_app(db_path)` builds the app that
`eventwire serve` runs. JSON lives under /api/v1, the dashboard's pages and assets at the root;
every asset is served from the package, so the dashboard works without a network."""
from eventwire.api.app import DEFAULT_MAX_BODY, create_app

__all__ = ["DEFAULT_MAX_BODY", "create_app"]
