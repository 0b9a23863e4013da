"""Committed notebooks are clean: no outputs, one plain parameters cell, no statistics in cells."""

from __future__ import annotations

import ast
import io
import re
import tokenize
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
    """Short cells; the parameters and the cell passing them by name are a line each."""
    for index, cell in enumerate(_code_cells(_read(path))):
        assert "remove-input" in cell.metadata.get("tags", []), f"cell {index} shows its input"
        if "parameters" in cell.metadata.get("tags", []) or "assumptions = {" in cell.source:
            continue
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


# ---------------------------------------------------------------- for an analyst


def _parameter_comments(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Parameter name -> the comment at the end of its assignment ("" when there is none)."""
    source = _parameters_cell(notebook).source
    comments = {token.start[0]: token.string.lstrip("#").strip()
                for token in tokenize.generate_tokens(io.StringIO(source).readline)
                if token.type == tokenize.COMMENT}
    return {statement.targets[0].id: comments.get(statement.end_lineno, "")
            for statement in ast.parse(source).body if isinstance(statement, ast.Assign)}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_parameter_has_a_comment_papermill_reads(path: Path) -> None:
    """Each parameter ends with a comment (its unit and allowed values), and papermill reads it
    as the parameter's help (``papermill --help-notebook``): a comment holding "=" would not."""
    import papermill

    comments = _parameter_comments(_read(path))
    assert comments, "no parameters"
    lacking = [name for name, comment in comments.items() if not comment]
    assert not lacking, f"{path.name}: parameters without a comment: {', '.join(lacking)}"
    helps = {name: spec["help"] for name, spec in papermill.inspect_notebook(str(path)).items()}
    assert helps == comments


def test_finance_parameter_comments_give_the_unit_and_range_of_the_assumptions_file() -> None:
    from stp_analytics import finance

    comments = _parameter_comments(_read(paths.notebooks_dir() / "three_gaps.ipynb"))
    for name, spec in finance.assumption_specs().items():
        comment = comments[name]
        assert spec.unit in comment, f"{name}: comment {comment!r} lacks the unit {spec.unit!r}"
        allowed = spec.choices or (f"{spec.minimum} to {spec.maximum}",)
        for text in allowed:
            assert text in comment, f"{name}: comment {comment!r} lacks {text!r}"


def test_area_set_comment_names_every_area_set() -> None:
    comments = _parameter_comments(_read(paths.notebooks_dir() / "three_gaps.ipynb"))
    names = sorted(p.stem for p in (paths.data_catalog_dir() / "areas").glob("*.yml"))
    assert names
    for name in names:
        assert f'"{name}"' in comments["area_set"]


def test_assumptions_are_the_parameters_passed_by_name() -> None:
    """A dict literal naming every finance assumption, in the file's order, each the parameter
    of that name: a renamed parameter stops the notebook (NameError) instead of going missing,
    and no cell looks parameters up in ``globals()``."""
    from stp_analytics import finance

    notebook = _read(paths.notebooks_dir() / "three_gaps.ipynb")
    found = []
    for cell in _code_cells(notebook):
        assert "globals()" not in cell.source and "locals()" not in cell.source
        for node in ast.walk(ast.parse(cell.source)):
            if (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id == "assumptions"):
                found.append(node.value)
    assert len(found) == 1 and isinstance(found[0], ast.Dict)
    keys = [key.value for key in found[0].keys]
    values = [value.id if isinstance(value, ast.Name) else None for value in found[0].values]
    assert keys == list(finance.assumption_specs()) == values


def _section_cells(notebook: nbformat.NotebookNode) -> list[int]:
    """Indices of the code cells that show a pack section (they call ``sections.``)."""
    return [index for index, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and re.search(r"\bsections(_summary)?\.", cell.source)
            and "import" not in cell.source]


def test_each_section_cell_shows_a_section_after_its_explanation() -> None:
    """Every cell that shows part of the pack: its last line is the section (so the cell shows
    it), and the markdown cell before it explains it and names its data, hidden from the pack
    by a tag the renderer drops. No cell calls display.show itself."""
    from stp_analytics.build import render

    notebook = _read(paths.notebooks_dir() / "three_gaps.ipynb")
    indices = _section_cells(notebook)
    assert len(indices) >= 20
    for index, cell in enumerate(notebook.cells):
        assert "display.show(" not in cell.source, f"cell {index} shows HTML itself"
    for index in indices:
        tree = ast.parse(notebook.cells[index].source)
        last = tree.body[-1]
        assert isinstance(last, ast.Expr) and isinstance(last.value, ast.Name), index
        name = last.value.id
        assert isinstance(tree.body[0], ast.Assign) and tree.body[0].targets[0].id == name
        about = notebook.cells[index - 1]
        assert about.cell_type == "markdown", f"cell {index} has no explanation before it"
        assert set(about.metadata.get("tags", [])) & set(render.REMOVE_CELL_TAGS)
        assert f"{name}.data" in about.source, f"cell {index - 1} does not name {name}.data"
        assert "sections:" in about.source or "`" in about.source  # a YAML key or parameter
        assert not any(line.startswith("#") for line in about.source.splitlines())


def test_the_built_pack_keeps_headings_and_drops_explanations() -> None:
    """Rendered with the pack's exporter, the notebook (without outputs) shows the section
    headings and none of the analyst's explanations."""
    from stp_analytics.build import render

    notebook = _read(paths.notebooks_dir() / "three_gaps.ipynb")
    html = render.render_html(notebook, render.PageContext(title="T", area_code="E54000007",
                                                           area_name="Somewhere"))
    for title in SECTIONS:
        assert f">{title}</h2>" in html
    hidden = [c for c in notebook.cells if c.cell_type == "markdown"
              and set(c.metadata.get("tags", [])) & set(render.REMOVE_CELL_TAGS)]
    assert len(hidden) >= len(_section_cells(notebook))
    for cell in hidden:
        assert cell.source.splitlines()[0].strip("*_ ")[:40] not in html
    assert ".data" not in html
