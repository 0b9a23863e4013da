"""The icb2022 area set: 42 ICBs checked against the raw ONS/ODS/QOF files they come from."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from stp_analytics import cli
from stp_analytics.data import geography
from stp_analytics.data.geography import icb_derive, icb_sources, sources
from stp_analytics.errors import DataValidationError
from stp_analytics.paths import sources_dir

GM_ICB, GM_STP = "E54000057", "E54000007"
DERBYSHIRE_ICB = "E54000058"


@pytest.fixture(scope="module")
def icbs():
    return geography.load_area_set("icb2022")


def raw(file_name: str, **options) -> pd.DataFrame:
    return pd.read_csv(sources_dir() / file_name, dtype=str, keep_default_na=False, **options)


def test_42_icbs_with_ons_and_ods_codes_and_7_regions(icbs):
    areas = icbs.areas.set_index("area_code")
    assert len(areas) == 42 and icbs.label == "ICB" and icbs.label_plural == "ICBs"
    assert areas.index.str.fullmatch(r"E54\d{6}").all()
    assert areas["area_ods_code"].str.fullmatch(r"Q[A-Z0-9]{2}").all()
    assert areas.loc[GM_ICB, "area_ods_code"] == "QOP"
    assert areas.loc[GM_ICB, "area_name"] == "NHS Greater Manchester Integrated Care Board"
    assert areas.loc[GM_ICB, "region_name"] == "North West"
    assert areas["region_code"].nunique() == 7
    assert geography.resolve_area("greater manchester", icbs) == GM_ICB
    assert geography.resolve_area("QOP", icbs) == geography.resolve_area("qop", icbs) == GM_ICB
    assert icbs.finance_model is False and geography.load_area_set("stp2017").finance_model


def test_29_e54_codes_are_shared_with_2017_stps_for_the_same_lsoas(icbs):
    stp_lsoas = geography.load_area_set("stp2017").part_lookup("lsoa")
    icb_lsoas = icbs.part_lookup("lsoa")
    shared = sorted(set(stp_lsoas["area_code"]) & set(icb_lsoas["area_code"]))
    assert len(shared) == 29 and "E54000008" in shared and GM_STP not in shared
    for code in shared:
        assert set(stp_lsoas.loc[stp_lsoas["area_code"] == code, "part_code"]) == set(
            icb_lsoas.loc[icb_lsoas["area_code"] == code, "part_code"]), code


def test_lsoa_counts_per_icb_equal_the_ons_lookup(icbs):
    ons = raw(icb_sources.LSOA_ICB_FILE)
    lookup = icbs.part_lookup("lsoa")
    assert len(lookup) == len(ons) == 32_844 and (lookup["share"] == 1).all()
    counts = lookup.groupby("area_code").size()
    pd.testing.assert_series_equal(counts, ons.groupby("ICB22CD").size(), check_names=False)
    assert counts[GM_ICB] == 1_673 and counts[DERBYSHIRE_ICB] == 642


def test_sub_icb_locations_agree_between_the_two_ons_files(icbs):
    locs = icbs.part_lookup("sicbl")
    assert len(locs) == 106 and locs["area_code"].nunique() == 42
    from_lsoas = raw(icb_sources.LSOA_ICB_FILE)[["LOC22CD", "ICB22CD"]].drop_duplicates()
    assert dict(zip(from_lsoas["LOC22CD"], from_lsoas["ICB22CD"], strict=True)) == dict(
        zip(locs["part_code"], locs["area_code"], strict=True))


def lsoa_join() -> pd.DataFrame:
    """The 2017 LSOA lookup joined to the 2022 one on LSOA11CD (1:1)."""
    old = raw(sources.LSOA_LOOKUP_FILE, usecols=["LSOA11CD", "CCG17CD", "LAD17CD"])
    new = raw(icb_sources.LSOA_ICB_FILE, usecols=["LSOA11CD", "ICB22CD"])
    return old.merge(new, on="LSOA11CD", validate="one_to_one")


def test_ccg_and_district_shares_are_lsoa_counts_of_the_join(icbs):
    joined = lsoa_join()
    assert len(joined) == 32_844
    for part_type, column, splits in (("ccg", "CCG17CD", 4), ("lad", "LAD17CD", 11)):
        counts = joined.groupby([column, "ICB22CD"]).size()
        expected = (counts / counts.groupby(level=0).transform("sum")).rename("share")
        lookup = icbs.part_lookup(part_type).set_index(["part_code", "area_code"])["share"]
        pd.testing.assert_series_equal(lookup.sort_index(), expected.sort_index(),
                                       check_names=False, check_index_type=False)
        assert lookup.index.get_level_values(0).duplicated().sum() == splits, part_type
    glossop = icbs.part_lookup("ccg").set_index(["part_code", "area_code"])["share"]
    assert glossop[("E38000182", DERBYSHIRE_ICB)] == pytest.approx(21 / 162)
    # in 2022 district terms 12 districts straddle two ICBs
    lad22 = raw(icb_sources.LSOA_ICB_FILE)[["LAD22CD", "ICB22CD"]].drop_duplicates()
    assert lad22["LAD22CD"].duplicated().sum() == 12


def test_every_2017_18_practice_is_placed_or_set_aside_and_population_adds_up(icbs):
    sizes = sources.qof_list_sizes("2017/18")
    placed = icbs.part_lookup("practice", "2017/18")
    aside = pd.read_csv(icbs.definition_file.parent / "icb2022" / "practices_set_aside.csv",
                        dtype={"list_size": "int64"})
    aside = aside[aside["qof_year"] == "2017/18"]
    assert set(placed["part_code"]).isdisjoint(aside["practice_code"])
    assert set(placed["part_code"]) | set(aside["practice_code"]) == set(sizes.index)
    assert len(placed) + len(aside) == 7_100 and len(aside) == 34
    assert set(aside["ccg_code"]) <= set(icb_derive.ccg_parts().loc[
        lambda t: t["share"] < 1, "part_code"])  # only practices of split CCGs are set aside
    england = int(sizes.sum())
    across_42 = int(icbs.areas["registered_population"].sum())
    assert across_42 + int(aside["list_size"].sum()) == england
    assert (england, across_42, england - across_42) == (58_383_266, 58_186_676, 196_590)


def test_open_practices_follow_the_feb_2023_commissioner(icbs):
    ods = raw(icb_sources.EPRACCUR_FILE, header=None).set_index(0)
    locs = raw(icb_sources.LOC_ICB_FILE, encoding="utf-8-sig").set_index("LOC22CDH")["ICB22CD"]
    placed = icbs.part_lookup("practice", "2017/18").set_index("part_code")["area_code"]
    record = ods.reindex(placed.index)
    open_now = record[11].eq("")
    assert open_now.sum() > 6_000
    assert (record.loc[open_now, 14].map(locs) == placed[open_now]).all()
    # Glossop practices: 2017 STP Greater Manchester, 2022 ICB Derby and Derbyshire
    qof = raw(sources.QOF_ORG_FILES["2017/18"]).set_index("PRACTICE_CODE")
    moved = placed[(qof["STP_CODE"].reindex(placed.index) == GM_STP) & (placed != GM_ICB)]
    assert len(moved) > 0 and set(moved) == {DERBYSHIRE_ICB}
    assert set(qof.loc[moved.index, "CCG_GEOGRAPHY_CODE"]) == {"E38000182"}


def test_trusts_by_headquarters(icbs):
    trusts = icbs.part_lookup("trust").set_index("part_code")["area_code"]
    assert len(trusts) == len(geography.load_area_set("stp2017").part_lookup("trust")) == 140
    assert trusts["RW3"] == GM_ICB and trusts["RM2"] == GM_ICB
    assert trusts["RQQ"] == "E54000056"  # Hinchingbrooke: Cambridgeshire and Peterborough
    assert trusts["RCD"] == "E54000051"  # Harrogate: Humber and North Yorkshire


def test_the_docs_table_of_practices_and_list_sizes_per_icb_is_current(icbs):
    docs = (icbs.definition_file.parents[2] / "docs" / "area_sets.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1:-1] for line in docs.splitlines() if line.startswith("| E54")]
    table = pd.DataFrame([[cell.strip() for cell in row] for row in rows]).set_index(0)
    numbers = table[[4, 5, 6]].apply(lambda c: c.str.replace(",", "").astype("int64"))
    practices = icbs.part_lookup("practice", "2017/18").groupby("area_code").size()
    lsoas = icbs.part_lookup("lsoa").groupby("area_code").size()
    population = icbs.areas.set_index("area_code")["registered_population"]
    assert len(table) == 42
    assert numbers[4].to_dict() == lsoas.to_dict()
    assert numbers[5].to_dict() == practices.to_dict()
    assert numbers[6].to_dict() == population.to_dict()
    assert table[1].to_dict() == icbs.areas.set_index("area_code")["area_ods_code"].to_dict()


def test_footprints_command_lists_42_icbs(capsys):
    assert cli.main(["footprints", "--areas", "icb2022", "--format", "csv"]) == 0
    table = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out), dtype=str)
    assert len(table) == 42 and GM_ICB in set(table["area_code"])


# --- bad input ---------------------------------------------------------------------------------


@pytest.fixture
def fake_sources(tmp_path, monkeypatch):
    """A sources folder in tmp_path; the readers' caches are cleared before and after."""
    readers = [icb_sources.lsoa_icb_lookup, icb_sources.loc_icb_lookup, icb_sources.epraccur,
               icb_sources.etr, icb_sources.ccg_icb_crosswalk, icb_sources.lad_icb_crosswalk]
    for reader in readers:
        reader.cache_clear()
    monkeypatch.setattr(sources, "sources_dir", lambda: tmp_path)
    monkeypatch.setattr(icb_sources, "sources_dir", lambda: tmp_path)

    def write(file_name: str, text: str) -> None:
        (tmp_path / file_name).write_bytes(gzip.compress(text.encode(), mtime=0))

    yield write
    for reader in readers:
        reader.cache_clear()


def test_missing_column_is_named(fake_sources):
    fake_sources(icb_sources.LOC_ICB_FILE, "LOC22CD,LOC22CDH,LOC22NM\nE38000006,02P,x\n")
    with pytest.raises(DataValidationError, match="missing column.*ICB22CD"):
        icb_sources.loc_icb_lookup()


def test_non_numeric_lsoa_count_is_named(fake_sources):
    fake_sources(icb_sources.CCG_ICB_FILE,
                 "CCG17CD,CCG17NM,LOC22CD,ICB22CD,n_lsoa11\nE38000182,T,E38000263,E54000057,"
                 "141\nE38000182,T,E38000261,E54000058,many\n")
    with pytest.raises(DataValidationError, match="row 3.*n_lsoa11.*'many'"):
        icb_sources.ccg_icb_crosswalk()


def test_an_ods_file_without_its_fields_is_refused(fake_sources):
    fake_sources(icb_sources.ETR_FILE, '"R0A","MANCHESTER UNIVERSITY NHS FOUNDATION TRUST"\n')
    with pytest.raises(DataValidationError, match="expected the 27 fields .* found 2"):
        icb_sources.etr()


def test_an_unknown_trust_code_is_named(fake_sources, monkeypatch):
    fields = ['"RXX"', '"SOMEWHERE TRUST"', '"Y62"', '"QOP"'] + ['""'] * 23
    fake_sources(icb_sources.ETR_FILE, ",".join(fields) + "\n")
    monkeypatch.setattr(icb_derive.derive, "trust_parts", lambda _set: pd.DataFrame(
        {"part_code": ["RYY"], "part_name": ["Unknown"], "area_code": ["E54000007"],
         "share": [1.0]}))
    fake_sources(icb_sources.LOC_ICB_FILE, raw(icb_sources.LOC_ICB_FILE, encoding="utf-8-sig")
                 .to_csv(index=False))
    with pytest.raises(DataValidationError, match="trust RYY has no ICB"):
        icb_derive.trust_parts()


def test_a_practice_missing_from_the_ods_file_is_named(fake_sources, monkeypatch):
    fields = ['"A81001"', '"THE DENSHAM SURGERY"', '"Y63"', '"QHM"'] + ['""'] * 23
    fake_sources(icb_sources.EPRACCUR_FILE, ",".join(fields) + "\n")
    monkeypatch.setattr(icb_derive.derive, "practice_ccgs", lambda _year: pd.DataFrame(
        {"practice_code": ["Z99999"], "practice_name": ["Nowhere"], "ccg_code": ["E38000016"]}))
    with pytest.raises(DataValidationError, match="practice Z99999 of QOF 2017/18 is not in"):
        icb_derive.practice_icbs("2017/18")
