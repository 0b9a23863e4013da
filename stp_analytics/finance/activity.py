"""Activity per 1,000 residents by financial year and its growth against the moderation ambition.

NHS planning guidance 2016/17-2020/21 asked for activity growth "moderated by about 1% a year"
(the ``demand_moderation`` finance assumption). This module turns the metric store's monthly
counts (e.g. A&E attendances, emergency admissions via A&E) into financial-year totals and rates:

* count: the sum of the 12 monthly values of a financial year (April to March); a year with fewer
  than 12 months in the store is left out (an incomplete year is not comparable);
* population: ONS mid-year estimate for the year the financial year starts in (mid-2016 for
  2016/17), apportioned to the area by its districts' shares (:func:`ons_population`, from
  :func:`stp_analytics.data.geography.area_population`); England is the sum of its districts;
* per 1,000: ``count / population * 1000``;
* growth: per cent change on the previous complete financial year, of the count and of the rate
  per 1,000 (the rate's growth is growth over and above population growth);
* within ambition: the rate per 1,000 grew by no more than ``moderation`` (default 1% a year) on
  the previous year. The comparison is growth per head, so population growth is allowed for and
  the ambition is read as "activity per head grows by at most 1% a year".

:func:`activity_table` is pure (store and populations in, table out); :func:`ons_population`
reads the ONS estimates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.schema import ENGLAND_CODE

ACTIVITY_INDICATORS: tuple[str, ...] = ("ae_attendances_all", "emergency_admissions_via_ae")
MONTHS_IN_YEAR = 12
PER = 1000.0
POPULATION_SOURCE = (
    "the ONS mid-year population estimate for the calendar year in which the financial year "
    "starts (mid-2016 for 2016/17), apportioned to the area by its districts' share of "
    "population; England's is the sum of its districts"
)
COLUMNS: tuple[str, ...] = (
    "indicator", "area_code", "area_name", "financial_year", "months", "count", "population",
    "per_1000", "count_growth_pct", "per_1000_growth_pct", "within_ambition",
)
STORE_NEEDS: tuple[str, ...] = (
    "indicator", "area_role", "area_code", "area_name", "period_start", "sex", "value",
)


def financial_year(when: pd.Timestamp) -> str:
    """The financial year (April to March) of a date: 2016-04-01 and 2017-03-31 -> "2016/17"."""
    start = when.year if when.month >= 4 else when.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def financial_year_start(year: str) -> int:
    """The calendar year a financial year starts in: "2016/17" -> 2016."""
    match = re.fullmatch(r"(\d{4})/\d{2}", str(year))
    if match is None:
        raise ParameterError(f"financial year {year!r}: expected text like '2016/17'")
    return int(match.group(1))


def _check_store(store: pd.DataFrame) -> None:
    missing = [column for column in STORE_NEEDS if column not in store.columns]
    if missing:
        raise DataValidationError(
            f"metric store lacks column(s) {', '.join(missing)} needed for activity per 1,000"
        )


def annual_counts(store: pd.DataFrame, area_code: str, indicator: str) -> pd.DataFrame:
    """DataFrame[financial_year, months, count, area_name] of complete financial years only.

    Sums the monthly values (Persons) of ``indicator`` for the area (not its parts); a financial
    year enters only if all 12 of its months have a value.
    """
    _check_store(store)
    rows = store[(store["indicator"] == indicator) & (store["area_code"] == area_code)
                 & (store["area_role"] != "part") & (store["sex"] == "Persons")]
    rows = rows[rows["value"].notna()]
    empty = pd.DataFrame({"financial_year": pd.Series(dtype=str),
                          "months": pd.Series(dtype="int64"),
                          "count": pd.Series(dtype=float),
                          "area_name": pd.Series(dtype=str)})
    if rows.empty:
        return empty
    starts = pd.to_datetime(rows["period_start"])
    months = starts.dt.to_period("M")
    frame = pd.DataFrame({"financial_year": [financial_year(t) for t in starts],
                          "month": months, "value": rows["value"].astype(float),
                          "area_name": rows["area_name"].astype(str)})
    if frame["month"].duplicated().any():
        month = frame.loc[frame["month"].duplicated(), "month"].iloc[0]
        raise DataValidationError(
            f"metric store has more than one {indicator} value for {area_code} in {month}; "
            "expected one monthly count"
        )
    years = frame.groupby("financial_year", sort=True).agg(
        months=("month", "nunique"), count=("value", "sum"), area_name=("area_name", "first"))
    years = years[years["months"] == MONTHS_IN_YEAR].reset_index()
    return years if not years.empty else empty


def _growth_pct(values: pd.Series, years: pd.Series) -> pd.Series:
    """Per cent change on the previous financial year; NaN where that year is not in the table."""
    previous = {financial_year_start(y): v for y, v in zip(years, values, strict=True)}
    return pd.Series(
        [(value / previous[start - 1] - 1.0) * 100.0
         if start - 1 in previous and previous[start - 1] not in (0, None) else np.nan
         for start, value in zip(years.map(financial_year_start), values, strict=True)],
        index=values.index, dtype=float,
    )


def activity_table(
    store: pd.DataFrame,
    area_code: str,
    population: Mapping[str, float],
    indicators: Iterable[str] = ACTIVITY_INDICATORS,
    moderation: float = 0.01,
) -> pd.DataFrame:
    """Activity of one area by complete financial year: count, population, rate per 1,000,
    growth on the previous year (%) and whether the rate grew within ``moderation``.

    ``population`` maps financial year ("2016/17") to the area's population; a year without one
    has no rate. ``within_ambition`` is True when the rate per 1,000 grew by at most
    ``moderation`` (a fraction: 0.01 = 1%) on the previous year, False when it grew more, and
    missing for the first year. Indicators with no complete year give no rows.
    """
    if not isinstance(moderation, (int, float)) or isinstance(moderation, bool) or not (
            np.isfinite(moderation)):
        raise ParameterError(f"demand_moderation {moderation!r}: expected a fraction such as 0.01")
    parts = []
    for indicator in indicators:
        years = annual_counts(store, area_code, indicator)
        if years.empty:
            continue
        people = years["financial_year"].map(lambda y: population.get(y, np.nan)).astype(float)
        people = people.where(people > 0)
        per_1000 = years["count"] / people * PER
        rate_growth = _growth_pct(per_1000, years["financial_year"])
        within = pd.array([pd.NA if np.isnan(g) else bool(g <= moderation * 100.0 + 1e-9)
                           for g in rate_growth], dtype="boolean")
        parts.append(pd.DataFrame({
            "indicator": indicator, "area_code": area_code, "area_name": years["area_name"],
            "financial_year": years["financial_year"], "months": years["months"].astype("int64"),
            "count": years["count"], "population": people, "per_1000": per_1000,
            "count_growth_pct": _growth_pct(years["count"], years["financial_year"]),
            "per_1000_growth_pct": rate_growth, "within_ambition": within,
        }))
    if not parts:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in COLUMNS})
    return pd.concat(parts, ignore_index=True).loc[:, list(COLUMNS)]


def ons_population(
    area_code: str, area_set: str = "stp2017", years: Iterable[str] = ()
) -> dict[str, float]:
    """Financial year -> ONS mid-year population of the area (England: ``E92000001``).

    Uses the mid-year estimate of the calendar year the financial year starts in; years outside
    the ONS file (2001-2018) are left out.
    """
    from stp_analytics.data.geography import population as ons
    from stp_analytics.data.geography import sources

    result = {}
    for year in years:
        start = financial_year_start(year)
        if start not in sources.MYE_YEARS:
            continue
        if area_code == ENGLAND_CODE:
            result[year] = float(ons.lad_population(start).sum())
        else:
            by_area = ons.area_population(area_set, start)
            if area_code in by_area.index:
                result[year] = float(by_area[area_code])
    return result


def area_activity(
    store: pd.DataFrame,
    area_code: str,
    area_set: str = "stp2017",
    indicators: Iterable[str] = ACTIVITY_INDICATORS,
    moderation: float = 0.01,
) -> pd.DataFrame:
    """:func:`activity_table` for the area and for England (rows of both), ONS populations."""
    indicators = list(indicators)
    frames = []
    for code in (area_code, ENGLAND_CODE):
        years = sorted({y for i in indicators
                        for y in annual_counts(store, code, i)["financial_year"]})
        frames.append(activity_table(store, code, ons_population(code, area_set, years),
                                     indicators, moderation))
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return activity_table(store, area_code, {}, (), moderation)
    return pd.concat(frames, ignore_index=True)
