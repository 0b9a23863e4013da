"""Where per-area work runs: a registry of ``concurrent.futures`` executors.

* ``process``: a local :class:`~concurrent.futures.ProcessPoolExecutor` (default); each worker
  ignores SIGINT (the parent coordinates shutdown) and turns SIGTERM into a clean stop.
* ``dask``: a dask.distributed cluster through ``Client.get_executor()`` -- an existing scheduler
  (``tcp://host:port``) or, without one, a ``LocalCluster`` of ``workers`` single-threaded
  processes. Needs the optional extra ``pip install -e ".[dask]"``.

Shape after papermill's engine registry: :func:`open_executor` looks a name up in
:data:`EXECUTORS` and raises :class:`ParameterError` naming the known ones for anything else.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from stp_analytics.errors import ParameterError

#: True inside a process-pool worker (one task at a time, so it may redirect its own stderr)
IN_POOL_WORKER = False
#: True while a pool worker runs a task (SIGTERM then interrupts it; otherwise exits at once)
TASK_ACTIVE = False


def _on_sigterm(signum: int, frame: Any) -> None:
    if TASK_ACTIVE:
        raise KeyboardInterrupt
    os._exit(128 + signum)


def _pool_worker_init() -> None:
    """Pool worker set-up: the parent handles Ctrl-C; SIGTERM stops the current task cleanly."""
    global IN_POOL_WORKER
    IN_POOL_WORKER = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    os.environ.setdefault("MPLBACKEND", "Agg")


@contextmanager
def _process(workers: int, scheduler: str | None) -> Iterator[Executor]:
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_pool_worker_init)
    try:
        yield pool
    except BaseException:
        stop_executor(pool)
        raise
    pool.shutdown(wait=True)


@contextmanager
def _dask(workers: int, scheduler: str | None) -> Iterator[Executor]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:  # pragma: no cover - depends on the optional extra
        raise ParameterError(
            "--executor dask needs dask.distributed: pip install -e \".[dask]\""
        ) from error
    cluster = None
    if scheduler:
        client = Client(scheduler, set_as_default=False)
    else:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_port=0,
            host="127.0.0.1",
        )
        client = Client(cluster, set_as_default=False)
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


#: executor name -> context manager factory (workers, scheduler address or None)
EXECUTORS: dict[str, Callable[[int, str | None], Any]] = {"process": _process, "dask": _dask}


def check_executor(name: str, scheduler: str | None = None) -> None:
    """Raise ParameterError for an unknown executor name or a scheduler without dask."""
    if name not in EXECUTORS:
        raise ParameterError(
            f"--executor {name!r} is unknown; expected one of {', '.join(sorted(EXECUTORS))}"
        )
    if scheduler and name != "dask":
        raise ParameterError("--scheduler needs --executor dask (the process pool is local)")


def open_executor(name: str, workers: int, scheduler: str | None = None):
    """A context manager giving a ``concurrent.futures.Executor`` for ``name``."""
    check_executor(name, scheduler)
    factory = EXECUTORS[name]
    if workers < 1:
        raise ParameterError(f"--workers must be at least 1, got {workers}")
    return factory(workers, scheduler)


def stop_executor(pool: Executor, *, grace: float = 10.0) -> None:
    """Cancel queued work and stop a process pool's workers (SIGTERM, then SIGKILL)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(grace)
        if process.is_alive():
            process.kill()
            process.join(1)
