"""Alt text helpers: turn the comparison counts of a chart into a plain-English sentence."""

from __future__ import annotations

from collections.abc import Iterable

_PHRASES: dict[str, str] = {
    "Worse": "significantly worse than England",
    "Similar": "similar to England",
    "Better": "significantly better than England",
    "Higher": "significantly higher than England (no judgement)",
    "Lower": "significantly lower than England (no judgement)",
    "Not compared": "not compared",
}


def comparison_summary(labels: Iterable[object]) -> str:
    """E.g. "5 significantly worse than England, 9 similar to England, 2 not compared"."""
    counts: dict[str, int] = {}
    for label in labels:
        key = str(label) if str(label) in _PHRASES else "Not compared"
        counts[key] = counts.get(key, 0) + 1
    parts = [f"{counts[key]} {phrase}" for key, phrase in _PHRASES.items() if counts.get(key)]
    return ", ".join(parts) if parts else "nothing compared"


def join_names(names: Iterable[str], limit: int = 6) -> str:
    """Names joined with semicolons, the tail summarised as "and N more"."""
    items = [str(n) for n in names]
    if len(items) <= limit:
        return "; ".join(items)
    return "; ".join(items[:limit]) + f"; and {len(items) - limit} more"
