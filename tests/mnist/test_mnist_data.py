"""MNIST data: the IDX format on files the tests write, the embedded digits, checksums."""

import gzip
import hashlib

import numpy as np
import pytest

from explorer.mnist import data as mnist_data
from explorer.mnist.data import (
    MnistDataError,
    download_full,
    load_digits,
    load_embedded,
    load_idx_folder,
    read_idx,
    verify_checksum,
    write_idx,
)


def _digits(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8), rng.integers(0, 10, size=n).astype(np.uint8)


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_idx_round_trip_matches_the_published_layout(tmp_path, name):
    images, _ = _digits(7)
    path = tmp_path / name
    write_idx(path, images)
    raw = path.read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    # the header LeCun's page gives: magic 0x00000803, then 7, 28, 28 as big-endian int32
    assert raw[:16] == bytes.fromhex("00000803" "00000007" "0000001c" "0000001c")
    assert raw[16:] == images.tobytes()
    assert np.array_equal(read_idx(path), images)


def test_idx_reads_big_endian_numbers(tmp_path):
    values = np.array([[1, -2], [300000, 7]], dtype=np.int32)
    write_idx(tmp_path / "ints", values)
    assert (tmp_path / "ints").read_bytes()[:4] == bytes.fromhex("00000c02")
    assert np.array_equal(read_idx(tmp_path / "ints"), values)


@pytest.mark.parametrize("blob, message", [
    (b"", "not an IDX file"),
    (b"PK\x03\x04whatever", "not an IDX file"),
    (bytes.fromhex("00000803") + (5).to_bytes(4, "big"), "ends inside its header"),
    (bytes.fromhex("00000803") + b"".join(n.to_bytes(4, "big") for n in (2, 28, 28)) + b"\x00" * 100, "truncated"),
    (bytes.fromhex("00000801") + (3).to_bytes(4, "big") + b"\x01\x02\x03\x04", "bytes after its data"),
])
def test_malformed_idx_files_are_refused_with_a_reason(tmp_path, blob, message):
    path = tmp_path / "bad-idx"
    path.write_bytes(blob)
    with pytest.raises(MnistDataError, match=message):
        read_idx(path)


def test_a_folder_of_idx_files_joins_its_splits(tmp_path):
    train, train_labels = _digits(12, 1)
    test, test_labels = _digits(5, 2)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", train)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", train_labels)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", test)          # uncompressed works too
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", test_labels)
    digits = load_digits(str(tmp_path))
    assert len(digits) == 17
    assert np.array_equal(digits.images, np.concatenate([train, test]))
    assert np.array_equal(digits.labels, np.concatenate([train_labels, test_labels]))
    assert "train 12" in digits.source and "t10k 5" in digits.source


def test_a_folder_with_images_but_no_labels_says_which_file_is_missing(tmp_path):
    write_idx(tmp_path / "train-images-idx3-ubyte", _digits(3)[0])
    with pytest.raises(MnistDataError, match="train-labels-idx1-ubyte"):
        load_idx_folder(tmp_path)


def test_a_folder_without_mnist_and_a_missing_folder_are_refused(tmp_path):
    with pytest.raises(MnistDataError, match="holds no MNIST IDX files"):
        load_idx_folder(tmp_path)
    with pytest.raises(MnistDataError, match="is not a folder"):
        load_digits(str(tmp_path / "nowhere"))


def test_labels_outside_0_to_9_are_refused(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte", _digits(3)[0])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.array([1, 2, 11], dtype=np.uint8))
    with pytest.raises(MnistDataError, match="digits 0-9"):
        load_idx_folder(tmp_path)


def test_the_embedded_digits_are_the_shipped_file_and_real_mnist():
    assert hashlib.sha256(mnist_data.EMBEDDED_CSV.read_bytes()).hexdigest() == mnist_data.EMBEDDED_SHA256
    digits = load_embedded()
    assert digits.images.shape == (5000, 28, 28) and digits.images.dtype == np.uint8
    assert np.bincount(digits.labels, minlength=10).tolist() == [500] * 10
    # MNIST digits: a dark background and a centred stroke (mass centre near the middle)
    assert np.median(digits.images[:, 0, :]) == 0
    mass = digits.images.astype(float).sum(0)
    ys, xs = np.mgrid[:28, :28]
    assert abs((mass * ys).sum() / mass.sum() - 13.5) < 1.5 and abs((mass * xs).sum() / mass.sum() - 13.5) < 1.5


def _serve(folder, files):
    """Write `files` (name -> bytes) as a file:// mirror and return its URL."""
    folder.mkdir()
    for name, blob in files.items():
        (folder / name).write_bytes(blob)
    return folder.as_uri() + "/"


def test_a_download_that_fails_its_checksum_is_refused_and_not_kept(tmp_path):
    mirror = _serve(tmp_path / "mirror", {name: b"not the real file" for name in mnist_data.MNIST_FILES})
    cache = tmp_path / "cache"
    with pytest.raises(MnistDataError, match="failed its checksum"):
        download_full(cache, mirrors=(mirror,))
    assert not any(cache.iterdir())


def test_a_download_with_good_checksums_is_kept_and_loaded(tmp_path, monkeypatch):
    train, train_labels = _digits(6, 3)
    test, test_labels = _digits(4, 4)
    blobs = {}
    for name, array in [("train-images-idx3-ubyte.gz", train), ("train-labels-idx1-ubyte.gz", train_labels),
                        ("t10k-images-idx3-ubyte.gz", test), ("t10k-labels-idx1-ubyte.gz", test_labels)]:
        write_idx(tmp_path / name, array)
        blobs[name] = (tmp_path / name).read_bytes()
    mirror = _serve(tmp_path / "mirror", blobs)
    monkeypatch.setattr(mnist_data, "MNIST_FILES", {n: hashlib.md5(b).hexdigest() for n, b in blobs.items()})
    dead = "http://127.0.0.1:9/"   # nothing listens there: the next mirror is tried
    cache = download_full(tmp_path / "cache", mirrors=(dead, mirror), timeout=2)
    digits = mnist_data.load_full(cache)
    assert len(digits) == 10 and np.array_equal(digits.images[:6], train)


def test_no_network_and_no_files_gives_a_message_with_the_way_out(tmp_path):
    with pytest.raises(MnistDataError, match="--data DIR"):
        download_full(tmp_path / "cache", mirrors=("http://127.0.0.1:9/",), timeout=2)


def test_checksum_of_a_known_file(tmp_path):
    (tmp_path / "f").write_bytes(b"abc")
    verify_checksum(tmp_path / "f", "900150983cd24fb0d6963f7d28e17f72")
    with pytest.raises(MnistDataError, match="MD5 900150983cd24fb0d6963f7d28e17f72, expected 0"):
        verify_checksum(tmp_path / "f", "0" * 32)
