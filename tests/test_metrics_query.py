"""Query helpers and indicator status ("data not supplied", "suppressed") on the synthetic store."""

from __future__ import annotations

import pandas as pd
import pytest
from metrics_synthetic import indicator, make_catalog, make_geography, obs_frame, practice_counts

from stp_analytics.errors import UnknownAreaError
from stp_analytics.metrics import (
    STATUS_NOT_SUPPLIED,
    STATUS_OK,
    STATUS_SUPPRESSED,
    build_store,
    england_row,
    indicator_status,
    latest,
    store_for_area,
)


@pytest.fixture(scope="module")
def catalog():
    return make_catalog(
        rate=indicator("rate", statistic="rate", multiplier=1000.0),
        rtt=indicator("rtt", source=None, geography="trust"),
        only_south=indicator("only_south", geography="trust"),
    )


@pytest.fixture(scope="module")
def store(catalog) -> pd.DataFrame:
    rates = practice_counts().assign(indicator="rate")
    rates.loc[rates["area_code"].isin(["P01", "P02"]), "numerator"] = 4.0
    south = obs_frame([{"indicator": "only_south", "area_type": "trust", "area_code": "T5",
                        "period": "2017/18", "numerator": 50.0, "denominator": 100.0}])
    obs = pd.concat([practice_counts(), rates, south], ignore_index=True)
    return build_store(catalog, observations=obs, geography=make_geography())


def test_status_for_every_catalogue_indicator(store, catalog):
    status = indicator_status(store, catalog, "E54000001").set_index("indicator")
    assert list(status.index) == list(catalog.indicators)
    assert status.loc["prev", "status"] == STATUS_OK
    assert status.loc["prev", "period"] == "2017/18"
    assert status.loc["rate", "status"] == STATUS_SUPPRESSED
    assert status.loc["rtt", "status"] == STATUS_NOT_SUPPLIED
    assert status.loc["rtt", "reason"] == "no default data source"
    assert status.loc["smoke", "status"] == STATUS_NOT_SUPPLIED  # source given, no rows
    assert status.loc["only_south", "status"] == STATUS_NOT_SUPPLIED  # no data for this area
    south = indicator_status(store, catalog, "E54000005").set_index("indicator")
    assert south.loc["only_south", "status"] == STATUS_OK


def test_store_for_area(store):
    mine = store_for_area(store, "E54000001")
    roles = mine.groupby("area_role")["area_code"].unique()
    assert list(roles["area"]) == ["E54000001"]
    assert list(roles["region"]) == ["E40000001"]
    assert sorted(roles["part"]) == ["C1", "C7"]
    assert list(roles["england"]) == ["E92000001"]
    with pytest.raises(UnknownAreaError, match="E54000099"):
        store_for_area(store, "E54000099")


def test_latest_and_england_row(store):
    rows = latest(store, "prev")
    assert len(rows) == 6 and set(rows["period"]) == {"2017/18"}
    assert len(latest(store, "prev", area_code="E54000002")) == 1
    england = england_row(store, "prev")
    assert england["period"] == "2017/18" and england["area_code"] == "E92000001"
    assert england_row(store, "prev", period="2016/17")["period"] == "2016/17"
    assert england_row(store, "rtt") is None
