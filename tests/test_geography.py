"""Footprint registry: areas, lookups, populations and look-ups by name, checked against raw files.

Expected figures are computed here independently from the raw ONS/QOF/HF files (plain pandas,
not the library's readers) or were counted by hand from those files.
"""

from __future__ import annotations

import pandas as pd
import pytest

from stp_analytics.data import geography
from stp_analytics.errors import ParameterError, UnknownAreaError
from stp_analytics.paths import sources_dir

GREATER_MANCHESTER = "E54000007"


def raw(file_name: str, **options) -> pd.DataFrame:
    """A vendored raw source file, read with plain pandas."""
    return pd.read_csv(sources_dir() / file_name, dtype=str, **options)


@pytest.fixture(scope="module")
def stp():
    return geography.load_area_set("stp2017")


@pytest.fixture(scope="module")
def ccg():
    return geography.load_area_set("ccg2017")


@pytest.fixture(scope="module")
def qof_list_sizes_1718() -> pd.DataFrame:
    prevalence = raw("QOF_PREVALENCE_1718.csv.gz")
    total = prevalence[prevalence["PATIENT_LIST_TYPE"] == "TOTAL"]
    one_per_practice = total.drop_duplicates(["PRACTICE_CODE", "PATIENT_LIST_SIZE"])
    assert one_per_practice["PRACTICE_CODE"].is_unique
    return one_per_practice.assign(size=one_per_practice["PATIENT_LIST_SIZE"].astype(int))


@pytest.fixture(scope="module")
def lsoa_file() -> pd.DataFrame:
    return raw("ONS_LSOA11_CCG17_STP17_LAD17_lookup_April2017.csv.gz")


# --- the 44 footprints ----------------------------------------------------------------------------


def test_stp2017_has_the_44_footprints_in_code_order(stp):
    areas = stp.areas
    assert list(areas.columns) == [
        "area_code",
        "area_name",
        "region_code",
        "region_name",
        "registered_population",
    ]
    assert areas["area_code"].tolist() == [f"E540000{number:02d}" for number in range(5, 49)]
    assert stp.label == "footprint" and stp.label_plural == "footprints"
    assert stp.area_type == "stp"


def test_footprint_names_and_regions_are_as_ons_gives_them(stp):
    ons = raw("ONS_CCG17_to_STP17_lookup_April2017_v3.csv.gz")
    names = dict(zip(ons["STP17CD"], ons["STP17NM"], strict=False))
    areas = stp.areas.set_index("area_code")
    assert areas["area_name"].to_dict() == names
    assert areas.loc[GREATER_MANCHESTER, "area_name"] == "Greater Manchester"
    assert areas.loc[GREATER_MANCHESTER, "region_name"] == "North of England"
    assert areas.loc["E54000027", "region_code"] == "E40000003"  # North West London: London
    assert set(areas["region_code"]) == {"E40000001", "E40000002", "E40000003", "E40000004"}


def test_registered_population_sums_to_the_qof_england_total(stp, qof_list_sizes_1718):
    england_total = int(qof_list_sizes_1718["size"].sum())
    assert int(stp.areas["registered_population"].sum()) == england_total
    assert england_total == 58_383_266  # hand-checked total of the 7,100 practices


def test_greater_manchester_population_is_its_practices_list_sizes(stp, qof_list_sizes_1718):
    practices = raw("QOF_ORGANISATION_REFERENCE_1718.csv.gz")
    in_gm = practices.loc[practices["STP_CODE"] == GREATER_MANCHESTER, "PRACTICE_CODE"]
    expected = qof_list_sizes_1718.loc[qof_list_sizes_1718["PRACTICE_CODE"].isin(in_gm), "size"]
    areas = stp.areas.set_index("area_code")
    assert areas.loc[GREATER_MANCHESTER, "registered_population"] == expected.sum()


def test_regions_and_england():
    table = geography.regions()
    assert table.columns.tolist() == ["region_code", "region_name"]
    assert table["region_code"].tolist() == ["E40000001", "E40000002", "E40000003", "E40000004"]
    assert geography.ENGLAND_CODE == "E92000001" and geography.ENGLAND_NAME == "England"


# --- part lookups ---------------------------------------------------------------------------------


def test_every_part_lookup_has_valid_shares(stp):
    assert stp.part_types == ("practice", "ccg", "lad", "utla", "trust", "lsoa")
    for part_type in stp.part_types:
        lookup = stp.part_lookup(part_type)
        assert list(lookup.columns) == ["part_code", "part_name", "area_code", "share"]
        assert ((lookup["share"] > 0) & (lookup["share"] <= 1)).all(), part_type
        totals = lookup.groupby("part_code")["share"].sum()
        assert totals.sub(1).abs().max() < 1e-9, part_type
        assert lookup["area_code"].isin(stp.areas["area_code"]).all(), part_type


def test_greater_manchester_has_its_10_ccgs(stp):
    # April 2017: Central, North and South Manchester had just merged into NHS Manchester CCG
    ccgs = stp.part_lookup("ccg")
    in_gm = ccgs.loc[ccgs["area_code"] == GREATER_MANCHESTER, "part_name"]
    assert len(in_gm) == 10
    assert {"NHS Bolton CCG", "NHS Trafford CCG", "NHS Manchester CCG"} <= set(in_gm)
    assert len(ccgs) == 207


def test_the_17_split_districts_are_apportioned_by_lsoa_count(stp, lsoa_file):
    lads = stp.part_lookup("lad")
    assert lads["part_code"].nunique() == 326
    split = lads[lads["part_code"].duplicated(keep=False)]
    assert split["part_code"].nunique() == 17
    assert split.groupby("part_code").size().eq(2).all()
    counts = lsoa_file.groupby(["LAD17CD", "STP17CD"]).size()
    for row in split.itertuples():
        expected = counts[(row.part_code, row.area_code)] / counts[row.part_code].sum()
        assert row.share == pytest.approx(expected, abs=1e-12)
    high_peak = split[split["part_code"] == "E07000037"].set_index("area_code")["share"]
    assert high_peak[GREATER_MANCHESTER] == pytest.approx(21 / 59)  # 21 of its 59 LSOAs


def test_utla_shares_are_population_weighted_lad_shares(stp, lsoa_file):
    utlas = stp.part_lookup("utla")
    counties = raw("ONS_LAD17_to_County17_lookup_Dec2017.csv.gz")["CTY17CD"]
    single_tier = lsoa_file["LAD17CD"][~lsoa_file["LAD17CD"].str.startswith("E07")]
    expected_codes = set(counties[counties.str.startswith("E10")]) | set(single_tier)
    assert set(utlas["part_code"]) == expected_codes
    assert len(expected_codes) == 152  # 27 counties, 56 unitaries, 36 mets, 33 London
    derbyshire = utlas[utlas["part_code"] == "E10000007"].set_index("area_code")["share"]
    population = geography.lad_population(2017)
    high_peak_gm = population["E07000037"] * 21 / 59
    derbyshire_districts = [
        "E07000032",
        "E07000033",
        "E07000034",
        "E07000035",
        "E07000036",
        "E07000037",
        "E07000038",
        "E07000039",
    ]
    expected = high_peak_gm / population[derbyshire_districts].sum()
    assert derbyshire[GREATER_MANCHESTER] == pytest.approx(expected, rel=1e-12)
    manchester = utlas[utlas["part_code"] == "E08000003"]
    assert manchester[["area_code", "share"]].values.tolist() == [[GREATER_MANCHESTER, 1.0]]


def test_practice_lookups_for_both_qof_years_agree_with_qof(stp):
    for year, file_name in [
        ("2017/18", "QOF_ORGANISATION_REFERENCE_1718.csv.gz"),
        ("2016/17", "QOF_ORGANISATION_REFERENCE_1617.csv.gz"),
    ]:
        qof = raw(file_name).set_index("PRACTICE_CODE")["STP_CODE"]
        lookup = stp.part_lookup("practice", year=year).set_index("part_code")["area_code"]
        assert len(lookup) == len(qof)
        assert lookup.sort_index().equals(qof.sort_index().rename("area_code"))
    assert len(stp.part_lookup("practice")) == 7100


def test_practices_in_ccgs_merged_in_2018_keep_their_2017_ccg(ccg):
    practices = ccg.part_lookup("practice").set_index("part_code")["area_code"]
    assert practices["B86669"] == "E38000095"  # PHE Dec 2017: NHS Leeds South and East CCG
    assert practices["Y05826"] == "E38000013"  # PHE Dec 2017: Birmingham South and Central
    assert practices["B83005"] == "E38000018"  # QOF 2017-18 moved it to Bradford City
    assert practices.isin(ccg.areas["area_code"]).all()


def test_trusts_include_the_three_merged_trusts(stp):
    trusts = stp.part_lookup("trust").set_index("part_code")
    health_foundation = raw("HF_Trust-STP-lookup.csv.gz", encoding="utf-8-sig")
    assert len(trusts) == len(health_foundation) + 3
    assert trusts.loc["RW3", "area_code"] == GREATER_MANCHESTER
    assert trusts.loc["RM2", "area_code"] == GREATER_MANCHESTER
    assert trusts.loc["RQQ", "area_code"] == "E54000021"
    assert trusts.loc["RQQ", "part_name"] == "Hinchingbrooke Health Care NHS Trust"
    assert trusts.loc["RW3", "part_name"].startswith("Central Manchester University Hospitals")


def test_lsoa_lookup_is_the_ons_file(stp, lsoa_file):
    lsoas = stp.part_lookup("lsoa").set_index("part_code")["area_code"]
    assert len(lsoas) == 32_844
    expected = lsoa_file.set_index("LSOA11CD")["STP17CD"].sort_index().rename("area_code")
    assert lsoas.sort_index().equals(expected)


def test_part_lookup_rejects_bad_arguments(stp, ccg):
    with pytest.raises(ParameterError, match="part_type 'hospital' is unknown"):
        stp.part_lookup("hospital")
    with pytest.raises(ParameterError, match="QOF year '2018/19' is not available"):
        stp.part_lookup("practice", year="2018/19")
    with pytest.raises(ParameterError, match="year applies only to practice"):
        stp.part_lookup("lad", year="2017/18")
    with pytest.raises(ParameterError, match="'ccg2017' has no trust lookup"):
        ccg.part_lookup("trust")


def test_lookups_are_copies(stp):
    first = stp.part_lookup("ccg")
    first["share"] = 0.0
    assert (stp.part_lookup("ccg")["share"] == 1.0).all()
    areas = stp.areas
    areas["registered_population"] = 0
    assert stp.areas["registered_population"].sum() > 0


# --- ccg2017 --------------------------------------------------------------------------------------


def test_ccg2017_has_the_207_ccgs(ccg, qof_list_sizes_1718):
    areas = ccg.areas
    assert len(areas) == 207 and areas["area_code"].str.startswith("E38").all()
    assert ccg.label == "CCG" and ccg.label_plural == "CCGs"
    assert ccg.part_types == ("practice", "lad", "utla", "lsoa")
    assert int(areas["registered_population"].sum()) == int(qof_list_sizes_1718["size"].sum())


# --- populations ----------------------------------------------------------------------------------


def test_lad_population_matches_the_ons_england_totals():
    assert geography.lad_population(2016).sum() == 55_268_067  # SOURCES.md, from the MYE file
    assert geography.lad_population(2017).sum() == 55_619_430
    assert len(geography.lad_population(2001)) == 326
    for bad in (2000, 2019, "2017"):
        with pytest.raises(ParameterError, match="expected an integer 2001-2018"):
            geography.lad_population(bad)


def test_area_population_apportions_split_districts(stp):
    population = geography.area_population("stp2017", 2017)
    assert population.index.tolist() == stp.areas["area_code"].tolist()
    assert population.sum() == pytest.approx(55_619_430)
    lads = geography.lad_population(2017)
    gm_districts = [f"E0800000{n}" for n in range(1, 10)] + ["E08000010"]
    expected = lads[gm_districts].sum() + lads["E07000037"] * 21 / 59
    assert population[GREATER_MANCHESTER] == pytest.approx(expected)


def test_lad_code_changes_map_to_real_lad17_codes(stp):
    changes = geography.lad_code_changes()
    assert changes.columns.tolist() == ["new_code", "new_name", "old_code", "weight"]
    lad17 = stp.part_lookup("lad").drop_duplicates("part_code").set_index("part_code")
    assert changes["old_code"].isin(lad17.index).all()
    assert changes.groupby("new_code")["weight"].sum().sub(1).abs().max() < 1e-12
    dorset = changes[changes["new_code"] == "E06000059"]
    assert sorted(dorset["old_code"]) == [f"E070000{n}" for n in range(49, 54)]
    transcribed = pd.read_csv(
        geography.area_set.areas_dir() / "lad_code_changes.csv", comment="#", dtype=str
    )
    names = transcribed["old_code"].map(lad17["part_name"])
    assert (names == transcribed["old_name"]).all()
    population = geography.lad_population(2017)
    bcp = changes[changes["new_code"] == "E06000058"].set_index("old_code")["weight"]
    total = population[["E06000028", "E06000029", "E07000048"]].sum()
    assert bcp["E06000029"] == pytest.approx(population["E06000029"] / total)


# --- resolve_area ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["E54000007", "e54000007", " Greater Manchester ", "GREATER MANCHESTER", "greater-manchester"],
)
def test_resolve_area_by_code_or_name(query):
    assert geography.resolve_area(query) == GREATER_MANCHESTER


def test_resolve_area_tolerates_ampersand_and_unique_substrings():
    assert geography.resolve_area("Cheshire & Merseyside") == "E54000008"
    assert geography.resolve_area("black country") == "E54000016"
    assert geography.resolve_area("bolton", area_set="ccg2017") == "E38000016"


def test_resolve_area_unknown_lists_the_three_closest():
    with pytest.raises(UnknownAreaError) as caught:
        geography.resolve_area("Greater Manchster")
    message = str(caught.value)
    assert "closest" in message and "Greater Manchester (E54000007)" in message
    assert message.count("(E54") == 3


def test_unknown_code_suggests_the_closest_codes():
    with pytest.raises(UnknownAreaError) as caught:
        geography.resolve_area("E540000077")  # one digit too many
    message = str(caught.value)
    assert "closest: Greater Manchester (E54000007)" in message
    assert message.count("(E54") == 3


def test_resolve_area_ambiguous_lists_the_candidates():
    with pytest.raises(UnknownAreaError, match="matches 5 footprints") as caught:
        geography.resolve_area("london")
    assert "North West London (E54000027)" in str(caught.value)
    with pytest.raises(UnknownAreaError, match="matches 3 CCGs"):
        geography.resolve_area("leeds", area_set="ccg2017")


def test_resolve_area_rejects_an_empty_query():
    with pytest.raises(UnknownAreaError, match="empty footprint"):
        geography.resolve_area("  ")


def test_footprint_table_is_the_area_table(stp):
    assert geography.footprint_table().equals(stp.areas)
    assert len(geography.footprint_table("ccg2017")) == 207


def test_utla_population_sums_its_districts():
    mapping = geography.lad_to_utla()
    assert mapping.columns.tolist() == ["lad_code", "utla_code", "utla_name"]
    assert len(mapping) == 326 and mapping["utla_code"].nunique() == 152
    population = geography.utla_population(2017)
    assert population.sum() == geography.lad_population(2017).sum()
    lads = geography.lad_population(2017)
    derbyshire = mapping.loc[mapping["utla_code"] == "E10000007", "lad_code"]
    assert len(derbyshire) == 8
    assert population["E10000007"] == lads[derbyshire].sum()
    assert population["E08000003"] == lads["E08000003"]
