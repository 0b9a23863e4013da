"""League heat map: 44 areas x indicators, cells coloured and lettered by comparison."""

from __future__ import annotations

import numpy as np
import pytest
from chart_fixtures import AREA, INDICATOR_INFO, artists, synthetic_store, texts

from stp_analytics.charts.heatmap import plot_heatmap, prepare_heatmap_data
from stp_analytics.charts.style import COMPARISON_LABELS
from stp_analytics.errors import DataValidationError, ParameterError

INDICATORS = ["smoking", "hle", "dm_prev"]


@pytest.fixture(scope="module")
def store():
    return synthetic_store()


def test_table_of_latest_labels(store):
    data = prepare_heatmap_data(store, INDICATORS, indicator_info=INDICATOR_INFO)
    assert data.comparisons.shape == (44, 3)
    assert list(data.area_names) == sorted(data.area_names)
    latest = store[(store["indicator"] == "hle") & (store["period"] == "2016/17")
                   & (store["area_role"] == "area")].set_index("area_code")["comparison"]
    assert (data.comparisons["hle"] == latest.loc[data.comparisons.index]).all()
    assert set(data.periods) == {"2016/17"}


def test_sort_by_worse_and_errors(store):
    data = prepare_heatmap_data(store, INDICATORS, sort_by="worse")
    worse = (data.comparisons == "Worse").sum(axis=1).to_numpy()
    assert list(worse) == sorted(worse, reverse=True)
    with pytest.raises(ParameterError, match="sort_by"):
        prepare_heatmap_data(store, INDICATORS, sort_by="rank")
    with pytest.raises(DataValidationError, match="E54999999"):
        prepare_heatmap_data(store, INDICATORS, highlight="E54999999")


def test_cells_letters_and_highlight(store):
    data = prepare_heatmap_data(store, INDICATORS, indicator_info=INDICATOR_INFO,
                                highlight=AREA)
    chart = plot_heatmap(data)
    assert chart.png_bytes() == plot_heatmap(data).png_bytes()  # before any screen draw
    mesh = artists(chart, "heatmap-cells")[0]
    codes = np.asarray(mesh.get_array()).reshape(44, 3)
    expected = data.comparisons.apply(lambda c: c.map(COMPARISON_LABELS.index)).to_numpy()
    assert (codes == expected).all()
    letters = 0
    for label in COMPARISON_LABELS:
        found = artists(chart, f"heatmap-code-{label}")
        count = int((data.comparisons == label).to_numpy().sum())
        assert (len(found[0].get_offsets()) if found else 0) == count
        letters += count
    assert letters == 44 * 3
    assert len(artists(chart, "heatmap-highlight")) == 1
    assert "B  Better" in texts(chart) and "> Footprint 05" in texts(chart)
    assert "44 areas by 3 indicators" in chart.alt_text
