"""Efficiency context: acute trusts' MFF-adjusted operating cost per patient, 2019/20 (issue 21)."""

from __future__ import annotations

import gzip
from types import SimpleNamespace

import pytest

from stp_analytics.content import sections_finance
from stp_analytics.data.peer_costs import read_peer_costs
from stp_analytics.errors import DataValidationError
from stp_analytics.finance import efficiency
from stp_analytics.paths import data_catalog_dir

RAW = data_catalog_dir() / "sources" / "NHSE_trust_peer_finder_Raw_data_1920.csv.gz"
HEADER = "Procode,Patients,Attendances,Operating Expenses,MFF payment index\n"


def test_one_trust_by_hand_from_the_raw_file():
    # Manchester University NHSFT (R0A), read from the raw row: Patients 618470, Attendances
    # 2741425, Operating Expenses -1642518.0 (£000), MFF payment index 1.1592025639769745
    line = next(row for row in gzip.open(RAW, "rt", encoding="utf-8") if row.startswith("R0A,"))
    fields = line.strip().split(",")
    assert fields[2] == "618470" and fields[11] == "-1642518.0"
    assert fields[15] == "1.1592025639769745"
    by_hand = 1_642_518_000 / 1.1592025639769745 / 618_470
    rows = efficiency.area_trust_costs("E54000007").set_index("trust_code")
    assert rows.loc["R0A", "cost_per_patient"] == pytest.approx(by_hand, rel=1e-12)
    assert rows.loc["R0A", "cost_per_attendance"] == pytest.approx(
        1_642_518_000 / 1.1592025639769745 / 2_741_425, rel=1e-12)
    assert rows.loc["R0A", "period"] == "2019/20"


def test_peers_are_the_acute_trusts_ranked_by_cost_per_patient():
    peers = efficiency.acute_peer_costs()
    assert len(peers) == 134 and peers["acute"].all()  # 134 of the 137 lookup trusts are in it
    assert peers["cost_per_patient"].is_monotonic_increasing
    assert list(peers["rank"]) == list(range(1, 135))
    assert set(peers["quartile"]) == {1, 2, 3, 4}
    gm = efficiency.area_trust_costs("E54000007")
    assert len(gm) == 7 and gm["rank"].is_monotonic_increasing
    summary = efficiency.area_summary("E54000007")
    assert summary["area_trusts"] == 7 and summary["acute_trusts"] == 134
    assert min(gm["cost_per_patient"]) < summary["area_cost_per_patient"] < max(
        gm["cost_per_patient"])


def test_pack_section_and_not_supplied():
    gm = SimpleNamespace(area_code="E54000007", area_name="Greater Manchester",
                         area_set=SimpleNamespace(name="stp2017"), label_plural="STPs",
                         as_at=None)
    html = sections_finance.efficiency_context(gm)._repr_html_()
    assert "2019/20" in html and "<th" in html and "of 134" in html
    ccg = SimpleNamespace(area_code="E38000001", area_name="A CCG",
                          area_set=SimpleNamespace(name="ccg2017"), label_plural="CCGs",
                          as_at=None)
    assert "not placed in CCGs" in sections_finance.efficiency_context(ccg)._repr_html_()
    before = SimpleNamespace(**{**vars(gm), "as_at": "2019-06"})  # before the 2019/20 file
    html = sections_finance.efficiency_context(before)._repr_html_()
    assert "Not in a pack as at June 2019" in html and "<th" not in html


def _write(tmp_path, rows: str):
    path = tmp_path / "peer.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize(("rows", "column", "text"), [
    ("R0A,10,20,-100,1.1\nR0A,10,20,-100,1.1\n", "Procode", "R0A"),
    ("R0A,ten,20,-100,1.1\n", "Patients", "ten"),
    ("ZZZ,10,20,-100,1.1\n", "Procode", "unknown trust code"),
    ("R0A,10,20,-100,0\n", "MFF payment index", "above zero"),
    ("R0A,10,20,100,1.1\n", "Operating Expenses", "negative"),
])
def test_bad_rows_are_clear_errors(tmp_path, rows, column, text):
    with pytest.raises(DataValidationError) as error:
        read_peer_costs(_write(tmp_path, rows))
    assert error.value.column == column and text in str(error.value)
    assert error.value.row == 2 or column == "Procode"


def test_a_missing_column_is_a_clear_error(tmp_path):
    path = tmp_path / "peer.csv"
    path.write_text("Procode,Patients,Attendances,Operating Expenses\nR0A,1,2,-3\n",
                    encoding="utf-8")
    with pytest.raises(DataValidationError, match="MFF payment index"):
        read_peer_costs(path)
