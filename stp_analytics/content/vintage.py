"""What a pack built as at a month (``as_at="2016-06"``) says and uses beyond the store rows
(which :func:`stp_analytics.metrics.vintage.as_at_store` filters): the finance model's
starting position without results published later, and the vintage line of the cover."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from stp_analytics.metrics.vintage import describe, parse_as_at

#: the first month a pack may use the acute trusts' 2018/19 reported results: the financial
#: year ends in March 2019, so no vintage before April 2019 can hold them
TRUST_RESULTS_FROM = pd.Timestamp(2019, 4, 1)
#: starting positions that use the 2018/19 trust results, and the fallback without them
USES_TRUST_RESULTS = ("underlying", "actual", "plan")
FALLBACK_POSITION = "share"


def finance_assumptions(assumptions: Mapping[str, Any], as_at: str) -> dict[str, Any]:
    """The finance assumptions for a pack as at ``as_at``: before April 2019 a starting
    position that reads the 2018/19 trust results falls back to ``share`` (the 2015/16
    underlying provider deficit spread by allocation share alone). Unchanged for ""."""
    cutoff = parse_as_at(as_at)
    chosen = dict(assumptions)
    position = chosen.get("baseline_provider_position")
    if cutoff is not None and cutoff <= TRUST_RESULTS_FROM and position in USES_TRUST_RESULTS:
        chosen["baseline_provider_position"] = FALLBACK_POSITION
    return chosen


def vintage_line(as_at: str, ranges: Mapping[str, str]) -> str:
    """The cover's vintage: "as at June 2016 (health 2013-15 to 2015/16; care 2015 to
    2016-06)" or "the latest data (...)": per gap, the oldest and newest latest period."""
    gaps = "; ".join(f"{gap} {text}" for gap, text in ranges.items())
    when = describe(as_at)
    head = when if parse_as_at(as_at) is None else f"as at {when}"
    return f"{head[:1].upper()}{head[1:]}" + (f" ({gaps})" if gaps else "")


def after_vintage(as_at: str, data_end: str) -> bool:
    """True when a pack built as at ``as_at`` must leave out data whose period ends on
    ``data_end`` ("YYYY-MM-DD"): the sections that read national tables or files directly
    (not the store rows, which the pack context filters) ask this first."""
    first_after = parse_as_at(as_at)
    return first_after is not None and pd.Timestamp(data_end) >= first_after


def not_yet(as_at: str, what: str) -> str:
    """The sentence a section shows instead of data published after the vintage."""
    return f"Not in a pack as at {describe(as_at)}: {what} end later than that."
