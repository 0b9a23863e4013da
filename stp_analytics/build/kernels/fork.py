"""Start each pack's kernel by forking the pool worker, which has already imported the libraries.

A fresh kernel started the usual way is a new Python process that imports IPython, ipykernel,
pandas, matplotlib and the library before the notebook's first cell does anything: about two
CPU-seconds per pack, paid again for every pack. Here the pool worker imports them once
(:func:`preload`, from the notebook's own ``import`` statements) and then, for every kernel,
forks a *standby* child before papermill starts. When papermill asks for a kernel, the standby
child becomes the kernel: it gets the connection file arguments, environment and working folder
papermill would have given a new process, starts ``IPKernelApp`` and runs the notebook. Each
pack still gets its own kernel process, with a new IPython shell and namespace, in its own
session (so interrupts and kills reach it and nothing else), with the worker as its parent (so
``JPY_PARENT_PID`` and a parent that dies behave as before); the modules it starts with are the
worker's, exactly as a ``multiprocessing`` forkserver shares them.

A forked child has only the thread that forked, so :func:`standby_kernel` returns None -- and
the kernel is started the usual way -- unless this is Linux, ``STP_PACKS_KERNEL_START`` is not
``exec``, the process runs no Python thread but the main one (a dask worker runs several) and no
ZeroMQ background thread (``/proc/self/task/*/comm``). Native worker pools that numpy's
OpenBLAS, pyarrow's jemalloc and Arrow start when imported or used are allowed: they install
fork handlers, as they must for ``multiprocessing``'s fork start method, which already forks
every pool worker from a parent that has imported them. A kernel command that is not
``<this Python> -m ipykernel_launcher ...`` is also started the usual way
(:meth:`StandbyKernel.accepts`).

Once the worker has imported and warmed up, everything it holds is frozen out of the garbage
collector (``gc.freeze``, :func:`preload`): those objects live as long as the worker, so
neither the worker nor a kernel traverses them again, and a kernel's collections no longer
write to (and so copy) the memory pages it shares with the worker. Measured: 0.2 CPU-s less per
kernel and per PDF.

The child inherits the worker's open files. It points every inherited descriptor above 2 at
``/dev/null`` (so a pipe the worker holds, such as the pool's "worker is alive" sentinel, is not
kept open by the kernel, and a stale Python object closing its descriptor later cannot close
something the kernel opened), and keeps the worker's event loop referenced but unused.
"""

from __future__ import annotations

import ast
import gc
import importlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

#: Environment variable: ``exec`` starts every kernel as a new process (the standard way).
START_MODE_VARIABLE = "STP_PACKS_KERNEL_START"
_LAUNCHER = "ipykernel_launcher"
#: packages whose every module is imported before forking: the library imports scipy, pyarrow
#: and others inside its modules and functions, which the notebook's own imports do not reach
PRELOAD_PACKAGES: tuple[str, ...] = ("stp_analytics",)
_PRELOADED: set[str] = set()
#: modules a kernel imports as it starts (its debugger pulls in debugpy, about 120 modules)
_KERNEL_MODULES: tuple[str, ...] = ("ipykernel.kernelapp", "ipykernel.ipkernel",
                                    "ipykernel.debugger", "IPython.core.completerlib",
                                    "tornado.platform.asyncio")
_PYDEVD_QUIET = "PYDEVD_DISABLE_FILE_VALIDATION"
#: objects inherited from the worker that must never be garbage-collected in the kernel
_INHERITED: list[Any] = []


def notebook_imports(notebook: str | os.PathLike[str]) -> list[str]:
    """Module names a notebook's code cells import (``from pkg import sub`` names ``pkg.sub``
    too when ``sub`` is a module), sorted; cells that do not parse are ignored."""
    import nbformat

    names: set[str] = set()
    for cell in nbformat.read(str(notebook), as_version=4).cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names
                             if alias.name != "*" and _is_module(f"{node.module}.{alias.name}"))
    return sorted(names)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def preload(notebook: str | os.PathLike[str], warm_up: str = "",
            parameters: dict[str, Any] | None = None) -> str | None:
    """Once per process and notebook: import what its kernels would import at start-up, then
    call the pack's ``warm_up`` function (``package.module:function``, see
    :mod:`stp_analytics.content.kernel_warmup`) with the first pack's parameters. Returns a note
    when the warm-up failed (the kernel then loads everything itself and reports its own errors)."""
    key = f"{Path(notebook).resolve()}|{warm_up}"
    if key in _PRELOADED:
        return None
    _PRELOADED.add(key)
    _import_kernel_modules()
    _import_all([*notebook_imports(notebook), *_package_modules()])
    note = _warm_up(warm_up, parameters) if warm_up else None
    _freeze_heap()
    return note


def _warm_up(warm_up: str, parameters: dict[str, Any] | None) -> str | None:
    """Call ``package.module:function`` with the parameters; a note if it failed."""
    module_name, _, function_name = warm_up.partition(":")
    try:
        getattr(importlib.import_module(module_name), function_name)(dict(parameters or {}))
    except Exception as error:  # noqa: BLE001 - reported in the pack log, never fatal
        return f"kernel preload {warm_up} failed ({type(error).__name__}: {error})"
    return None


def _freeze_heap() -> None:
    """Move every object alive now into the garbage collector's permanent generation.

    What the worker has imported lives as long as the worker and every kernel forked from it.
    Frozen, it is no longer traversed by the collector, in the worker or in a kernel; in a
    kernel, a traversal would also write to every inherited object and so copy the memory
    pages the fork shares (the use ``gc.freeze`` documents)."""
    gc.collect()
    gc.freeze()


def _import_kernel_modules() -> None:
    """Import what ``IPKernelApp`` imports as it starts, its debugger (debugpy) included.
    pydevd, imported by the debugger, warns on stderr that the debugger may miss breakpoints
    in frozen modules; a kernel started the usual way prints that where nobody sees it, so it
    is turned off here, for the import only (the worker's environment is restored)."""
    saved = os.environ.get(_PYDEVD_QUIET)
    os.environ[_PYDEVD_QUIET] = "1"
    try:
        _import_all(_KERNEL_MODULES)
    finally:
        if saved is None:
            os.environ.pop(_PYDEVD_QUIET, None)
        else:
            os.environ[_PYDEVD_QUIET] = saved


def _import_all(names: Iterable[str]) -> None:
    """Import each module that imports; one that fails is left for the kernel, which then
    imports it itself and reports its own error."""
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - see the docstring
            continue


def _package_modules() -> list[str]:
    """Every module of :data:`PRELOAD_PACKAGES` (names only; nothing is imported here)."""
    import pkgutil

    names = []
    for package_name in PRELOAD_PACKAGES:
        package = importlib.import_module(package_name)
        names += [info.name for info in pkgutil.walk_packages(package.__path__, f"{package_name}.")
                  if not info.name.endswith(".__main__")]  # a __main__ runs when imported
    return names


def fork_possible() -> bool:
    """True where a kernel may be forked from this process: Linux, not disabled, no Python
    thread but this one and no ZeroMQ background thread (see the module notes)."""
    import threading

    if os.environ.get(START_MODE_VARIABLE, "fork") == "exec":
        return False
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if threading.active_count() != 1:
        return False
    try:
        names = [Path(f"/proc/self/task/{task}/comm").read_text().strip()
                 for task in os.listdir("/proc/self/task")]
    except OSError:
        return False
    return not any(name.startswith("ZMQbg") for name in names)


class ForkedKernelProcess:
    """The ``subprocess.Popen`` calls jupyter_client makes on a kernel, for a forked child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # already reaped elsewhere
                self.returncode = -signal.SIGKILL
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.01)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:  # never signal a pid that may have been reused
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class StandbyKernel:
    """A child forked from this worker, waiting to become the next kernel (or to be discarded)."""

    def __init__(self) -> None:
        command_read, self._command_write = os.pipe()
        self._ready_read, ready_write = os.pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns when forking while any thread runs; fork_possible() has checked
            # that the only other threads are native pools with fork handlers (module notes)
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            os.close(self._command_write)
            os.close(self._ready_read)
            _become_kernel(command_read, ready_write)
        os.close(command_read)
        os.close(ready_write)
        self.process = ForkedKernelProcess(pid)
        self.launched = False

    @staticmethod
    def accepts(kernel_cmd: list[str]) -> bool:
        """True for ``<this Python> -m ipykernel_launcher ...``: a kernel this process can be."""
        return (len(kernel_cmd) >= 3 and kernel_cmd[1:3] == ["-m", _LAUNCHER]
                and os.path.realpath(kernel_cmd[0]) == os.path.realpath(sys.executable))

    def launch(self, kernel_cmd: list[str], *, env: dict[str, str], cwd: str
               ) -> ForkedKernelProcess:
        """Hand the child its kernel arguments; it starts ``IPKernelApp`` with them."""
        if os.read(self._ready_read, 1) != b"1":
            raise RuntimeError(f"kernel process {self.process.pid} exited before it started")
        payload = json.dumps({"argv": kernel_cmd[3:], "env": env, "cwd": cwd}).encode("utf-8")
        view = memoryview(payload)
        while view:
            view = view[os.write(self._command_write, view):]
        self._close_pipes()
        self.launched = True
        return self.process

    def discard(self) -> None:
        """Stop the child if it never became a kernel, or its session if the kernel outlived
        papermill (which normally kills it); reap it either way."""
        self._close_pipes()  # an unlaunched child reads end-of-file and exits
        if self.launched and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)  # the kernel leads its own session
            except ProcessLookupError:
                pass
        self.process.wait()

    def _close_pipes(self) -> None:
        for name in ("_command_write", "_ready_read"):
            fd = getattr(self, name)
            if fd is not None:
                os.close(fd)
                setattr(self, name, None)


def standby_kernel(notebook: str | os.PathLike[str], warm_up: str = "",
                   parameters: dict[str, Any] | None = None
                   ) -> tuple[StandbyKernel | None, str | None]:
    """A standby kernel for this notebook (None where forking is not possible here) and the
    note :func:`preload` returned. Nothing is preloaded where kernels are not forked."""
    if not fork_possible():
        return None, None
    note = preload(notebook, warm_up, parameters)
    # the warm-up may have started threads (a thread pool, say): then start the usual way
    return (StandbyKernel() if fork_possible() else None), note


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _neuter_inherited_descriptors(keep: set[int]) -> None:
    """Point every open descriptor above 2 (except ``keep``) at /dev/null."""
    null = os.open(os.devnull, os.O_RDWR)
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep and fd != null:
            try:
                os.dup2(null, fd, inheritable=False)
            except OSError:
                continue
    os.close(null)


def _become_kernel(command_read: int, ready_write: int) -> NoReturn:  # pragma: no cover
    """The standby child: new session, then wait for arguments and run the kernel."""
    import asyncio
    import tempfile

    code: Any = 1
    try:
        os.setsid()
        _neuter_inherited_descriptors(keep={command_read, ready_write})
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for signum in (signal.SIGTERM, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        try:
            os.write(ready_write, b"1")
        except BrokenPipeError:  # discarded before it was ready
            os._exit(0)
        os.close(ready_write)
        payload = _read_all(command_read)
        os.close(command_read)
        if not payload:  # discarded
            os._exit(0)
        request = json.loads(payload)
        os.environ.clear()
        os.environ.update(request["env"])
        tempfile.tempdir = None
        os.chdir(request["cwd"])
        if request["cwd"] not in sys.path:
            sys.path.insert(0, request["cwd"])
        stdin = os.open(os.devnull, os.O_RDONLY)
        os.dup2(stdin, 0)
        os.close(stdin)
        _INHERITED.append(asyncio.get_event_loop_policy())
        asyncio.set_event_loop_policy(None)
        # ipykernel reads JPY_PARENT_PID when it is imported, which was before this environment
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}"]
        sys.argv = [_LAUNCHER, *argv]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as stop:
        code = stop.code
    except BaseException:  # noqa: BLE001 - report, then exit: the child must never return
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(code if isinstance(code, int) else (0 if code is None else 1))
