"""`leadtui serve web`: the demo in a browser on loopback; a real database or a public address only when asked."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time

import aiohttp


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def leadtui(*args: str, **kwargs) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LEADTUI_")}
    return subprocess.Popen(
        [sys.executable, "-m", "leadtui", *args],
        env={**env, "LEADTUI_USER": "demo"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


async def test_the_demo_page_loads_and_its_websocket_runs_the_tui_on_loopback():
    port = free_port()
    server = leadtui("serve", "web", "--port", str(port), "--demo-companies", "2", start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession() as http:
            page = None
            while page is None:  # the demo database is built first, then the server listens
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the web server did not start"
                try:
                    async with http.get(f"http://127.0.0.1:{port}/") as response:
                        assert response.status == 200
                        page = await response.text()
                except aiohttp.ClientConnectorError:
                    await asyncio.sleep(0.2)  # poll interval while the server starts
            url = re.search(r"ws://127\.0\.0\.1:\d+/[^\"'?]*", page).group(0)
            seen = b""
            async with http.ws_connect(f"{url}?width=100&height=30") as websocket:
                while b"Companies" not in seen:
                    message = await asyncio.wait_for(websocket.receive(), max(0.1, deadline - time.monotonic()))
                    assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
                    seen += message.data if isinstance(message.data, bytes) else message.data.encode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_a_real_database_and_a_public_address_need_their_flags(tmp_path):
    real = leadtui("--db", str(tmp_path / "real.db"), "serve", "web", "--port", str(free_port()))
    _out, err = real.communicate(timeout=60)
    assert real.returncode == 2 and "--allow-real-database" in err
    public = leadtui("serve", "web", "--host", "0.0.0.0", "--port", str(free_port()))
    _out, err = public.communicate(timeout=60)
    assert public.returncode == 2 and "--public" in err
