"""Exports for slides, made out of the web server's interpreter: a process of its own draws a
tab's figures (computed by the run's worker) into a PNG, SVG, GIF or MP4 (core.export).

Drawing 120 frames takes tens of seconds of a core: neither the web server (which must keep
answering every page) nor a training worker (whose other runs would stall) should spend them.
One export process serves the whole server, one export at a time in the order asked (each
page is told how many are ahead of it), so exports never take more than one core between them.
This module imports neither gradio nor torch.
"""

from __future__ import annotations

import multiprocessing
import re
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..core.export import ANIMATION_FORMATS, STILL_FORMATS, write_animation, write_still

FORMATS = ("GIF", "MP4", "PNG", "SVG")
# an export waits at most this long for its turn and its drawing
EXPORT_TIMEOUT_SECONDS = 600.0
WIDTHS = (600, 2000)  # pixels, the range a page may ask for
FRAME_RATES = (1, 30)


def is_animation(fmt: str) -> bool:
    """GIF and MP4 animate the run's timeline; PNG and SVG show the figure as it is now."""
    return "." + fmt.lower() in ANIMATION_FORMATS


def _draw(figures: list, path: str, width: int, fps: float) -> tuple[str, int]:
    """In the export process: write the figures to `path`; (path, frames written)."""
    if Path(path).suffix in STILL_FORMATS:
        write_still(figures[-1], path, width)
        return path, 1
    return path, write_animation(figures, path, fps=fps, width=width)


class ExportRenderer:
    """The server's export process (started on the first export) and its queue."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.executor: ProcessPoolExecutor | None = None
        self.waiting = 0
        self.folder = Path(tempfile.mkdtemp(prefix="gan-explorer-exports-"))

    def ahead(self) -> int:
        """Exports queued or being drawn now."""
        return self.waiting

    def render(self, figures: list, fmt: str, stem: str, width: int, fps: float) -> tuple[Path, int, float]:
        """Draw `figures` (the frames of an animation, or one figure) as `fmt`; returns the file,
        the frames written and the seconds it took. Raises ValueError for a bad request."""
        if fmt not in FORMATS:
            raise ValueError(f"the formats are {', '.join(FORMATS)}; got {fmt!r}")
        if not figures:
            raise ValueError("there is nothing to export yet: press ▶ Play or Step first")
        width = int(min(max(int(width), WIDTHS[0]), WIDTHS[1]))
        fps = float(min(max(float(fps), FRAME_RATES[0]), FRAME_RATES[1]))
        folder = Path(tempfile.mkdtemp(dir=self.folder))
        path = folder / f"{re.sub(r'[^A-Za-z0-9_+.-]', '_', stem)[:120] or 'figure'}.{fmt.lower()}"
        with self.lock:
            if self.executor is None:
                self.executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            self.waiting += 1
            job = self.executor.submit(_draw, figures, str(path), width, fps)
        started = time.perf_counter()
        try:
            _, frames = job.result(timeout=EXPORT_TIMEOUT_SECONDS)
        finally:
            with self.lock:
                self.waiting -= 1
        return path, frames, time.perf_counter() - started

    def close(self) -> None:
        with self.lock:
            if self.executor is not None:
                self.executor.shutdown(wait=False, cancel_futures=True)
                self.executor = None
