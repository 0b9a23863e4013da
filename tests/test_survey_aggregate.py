"""Adult smoking 2019 as a catalogue indicator (issue 20 item 2): the ``aps_smoking`` loader,
the ``survey_weighted_mean`` rule in the store, and a merged district counted as one estimate.
Greater Manchester's value and CI by hand from the raw file: test_smoking_2019."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from stp_analytics.data.catalog import load_catalog
from stp_analytics.data.geography import lad_code_changes, load_area_set
from stp_analytics.data.loaders.aps_smoking import (
    APS_SMOKING_FILE,
    load_aps_smoking,
    read_aps_smoking,
)
from stp_analytics.metrics import build_store
from stp_analytics.metrics.smoking import area_smoking
from stp_analytics.paths import sources_dir
from stp_analytics.schema import ENGLAND_CODE

INDICATOR = "smoking_prevalence_2019"
GM = "E54000007"


@pytest.fixture(scope="module")
def store() -> pd.DataFrame:
    catalog = load_catalog()
    return build_store(catalog, observations=catalog.observations([INDICATOR]))


def test_loader_sets_aside_suppressed_districts_and_the_region_row():
    source = SimpleNamespace(id="aps", options={"period": "2019"})
    obs = load_aps_smoking(sources_dir() / APS_SMOKING_FILE, source, [SimpleNamespace(id="x")])
    assert len(obs) == 319  # every row of the file is accounted for
    reasons = obs.loc[obs["set_aside"] != "", "set_aside"].value_counts().to_dict()
    assert reasons == {"value suppressed by PHE": 2, "region row (not used)": 1}
    east_suffolk = obs[obs["area_code"] == "E07000244"].iloc[0]  # kept under its 2019 code
    assert east_suffolk["area_type"] == "lad" and east_suffolk["set_aside"] == ""
    england = obs[obs["area_code"] == ENGLAND_CODE].iloc[0]
    assert (england["period"], england["numerator"]) == ("2019", 6144703.0)


def test_store_rows_are_the_survey_estimate_with_a_real_comparison(store):
    districts = read_aps_smoking(sources_dir() / APS_SMOKING_FILE)
    expected = area_smoking(districts, load_area_set("stp2017").part_lookup("lad"),
                            lad_code_changes()).set_index("area_code")
    areas = store[store["area_role"] == "area"].set_index("area_code")
    assert len(areas) == 44
    for column in ("value", "lower", "upper"):
        assert np.allclose(areas[column], expected.loc[areas.index, column], rtol=1e-12)
    gm = areas.loc[GM]
    assert gm["value"] == pytest.approx(15.945, abs=5e-4)  # Σ smokers ÷ Σ adults
    assert (gm["lower"], gm["upper"]) == pytest.approx((15.049, 16.842), abs=5e-4)
    assert gm["comparison"] == "Worse" and not gm["approximate"] and gm["status"] == "ok"
    assert gm["method"] == "weighted survey estimates (Kish)"
    england = store[store["area_role"] == "england"].iloc[0]
    assert (england["value"], england["method"]) == (pytest.approx(13.882133), "published")
    assert gm["england_value"] == england["value"]
    # every comparison is the area's CI against England's value (Fingertips' single method)
    worse = areas["lower"] > england["value"]
    better = areas["upper"] < england["value"]
    assert (areas["comparison"] == "Worse").eq(worse).all()
    assert (areas["comparison"] == "Better").eq(better).all()
    assert areas["rank"].notna().all()


def test_store_notes_name_the_apportioned_and_suppressed_districts(store):
    notes = store.set_index("area_name")["note"]
    assert notes["North East London"] == "no published value for City of London (left out)"
    assert notes["Norfolk and Waveney"] == (
        "East Suffolk (a 2019 merger) apportioned by population share")
    assert "2019 mergers" in notes["Dorset"]


def test_a_merged_district_wholly_in_one_area_is_one_estimate_not_two():
    # D (10%, CI 8-12, 1,000 adults) replaced O1 and O2, both in area A: A's interval is D's
    districts = pd.DataFrame({
        "area_code": [ENGLAND_CODE, "D"], "area_name": ["England", "D"],
        "area_type": ["england", "lad"], "value": [12.0, 10.0], "lower": [11.0, 8.0],
        "upper": [13.0, 12.0], "count": [1200.0, 100.0], "population": [10000.0, 1000.0],
        "suppressed": [False, False]})
    changes = pd.DataFrame({"new_code": ["D", "D"], "new_name": ["D", "D"],
                            "old_code": ["O1", "O2"], "weight": [0.4, 0.6]})
    lookup = pd.DataFrame({"part_code": ["O1", "O2"], "area_code": ["A", "A"],
                           "share": [1.0, 1.0]})
    area = area_smoking(districts, lookup, changes).set_index("area_code").loc["A"]
    assert area["value"] == pytest.approx(10.0)
    assert (area["lower"], area["upper"]) == pytest.approx((8.0, 12.0))
    assert area["population"] == pytest.approx(1000.0) and area["districts"] == 1
    assert area["split"] == "D" and not math.isnan(area["se"])


def test_greater_manchester_smoking_gap_in_adults_from_the_counts(store):
    from stp_analytics.metrics.natural_units import gap_in_natural_units

    gm = store[(store["area_role"] == "area") & (store["area_code"] == GM)]
    gap = gap_in_natural_units(gm.assign(peer_best5_mean=np.nan)).iloc[0]
    row = gm.iloc[0]
    assert not gap["approximate"] and gap["volume_basis"] == "denominator (counts)"
    expected = (row["value"] - row["england_value"]) * row["denominator"] / 100
    assert gap["gap_england"] == pytest.approx(expected)
    assert round(expected, -2) == 45_800  # 2.06 points of 2.22 million adults
    assert "adults who smoke" in gap["text_england"]
