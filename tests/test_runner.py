"""The batch build: end to end, failure isolation, incremental rebuild, manifest, atomic writes."""

from __future__ import annotations

import json
import os

import pytest
from build_fixtures import helpers

from stp_analytics import cli
from stp_analytics.build import fingerprint, runner
from stp_analytics.build.kernels import fork as kernel_fork


def test_slugify_and_atomic_write(tmp_path):
    assert runner.slugify("Cheshire & Merseyside") == "cheshire-merseyside"
    target = tmp_path / "file.txt"
    runner.write_atomic(target, b"one")
    runner.write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_clean_temp_files_removes_leftovers_only(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / ".pack.html.tmp-1-2").write_text("partial")
    (tmp_path / "a" / ".work.tmp-1-2").mkdir()
    (tmp_path / "a" / "pack.html").write_text("complete")
    assert runner.clean_temp_files(tmp_path) == 2
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["pack.html"]


def test_unreadable_manifest_means_rebuild(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text("{not json")
    assert runner.read_manifest(path) == {"packs": {}}


@pytest.mark.slow
def test_three_area_build_end_to_end():
    pack_dir, result = helpers.shared_build()
    assert result.exit_code == 0, runner.summary_lines(result)
    assert [o.area_code for o in result.outcomes] == list(helpers.AREAS)
    manifest = json.loads((pack_dir / "manifest.json").read_text())
    index = (pack_dir / "index.html").read_text()
    for code in helpers.AREAS:
        entry = manifest["packs"][code]
        assert entry["status"] == "built" and entry["error"] is None
        folder = pack_dir / entry["folder"]
        # the technical annex.pdf and pack-data.csv when the notebook has an annex and sections
        assert {"pack.html", "pack.ipynb", "pack.pdf"} <= set(entry["outputs"]) <= {
            "pack.html", "pack.ipynb", "pack.pdf", "annex.pdf", "pack-data.csv"}
        for name, digest in entry["outputs"].items():
            assert runner.sha256_file(folder / name) == digest
        assert (folder / "build.log").is_file()
        assert f'href="{entry["folder"]}/pack.html"' in index
        assert f'href="{entry["folder"]}/pack.pdf"' in index
    assert not list(pack_dir.rglob("*.tmp-*"))


@pytest.mark.slow
@pytest.mark.reliability
def test_failure_is_isolated_and_reported(tmp_path, capsys):
    store = helpers.make_store(tmp_path / "store.parquet")
    out = tmp_path / "out"
    status = cli.main(["build", "--pack", str(helpers.MINI_PACK), "--store", str(store),
                       "--out", str(out), "--format", "html", "--workers", "2",
                       "--no-progress", "-p", "fail_for=E54000006",
                       "--footprint", *helpers.AREAS])
    printed = capsys.readouterr().out
    assert status == 1
    assert "FAILED E54000006" in printed and "ValueError: injected failure" in printed
    assert "cell 2" in printed
    pack_dir = out / "mini"
    manifest = json.loads((pack_dir / "manifest.json").read_text())
    failed = pack_dir / manifest["packs"]["E54000006"]["folder"]
    assert manifest["packs"]["E54000006"]["status"] == "failed"
    assert (failed / "failed.ipynb").is_file()
    assert "injected failure" in (failed / "failed.ipynb").read_text()
    assert not (failed / "pack.html").exists() and not (failed / "pack.pdf").exists()
    for code in ("E54000005", "E54000007"):
        entry = manifest["packs"][code]
        assert entry["status"] == "built"
        assert (pack_dir / entry["folder"] / "pack.html").is_file()


@pytest.mark.slow
def test_no_change_rebuild_executes_nothing(tmp_path, monkeypatch):
    # other engineers' edits must not count as a library change inside this test
    monkeypatch.setattr(fingerprint, "library_hash", lambda: "fixed-for-test")
    store = helpers.make_store(tmp_path / "store.parquet")
    config = helpers.config(tmp_path / "out", store, pack=str(helpers.TEXT_PACK),
                            areas=helpers.AREAS[:2])
    first = runner.build(config)
    assert [o.status for o in first.outcomes] == ["built", "built"]
    html = sorted((tmp_path / "out").rglob("pack.html"))
    stamps = [p.stat().st_mtime_ns for p in html]
    second = runner.build(config)
    assert [o.status for o in second.outcomes] == ["skipped", "skipped"]
    assert second.executed == [] and second.exit_code == 0
    assert [p.stat().st_mtime_ns for p in html] == stamps
    outputs = {path: path.read_bytes() for path in sorted((tmp_path / "out").rglob("pack.*"))}
    forced = runner.build(runner.with_overrides(config, force=True))
    assert [o.status for o in forced.outcomes] == ["built", "built"]
    # determinism: the re-executed notebooks (with papermill's injected cell) and pages match
    assert {path: path.read_bytes() for path in outputs} == outputs
    changed = runner.build(runner.with_overrides(config, parameters={"years": 5}))
    assert [o.status for o in changed.outcomes] == ["built", "built"]
    html[0].write_text("tampered")
    repaired = runner.build(runner.with_overrides(config, parameters={"years": 5}))
    assert [o.status for o in repaired.outcomes] == ["built", "skipped"]


def test_an_upgraded_renderer_changes_the_library_hash(monkeypatch):
    """Charts and PDFs depend on matplotlib and WeasyPrint as much as on our sources: a pack
    built with another version is not "unchanged"."""
    stack = fingerprint.rendering_stack()
    assert set(fingerprint.RENDERING_DISTRIBUTIONS) < set(stack)
    assert stack["matplotlib"] and stack["weasyprint"]  # installed, so named with a version
    before = fingerprint.library_hash()
    monkeypatch.setattr(fingerprint, "rendering_stack", lambda: {**stack, "matplotlib": "0.0"})
    assert fingerprint.library_hash() != before
    monkeypatch.setattr(fingerprint, "rendering_stack", lambda: {**stack, "harfbuzz-subset": "x"})
    assert fingerprint.library_hash() != before


@pytest.mark.slow
def test_three_gaps_pack_builds_for_three_footprints(real_packs, tmp_path, monkeypatch):
    """The real pack, end to end (the shared build, ``real_packs``: three footprints, one named,
    two workers, HTML + PDF + index); and the same pack, byte for byte, when its kernel starts
    the plain way (a new process)."""
    from pypdf import PdfReader

    from stp_analytics.build import render
    from stp_analytics.metrics import health_tables

    pack_dir, manifest = real_packs.pack_dir, real_packs.manifest
    assert sorted(manifest["packs"]) == ["E54000007", "E54000027", "E54000047"]
    assert manifest["packs"]["E54000007"]["area_name"] == "Greater Manchester"  # named
    for code in manifest["packs"]:
        document = (real_packs.folder(code) / "pack.html").read_text(encoding="utf-8")
        assert render.external_resources(document) == []
        for section in ("Summary", "Health and wellbeing gap", "Care and quality gap",
                        "Finance and efficiency gap", "Annex"):
            assert f">{section}</a></li>" in document  # in the contents list
        # issue 20: every pack shows its inequality and detection gap (tables computed once)
        assert "Inequality inside the footprint" in document
        assert "slope index of inequality" in document and "Undiagnosed diabetes" in document
        reader = PdfReader(real_packs.folder(code) / "pack.pdf")
        last = len(reader.pages)
        assert f"Page {last} of {last}" in reader.pages[-1].extract_text()
    index = (pack_dir / "index.html").read_text(encoding="utf-8")
    # a pool worker drew the heat map while the last pack ran: the same image as drawn here
    store = real_packs.store_path
    heatmap, note = render.gap_heatmaps(store, "stp2017")
    assert heatmap.count("<img") == heatmap.count("<h3>")  # one heat map per gap compared
    for gap in ("Health and wellbeing gap", "Care and quality gap"):
        assert f"<h3>{gap}: " in heatmap
    assert ("<h3>Finance and efficiency gap: " in heatmap) != ("finance" in note)
    assert "League heat maps by gap" in index and heatmap in index
    # the finance reconciliation (issue 21): the index and every pack show the same 44-area sum
    from stp_analytics.data.catalog import load_catalog
    from stp_analytics.finance import default_assumptions
    from stp_analytics.finance.reconcile import national_reconciliation

    total = f"{national_reconciliation(default_assumptions()).final()['do_nothing_gbp_m']:,.0f}"
    assert "Finance model: national reconciliation" in index and f"<td>{total}</td>" in index
    for code in manifest["packs"]:
        document = (real_packs.folder(code) / "pack.html").read_text(encoding="utf-8")
        assert f"{total} (sum of 44)" in document
        assert "Reported results include sustainability funding" in document
    assert "Inequality inside each footprint" in index  # ranked by the diabetes SII
    assert "<td>Greater Manchester</td><td>2.53 (2.41 to 2.65)</td>" in index
    key = health_tables.health_tables_key(load_catalog(), "stp2017")
    assert (store.parent / f"health-stp2017-{key}" / "sii.parquet").is_file()  # beside the store
    assert manifest["rendering_stack"] == runner.rendering_stack()  # what drew these packs
    monkeypatch.setenv(kernel_fork.START_MODE_VARIABLE, "exec")
    assert not kernel_fork.fork_possible()
    plain = runner.build(runner.with_overrides(
        real_packs.config, areas=("E54000007",), formats=("html",), out_dir=tmp_path / "plain",
        workers=1))
    assert plain.exit_code == 0, runner.summary_lines(plain)
    folder = real_packs.folder("E54000007")
    assert ((tmp_path / "plain" / "three_gaps" / folder.name / "pack.html").read_bytes()
            == (folder / "pack.html").read_bytes())


def test_a_call_queued_behind_the_packs_runs_in_a_worker(tmp_path):
    config = runner.BuildConfig(out_dir=tmp_path, progress=False)
    assert runner._run_tasks([], config, 2, print, after=(os.getpid, ())) != os.getpid()
    # a call that fails gives None: the caller then does that work itself
    assert runner._run_tasks([], config, 2, print, after=(int, ("not a number",))) is None


def test_a_pack_with_its_annex_and_numbers_beside_it_is_current_when_intact(tmp_path):
    """The three gaps pack writes annex.pdf and pack-data.csv beside the formats asked for: an
    intact pack of the same inputs is current (skipped by a rebuild); a stray file is not."""
    from types import SimpleNamespace

    from stp_analytics.build import manifest as manifest_module
    from stp_analytics.data.files import sha256_file

    names = ("pack.ipynb", "pack.html", "pack.pdf", "annex.pdf", "pack-data.csv")
    for name in names:
        (tmp_path / name).write_text(name)
    entry = {"status": "built", "input_hash": "h",
             "outputs": {name: sha256_file(tmp_path / name) for name in names}}
    task = SimpleNamespace(input_hash="h", area_dir=str(tmp_path), formats=("html", "pdf"))
    assert manifest_module.is_current(entry, task)
    (tmp_path / "pack-data.csv").write_text("edited")
    assert not manifest_module.is_current(entry, task)
    entry["outputs"]["notes.txt"] = "x"  # an output the pack never writes
    (tmp_path / "pack-data.csv").write_text("pack-data.csv")
    assert not manifest_module.is_current(entry, task)
