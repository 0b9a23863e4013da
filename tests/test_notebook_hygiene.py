"""Committed notebooks are clean: no outputs, one plain parameters cell, no statistics in cells."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
import yaml

from stp_analytics import paths
from stp_analytics.build import pack_spec as packs

NOTEBOOKS = sorted(paths.notebooks_dir().glob("*.ipynb"))
PACK = paths.packs_dir() / "three_gaps.yml"
SECTIONS = ("Summary", "Health and wellbeing gap", "Care and quality gap",
            "Finance and efficiency gap", "Annex")
#: modules a pack notebook may import: the library and a little of the standard library
ALLOWED_IMPORTS = {"stp_analytics", "logging", "tempfile", "warnings", "pathlib"}
#: text that means a cell computes statistics itself instead of calling stp_analytics
FORBIDDEN = (".mean(", ".sum(", ".median(", ".std(", ".var(", ".quantile(", ".groupby(",
             ".agg(", ".rolling(", ".pivot", "scipy", "np.", "numpy", "pd.", "pandas",
             "statsmodels", "import math")


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _code_cells(notebook: nbformat.NotebookNode) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _parameters_cell(notebook: nbformat.NotebookNode):
    tagged = [c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"expected exactly one parameters-tagged cell, found {len(tagged)}"
    return tagged[0]


def _parameters(notebook: nbformat.NotebookNode) -> dict:
    tree = ast.parse(_parameters_cell(notebook).source)
    values = {}
    for statement in tree.body:
        assert isinstance(statement, ast.Assign), f"line {statement.lineno}: only assignments"
        assert len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
        values[statement.targets[0].id] = ast.literal_eval(statement.value)
    return values


def test_there_is_a_pack_notebook() -> None:
    assert paths.notebooks_dir() / "three_gaps.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_outputs_or_execution_counts(path: Path) -> None:
    for index, cell in enumerate(_code_cells(_read(path))):
        assert cell.outputs == [], f"{path.name} cell {index} has outputs"
        assert cell.execution_count is None, f"{path.name} cell {index} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_holds_plain_literals(path: Path) -> None:
    values = _parameters(_read(path))
    for name in ("footprint", "area_set", "store_path", "catalog_path", "pack_config"):
        assert name in values
    assert values["footprint"] == "E54000007" and values["area_set"] == "stp2017"
    assert values["store_path"] == "" and values["catalog_path"] == ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cells_hold_no_statistics(path: Path) -> None:
    for index, cell in enumerate(_code_cells(_read(path))):
        for text in FORBIDDEN:
            assert text not in cell.source, f"{path.name} cell {index} contains {text!r}"
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] in ALLOWED_IMPORTS, f"cell {index} imports {module}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_hide_inputs_and_are_short(path: Path) -> None:
    for index, cell in enumerate(_code_cells(_read(path))):
        assert "remove-input" in cell.metadata.get("tags", []), f"cell {index} shows its input"
        assert len(cell.source.splitlines()) <= 20, f"cell {index} is long code"


def test_section_headings_are_h2_markdown() -> None:
    notebook = _read(paths.notebooks_dir() / "three_gaps.ipynb")
    headings = [line[3:].strip() for cell in notebook.cells if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if line.startswith("## ")]
    assert tuple(headings) == SECTIONS


def test_finance_defaults_mirror_the_assumptions_file() -> None:
    declared = yaml.safe_load(
        (paths.data_catalog_dir() / "finance_assumptions.yml").read_text(encoding="utf-8")
    )
    values = _parameters(_read(paths.notebooks_dir() / "three_gaps.ipynb"))
    for name, entry in declared.items():
        assert name in values, f"finance assumption {name!r} is not a notebook parameter"
        assert values[name] == entry["value"], f"{name}: notebook default differs from the file"


def test_pack_definition_loads_and_matches_the_notebook() -> None:
    spec = packs.load_pack(PACK)
    assert spec.notebook == (paths.notebooks_dir() / "three_gaps.ipynb").resolve()
    assert spec.formats == ("html", "pdf")
    packs.validate_parameters(spec.notebook, spec.parameters)
    document = yaml.safe_load(PACK.read_text(encoding="utf-8"))
    assert tuple(s["title"] for s in document["sections"]) == SECTIONS
