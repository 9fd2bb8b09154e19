"""Rendering scores for people: a plain-text table."""
from __future__ import annotations

from typing import Optional

from eventwire.evaluate.score import Scores


def _fmt(x: Optional[float]) -> str:
    return "   -" if x is None else f"{x:.3f}"


def render_table(scores: Scores, show_errors: int = 0) -> str:
    lines = [f"documents: {scores.documents}" + (
        f" ({scores.missing_predictions} without predictions)" if scores.missing_predictions else "")]
    units = [(k, u) for k, u in scores.units.items() if u.total]
    if units:
        lines.append("")
        lines.append(f"{'unit':<12} {'recall':>7} {'found':>7} {'gold':>7} {'predicted':>10}")
        for kind, u in units:
            lines.append(f"{kind:<12} {_fmt(u.recall):>7} {u.found:>7} {u.total:>7} {u.predicted:>10}")
    ev = scores.events
    if ev.required or ev.predicted:
        f = ev.figures()
        lines += [
            "",
            f"events: {ev.required} required gold, {ev.predicted} predicted (counted)",
            f"{'':<12} {'recall':>7} {'precision':>10} {'F1':>7}",
            f"{'full':<12} {_fmt(f['full_recall']):>7} {_fmt(f['full_precision']):>10} {_fmt(f['full_f1']):>7}",
            f"{'type only':<12} {_fmt(f['type_recall']):>7} {_fmt(f['type_precision']):>10} {_fmt(f['type_f1']):>7}",
            f"accuracy on matched required events: date {_fmt(f['date_accuracy'])} ({len(ev.date)}), "
            f"location {_fmt(f['location_accuracy'])} ({len(ev.location)}), "
            f"status {_fmt(f['status_accuracy'])} ({len(ev.status)}), "
            f"attribution {_fmt(f['attribution_accuracy'])} ({len(ev.attribution)})",
        ]
        if len(ev.per_type) > 1:
            lines.append("")
            lines.append(f"{'type':<12} {'gold':>5} {'full R':>7} {'type R':>7}")
            for t, (n, full, typ) in sorted(ev.per_type.items()):
                lines.append(f"{t:<12} {n:>5} {full / n:>7.3f} {typ / n:>7.3f}")
    if show_errors:
        for kind, u in units:
            if u.misses:
                lines.append("")
                lines.append(f"missed {kind} (first {min(show_errors, len(u.misses))} of {len(u.misses)}):")
                lines += [f"  {m}" for m in u.misses[:show_errors]]
        if ev.missed:
            lines.append("")
            lines.append(f"missed or mis-coded events (first {min(show_errors, len(ev.missed))} of {len(ev.missed)}):")
            lines += [f"  {m}" for m in ev.missed[:show_errors]]
        if ev.extra:
            lines.append("")
            lines.append(f"extra events (first {min(show_errors, len(ev.extra))} of {len(ev.extra)}):")
            lines += [f"  {m}" for m in ev.extra[:show_errors]]
    return "\n".join(lines)
