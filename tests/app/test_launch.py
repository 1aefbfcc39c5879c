"""`python launch.py` honours the host's environment (a Hugging Face Space sets the address and
port), the command line wins over it, and a bad value is refused with a message."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("launch", ROOT / "launch.py")
launch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(launch)


def test_defaults_are_the_loopback_address_and_port_7860():
    args = launch.parse_args([], environ={})
    assert (args.host, args.port) == ("127.0.0.1", 7860)


def test_a_spaces_environment_sets_the_address_and_port():
    args = launch.parse_args([], environ={"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "7861"})
    assert (args.host, args.port) == ("0.0.0.0", 7861)
    assert launch.parse_args([], environ={"PORT": "8080"}).port == 8080
    args = launch.parse_args(["--host", "127.0.0.1", "--port", "9000"], environ={"GRADIO_SERVER_PORT": "7861"})
    assert (args.host, args.port) == ("127.0.0.1", 9000)


def test_a_bad_port_from_the_environment_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        launch.parse_args([], environ={"GRADIO_SERVER_PORT": "seventy"})
    assert exit_info.value.code == 2 and "port must be a number" in capsys.readouterr().err


def test_the_readme_carries_the_spaces_front_matter():
    head = (ROOT / "README.md").read_text().split("---")
    assert head[0] == "" and "sdk: gradio" in head[1] and "app_file: launch.py" in head[1]
