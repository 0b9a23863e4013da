"""Pack definitions and parameter checks (all before any kernel starts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stp_analytics import paths
from stp_analytics.build import pack_spec as packs
from stp_analytics.errors import ParameterError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "packs" / "mini.yml"
NOTEBOOK = FIXTURES / "notebooks" / "mini_pack.ipynb"


def test_load_pack_reads_title_notebook_parameters_formats():
    spec = packs.load_pack(MINI)
    assert spec.name == "mini" and spec.title == "Mini test pack"
    assert spec.notebook == NOTEBOOK.resolve()
    assert spec.parameters == {"demand_growth": 0.02}
    assert spec.formats == ("html", "pdf")


def test_unknown_pack_and_bad_yaml(tmp_path):
    with pytest.raises(ParameterError, match="no definition"):
        packs.load_pack("no_such_pack")
    broken = tmp_path / "broken.yml"
    broken.write_text("title: [unclosed\n")
    with pytest.raises(ParameterError, match="not valid YAML"):
        packs.load_pack(broken)
    listed = tmp_path / "listed.yml"
    listed.write_text("- title\n")
    with pytest.raises(ParameterError, match=r"listed.yml: expected a mapping with title"):
        packs.load_pack(listed)
    missing = tmp_path / "missing.yml"
    missing.write_text("title: T\nnotebook: nowhere.ipynb\n")
    with pytest.raises(ParameterError, match="not found"):
        packs.load_pack(missing)


def test_unknown_parameter_is_named_with_the_valid_ones():
    with pytest.raises(ParameterError, match=r"'demand_grwth'.*valid parameters: area_set"):
        packs.validate_parameters(NOTEBOOK, {"demand_grwth": 0.1})


@pytest.mark.parametrize("name, value, expected", [
    ("demand_growth", "high", "expected float"),
    ("years", 2.5, "expected int"),
    ("years", True, "expected int"),
    ("fail_for", 3, "expected str"),
])
def test_wrong_type_names_parameter_and_type(name, value, expected):
    with pytest.raises(ParameterError, match=f"'{name}'.*{expected}"):
        packs.validate_parameters(NOTEBOOK, {name: value})


def test_int_is_accepted_for_float():
    assert packs.validate_parameters(NOTEBOOK, {"demand_growth": 1}) == {"demand_growth": 1.0}


@pytest.mark.parametrize("value", ['"; import os; os.system(\'x\')', "a\nb", "back\\slash",
                                   "it's", "x; y", "$(rm)"])
def test_unsafe_strings_are_rejected(value):
    with pytest.raises(ParameterError, match="'fail_for'.*not allowed"):
        packs.validate_parameters(NOTEBOOK, {"fail_for": value})


def test_cli_parameters_and_formats():
    assert packs.parse_cli_parameters(["a=3", "b=0.5", "c=true", "d=West Yorkshire"]) == {
        "a": 3, "b": 0.5, "c": True, "d": "West Yorkshire"}
    with pytest.raises(ParameterError, match="name=value"):
        packs.parse_cli_parameters(["novalue"])
    assert packs.parse_formats("pdf,HTML") == ("html", "pdf")
    with pytest.raises(ParameterError, match="unknown format docx"):
        packs.parse_formats("html,docx")


def test_output_dir_outside_project_needs_explicit_permission():
    outside = paths.project_root() / ".." / "stp-packs-elsewhere"
    with pytest.raises(ParameterError, match="--allow-outside"):
        packs.check_output_dir(outside)
    assert packs.check_output_dir(outside, allow_outside=True) == outside.resolve()
    inside = paths.project_root() / "outputs" / ".." / "outputs"
    assert packs.check_output_dir(inside) == (paths.project_root() / "outputs").resolve()
    with pytest.raises(ParameterError, match="itself"):
        packs.check_output_dir(paths.project_root())
