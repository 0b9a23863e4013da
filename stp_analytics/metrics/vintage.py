"""Data vintage: the metric store as it stood at a month (``as_at="2016-06"``).

A period is used when it ENDS by the end of that month: "2016-06" (a month) and "2015/16" (a
financial year, to March 2016) are in; "2016/17", "2014-16" (rolling years to December 2016)
and "2016" (a calendar year) are out. :func:`as_at_store` drops the later rows once, then
recomputes what depends on which rows exist: the latest period (``is_latest``), the peer
best-5 and opportunity (on the new latest rows) and the SPC limits (on the shortened series).
Ranks, quintiles and comparisons are per period, so they stand as they are.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from stp_analytics.errors import ParameterError
from stp_analytics.metrics.notes import join_notes

_AS_AT = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
#: the store's own columns the recomputation needs from the catalogue
_SPEC_COLUMNS = ("frequency", "polarity", "multiplier")


def parse_as_at(value: str, *, parameter: str = "as_at") -> pd.Timestamp | None:
    """The first day AFTER the vintage month (periods must end before it), or None for "" (the
    latest data). Raises ParameterError for anything but "" or "YYYY-MM"."""
    text = str(value or "").strip()
    if not text:
        return None
    match = _AS_AT.match(text)
    if not match or not 1 <= int(match["m"]) <= 12 or not 1990 <= int(match["y"]) <= 2100:
        raise ParameterError(
            f"parameter {parameter!r}: {value!r} is not a month 'YYYY-MM' (e.g. '2016-06') "
            "or '' (the latest data)")
    return pd.Timestamp(int(match["y"]), int(match["m"]), 1) + pd.DateOffset(months=1)


def describe(as_at: str) -> str:
    """ "June 2016" for "2016-06"; "the latest data" for ""."""
    if parse_as_at(as_at) is None:
        return "the latest data"
    year, month = str(as_at).strip().split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def period_end(periods: pd.Series, starts: pd.Series) -> pd.Series:
    """The first day after each period (exclusive end), from its label and start date: a
    month lasts one month, a financial or calendar year twelve, "2014-16" to 1 January 2017.
    "2010-12" is December 2010 when it starts in December, else the years 2010-2012."""
    text = periods.astype("str").str.strip()
    start = pd.to_datetime(starts)
    rolling = text.str.extract(r"^(\d{4})-(\d{2})$").astype("float")
    last = (rolling[0] // 100) * 100 + rolling[1]
    is_rolling = rolling[0].notna() & start.dt.month.eq(1) & (last - rolling[0]).between(1, 9)
    is_month = rolling[0].notna() & ~is_rolling
    months = pd.Series(12, index=periods.index).where(~is_month, 1)
    end = pd.Series([s + pd.DateOffset(months=int(m)) if pd.notna(s) else pd.NaT
                     for s, m in zip(start, months, strict=True)], index=periods.index,
                    dtype="datetime64[ns]")
    ends_rolling = pd.to_datetime({"year": last.where(is_rolling, 1970) + 1, "month": 1,
                                   "day": 1}).set_axis(periods.index)
    return end.where(~is_rolling, ends_rolling)


def in_vintage(store: pd.DataFrame, as_at: str) -> pd.Series:
    """True for the rows whose period ends by the end of the ``as_at`` month (all when "")."""
    cutoff = parse_as_at(as_at)
    if cutoff is None:
        return pd.Series(True, index=store.index)
    keys = store.loc[:, ["period", "period_start"]].drop_duplicates().reset_index(drop=True)
    keys = keys.assign(keep=period_end(keys["period"], keys["period_start"]).le(cutoff))
    keep = store.loc[:, ["period", "period_start"]].merge(keys, how="left")["keep"]
    return keep.fillna(False).astype("bool").set_axis(store.index)


def as_at_store(store: pd.DataFrame, as_at: str, catalog: Any,
                spc_codes: set[str] | None = None) -> pd.DataFrame:
    """The store with only the periods of the vintage and its latest, peer and SPC columns
    recomputed (``catalog`` gives polarities, frequencies and peer variables); the store
    itself when ``as_at`` is "". ``spc_codes``: recompute SPC only for these areas and their
    parts (a pack charts its own area; others' SPC columns are emptied), else for all."""
    if parse_as_at(as_at) is None:
        return store
    from stp_analytics.metrics.peers import add_peers, peer_groups
    from stp_analytics.metrics.spc import TRIAL_NOTE, add_spc
    from stp_analytics.metrics.specs import indicator_specs
    from stp_analytics.metrics.store import _finalise, add_latest

    rows = store[in_vintage(store, as_at)]
    specs = indicator_specs(catalog).loc[:, ["indicator", *_SPEC_COLUMNS]]
    rows = rows.merge(specs, on="indicator", how="left", validate="many_to_one")
    rows["polarity"] = rows["polarity"].fillna("none")
    rows["multiplier"] = rows["multiplier"].fillna(1.0)
    notes = rows["note"].str.replace(TRIAL_NOTE, "", regex=False)
    rows["note"] = join_notes(notes.str.strip("; "), pd.Series("", index=rows.index))
    rows = add_latest(rows)
    rows = add_peers(rows, peer_groups(rows, list(getattr(catalog, "peer_variables", []))))
    if spc_codes is None:
        return _finalise(add_spc(rows))
    charted = rows["area_code"].isin(spc_codes) | rows["parent_code"].isin(spc_codes)
    rest = rows[~charted].assign(spc_point_type="", spc_mean=float("nan"),
                                 spc_lpl=float("nan"), spc_upl=float("nan"))
    return _finalise(pd.concat([add_spc(rows[charted]), rest]))


def period_ranges(rows: pd.DataFrame, gaps: dict[str, str]) -> dict[str, str]:
    """Gap -> "oldest to newest" of the latest periods of its indicators in ``rows`` (one
    area's latest rows), in gap order health, care, finance; a gap without data is left out."""
    ranges = {}
    frame = rows.assign(gap=rows["indicator"].map(gaps)).dropna(subset=["period_start"])
    for gap in ("health", "care", "finance"):
        mine = frame[frame["gap"].eq(gap)].sort_values(["period_start", "period"])
        if mine.empty:
            continue
        first, last = str(mine["period"].iloc[0]), str(mine["period"].iloc[-1])
        ranges[gap] = first if first == last else f"{first} to {last}"
    return ranges
