"""Area sets as data: shipped files match their derivation; new sets need only YAML + CSV."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest
import yaml

from stp_analytics.data import geography
from stp_analytics.data.geography import derive
from stp_analytics.data.geography.area_set import areas_dir
from stp_analytics.errors import CatalogError, DataValidationError, ParameterError

SHIPPED = ["ccg2017", "icb2022", "stp2017"]


@pytest.mark.parametrize("name", SHIPPED)
def test_committed_lookup_files_equal_a_fresh_derivation(name):
    for file_name, table in derive.derived_tables(name).items():
        committed = (areas_dir() / name / file_name).read_bytes()
        assert committed == derive.csv_bytes(table, file_name), f"{name}/{file_name} is stale"


@pytest.mark.parametrize("name", SHIPPED)
def test_definitions_are_safe_yaml_naming_every_file(name):
    definition = yaml.safe_load((areas_dir() / f"{name}.yml").read_text(encoding="utf-8"))
    for key in ("label", "label_plural", "area_type", "description", "sources", "derivation"):
        assert definition[key], key
    files = [definition["areas"]]
    for entry in definition["parts"].values():
        files.extend(entry.values() if isinstance(entry, dict) else [entry])
    for file_name in files:
        assert (areas_dir() / file_name).exists(), file_name
    assert set(definition["derivation"]) >= set(definition["parts"]) | {"areas"}


def test_readme_describes_every_shipped_set():
    readme = (areas_dir() / "README.md").read_text(encoding="utf-8")
    for name in SHIPPED:
        assert f"`{name}`" in readme


def test_known_area_sets_and_unknown_name():
    assert geography.known_area_sets() == SHIPPED
    with pytest.raises(ParameterError, match="unknown area set 'icb2030'; known area sets: ccg"):
        geography.load_area_set("icb2030")


def test_loading_is_cached_and_silent(capsys):
    geography.area_set._load.cache_clear()
    first = geography.load_area_set("stp2017")
    assert geography.load_area_set() is first
    assert geography.load_area_set(first) is first
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


# --- a new area set from YAML + one lookup file ---------------------------------------------------


def write_set(folder: Path, name: str, text: str) -> None:
    (folder / f"{name}.yml").write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture()
def user_folder(tmp_path: Path) -> Path:
    """A folder with ccg2017 (pointing at the shipped files) and a composed copy of stp2017."""
    shipped = areas_dir()
    write_set(
        tmp_path,
        "ccg2017",
        (shipped / "ccg2017.yml")
        .read_text(encoding="utf-8")
        .replace("ccg2017/", f"{shipped}/ccg2017/"),
    )
    stp_areas = pd.read_csv(shipped / "stp2017" / "areas.csv", dtype=str)
    (tmp_path / "footprints").mkdir()
    stp_areas.to_csv(tmp_path / "footprints" / "areas.csv", index=False)
    ccg_to_stp = pd.read_csv(shipped / "stp2017" / "ccg.csv", dtype=str)
    ccg_to_stp.to_csv(tmp_path / "footprints" / "ccg.csv", index=False)
    write_set(
        tmp_path,
        "footprints",
        """\
        label: footprint
        label_plural: footprints
        area_type: stp
        description: The 44 footprints again, composed from CCGs.
        areas: footprints/areas.csv
        compose:
          base: ccg2017
          via: ccg
        parts:
          ccg: footprints/ccg.csv
        """,
    )
    return tmp_path


def test_a_set_composed_from_ccgs_reproduces_stp2017(user_folder):
    composed = geography.load_area_set("footprints", folder=user_folder)
    shipped = geography.load_area_set("stp2017")
    assert composed.part_types == ("practice", "ccg", "lad", "utla", "lsoa")
    assert composed.areas.equals(shipped.areas)
    for part_type in ("practice", "lad", "lsoa"):
        pd.testing.assert_frame_equal(
            composed.part_lookup(part_type), shipped.part_lookup(part_type), check_exact=False
        )
    pd.testing.assert_frame_equal(
        composed.part_lookup("practice", year="2016/17"),
        shipped.part_lookup("practice", year="2016/17"),
    )
    pd.testing.assert_frame_equal(
        composed.part_lookup("utla"), shipped.part_lookup("utla"), rtol=1e-12
    )
    with pytest.raises(ParameterError, match="'footprints' has no trust lookup"):
        composed.part_lookup("trust")
    assert geography.resolve_area("devon", area_set=composed) == "E54000037"


def test_a_split_ccg_composes_with_fractional_shares(user_folder):
    lookup = pd.read_csv(user_folder / "footprints" / "ccg.csv", dtype=str)
    lookup["share"] = "1.0"
    bolton = lookup[lookup["part_code"] == "E38000016"].assign(area_code="E54000008", share="0.25")
    lookup.loc[lookup["part_code"] == "E38000016", "share"] = "0.75"
    pd.concat([lookup, bolton]).to_csv(user_folder / "footprints" / "ccg.csv", index=False)
    composed = geography.load_area_set("footprints", folder=user_folder)
    practices = composed.part_lookup("practice")
    bolton_practice = practices[practices["part_code"] == "P82001"]  # a Bolton practice
    assert bolton_practice["share"].tolist() == [0.75, 0.25]
    shipped = geography.load_area_set("stp2017").areas.set_index("area_code")
    total = composed.areas["registered_population"].sum()
    assert total == pytest.approx(shipped["registered_population"].sum(), abs=2)


# --- bad definitions and bad lookup files ---------------------------------------------------------


def test_missing_key_is_reported(tmp_path):
    write_set(tmp_path, "broken", "label: area\nareas: a.csv\nparts: {practice: p.csv}\n")
    with pytest.raises(CatalogError, match=r"broken.yml: missing key\(s\) label_plural"):
        geography.load_area_set("broken", folder=tmp_path)


def test_unknown_part_type_is_reported(tmp_path):
    write_set(
        tmp_path,
        "broken",
        """\
        label: area
        label_plural: areas
        area_type: area
        description: test
        areas: a.csv
        parts: {practice: p.csv, hospital: h.csv}
        """,
    )
    with pytest.raises(CatalogError, match=r"unknown part type\(s\) hospital"):
        geography.load_area_set("broken", folder=tmp_path)


def test_unsafe_yaml_is_refused(tmp_path):
    (tmp_path / "evil.yml").write_text("label: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(CatalogError, match="not valid YAML"):
        geography.load_area_set("evil", folder=tmp_path)


def one_area_set(folder: Path, practice_rows: str) -> None:
    (folder / "areas.csv").write_text(
        "area_code,area_name,region_code,region_name\nX1,One,R1,Region\nX2,Two,R1,Region\n"
    )
    (folder / "practices.csv").write_text("part_code,part_name,area_code,share\n" + practice_rows)
    write_set(
        folder,
        "tiny",
        """\
        label: area
        label_plural: areas
        area_type: area
        description: test
        areas: areas.csv
        parts: {practice: {"2017/18": practices.csv}}
        """,
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("A81001,A,X1,1.5\n", r"row 2: share must be in \(0, 1\]"),
        ("A81001,A,X1,abc\n", "row 2: share is not a number"),
        ("A81001,A,X1,1\nA81002,B,X9,1\n", "row 3: area_code is not an area of this set"),
        ("A81001,A,X1,0.5\nA81001,A,X2,0.4\n", "shares of part A81001 sum to 0.900000"),
        ("A81001,A,X1,1\nA81001,A,X1,1\n", "row 3: duplicate part_code and area_code"),
    ],
)
def test_bad_lookup_rows_are_named(tmp_path, rows, message):
    one_area_set(tmp_path, rows)
    with pytest.raises(DataValidationError, match=message) as caught:
        geography.load_area_set("tiny", folder=tmp_path)
    assert "practices.csv" in str(caught.value)


def test_a_tiny_valid_set_loads(tmp_path):
    one_area_set(tmp_path, "A81001,A,X1,0.5\nA81001,A,X2,0.5\nA81002,B,X2,1\n")
    tiny = geography.load_area_set("tiny", folder=tmp_path)
    assert tiny.part_types == ("practice",)
    population = tiny.areas.set_index("area_code")["registered_population"]
    assert population["X1"] > 0 and population["X2"] > population["X1"]
    with pytest.raises(ParameterError, match="no lad lookup"):
        tiny.part_lookup("lad")


def test_derivation_notes_are_exposed_for_the_annex():
    stp = geography.load_area_set("stp2017")
    assert "17 districts are split" in stp.derivation["lad"]
    assert "LSOAs" in stp.derivation["lad"]
    assert "RQQ" in stp.derivation["trust"]
    assert "QOF_PREVALENCE_1718.csv.gz" in stp.source_files


def test_the_composition_example_in_the_docs_is_a_valid_definition(tmp_path):
    docs = (areas_dir().parent.parent / "docs" / "area_sets.md").read_text(encoding="utf-8")
    example = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "alliance2017.yml"
    path.write_text(example, encoding="utf-8")
    definition = geography.area_set._read_definition(path)
    assert definition["label"] == "cancer alliance"
    assert definition["compose"]["base"] == "ccg2017"


def test_composition_needs_every_base_area_placed(user_folder):
    lookup = pd.read_csv(user_folder / "footprints" / "ccg.csv", dtype=str)
    lookup[lookup["part_code"] != "E38000016"].to_csv(
        user_folder / "footprints" / "ccg.csv", index=False
    )
    with pytest.raises(DataValidationError, match="CCG E38000016 of ccg2017 is in no area"):
        geography.load_area_set("footprints", folder=user_folder)
