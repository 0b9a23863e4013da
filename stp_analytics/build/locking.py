"""One build at a time per output folder: an advisory ``fcntl`` lock on ``<out>/.build.lock``.

The operating system drops the lock when the holding process ends (even when killed), so a
crashed build never leaves a stale lock behind. A second build either refuses at once with a
message naming the folder and the holder's process id, or (``wait=True``) waits for it.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stp_analytics.errors import BuildError

LOCK_NAME = ".build.lock"


@contextmanager
def build_lock(
    out_dir: Path, *, wait: bool = False, timeout: float | None = None
) -> Iterator[Path]:
    """Hold the build lock of ``out_dir`` for the duration of the ``with`` block."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_NAME
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(handle, 64, 0).decode("ascii", "replace").strip() or "unknown"
                if not wait:
                    raise BuildError(
                        f"another build (process {holder}) is writing to {out_dir}; wait for it "
                        "to finish or pass --wait to queue behind it"
                    ) from None
                if timeout is not None and time.monotonic() - started > timeout:
                    raise BuildError(
                        f"gave up after {timeout:.0f} s waiting for the build (process {holder}) "
                        f"writing to {out_dir}"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.close(handle)
