"""The kernel manager and client every pack uses (stp_analytics.build.kernels.session): a kernel is
ready once it has answered kernel_info and IOPub has carried that request's idle status; a dead
kernel is reported; the client's sockets retry quickly; a killed kernel is polled for often."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
import tempfile

import pytest
import zmq
from jupyter_client.manager import AsyncKernelManager

from stp_analytics.build.kernels import session as kernel_session


def _manager(tmp_path, sockets: str | None = None) -> AsyncKernelManager:
    return kernel_session.kernel_manager_class(tmp_path, None, sockets)(kernel_name="python3")


def test_clients_are_pack_clients_whose_sockets_retry_quickly(tmp_path):
    client = _manager(tmp_path).client()
    assert isinstance(client, kernel_session.PackKernelClient)
    assert client.context.getsockopt(zmq.RECONNECT_IVL) == kernel_session.RECONNECT_MS
    socket = client.context.socket(zmq.DEALER)
    try:
        assert socket.getsockopt(zmq.RECONNECT_IVL) == kernel_session.RECONNECT_MS
    finally:
        socket.close(linger=0)


def test_a_killed_kernel_is_polled_for_every_few_milliseconds(tmp_path, monkeypatch):
    seen = []

    async def record(self, pollinterval=0.1):
        seen.append(pollinterval)

    monkeypatch.setattr(AsyncKernelManager, "_async_wait", record)
    asyncio.run(_manager(tmp_path)._async_wait())
    assert seen == [kernel_session.EXIT_POLL_S]


async def _start(tmp_path, sockets: str | None = None):
    manager = _manager(tmp_path, sockets)
    await manager.start_kernel(cwd=str(tmp_path))
    client = manager.client()
    client.start_channels()
    return manager, client


@pytest.mark.parametrize("transport", ["tcp", "ipc"])
def test_ready_means_answered_and_idle_and_the_first_cell_sees_only_its_own_output(
        tmp_path, transport):
    async def scenario(sockets):
        manager, client = await _start(tmp_path, sockets)
        assert manager.transport == transport
        try:
            await client.wait_for_ready(timeout=60)
            reply = await client.execute_interactive("print('first cell')", timeout=60,
                                                     output_hook=outputs.append)
            assert reply["content"]["status"] == "ok"
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)
        return outputs

    outputs: list[dict] = []
    if transport == "tcp":
        messages = asyncio.run(scenario(None))
    else:
        with kernel_session.socket_folder() as sockets:
            assert sockets is not None
            messages = asyncio.run(scenario(sockets))
    streams = [m["content"]["text"] for m in messages if m["msg_type"] == "stream"]
    assert streams == ["first cell\n"]


def test_a_kernel_that_dies_before_it_answers_is_reported(tmp_path):
    async def scenario():
        manager, client = await _start(tmp_path)
        try:
            os.kill(manager.provisioner.pid, 9)
            await manager._async_wait()  # reaped
            with pytest.raises(RuntimeError, match="died before replying"):
                await client.wait_for_ready(timeout=30)
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)

    asyncio.run(scenario())


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets")
def test_kernel_sockets_live_in_a_private_folder_that_is_removed(tmp_path, short_tmp_path,
                                                                 monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(short_tmp_path))
    with kernel_session.socket_folder() as sockets:
        folder = os.path.dirname(sockets)
        assert folder.startswith(str(short_tmp_path)) and os.path.isdir(folder)
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
        manager = _manager(tmp_path, sockets)
        assert (manager.transport, manager.ip) == ("ipc", sockets)
        manager.write_connection_file()
        info = manager.get_connection_info()
        assert info["transport"] == "ipc" and info["ip"] == sockets
        assert manager.connection_file == os.path.join(folder, "kernel.json")
        assert os.path.isfile(manager.connection_file)
        manager.cleanup_connection_file()
    assert not os.path.exists(folder)
    assert _manager(tmp_path).transport == "tcp"  # without a folder: jupyter_client's default


def test_a_socket_path_too_long_for_unix_falls_back_to_tcp(tmp_path, monkeypatch):
    deep = tmp_path / ("d" * 100)
    deep.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    with kernel_session.socket_folder() as sockets:
        assert sockets is None
    assert os.listdir(deep) == []


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets")
def test_socket_folders_of_processes_that_have_gone_are_removed(short_tmp_path, monkeypatch):
    tmp_path = short_tmp_path  # room for a socket under it
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f"{kernel_session.SOCKET_FOLDER_PREFIX}{gone.stdout.strip()}-abc"
    live = tmp_path / f"{kernel_session.SOCKET_FOLDER_PREFIX}{os.getpid()}-def"
    other = tmp_path / "stp-kernel-notapid-x"
    for folder in (stale, live, other):
        folder.mkdir()
        (folder / "k-1").write_text("")
    with kernel_session.socket_folder() as sockets:
        assert os.path.basename(os.path.dirname(sockets)).startswith(
            f"{kernel_session.SOCKET_FOLDER_PREFIX}{os.getpid()}-")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])
