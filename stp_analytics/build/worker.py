"""The worker: one area's pack executed by papermill in a fresh kernel, then rendered to HTML
and PDF in the same process. A failing notebook is reported, never raised; a kernel that dies is
retried once; every file is written atomically."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

from stp_analytics.build import executors, kernels, render
from stp_analytics.build.config import (
    FAILED_NAME,
    INJECTED_TAG,
    KERNEL_EXTRA_ARGUMENTS,
    LOG_NAME,
    OUTPUT_NAMES,
    PackOutcome,
    PackTask,
)
from stp_analytics.build.render import annex_split
from stp_analytics.data.files import TEMP_MARK, write_atomic


def _strip_volatile_metadata(nb) -> None:
    """Drop timings papermill and nbclient record, and give papermill's injected parameters
    cell (a random id each run) a fixed id, so the saved notebook is deterministic."""
    papermill_meta = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
        papermill_meta.pop(key, None)
    for cell in nb.cells:
        if INJECTED_TAG in cell.metadata.get("tags", []):
            cell["id"] = INJECTED_TAG
        cell.metadata.pop("execution", None)
        cell_meta = cell.metadata.get("papermill")
        if cell_meta is not None:
            for key in ("start_time", "end_time", "duration"):
                cell_meta.pop(key, None)


def _is_kernel_failure(error: BaseException) -> bool:
    """A kernel that died or never started (retried once), as opposed to an error in a cell."""
    from nbclient.exceptions import DeadKernelError

    if isinstance(error, DeadKernelError):
        return True
    return isinstance(error, RuntimeError) and "kernel" in str(error).lower()


@contextlib.contextmanager
def _stderr_to(log_path: Path) -> Iterator[None]:
    """In a pool worker (one task at a time), send this process's and its kernel's stderr to
    the pack log, so kernel warnings never reach the terminal."""
    if not executors.IN_POOL_WORKER:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log_path, "ab") as log:
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def _execute(task: PackTask, scratch: Path, work_dir: Path, log_lines: list[str]):
    """Run the notebook once with papermill in a fresh kernel; return the executed notebook."""
    import papermill

    with kernels.pack_kernel(task.notebook, task.kernel_preload, task.parameters, work_dir,
                             log_lines) as manager_class:
        return papermill.execute_notebook(
            task.notebook,
            str(scratch),
            parameters=task.parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            start_timeout=int(task.start_timeout),
            execution_timeout=int(task.timeout),
            shutdown_kernel="immediate",
            record_timing=False,
            extra_arguments=KERNEL_EXTRA_ARGUMENTS,
            kernel_manager_class=manager_class,
            resources={"metadata": {"path": str(work_dir)}},
        )


def _describe_cell_error(error: Exception) -> str:
    cell = getattr(error, "cell_index", None)
    count = getattr(error, "exec_count", None)
    source = (getattr(error, "source", "") or "").strip().splitlines()
    first = source[0][:80] if source else ""
    return (
        f"cell {cell} (execution count {count}, starting {first!r}) raised "
        f"{getattr(error, 'ename', type(error).__name__)}: {getattr(error, 'evalue', error)}"
    )


def build_pack(task: PackTask) -> PackOutcome:
    """Execute and render one area's pack; never raises for a failing notebook."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    started = time.monotonic()
    area_dir = Path(task.area_dir)
    area_dir.mkdir(parents=True, exist_ok=True)
    tag = f"{TEMP_MARK}{os.getpid()}-{threading.get_ident()}"
    scratch = area_dir / f".executed{tag}.ipynb"
    work_dir = area_dir / f".work{tag}"
    log_temp = area_dir / f".{LOG_NAME}{tag}"
    outcome = PackOutcome(
        area_code=task.context.area_code,
        area_name=task.context.area_name,
        folder=area_dir.name,
        status="failed",
        input_hash=task.input_hash,
    )
    log_lines = [
        f"pack {task.pack} for {task.context.area_name} ({task.context.area_code})",
        f"parameters {json.dumps(task.parameters, sort_keys=True)}",
    ]
    executors.TASK_ACTIVE = True
    try:
        work_dir.mkdir(exist_ok=True)
        nb = None
        for attempt in (1, 2):
            outcome.attempts = attempt
            try:
                step_started = time.monotonic()
                with _stderr_to(log_temp):
                    nb = _execute(task, scratch, work_dir, log_lines)
                log_lines.append(f"executed in {time.monotonic() - step_started:.2f} s")
                break
            except PapermillExecutionError as error:
                outcome.error = _describe_cell_error(error)
                log_lines.append(f"FAILED: {outcome.error}")
                _keep_failed(scratch, area_dir)
                break
            except Exception as error:
                if _is_kernel_failure(error) and attempt == 1:
                    log_lines.append(f"attempt 1: kernel failed ({error}); retrying once")
                    continue
                kind = "kernel died or failed to start" if _is_kernel_failure(error) else "error"
                if isinstance(error, TimeoutError):
                    kind = f"a cell ran longer than the {task.timeout:.0f} s timeout"
                outcome.error = f"{kind} (attempt {attempt}): {type(error).__name__}: {error}"
                _keep_failed(scratch, area_dir)
                log_lines.append(f"FAILED: {outcome.error}")
                log_lines.append(traceback.format_exc())
                break
        if nb is not None:
            step_started = time.monotonic()
            outcome.outputs = _render_outputs(nb, task, area_dir, nbformat)
            log_lines.append(f"rendered in {time.monotonic() - step_started:.2f} s")
            outcome.status = "built"
            outcome.error = None
            with contextlib.suppress(FileNotFoundError):
                (area_dir / FAILED_NAME).unlink()
            log_lines.append(f"built {', '.join(sorted(outcome.outputs))}")
        else:
            _remove_outputs(area_dir)
    except Exception as error:  # rendering or file errors: report, never lose the pack
        outcome.status = "failed"
        outcome.error = f"{type(error).__name__}: {error}"
        log_lines += [f"FAILED while rendering: {outcome.error}", traceback.format_exc()]
        _remove_outputs(area_dir)
    finally:
        executors.TASK_ACTIVE = False
        outcome.duration_s = round(time.monotonic() - started, 2)
        with contextlib.suppress(FileNotFoundError):
            scratch.unlink()
        shutil.rmtree(work_dir, ignore_errors=True)
    log_lines.append(f"status {outcome.status} in {outcome.duration_s:.2f} s")
    kernel_log = log_temp.read_bytes() if log_temp.exists() else b""
    with contextlib.suppress(FileNotFoundError):
        log_temp.unlink()
    text = "\n".join(log_lines).encode("utf-8") + b"\n"
    if kernel_log:
        text += b"--- kernel and worker stderr ---\n" + kernel_log
    write_atomic(area_dir / LOG_NAME, text)
    return outcome


def _keep_failed(scratch: Path, area_dir: Path) -> None:
    """Keep the executed notebook (with its error) as failed.ipynb."""
    import nbformat

    if scratch.exists():
        nb = nbformat.read(scratch, as_version=4)
        _strip_volatile_metadata(nb)
        write_atomic(area_dir / FAILED_NAME, nbformat.writes(nb).encode("utf-8"))


def _remove_outputs(area_dir: Path) -> None:
    """A failed pack has no HTML or PDF (a stale one from an earlier build would mislead)."""
    for name in (*OUTPUT_NAMES.values(), annex_split.ANNEX_PDF):
        with contextlib.suppress(FileNotFoundError):
            (area_dir / name).unlink()


def render_files(nb, context: render.PageContext, formats: tuple[str, ...], nbformat
                 ) -> dict[str, bytes]:
    """File name -> bytes of everything a pack folder holds, rendered in memory from the
    executed notebook: the notebook, pack-data.csv, pack.html, pack.pdf and annex.pdf (the
    benchmark's no-kernel floor renders through this too, so both do the same work)."""
    _strip_volatile_metadata(nb)
    contents: dict[str, bytes] = {OUTPUT_NAMES["ipynb"]: nbformat.writes(nb).encode("utf-8")}
    pack_data = render.pack_data_csv(nb)
    if pack_data is not None:
        contents[render.PACK_DATA_NAME] = pack_data
    documents = annex_split.documents(nb, context, pdf="pdf" in formats)
    if "html" in formats:
        contents[OUTPUT_NAMES["html"]] = documents["html"].encode("utf-8")
    for name in (annex_split.PACK_PDF, annex_split.ANNEX_PDF):
        if name in documents:
            contents[name] = render.render_pdf(documents[name])
    return contents


def _render_outputs(nb, task: PackTask, area_dir: Path, nbformat) -> dict[str, str]:
    """Render every format in memory, then move each file into place; return name -> sha256."""
    contents = render_files(nb, task.context, task.formats, nbformat)
    for name, data in sorted(contents.items()):
        write_atomic(area_dir / name, data)
    for fmt, name in (*OUTPUT_NAMES.items(), ("pdf", annex_split.ANNEX_PDF)):
        if fmt != "ipynb" and (fmt not in task.formats or name not in contents):
            with contextlib.suppress(FileNotFoundError):
                (area_dir / name).unlink()
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(contents.items())}
