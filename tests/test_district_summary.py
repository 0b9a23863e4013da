"""District comparisons in the spine chart and the health tile (issue 20 item 1): small frames,
then Greater Manchester from the real metric store (adult smoking 2018 counted by hand in
test_district_comparisons: 4 of its 10 districts worse than England, 0 better)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pack_fixtures import GM, make_pack
from store_factory import make_store

from stp_analytics.charts.spine import plot_spine
from stp_analytics.content import district_summary as ds
from stp_analytics.content import pack_charts
from stp_analytics.content.display import GapTile


def record(indicator: str, sex: str = "Persons", period: str = "2018", **counts) -> dict:
    base = {"districts": 10, "worse": 0, "better": 0, "similar": 0, "higher": 0, "lower": 0,
            "not_compared": 0, "no_value": 0}
    return {"indicator": indicator, "sex": sex, "period": period, **base, **counts}


RECORDS = [record("smoking", worse=4, similar=6),
           record("le", sex="Female", worse=7, similar=2, no_value=1),
           record("le", sex="Male", worse=6, better=1, similar=3)]


def test_spine_labels_only_for_rows_not_compared_and_of_the_same_period():
    data = pd.DataFrame({"indicator": ["smoking", "smoking", "diabetes"],
                         "period": ["2018", "2017", "2018"],
                         "comparison": ["Not compared", "Not compared", "Worse"]})
    labels = ds.spine_labels([*RECORDS, record("diabetes", worse=9)])
    assert labels[("smoking", "2018")] == "Of 10 districts: 4 worse, 0 better"
    assert ("le", "2018") not in labels  # females and males only: not the Persons spine
    out = ds.with_district_labels(data, labels)
    # another period has no label; a tested row keeps its own comparison
    assert list(out[ds.SPINE_COLUMN]) == ["Of 10 districts: 4 worse, 0 better", "", ""]


def test_totals_count_each_indicator_once_and_each_district_result():
    assert ds.district_totals(RECORDS) == {"indicators": 2, "results": 29, "worse": 17,
                                           "better": 1}


def test_health_tile_keeps_the_footprint_headline_and_labels_the_districts():
    store = make_store([{"indicator": "diabetes", **GM, "value": 7.0, "comparison": "Worse"}])
    pack = make_pack(store)
    tile = GapTile("Health and wellbeing gap", "1 worse, 0 better", "of 1 indicators", "worse")
    out = ds.health_tile(pack, tile, RECORDS)
    assert out.headline == "1 worse, 0 better" and out.status == "worse"
    assert out.detail == (
        "of 1 indicators compared with England (the footprint's own tests); for 2 approximate "
        "indicators (no test of the footprint), the districts' own comparisons with England: "
        "17 worse, 1 better of 29 district results")
    assert ds.health_tile(pack, tile, []) is tile


def test_spine_draws_the_district_text_and_says_it_in_the_alt_text():
    data = pd.DataFrame({
        "indicator": ["a", "b"], "name": ["Adult smoking", "Diabetes"], "unit": ["%", "%"],
        "polarity": ["low_is_good"] * 2, "period": ["2018"] * 2, "value": [16.0, 7.0],
        "england_value": [14.4, 6.7], "worst": [20.0, 8.0], "worst_quartile": [17.0, 7.5],
        "best_quartile": [13.0, 6.0], "best": [10.0, 5.0],
        "comparison": ["Not compared", "Worse"], "n_areas": [44, 44],
        "pos_value": [0.3, 0.4], "pos_worst": [0.0, 0.0], "pos_worst_quartile": [0.2, 0.2],
        "pos_best_quartile": [0.7, 0.7], "pos_best": [1.0, 1.0],
        ds.SPINE_COLUMN: ["Of 10 districts: 4 worse, 0 better", ""]})
    data.attrs["area_name"] = "GM"
    chart = plot_spine(data)
    compared = [t.get_text() for t in chart.figure.findobj()
                if getattr(t, "get_gid", lambda: None)() == "spine-compared"]
    assert compared == ["Of 10 districts:\n4 worse, 0 better", "Worse"]
    assert ("Approximate values, not tested, with their districts' own comparisons: Adult "
            "smoking (Of 10 districts: 4 worse, 0 better).") in chart.alt_text


@pytest.fixture(scope="module")
def greater_manchester():
    from stp_analytics.content.pack_content import open_pack

    return open_pack("E54000007")


@pytest.mark.slow
def test_greater_manchester_spine_and_tile_from_the_real_store(greater_manchester):
    pack = greater_manchester
    data = pack_charts.spine_data(pack)
    rows = pack.store[(pack.store["area_code"] == pack.area_code)
                      & pack.store["is_latest"] & (pack.store["sex"] == "Persons")]
    approximate = set(rows.loc[rows["approximate"], "indicator"]) & set(data["indicator"])
    assert approximate  # the approximate indicators of the spine all carry district counts
    shown = data.set_index("indicator")
    for indicator in approximate:
        assert shown.loc[indicator, ds.SPINE_COLUMN].startswith("Of 10 districts: ")
        # no approximate value carries a CI in the store the spine reads
        assert rows.loc[rows["indicator"] == indicator, ["lower", "upper"]].isna().all().all()
    assert shown.loc["smoking_prevalence", ds.SPINE_COLUMN] == (
        "Of 10 districts: 4 worse, 0 better")  # 2018, counted by hand from the raw file
    tested = shown[shown[ds.SPINE_COLUMN] == ""]
    assert tested["comparison"].isin(["Better", "Similar", "Worse", "Higher", "Lower",
                                      "Not compared"]).all()
    tile = next(t for t in ds_tiles(pack) if t.title == "Health and wellbeing gap")
    totals = ds.district_totals(ds.district_records(pack))
    assert totals["indicators"] >= len(approximate)
    assert (f"for {totals['indicators']} approximate indicators (no test of the footprint)"
            in tile.detail)
    assert np.isfinite(totals["worse"]) and totals["worse"] >= 4


def ds_tiles(pack):
    from stp_analytics.content.tiles import three_gap_tiles

    return three_gap_tiles(pack)
