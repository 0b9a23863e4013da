"""The detection gap: modelled diabetes prevalence against diabetes recorded by practices.

Issue 20 item 4. Pure functions on tables:

* :func:`ccg_area_shares` turns an LSOA -> 2016 CCG lookup and an LSOA -> area lookup into the
  share of each 2016 CCG that lies in each area. The share is the CCG's **share of LSOAs**, a
  proxy for its share of population (LSOAs hold similar populations, about 1,500 people; no
  LSOA populations are vendored) - the same proxy the stp2017 area set uses for districts split
  between footprints. With the April 2016/2017 lookups only NHS Cumbria CCG (E38000041) is
  split between footprints (207 of its 324 LSOAs in West, North and East Cumbria, 117 in
  Lancashire and South Cumbria).
* :func:`estimated_by_area`: PHE NCVIN estimates of people with diabetes (diagnosed or not, aged
  16+) per 2016 CCG x share, summed per area; England = **the sum of the CCG estimates**, as the
  source intends (its own England row is modelled separately and is smaller: 4,032,506 against a
  CCG sum of 4,080,029 in 2017), kept alongside as ``england_published``.
* :func:`recorded_by_area`: QOF diabetes registers (17+) per practice, summed per area; England
  = every practice given.
* :func:`detection_gap`: estimated people not yet diagnosed = estimated - recorded, and the
  detection rate = recorded / estimated, per area and England. A like-for-like guard: the
  area's QOF list size (17+) must be within :data:`COVERAGE_RANGE` of the modelled population
  (16+); otherwise practices are missing from the QOF data (the vendored QOF 2017-18 files have
  no Buckinghamshire practice, so Buckinghamshire, Oxfordshire and Berkshire West's list covers
  71% of its modelled population) and the gap is withheld with a note, not understated.

Caveats carried in each row's ``note``: the model counts people aged 16+, QOF registers 17+;
the model year is chosen by the caller (e.g. 2017 for QOF 2017/18); modelled numbers are
estimates without a published interval, so the gap is "about" and has no CI.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stp_analytics.errors import DataValidationError
from stp_analytics.methods._validate import require_columns
from stp_analytics.metrics.geo import ENGLAND_CODE

COVERAGE_RANGE: tuple[float, float] = (0.9, 1.1)
"""QOF list size / modelled population outside this range -> the gap is not computed
(nationally the ratio is 0.96-1.03 for every footprint but one)."""

CAVEAT = ("about: PHE NCVIN model (people aged 16+, diagnosed or not) against QOF registers "
          "(17+); England and the footprints are compared with the sum of the CCG estimates")


def _duplicates(frame: pd.DataFrame, key: list[str], argument: str) -> None:
    duplicated = frame.duplicated(key, keep=False)
    if duplicated.any():
        first = frame.loc[duplicated, key].iloc[0]
        shown = ", ".join(f"{k}={first[k]!r}" for k in key)
        raise DataValidationError(f"{argument}: duplicate key {shown}",
                                  row=int(np.flatnonzero(duplicated.to_numpy())[1]),
                                  column=key[0])


def ccg_area_shares(lsoa_ccg: pd.DataFrame, lsoa_area: pd.DataFrame) -> pd.DataFrame:
    """Share of each 2016 CCG in each area, by its LSOAs (``lsoa_code, ccg_code``) and
    ``lsoa_code, area_code, share``. Returns ``ccg_code, area_code, lsoas, share`` (shares of a
    CCG sum to 1). Every LSOA of a CCG must have an area."""
    require_columns(lsoa_ccg, ["lsoa_code", "ccg_code"], "lsoa_ccg")
    require_columns(lsoa_area, ["lsoa_code", "area_code", "share"], "lsoa_area")
    _duplicates(lsoa_ccg, ["lsoa_code"], "lsoa_ccg")
    joined = lsoa_ccg[["lsoa_code", "ccg_code"]].merge(
        lsoa_area[["lsoa_code", "area_code", "share"]], on="lsoa_code", how="left")
    unplaced = joined["area_code"].isna()
    if unplaced.any():
        raise DataValidationError(
            f"lsoa_area: LSOA {joined.loc[unplaced, 'lsoa_code'].iloc[0]!r} of CCG "
            f"{joined.loc[unplaced, 'ccg_code'].iloc[0]!r} has no area", column="lsoa_code")
    shares = joined.groupby(["ccg_code", "area_code"], as_index=False).agg(
        lsoas=("share", "sum"))
    shares["share"] = shares["lsoas"] / shares.groupby("ccg_code")["lsoas"].transform("sum")
    return shares.sort_values(["ccg_code", "area_code"], ignore_index=True)


def estimated_by_area(estimates: pd.DataFrame, shares: pd.DataFrame, period: int) -> pd.DataFrame:
    """Modelled people with diabetes and the population they are out of, per area and England.

    ``estimates``: :func:`stp_analytics.data.loaders.ncvin.read_ncvin_diabetes` output
    (``ccg16_code,
    period, estimated, population, is_england``). Returns ``area_code, estimated, population,
    england_published`` (the last only on England's row: the source's own England figure).
    """
    require_columns(estimates, ["ccg16_code", "period", "estimated", "population", "is_england"],
                    "estimates")
    require_columns(shares, ["ccg_code", "area_code", "share"], "shares")
    year = estimates[estimates["period"] == period]
    if year.empty:
        years = ", ".join(str(p) for p in sorted(estimates["period"].unique()))
        raise DataValidationError(f"estimates: no rows for period {period} (periods: {years})",
                                  column="period")
    ccgs = year[~year["is_england"].astype(bool)]
    _duplicates(ccgs, ["ccg16_code"], "estimates")
    known = set(shares["ccg_code"])
    unknown = ~ccgs["ccg16_code"].isin(known)
    if unknown.any():
        raise DataValidationError(
            f"estimates: CCG {ccgs.loc[unknown, 'ccg16_code'].iloc[0]!r} is not in the CCG to "
            "area shares (a 2016 CCG code was expected)", column="ccg16_code")
    missing = sorted(known - set(ccgs["ccg16_code"]))
    if missing:
        raise DataValidationError(
            f"estimates: no {period} estimate for CCG {missing[0]!r} (every CCG of the lookup is "
            "needed, or its area's total would be too small)", column="ccg16_code")
    parts = ccgs.merge(shares, left_on="ccg16_code", right_on="ccg_code", validate="one_to_many")
    parts = parts.assign(estimated=parts["estimated"] * parts["share"],
                         population=parts["population"] * parts["share"])
    areas = parts.groupby("area_code", as_index=False)[["estimated", "population"]].sum()
    areas["england_published"] = np.nan
    published = year.loc[year["is_england"].astype(bool), "estimated"]
    england = pd.DataFrame({
        "area_code": [ENGLAND_CODE], "estimated": [ccgs["estimated"].sum()],
        "population": [ccgs["population"].sum()],
        "england_published": [published.iloc[0] if len(published) else np.nan],
    })
    return pd.concat([areas, england], ignore_index=True)


def recorded_by_area(counts: pd.DataFrame, lookup: pd.DataFrame) -> pd.DataFrame:
    """Σ register (``numerator``) and Σ list size (``denominator``) per area and England.

    ``counts``: ``practice_code, numerator, denominator`` (missing counts are left out);
    ``lookup``: ``practice_code, area_code`` (one area per practice). England is every practice
    with counts, in an area or not. Returns ``area_code, recorded, list_size, practices``.
    """
    require_columns(counts, ["practice_code", "numerator", "denominator"], "counts")
    require_columns(lookup, ["practice_code", "area_code"], "lookup")
    _duplicates(counts, ["practice_code"], "counts")
    _duplicates(lookup, ["practice_code"], "lookup")
    complete = counts.dropna(subset=["numerator", "denominator"])
    placed = complete.merge(lookup[["practice_code", "area_code"]], on="practice_code")
    both = pd.concat([placed, complete.assign(area_code=ENGLAND_CODE)], ignore_index=True)
    return both.groupby("area_code", as_index=False).agg(
        recorded=("numerator", "sum"), list_size=("denominator", "sum"),
        practices=("practice_code", "size"))


def detection_gap(estimated: pd.DataFrame, recorded: pd.DataFrame) -> pd.DataFrame:
    """Estimated people not yet diagnosed and the detection rate, per area and England.

    Returns ``area_code, estimated, recorded, undiagnosed, detection_rate (recorded /
    estimated), estimated_prevalence (estimated / modelled population 16+), recorded_prevalence
    (register / list size 17+), coverage (list size / modelled population), england_published,
    note``. An area missing from either table, or whose coverage is outside
    :data:`COVERAGE_RANGE`, has missing undiagnosed and detection rate and a note saying why.
    """
    require_columns(estimated, ["area_code", "estimated", "population"], "estimated")
    require_columns(recorded, ["area_code", "recorded", "list_size"], "recorded")
    merged = estimated.merge(recorded, on="area_code", how="outer", indicator=True)
    merged["undiagnosed"] = merged["estimated"] - merged["recorded"]
    merged["detection_rate"] = merged["recorded"] / merged["estimated"]
    merged["estimated_prevalence"] = merged["estimated"] / merged["population"]
    merged["recorded_prevalence"] = merged["recorded"] / merged["list_size"]
    merged["coverage"] = merged["list_size"] / merged["population"]
    low, high = COVERAGE_RANGE
    uncovered = (merged["_merge"] == "both") & ~merged["coverage"].between(low, high)
    shown = (100 * merged["coverage"]).round().astype("Int64").astype(str)
    merged["note"] = np.select(
        [merged["_merge"] == "left_only", merged["_merge"] == "right_only", uncovered],
        ["no recorded (QOF) figures for the area", "no modelled estimate for the area",
         "not computed: the QOF list sizes cover " + shown + "% of the modelled population "
         "(practices missing from the QOF data), so recorded and estimated are not like for "
         "like"],
        default=CAVEAT)
    merged.loc[uncovered, ["undiagnosed", "detection_rate"]] = np.nan
    if "england_published" not in merged:
        merged["england_published"] = np.nan
    columns = ["area_code", "estimated", "recorded", "undiagnosed", "detection_rate",
               "estimated_prevalence", "recorded_prevalence", "coverage", "england_published",
               "note"]
    return merged[columns].sort_values("area_code", ignore_index=True)
