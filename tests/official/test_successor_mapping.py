"""Trust and CCG codes of other years mapped to an area set through the successor table: the
extra lookup rows (small frames), the store's geography, and `validate` counting rows mapped and
set aside for a source that asks for it (``successor_codes: map``), and only for such a source."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from catalog_fixtures import indicator_entry, write_catalog

from stp_analytics.data.official.successors import extended_lookup, successor_lookup_rows
from stp_analytics.data.validation_report import validate_catalog
from stp_analytics.metrics.geo import GeoContext

pytestmark = pytest.mark.official


def _table(*links: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"org_type": "trust", "old_code": [a for a, _ in links],
                         "new_code": [b for _, b in links],
                         "old_name": [f"old {a}" for a, _ in links],
                         "new_name": [f"new {b}" for _, b in links]})


LOOKUP = pd.DataFrame({
    "part_code": ["A1", "A2", "B1", "P1", "Q1", "C1", "C1"],
    "part_name": ["a1", "a2", "b1", "p1", "q1", "c1", "c1"],
    "area_code": ["X", "X", "Y", "X", "Y", "X", "Y"],
    "share": [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5],
})


def test_successor_rows_map_merged_and_retired_codes_and_refuse_the_rest() -> None:
    table = _table(("A1", "N1"), ("A2", "N1"),  # merged, both in X: N1 -> X
                   ("B1", "N2"), ("R1", "B1"),  # R1 retired into B1 (Y), B1 later into N2
                   ("P1", "N3"), ("Q1", "N3"),  # predecessors in X and Y: no area
                   ("C1", "N4"))  # predecessor split between X and Y: no area
    rows = successor_lookup_rows(LOOKUP, table, "trust")
    assert rows[["part_code", "area_code", "share"]].values.tolist() == [
        ["N1", "X", 1.0], ["N2", "Y", 1.0], ["R1", "Y", 1.0]]
    assert rows.set_index("part_code")["part_name"].to_dict() == {
        "N1": "new N1", "N2": "new N2", "R1": "old R1"}
    assert rows.set_index("part_code").at["R1", "via"] == "through its successor N2"
    assert successor_lookup_rows(LOOKUP, table, "ccg").empty  # only rows of that org type
    extended = extended_lookup(LOOKUP, "trust", table)
    assert len(extended) == len(LOOKUP) + 3 and extended["via"].head(len(LOOKUP)).eq("").all()
    assert extended_lookup(LOOKUP, "lad", table) is LOOKUP  # no successor table for districts


def test_store_geography_places_2025_trusts_through_their_predecessors() -> None:
    lookup = GeoContext.create("stp2017").lookup("trust").set_index("part_code")["area_code"]
    assert lookup["R0D"] == "E54000041"  # University Hospitals Dorset: Poole + Bournemouth
    assert lookup["RNN"] == "E54000047"  # North Cumbria Integrated Care
    assert lookup["R0A"] == "E54000007"  # in the 2017 lookup itself
    assert "NT2" not in lookup.index  # an independent-sector provider stays out


def _catalog(tmp_path, mapping: bool):
    rows = ("900,R0A,2024/25,,,,40,200", "900,R0D,2024/25,,,,50,200",
            "900,RLU,2024/25,,,,5,20", "900,NT2,2024/25,,,,3,10")
    path = write_catalog(tmp_path, "\n".join([
        "Indicator ID,Area Code,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
        "Count,Denominator", *rows]) + "\n", area_type="trust",
        indicator=indicator_entry(geography="trust"))
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    options = document["sources"]["user_data"]["options"]
    options.update({"unknown_area_codes": "set_aside", "max_unknown_share": 0.9,
                    "unknown_area_reason": "not in the trust lookup"})
    if mapping:
        options["successor_codes"] = "map"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_validate_counts_rows_mapped_through_the_successor_table(tmp_path) -> None:
    report = validate_catalog(_catalog(tmp_path, mapping=True))
    assert report.ok, report.errors
    assert report.loaded["user_data"] == 3  # R0A directly, R0D and RLU through the table
    assert [count for _, count in report.set_aside["user_data"]] == [1]  # NT2
    mapped = dict(report.mapped["user_data"])
    assert sum(mapped.values()) == 2
    text = report.format()
    assert "user_data: 3 rows loaded, 1 rows set aside, 2 mapped through the successor table" \
        in text
    assert "through its predecessors' codes" in text and "through its successor RQ3" in text


def test_without_the_option_codes_of_other_years_are_set_aside(tmp_path) -> None:
    report = validate_catalog(_catalog(tmp_path, mapping=False))
    assert report.ok, report.errors
    assert report.loaded["user_data"] == 1 and "user_data" not in report.mapped
    assert sum(count for _, count in report.set_aside["user_data"]) == 3
