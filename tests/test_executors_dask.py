"""The dask executor: same bytes as the process pool; a killed worker never loses a pack."""

from __future__ import annotations

import pytest
from build_fixtures import helpers

from stp_analytics.build import executors, runner
from stp_analytics.errors import ParameterError


def test_unknown_executor_and_scheduler_without_dask():
    with pytest.raises(ParameterError, match="'ray' is unknown; expected one of dask, process"):
        executors.open_executor("ray", 1)
    with pytest.raises(ParameterError, match="--scheduler needs --executor dask"):
        executors.check_executor("process", "tcp://127.0.0.1:8786")
    with pytest.raises(ParameterError, match="at least 1"):
        executors.open_executor("process", 0)


@pytest.mark.slow
def test_local_cluster_build_is_byte_identical_to_process_pool(tmp_path):
    pytest.importorskip("distributed")
    pack_dir, local = helpers.shared_build()
    assert local.exit_code == 0
    store = helpers.make_store(tmp_path / "store.parquet")
    result = runner.build(helpers.config(tmp_path / "out", store, executor="dask",
                                         formats=("html",)))
    assert result.exit_code == 0, runner.summary_lines(result)
    for outcome in result.outcomes:
        dask_html = (tmp_path / "out" / "mini" / outcome.folder / "pack.html").read_bytes()
        assert dask_html == (pack_dir / outcome.folder / "pack.html").read_bytes()


@pytest.mark.slow
def test_worker_killed_mid_build_every_pack_built_or_reported(tmp_path):
    pytest.importorskip("distributed")
    markers = tmp_path / "markers"
    markers.mkdir()
    store = helpers.make_store(tmp_path / "store.parquet")
    config = helpers.config(tmp_path / "out", store, executor="dask", pack=str(helpers.TEXT_PACK),
                            parameters={"kill_worker_for": "E54000006",
                                        "marker_dir": str(markers)})
    result = runner.build(config)
    assert (markers / "worker-E54000006").exists()  # the worker really was killed
    assert sorted(o.area_code for o in result.outcomes) == list(helpers.AREAS)
    for outcome in result.outcomes:
        assert outcome.status in ("built", "failed")
        if outcome.status == "failed":
            assert outcome.error
    manifest = runner.read_manifest(result.manifest_path)
    assert sorted(manifest["packs"]) == list(helpers.AREAS)
