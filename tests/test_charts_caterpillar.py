"""Caterpillar chart: sorted values with CIs, markers by comparison, England line."""

from __future__ import annotations

import pytest
from chart_fixtures import AREA, INDICATOR_INFO, artists, synthetic_store, texts
from matplotlib.colors import to_hex

from stp_analytics.charts.caterpillar import plot_caterpillar, prepare_caterpillar_data
from stp_analytics.charts.style import DEFAULT_PALETTE
from stp_analytics.errors import DataValidationError, ParameterError


@pytest.fixture(scope="module")
def store():
    return synthetic_store()


def test_parts_sorted_with_england(store):
    data = prepare_caterpillar_data(store, AREA, "hle", indicator_info=INDICATOR_INFO)
    assert list(data["area_name"]) == ["CCG 0", "CCG 1", "CCG 2"]
    assert list(data["value"]) == sorted(data["value"])
    assert data.attrs["england_value"] == pytest.approx(
        store.loc[(store["area_role"] == "england") & (store["indicator"] == "hle")
                  & (store["period"] == "2016/17"), "value"].iloc[0])
    chart = plot_caterpillar(data)
    assert len(artists(chart, "caterpillar-ci")[0].get_segments()) == 3
    points = artists(chart, "caterpillar-points")
    assert sum(len(p.get_offsets()) for p in points) == 3
    for collection in points:
        label = collection.get_label()
        assert to_hex(collection.get_facecolors()[0]).upper() == \
            DEFAULT_PALETTE.comparison_colour(label)
    assert len(artists(chart, "caterpillar-england")) == 1
    assert len(artists(chart, "caterpillar-area")) == 1
    assert {"CCG 0", "CCG 1", "CCG 2"} <= set(texts(chart))
    assert "3 CCGs of Footprint 05" in chart.alt_text


def test_all_areas_with_highlight(store):
    data = prepare_caterpillar_data(store, AREA, "smoking", role="area",
                                    indicator_info=INDICATOR_INFO)
    assert len(data) == 44
    chart = plot_caterpillar(data)
    assert len(artists(chart, "caterpillar-highlight")[0].get_offsets()) == 1
    assert "> Footprint 05" in texts(chart)
    markers = {p.get_label(): p.get_paths()[0] for p in artists(chart, "caterpillar-points")}
    assert len(markers) >= 2  # different comparisons use different marker shapes
    shapes = [tuple(map(tuple, path.vertices.round(3))) for path in markers.values()]
    assert len(set(shapes)) == len(shapes)


def test_errors_name_the_problem(store):
    with pytest.raises(ParameterError, match="role"):
        prepare_caterpillar_data(store, AREA, "hle", role="region")
    with pytest.raises(DataValidationError, match="no 'part' rows.*ae_4hr"):
        prepare_caterpillar_data(store, AREA, "ae_4hr")


def test_deterministic_png(store):
    data = prepare_caterpillar_data(store, AREA, "hle", indicator_info=INDICATOR_INFO)
    assert plot_caterpillar(data).png_bytes() == plot_caterpillar(data).png_bytes()
