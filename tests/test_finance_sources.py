"""Finance loaders: name matching, the SOURCES.md defects, figures hand-checked in the raw files."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from stp_analytics.data import finance_tables as fs
from stp_analytics.data import name_matching as nm
from stp_analytics.data.loaders import finance_sources
from stp_analytics.data.loaders.common import BOOKKEEPING_COLUMNS
from stp_analytics.errors import DataValidationError
from stp_analytics.finance import finance_baseline
from stp_analytics.paths import sources_dir
from stp_analytics.schema import OBSERVATION_COLUMNS


def test_normalise_name():
    assert nm.normalise_name("NHS Fylde & Wyre CCG") == nm.normalise_name("NHS Fylde and Wyre CCG")
    assert nm.normalise_name("** The Dudley Group NHS Foundation Trust ") == "dudley"
    assert nm.normalise_name("Birmingham Women\u2019s and Children's NHS FT") == nm.normalise_name(
        "Birmingham Women's And Children's NHS Foundation Trust")


def test_ccg_match_counts_and_hand_matches():
    matches = fs.ccg_allocation_matches()
    counts = matches["method"].value_counts().to_dict()
    # SOURCES.md: 202 exact, 205 once & is read as and, 3 need a hand mapping, 1 duplicate row
    assert counts == {"exact": 202, "normalised": 3, "hand": 3, "set_aside": 1}
    hand = matches[matches["method"] == "hand"].set_index("source_name")["code"].to_dict()
    assert hand == {
        "NHS South East Staffs and Seisdon Peninsular CCG": "E38000153",
        "NHS West London (K&C & QPP) CCG": "E38000202",
        "NHS North, East, West Devon CCG": "E38000129",
    }
    assert (matches.loc[matches["method"] == "hand", "reason"].str.len() > 10).all()


def test_leicester_duplicate_is_set_aside_and_the_true_row_kept():
    table = fs.ccg_allocation_table()
    leicester = table[table["source_name"] == "NHS Leicester City CCG"].set_index("source_row")
    # raw file rows 101-103: ELR 379783; a copy labelled Leicester City; the true row 454473
    assert leicester.loc[102, "set_aside"].startswith("duplicated name; its values repeat row 101")
    assert leicester.loc[103, "set_aside"] == ""
    assert leicester.loc[103, "allocation_gbp"] == 454_473_000
    assert leicester.loc[103, "ccg_code"] == "E38000097"


def test_shifted_headers_read_as_closing_dft_and_population():
    darlington = fs.ccg_allocation_table().set_index("source_name").loc["NHS Darlington CCG"]
    # raw row 2: ...,154148,2.08%,1427,1.89%,1.23%,108033
    assert darlington["ccg_code"] == "E38000042"
    assert darlington["allocation_gbp"] == 154_148_000
    assert darlington["closing_dft_pct"] == pytest.approx(1.23)
    assert darlington["population"] == 108_033


def test_newcastle_gateshead_reported_missing_and_flagged():
    missing = fs.ccg_allocation_coverage()
    assert missing["name"].tolist() == ["NHS Newcastle Gateshead CCG"]
    note = finance_baseline().loc["E54000046", "note"]
    assert "Newcastle Gateshead" in note and "understated" in note


def test_cumbria_split_by_lsoa_share():
    # Cumbria CCG (2016) has 207 LSOAs in West, North and East Cumbria and 117 in Lancashire and
    # South Cumbria; its allocation is £763,749k (raw row 10) and no other CCG16 lies in E54000047
    baseline = finance_baseline()
    assert baseline.loc["E54000047", "allocation_gbp"] == pytest.approx(763_749_000 * 207 / 324)
    assert baseline["allocation_share"].sum() == pytest.approx(1.0, rel=1e-12)


def test_header_shift_check_fails_on_a_file_without_the_shift(tmp_path):
    raw = gzip.open(sources_dir() / fs.ALLOCATIONS_FILE, "rt", encoding="utf-8").read()
    lines = raw.splitlines()
    lines[1] = lines[1].replace(",108033", ",208033")  # Darlington's population changed
    broken = tmp_path / "allocations.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="row 2, column 'Final closing DfT'"):
        fs.ccg_allocation_table(broken)


def test_great_western_rows_both_set_aside():
    matches = fs.trust_performance_matches()
    western = matches[matches["source_name"].str.startswith("Great Western")]
    assert western["method"].tolist() == ["set_aside", "set_aside"]
    assert "Gloucestershire" in western["reason"].iloc[0]
    assert "Hampshire" in western["reason"].iloc[1]
    assert "RN3" in fs.missing_from_source("performance")["code"].tolist()


def test_duplicate_names_with_distinct_values_are_an_error(tmp_path):
    path = tmp_path / "performance.csv"
    path.write_text(
        "trustname,plan,actual\nBarts Health NHS Trust,1,2\nBarts Health NHS Trust,3,4\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError, match="occurs 2 times with different values"):
        fs.trust_performance_table(path)


def test_trust_matches_every_row_reported():
    raw_rows = len(pd.read_csv(sources_dir() / fs.PERFORMANCE_FILE))
    matches = fs.trust_performance_matches()
    assert len(matches) == raw_rows == 222
    assert set(matches["method"]) <= {"exact", "normalised", "hand", "unmatched", "set_aside"}
    unmatched = matches[matches["method"] == "unmatched"]
    assert "Tees Esk and Wear Valleys NHS Foundation Trust" in unmatched["source_name"].tolist()
    assert (matches.loc[matches["method"] != "unmatched", "code"] != "").all()


def test_loans_hand_checked_and_renamed_trusts_combined():
    table = fs.combine_by_code(fs.trust_loans_table(), list(fs.LOAN_YEARS))
    by_code = table[table["set_aside"] == ""].set_index("trust_code")
    # raw row 8: Barts Health NHS Trust,277500000,405500000,424561000
    assert by_code.loc["R1H", "loans_outstanding_2016_17_gbp"] == 277_500_000
    # rows 76 and 111: Plymouth Hospitals (to 2017/18) and University Hospitals Plymouth (2018/19)
    assert by_code.loc["RK9", "loans_outstanding_2016_17_gbp"] == 73_982_000
    assert by_code.loc["RK9", "loans_outstanding_2018_19_gbp"] == 107_678_000
    # "N/A" is no loan
    assert by_code.loc["REM", "loans_outstanding_2016_17_gbp"] == 0.0


def test_hand_match_pointing_at_a_wrong_name_is_an_error():
    reference = pd.DataFrame({"code": ["RK9"], "name": ["Plymouth Hospitals NHS Trust"]})
    hand = pd.DataFrame({"source_name": ["X"], "code": ["RK9"], "reference_name": ["Torbay"],
                         "reason": ["r"]})
    with pytest.raises(DataValidationError, match="row 2, column 'reference_name'"):
        nm.check_hand_matches(hand, reference, "trusts.csv")
    hand["code"] = "ZZZ"
    with pytest.raises(DataValidationError, match="code 'ZZZ' is not in the reference list"):
        nm.check_hand_matches(hand, reference, "trusts.csv")


def test_hand_match_table_needs_a_reason(tmp_path, monkeypatch):
    (tmp_path / "t.csv").write_text("source_name,code,reference_name,reason\nA,B,C,\n",
                                    encoding="utf-8")
    monkeypatch.setattr(nm, "name_matches_dir", lambda: tmp_path)
    with pytest.raises(DataValidationError, match="row 2, column 'reason'"):
        nm.read_hand_matches("t.csv")


@pytest.mark.parametrize(
    ("loader", "file_name", "indicators"),
    [
        (finance_sources.load_ccg_allocations, fs.ALLOCATIONS_FILE,
         {"allocation_per_head", "distance_from_target"}),
        (finance_sources.load_trust_financial_performance, fs.PERFORMANCE_FILE,
         {"trust_surplus_deficit_plan", "trust_surplus_deficit_actual"}),
        (finance_sources.load_trust_loans, fs.LOANS_FILE, {"trust_loans_outstanding"}),
    ],
)
def test_loaders_return_observations(loader, file_name, indicators):
    frame = loader(sources_dir() / file_name, None, [])
    assert list(frame.columns) == [*OBSERVATION_COLUMNS, *BOOKKEEPING_COLUMNS]
    assert set(frame["indicator"]) == indicators
    used = frame[frame["set_aside"] == ""]
    assert not used.duplicated(["indicator", "area_code", "period", "sex"]).any()
    assert (used["area_code"] != "").all()


def test_allocation_observations_keep_national_total():
    frame = finance_sources.load_ccg_allocations(sources_dir() / fs.ALLOCATIONS_FILE, None, [])
    per_head = frame[(frame["indicator"] == "allocation_per_head") & (frame["set_aside"] == "")]
    table = fs.ccg_allocation_table()
    kept = table.loc[table["set_aside"] == "", "allocation_gbp"].sum()
    assert per_head["numerator"].sum() == pytest.approx(kept, rel=1e-12)
    assert per_head["area_code"].str.startswith("E38").all()
    assert "E38000217" in set(per_head["area_code"])  # 2017 Manchester CCG from the 3 of 2016
