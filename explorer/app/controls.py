"""Controls that both toy tabs show, built the same way: each sets the ToyConfig field it is
keyed by."""

from __future__ import annotations

import gradio as gr

from ..toy.config import ToyConfig


def network_size_controls(defaults: ToyConfig) -> dict[str, gr.components.Component]:
    """Hidden layers and width of D and of G, two to a row."""
    c: dict[str, gr.components.Component] = {}
    with gr.Row():
        c["d_layers"] = gr.Number(defaults.d_layers, precision=0, label="D hidden layers")
        c["d_width"] = gr.Number(defaults.d_width, precision=0, label="D width")
    with gr.Row():
        c["g_layers"] = gr.Number(defaults.g_layers, precision=0, label="G hidden layers")
        c["g_width"] = gr.Number(defaults.g_width, precision=0, label="G width")
    return c
