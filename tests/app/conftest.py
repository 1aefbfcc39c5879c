"""A worker pool for the handler tests: its workers run in threads of the test process (the app
runs them in processes of their own; `test_engine.py` checks those)."""

from __future__ import annotations

import pytest

from explorer.app.engine import WorkerPool


@pytest.fixture(scope="module")
def pool():
    workers = WorkerPool(1, in_process=True)
    yield workers
    workers.close()
