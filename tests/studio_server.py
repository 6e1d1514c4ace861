"""The studio served for real on 127.0.0.1 (uvicorn in a thread), for API, event and browser tests."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from showrunner.studio.app import create_app
from showrunner.studio.security import allowed_hosts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_studio(root: Path, *, token: str | None = None, max_upload_bytes: int | None = None, cores: int = 2):
    port = free_port()
    kwargs = {"max_upload_bytes": max_upload_bytes} if max_upload_bytes else {}
    app = create_app(root, token=token, hosts=allowed_hosts("127.0.0.1", port), cores=cores, **kwargs)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError("studio did not start")
        time.sleep(0.05)
    try:
        yield url, app
    finally:
        app.state.builds.stop()
        server.should_exit = True
        thread.join(timeout=10)


def wait_for_build(url: str, timeout: float = 300, headers: dict | None = None) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = httpx.get(f"{url}/api/builds", headers=headers, timeout=60).json()
        if not status["running"] and status["last"] is not None:
            return status["last"]
        time.sleep(0.2)
    raise AssertionError("the build did not finish in time")
