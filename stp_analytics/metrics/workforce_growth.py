"""Growth of the footprint's NHS trust staff since March 2016 against its population's growth.

Staff: the store's ``staff_fte`` (full-time equivalents of the trusts based in the area, month
end). Population: ONS mid-year estimates apportioned to the area
(:func:`stp_analytics.data.geography.population.area_population`), mid-2016 to mid-2018, the
latest year vendored. Staff growth is given over the same two years (March 2016 to March 2018)
and to the latest month, so like is compared with like.
"""

from __future__ import annotations

import pandas as pd

from stp_analytics.data.geography.population import area_population, lad_population
from stp_analytics.schema import ENGLAND_CODE

STAFF = "staff_fte"
START_MONTH = "2016-03"
SAME_SPAN_MONTH = "2018-03"
POPULATION_YEARS = (2016, 2018)
GROWTH_COLUMNS = ("measure", "area", "start", "end", "start_value", "end_value",
                  "growth_percent")


def _fte(store: pd.DataFrame, code: str) -> pd.Series:
    rows = store[(store["indicator"] == STAFF) & (store["area_code"] == code)
                 & store["area_role"].isin(["area", "england"]) & (store["sex"] == "Persons")]
    return rows.set_index("period")["value"].dropna().sort_index()


def _row(measure: str, area: str, start: str, end: str, first: float, last: float) -> dict:
    return {"measure": measure, "area": area, "start": start, "end": end,
            "start_value": first, "end_value": last,
            "growth_percent": (last / first - 1) * 100 if first else float("nan")}


def workforce_growth(store: pd.DataFrame, area_code: str, area_set: str = "stp2017",
                     area_name: str = "") -> pd.DataFrame:
    """Rows (``GROWTH_COLUMNS``) for the area and England: staff FTE March 2016 to March 2018
    and to the latest month, and the population mid-2016 to mid-2018 (empty without staff)."""
    rows = []
    first_year, last_year = POPULATION_YEARS
    population = {year: area_population(area_set, year) for year in POPULATION_YEARS}
    england = {year: float(lad_population(year).sum()) for year in POPULATION_YEARS}
    for code, name in ((area_code, area_name or area_code), (ENGLAND_CODE, "England")):
        fte = _fte(store, code)
        if START_MONTH not in fte.index:
            continue
        latest = fte.index[-1]
        for end in dict.fromkeys([SAME_SPAN_MONTH, latest]):
            if end in fte.index:
                rows.append(_row("NHS trust staff (FTE)", name, START_MONTH, end,
                                 float(fte[START_MONTH]), float(fte[end])))
        people = (england if code == ENGLAND_CODE
                  else {y: float(population[y].get(code, float("nan"))) for y in population})
        rows.append(_row("Resident population (ONS mid-year)", name, f"mid-{first_year}",
                         f"mid-{last_year}", people[first_year], people[last_year]))
    return pd.DataFrame(rows, columns=list(GROWTH_COLUMNS))
