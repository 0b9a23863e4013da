"""Each footprint's ageing pressure, from its own age profile (ONS mid-2018, single year of age).

Method (``docs/finance_model.md``, "Demographic growth"):

* the mid-2018 population of every England district by single year of age (ONS MYE2, April 2019
  district codes) is mapped to LAD17 codes (a district merged in 2019 is split over its former
  districts by their mid-2017 population, :func:`stp_analytics.data.geography.lad_code_changes`) and
  then to the areas of the area set by the area set's district shares;
* the profile one year on is the same people one year older (:func:`cohort_shift`: each single
  year moves up one, the open 90+ group keeps its members, births equal today's age-0 count; no
  deaths and no migration);
* the ageing index of a profile pair is the change in the share of people aged 65 and over
  (:func:`ageing_index`); it is zero when the profile does not change;
* a footprint's ageing rate = ``ageing_uplift`` x its ageing index / England's, so England as a
  whole ages at the sourced national rate and each footprint faster or slower with its own age
  profile. The national rate is a parameter because no published age-cost curve by single year of
  age was available to cite (``finance_assumptions.yml``, ``ageing_uplift``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from stp_analytics.data.loaders.common import check_unique, read_csv_checked, to_number
from stp_analytics.errors import DataValidationError
from stp_analytics.paths import sources_dir
from stp_analytics.schema import ENGLAND_CODE

AGE_FILE = "ONS_MYE2_mid2018_LAD19_single_year_of_age_England_persons.csv.gz"
AGE_COLUMNS = tuple([f"age_{age}" for age in range(90)] + ["age_90plus"])
OLDER_AGE = 65


@lru_cache(maxsize=2)
def _lad19_profiles(path_text: str) -> pd.DataFrame:
    path = Path(path_text)
    raw = read_csv_checked(path, ["Code", "Name", "Sex", "All ages", *AGE_COLUMNS])
    check_unique(raw, ["Code"], path)
    frame = pd.DataFrame({column: to_number(raw, column, path) for column in AGE_COLUMNS})
    total = to_number(raw, "All ages", path)
    bad = frame.isna().any(axis=1) | (frame < 0).any(axis=1)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataValidationError("a single-year count is blank or negative", file=path.name,
                                  row=int(raw["source_row"].iloc[position]))
    off = (frame.sum(axis=1) - total).abs() > 0.5
    if off.any():
        position = int(np.flatnonzero(off.to_numpy())[0])
        raise DataValidationError("'All ages' is not the sum of the single years of age",
                                  file=path.name, row=int(raw["source_row"].iloc[position]),
                                  column="All ages")
    frame.index = raw["Code"].str.strip()
    frame.index.name = "lad_code"
    return frame


def lad_age_profiles(path: Path | None = None) -> pd.DataFrame:
    """Mid-2018 population by single year of age (columns age_0..age_90plus) for every England
    district (April 2019 codes) and England (E92000001), indexed by code."""
    return _lad19_profiles(str(path or sources_dir() / AGE_FILE)).copy()


def _to_lad17(profiles: pd.DataFrame) -> pd.DataFrame:
    """District profiles on LAD17 codes: a district created in 2019 is split over its former
    districts by their mid-2017 population share (:func:`lad_code_changes`)."""
    from stp_analytics.data.geography import lad_code_changes

    changes = lad_code_changes()
    changes = changes[changes["new_code"].isin(profiles.index)]
    kept = profiles[~profiles.index.isin(changes["new_code"])]
    split = profiles.loc[changes["new_code"]].mul(changes["weight"].to_numpy(), axis=0)
    split.index = pd.Index(changes["old_code"].to_numpy(), name="lad_code")
    return pd.concat([kept, split]).groupby(level=0).sum()


def area_age_profiles(area_set: str = "stp2017", path: Path | None = None) -> pd.DataFrame:
    """Mid-2018 single-year-of-age profile of each area of ``area_set`` (district shares)."""
    from stp_analytics.data.geography import load_area_set

    areas = load_area_set(area_set)
    profiles = lad_age_profiles(path)
    lad17 = _to_lad17(profiles.drop(index=ENGLAND_CODE, errors="ignore"))
    lads = areas.part_lookup("lad")
    missing = lads.loc[~lads["part_code"].isin(lad17.index), "part_code"]
    if len(missing):
        raise DataValidationError(f"district {missing.iloc[0]} has no mid-2018 age profile",
                                  file=AGE_FILE)
    people = lad17.loc[lads["part_code"]].mul(lads["share"].to_numpy(), axis=0)
    by_area = people.groupby(lads["area_code"].to_numpy()).sum()
    by_area = by_area.reindex(areas.areas["area_code"]).fillna(0.0)
    by_area.index.name = "area_code"
    return by_area


def cohort_shift(profiles: pd.DataFrame) -> pd.DataFrame:
    """The same people one year older: age a+1 next year = age a now; 90+ keeps its members and
    gains today's 89-year-olds; age 0 next year = today's age-0 count. No deaths, no migration."""
    values = profiles.loc[:, list(AGE_COLUMNS)].to_numpy(dtype=float)
    shifted = np.empty_like(values)
    shifted[:, 0] = values[:, 0]
    shifted[:, 1:-1] = values[:, :-2]
    shifted[:, -1] = values[:, -2] + values[:, -1]
    return pd.DataFrame(shifted, index=profiles.index, columns=list(AGE_COLUMNS))


def share_aged(profiles: pd.DataFrame, age: int = OLDER_AGE) -> pd.Series:
    """Share of each profile's people aged ``age`` and over."""
    older = [column for column in AGE_COLUMNS
             if column == "age_90plus" or int(column.split("_")[1]) >= age]
    total = profiles.loc[:, list(AGE_COLUMNS)].sum(axis=1)
    return profiles.loc[:, older].sum(axis=1) / total


def ageing_index(now: pd.DataFrame, later: pd.DataFrame, age: int = OLDER_AGE) -> pd.Series:
    """Change in the share aged ``age`` and over from ``now`` to ``later`` (0 if unchanged)."""
    return share_aged(later, age) - share_aged(now, age)


def ageing_rates(now: pd.DataFrame, later: pd.DataFrame, national_rate: float,
                 england_now: pd.Series, england_later: pd.Series) -> pd.Series:
    """Each profile's ageing rate a year: ``national_rate`` x its ageing index (``now`` ->
    ``later``) / England's. Zero for a profile that does not change."""
    reference = float(ageing_index(england_now.to_frame().T, england_later.to_frame().T).iloc[0])
    if reference == 0:
        raise DataValidationError("England's age profile does not change: no ageing reference",
                                  file=AGE_FILE)
    return (national_rate * ageing_index(now, later) / reference).rename("ageing_rate")


def area_ageing_index(area_set: str = "stp2017") -> pd.Series:
    """Each area's ageing index relative to England (1 = England's), from its mid-2018 profile
    and the same profile one year on (:func:`cohort_shift`)."""
    profiles = area_age_profiles(area_set)
    england = lad_age_profiles().loc[ENGLAND_CODE, list(AGE_COLUMNS)]
    england_later = cohort_shift(england.to_frame().T).iloc[0]
    return ageing_rates(profiles, cohort_shift(profiles), 1.0, england,
                        england_later).rename("ageing_relative")


__all__ = [
    "ageing_index",
    "ageing_rates",
    "area_age_profiles",
    "area_ageing_index",
    "cohort_shift",
    "lad_age_profiles",
    "share_aged",
]
