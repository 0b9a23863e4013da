"""Starting each pack's Jupyter kernel, behind one call: :func:`pack_kernel`.

Two ways to start a kernel, one switch apart (``STP_PACKS_KERNEL_START=exec`` forces the plain
one): ``fork`` makes the pool worker, which has already imported the library and warmed up the
pack's inputs, fork a standby child that becomes the kernel (Linux); otherwise jupyter_client
starts a new Python process as usual. ``session`` holds the kernel manager and client papermill
uses either way (Unix-socket transport in a private folder, quick ready handshake). Everything
that touches jupyter_client's or ipykernel's private API is in these two modules, and
pyproject.toml bounds both libraries' major versions for that reason.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def pack_kernel(notebook: str, warm_up: str, parameters: Mapping[str, Any], work_dir: Path,
                log_lines: list[str]) -> Iterator[type]:
    """The kernel manager class papermill should start this pack's kernel with
    (``kernel_manager_class=``); a forked standby is prepared when possible and discarded if
    papermill never used it. Notes (a failed warm-up) are appended to ``log_lines``."""
    from stp_analytics.build.kernels import fork, session

    standby, note = fork.standby_kernel(notebook, warm_up, dict(parameters))
    if note:
        log_lines.append(note)
    try:
        with session.socket_folder() as sockets:
            yield session.kernel_manager_class(work_dir, standby, sockets)
    finally:
        if standby is not None:
            standby.discard()
