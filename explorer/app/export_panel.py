"""The "export for slides" panel of a tab: a format, a size and a frame rate, one button, the
file to download. The tab's worker computes the figures (the tab's `export` command: the figure
now, or one for each recorded snapshot); the server's export process draws them (exports.py)."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ..core.errors import shown
from .engine import LiveEngine, outputs_or_message
from .exports import FORMATS, FRAME_RATES, WIDTHS, ExportRenderer, is_animation


def export_figures(engine: LiveEngine, fmt: str, width: float, extra: dict | None = None) -> dict[str, Any]:
    """The worker's figures for an export in `fmt`: the figure in view (PNG, SVG) or the run's
    timeline (GIF, MP4), or {'status': message}."""
    what = "timeline" if is_animation(fmt) else "now"
    return outputs_or_message(engine, "export", dict(extra or {}, what=what, width=int(width)))


def on_export(renderer: ExportRenderer, engine: LiveEngine, fmt: str, width: float, fps: float,
              extra: dict | None = None) -> tuple:
    """Make the file; (the file for the download box, the words under it)."""
    if fmt not in FORMATS:
        return gr.update(value=None), f"⚠️ choose one of {', '.join(FORMATS)} (got {shown(str(fmt))})"
    out = export_figures(engine, fmt, width, extra)
    if "figures" not in out:
        return gr.update(value=None), out.get("status", "⚠️ nothing to export")
    ahead = renderer.ahead()
    try:
        path, frames, seconds = renderer.render(out["figures"], fmt, out.get("stem", "figure"), width, fps)
    except (ValueError, TimeoutError) as err:
        return gr.update(value=None), f"⚠️ {err}"
    queued = f", after {ahead} other export{'s' * (ahead != 1)}" if ahead else ""
    what = f"{frames} frames at {fps:g} a second" if is_animation(fmt) else "the figure as shown now"
    return gr.update(value=str(path)), f"{fmt}: {what}, {int(width)} px wide, made in {seconds:.1f} s{queued}."


def build_export_panel(prefix: str, session: gr.State, renderer: ExportRenderer, extra_inputs: list | None = None,
                       make_extra=None) -> None:
    """The panel, closed by default, inside the tab's layout; `extra_inputs` are read into the
    request by `make_extra(*values) -> dict` (e.g. the overlays shown)."""
    with gr.Accordion("export for slides: PNG, SVG, GIF, MP4", open=False, elem_id=f"{prefix}-export", elem_classes=["lecture-hide"]):
        gr.Markdown("PNG or SVG: the figure as it is now. GIF or MP4: the whole run so far, one frame per "
                    "recorded snapshot (at most 120), drawn with the figure's own colours and legend.")
        with gr.Row():
            fmt = gr.Radio(list(FORMATS), value="GIF", label="format", elem_id=f"{prefix}-export-format")
            width = gr.Slider(*WIDTHS, value=1000, step=20, label="width (px)", elem_id=f"{prefix}-export-width")
            fps = gr.Slider(*FRAME_RATES, value=10, step=1, label="frames a second", elem_id=f"{prefix}-export-fps")
        button = gr.Button("Export", elem_id=f"{prefix}-export-button")
        note = gr.Markdown(elem_id=f"{prefix}-export-note")
        file = gr.File(label="download", interactive=False, elem_id=f"{prefix}-export-file")
    extra_inputs = list(extra_inputs or [])

    def handler(engine, chosen, pixels, rate, *values):
        return on_export(renderer, engine, chosen, pixels, rate, make_extra(*values) if make_extra else None)

    button.click(handler, [session, fmt, width, fps, *extra_inputs], [file, note], show_progress="minimal",
                 concurrency_limit=None, api_name=f"{prefix}_export")
