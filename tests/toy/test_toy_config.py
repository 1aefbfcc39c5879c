import json

import pytest

from explorer.core.errors import ConfigError
from explorer.toy.config import ToyConfig
from explorer.toy.presets import PRESETS_1D, preset_config


def test_json_round_trip_keeps_every_field():
    config = ToyConfig(dataset="bimodal", noise="gaussian", k_d_steps=4, d_lr=3e-4, seed=17, loss="minimax")
    assert ToyConfig.from_json(config.to_json()) == config


def test_json_accepts_integral_floats_and_int_for_float():
    data = ToyConfig().to_dict() | {"steps": 100.0, "g_lr": 1}
    config = ToyConfig.from_dict(data)
    assert config.steps == 100 and isinstance(config.steps, int)
    assert config.g_lr == 1.0 and isinstance(config.g_lr, float)


def test_url_round_trip_holds_only_changes():
    config = ToyConfig(k_d_steps=7, dataset="skewed")
    query = config.to_query()
    assert set(dict(p.split("=") for p in query.split("&"))) == {"k_d_steps", "dataset"}
    assert ToyConfig.from_query(query) == config
    assert ToyConfig.from_query("?" + query) == config


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"dataset": "moon"}, "dataset must be one of"),
        ({"d_lr": -1.0}, "d_lr must lie in"),
        ({"g_lr": float("nan")}, "g_lr must be a finite number"),
        ({"k_d_steps": 0}, "k_d_steps must be between 1 and 100"),
        ({"batch_size": 2.5}, "batch_size must be a whole number"),
        ({"seed": True}, "seed must be a whole number"),
        ({"loss": "wgan"}, "loss must be one of"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(changes, message):
    with pytest.raises(ConfigError, match=message):
        ToyConfig(**changes)


def test_unknown_keys_and_bad_json_are_refused():
    with pytest.raises(ConfigError, match="unknown configuration keys: `colour`"):
        ToyConfig.from_dict(ToyConfig().to_dict() | {"colour": "red"})
    with pytest.raises(ConfigError, match="not valid JSON"):
        ToyConfig.from_json("{nope")
    with pytest.raises(ConfigError, match="d_lr must be a number"):
        ToyConfig.from_query("d_lr=fast")


def test_presets_are_valid_and_named_for_the_cli():
    assert "goodfellow-fig1" in PRESETS_1D
    for name, preset in PRESETS_1D.items():
        assert name == preset.name and name == name.lower() and " " not in name
        assert ToyConfig.from_json(preset.config.to_json()) == preset.config
        json.loads(preset.config.to_json())
    with pytest.raises(ConfigError, match="unknown preset"):
        preset_config("nope")


def test_shared_links_round_trip_preset_and_changes():
    from explorer.toy.presets import config_from_url, url_for_config

    config = preset_config("bimodal").replace(k_d_steps=5, d_lr=0.002)
    link = url_for_config("bimodal", config)
    assert link.startswith("?preset=bimodal&") and "k_d_steps=5" in link
    assert config_from_url(link) == ("bimodal", config)
    assert config_from_url("") == ("goodfellow-fig1", preset_config("goodfellow-fig1"))
    with pytest.raises(ConfigError, match="unknown preset"):
        config_from_url("?preset=nope")
    with pytest.raises(ConfigError, match="k_d_steps must be a whole number"):
        config_from_url("?k_d_steps=lots")
