"""What the benchmarks that drive the app share: the app (`launch.py`) started on a free port on
127.0.0.1, waited for until it answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(options: list[str] | None = None, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """The app in a subprocess with `options` for launch.py (and `env` added to the environment),
    once it answers (at most two minutes); (the process, its URL)."""
    port = free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "launch.py"), "--port", str(port), *(options or [])],
                              cwd=ROOT, env=dict(os.environ, **(env or {})),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(240):
        try:
            urllib.request.urlopen(url, timeout=2).read()
            break
        except OSError:
            time.sleep(0.5)
    return server, url
