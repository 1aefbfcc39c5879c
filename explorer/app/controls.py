"""Controls of the toy tabs, built the same way: each sets the ToyConfig field it is keyed by."""

from __future__ import annotations

import gradio as gr

from ..toy.config import DATASETS_2D, LOSSES, ToyConfig


def whole_number(value: int, label: str, **kwargs) -> gr.Number:
    """A box for a whole-number setting: 1.5 reaches the config, which refuses it with a message
    (Gradio's precision=0 would round it silently), and the arrows step by one."""
    return gr.Number(value, label=label, precision=None, step=1, **kwargs)


# packing choices of the 2-D tab: (label, samples per pack)
PACK_CHOICES = [("off", 1), ("2", 2), ("3", 3), ("4", 4)]


def network_size_controls(defaults: ToyConfig) -> dict[str, gr.components.Component]:
    """Hidden layers and width of D and of G, two to a row."""
    c: dict[str, gr.components.Component] = {}
    with gr.Row():
        c["d_layers"] = whole_number(defaults.d_layers, label="D hidden layers")
        c["d_width"] = whole_number(defaults.d_width, label="D width")
    with gr.Row():
        c["g_layers"] = whole_number(defaults.g_layers, label="G hidden layers")
        c["g_width"] = whole_number(defaults.g_width, label="G width")
    return c


def toy2d_settings(defaults: ToyConfig) -> dict[str, gr.components.Component]:
    """The 2-D tab's settings, applied on Reset."""
    c: dict[str, gr.components.Component] = {}
    c["dataset"] = gr.Dropdown(list(DATASETS_2D), value=defaults.dataset, label="data", elem_id="toy2d-dataset")
    with gr.Row():
        c["d_lr"] = gr.Number(defaults.d_lr, label="D learning rate", elem_id="toy2d-d-lr")
        c["g_lr"] = gr.Number(defaults.g_lr, label="G learning rate", elem_id="toy2d-g-lr")
    with gr.Row():
        c["k_d_steps"] = whole_number(defaults.k_d_steps, label="k: D steps per G step", elem_id="toy2d-k")
        c["batch_size"] = whole_number(defaults.batch_size, label="batch size", elem_id="toy2d-batch")
    with gr.Row():
        c["seed"] = whole_number(defaults.seed, label="seed", elem_id="toy2d-seed")
        c["steps"] = whole_number(defaults.steps, label="iterations (Play stops there)",
                               elem_id="toy2d-steps")
    c.update(network_size_controls(defaults))
    with gr.Row():
        c["noise_dim"] = whole_number(defaults.noise_dim, label="noise dimension")
        c["r1_gamma"] = gr.Number(defaults.r1_gamma, label="R1 penalty γ on D")
    c["lr_final_fraction"] = gr.Number(defaults.lr_final_fraction, label="learning rates decay to ×")
    return c


def toy2d_remedies(defaults: ToyConfig) -> dict[str, gr.components.Component]:
    """The 2-D tab's remedies for mode collapse, applied at once to the running model."""
    c: dict[str, gr.components.Component] = {}
    c["minibatch_discrimination"] = gr.Checkbox(defaults.minibatch_discrimination,
                                                label="minibatch discrimination (Salimans et al. 2016)",
                                                elem_id="toy2d-mbd")
    c["minibatch_stddev"] = gr.Checkbox(defaults.minibatch_stddev,
                                        label="minibatch standard deviation (Karras et al. 2018)",
                                        elem_id="toy2d-mbstd")
    c["pack"] = gr.Radio(PACK_CHOICES, value=defaults.pack, label="packing, samples per pack (PacGAN)",
                         elem_id="toy2d-pack")
    c["unroll_steps"] = gr.Slider(0, 10, value=defaults.unroll_steps, step=1,
                                  label="unrolled D: look-ahead steps (Metz et al. 2017; 0 = off)",
                                  elem_id="toy2d-unroll")
    c["loss"] = gr.Dropdown(list(LOSSES), value=defaults.loss, label="objective", elem_id="toy2d-loss")
    return c
