"""Extractors: one spaCy pipeline component per kind of information (factories `ew_*`).

`eventwire.nlp.pipeline` imports the component modules, which registers the factories.
"""

COMPONENTS = ("ew_places", "ew_actors", "ew_times", "ew_quantities", "ew_quotes", "ew_events")
