"""`eventwire eval`: scoring extraction against gold files (units and events)."""
from eventwire.evaluate.gold import read_gold, read_predictions
from eventwire.evaluate.report import render_table
from eventwire.evaluate.score import Scores, score

__all__ = ["read_gold", "read_predictions", "render_table", "Scores", "score"]
