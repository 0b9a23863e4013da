"""Store helpers for charts: indicator information from every accepted form, periods, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from catalog_fixtures import small_catalog
from chart_fixtures import synthetic_store

from stp_analytics.charts.data import (
    combine_sources,
    indicator_info_table,
    resolve_period,
    select_rows,
    source_text,
)
from stp_analytics.errors import DataValidationError, ParameterError


def test_info_from_catalog_mapping_frame_and_none():
    catalog = small_catalog(
        {"smoking": {"name": "Smoking prevalence", "short_name": "Smoking", "unit": "%",
                     "polarity": "low_is_good", "source": "aps"}},
        {"aps": {"publisher": "ONS", "period": "2018"}})
    indicator = catalog.indicators["smoking"]
    table = indicator_info_table(catalog, ["smoking", "other"])
    assert table.loc["smoking", "source"] == "ONS (2018)"
    assert table.loc["smoking", "short_name"] == "Smoking"
    assert table.loc["other"].to_dict() == {"name": "other", "short_name": "other", "unit": "",
                                            "polarity": "none", "source": ""}
    assert indicator_info_table({"smoking": indicator}, ["smoking"]).loc["smoking",
                                                                         "source"] == "aps"
    frame = pd.DataFrame({"indicator": ["smoking"], "name": ["S"], "unit": ["%"],
                          "polarity": ["high_is_good"], "source": [np.nan]})
    assert indicator_info_table(frame, ["smoking"]).loc["smoking", "source"] == ""
    assert indicator_info_table(None, ["x"]).loc["x", "polarity"] == "none"


def test_bad_info_is_named():
    with pytest.raises(DataValidationError, match="polarity 'up'"):
        indicator_info_table({"x": {"polarity": "up"}}, ["x"])
    with pytest.raises(ParameterError, match="indicator_info"):
        indicator_info_table(42, ["x"])


def test_latest_and_named_period():
    store = synthetic_store()
    rows = select_rows(store, indicator="hle", area_role="area")
    assert resolve_period(rows, None, "test") == "2016/17"
    assert resolve_period(rows, "2014/15", "test") == "2014/15"
    with pytest.raises(DataValidationError, match="period '1999' not in the metric store"):
        resolve_period(rows, "1999", "test")
    with pytest.raises(DataValidationError, match="no rows"):
        resolve_period(rows.iloc[:0], None, "test")


def test_source_lines_are_combined_once():
    one = source_text(pd.DataFrame({"source": ["A", "B", "A"]}), None)
    assert one == "A; B. Open data under the Open Government Licence v3.0"
    assert combine_sources([one, source_text(pd.DataFrame({"source": ["C"]}), None)]) == \
        "A; B; C. Open data under the Open Government Licence v3.0"
    assert source_text(pd.DataFrame({"source": ["A"]}), "Given") == "Given"
