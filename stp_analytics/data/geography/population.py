"""Populations and LAD code changes: ONS mid-year estimates by LAD17 and by area.

* :func:`lad_population` - ONS MYEB3 all-ages mid-year population, England LAD17 codes, 2001-2018.
* :func:`area_population` - the same apportioned to the areas of an area set by LAD share
  (the LSOA-count share of a split district), used for population-weighted means and growth.
* :func:`lad_to_utla`, :func:`utla_population` - districts grouped into upper-tier LAs (county
  E10 for a two-tier district, else the district itself).
* :func:`lad_code_changes` - ONS code changes and mergers after April 2017 (transcribed from the
  ONS Code History Database into ``data_catalog/areas/lad_code_changes.csv``) with each old LAD's
  mid-2017 population share of the new area.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from stp_analytics.data.geography import derive, sources
from stp_analytics.data.geography.area_set import AreaSet, areas_dir, load_area_set
from stp_analytics.errors import DataValidationError, ParameterError

CODE_CHANGES_FILE = "lad_code_changes.csv"
CODE_CHANGE_COLUMNS = ("new_code", "new_name", "old_code", "old_name")
WEIGHT_YEAR = 2017


def lad_population(year: int) -> pd.Series:
    """Mid-year population of every England LAD17 in ``year`` (2001-2018), indexed by LAD code."""
    if not isinstance(year, int) or isinstance(year, bool) or year not in sources.MYE_YEARS:
        raise ParameterError(
            f"year {year!r} has no ONS mid-year estimate; expected an integer 2001-2018"
        )
    population = sources.mid_year_estimates()[str(year)].copy()
    population.index.name = "lad_code"
    return population.rename("population")


@lru_cache(maxsize=1)
def _lad_to_utla() -> pd.DataFrame:
    return derive.lad_to_utla().sort_values("lad_code", ignore_index=True)


def lad_to_utla() -> pd.DataFrame:
    """DataFrame[lad_code, utla_code, utla_name] for the 326 England LAD17s (152 UTLAs)."""
    return _lad_to_utla().copy()


def utla_population(year: int) -> pd.Series:
    """Mid-year population of every upper-tier LA in ``year``: the sum of its districts."""
    lads = lad_population(year)
    utla = _lad_to_utla().set_index("lad_code")["utla_code"]
    population = lads.groupby(lads.index.map(utla)).sum()
    population.index.name = "utla_code"
    return population.rename("population")


def area_population(area_set: str | AreaSet = "stp2017", year: int = 2017) -> pd.Series:
    """Mid-year population of each area: sum of LAD population x the LAD's share of the area."""
    areas = load_area_set(area_set)
    lads = areas.part_lookup("lad")
    population = lad_population(year)
    missing = lads.loc[~lads["part_code"].isin(population.index), "part_code"]
    if len(missing):
        raise DataValidationError(
            f"LAD {missing.iloc[0]} has no mid-{year} population", file=sources.MYE_FILE
        )
    people = lads["part_code"].map(population) * lads["share"]
    by_area = people.groupby(lads["area_code"]).sum()
    result = by_area.reindex(areas.areas["area_code"]).fillna(0.0)
    result.index.name = "area_code"
    return result.rename("population")


@lru_cache(maxsize=1)
def _code_changes() -> pd.DataFrame:
    path = areas_dir() / CODE_CHANGES_FILE
    if not path.exists():
        raise DataValidationError("LAD code change file not found", file=str(path))
    changes = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    missing = [name for name in CODE_CHANGE_COLUMNS if name not in changes.columns]
    if missing:
        raise DataValidationError(f"missing column(s) {', '.join(missing)}", file=str(path))
    population = lad_population(WEIGHT_YEAR)
    unknown = ~changes["old_code"].isin(population.index)
    if unknown.any():
        row = int(unknown.to_numpy().nonzero()[0][0])
        raise DataValidationError(
            f"old_code {changes['old_code'].iloc[row]} is not an England LAD17 code",
            file=str(path),
            row=row + 2,
            column="old_code",
        )
    people = changes["old_code"].map(population)
    changes["weight"] = people / people.groupby(changes["new_code"]).transform("sum")
    return changes.sort_values(["new_code", "old_code"], ignore_index=True)


def lad_code_changes() -> pd.DataFrame:
    """DataFrame[new_code, new_name, old_code, weight]: LADs created after April 2017.

    A value published for a new (merged) LAD applies to each of its old LAD17 districts; weight is
    the old district's share of the new area's mid-2017 population (ONS MYE).
    """
    return _code_changes()[["new_code", "new_name", "old_code", "weight"]].copy()
