"""Digits as pictures: tiling a batch into one grid image, and PNG files of it."""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path

import numpy as np
from PIL import Image


def tile(images: np.ndarray, columns: int | None = None, gap: int = 2, background: int = 40) -> np.ndarray:
    """uint8 N x H x W -> one uint8 image of the N digits in rows of `columns` (square by
    default), separated by `gap` pixels of `background`."""
    images = np.asarray(images, dtype=np.uint8)
    n, h, w = images.shape
    columns = columns or max(1, math.ceil(math.sqrt(n)))
    rows = max(1, math.ceil(n / columns))
    canvas = np.full((rows * (h + gap) + gap, columns * (w + gap) + gap), background, dtype=np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        canvas[gap + r * (h + gap):gap + r * (h + gap) + h, gap + c * (w + gap):gap + c * (w + gap) + w] = image
    return canvas


def enlarge(image: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour upscaling, so that small digits show crisp pixels in the browser."""
    return np.repeat(np.repeat(image, factor, axis=0), factor, axis=1)


def png_bytes(image: np.ndarray, compress_level: int = 6) -> bytes:
    """A uint8 H x W greyscale image as the bytes of a PNG file (zlib level 0-9: 1 is fastest,
    for pictures sent live; 6, the default, is smaller, for files)."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(image, dtype=np.uint8), mode="L").save(buffer, format="PNG",
                                                                      compress_level=compress_level)
    return buffer.getvalue()


def png_base64(image: np.ndarray) -> str:
    """A uint8 image as the base64 PNG a page shows in an <img> (fast zlib: it is sent at once)."""
    return base64.b64encode(png_bytes(image, compress_level=1)).decode("ascii")


def write_png(path: str | Path, image: np.ndarray) -> None:
    """Write a uint8 H x W greyscale image to `path` as a PNG file."""
    Path(path).write_bytes(png_bytes(image))
