"""The worker plugin: each Dask worker builds its `Engine` once, when it joins (or when the
plugin is registered), and every partition task on that worker reuses it."""
from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin, get_worker

PLUGIN_NAME = "eventwire-engine"

_ENGINES: dict[str, Any] = {}  # per worker process: options → loaded Engine (a re-registration is free)


def _options_key(options: dict[str, Any]) -> str:
    return repr(sorted((k, tuple(v) if isinstance(v, (list, tuple)) else v) for k, v in options.items()))


class EnginePlugin(WorkerPlugin):
    """Loads `Engine(**options)` in `setup`. A load error does not stop the worker: each task
    tries again and raises it, so that the client sees it (a missing model, a bad actor file)."""

    name = PLUGIN_NAME

    def __init__(self, options: dict[str, Any]):
        self.options = dict(options)

    def setup(self, worker=None) -> None:
        try:
            self.engine()
        except Exception:  # not here, where only the worker's log would show it: see worker_engine
            pass

    def engine(self):
        key = _options_key(self.options)
        if key not in _ENGINES:
            from eventwire.engine import Engine

            _ENGINES[key] = Engine(**self.options).load()
        return _ENGINES[key]


def worker_engine():
    """The `Engine` of the worker running the current task."""
    plugin = get_worker().plugins.get(PLUGIN_NAME)
    if plugin is None:
        raise RuntimeError("the eventwire worker plugin is not registered on this worker")
    return plugin.engine()  # loaded by `setup`, or, after a failed load, tried again here
