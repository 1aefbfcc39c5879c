"""What a user of a shared server may make the DCGAN read or fetch (mnist.data.DataAccess):
folders only inside the lecturer's data folder, refused in the same words whether or not they
exist, and no download unless allowed; the server's settings from its address."""

import os

import numpy as np
import pytest

from explorer.app.live_mnist import MnistTab
from explorer.app.server import server_settings
from explorer.app.worker import Slot
from explorer.mnist import data as mnist_data
from explorer.mnist.data import DataAccess, MnistDataError, write_idx


def _idx_folder(folder):
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    write_idx(folder / "t10k-images-idx3-ubyte", rng.integers(0, 256, size=(300, 28, 28), dtype=np.uint8))
    write_idx(folder / "t10k-labels-idx1-ubyte", (np.arange(300) % 10).astype(np.uint8))
    return folder


def _refusal(access: DataAccess, source: str) -> str:
    with pytest.raises(MnistDataError) as refused:
        access.load(source)
    return str(refused.value)


def test_a_shared_server_reads_only_inside_its_data_folder_and_says_nothing_of_the_rest(tmp_path):
    root = tmp_path / "data"
    _idx_folder(root / "mnist")
    outside = _idx_folder(tmp_path / "elsewhere")
    (root / "escape").symlink_to(outside)
    access = DataAccess(root=str(root), anywhere=False, downloads=False)
    assert len(access.load("mnist")) == 300                      # relative to the data folder
    assert len(access.load(str(root / "mnist"))) == 300          # or absolute inside it
    words = {_refusal(access, source) for source in
             (str(outside), str(tmp_path / "missing"), "/etc", "../elsewhere", "escape", "~", "~root/x")}
    assert len(words) == 1, words                                # one answer: existing or not
    message = words.pop()
    assert "elsewhere" not in message and "--data-root" in message
    assert "--data-root" in _refusal(DataAccess(root=None, anywhere=False), str(outside))


def test_no_download_unless_allowed(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_EXPLORER_DATA", str(tmp_path / "cache"))
    monkeypatch.setattr(mnist_data.urllib.request, "urlopen",
                        lambda *a, **k: pytest.fail("a download was attempted"))
    assert "--allow-downloads" in _refusal(DataAccess(anywhere=False, downloads=False), "full")
    assert not (tmp_path / "cache").exists()


def test_the_server_settings_follow_its_address():
    assert server_settings("127.0.0.1")["run_cost_scale"] == 1.0
    assert server_settings("127.0.0.1")["data_access"] == {"root": None, "anywhere": True, "downloads": True}
    shared = server_settings("0.0.0.0")["data_access"]
    assert shared == {"root": None, "anywhere": False, "downloads": False}
    assert server_settings("127.0.0.1", share=True)["data_access"]["anywhere"] is False
    assert server_settings("0.0.0.0", data_root="/srv/mnist", allow_downloads=True)["data_access"] == {
        "root": "/srv/mnist", "anywhere": False, "downloads": True}


def test_the_dcgan_tab_refuses_a_folder_outside_the_data_folder_with_a_message(tmp_path):
    tab = MnistTab({"data_access": {"root": str(tmp_path), "anywhere": False, "downloads": False}})
    slot = Slot("s", tab)
    values = [1, 32, 8, 8, 2e-3, 2e-3, 0, "cpu", False]
    answers = []
    for folder in (os.path.dirname(os.__file__), str(tmp_path.parent / "nothing-here")):
        slot.build({"data_choice": "folder", "data_folder": folder, "values": values})
        answers.append(slot.error)
    assert answers[0] == answers[1] and "--data-root" in answers[0] and tab.run is None
    slot.build({"data_choice": "embedded", "data_folder": "", "values": values})
    assert slot.error is None and tab.run is not None
