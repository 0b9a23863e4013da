"""Ageing from each footprint's own age profile (ONS mid-2018 single year of age)."""

from __future__ import annotations

import dataclasses
import gzip

import numpy as np
import pandas as pd
import pytest

from stp_analytics.errors import DataValidationError
from stp_analytics.finance import default_assumptions, project_gap
from stp_analytics.finance.ageing import (
    AGE_COLUMNS,
    ENGLAND_CODE,
    ageing_index,
    ageing_rates,
    area_age_profiles,
    area_ageing_index,
    cohort_shift,
    lad_age_profiles,
    share_aged,
)


def profile(counts: dict[int, float], name: str = "A") -> pd.DataFrame:
    row = {column: 0.0 for column in AGE_COLUMNS}
    for age, count in counts.items():
        row["age_90plus" if age >= 90 else f"age_{age}"] = count
    return pd.DataFrame([row], index=[name])


def test_cohort_shift_moves_everyone_one_year_on():
    now = profile({0: 10, 64: 5, 89: 2, 90: 3})
    later = cohort_shift(now).iloc[0]
    assert later["age_0"] == 10 and later["age_1"] == 10  # births repeat today's age-0 count
    assert later["age_65"] == 5 and later["age_64"] == 0
    assert later["age_90plus"] == 5  # 90+ keeps its 3 and gains the 2 aged 89
    assert share_aged(now).iloc[0] == pytest.approx(5 / 20)  # 64 is not yet 65
    assert share_aged(cohort_shift(now)).iloc[0] == pytest.approx(10 / 30)


def test_ageing_is_zero_for_a_profile_that_does_not_change():
    england = profile({30: 100, 64: 10, 70: 20}).iloc[0]
    england_later = cohort_shift(england.to_frame().T).iloc[0]
    still = profile({30: 50, 80: 50}, "still")
    moving = profile({30: 50, 64: 50}, "moving")
    now = pd.concat([still, moving])
    later = pd.concat([still, cohort_shift(moving)])
    rates = ageing_rates(now, later, 0.007, england, england_later)
    assert rates["still"] == 0.0
    assert rates["moving"] > 0
    assert ageing_index(still, still).iloc[0] == 0.0
    # England's own rate is the national rate exactly
    assert ageing_rates(england.to_frame().T, england_later.to_frame().T, 0.007, england,
                        england_later).iloc[0] == pytest.approx(0.007)


def test_model_ageing_component_is_zero_when_the_profile_does_not_change():
    area = pd.DataFrame(
        {"area_name": ["Still", "Ageing"], "allocation_share": [0.5, 0.5],
         "population_2016": [1e6, 1e6], "population_growth": [0.0, 0.0],
         "ageing_relative": [0.0, 1.0]},
        index=pd.Index(["E1", "E2"], name="area_code"))
    flat = dataclasses.replace(
        default_assumptions(), funding_growth_2016_17=0.0, non_demographic_growth=0.0,
        cost_inflation=0.0, baseline_provider_position="none", ageing_uplift=0.01)
    spend = project_gap(area, flat).pivot(index="area_code", columns="t",
                                          values="spend_do_nothing_gbp")
    assert np.allclose(spend.loc["E1"], spend.loc["E1", 0])  # no ageing: flat spending
    assert spend.loc["E2", 4] / spend.loc["E2", 3] == pytest.approx(1.01)


def test_area_profiles_reproduce_the_england_total():
    profiles = lad_age_profiles()
    england = profiles.loc[ENGLAND_CODE]
    districts = profiles.drop(index=ENGLAND_CODE)
    assert england.sum() == 55_977_178  # ONS mid-2018, as published
    assert np.allclose(districts.sum(), england)
    areas = area_age_profiles("stp2017")
    assert len(areas) == 44
    assert areas.to_numpy().sum() == pytest.approx(england.sum(), rel=1e-12)
    relative = area_ageing_index("stp2017")
    assert relative.between(0.3, 2.0).all() and relative.std() > 0.05


HEADER = "Code,Name,Geography,Sex,All ages," + ",".join(AGE_COLUMNS)


def age_file(tmp_path, rows: list[str], header: str = HEADER):
    path = tmp_path / "ages.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join([header, *rows]) + "\n")
    return path


def row(code: str, total: str = "91", first: str = "1") -> str:
    return f"{code},Name,District,Persons,{total},{first}," + ",".join(["1"] * 90)


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        ([row("E06000001")], HEADER.replace(",age_5,", ",age5,"), "missing column"),
        ([row("E06000001", first="x")], HEADER, "non-numeric value 'x'"),
        ([row("E06000001"), row("E06000001")], HEADER, "duplicate key"),
        ([row("E06000001", total="95")], HEADER, "not the sum of the single years"),
        ([row("E06000001", first="-1", total="89")], HEADER, "blank or negative"),
    ],
)
def test_bad_age_file(tmp_path, rows, header, message):
    with pytest.raises(DataValidationError, match=message):
        lad_age_profiles(age_file(tmp_path, rows, header))
