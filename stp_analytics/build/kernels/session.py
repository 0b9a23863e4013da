"""How a pack's kernel is started, greeted and stopped: the kernel manager and client papermill
uses for every pack.

Three waits in jupyter_client and ZeroMQ cost every pack time in which nothing runs:

* **Start.** ``wait_for_ready`` gets the kernel's reply to ``kernel_info`` and then reads IOPub
  until it has been silent for 0.2 s, so every start ends with 0.2 s of waiting.
  :class:`PackKernelClient` waits instead for the ``idle`` status that closes *its* request on
  IOPub: the kernel publishes it after the reply, so once it has arrived IOPub is known to be
  connected and that request's messages are all read. A message published later cannot reach a
  cell, because nbclient keeps only messages whose parent is that cell's request.
* **Connect.** The client connects as soon as the kernel process exists, usually before the
  kernel has bound its ports, and ZeroMQ tries again only after 100 ms. The manager's ZeroMQ
  context makes its sockets try again after 5 ms.
* **Stop.** After killing the kernel, the manager polls every 0.1 s until the process has gone,
  and a killed kernel is rarely gone at the first poll. :func:`kernel_manager_class` polls every
  5 ms instead.

None of the three changes what runs in the kernel or what a pack contains.

Kernel and client also talk over Unix sockets in a private folder (:func:`socket_folder`)
rather than jupyter_client's default of localhost TCP ports, which any local user can connect
to (ipykernel warns about that in every pack's log) and which cost a little more per message.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from queue import Empty
from typing import Any

import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient

from stp_analytics.build.kernels import fork as kernel_fork
from stp_analytics.content.display import BUILD_VARIABLE

#: how long to wait for a request's ``idle`` status on IOPub before asking again (as long as
#: jupyter_client waits for IOPub to connect)
IOPUB_WAIT_S = 0.2
#: how soon the client's sockets try again to reach a kernel that is not listening yet (ZeroMQ's
#: default is 100 ms; a new kernel binds its ports a few milliseconds after the client connects)
RECONNECT_MS = 5
#: poll interval while waiting for a killed kernel process to end
EXIT_POLL_S = 0.005
#: name of a kernel's socket folder in the temporary folder: prefix, process id, "-", random
SOCKET_FOLDER_PREFIX = "stp-kernel-"
#: longest path of a Unix socket, terminating null included (``sun_path``: 108 bytes on
#: Linux, 104 on macOS and the BSDs; the smaller is used)
_UNIX_PATH_MAX = 104


class PackKernelClient(AsyncKernelClient):
    """The kernel client for a pack: ready as soon as the kernel has answered ``kernel_info``
    and IOPub has carried that request's ``idle`` status."""

    def _context_default(self) -> zmq.asyncio.Context:  # traitlets' default for ``context``
        self._created_context = True  # as upstream: the client closes what it created
        return quick_reconnect_context()

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Ask ``kernel_info`` until the reply and its ``idle`` status arrive, the kernel dies
        (RuntimeError) or ``timeout`` seconds pass (RuntimeError)."""
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            request = self.kernel_info()
            reply = await self._reply_to(request, wait=1.0)
            if reply is not None and await self._idle_after(request, wait=IOPUB_WAIT_S):
                handle = getattr(self, "_handle_kernel_info_reply", None)
                if handle is not None:  # adapts the message protocol version, as upstream does
                    handle(reply)
                return
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    @staticmethod
    async def _first(channel: Any, wait: float,
                     wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
        """The first message on ``channel`` within ``wait`` seconds for which ``wanted`` is
        true (the others are dropped), or None."""
        end = time.monotonic() + wait
        while (left := end - time.monotonic()) > 0:
            try:
                message = await channel.get_msg(timeout=left)
            except Empty:
                return None
            if wanted(message):
                return message
        return None

    async def _reply_to(self, request: str, wait: float) -> dict[str, Any] | None:
        """The shell reply to ``request`` within ``wait`` seconds (older replies are dropped)."""
        return await self._first(self.shell_channel, wait,
                                 lambda message: _parent(message) == request)

    async def _idle_after(self, request: str, wait: float) -> bool:
        """True once IOPub carries the ``idle`` status of ``request`` (within ``wait`` s)."""
        idle = await self._first(self.iopub_channel, wait, lambda message: (
            message["msg_type"] == "status" and _parent(message) == request
            and message["content"].get("execution_state") == "idle"))
        return idle is not None


def _parent(message: dict[str, Any]) -> str | None:
    """The id of the request a message answers."""
    return message["parent_header"].get("msg_id")


def quick_reconnect_context() -> zmq.asyncio.Context:
    """A ZeroMQ context whose sockets retry a connection every :data:`RECONNECT_MS` ms."""
    context = zmq.asyncio.Context()
    context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
    return context


@contextlib.contextmanager
def socket_folder() -> Iterator[str | None]:
    """A new private folder (mode 0700) for a kernel's ZeroMQ sockets, removed afterwards;
    None where Unix sockets are not available or the folder's path would be too long for
    one (the kernel then listens on localhost TCP ports, as jupyter_client's default).

    The folder is named after this process, so one left behind by a process that was killed
    is removed the next time any build process makes one (:func:`remove_stale_socket_folders`).
    """
    if os.name != "posix":
        yield None
        return
    remove_stale_socket_folders()
    with tempfile.TemporaryDirectory(prefix=f"{SOCKET_FOLDER_PREFIX}{os.getpid()}-") as folder:
        prefix = os.path.join(folder, "k")
        yield prefix if len(os.fsencode(prefix)) + len("-65535") < _UNIX_PATH_MAX else None


def remove_stale_socket_folders() -> int:
    """Remove this user's socket folders (in the temporary folder) whose process has gone;
    returns how many were removed."""
    removed = 0
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return 0
    for entry in entries:
        pid = entry.name[len(SOCKET_FOLDER_PREFIX):].partition("-")[0]
        if (not entry.name.startswith(SOCKET_FOLDER_PREFIX) or not pid.isdigit()
                or _process_exists(int(pid))):
            continue
        try:
            if (entry.is_dir(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_uid == os.getuid()):
                shutil.rmtree(entry.path)
                removed += 1
        except OSError:  # removed meanwhile by another build, or not ours to remove
            continue
    return removed


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def kernel_manager_class(work_dir: Path, standby: kernel_fork.StandbyKernel | None,
                         sockets: str | None = None) -> type:
    """A kernel manager whose kernel gets ``TMPDIR=<work_dir>``: a notebook that writes
    "temporary" files writes them inside the output folder (the work folder is removed after
    the run); and ``STP_PACKS_BUILD=1`` (:data:`~stp_analytics.content.display.BUILD_VARIABLE`):
    the notebook silences warnings only where it is set. Both are set on the kernel's own
    environment, so it is safe in threaded dask workers.
    With a ``standby`` (see :mod:`stp_analytics.build.kernels.fork`), that forked child becomes the
    kernel instead of a new process. With ``sockets`` (a path prefix from
    :func:`socket_folder`), kernel and client talk over Unix sockets in that private folder
    instead of localhost TCP ports that any local user could reach, and the connection file
    (with the kernel's message key) is written there too. Its clients are
    :class:`PackKernelClient`."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner
    from traitlets import Type, default

    class PackKernelManager(AsyncKernelManager):
        client_factory = Type(PackKernelClient, klass=AsyncKernelClient)

        @default("transport")
        def _transport_default(self) -> str:
            return "tcp" if sockets is None else "ipc"

        @default("ip")
        def _ip_default(self) -> str:
            return super()._ip_default() if sockets is None else sockets

        @default("connection_file")
        def _connection_file_default(self) -> str:
            # beside the sockets, so it goes with them (else a temporary file of its own)
            return "" if sockets is None else os.path.join(os.path.dirname(sockets), "kernel.json")

        @default("context")
        def _context_default(self) -> zmq.asyncio.Context:
            self._created_context = True  # as upstream: the manager closes what it created
            return quick_reconnect_context()

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["env"] = {**(kw.get("env") or os.environ), "TMPDIR": str(work_dir),
                         BUILD_VARIABLE: "1"}
            provisioner = self.provisioner
            if (standby is None or not standby.accepts(kernel_cmd)
                    or not isinstance(provisioner, LocalProvisioner)):
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            cwd = str(kw.get("cwd") or os.getcwd())
            env = {**kw["env"], "JPY_PARENT_PID": str(os.getpid())}  # as jupyter_client sets it
            process = standby.launch(kernel_cmd, env=env, cwd=cwd)
            provisioner.process, provisioner.pid = process, process.pid
            provisioner.pgid = process.pid
            provisioner.cwd = cwd
            self._reconcile_connection_info(provisioner.connection_info)

        async def _async_wait(self, pollinterval: float = 0.1) -> None:
            await super()._async_wait(pollinterval=min(pollinterval, EXIT_POLL_S))

    return PackKernelManager
