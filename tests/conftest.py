"""Shared fixtures: the app started as a user starts it, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import torch

# the toy networks are overhead-bound: one intra-op thread is fastest, as in the CLI and the app
torch.set_num_threads(1)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningApp:
    def __init__(self, url: str, outside_log: Path, server_log: Path, pid: int = 0):
        self.url, self.outside_log, self.server_log, self.pid = url, outside_log, server_log, pid

    def outside_attempts(self) -> list[str]:
        return self.outside_log.read_text().splitlines() if self.outside_log.exists() else []


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """`python launch.py` in a subprocess on a free port, with a guard that records any attempt
    to open a connection to a non-loopback address (the app must need no network)."""
    yield from _running_app(tmp_path_factory)


@pytest.fixture
def fresh_app(tmp_path_factory):
    """An app of its own, for a test that harms it (kills its training processes)."""
    yield from _running_app(tmp_path_factory, workers=2)


def _running_app(tmp_path_factory, workers: int | None = None):
    port = _free_port()
    log_dir = tmp_path_factory.mktemp("app")
    outside_log = log_dir / "outside_connections.txt"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests" / "netguard"), GAN_EXPLORER_NETLOG=str(outside_log))
    for key in ("GRADIO_ANALYTICS_ENABLED", "HF_HUB_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
        env.pop(key, None)  # the app must set these itself
    log = open(log_dir / "server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "launch.py"), "--port", str(port),
         *(["--workers", str(workers)] if workers else [])],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                log.close()
                raise RuntimeError("the app did not start:\n" + (log_dir / "server.log").read_text())
            time.sleep(0.5)
    yield RunningApp(url, outside_log, log_dir / "server.log", proc.pid)
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run must install Debian's chromium")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
