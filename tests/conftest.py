"""Session-wide test set-up: a private temporary folder for each parallel test worker, and the
one real build that the end-to-end tests share (:func:`real_packs`).

The suite runs in parallel (``pytest -n auto --dist loadscope``, pytest-xdist): each worker is a
separate process, and the tests that watch the temporary folder (kernel socket folders, files a
build must not leave behind) would otherwise see the other worker's builds. Run serially with
``-n 0``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

#: the footprints of the shared real build: large with many parts (Greater Manchester), few
#: parts and a split district (Cumbria), London with many small boroughs (North West London)
REAL_FOOTPRINTS = {
    "E54000007": "Greater Manchester",
    "E54000047": "West, North and East Cumbria",
    "E54000027": "North West London",
}


def pytest_configure(config: pytest.Config) -> None:
    """Give a parallel worker its own temporary folder (``TMPDIR``, inherited by the kernels
    and builds it starts)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "run")[:12]
    private = Path(tempfile.gettempdir()) / f"stp-tests-{run}-{worker}"
    private.mkdir(parents=True, exist_ok=True)
    os.environ["TMPDIR"] = str(private)
    tempfile.tempdir = None  # re-read from TMPDIR on next use


@pytest.fixture
def short_tmp_path() -> Path:
    """An empty temporary folder with a short path, removed afterwards: kernel sockets live in a
    folder under the temporary folder, and a Unix socket's path has at most 107 bytes, which a
    parallel worker's ``tmp_path`` (one folder deeper) can leave too little room for."""
    folder = Path(tempfile.mkdtemp(prefix="stp-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class RealPacks:
    """The shared real build: its pack folder (``three_gaps``), manifest, store and config."""

    pack_dir: Path
    manifest: dict
    store_path: Path
    config: object  # runner.BuildConfig

    def folder(self, code: str) -> Path:
        """The pack folder of one footprint."""
        return self.pack_dir / self.manifest["packs"][code]["folder"]


def _seed_from_default_build(pack_dir: Path, manifest_name: str) -> None:
    """Copy the shared footprints' packs from the default build (``outputs/three_gaps``, what
    ``stp-packs build`` writes, as the README's quick start does before the tests), with their
    manifest entries, so the runner rebuilds only those its input hashes (code, data, notebook,
    parameters, rendering stack) say have changed, as it would for a user's rebuild."""
    from stp_analytics import paths

    default = paths.outputs_dir() / "three_gaps"
    try:
        manifest = json.loads((default / manifest_name).read_text(encoding="utf-8"))
        entries = {code: manifest["packs"][code] for code in REAL_FOOTPRINTS}
        folders = [default / entry["folder"] for entry in entries.values()]
    except (OSError, ValueError, KeyError, TypeError):
        return  # no default build (or not these packs): build them
    if not all(folder.is_dir() for folder in folders):
        return
    pack_dir.mkdir(parents=True, exist_ok=True)
    for folder in folders:
        shutil.copytree(folder, pack_dir / folder.name)
    manifest["packs"] = entries
    manifest.pop("index", None)  # the index lists these three: written anew
    (pack_dir / manifest_name).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.fixture(scope="session")
def real_packs(tmp_path_factory: pytest.TempPathFactory) -> RealPacks:
    """The three gaps pack (HTML, PDF, index) for :data:`REAL_FOOTPRINTS`, built once per test
    run with two workers on the cached default store, whichever parallel worker asks first (the
    others wait for it and read the same files). Packs of the default build that the runner
    finds unchanged are reused (:func:`_seed_from_default_build`)."""
    from filelock import FileLock

    from stp_analytics import metrics
    from stp_analytics.build import runner

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    root = shared / "real-packs"
    done = root / "built.json"
    with FileLock(str(shared / "real-packs.lock")):
        store = metrics.load_or_build_store(area_set="stp2017")
        config = runner.BuildConfig(areas=("Greater Manchester", "E54000047", "E54000027"),
                                    out_dir=root / "out", store_path=store, workers=2,
                                    progress=False)
        if not done.is_file():
            _seed_from_default_build(root / "out" / "three_gaps", runner.MANIFEST_NAME)
            result = runner.build(config)
            assert result.exit_code == 0, runner.summary_lines(result)
            done.write_text(json.dumps([o.area_code for o in result.outcomes]), "utf-8")
    pack_dir = root / "out" / "three_gaps"
    return RealPacks(pack_dir, runner.read_manifest(pack_dir / runner.MANIFEST_NAME), store,
                     config)
