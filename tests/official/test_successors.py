"""The organisation successor table (data_catalog/org_successors.csv) and following chains."""

from __future__ import annotations

import pandas as pd
import pytest

from stp_analytics.data.official.successors import (
    AreaMapper,
    load_successors,
    successor,
    successor_map,
    successors_path,
)
from stp_analytics.errors import DataValidationError

pytestmark = pytest.mark.official


@pytest.fixture(scope="module")
def table():
    return load_successors()


def test_documented_mergers(table):
    rows = table.set_index("old_code")
    assert rows.loc["RW3", "new_code"] == rows.loc["RM2", "new_code"] == "R0A"
    assert rows.loc["RW3", "effective_date"] == "2017-10-01"
    assert rows.loc["RQQ", "new_code"] == "RGN"
    assert rows.loc["RQQ", "effective_date"] == "2017-04-01"
    assert (table["source"].str.len() > 0).all()  # every row states its evidence
    trusts = table["org_type"] == "trust"
    assert table.loc[trusts, "source"].str.contains("workforce statistics").all()
    assert trusts.sum() == 38 and (table["org_type"] == "ccg").sum() == 120


def test_commissioner_mergers_follow_to_sub_icb_codes(table):
    assert {successor(code, table) for code in ("00W", "01M", "01N")} == {"14L"}
    assert successor("00C", table) == "16C"  # Darlington -> Tees Valley (2020)
    assert successor("03A", table) == successor("03J", table) == "X2C4Y"  # Kirklees
    assert "05L" not in set(table["old_code"])  # split between two sub-ICB locations


def test_successor_follows_chains_and_keeps_unknown_codes(table):
    assert successor("RW3", table) == "R0A"
    assert successor("R0A", table) == "R0A"
    assert successor("NOT-A-CODE", table) == "NOT-A-CODE"
    chain = {"AAA": "BBB", "BBB": "CCC", "CCC": "DDD"}
    assert successor("AAA", chain) == "DDD"
    assert successor("BBB", pd.DataFrame({"old_code": list(chain), "new_code":
                                          list(chain.values())})) == "DDD"


def test_cycle_is_an_error():
    with pytest.raises(DataValidationError, match="cycle: AAA -> BBB -> AAA"):
        successor("AAA", {"AAA": "BBB", "BBB": "AAA"})


def test_no_chain_in_the_table_ends_in_a_retired_code(table):
    links = successor_map(table)
    finals = {successor(code, links) for code in links}
    assert not finals & set(links)


def test_bad_table_rows(tmp_path):
    text = successors_path().read_text(encoding="utf-8").splitlines()
    duplicate = tmp_path / "org_successors.csv"
    duplicate.write_text("\n".join([*text, text[1]]) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="duplicate key old_code"):
        load_successors(duplicate)
    bad_date = tmp_path / "bad_date.csv"
    cells = text[1].split(",")
    cells[3] = "1 April 2017"
    bad_date.write_text("\n".join([text[0], ",".join(cells)]) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="effective_date") as caught:
        load_successors(bad_date)
    assert caught.value.row == 2


def test_area_mapper_both_directions(table):
    links = successor_map(table)
    mapper = AreaMapper({"RW3": "E54000007", "RM2": "E54000007", "RGN": "E54000021",
                         "RD3": "E54000041", "RDZ": "E54000099"}, links)
    assert mapper.area("RW3") == ("E54000007", "")
    assert mapper.area("R0A") == ("E54000007", "through its predecessors' codes")
    assert mapper.area("RQQ") == ("E54000021", "through its successor RGN")
    area, reason = mapper.area("R0D")
    assert area is None and "different areas (E54000041, E54000099)" in reason
    assert mapper.area("ZZZ") == (None, "")
