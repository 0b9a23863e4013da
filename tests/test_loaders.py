"""Loaders against figures computed in the test from the raw vendored files (hand-checked sums).

Each expected figure is computed here with plain pandas from ``data_catalog/sources/*.gz``,
independently of the loader code, and compared with the catalogue's observations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from stp_analytics.data.catalog import load_catalog
from stp_analytics.data.loaders import get_loader, loader_names, register_loader
from stp_analytics.data.loaders.common import normalise_period, period_kind
from stp_analytics.errors import CatalogError, DataValidationError
from stp_analytics.paths import sources_dir

FOOTPRINT = "E54000005"  # West Yorkshire


def raw(file_name: str, **options) -> pd.DataFrame:
    return pd.read_csv(sources_dir() / file_name, **options)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_footprint_diabetes_register_and_list_size_match_the_practice_file(catalog):
    prevalence = raw("QOF_PREVALENCE_1718.csv.gz", dtype={"PRACTICE_CODE": str})
    reference = raw("QOF_ORGANISATION_REFERENCE_1718.csv.gz", dtype=str)
    practices = set(reference.loc[reference["STP_CODE"] == FOOTPRINT, "PRACTICE_CODE"])
    diabetes = prevalence[(prevalence["INDICATOR_GROUP_CODE"] == "DM")
                          & prevalence["PRACTICE_CODE"].isin(practices)]
    assert set(diabetes["PATIENT_LIST_TYPE"]) == {"17OV"}
    expected_register = diabetes["REGISTER"].sum()
    expected_list = diabetes.loc[diabetes["REGISTER"].notna(), "PATIENT_LIST_SIZE"].sum()

    obs = catalog.observations(["qof_diabetes_prevalence"])
    ours = obs[(obs["period"] == "2017/18") & obs["area_code"].isin(practices)]
    assert ours["numerator"].sum() == expected_register
    assert ours["denominator"].sum() == expected_list
    assert expected_register > 100_000  # West Yorkshire has about 2.6m patients
    assert (ours["area_type"] == "practice").all()
    assert ours["value"].isna().all()  # computed from counts downstream


def test_qof_groups_use_the_list_type_of_their_age_band(catalog):
    prevalence = raw("QOF_PREVALENCE_1617.csv.gz")
    row = prevalence[(prevalence["PRACTICE_CODE"] == "A81001")
                     & (prevalence["INDICATOR_GROUP_CODE"] == "OB")].iloc[0]
    assert row["PATIENT_LIST_TYPE"] == "18OV"
    obs = catalog.observations(["qof_obesity_prevalence"])
    ours = obs[(obs["area_code"] == "A81001") & (obs["period"] == "2016/17")].iloc[0]
    assert (ours["numerator"], ours["denominator"]) == (row["REGISTER"], row["PATIENT_LIST_SIZE"])


def test_blank_qof_registers_are_set_aside_and_counted(catalog):
    prevalence = raw("QOF_PREVALENCE_1718.csv.gz")
    groups = ["DM", "OB", "DEP", "HYP", "DEM", "MH"]
    in_groups = prevalence["INDICATOR_GROUP_CODE"].isin(groups)
    blank = prevalence[in_groups & prevalence["REGISTER"].isna()]
    catalog.observations(["qof_diabetes_prevalence"])
    aside = catalog.set_aside()
    counted = aside[(aside["source"] == "qof_prevalence")
                    & (aside["file"] == "QOF_PREVALENCE_1718.csv.gz")
                    & aside["reason"].str.startswith("register blank")]
    assert int(counted["rows"].sum()) == len(blank) > 0


def test_one_trust_attendances_in_one_month(catalog):
    ae = raw("ae_attendances_2016-04_2019-03.csv.gz", dtype={"type": str})
    month = ae[(ae["org_code"] == "RF4") & (ae["period"] == "2017-03-01")]
    type1 = month[month["type"] == "1"].iloc[0]
    obs = catalog.observations(["ae_attendances_type1", "ae_four_hour_type1", "ae_attendances_all",
                                "emergency_admissions_via_ae"])
    rf4 = obs[(obs["area_code"] == "RF4") & (obs["period"] == "2017-03")].set_index("indicator")
    assert rf4.at["ae_attendances_type1", "numerator"] == type1["attendances"] == 21289
    assert rf4.at["ae_four_hour_type1", "numerator"] == type1["attendances"] - type1["breaches"]
    assert rf4.at["ae_four_hour_type1", "denominator"] == type1["attendances"]
    assert rf4.at["ae_attendances_all", "numerator"] == month["attendances"].sum()
    assert rf4.at["emergency_admissions_via_ae", "numerator"] == month["admissions"].sum()


def test_ae_england_total_is_split_into_loaded_and_set_aside_providers(catalog):
    ae = raw("ae_attendances_2016-04_2019-03.csv.gz", dtype={"type": str})
    obs = catalog.observations(["ae_attendances_all"])
    england = obs[obs["area_type"] == "england"]
    assert england["numerator"].sum() == ae["attendances"].sum()  # England: every provider
    obs = obs[obs["area_type"] == "trust"]
    loaded = obs["numerator"].sum()
    trusts = set(obs["area_code"])
    assert loaded == ae.loc[ae["org_code"].isin(trusts), "attendances"].sum()
    assert 0.8 < loaded / ae["attendances"].sum() < 1.0  # the rest is set aside, not lost
    months = pd.period_range("2016-04", "2019-03", freq="M").strftime("%Y-%m")
    assert set(obs["period"]) == set(months) and len(months) == 36


def test_fingertips_value_for_one_district(catalog):
    smoking = raw("PHE_fingertips_via_trafford_smoking_adults.csv.gz")
    expected = smoking[(smoking["area_code"] == "E08000009") & (smoking["period"] == 2016)]
    obs = catalog.observations(["smoking_prevalence"])
    ours = obs[(obs["area_code"] == "E08000009") & (obs["period"] == "2016")]
    assert ours["value"].tolist() == expected["value"].tolist()
    england = obs[obs["area_code"] == "E92000001"]
    assert set(england["area_type"]) == {"england"}


def test_healthy_life_expectancy_has_both_sexes_by_upper_tier(catalog):
    obs = catalog.observations(["healthy_life_expectancy"])
    assert set(obs["sex"]) == {"Male", "Female"}
    assert set(obs["area_type"]) == {"utla", "england"}
    hle = raw("PHE_fingertips_via_trafford_healthy_life_expectancy_at_birth.csv.gz")
    expected = hle[(hle["area_code"] == "E10000002") & (hle["period"] == "2014-16")
                   & (hle["group"] == "Female")]["value"].iloc[0]
    ours = obs[(obs["area_code"] == "E10000002") & (obs["period"] == "2014-16")
               & (obs["sex"] == "Female")]["value"].iloc[0]
    assert ours == expected


def test_merged_district_value_goes_to_its_2017_districts_with_a_note(catalog):
    weight = raw("PHE_fingertips_via_trafford_adult_overweight_obese_LAD21.csv.gz")
    bcp = weight[(weight["area_code"] == "E06000058") & (weight["period"] == "2016/17")]
    obs = catalog.observations(["adult_excess_weight"])
    poole = obs[(obs["area_code"] == "E06000029") & (obs["period"] == "2016/17")]
    assert poole["value"].tolist() == bcp["value"].tolist()
    assert "E06000058" not in set(obs["area_code"])
    notes = catalog.row_notes(["adult_excess_weight"])
    poole_note = notes[(notes["area_code"] == "E06000029") & (notes["period"] == "2016/17")]
    assert poole_note["note"].str.contains("approximate").all() and len(poole_note) == 1


def test_le_district_in_two_merged_areas_takes_the_smaller_one(catalog):
    le = raw("PHE_fingertips_90366_life_expectancy_at_birth_LTLA_via_trafford_themes.csv.gz")
    swt = le[(le["area_code"] == "E07000246") & (le["period"] == "2015 - 17")
             & (le["inequality"] == "Male")]["value"].iloc[0]
    obs = catalog.observations(["life_expectancy"])
    taunton = obs[(obs["area_code"] == "E07000190") & (obs["period"] == "2015-17")
                  & (obs["sex"] == "Male")]
    assert taunton["value"].tolist() == [swt]


def test_cervical_screening_practice_counts_and_suppression(catalog):
    screening = raw("BBC_PHE_cervical_screening_coverage_by_practice_Dec2017.csv.gz", dtype=str)
    row = screening[screening["Organisation.Code"] == "B82007"].iloc[0]
    obs = catalog.observations(["cervical_screening_25_49"])
    ours = obs[obs["area_code"] == "B82007"].iloc[0]
    assert ours["numerator"] == float(row["No..of.women.screened.in.previous.42.months"])
    assert ours["denominator"] == float(row["Eligible25to49"])
    suppressed = screening[["Eligible25to49", "No..of.women.screened.in.previous.42.months"]].isin(
        ["<under 6>", "<Suppressed>"]).any(axis=1).sum()
    aside = catalog.set_aside()
    assert suppressed > 0
    assert ((aside["source"] == "cervical_screening") & aside["reason"].str.contains("suppressed")
            ).any()


def test_delayed_transfers_england_months_match_sources_md(catalog):
    obs = catalog.observations(["delayed_transfer_days", "delayed_transfer_days_per_100k"])
    england = obs[obs["area_code"] == "E92000001"].set_index(["indicator", "period"])
    assert england.at[("delayed_transfer_days", "2016-04"), "numerator"] == 168018
    assert england.at[("delayed_transfer_days", "2017-03"), "numerator"] == 199641
    assert england.at[("delayed_transfer_days", "2019-03"), "numerator"] == 138776
    mye = raw("ONS_MYEB3_summary_components_of_change_series_UK_(2018).csv.gz")
    england_2016 = mye.loc[mye["country"] == "E", "population_2016"].sum()
    assert england.at[("delayed_transfer_days_per_100k", "2016-04"), "denominator"] == england_2016
    assert {p[:7] for p in obs["period"]} >= {"2015-07", "2019-03"}
    assert obs["period"].max() == "2019-03"


def test_delayed_days_for_one_county_month(catalog):
    dtoc = raw("NHSE_DToC_days_by_reason_UTLA_monthly_2011_2019_psychty.csv.gz", dtype=str)
    row = dtoc[(dtoc["Code"] == "E10000002") & (dtoc["Period"] == "January 2018")].iloc[0]
    obs = catalog.observations(["delayed_transfer_days"])
    ours = obs[(obs["area_code"] == "E10000002") & (obs["period"] == "2018-01")].iloc[0]
    assert ours["numerator"] == float(row["Total Delayed Transfers of Care"])
    assert ours["area_type"] == "utla"


def test_deprivation_counts_lsoas_in_the_most_deprived_decile(catalog):
    imd = raw("ONS_LSOA11_LAD19_IMD2019rank_lookup.csv.gz")
    lookup = raw("ONS_LSOA11_CCG17_STP17_LAD17_lookup_April2017.csv.gz")
    in_footprint = set(lookup.loc[lookup["STP17CD"] == FOOTPRINT, "LSOA11CD"])
    expected = ((imd["IMD19"] <= 3284) & imd["LSOA11CD"].isin(in_footprint)).sum()
    obs = catalog.observations(["deprivation_most_deprived_decile"])
    assert obs["numerator"].sum() == 3284  # exactly a tenth of 32,844 ranks
    assert obs["denominator"].sum() == 32844
    assert obs.loc[obs["area_code"].isin(in_footprint), "numerator"].sum() == expected > 0


def test_registered_population_equals_total_list_sizes(catalog):
    prevalence = raw("QOF_PREVALENCE_1718.csv.gz")
    hyp = prevalence[prevalence["INDICATOR_GROUP_CODE"] == "HYP"]
    obs = catalog.observations(["registered_population"])
    ours = obs[obs["period"] == "2017/18"]
    assert ours["numerator"].sum() == hyp["PATIENT_LIST_SIZE"].sum()
    assert 57e6 < ours["numerator"].sum() < 60e6


def test_finance_loaders_come_from_a_discovered_module(catalog):
    assert {"ccg_allocations", "trust_financial_performance", "trust_loans"} <= set(loader_names())
    obs = catalog.observations(["trust_loans_outstanding"])
    assert set(obs["period"]) == {"2016/17", "2017/18", "2018/19"}


def test_every_registered_loader_name_is_unique_and_unknown_names_list_the_known():
    with pytest.raises(CatalogError, match="no loader called 'nope'; known loaders: .*qof_prev"):
        get_loader("nope")

    def twin(path, source, indicators):  # pragma: no cover - never called
        return pd.DataFrame()

    with pytest.raises(CatalogError, match="registered twice"):
        register_loader("qof_prevalence")(twin)


@pytest.mark.parametrize(("label", "normal"), [
    ("2015 - 17", "2015-17"), ("April 2019", "2019-04"), ("2016-04-01", "2016-04"),
    ("2016/17", "2016/17"), (" 2016 ", "2016"),
])
def test_period_labels_are_normalised(label, normal):
    assert normalise_period(label) == normal


@pytest.mark.parametrize(("label", "frequency", "kind"), [
    ("2016/17", "annual", "financial year"), ("2016", "annual", "calendar year"),
    ("2014-16", "annual", "rolling years"), ("2016-04", "monthly", "month"),
    ("2016/18", "annual", None), ("2016-13", "monthly", None), ("2016/17", "monthly", None),
])
def test_period_kinds(label, frequency, kind):
    assert period_kind(label, frequency) == kind


def test_full_default_observations_have_the_contract_dtypes(catalog):
    obs = catalog.observations()
    for column in ("numerator", "denominator", "value", "lower", "upper"):
        assert obs[column].dtype == np.float64
    for column in ("indicator", "area_type", "area_code", "period", "sex"):
        assert obs[column].map(type).eq(str).all()
    assert not obs.duplicated(["indicator", "area_type", "area_code", "period", "sex"]).any()
    # "icb": rows the sources publish (or the loaders sum) by 2022 ICB, read by icb2022 only
    assert set(obs["area_type"]) <= {"practice", "ccg", "lad", "utla", "trust", "lsoa", "stp",
                                     "icb", "england"}


# ---------------------------------------------------------------- loader-specific checks


def _one_source_catalog(folder, loader, text, indicator, options=None):
    (folder / "data.csv").write_text(text, encoding="utf-8")
    document = {
        "sources": {"s": {"file": "data.csv", "format": "csv", "publisher": "test",
                          "period": "test", "licence": "OGL", "provenance": "test",
                          "loader": loader, "options": options or {}}},
        "indicators": {"i": {"name": "i", "gap": "care", "domain": "d", "unit": "%",
                             "polarity": "none", "statistic": "proportion", "multiplier": 100,
                             "source": "s", "geography": "trust", "aggregation": "sum_counts",
                             "definition": "d", **indicator}},
    }
    path = folder / "catalog.yml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return load_catalog(path)


def test_qof_group_with_an_unexpected_list_type_is_an_error(tmp_path):
    text = ("PRACTICE_CODE,INDICATOR_GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PATIENT_LIST_SIZE\n"
            "A81001,DM,300,TOTAL,4150\n")
    catalog = _one_source_catalog(tmp_path, "qof_prevalence", text,
                                  {"geography": "practice", "select": {"group": "DM",
                                                                      "list_type": "17OV"}},
                                  {"period": "2017/18"})
    with pytest.raises(DataValidationError, match=r"data\.csv, row 2, column 'PATIENT_LIST_TYPE': "
                       "group DM has list type 'TOTAL'; the catalogue expects '17OV'"):
        catalog.observations()


AE_HEADER = "period,org_code,type,attendances,breaches,admissions\n"


@pytest.mark.parametrize(("rows", "pattern"), [
    ("2017-03-01,RF4,1,100,120,5\n", r"row 2, column 'breaches': breaches 120 are above "
                                     "attendances 100"),
    ("2017-03-01,RF4,1,100,20,5\n2017-03-01,RF4,1,90,20,5\n",
     r"row 3, column 'org_code': duplicate key period='2017-03', org_code='RF4', type='1' "
     "appears in rows 2, 3"),
    ("2017-03-01,RF4,1,100,-2,5\n", r"row 2, column 'breaches': negative count -2"),
])
def test_ae_raw_rows_are_checked_before_summing(tmp_path, rows, pattern):
    catalog = _one_source_catalog(tmp_path, "ae_attendances", AE_HEADER + rows,
                                  {"frequency": "monthly",
                                   "select": {"measure": "four_hour", "types": ["1", "2"]}})
    with pytest.raises(DataValidationError, match=pattern):
        catalog.observations()
