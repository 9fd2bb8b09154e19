"""spaCy side of eventwire: loading the pipeline and declaring Doc extensions."""
