"""Rows published at an area set's own area type (as IAPT publishes ICB rows from 2022-23) are
used directly by a set of that type and ignored, with England's row of those years, by others.

Synthetic: an indicator at footprint geography with footprint rows for 2017/18 and CCG rows for
2022/23; the synthetic ``ccg2017`` set plays the part of the ICB set.
"""

from __future__ import annotations

import pytest
from metrics_synthetic import AREAS, indicator, make_catalog, make_geography, obs_frame

from stp_analytics.metrics import build_store
from stp_analytics.schema import ENGLAND_CODE


def _observations():
    rows = [{"indicator": "rec", "area_type": "stp", "area_code": code, "period": "2017/18",
             "numerator": 40.0 + i, "denominator": 100.0} for i, code in enumerate(AREAS)]
    rows += [{"indicator": "rec", "area_type": "ccg", "area_code": f"C{i}", "period": "2022/23",
              "numerator": 30.0 + i, "denominator": 60.0} for i in (1, 2, 3)]
    rows += [{"indicator": "rec", "area_type": "england", "area_code": ENGLAND_CODE,
              "period": period, "numerator": num, "denominator": 1000.0}
             for period, num in (("2017/18", 450.0), ("2022/23", 520.0))]
    return obs_frame(rows)


def _store(area_set: str):
    catalog = make_catalog(rec=indicator("rec", geography="stp"))
    return build_store(catalog, area_set, observations=_observations(),
                       geography=make_geography())


def test_a_set_of_the_rows_own_type_uses_them_directly():
    store = _store("ccg2017")
    rows = store[store["indicator"].eq("rec") & store["area_role"].eq("area")]
    c2 = rows[rows["area_code"].eq("C2")].set_index("period")
    assert set(c2.index) == {"2022/23"}  # the footprint rows of 2017/18 reach no CCG
    assert (c2.loc["2022/23", "numerator"], c2.loc["2022/23", "denominator"]) == (32.0, 60.0)
    assert c2.loc["2022/23", "value"] == pytest.approx(100 * 32 / 60)
    assert c2.loc["2022/23", "england_value"] == pytest.approx(52.0)
    assert rows.loc[rows["period"].eq("2022/23"), "value"].notna().sum() == 3


def test_another_set_ignores_them_and_their_england_row():
    store = _store("stp2017")
    rec = store[store["indicator"].eq("rec")]
    assert set(rec["period"]) == {"2017/18"}
    assert rec.loc[rec["area_role"].eq("area"), "value"].notna().sum() == len(AREAS)
