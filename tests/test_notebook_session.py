"""An analyst's session is left alone: the notebook's set-up code (every code cell before the
first section heading) changes neither the warning filters nor the root logger outside a build;
inside a build (``STP_PACKS_BUILD=1``, set by the build's kernel manager) it silences warnings
and sends the log to the pack's work folder.

The cells run in a fresh Python process, as in a new kernel, over a small hand-made store.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from store_factory import make_store

from stp_analytics import paths
from stp_analytics.content import display

NOTEBOOK = paths.notebooks_dir() / "three_gaps.ipynb"

#: third-party packages that add warning filters of their own when first imported (numpy: its
#: "size changed" ignores and RankWarning; scipy.stats: two of its own). A kernel imports them
#: whatever the notebook does, so they are imported before the filters are compared.
THIRD_PARTY = ("numpy", "pandas", "scipy.stats", "matplotlib.pyplot", "pyarrow.parquet")

#: runs the cells given on stdin in one namespace; prints what changed in the process
SCRIPT = r"""
import importlib, json, logging, sys, warnings
cells, third_party = json.loads(sys.stdin.read())
for name in third_party:
    importlib.import_module(name)
before = [repr(f) for f in warnings.filters]
root = logging.getLogger()
root_before = (list(root.handlers), root.level)
namespace = {}
for source in cells:
    exec(compile(source, "<cell>", "exec"), namespace)
print(json.dumps({
    "before": before,
    "after": [repr(f) for f in warnings.filters],
    "root_unchanged": (list(root.handlers), root.level) == root_before,
    "area_code": namespace["pack"].area_code,
}))
"""


def setup_cells(notebook: nbformat.NotebookNode) -> list[str]:
    """The code cells before the first ``## `` section heading (parameters included)."""
    sources = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            return sources
        if cell.cell_type == "code":
            sources.append(cell.source)
    raise AssertionError("the notebook has no section heading")


def run_setup(tmp_path: Path, in_build: bool) -> dict:
    store = tmp_path / "store.parquet"
    make_store([{"indicator": "smoking_prevalence", "area_code": "E54000007",
                 "area_name": "Greater Manchester", "value": 17.0}]).to_parquet(store)
    cells = setup_cells(nbformat.read(NOTEBOOK, as_version=4))
    cells.insert(1, f"store_path = {str(store)!r}")  # where papermill injects parameters
    env = {k: v for k, v in os.environ.items() if k != display.BUILD_VARIABLE}
    env["TMPDIR"] = str(tmp_path)
    if in_build:
        env[display.BUILD_VARIABLE] = "1"
    done = subprocess.run([sys.executable, "-c", SCRIPT], input=json.dumps([cells, THIRD_PARTY]),
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_setup_code_outside_a_build_leaves_warnings_and_logging_alone(tmp_path) -> None:
    seen = run_setup(tmp_path, in_build=False)
    assert seen["area_code"] == "E54000007"  # the set-up really ran
    assert seen["after"] == seen["before"]
    assert seen["root_unchanged"]
    assert (tmp_path / display.NOTEBOOK_LOG).is_file()  # the library's log still has a file


def test_setup_code_in_a_build_silences_warnings(tmp_path) -> None:
    seen = run_setup(tmp_path, in_build=True)
    assert seen["after"] != seen["before"]
    assert seen["after"][0].startswith("('ignore', None, <class 'Warning'>")
    assert not seen["root_unchanged"]
    assert (tmp_path / display.NOTEBOOK_LOG).is_file()


@pytest.mark.parametrize("value, expected", [("1", True), ("", False), ("0", False)])
def test_in_build_reads_the_variable(monkeypatch, value, expected) -> None:
    monkeypatch.setenv(display.BUILD_VARIABLE, value)
    assert display.in_build() is expected
    monkeypatch.delenv(display.BUILD_VARIABLE)
    assert display.in_build() is False


def test_quiet_notebook_outside_a_build_adds_one_library_log_handler(tmp_path, monkeypatch):
    import logging
    import warnings

    monkeypatch.delenv(display.BUILD_VARIABLE, raising=False)
    library = logging.getLogger("stp_analytics")
    handlers, level, filters = list(library.handlers), library.level, list(warnings.filters)
    try:
        first = display.quiet_notebook(str(tmp_path))
        assert display.quiet_notebook(str(tmp_path)) == first
        added = [h for h in library.handlers if h not in handlers]
        assert len(added) == 1 and added[0].baseFilename == first
        assert warnings.filters == filters
        logging.getLogger("stp_analytics.content.display").info("a note for the log")
        added[0].flush()
        assert "a note for the log" in Path(first).read_text(encoding="utf-8")
    finally:
        for handler in library.handlers[:]:
            if handler not in handlers:
                library.removeHandler(handler)
                handler.close()
        library.setLevel(level)


#: calls that change process-wide warning filters or logging; only ``display.quiet_notebook``
#: may do so (in a build), so no cell may call them itself
PROCESS_WIDE = ("filterwarnings", "simplefilter", "resetwarnings", "catch_warnings",
                "basicConfig", "disable", "captureWarnings")


def process_wide_calls(source: str) -> list[str]:
    """The names of :data:`PROCESS_WIDE` calls in a cell (``warnings.simplefilter(...)`` and
    ``from warnings import simplefilter`` alike)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in PROCESS_WIDE:
                found.append(name)
    return found


def test_no_cell_changes_warning_filters_or_logging_itself() -> None:
    """The session test above runs only the setup cells; this reads every cell, so a section
    cell that silences warnings for the analyst's whole session fails too."""
    cells = [c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    offending = {index: process_wide_calls(cell.source) for index, cell in enumerate(cells)}
    assert not {index: names for index, names in offending.items() if names}


def test_process_wide_calls_are_found() -> None:
    assert process_wide_calls("import warnings\nwarnings.simplefilter('ignore')") == [
        "simplefilter"]
    assert process_wide_calls("from warnings import filterwarnings\nfilterwarnings('ignore')")
    assert process_wide_calls("import logging\nlogging.disable(logging.WARNING)") == ["disable"]
    assert not process_wide_calls("display.quiet_notebook()\nsections.area_facts(pack)")
