"""Indirectly standardised ratios and rates against PHEindicatormethods' workbooks."""

import numpy as np
import pandas as pd
import pytest
from phe_reference import LEVELS, PHE

from stp_analytics.methods import isr

EXPECTED = pd.read_csv(PHE / "isr_expected.csv")
REFERENCE = pd.read_csv(PHE / "isr_refdata.csv")


def _options(statistic: str) -> dict:
    scale = int(statistic.rsplit(" ", 1)[1])
    if "ratio" in statistic:
        return {"kind": "ratio", "refvalue": scale}
    return {"kind": "rate", "multiplier": scale}


def _table(area: str) -> pd.DataFrame:
    name = "isr_zero_pop_input.csv" if area.startswith("Area") else "dsr_isr_multiarea_input.csv"
    return pd.read_csv(PHE / name)


# every (row, level) the workbook fills in: the zero-population rows are given at 95% only
CASES = [
    (position, level)
    for position in range(len(EXPECTED))
    for level, (lower_column, _) in LEVELS.items()
    if not pd.isna(EXPECTED[lower_column][position])
]


@pytest.mark.parametrize(("position", "level"), CASES, ids=lambda case: str(case))
def test_every_row_of_isr_expected(position, level):
    row = EXPECTED.iloc[position]
    lower_column, upper_column = LEVELS[level]
    result = isr(
        _table(row["area"]), "count", "pop", REFERENCE["refcount"], REFERENCE["refpop"],
        by="area", confidence=level, **_options(row["statistic"]),
    ).loc[row["area"]]
    columns = ["observed", "expected", "value", "lower", "upper"]
    expected = row[["observed", "expected", "value", lower_column, upper_column]]
    np.testing.assert_allclose(
        result[columns].to_numpy(dtype=float), expected.to_numpy(dtype=float), rtol=1e-9
    )
    if not pd.isna(row["ref_rate"]):
        assert result["ref_rate"] == pytest.approx(row["ref_rate"], rel=1e-9)
    assert result["method"] == row["method"]
    assert result["statistic"] == row["statistic"]


def test_every_expected_row_is_covered():
    assert len(CASES) == 2 * len(EXPECTED) - 4
    assert {position for position, _ in CASES} == set(range(len(EXPECTED)))


def test_observed_totals_supplied_separately_give_the_same_result():
    table = pd.read_csv(PHE / "dsr_isr_multiarea_input.csv")
    totals = pd.read_csv(PHE / "isr_observed_totals.csv").set_index("area")["total_count"]
    summed = isr(table, "count", "pop", REFERENCE["refcount"], REFERENCE["refpop"], by="area")
    supplied = isr(
        table, None, "pop", REFERENCE["refcount"], REFERENCE["refpop"], by="area", observed=totals
    )
    pd.testing.assert_frame_equal(summed, supplied)


def test_reference_as_columns_equals_reference_as_vectors():
    table = pd.read_csv(PHE / "isr_zero_pop_input.csv")
    bands = len(REFERENCE)
    with_columns = table.assign(
        refcount=np.tile(REFERENCE["refcount"], 2), refpop=np.tile(REFERENCE["refpop"], 2)
    )
    assert len(with_columns) == 2 * bands
    from_columns = isr(with_columns, "count", "pop", "refcount", "refpop", by="area", kind="rate")
    from_vectors = isr(
        table, "count", "pop", REFERENCE["refcount"], REFERENCE["refpop"], by="area", kind="rate"
    )
    pd.testing.assert_frame_equal(from_columns, from_vectors)


def test_zero_expected_gives_missing_with_note():
    table = pd.DataFrame({"count": [1, 2], "pop": [0, 0]})
    result = isr(table, "count", "pop", [5, 5], [100, 100])
    assert np.isnan(result["value"].iloc[0])
    assert result["note"].iloc[0] == "no expected events"


def test_invalid_arguments_raise():
    table = pd.read_csv(PHE / "isr_zero_pop_input.csv")
    with pytest.raises(ValueError, match="kind must be one of 'ratio', 'rate'"):
        isr(table, "count", "pop", REFERENCE["refcount"], REFERENCE["refpop"], by="area", kind="x")
    with pytest.raises(ValueError, match="refvalue must be a positive number"):
        isr(table, "count", "pop", REFERENCE["refcount"], REFERENCE["refpop"], refvalue=0)
    zero_ref = REFERENCE["refpop"].where(REFERENCE.index != 3, 0)
    with pytest.raises(ValueError, match="ref_pop must be greater than zero"):
        isr(table, "count", "pop", REFERENCE["refcount"], zero_ref, by="area")
    with pytest.raises(ValueError, match="count \\(a column of events\\) or observed"):
        isr(table, None, "pop", REFERENCE["refcount"], REFERENCE["refpop"], by="area")
