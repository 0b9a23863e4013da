"""Loader ``official_nhs``: an official NHS statistics file as published, any known layout.

The layout is detected from the file's header (:mod:`stp_analytics.data.official`); the
source's ``options.layout`` (optional) is checked against it. Each catalogue indicator picks
one measure of the layout with ``select: {measure: <key>}`` (e.g. ``dm01_waiting_6_plus_weeks``;
``stp-packs inspect FILE`` lists them with ready-made entries). England is the file's own total
(:func:`england_rows`), not the sum of the areas.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stp_analytics.data.loaders import register_loader
from stp_analytics.data.loaders.common import file_label
from stp_analytics.data.official import detect_layout
from stp_analytics.errors import CatalogError, DataValidationError
from stp_analytics.schema import ENGLAND_CODE


@register_loader("official_nhs")
def load_official_nhs(path: Path, source, indicators: list) -> pd.DataFrame:
    """Tidy observations of the measures the catalogue's indicators select."""
    match = detect_layout(path)
    expected = (source.options or {}).get("layout")
    if expected and expected != match.key:
        raise DataValidationError(
            f"the file is a {match.title} file (layout {match.key}); the catalogue's source "
            f"{source.id!r} says layout {expected!r}", file=file_label(path))
    data = match.layout.reader(Path(path))
    observations = data.observations
    available = sorted(set(observations["indicator"]))
    parts = []
    for indicator in indicators:
        measure = indicator.select.get("measure")
        if measure not in available:
            raise CatalogError(
                f"indicator {indicator.id!r}: select measure {measure!r} is not in "
                f"{file_label(path)} ({match.title}); it has: {', '.join(available) or 'none'}")
        rows = observations[observations["indicator"] == measure].copy()
        rows["indicator"] = indicator.id
        parts.append(rows)
        parts.append(england_rows(rows, indicator.statistic))
    if not parts:
        return observations.iloc[0:0].copy()
    return pd.concat(parts, ignore_index=True)


#: the note on the England rows the loader adds (the file's own total, not the areas' sum)
ENGLAND_NOTE = "England: every organisation in the file summed (the file's own total)"


def england_rows(rows: pd.DataFrame, statistic: str) -> pd.DataFrame:
    """England per period and sex: the sum of every organisation row the reader kept, which
    reproduces the file's own totals (tests/official check it per layout), so England includes
    the independent sector and trusts no area lookup lists. None for a file that has England
    rows already or for values that do not add up (published rates, means)."""
    kept = rows[rows["set_aside"].fillna("") == ""]
    if statistic not in ("proportion", "count", "rate") or kept.empty \
            or kept["area_type"].eq("england").any() or kept["numerator"].isna().all():
        return rows.iloc[0:0]
    sums = kept.groupby(["indicator", "period", "sex"], sort=True)[
        ["numerator", "denominator"]].sum(min_count=1).reset_index()
    return sums.assign(area_type="england", area_code=ENGLAND_CODE, value=float("nan"),
                       lower=float("nan"), upper=float("nan"), source_row=float("nan"),
                       set_aside="", note=ENGLAND_NOTE)[list(rows.columns)]
