"""Output safety: escaping, no script, no external resource, no code, nothing written outside."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import nbformat
import pytest
from build_fixtures import helpers

from stp_analytics.build import render, runner

pytestmark = pytest.mark.reliability


HOSTILE_NAME = 'Tees <Valley> & "Durham" \'North\''


def notebook_with_data_text() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(area_note)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text='Note: <b>bold</b> & "q" \'s\'\n'),
        nbformat.v4.new_output("execute_result", data={"text/plain": "<script>x()</script>"},
                               execution_count=1),
        nbformat.v4.new_output("display_data", data={"text/html": "<p onclick=\"x()\">ok</p>"
                                                     "<script>alert(1)</script>"}),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("## Summary"), cell]
    return nb


def test_area_names_and_data_text_are_escaped():
    context = render.PageContext(title="Pack & <Title>", area_code="E54000010",
                                 area_name=HOSTILE_NAME, data_period="2016/17 <latest>")
    document = render.render_html(notebook_with_data_text(), context)
    assert HOSTILE_NAME not in document
    assert "Tees &lt;Valley&gt; &amp; &quot;Durham&quot;" in document or \
        "Tees &lt;Valley&gt; &amp; \"Durham\"" in document
    assert "<Valley>" not in document and "<latest>" not in document
    assert "Pack &amp; &lt;Title&gt;" in document
    assert "Note: &lt;b&gt;bold&lt;/b&gt; &amp;" in document
    assert "&lt;script&gt;x()&lt;/script&gt;" in document  # text/plain shown as text
    assert not re.search(r"<script", document, re.IGNORECASE)
    assert "onclick" not in document and "alert(1)" not in document
    assert "print(area_note)" not in document  # no code
    assert render.external_resources(document) == []


def test_index_escapes_area_names(tmp_path):
    store = helpers.make_store(tmp_path / "store.parquet")
    entries = {"E54000010": {"area_name": HOSTILE_NAME, "folder": "E54000010-tees",
                             "status": "failed", "error": "cell 3 raised <ValueError> & more",
                             "outputs": {}}}
    document = render.render_index(title="T & <b>", entries=entries, store_path=store,
                                   area_set="stp2017")
    assert "<Valley>" not in document and "&lt;Valley&gt;" in document
    assert "&lt;ValueError&gt; &amp; more" in document and "T &amp; &lt;b&gt;" in document
    assert render.external_resources(document) == []


def _snapshot(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_build_writes_nothing_outside_the_output_folder(tmp_path, monkeypatch):
    store = helpers.make_store(tmp_path / "inputs" / "store.parquet")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    watched = [tmp_path, helpers.HERE, helpers.MINI_PACK.parent]
    before = {str(folder): _snapshot(folder) for folder in watched}
    config = helpers.config(tmp_path / "out", store, pack=str(helpers.TEXT_PACK),
                            areas=helpers.AREAS[:1])
    stray = Path(tempfile.gettempdir()) / "stp-fixture-E54000005.log"
    stray.unlink(missing_ok=True)
    result = runner.build(config)
    assert result.exit_code == 0
    out = str(tmp_path / "out")
    for folder in watched:
        after = _snapshot(folder)
        changed = {path for path, stamp in after.items()
                   if before[str(folder)].get(path) != stamp and not path.startswith(out)}
        assert changed == set(), f"written outside the output folder: {sorted(changed)}"
    assert os.listdir(elsewhere) == []
    # the notebook wrote a "temporary" log: it went to the pack's work folder, now removed
    assert not (Path(tempfile.gettempdir()) / "stp-fixture-E54000005.log").exists()
    assert not list((tmp_path / "out").rglob("stp-fixture-*.log"))
