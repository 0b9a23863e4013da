"""The batch build: one pack per area, in parallel, incremental, with failures isolated.

``build(config)``:

1. reads the pack definition and checks every parameter against the notebook's parameters cell
   and every area against the area registry -- before any kernel starts;
2. takes the output folder's lock and removes temp files left by an interrupted build;
3. builds (or reuses from cache) the metric store ONCE and hashes it; the notebook reads it from
   the parquet path (shared storage: a kernel is a separate process, so a path is the one thing
   every worker -- local or on a dask cluster -- can be handed);
4. per area, hashes the inputs (notebook, parameters, store, templates, library sources and
   version, formats, page context); an area whose hash and outputs match ``manifest.json`` is
   skipped unless ``force``;
5. runs :func:`build_pack` for the rest on the chosen executor: papermill in a fresh kernel
   (``shutdown_kernel="immediate"``, per-cell timeout), then HTML and PDF rendered in the same
   worker; a dead kernel is retried once; a worker process that dies is retried once alone;
6. records each outcome in ``manifest.json`` as it arrives (atomic rewrite), then writes the
   national ``index.html``.

Every file is written to a temp file in its folder and moved into place with ``os.replace``;
Ctrl-C or SIGTERM stops the workers, removes temp files and leaves finished packs in place, so
the next build does only what is left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, as_completed
from pathlib import Path
from typing import Any

from stp_analytics import __version__
from stp_analytics.build import executors, locking, render
from stp_analytics.build.config import (  # noqa: F401 - the build's API, re-exported
    FAILED_NAME,
    LOG_NAME,
    MANIFEST_NAME,
    BuildConfig,
    BuildResult,
    PackOutcome,
    PackTask,
    json_bytes,
    pack_folder_name,
    with_overrides,
)
from stp_analytics.build.fingerprint import (  # noqa: F401 - re-exported
    RENDERING_DISTRIBUTIONS,
    library_hash,
    rendering_stack,
)
from stp_analytics.build.manifest import (
    check_same_area_set,
    is_current,
    manifest_entry,
    read_manifest,
    write_index,
)
from stp_analytics.build.plan import (
    make_tasks,
    metric_store,
    plan_build,
    select_areas,
)
from stp_analytics.build.worker import build_pack
from stp_analytics.data.files import (  # noqa: F401 - re-exported
    TEMP_MARK,
    sha256_file,
    slugify,
    write_atomic,
)
from stp_analytics.data.files import (
    remove_temp_files as clean_temp_files,
)
from stp_analytics.errors import BuildError


class _Progress:
    """tqdm bar on a terminal, one plain line per pack otherwise."""

    def __init__(self, total: int, enabled: bool | None) -> None:
        self.total, self.done = total, 0
        use_bar = sys.stderr.isatty() if enabled is None else enabled
        self.bar = None
        if use_bar and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="pack", file=sys.stderr)

    def update(self, outcome: PackOutcome) -> None:
        self.done += 1
        line = (f"{outcome.area_code} {outcome.area_name}: {outcome.status} "
                f"({outcome.duration_s:.1f} s)")
        if outcome.error:
            line += f" -- {outcome.error}"
        if self.bar is not None:
            self.bar.set_postfix_str(outcome.area_code)
            self.bar.update(1)
            if outcome.status == "failed":
                self.bar.write(line)
        else:
            print(f"[{self.done}/{self.total}] {line}", flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def lost_outcome(task: PackTask, reason: str) -> PackOutcome:
    return PackOutcome(
        area_code=task.context.area_code,
        area_name=task.context.area_name,
        folder=Path(task.area_dir).name,
        status="failed",
        input_hash=task.input_hash,
        error=reason,
        attempts=2,
    )


def _run_tasks(
    tasks: list[PackTask], config: BuildConfig, workers: int, record: Callable[[PackOutcome], None],
    after: tuple[Callable[..., Any], tuple] | None = None,
) -> Any:
    """Run every task; a task whose worker process died is retried once, alone.

    ``after`` is one more call, ``(function, arguments)``, queued behind the packs: the first
    worker left without a pack runs it while the others finish theirs. Its result is returned,
    or None if it failed (the caller then does that work itself and reports its errors)."""
    retry: list[PackTask] = []
    with executors.open_executor(config.executor, workers, config.scheduler) as pool:
        futures = {pool.submit(build_pack, task): task for task in tasks}
        extra = pool.submit(after[0], *after[1]) if after is not None else None
        for future in as_completed(futures):
            task = futures[future]
            try:
                record(future.result())
            except BrokenExecutor:
                retry.append(task)
            except Exception as error:  # e.g. dask KilledWorker after its own retries
                record(lost_outcome(task, f"worker lost: {type(error).__name__}: {error}"))
        try:
            extra_result = extra.result() if extra is not None else None
        except Exception:  # noqa: BLE001 - see the docstring
            extra_result = None
    for task in retry:
        with executors.open_executor(config.executor, 1, config.scheduler) as pool:
            try:
                outcome = pool.submit(build_pack, task).result()
                outcome.attempts += 1
                record(outcome)
            except BrokenExecutor as error:
                reason = f"worker process died twice: {type(error).__name__}: {error}"
                record(lost_outcome(task, reason))
            except Exception as error:
                record(lost_outcome(task, f"worker lost: {type(error).__name__}: {error}"))
    return extra_result


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the build like Ctrl-C (only the main thread can install handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-probe{TEMP_MARK}{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise BuildError(
            f"output folder {folder} is not writable ({error.strerror or error}); choose another "
            "with --out or fix its permissions"
        ) from error


def build(config: BuildConfig) -> BuildResult:
    """Build the packs described by ``config`` (see the module docstring)."""
    spec, checked, out_dir = plan_build(config)
    table, label = select_areas(config)
    pack_dir = out_dir / pack_folder_name(spec.name, config.area_set)
    _check_writable(pack_dir)
    with locking.build_lock(pack_dir, wait=config.wait_for_lock), _sigterm_as_interrupt():
        clean_temp_files(pack_dir)
        store = metric_store(config, out_dir)
        store_hash = sha256_file(store)
        tasks = make_tasks(config, spec, checked, out_dir, store, store_hash, table, label)
        manifest_path = pack_dir / MANIFEST_NAME
        manifest = read_manifest(manifest_path)
        check_same_area_set(manifest, config.area_set, manifest_path)
        manifest.update({"pack": spec.name, "title": spec.title, "area_set": config.area_set,
                         "library_version": __version__, "rendering_stack": rendering_stack()})
        entries: dict[str, Any] = manifest["packs"]
        outcomes: list[PackOutcome] = []
        todo = []
        for task in tasks:
            code = task.context.area_code
            if not config.force and is_current(entries.get(code), task):
                previous = entries[code]
                outcomes.append(PackOutcome(code, task.context.area_name, previous["folder"],
                                            "skipped", task.input_hash,
                                            previous.get("duration_s", 0.0),
                                            previous.get("outputs", {})))
            else:
                todo.append(task)
        progress = _Progress(len(todo), config.progress)

        def record(outcome: PackOutcome) -> None:
            outcomes.append(outcome)
            entries[outcome.area_code] = manifest_entry(outcome)
            write_atomic(manifest_path, json_bytes(manifest))
            progress.update(outcome)

        workers = config.workers or min(len(todo), os.cpu_count() or 1) or 1
        # with more than one worker, the index's heat map is drawn while the last packs run
        heatmap = None
        draw_heatmap = (render.gap_heatmaps, (store, config.area_set, config.catalog_path))
        try:
            if todo:
                heatmap = _run_tasks(todo, config, workers, record,
                                     after=draw_heatmap if workers > 1 else None)
        except KeyboardInterrupt:
            progress.close()
            clean_temp_files(pack_dir)
            raise
        progress.close()
        index_path = write_index(pack_dir, spec, manifest, store, store_hash, config, label,
                                 heatmap)
        render.write_all_areas(pack_dir, manifest["packs"])
        write_atomic(manifest_path, json_bytes(manifest))
        clean_temp_files(pack_dir)
    outcomes.sort(key=lambda o: o.area_code)
    return BuildResult(outcomes, out_dir, manifest_path, index_path)


def summary_lines(result: BuildResult) -> list[str]:
    """A short report: counts, then one line per failed pack naming the cell and the error."""
    counts = {status: 0 for status in ("built", "skipped", "failed")}
    for outcome in result.outcomes:
        counts[outcome.status] += 1
    lines = [
        f"{counts['built']} built, {counts['skipped']} unchanged, {counts['failed']} failed; "
        f"manifest {result.manifest_path}"
    ]
    if result.index_path is not None:
        lines.append(f"index {result.index_path}")
    for outcome in result.failed:
        lines.append(f"FAILED {outcome.area_code} {outcome.area_name}: {outcome.error} "
                     f"(see {Path(outcome.folder) / FAILED_NAME} and {LOG_NAME})")
    return lines
