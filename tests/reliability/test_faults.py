"""Faults: killed kernel or worker, SIGINT/SIGTERM, two builds at once, read-only output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from build_fixtures import helpers

from stp_analytics.build import locking, runner
from stp_analytics.errors import BuildError

pytestmark = pytest.mark.reliability




def text_config(tmp_path: Path, **changes) -> runner.BuildConfig:
    store = helpers.make_store(tmp_path / "store.parquet")
    return helpers.config(tmp_path / "out", store, pack=str(helpers.TEXT_PACK), **changes)


@pytest.mark.slow
def test_kernel_killed_once_is_retried_then_always_killed_is_reported(tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    config = text_config(tmp_path, areas=helpers.AREAS[:2], parameters={
        "kill_kernel_for": "E54000005", "marker_dir": str(markers)})
    result = runner.build(config)
    once = {o.area_code: o for o in result.outcomes}["E54000005"]
    assert once.status == "built" and once.attempts == 2
    always = runner.build(runner.with_overrides(
        config, areas=("E54000005",), parameters={"kill_kernel_for": "E54000005"}))
    outcome = always.outcomes[0]
    assert outcome.status == "failed" and always.exit_code == 1
    assert "kernel died" in outcome.error and outcome.attempts == 2


@pytest.mark.slow
def test_worker_process_killed_is_retried_alone_and_nothing_lost(tmp_path, short_tmp_path,
                                                                 monkeypatch):
    temporary = short_tmp_path  # the build's own temporary folder (its kernels' sockets)
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    markers = tmp_path / "markers"
    markers.mkdir()
    config = text_config(tmp_path, parameters={"kill_worker_for": "E54000006",
                                                "marker_dir": str(markers)})
    result = runner.build(config)
    assert sorted(o.area_code for o in result.outcomes) == list(helpers.AREAS)
    assert all(o.status == "built" for o in result.outcomes), runner.summary_lines(result)
    # the killed worker's socket folder was removed by the worker that ran the retry
    assert list(temporary.iterdir()) == []
    always = runner.build(runner.with_overrides(
        config, force=True, parameters={"kill_worker_for": "E54000006"}))
    statuses = {o.area_code: o.status for o in always.outcomes}
    assert statuses == {"E54000005": "built", "E54000006": "failed", "E54000007": "built"}
    lost = {o.area_code: o for o in always.outcomes}["E54000006"]
    assert "worker process died twice" in lost.error


def _default_sigint() -> None:
    """A build started from a background shell inherits an ignored SIGINT: restore the default."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_build_leaves_no_partial_files_and_next_build_finishes(tmp_path, signum):
    store = helpers.make_store(tmp_path / "store.parquet")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "stp_analytics.cli.app", "build", "--pack",
               str(helpers.TEXT_PACK), "--store", str(store), "--out", str(out), "--workers", "1",
               "--no-progress", "-p", "sleep_s=1.5", "--footprint", *helpers.AREAS]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_default_sigint)
    manifest = out / "text" / "manifest.json"
    deadline = time.monotonic() + 120
    while not manifest.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # the second pack is now running
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode != 0
    assert "interrupted" in stderr
    assert not list(out.rglob("*.tmp-*")), "temp files left behind"
    built_before = json.loads(manifest.read_text())["packs"]
    assert 1 <= len(built_before) < len(helpers.AREAS)
    for path in out.rglob("pack.html"):
        assert path.read_text().rstrip().endswith("</html>")
    finish = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finish.returncode == 0, finish.stderr
    packs = json.loads(manifest.read_text())["packs"]
    assert sorted(packs) == list(helpers.AREAS)
    assert all(entry["status"] == "built" for entry in packs.values())
    assert not list(out.rglob("*.tmp-*"))


@pytest.mark.slow
def test_cell_running_past_the_timeout_is_stopped_and_reported(tmp_path):
    config = text_config(tmp_path, areas=helpers.AREAS[:1], timeout=3,
                         parameters={"sleep_s": 30.0})
    started = time.monotonic()
    result = runner.build(config)
    assert time.monotonic() - started < 25
    outcome = result.outcomes[0]
    assert outcome.status == "failed" and result.exit_code == 1
    assert "longer than the 3 s timeout" in outcome.error
    assert not (tmp_path / "out" / "text" / outcome.folder / "pack.html").exists()


def test_second_build_on_same_output_refuses_or_waits(tmp_path):
    config = text_config(tmp_path)
    pack_dir = tmp_path / "out" / "text"
    with locking.build_lock(pack_dir):
        with pytest.raises(BuildError, match=r"another build \(process \d+\).*--wait"):
            runner.build(config)
        with pytest.raises(BuildError, match="gave up after"):
            with locking.build_lock(pack_dir, wait=True, timeout=0.5):
                pass
    with locking.build_lock(pack_dir, wait=True, timeout=1):
        pass


def test_lock_is_released_when_holder_dies(tmp_path):
    code = ("import sys, time\nfrom pathlib import Path\nfrom stp_analytics.build import locking\n"
            "with locking.build_lock(Path(sys.argv[1])):\n    print('locked', flush=True)\n"
            "    time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(BuildError, match="another build"):
        with locking.build_lock(tmp_path):
            pass
    holder.kill()
    holder.wait()
    with locking.build_lock(tmp_path):
        pass


def test_read_only_output_directory_gives_clear_error(tmp_path):
    config = text_config(tmp_path)
    if os.geteuid() == 0:  # root ignores permission bits: use a folder that cannot exist
        config = runner.with_overrides(config, out_dir=Path("/proc/stp-packs-out"))
    else:
        (tmp_path / "out").mkdir()
        (tmp_path / "out").chmod(0o555)
    with pytest.raises(BuildError, match="not writable"):
        runner.build(config)
