"""finance_section (the notebook's call) and `stp-packs finance`: consistent numbers and text."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from stp_analytics.cli import main
from stp_analytics.errors import ParameterError
from stp_analytics.finance import finance_section, resolve_assumptions
from stp_analytics.finance.sensitivity import TORNADO_COLUMNS


@pytest.fixture(scope="module")
def default_result():
    return finance_section("E54000005")


def test_section_holds_every_part(default_result):
    result = default_result
    assert result.area_name == "West Yorkshire"
    assert result.projection["year"].tolist() == ["2016/17", "2017/18", "2018/19", "2019/20",
                                                  "2020/21"]
    assert list(result.bridge.columns) == ["label", "amount_gbp_m", "kind"]
    assert set(TORNADO_COLUMNS) <= set(result.sensitivity.columns)
    assert len(result.assumptions_table) == len(resolve_assumptions(None).as_dict())
    assert len(result.national) == 44
    assert result.caveats[0].startswith("MODEL")
    assert any("does not state the year" in caveat for caveat in result.caveats)
    assert "MODEL" in result.label


def test_section_numbers_agree_with_each_other(default_result):
    result = default_result
    assert result.bridge["amount_gbp_m"].iloc[0] == pytest.approx(result.do_nothing_gap_gbp_m)
    assert result.bridge["amount_gbp_m"].iloc[-1] == pytest.approx(result.residual_gap_gbp_m)
    row = result.national.set_index("area_code").loc["E54000005"]
    assert row["gap_do_nothing_per_head"] == pytest.approx(result.do_nothing_gap_per_head)
    base = result.sensitivity["base"].tolist()
    assert base == pytest.approx([result.residual_gap_gbp_m] * len(base))


def test_sensitivity_moves_each_assumption_by_its_step(default_result):
    rows = default_result.sensitivity.set_index("name")
    efficiency = rows.loc["provider_efficiency"]
    assert (efficiency["low_label"], efficiency["high_label"]) == ("1% a year", "3% a year")
    assert efficiency["residual_high"] < efficiency["base"] < efficiency["residual_low"]
    assert rows["swing"].is_monotonic_decreasing


def test_a_dict_override_changes_numbers_and_text_consistently(default_result):
    changed = finance_section("west yorkshire", {"provider_efficiency": 0.01})
    same = finance_section("E54000005", resolve_assumptions({"provider_efficiency": "1%"}))
    assert changed.residual_gap_gbp_m == pytest.approx(same.residual_gap_gbp_m)
    assert changed.residual_gap_gbp_m > default_result.residual_gap_gbp_m
    assert changed.do_nothing_gap_gbp_m == pytest.approx(default_result.do_nothing_gap_gbp_m)
    assert changed.headline() != default_result.headline()
    assert f"£{abs(changed.residual_gap_gbp_m):,.0f}m" in changed.headline()
    table = changed.assumptions_table.set_index("name")
    assert table.loc["provider_efficiency", "display"] == "1% a year"
    assert table.loc["provider_efficiency", "changed"]


def test_bad_parameter_in_section_names_it():
    with pytest.raises(ParameterError, match="demand_moderation"):
        finance_section("E54000005", {"demand_moderation": -1})


def _run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["finance", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_cli_prints_44_sorted_rows(capsys):
    status, out, _ = _run_cli(capsys, "--format", "csv")
    assert status == 0
    table = pd.read_csv(io.StringIO(out))
    assert len(table) == 44
    assert table["gap_do_nothing_per_head"].is_monotonic_decreasing
    assert table["rank"].tolist() == list(range(1, 45))


def test_cli_parameter_matches_the_api(capsys):
    status, out, _ = _run_cli(capsys, "--format", "csv", "-p", "cost_inflation=0.03")
    assert status == 0
    row = pd.read_csv(io.StringIO(out)).set_index("area_code").loc["E54000005"]
    api = finance_section("E54000005", {"cost_inflation": 0.03})
    assert row["gap_do_nothing_per_head"] == pytest.approx(api.do_nothing_gap_per_head, abs=1e-5)


def test_cli_table_shows_model_label_and_assumptions(capsys):
    status, out, _ = _run_cli(capsys, "-p", "provider_efficiency=0.015")
    assert status == 0
    assert "MODEL" in out and "provider_efficiency = 1.5% a year (changed)" in out


def test_cli_bad_parameter_is_one_clear_line(capsys):
    status, _, err = _run_cli(capsys, "-p", "provider_efficiency=high")
    assert status == 2
    assert "parameter 'provider_efficiency' needs a number" in err


def test_cli_matches_report_every_name(capsys):
    status, out, _ = _run_cli(capsys, "--matches", "--format", "csv")
    assert status == 0
    report = pd.read_csv(io.StringIO(out), keep_default_na=False)
    counts = report.groupby("source_file").size()
    # every data row of each file, plus the reference organisations absent from it
    assert counts["NHSSpend_ccg_allocations.csv.gz"] == 209 + 1
    assert counts["NHSSpend_trust_performance_2018_19.csv.gz"] >= 222
    newcastle = report[report["reference_name"] == "NHS Newcastle Gateshead CCG"]
    assert newcastle["method"].tolist() == ["not_in_source"]


def test_cli_output_is_deterministic(capsys):
    first = _run_cli(capsys, "--format", "csv")[1]
    second = _run_cli(capsys, "--format", "csv")[1]
    assert first == second and first.count("\n") == 45


def test_notebook_style_dict_with_every_parameter():
    every = resolve_assumptions(None).as_dict()
    assert every["population_growth"] is None
    result = finance_section("Greater Manchester", every)
    assert result.area_code == "E54000007"
    assert not result.assumptions_table["changed"].any()
