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
import functools
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from stp_analytics import __version__, paths
from stp_analytics.build import executors, locking, pack_spec as packs, render
from stp_analytics.build.kernels import fork as kernel_fork
from stp_analytics.errors import BuildError, ParameterError

MANIFEST_NAME = "manifest.json"
INDEX_NAME = "index.html"
LOG_NAME = "build.log"
FAILED_NAME = "failed.ipynb"
OUTPUT_NAMES = {"ipynb": "pack.ipynb", "html": "pack.html", "pdf": "pack.pdf"}
_TEMP_MARK = ".tmp-"
KERNEL_EXTRA_ARGUMENTS = ["--HistoryManager.enabled=False"]
#: papermill's tag (and, here, the cell id) for the cell of parameters it adds
INJECTED_TAG = "injected-parameters"


@dataclass(frozen=True)
class BuildConfig:
    """Everything one ``stp-packs build`` needs; defaults build every area as HTML and PDF."""

    pack: str = packs.DEFAULT_PACK
    area_set: str = "stp2017"
    areas: tuple[str, ...] = ()
    formats: tuple[str, ...] | None = None
    workers: int | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    out_dir: Path | None = None
    force: bool = False
    executor: str = "process"
    scheduler: str | None = None
    timeout: float = 600.0
    start_timeout: float = 60.0
    allow_outside: bool = False
    wait_for_lock: bool = False
    store_path: Path | None = None
    catalog_path: Path | None = None
    progress: bool | None = None


@dataclass(frozen=True)
class PackTask:
    """One area's pack: everything a worker needs (plain data, picklable)."""

    pack: str
    notebook: str
    parameters: dict[str, Any]
    context: render.PageContext
    area_dir: str
    formats: tuple[str, ...]
    timeout: float
    start_timeout: float
    input_hash: str
    kernel_preload: str = ""


@dataclass
class PackOutcome:
    """What happened to one area's pack."""

    area_code: str
    area_name: str
    folder: str
    status: str  # built | failed | skipped
    input_hash: str
    duration_s: float = 0.0
    outputs: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    attempts: int = 1


@dataclass
class BuildResult:
    """All outcomes of a build, the manifest and index paths, and the exit status."""

    outcomes: list[PackOutcome]
    out_dir: Path
    manifest_path: Path
    index_path: Path | None

    @property
    def failed(self) -> list[PackOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def executed(self) -> list[PackOutcome]:
        return [o for o in self.outcomes if o.status != "skipped"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


# ---------------------------------------------------------------------------------------------
# small helpers


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens (folder names)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "area"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temp file beside ``path`` and move it into place."""
    temp = path.with_name(f".{path.name}{_TEMP_MARK}{os.getpid()}-{threading.get_ident()}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


#: distributions whose version decides a pack's bytes: the numbers (pandas, numpy, scipy,
#: pyarrow), the charts (matplotlib, seaborn, Pillow), the notebook and HTML (papermill,
#: nbformat, nbconvert, Jinja2) and the PDF (WeasyPrint, pydyf, fontTools)
RENDERING_DISTRIBUTIONS = ("pandas", "numpy", "scipy", "pyarrow", "matplotlib", "seaborn",
                           "pillow", "papermill", "nbformat", "nbconvert", "jinja2",
                           "weasyprint", "pydyf", "fonttools")


def rendering_stack() -> dict[str, str]:
    """The installed version of each of :data:`RENDERING_DISTRIBUTIONS` ("" when absent), and
    whether the HarfBuzz-Subset library is there (WeasyPrint subsets fonts with it, else with
    fontTools, and the two give different font bytes)."""
    return dict(_installed_stack())


@functools.cache
def _installed_stack() -> tuple[tuple[str, str], ...]:
    """:func:`rendering_stack`, looked up once per process (a build asks for it three times;
    what a running process has imported does not change under it)."""
    from ctypes.util import find_library
    from importlib.metadata import PackageNotFoundError, version

    stack = []
    for name in RENDERING_DISTRIBUTIONS:
        try:
            stack.append((name, version(name)))
        except PackageNotFoundError:
            stack.append((name, ""))
    stack.append(("harfbuzz-subset", "yes" if find_library("harfbuzz-subset") else "no"))
    return tuple(stack)


def library_hash() -> str:
    """Version plus every source and template file of the stp_analytics package, plus the
    :func:`rendering_stack`: after an upgrade of matplotlib or WeasyPrint, packs are rebuilt."""
    digest = hashlib.sha256(__version__.encode())
    root = paths.package_dir()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2", ".yml", ".css", ".mplstyle"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update(_json_bytes(rendering_stack()))
    return digest.hexdigest()


def clean_temp_files(folder: Path) -> int:
    """Remove temp files and work folders left by an interrupted build; return how many."""
    removed = 0
    if not folder.exists():
        return 0
    for path in sorted(folder.rglob(f"*{_TEMP_MARK}*"), reverse=True):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        removed += 1
    return removed


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# the worker: one area's pack


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

    from stp_analytics.build.kernels import session as kernel_session  # imports jupyter_client: only where kernels run

    standby, note = kernel_fork.standby_kernel(task.notebook, task.kernel_preload,
                                               task.parameters)
    if note:
        log_lines.append(note)
    try:
        with kernel_session.socket_folder() as sockets:
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
                kernel_manager_class=kernel_session.kernel_manager_class(
                    work_dir, standby, sockets),
                resources={"metadata": {"path": str(work_dir)}},
            )
    finally:
        if standby is not None:
            standby.discard()


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
    tag = f"{_TEMP_MARK}{os.getpid()}-{threading.get_ident()}"
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
    for name in OUTPUT_NAMES.values():
        with contextlib.suppress(FileNotFoundError):
            (area_dir / name).unlink()


def _render_outputs(nb, task: PackTask, area_dir: Path, nbformat) -> dict[str, str]:
    """Render every format in memory, then move each file into place; return name -> sha256."""
    _strip_volatile_metadata(nb)
    contents: dict[str, bytes] = {OUTPUT_NAMES["ipynb"]: nbformat.writes(nb).encode("utf-8")}
    document = render.render_html(nb, task.context)
    if "html" in task.formats:
        contents[OUTPUT_NAMES["html"]] = document.encode("utf-8")
    if "pdf" in task.formats:
        contents[OUTPUT_NAMES["pdf"]] = render.render_pdf(document)
    for name, data in sorted(contents.items()):
        write_atomic(area_dir / name, data)
    for fmt, name in OUTPUT_NAMES.items():
        if fmt != "ipynb" and fmt not in task.formats:
            with contextlib.suppress(FileNotFoundError):
                (area_dir / name).unlink()
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(contents.items())}


# ---------------------------------------------------------------------------------------------
# planning


def _select_areas(config: BuildConfig):
    """The area table rows to build (all, or those named by code or name), sorted by code."""
    from stp_analytics.data import geography

    area_set = geography.load_area_set(config.area_set)
    table = area_set.areas.sort_values("area_code", ignore_index=True)
    if config.areas:
        wanted = {geography.resolve_area(query, area_set) for query in config.areas}
        table = table[table["area_code"].isin(wanted)].reset_index(drop=True)
    return table, (area_set.label, area_set.label_plural)


def _store(config: BuildConfig, out_dir: Path) -> Path:
    """The metric store parquet: given, or built once (cached next to the outputs)."""
    if config.store_path is not None:
        if not Path(config.store_path).is_file():
            raise ParameterError(f"store_path {config.store_path}: no such file")
        return Path(config.store_path).resolve()
    from stp_analytics import metrics

    return Path(
        metrics.load_or_build_store(
            catalog=config.catalog_path, area_set=config.area_set, cache_dir=out_dir / ".cache"
        )
    ).resolve()


def data_periods(store_path: Path) -> dict[str, str]:
    """Area code -> "first to last" latest period in the store (the pack's data period)."""
    import pandas as pd

    try:
        frame = pd.read_parquet(store_path, columns=["area_code", "period", "period_start",
                                                     "is_latest", "area_role"])
    except Exception:  # a store without these columns gives no period, not a failure
        return {}
    frame = frame[(frame["area_role"] == "area") & frame["is_latest"].astype(bool)]
    frame = frame.dropna(subset=["period_start"]).sort_values(["area_code", "period_start",
                                                               "period"])
    periods: dict[str, str] = {}
    for code, rows in frame.groupby("area_code", sort=True):
        first, last = rows["period"].iloc[0], rows["period"].iloc[-1]
        periods[str(code)] = first if first == last else f"{first} to {last}"
    return periods


def _runner_parameters(
    config: BuildConfig, spec: packs.PackSpec, declared: dict, code: str, store: Path
) -> dict:
    """The parameters the build sets for each area (only those the notebook declares)."""
    values = {
        "footprint": code,
        "area_set": config.area_set,
        "store_path": str(store),
        "catalog_path": str(Path(config.catalog_path or paths.default_catalog_path()).resolve()),
        "pack_config": str(spec.source) if spec.source else "",
    }
    return {name: value for name, value in values.items() if name in declared}


def plan_build(config: BuildConfig) -> tuple[packs.PackSpec, dict[str, Any], Path]:
    """Checks that need no kernel and no store: pack, parameters, formats, output folder."""
    executors.check_executor(config.executor, config.scheduler)
    spec = packs.load_pack(config.pack)
    user = dict(config.parameters)
    reserved = sorted(set(user) & set(packs.RUNNER_PARAMETERS))
    if reserved:
        raise ParameterError(
            f"parameter {reserved[0]!r} is set by the build for each area; use --footprint / "
            "--areas instead of -p"
        )
    merged = {**spec.parameters, **user}
    checked = packs.validate_parameters(spec.notebook, merged)
    out_dir = packs.check_output_dir(
        config.out_dir if config.out_dir is not None else paths.outputs_dir(),
        allow_outside=config.allow_outside,
    )
    return spec, checked, out_dir


def _make_tasks(
    config, spec, checked, out_dir, store, store_hash, table, label: tuple[str, str]
) -> list[PackTask]:
    declared = packs.notebook_parameters(spec.notebook)
    formats = config.formats or spec.formats
    shared = {
        "notebook": hashlib.sha256(spec.notebook.read_bytes()).hexdigest(),
        "store": store_hash,
        "templates": render.templates_hash(),
        "library": library_hash(),
        "formats": list(formats),
    }
    periods = data_periods(store)
    tasks = []
    for row in table.itertuples(index=False):
        code = str(row.area_code)
        parameters = {**checked, **_runner_parameters(config, spec, declared, code, store)}
        packs.validate_parameters(spec.notebook, parameters)
        context = render.PageContext(
            title=spec.title,
            area_code=code,
            area_name=str(row.area_name),
            data_period=periods.get(code, "not stated"),
            region_name=str(getattr(row, "region_name", "") or ""),
            area_label=render.sentence_case(label[0]),
        )
        key = {**shared, "parameters": {k: v for k, v in parameters.items() if k != "store_path"},
               "context": asdict(context)}
        digest = hashlib.sha256(_json_bytes(key)).hexdigest()
        tasks.append(
            PackTask(
                pack=spec.name,
                notebook=str(spec.notebook),
                parameters=parameters,
                context=context,
                area_dir=str(out_dir / spec.name / f"{code}-{slugify(str(row.area_name))}"),
                formats=tuple(formats),
                timeout=config.timeout,
                start_timeout=config.start_timeout,
                input_hash=digest,
                kernel_preload=spec.kernel_preload,
            )
        )
    return tasks


# ---------------------------------------------------------------------------------------------
# the manifest


def read_manifest(path: Path) -> dict[str, Any]:
    """The previous manifest, or an empty one (an unreadable manifest means: rebuild all)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return {"packs": {}}
    return data if isinstance(data.get("packs"), dict) else {"packs": {}}


def _is_current(entry: dict | None, task: PackTask) -> bool:
    """True when a previous successful build of exactly these inputs is still on disk intact."""
    if not entry or entry.get("status") != "built" or entry.get("input_hash") != task.input_hash:
        return False
    area_dir = Path(task.area_dir)
    outputs = entry.get("outputs") or {}
    wanted = {OUTPUT_NAMES[f] for f in ("ipynb", *task.formats)}
    if set(outputs) != wanted:
        return False
    for name, digest in outputs.items():
        path = area_dir / name
        if not path.is_file() or sha256_file(path) != digest:
            return False
    return True


def _entry(outcome: PackOutcome) -> dict[str, Any]:
    return {
        "area_name": outcome.area_name,
        "folder": outcome.folder,
        "status": outcome.status,
        "duration_s": outcome.duration_s,
        "input_hash": outcome.input_hash,
        "outputs": outcome.outputs,
        "error": outcome.error,
        "attempts": outcome.attempts,
    }


# ---------------------------------------------------------------------------------------------
# running


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


def _lost(task: PackTask, reason: str) -> PackOutcome:
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
                record(_lost(task, f"worker lost: {type(error).__name__}: {error}"))
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
                record(_lost(task, f"worker process died twice: {type(error).__name__}: {error}"))
            except Exception as error:
                record(_lost(task, f"worker lost: {type(error).__name__}: {error}"))
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
        probe = folder / f".write-probe{_TEMP_MARK}{os.getpid()}"
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
    table, label = _select_areas(config)
    pack_dir = out_dir / spec.name
    _check_writable(pack_dir)
    with locking.build_lock(pack_dir, wait=config.wait_for_lock), _sigterm_as_interrupt():
        clean_temp_files(pack_dir)
        store = _store(config, out_dir)
        store_hash = sha256_file(store)
        tasks = _make_tasks(config, spec, checked, out_dir, store, store_hash, table, label)
        manifest_path = pack_dir / MANIFEST_NAME
        manifest = read_manifest(manifest_path)
        manifest.update({"pack": spec.name, "title": spec.title, "area_set": config.area_set,
                         "library_version": __version__, "rendering_stack": rendering_stack()})
        entries: dict[str, Any] = manifest["packs"]
        outcomes: list[PackOutcome] = []
        todo = []
        for task in tasks:
            code = task.context.area_code
            if not config.force and _is_current(entries.get(code), task):
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
            entries[outcome.area_code] = _entry(outcome)
            write_atomic(manifest_path, _json_bytes(manifest))
            progress.update(outcome)

        workers = config.workers or min(len(todo), os.cpu_count() or 1) or 1
        # with more than one worker, the index's heat map is drawn while the last packs run
        heatmap = None
        draw_heatmap = (render.league_heatmap, (store, config.area_set, config.catalog_path))
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
        write_atomic(manifest_path, _json_bytes(manifest))
        clean_temp_files(pack_dir)
    outcomes.sort(key=lambda o: o.area_code)
    return BuildResult(outcomes, out_dir, manifest_path, index_path)


def write_index(pack_dir: Path, spec, manifest: dict, store: Path, store_hash: str,
                config: BuildConfig, label: tuple[str, str],
                heatmap: tuple[str, str] | None = None) -> Path:
    """The national overview page: league heat map and links to every pack (static HTML).

    Skipped when its inputs (manifest entries, store, templates, library) and the file on disk
    are unchanged, so a no-change rebuild draws nothing. ``heatmap``: the heat map already
    drawn for this store (:func:`render.league_heatmap`), else it is drawn here.
    """
    path = pack_dir / INDEX_NAME
    key = {"packs": manifest["packs"], "store": store_hash, "templates": render.templates_hash(),
           "library": library_hash(), "title": spec.title, "area_set": config.area_set,
           "catalog": str(config.catalog_path or "")}
    digest = hashlib.sha256(_json_bytes(_without_durations(key))).hexdigest()
    previous = manifest.get("index") or {}
    if (previous.get("input_hash") == digest and path.is_file()
            and sha256_file(path) == previous.get("sha256")):
        return path
    document = render.render_index(
        title=spec.title, entries=manifest["packs"], store_path=store,
        area_set=config.area_set, area_label=label[0], area_label_plural=label[1],
        catalog_path=config.catalog_path, heatmap=heatmap,
    ).encode("utf-8")
    write_atomic(path, document)
    manifest["index"] = {"input_hash": digest, "sha256": hashlib.sha256(document).hexdigest()}
    return path


def _without_durations(key: dict) -> dict:
    packs_only = {code: {k: v for k, v in entry.items() if k not in ("duration_s", "attempts")}
                  for code, entry in key["packs"].items()}
    return {**key, "packs": packs_only}


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


def with_overrides(config: BuildConfig, **changes: Any) -> BuildConfig:
    """A copy of ``config`` with some fields changed."""
    return replace(config, **changes)
