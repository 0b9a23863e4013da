"""The national reference figures (finance_calibration.yml): complete, sourced, validated."""

from __future__ import annotations

import pytest

from stp_analytics.errors import DataValidationError, ParameterError
from stp_analytics.finance import default_assumptions
from stp_analytics.finance.assumptions import assumption_specs, assumptions_path
from stp_analytics.finance.calibration import (
    SCOPES,
    calibration_table,
    figure_value,
    load_calibration,
)

GOOD = """figures:
  gap:
    label: A gap
    value: 30.0
    unit: £bn
    scope: NHS England
    year: 2020/21
    verified: true
    source: {publisher: P, title: T, date: 2016-11, url: https://example.org}
    quote: The gap is £30bn.
"""


def write(tmp_path, text: str):
    path = tmp_path / "finance_calibration.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_figure_has_scope_year_source_and_quote():
    table = calibration_table()
    assert len(table) >= 15
    assert set(table["scope"]) <= set(SCOPES)
    for row in table.itertuples():
        assert row.quote and row.source and row.year, row.key
        if not row.verified:  # an unverified figure says why
            assert "not found" in row.quote.lower() or "unverified" in row.quote.lower(), row.key


def test_issue_figures_and_corrections():
    assert figure_value("fyfv_gap_2020_21") == 30.0
    assert figure_value("efficiency_national_2020_21") + figure_value(
        "efficiency_local_2020_21") == pytest.approx(21.6)
    assert figure_value("provider_outturn_2016_17") == -0.791
    assert figure_value("provider_outturn_2017_18") == -0.966  # issue 21 said about -0.960
    # the 2018/19 figure before the exceptional adjustment is the published arithmetic
    assert figure_value("provider_outturn_2018_19_before_adjustment") == pytest.approx(
        figure_value("provider_outturn_2018_19") - 0.256)
    # IPPR's press release gives the total ("over £24 billion") but not the per-head range
    figures = load_calibration()
    assert figures["stp_submissions_do_nothing_2020_21"].verified
    assert "over £24 billion" in figures["stp_submissions_do_nothing_2020_21"].quote
    assert not figures["stp_submissions_per_head_low_2020_21"].verified


def test_model_defaults_are_the_published_figures():
    defaults = default_assumptions()
    assert defaults.provider_underlying_deficit == -figure_value(
        "provider_underlying_deficit_2015_16")
    assert defaults.psf_2018_19 == figure_value("sustainability_funding_2018_19")
    for year in ("2016/17", "2017/18", "2018/19", "2019/20", "2020/21"):
        name = f"cost_inflation_{year.replace('/', '_')}"
        assert getattr(defaults, name) == figure_value("nhsi_cost_inflation", year)
    growth = figure_value("place_based_allocations", "2016/17") / figure_value(
        "place_based_allocations", "2015/16") - 1
    assert defaults.funding_growth_2016_17 == pytest.approx(growth, abs=5e-5)


def test_good_file_loads(tmp_path):
    figures = load_calibration(write(tmp_path, GOOD))
    assert figures["gap"].value == 30.0 and figures["gap"].source.date == "2016-11"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("    quote: The gap is £30bn.\n", ""), r"figure 'gap': required field 'quote'"),
        (("value: 30.0", "value: thirty"), r"figure 'gap': 'value' must be a number"),
        (("scope: NHS England", "scope: Wales"), r"'scope' must be one of"),
        (("value: 30.0", "values: {2020/21: 30.0}\n    value: 30.0"), r"exactly one of"),
        (("    unit: £bn\n", "    unit: £bn\n    colour: red\n"), r"figure 'gap'"),
    ],
)
def test_bad_figures_name_the_file_and_key(tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(DataValidationError, match=message) as error:
        load_calibration(path)
    assert error.value.file == "finance_calibration.yml"
    assert error.value.column.startswith("gap")


def test_bad_file_shape(tmp_path):
    with pytest.raises(DataValidationError, match="figures"):
        load_calibration(write(tmp_path, "- a list\n"))
    with pytest.raises(DataValidationError, match="not found"):
        load_calibration(tmp_path / "missing.yml")
    with pytest.raises(DataValidationError, match="no figure 'nope'"):
        figure_value("nope")
    with pytest.raises(DataValidationError, match="no value for '1999/00'"):
        figure_value("nhsi_cost_inflation", "1999/00")


def test_an_assumption_that_departs_from_its_figure_is_an_error(tmp_path):
    text = assumptions_path().read_text(encoding="utf-8").replace(
        "provider_underlying_deficit:\n  value: 3.7", "provider_underlying_deficit:\n  value: 3.0")
    path = tmp_path / "finance_assumptions.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match="provider_underlying_deficit.*differs from the "
                                             "published figure"):
        assumption_specs(path)
