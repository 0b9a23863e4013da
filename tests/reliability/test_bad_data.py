"""Bad data (issue 9): each case gets a clear error naming file, row, column and problem.

Every case is fed through a temporary catalogue with one Fingertips-layout CSV. It is checked
twice: the Python API raises the named error (``pytest.raises(match=...)``), and
``stp-packs validate --catalog`` exits 1 and prints the same message. Validation writes nothing:
the folder holds the same files before and after.
"""

from __future__ import annotations

import re

import pytest
import yaml
from catalog_fixtures import HEADER, good_csv, indicator_entry, write_catalog

from stp_analytics import cli
from stp_analytics.data.catalog import load_catalog
from stp_analytics.errors import CatalogError, DataValidationError

pytestmark = pytest.mark.reliability

GOOD = "900,E08000009,2016/17,20.0,,,40,200"

# case -> (file content, expected message pattern)
BAD_FILES = {
    "empty file": (b"", r"file user_data\.csv: the file is empty"),
    "header only": (HEADER + "\n", r"file user_data\.csv: the file has a header but no data rows"),
    "renamed column": (
        good_csv(header=HEADER.replace("Count", "Numerator")),
        r"file user_data\.csv, row 1, column 'Count': missing column\(s\) Count; expected "
        r"columns: Indicator ID, Area Code, .*; found: .*Numerator",
    ),
    "missing column": (
        good_csv(rows=("900,E08000009,2016/17,20.0,,,40",),
                 header=HEADER.replace(",Denominator", "")),
        r"row 1, column 'Denominator': missing column\(s\) Denominator",
    ),
    "wrong delimiter": (
        good_csv(rows=(GOOD.replace(",", ";"),), header=HEADER.replace(",", ";")),
        r"row 1: wrong delimiter: the header has one column .*\(it looks ';'-separated\); "
        r"expected comma-separated columns",
    ),
    "tab-separated": (
        good_csv(rows=(GOOD.replace(",", "\t"),), header=HEADER.replace(",", "\t")),
        r"wrong delimiter: .*\(it looks tab-separated\)",
    ),
    "latin-1 bytes": (
        (HEADER + ",Area Name\n" + GOOD + ",Trafford\n" + GOOD.replace("E08000009", "E08000001")
         + ",Caf\xe9 Bolton\n").encode("latin-1"),
        r"file user_data\.csv, row 3: the file is not UTF-8 text \(byte 0xe9",
    ),
    "ragged row": (
        good_csv(rows=(GOOD, GOOD.replace("E08000009", "E08000001") + ",extra,fields")),
        r"row 3: rows do not have the same number of fields as the header",
    ),
    "non-numeric value": (
        good_csv(rows=(GOOD, "900,E08000001,2016/17,25.0,,,12a,200")),
        r"file user_data\.csv, row 3, column 'Count': non-numeric value '12a' \(expected a "
        r"number or blank\)",
    ),
    "negative count": (
        good_csv(rows=(GOOD, "900,E08000001,2016/17,25.0,,,-5,200")),
        r"row 3, column 'numerator': negative count -5 in numerator of user_indicator",
    ),
    "numerator above denominator": (
        good_csv(rows=(GOOD, "900,E08000001,2016/17,25.0,,,250,200")),
        r"row 3, column 'numerator': numerator 250 is above denominator 200 for the proportion "
        r"user_indicator",
    ),
    "denominator zero": (
        good_csv(rows=(GOOD, "900,E08000001,2016/17,,,,0,0")),
        r"row 3, column 'denominator': denominator is zero for user_indicator",
    ),
    "duplicate key": (
        good_csv(rows=(GOOD, "900,E08000001,2016/17,25.0,,,50,200", GOOD)),
        r"row 4, column 'Area Code': duplicate key Area Code='E08000009', period='2016/17', "
        r"sex='Persons' appears in rows 2, 4",
    ),
    "unknown area code": (
        good_csv(rows=(GOOD, "900,E08999999,2016/17,25.0,,,50,200")),
        r"row 3, column 'area_code': unknown lad code 'E08999999' \(not in the footprint lookups",
    ),
    "periods in mixed formats": (
        good_csv(rows=(GOOD, "900,E08000001,2016,25.0,,,50,200")),
        r"column 'period': periods of user_indicator are in mixed formats: '2016/17' \(financial "
        r"year, row 2\) and '2016' \(calendar year, row 3\)",
    ),
    "unrecognised period": (
        good_csv(rows=(GOOD, "900,E08000001,Q1 2016,25.0,,,50,200")),
        r"row 3, column 'period': period 'Q1 2016' of user_indicator is not recognised",
    ),
}


def _files(folder):
    return sorted((p.name, p.stat().st_size) for p in folder.rglob("*"))


def _validate_fails_saying(path, capsys, text):
    """``stp-packs validate --catalog path`` exits 1 and its output contains ``text``."""
    assert cli.main(["validate", "--catalog", str(path)]) == 1
    assert text in capsys.readouterr().out


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_raises_a_named_error(tmp_path, case):
    content, pattern = BAD_FILES[case]
    path = write_catalog(tmp_path, content)
    with pytest.raises(DataValidationError, match=pattern):
        load_catalog(path).observations()


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_validate_fails_with_the_message_and_writes_nothing(tmp_path, capsys, case):
    content, pattern = BAD_FILES[case]
    path = write_catalog(tmp_path, content)
    before = _files(tmp_path)
    assert cli.main(["validate", "--catalog", str(path)]) == 1
    out = capsys.readouterr().out
    assert "validation FAILED" in out
    assert re.search(pattern, out), out
    assert _files(tmp_path) == before


def test_duplicate_key_names_both_rows(tmp_path):
    path = write_catalog(tmp_path, good_csv(rows=(GOOD, "900,E08000001,2016/17,25,,,50,200", GOOD)))
    with pytest.raises(DataValidationError, match=r"duplicate key .*'E08000009'.* rows 2, 4"):
        load_catalog(path).observations()


def test_missing_file(tmp_path, capsys):
    path = write_catalog(tmp_path, None)
    with pytest.raises(DataValidationError, match=r"file user_data\.csv: source 'user_data' "
                       r"points at a file that does not exist"):
        load_catalog(path).observations()
    _validate_fails_saying(path, capsys, "points at a file that does not exist")


def test_utf8_with_bom_loads(tmp_path):
    path = write_catalog(tmp_path, b"\xef\xbb\xbf" + good_csv().encode("utf-8"))
    obs = load_catalog(path).observations()
    assert obs["area_code"].tolist() == ["E08000001", "E08000003", "E08000009"]
    assert obs["numerator"].sum() == 120


def test_gzip_that_is_not_gzip(tmp_path):
    path = write_catalog(tmp_path, good_csv(), file_name="user_data.csv.gz")
    with pytest.raises(DataValidationError, match=r"user_data\.csv\.gz: cannot read the file"):
        load_catalog(path).observations()


def test_catalogue_entry_pointing_at_a_missing_source(tmp_path, capsys):
    path = write_catalog(tmp_path, good_csv(), indicator=indicator_entry(source="not_there"))
    with pytest.raises(CatalogError, match="indicator 'user_indicator': source 'not_there' is not "
                       "in the catalogue's sources"):
        load_catalog(path)
    _validate_fails_saying(path, capsys, "source 'not_there' is not in the catalogue's sources")


def test_yaml_syntax_error(tmp_path, capsys):
    path = tmp_path / "catalog.yml"
    path.write_text("version: 1\nsources:\n  user_data: {file: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"catalog\.yml line 4, column 1: YAML syntax error"):
        load_catalog(path)
    _validate_fails_saying(path, capsys, "YAML syntax error")


@pytest.mark.parametrize(("change", "pattern"), [
    ({"polarity": "higher_is_better"},
     "polarity 'higher_is_better' is not allowed; expected one of: high_is_good, low_is_good, "
     "none"),
    ({"comparison": {"method": "funnel", "confidence": 0.95}},
     "comparison: method 'funnel' is not allowed; expected one of: single, double, quintiles, "
     "none"),
])
def test_unknown_polarity_or_method(tmp_path, capsys, change, pattern):
    path = write_catalog(tmp_path, good_csv(), indicator=indicator_entry(**change))
    with pytest.raises(CatalogError, match=pattern):
        load_catalog(path)
    _validate_fails_saying(path, capsys, pattern.split(";")[0])


def test_unknown_loader_is_named(tmp_path):
    path = write_catalog(tmp_path, good_csv())
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["sources"]["user_data"]["loader"] = "excel_magic"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(CatalogError, match="no loader called 'excel_magic'; known loaders: "):
        load_catalog(path).observations()


def test_unknown_area_type_option(tmp_path):
    path = write_catalog(tmp_path, good_csv(), area_type="ward")
    with pytest.raises(DataValidationError, match="row 2, column 'area_type': area type 'ward' "
                       "is not one of practice, ccg, lad"):
        load_catalog(path).observations()


def test_nothing_is_silently_dropped(tmp_path):
    """Every data row is either an observation or counted as set aside."""
    rows = (GOOD, "900,W06000015,2016/17,20,,,40,200", "900,E08000001,2016/17,,,,,",
            "900,E47000001,2016/17,20,,,40,200", "900,S12000033,2016/17,20,,,40,200")
    path = write_catalog(tmp_path, good_csv(rows=rows))
    catalog = load_catalog(path)
    kept = len(catalog.observations())
    aside = int(catalog.set_aside()["rows"].sum())
    assert (kept, aside) == (1, 4)
