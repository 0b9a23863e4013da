"""Each gap in natural units, from the metric store: years, deaths, people and bed-days.

The executive summary states how big each gap is, not only whether it is significant:

* **life expectancy gap**: the area's latest life expectancy minus England's, in years, by sex;
* **excess preventable deaths a year**: (area's under-75 preventable mortality rate - England's)
  per 100,000 x the area's population aged under 75. The rates are age-standardised, so this is
  the deaths the area would avoid a year at England's age-specific rates *if* its age profile were
  the standard one: an approximation, stated as such;
* **people short of a standard**: for a standard on a proportion with counts (e.g. 95% of A&E
  attendances within 4 hours), ``target x denominator - numerator`` in each period where the area
  falls short (0 where it meets it). A monthly series is summed over its latest 12 months (a year);
  an annual series gives its latest year. Waiting-list snapshots (:data:`SNAPSHOT_STANDARDS`) are
  people waiting at one month end, not people a year, and are never added to the yearly total;
* **overlapping standards are never added**: A&E type 1 is part of A&E all types
  (:data:`OVERLAPS`), so the care total counts only all types;
* **delayed transfers of care** are delayed bed-days in one month; divided by the days in that
  month they are the beds occupied on an average day, not people.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import pandas as pd

from stp_analytics import schema

#: standard -> the standard it is part of (its people are already counted there)
OVERLAPS: dict[str, str] = {"ae_four_hour_type1": "ae_four_hour_all"}
#: standards measured on a waiting list at a month end (people waiting, not people a year)
SNAPSHOT_STANDARDS: frozenset[str] = frozenset({"rtt_18_weeks", "diagnostics_6_weeks"})
#: the SPC point types that are a special cause, by direction
SPC_SIGNALS = {"special_cause_improvement": "improvement",
               "special_cause_concern": "deterioration"}
#: how many of the latest points count as "the latest months" for an SPC statement
SPC_LATEST_POINTS = 3
MONTHS_A_YEAR = 12


@dataclasses.dataclass(frozen=True)
class Shortfall:
    """People short of a standard: ``people`` over ``periods`` (first to last), ``months`` long
    (0 for an annual period); ``yearly`` False for a waiting-list snapshot."""

    indicator: str
    people: float
    first_period: str
    last_period: str
    periods: int
    yearly: bool
    latest_value: float = float("nan")  # the value in the last period
    counted_in: str = ""  # the standard whose total already holds these people

    @property
    def period_label(self) -> str:
        """"2018-04 to 2019-03", or one period."""
        if self.first_period == self.last_period:
            return self.first_period
        return f"{self.first_period} to {self.last_period}"


def area_series(store: pd.DataFrame, area_code: str, indicator: str,
                sex: str = "Persons") -> pd.DataFrame:
    """The area's rows of one indicator and sex, oldest period first."""
    rows = store[store["indicator"].eq(indicator) & store["area_code"].eq(area_code)
                 & store["area_role"].isin([schema.ROLE_AREA, schema.ROLE_ENGLAND])
                 & store["sex"].eq(sex)]
    return rows.sort_values(["period_start", "period"], kind="mergesort").reset_index(drop=True)


def period_shortfall(numerator: pd.Series, denominator: pd.Series, target_pct: float,
                     polarity: str) -> pd.Series:
    """People short of a standard in each period (never negative): ``target x denominator -
    numerator`` when high is good, ``numerator - target x denominator`` when low is good."""
    allowed = denominator.astype(float) * float(target_pct) / 100.0
    numerator = numerator.astype(float)
    short = allowed - numerator if polarity == "high_is_good" else numerator - allowed
    return short.clip(lower=0.0)


def shortfall(store: pd.DataFrame, area_code: str, indicator: str, target_pct: float,
              polarity: str, monthly: bool) -> Shortfall | None:
    """The area's people short of ``indicator``'s standard: the latest 12 months summed for a
    monthly series (fewer when the series is shorter; ``periods`` says how many), the latest
    period otherwise. None when the area has no counts for it."""
    rows = area_series(store, area_code, indicator)
    rows = rows[rows["numerator"].notna() & rows["denominator"].notna()]
    if rows.empty or polarity not in ("high_is_good", "low_is_good"):
        return None
    snapshot = indicator in SNAPSHOT_STANDARDS
    chosen = rows.tail(MONTHS_A_YEAR if monthly and not snapshot else 1)
    short = period_shortfall(chosen["numerator"], chosen["denominator"], target_pct, polarity)
    return Shortfall(indicator=indicator, people=float(short.sum()),
                     first_period=str(chosen["period"].iloc[0]),
                     last_period=str(chosen["period"].iloc[-1]), periods=len(chosen),
                     yearly=not snapshot, latest_value=float(chosen["value"].iloc[-1]),
                     counted_in=OVERLAPS.get(indicator, ""))


def yearly_total(shortfalls: Iterable[Shortfall]) -> float:
    """People a year short of the standards: the yearly shortfalls, less the overlapping ones
    (counted in another standard) and the waiting-list snapshots."""
    return float(sum(s.people for s in shortfalls if s.yearly and not s.counted_in))


def excess_deaths(rate: float, england_rate: float, population: float,
                  per: float = 100_000.0) -> float:
    """Deaths a year above England's rate: (rate - England's rate) / ``per`` x population
    (negative when the area's rate is lower)."""
    return (float(rate) - float(england_rate)) / float(per) * float(population)


def days_in_period(period: str) -> int:
    """Days in a monthly period ("2019-03" -> 31)."""
    return int(pd.Period(period, freq="M").days_in_month)


def bed_days_as_beds(bed_days: float, period: str) -> float:
    """Delayed bed-days in one month as beds occupied on an average day of that month."""
    return float(bed_days) / days_in_period(period)


def opportunity_unit(unit: str, opportunity: float | None, period: str) -> str:
    """What an opportunity of an indicator in ``unit`` counts: delayed bed-days in one month
    (and the beds they fill on an average day) for a delayed-days indicator, else people or
    events."""
    if "days a month" in (unit or "") and opportunity is not None and pd.notna(opportunity):
        beds = bed_days_as_beds(float(opportunity), period)
        return (f"delayed bed-days in one month (about {beds:,.0f} beds on an average day, "
                "not people)")
    return "people or events"


def latest_difference(store: pd.DataFrame, area_code: str, indicator: str) -> pd.DataFrame:
    """The area's latest value of ``indicator`` for each sex against England's for the same
    period: columns sex, period, value, england_value, difference, status."""
    rows = store[store["indicator"].eq(indicator) & store["area_code"].eq(area_code)
                 & store["area_role"].eq(schema.ROLE_AREA)
                 & store["is_latest"].fillna(False).astype(bool) & store["value"].notna()]
    rows = rows.sort_values("sex", kind="mergesort")
    frame = rows.loc[:, ["sex", "period", "value", "england_value", "status", "comparison",
                         "lower", "upper"]].reset_index(drop=True)
    return frame.assign(difference=frame["value"] - frame["england_value"])


def latest_spc_signal(store: pd.DataFrame, area_code: str, indicator: str,
                      points: int = SPC_LATEST_POINTS) -> tuple[str, int, int] | None:
    """(signal, months, of): "improvement" or "deterioration" when some of the area's latest
    ``points`` SPC points are special causes of that direction (the latest such point's
    direction; ``months`` of them), else ("common cause", 0, of); None when the indicator has
    no SPC series for the area."""
    rows = area_series(store, area_code, indicator)
    typed = rows[rows["spc_point_type"].fillna("").astype(str).ne("")]
    if typed.empty:
        return None
    latest = typed["spc_point_type"].tail(points).tolist()
    for kind in reversed(latest):
        if kind in SPC_SIGNALS:
            return SPC_SIGNALS[kind], latest.count(kind), len(latest)
    return "common cause", 0, len(latest)
