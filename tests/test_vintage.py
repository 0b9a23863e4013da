"""Tests for the data vintage (``as_at``): metrics.vintage (period ends, the filtered store),
content.vintage (finance fallback, cover line) and the parameter check before any kernel."""

from __future__ import annotations

import pandas as pd
import pytest
from pack_fixtures import CATALOG, GM
from store_factory import make_store

from stp_analytics import paths
from stp_analytics.build import pack_spec
from stp_analytics.content import vintage as content_vintage
from stp_analytics.errors import ParameterError
from stp_analytics.metrics import periods, vintage

CASES = {  # label (monthly?) -> first day after the period
    ("2016-06", True): "2016-07-01", ("2016-12", True): "2017-01-01",
    ("2015/16", False): "2016-04-01", ("2016/17", False): "2017-04-01",
    ("2014-16", False): "2017-01-01", ("2010-12", False): "2013-01-01",
    ("2016", False): "2017-01-01", ("2009-10", False): "2011-01-01",
}


def test_period_ends_follow_the_label_and_its_start() -> None:
    labels = pd.Series([label for label, _ in CASES])
    starts = pd.concat([periods.period_table(pd.Series([label]), monthly=monthly)["period_start"]
                        for label, monthly in CASES], ignore_index=True)
    ends = vintage.period_end(labels, starts)
    assert [str(end.date()) for end in ends] == list(CASES.values())


@pytest.mark.parametrize("value", ["2016-13", "June 2016", "2016", "16-06", "2016-6"])
def test_a_bad_as_at_is_a_clear_parameter_error(value) -> None:
    with pytest.raises(ParameterError, match="'as_at'.*YYYY-MM"):
        vintage.parse_as_at(value)
    notebook = paths.notebooks_dir() / "three_gaps.ipynb"
    with pytest.raises(ParameterError, match="as_at"):
        pack_spec.validate_parameters(notebook, {"as_at": value})
    assert pack_spec.validate_parameters(notebook, {"as_at": "2016-06"}) == {"as_at": "2016-06"}


def _store() -> pd.DataFrame:
    rows = [{"indicator": "diabetes", **GM, "period": period, "value": value,
             "period_start": pd.Timestamp(start)}
            for period, start, value in (("2014/15", "2014-04-01", 6.0),
                                         ("2015/16", "2015-04-01", 6.5),
                                         ("2016/17", "2016-04-01", 7.0))]
    return make_store(rows)


def test_the_store_as_at_a_month_keeps_only_periods_ended_and_moves_the_latest() -> None:
    store = _store()
    store["is_latest"] = store["period"].eq("2016/17")
    dated = vintage.as_at_store(store, "2016-06", CATALOG)
    assert dated["period"].tolist() == ["2014/15", "2015/16"]
    assert dated.loc[dated["is_latest"], "period"].tolist() == ["2015/16"]
    assert vintage.as_at_store(store, "", CATALOG) is store
    assert vintage.as_at_store(store, "2017-03", CATALOG)["period"].tolist()[-1] == "2016/17"


def test_finance_falls_back_before_the_2018_19_results_and_the_cover_says_so() -> None:
    chosen = {"baseline_provider_position": "underlying", "psf_2018_19": 2.45}
    assert content_vintage.finance_assumptions(chosen, "2016-06")[
        "baseline_provider_position"] == "share"
    assert content_vintage.finance_assumptions(chosen, "2019-06") == chosen
    assert content_vintage.finance_assumptions(chosen, "") == chosen
    none = {"baseline_provider_position": "none"}
    assert content_vintage.finance_assumptions(none, "2016-06") == none
    ranges = vintage.period_ranges(
        pd.DataFrame({"indicator": ["a", "b", "c"], "period": ["2013-15", "2015/16", "2016-06"],
                      "period_start": pd.to_datetime(["2013-01-01", "2015-04-01",
                                                      "2016-06-01"])}),
        {"a": "health", "b": "health", "c": "care"})
    assert ranges == {"health": "2013-15 to 2015/16", "care": "2016-06"}
    assert content_vintage.vintage_line("2016-06", ranges) == (
        "As at June 2016 (health 2013-15 to 2015/16; care 2016-06)")
    assert content_vintage.vintage_line("", {}) == "The latest data"


def test_the_share_starting_position_is_the_deficit_spread_by_share() -> None:
    from types import SimpleNamespace

    from stp_analytics.finance.baseline import BN, starting_gap

    baseline = pd.DataFrame({"allocation_share": [0.25, 0.75]})
    assumptions = SimpleNamespace(baseline_provider_position="share",
                                  provider_underlying_deficit=3.7)
    gap = starting_gap(baseline, assumptions)
    assert gap.tolist() == [3.7 * BN * 0.25, 3.7 * BN * 0.75]
