"""Bridge (waterfall): running totals, consistency check, bars and labels."""

from __future__ import annotations

import pandas as pd
import pytest
from chart_fixtures import artists, bridge_steps

from stp_analytics.charts.bridge import plot_bridge, prepare_bridge_data
from stp_analytics.errors import DataValidationError


def test_running_totals_without_kind_column():
    data = prepare_bridge_data(bridge_steps())
    assert list(data["kind"]) == ["total", "step", "step", "step", "total"]
    assert list(data["start"]) == [0.0, 300.0, 150.0, 90.0, 0.0]
    assert list(data["end"]) == [300.0, 150.0, 90.0, 50.0, 50.0]


def test_kind_column_from_the_finance_model_is_used():
    steps = bridge_steps().assign(kind=["total", "step", "step", "step", "total"])
    assert prepare_bridge_data(steps)["end"].iloc[-2] == 50.0


def test_inconsistent_residual_names_the_row():
    steps = bridge_steps()
    steps.loc[4, "amount_gbp_m"] = 80.0
    with pytest.raises(DataValidationError, match=r"row 4.*running total 50.00"):
        prepare_bridge_data(steps)


def test_missing_amount_and_bad_kind_are_named():
    steps = bridge_steps()
    steps.loc[2, "amount_gbp_m"] = None
    with pytest.raises(DataValidationError, match="row 2, column 'amount_gbp_m'"):
        prepare_bridge_data(steps)
    with pytest.raises(DataValidationError, match="kind 'lever'"):
        prepare_bridge_data(bridge_steps().assign(kind=["total", "lever", "step", "step",
                                                        "total"]))
    with pytest.raises(DataValidationError, match="'label'"):
        prepare_bridge_data(pd.DataFrame({"amount_gbp_m": [1.0, 1.0]}))


def test_bars_hatching_and_value_labels():
    chart = plot_bridge(prepare_bridge_data(bridge_steps()), area_name="Footprint 05")
    totals, steps = artists(chart, "bridge-total"), artists(chart, "bridge-step")
    assert len(totals) == 2 and len(steps) == 3
    assert all(bar.get_hatch() for bar in steps) and not any(bar.get_hatch() for bar in totals)
    assert totals[0].get_height() == pytest.approx(300.0)
    assert steps[0].get_y() == pytest.approx(150.0) and steps[0].get_height() == pytest.approx(150)
    labels = [t.get_text() for t in artists(chart, "bridge-value")]
    assert labels == ["£300.0m", "-£150.0m", "-£60.0m", "-£40.0m", "£50.0m"]
    assert len(artists(chart, "bridge-connector")) == 4
    assert "do-nothing gap £300.0m" in chart.alt_text and "residual gap £50.0m" in chart.alt_text
    assert "£ million" in chart.figure.axes[0].get_ylabel()


def test_increase_in_gap_is_drawn_differently_and_deterministic():
    steps = pd.DataFrame({"label": ["Gap", "Cost pressure", "Residual"],
                          "amount_gbp_m": [10.0, 5.0, 15.0]})
    chart = plot_bridge(prepare_bridge_data(steps))
    assert artists(chart, "bridge-step")[0].get_hatch() == "xx"
    assert chart.png_bytes() == plot_bridge(prepare_bridge_data(steps)).png_bytes()
