"""`stp-packs validate`: exit codes, the per-source summary, and a user's own Fingertips CSV."""

from __future__ import annotations

import re
import shutil
import textwrap

import pandas as pd
import pytest
from catalog_fixtures import good_csv, indicator_entry, write_catalog

from stp_analytics import cli
from stp_analytics.data.catalog import load_catalog
from stp_analytics.data.validation_report import validate_catalog
from stp_analytics.paths import data_catalog_dir

EXAMPLE = data_catalog_dir() / "examples" / "copd_prevalence_airedale_practices.csv"


def test_default_catalogue_validates_clean(capsys):
    assert cli.main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "validation OK" in out
    assert "qof_prevalence: 100,999 rows loaded" in out
    assert "register blank in the QOF file" in out  # set-aside rows are counted and shown
    assert "rtt_18_weeks" in out  # listed as having no default data


def test_clean_user_catalogue_exits_zero(tmp_path, capsys):
    path = write_catalog(tmp_path, good_csv())
    assert cli.main(["validate", "--catalog", str(path)]) == 0
    out = capsys.readouterr().out
    assert "user_data: 3 rows loaded, 0 rows set aside" in out


def test_errors_exit_one_and_name_file_row_and_column(tmp_path, capsys):
    rows = ("900,E08000009,2016/17,20.0,,,40,200", "900,E08000001,2016/17,25.0,,,fifty,200")
    path = write_catalog(tmp_path, good_csv(rows))
    assert cli.main(["validate", "--catalog", str(path)]) == 1
    out = capsys.readouterr().out
    assert ("error: source 'user_data': file user_data.csv, row 3, column 'Count': non-numeric "
            "value 'fifty'") in out
    assert "validation FAILED with 1 error(s)" in out


def test_broken_catalogue_is_one_error_not_a_traceback(tmp_path, capsys):
    path = write_catalog(tmp_path, good_csv(), indicator=indicator_entry(polarity="sideways"))
    assert cli.main(["validate", "--catalog", str(path)]) == 1
    assert "polarity 'sideways' is not allowed" in capsys.readouterr().out


def test_rows_outside_england_are_set_aside_and_counted(tmp_path):
    rows = ("900,E08000009,2016/17,20.0,,,40,200", "900,W06000015,2016/17,20.0,,,40,200",
            "900,E47000001,2016/17,20.0,,,40,200", "900,E08000001,2016/17,,,,,")
    report = validate_catalog(write_catalog(tmp_path, good_csv(rows)))
    assert report.ok, report.format()
    assert report.loaded == {"user_data": 1}
    reasons = dict(report.set_aside["user_data"])
    assert sum(reasons.values()) == 3
    assert any(r.startswith("outside England (Wales)") for r in reasons)
    assert any("combined authority" in r for r in reasons)
    assert any(r.startswith("no value published") for r in reasons)


def test_one_broken_source_does_not_hide_the_others(tmp_path):
    path = write_catalog(tmp_path, good_csv())
    text = path.read_text(encoding="utf-8").replace("user_data.csv", "absent.csv")
    path.write_text(text, encoding="utf-8")
    report = validate_catalog(path)
    assert not report.ok
    assert "source 'user_data' points at a file that does not exist" in report.errors[0]


def test_missing_catalogue_exits_one(tmp_path, capsys):
    assert cli.main(["validate", "--catalog", str(tmp_path / "none.yml")]) == 1
    assert "catalogue file not found" in capsys.readouterr().out


def test_fingertips_category_breakdown_rows_are_set_aside(tmp_path):
    header = "Indicator ID,Area Code,Sex,Category Type,Category,Time period,Value," \
             "Lower CI 95.0 limit,Upper CI 95.0 limit,Count,Denominator"
    rows = ("900,E08000009,Persons,,,2016/17,20.0,,,40,200",
            "900,E08000009,Persons,Deprivation deciles,Most deprived,2016/17,30.0,,,12,40",
            "900,E08000009,Male,,,2016/17,21.0,,,21,100")
    report = validate_catalog(write_catalog(tmp_path, good_csv(rows, header=header)))
    assert report.ok, report.format()
    assert report.loaded == {"user_data": 2}
    assert [count for _, count in report.set_aside["user_data"]] == [1]


# ---------------------------------------------------------------- a user's own data


def users_catalog(folder):
    """The documented example: the COPD CSV and its catalogue entry, in a temporary catalogue."""
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    entry = indicator_entry(
        name="COPD recorded prevalence (all ages)", polarity="none", geography="practice",
        select={"indicator_id": "253"}, definition="Patients on the QOF COPD register / list size.")
    return write_catalog(folder, None, file_name=EXAMPLE.name, indicator=entry,
                         area_type="practice")


def test_users_fingertips_csv_is_added_through_a_catalogue_entry(tmp_path):
    path = users_catalog(tmp_path)
    report = validate_catalog(path)
    assert report.ok, report.format()
    obs = load_catalog(path).observations(["user_indicator"])
    example = pd.read_csv(EXAMPLE, dtype={"Indicator ID": str})
    assert len(obs) == len(example) == 32
    assert set(obs["period"]) == {"2016/17", "2017/18"}
    merged = obs.merge(example, left_on=["area_code", "period"],
                       right_on=["Area Code", "Time period"])
    assert (merged["numerator"] == merged["Count"]).all()
    assert (merged["denominator"] == merged["Denominator"]).all()
    assert (merged["lower"] == merged["Lower CI 95.0 limit"]).all()


def test_the_documented_catalogue_entry_validates(tmp_path):
    docs = (data_catalog_dir().parent / "docs" / "adding_data.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", docs, re.S).group(1)
    (tmp_path / "examples").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "examples" / EXAMPLE.name)
    path = tmp_path / "catalog.yml"
    path.write_text(textwrap.dedent(block), encoding="utf-8")
    report = validate_catalog(path)
    assert report.ok, report.format()
    assert report.loaded == {"airedale_copd": 32}


@pytest.mark.parametrize("year", ["1617", "1718"])
def test_example_file_holds_real_qof_counts(year):
    example = pd.read_csv(EXAMPLE, dtype={"Area Code": str})
    raw = pd.read_csv(data_catalog_dir() / "sources" / f"QOF_PREVALENCE_{year}.csv.gz")
    copd = raw[raw["INDICATOR_GROUP_CODE"] == "COPD"].set_index("PRACTICE_CODE")
    period = f"20{year[:2]}/{year[2:]}"
    rows = example[example["Time period"] == period].set_index("Area Code")
    assert len(rows) > 10
    assert (rows["Count"] == copd.loc[rows.index, "REGISTER"]).all()
    assert (rows["Denominator"] == copd.loc[rows.index, "PATIENT_LIST_SIZE"]).all()
    assert (rows["Value"] - 100 * rows["Count"] / rows["Denominator"]).abs().max() < 0.0006
