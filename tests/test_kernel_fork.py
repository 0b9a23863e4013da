"""Kernels forked from a pool worker (stp_analytics.build.kernels.fork): what the kernel sees, when
the
usual start is used instead, and that a pack is the same either way."""

from __future__ import annotations

import json
import os
import sys
import threading
import time

import nbformat
import pytest
from build_fixtures import helpers

from stp_analytics.build import pack_spec as packs
from stp_analytics.build import runner
from stp_analytics.build.kernels import fork as kernel_fork

LINUX = sys.platform.startswith("linux")

FACTS = '''import gc, json, os, sys, tempfile
from ipykernel.kernelapp import IPKernelApp
print(json.dumps({
    "pid": os.getpid(), "ppid": os.getppid(), "sid": os.getsid(0),
    "tmpdir": tempfile.gettempdir(), "cwd": os.getcwd(),
    "parent_env": os.environ.get("JPY_PARENT_PID"),
    "build": os.environ.get("STP_PACKS_BUILD"),
    "preloaded": "stp_analytics.charts.spine" in sys.modules,
    "warm": os.environ.get("STP_TEST_WARM_UP", ""),
    "stdin": sys.stdin is None or not os.isatty(0),
    "frozen": gc.get_freeze_count(),
    "transport": IPKernelApp.instance().transport,
}))
'''


def _facts_pack(tmp_path, warm_up: str = "") -> str:
    """A one-cell pack that prints what its kernel sees, as JSON."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell('footprint = ""\narea_set = "stp2017"\nstore_path = ""\n'
                                  'catalog_path = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("from stp_analytics.content import display  # noqa: F401"),
        nbformat.v4.new_code_cell(FACTS),
    ]
    notebook = tmp_path / "facts.ipynb"
    nbformat.write(nb, notebook)
    pack = tmp_path / "packs" / "facts.yml"
    pack.parent.mkdir()
    text = f"title: Facts\nnotebook: {notebook}\nformats: [html]\n"
    if warm_up:
        text += f"kernel_preload: {warm_up}\n"
    pack.write_text(text)
    return str(pack)


def _kernel_facts(pack_dir, folder: str) -> dict:
    nb = nbformat.read(pack_dir / folder / "pack.ipynb", as_version=4)
    text = "".join(output.get("text", "") for output in nb.cells[-1].outputs)
    return json.loads(text)


def test_notebook_imports_names_modules_and_submodules(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import os, json as j\nfrom stp_analytics import charts, "
                                  "__version__\nfrom . import nothing\nx = 1"),
        nbformat.v4.new_code_cell("this is not python ("),
        nbformat.v4.new_markdown_cell("import markdown_is_not_code"),
    ]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert kernel_fork.notebook_imports(path) == ["json", "os", "stp_analytics",
                                                  "stp_analytics.charts"]


def test_fork_is_declined_when_disabled_or_threaded(monkeypatch):
    monkeypatch.setenv(kernel_fork.START_MODE_VARIABLE, "exec")
    assert not kernel_fork.fork_possible()
    monkeypatch.delenv(kernel_fork.START_MODE_VARIABLE)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not kernel_fork.fork_possible()
        assert kernel_fork.standby_kernel(__file__) == (None, None)
    finally:
        stop.set()
        thread.join()


def test_only_this_python_running_ipykernel_is_forked():
    accepts = kernel_fork.StandbyKernel.accepts
    assert accepts([sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not accepts(["/usr/bin/other-python", "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not accepts([sys.executable, "-m", "some_other_kernel", "-f", "c.json"])


def test_pack_definition_checks_kernel_preload(tmp_path):
    pack = _facts_pack(tmp_path, warm_up="not a callable")
    with pytest.raises(Exception, match="kernel_preload.*package.module:function"):
        packs.load_pack(pack)
    preload = packs.load_pack("three_gaps").kernel_preload
    assert preload == "stp_analytics.content.kernel_warmup:three_gaps"


@pytest.mark.skipif(not LINUX, reason="kernels are forked on Linux only")
@pytest.mark.parametrize("mode", ["fork", "exec"])
def test_kernel_is_a_fresh_child_of_the_worker_in_its_own_session(tmp_path, monkeypatch, mode):
    """Both ways of starting: the kernel is the worker's child in a new session, gets the
    work folder as cwd and TMPDIR, the worker as JPY_PARENT_PID and STP_PACKS_BUILD=1 (the
    notebook silences warnings only there), and talks to the worker
    over Unix sockets; only a forked kernel starts with the library already imported (and
    frozen out of the garbage collector); two packs never share a kernel process."""
    monkeypatch.setenv(kernel_fork.START_MODE_VARIABLE, mode)
    store = helpers.make_store(tmp_path / "store.parquet")
    config = helpers.config(tmp_path / "out", store, pack=_facts_pack(tmp_path),
                            areas=helpers.AREAS[:2], workers=1, formats=("html",))
    result = runner.build(config)
    assert result.exit_code == 0, runner.summary_lines(result)
    pack_dir = tmp_path / "out" / "facts"
    seen = [_kernel_facts(pack_dir, outcome.folder) for outcome in result.outcomes]
    for facts in seen:
        assert facts["sid"] == facts["pid"] != facts["ppid"]
        assert facts["parent_env"] == str(facts["ppid"])
        assert facts["build"] == "1"
        assert facts["cwd"] == facts["tmpdir"]
        assert facts["cwd"].startswith(str(pack_dir)) and ".work" in facts["cwd"]
        assert facts["preloaded"] is (mode == "fork")
        # a forked kernel inherits the worker's imports frozen out of the garbage collector
        assert (facts["frozen"] > 10_000) is (mode == "fork")
        assert facts["stdin"]
        assert facts["transport"] == ("ipc" if os.name == "posix" else "tcp")
    assert seen[0]["pid"] != seen[1]["pid"]
    assert seen[0]["ppid"] == seen[1]["ppid"]  # one worker process started both kernels
    assert seen[0]["ppid"] != os.getpid()


@pytest.mark.skipif(not LINUX, reason="kernels are forked on Linux only")
def test_a_failing_warm_up_is_logged_and_the_pack_still_builds(tmp_path):
    store = helpers.make_store(tmp_path / "store.parquet")
    pack = _facts_pack(tmp_path, warm_up="stp_analytics.no_such_module:warm")
    config = helpers.config(tmp_path / "out", store, pack=pack, areas=helpers.AREAS[:1],
                            workers=1, formats=("html",))
    result = runner.build(config)
    assert result.exit_code == 0, runner.summary_lines(result)
    log = (tmp_path / "out" / "facts" / result.outcomes[0].folder / "build.log").read_text()
    assert "kernel preload stp_analytics.no_such_module:warm failed (ModuleNotFoundError" in log


@pytest.mark.skipif(not LINUX, reason="kernels are forked on Linux only")
def test_standby_that_is_never_used_is_reaped():
    standby = kernel_fork.StandbyKernel()
    pid = standby.process.pid
    standby.discard()
    assert standby.process.returncode == 0
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@pytest.mark.skipif(not LINUX, reason="kernels are forked on Linux only")
def test_launched_kernel_that_outlives_papermill_is_killed_with_its_session(tmp_path):
    standby = kernel_fork.StandbyKernel()
    connection = tmp_path / "kernel.json"
    standby.launch([sys.executable, "-m", "ipykernel_launcher", "-f", str(connection)],
                   env={**os.environ, "JPY_PARENT_PID": str(os.getpid())}, cwd=str(tmp_path))
    deadline = time.monotonic() + 60
    while not connection.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert connection.exists(), "the forked kernel never wrote its connection file"
    assert os.getsid(standby.process.pid) == standby.process.pid
    standby.discard()
    assert standby.process.returncode == -9


@pytest.mark.skipif(not LINUX, reason="kernels are forked on Linux only")
def test_same_pack_bytes_whichever_way_the_kernel_starts(tmp_path, monkeypatch):
    store = helpers.make_store(tmp_path / "store.parquet")
    built = {}
    for mode in ("fork", "exec"):
        monkeypatch.setenv(kernel_fork.START_MODE_VARIABLE, mode)
        config = helpers.config(tmp_path / mode, store, areas=helpers.AREAS[:2],
                                formats=("html",))
        result = runner.build(config)
        assert result.exit_code == 0, runner.summary_lines(result)
        built[mode] = {path.relative_to(tmp_path / mode): path.read_bytes()
                       for path in sorted((tmp_path / mode).rglob("pack.*"))}
    assert len(built["fork"]) == 4  # pack.html and pack.ipynb of two areas
    assert built["fork"] == built["exec"]
