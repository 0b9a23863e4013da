"""England means the source's England (issue 18): the file's England row or all its providers,
not the sum over the 44 footprints."""

from __future__ import annotations

import pytest
from care_fixtures import raw_rows, row_of, shipped_store

ENGLAND = "E92000001"


@pytest.fixture(scope="module")
def store():
    return shipped_store(["ae_four_hour_all", "delayed_transfer_days"])



def test_ae_england_is_all_providers_in_the_file(store):
    rows = [r for r in raw_rows("ae_attendances_2016-04_2019-03.csv.gz")
            if r["period"].startswith("2019-03")]
    attendances = sum(float(r["attendances"]) for r in rows)
    seen = attendances - sum(float(r["breaches"]) for r in rows)
    england = row_of(store, "ae_four_hour_all", ENGLAND, "2019-03")
    assert (england["numerator"], england["denominator"]) == (seen, attendances)
    assert round(england["value"], 1) == 86.6  # the published figure, not the footprints' 84.5
    areas = store[(store["indicator"] == "ae_four_hour_all") & store["area_role"].eq("area")
                  & (store["period"] == "2019-03")]
    assert areas["denominator"].sum() < attendances
    gm = row_of(store, "ae_four_hour_all", "E54000007", "2019-03")
    assert gm["england_value"] == pytest.approx(england["value"])


def test_delayed_days_england_is_the_files_england_row(store):
    assert row_of(store, "delayed_transfer_days", ENGLAND, "2019-03")["value"] == 138_776
    areas = store[(store["indicator"] == "delayed_transfer_days") & store["area_role"].eq("area")
                  & (store["period"] == "2019-03")]
    assert areas["value"].sum() != 138_776
