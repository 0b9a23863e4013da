"""The gap in natural units: a rate's difference from England (or from similar areas) as people or
events (issue 20 item 5).

For an indicator with a rate or a percentage, ``(value - comparator) x volume / per`` is the
number of people (or events a year) by which the area differs from what it would have at the
comparator's rate: "about 1,150 more deaths under 75 from preventable causes a year than at
England's rate". The volume is

* the row's own denominator when the value was computed from counts (QOF list sizes, eligible
  women): the difference is then exact to the counts;
* otherwise (values only, e.g. local authority rates) the area's mid-2018 population in the
  indicator's age band (:data:`VOLUMES`, from ONS MYE2 single year of age): the result is
  labelled "about" - an age-standardised rate applied to a crude population, a published
  percentage to a population it approximates.

Comparators: England's value and the mean of the best 5 of the 10 most similar areas
(``peer_best5_mean`` of the store). Indices that are not rates (life expectancy in years, the
slope index of inequality) have no natural-unit gap and are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stp_analytics.methods._validate import require_columns

OLDEST = 90  # the MYE2 profile's last column is age_90plus


@dataclass(frozen=True)
class Volume:
    """What one unit of an indicator counts and, for values without counts, the population."""

    noun: str  # what the difference counts: "deaths under 75 from preventable causes"
    per: float  # the value is per ``per`` people (100 for a percentage)
    per_year: bool = False  # events in a year (admissions, deaths) rather than people
    age_from: int | None = None  # the population band when the store has no denominator
    age_to: int | None = None  # inclusive; None = and over


#: indicators with a natural-unit gap; an age band is used only for rows without a denominator
VOLUMES: dict[str, Volume] = {
    "qof_diabetes_prevalence": Volume("people on the diabetes register", 100),
    "qof_obesity_prevalence": Volume("people on the obesity register", 100),
    "qof_depression_prevalence": Volume("people on the depression register", 100),
    "qof_hypertension_prevalence": Volume("people on the hypertension register", 100),
    "qof_dementia_prevalence": Volume("people on the dementia register", 100),
    "qof_mental_health_prevalence": Volume("people on the severe mental illness register", 100),
    "cervical_screening_25_49": Volume("women aged 25-49 screened", 100),
    "cervical_screening_50_64": Volume("women aged 50-64 screened", 100),
    "smoking_prevalence": Volume("adults who smoke", 100, age_from=18),
    # 2019 from counts: the denominator is the survey-weighted adults (18+) of the districts
    "smoking_prevalence_2019": Volume("adults who smoke", 100, age_from=18),
    "adult_excess_weight": Volume("adults overweight or obese", 100, age_from=18),
    # Year 6 pupils are aged 10-11: one school year, taken as the population aged 10
    "year6_excess_weight": Volume("Year 6 children with excess weight", 100, age_from=10,
                                  age_to=10),
    "physical_inactivity": Volume("physically inactive adults", 100, age_from=19),
    "u75_preventable_mortality": Volume("deaths under 75 from preventable causes", 100_000,
                                        per_year=True, age_from=0, age_to=74),
    "u75_preventable_cancer_mortality": Volume("deaths under 75 from preventable cancers",
                                               100_000, per_year=True, age_from=0, age_to=74),
    "alcohol_admissions": Volume("alcohol-related admissions", 100_000, per_year=True,
                                 age_from=0),
    "falls_admissions": Volume("emergency admissions for falls (65+)", 100_000, per_year=True,
                               age_from=65),
    "self_harm_admissions": Volume("emergency admissions for self-harm", 100_000,
                                   per_year=True, age_from=0),
}
GAP_COLUMNS = ["indicator", "period", "value", "england_value", "peer_best5_mean", "volume",
               "volume_basis", "approximate", "noun", "per_year", "gap_england", "gap_peers",
               "text_england", "text_peers"]


def band_population(profile: pd.Series, age_from: int, age_to: int | None = None) -> float:
    """People aged ``age_from``..``age_to`` (inclusive; None = and over) in a single-year
    profile with entries ``age_0`` .. ``age_89`` and ``age_90plus``."""
    last = OLDEST if age_to is None else min(age_to, OLDEST - 1)
    columns = [f"age_{age}" for age in range(age_from, last + 1) if age < OLDEST]
    if age_to is None or age_to >= OLDEST:
        columns.append("age_90plus")
    return float(profile[columns].sum())


def band_populations(profile: pd.Series) -> dict[str, float]:
    """Indicator -> the area's population in its age band (indicators with a band only)."""
    return {indicator: band_population(profile, volume.age_from, volume.age_to)
            for indicator, volume in VOLUMES.items() if volume.age_from is not None}


def _sentence(gap: float, volume: Volume, approximate: bool, comparator: str) -> str:
    if not np.isfinite(gap):
        return ""
    amount = round(abs(gap), -1 if abs(gap) >= 100 else 0)
    more = "more" if gap > 0 else "fewer"
    text = f"{'about ' if approximate else ''}{amount:,.0f} {more} {volume.noun}"
    return text + (" a year" if volume.per_year else "") + f" than at {comparator}"


def gap_in_natural_units(
    rows: pd.DataFrame, populations: Mapping[str, float] | None = None, *,
    peers_label: str = "the best 5 of the 10 most similar areas",
) -> pd.DataFrame:
    """One area's latest rows (store columns ``indicator, period, value, denominator,
    approximate, england_value, peer_best5_mean``) -> the gap of each :data:`VOLUMES`
    indicator in people or events, from England and from its peers.

    ``populations``: indicator -> the area's population in the indicator's age band
    (:func:`band_populations`), used when a row has no denominator or is approximate; without
    it such rows get no volume. ``gap_*`` is signed: positive = more people/events than at the
    comparator's rate. ``text_*`` says it in words ("about" when approximate).
    """
    require_columns(rows, ["indicator", "period", "value", "denominator", "approximate",
                           "england_value", "peer_best5_mean"], "rows")
    populations = populations or {}
    records = []
    for row in rows[rows["indicator"].isin(list(VOLUMES))].itertuples(index=False):
        volume = VOLUMES[row.indicator]
        approximate = bool(row.approximate) or pd.isna(row.denominator)
        if not approximate:
            size, basis = float(row.denominator), "denominator (counts)"
        else:
            size = float(populations.get(row.indicator, np.nan))
            top = "+" if volume.age_to is None else f"-{volume.age_to}"
            basis = ("mid-2018 population (all ages)" if volume.age_from == 0 and top == "+"
                     else f"mid-2018 population aged {volume.age_from}{top}")
        gaps = [(float(row.value) - float(other)) * size / volume.per
                if pd.notna(row.value) and pd.notna(other) else np.nan
                for other in (row.england_value, row.peer_best5_mean)]
        records.append({
            "indicator": row.indicator, "period": row.period, "value": row.value,
            "england_value": row.england_value, "peer_best5_mean": row.peer_best5_mean,
            "volume": size, "volume_basis": basis, "approximate": approximate,
            "noun": volume.noun, "per_year": volume.per_year,
            "gap_england": gaps[0], "gap_peers": gaps[1],
            "text_england": _sentence(gaps[0], volume, approximate, "England's rate"),
            "text_peers": _sentence(gaps[1], volume, approximate, f"{peers_label}' rate"),
        })
    return pd.DataFrame(records, columns=GAP_COLUMNS)
