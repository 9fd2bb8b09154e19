"""Live monitoring: watch feeds and folders, keep the store current, alert on what matters.

- `sources`: what can be watched (`parse_source`: feed URL, feed file, folder);
- `fetch`: `Fetcher`, HTTP with timeouts, a size cap, bounded redirects and conditional GET;
- `feeds`: `parse_feed`, RSS and Atom via feedparser;
- `state`: the monitor's tables in the store file;
- `runner`: `Watcher`, one round over all sources (and the loop that repeats it);
- `alerts`: rules, matching against merged events, delivery to a webhook or a JSONL file;
- `status`: `WatchStatus`, the read API for sources, rounds, errors and the alert log.
"""
from eventwire.watch.alerts import AlertRule, Deliverer, add_rule, list_rules, remove_rule
from eventwire.watch.fetch import Fetcher, FetchError
from eventwire.watch.runner import RoundReport, Watcher
from eventwire.watch.sources import Source, parse_source
from eventwire.watch.status import WatchStatus

__all__ = ["AlertRule", "Deliverer", "FetchError", "Fetcher", "RoundReport", "Source", "WatchStatus",
           "Watcher", "add_rule", "list_rules", "parse_source", "remove_rule"]
