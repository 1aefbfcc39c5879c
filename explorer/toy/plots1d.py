"""Pure plotting functions for the 1-D explorer: a snapshot (plain numbers) in, a Plotly figure out.

The main figure reproduces Goodfellow et al. (2014), Figure 1: p_data black and dotted, p_g green
and solid, D(x) blue and dashed; below, the z line mapped onto the x line by arrows x = G(z).
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from .metrics import LOG4
from .snapshots import Snapshot1D

DATA_COLOR = "black"
GENERATOR_COLOR = "#1a9e3f"  # green
DISCRIMINATOR_COLOR = "#1f4fd1"  # blue
D_STAR_COLOR = "#b0309e"  # magenta: the optimal discriminator
HALF_COLOR = "#888888"
ARROW_COLOR = "rgba(60, 60, 60, 0.55)"

NOISE_NAMES = {"uniform": "uniform on [-1, 1]", "gaussian": "N(0, 1)"}
# D* = p_data / (p_data + p_g) is drawn only where p_data + p_g is at least this share of its
# peak: where both densities are almost zero the ratio is undefined in all but name, and its
# jumps to 0 or 1 there say nothing about the game
D_STAR_SHOWN_ABOVE = 0.01


def shown_optimal_discriminator(s: Snapshot1D) -> np.ndarray:
    """D* of the snapshot where it is drawn (D_STAR_SHOWN_ABOVE), NaN (a gap) elsewhere."""
    total = s.p_data + s.p_g
    peak = float(np.nanmax(total)) if np.any(np.isfinite(total)) else 0.0
    return np.where(total >= D_STAR_SHOWN_ABOVE * peak, s.d_star, np.nan)


def _z_to_axis(z: np.ndarray, z_range: tuple[float, float], x_range: tuple[float, float]) -> np.ndarray:
    """Place the z line under the x line: z's range is stretched linearly over the x axis."""
    z_low, z_high = z_range
    x_low, x_high = x_range
    return x_low + (np.asarray(z) - z_low) / (z_high - z_low) * (x_high - x_low)


def _line(x, y, name, color, dash="solid", width=2.5, xaxis="x", yaxis="y", **extra) -> dict:
    return dict(type="scatter", mode="lines", x=x, y=y, name=name, xaxis=xaxis, yaxis=yaxis,
                line=dict(color=color, dash=dash, width=width), **extra)


def figure_1d(
    snapshot: Snapshot1D,
    show_d_star: bool = True,
    show_half: bool = True,
    title: str | None = None,
    height: int = 600,
) -> dict:
    """Goodfellow et al. (2014), Figure 1, for one snapshot, with D* and D = 1/2 optional.

    Returns the figure as a plain Plotly figure dict (`go.Figure(fig)` wraps it): building it
    this way costs a fraction of Plotly's validated graph objects, which matters at a few
    frames a second. Axes: x/y densities (top), y2 D(x) (top, right), x2/y3 the z and x lines.
    """
    s = snapshot
    x_range = [float(s.x[0]), float(s.x[-1])]
    half = [0.5, 0.5]
    data = [
        _line(s.x, s.p_data, "p_data(x): real data density", DATA_COLOR, "dot"),
        _line(s.x, s.p_g, "p_g(x): generator density (KDE of G(z))", GENERATOR_COLOR),
        _line(s.x, s.d, "D(x): discriminator, P(x is real)", DISCRIMINATOR_COLOR, "dash", yaxis="y2"),
        _line(s.x, shown_optimal_discriminator(s), "D*(x) = p_data / (p_data + p_g): optimal D, where defined",
              D_STAR_COLOR, "dashdot",
              1.8, yaxis="y2", visible=True if show_d_star else "legendonly"),
        _line(x_range, half, "D = 1/2: equilibrium", HALF_COLOR, "longdash", 1, yaxis="y2",
              visible=True if show_half else "legendonly"),
    ]
    # lower panel: z line at height 0, x line at height 1, arrows z -> G(z)
    z_on_axis = _z_to_axis(s.z_arrows, s.z_range, x_range)
    x_targets = np.clip(s.x_arrows, x_range[0], x_range[1])
    lower = dict(xaxis="x2", yaxis="y3", showlegend=False, hoverinfo="skip")
    data += [
        _line(x_range, [1, 1], "x line", "black", width=1.5, **lower),
        _line(x_range, [0, 0], "z line", "black", width=1.5, **lower),
        dict(type="scatter", mode="markers", x=x_targets, y=np.ones_like(x_targets), name="x = G(z)",
             marker=dict(color=GENERATOR_COLOR, size=5), **lower),
    ]
    # the arrows z -> G(z): one trace of segments, each ending in an arrowhead marker that
    # points along its segment (one trace redraws far faster than one annotation per arrow)
    n = len(z_on_axis)
    seg_x, seg_y = np.full(3 * n, np.nan), np.full(3 * n, np.nan)
    seg_x[0::3], seg_x[1::3] = z_on_axis, x_targets
    seg_y[0::3], seg_y[1::3] = 0.04, 0.9
    data.append(dict(
        type="scatter", mode="lines+markers", x=seg_x, y=seg_y, name="arrows z → x = G(z)",
        line=dict(color=ARROW_COLOR, width=1.1),
        marker=dict(symbol=["circle", "arrow", "circle"] * n, size=[0, 9, 0] * n,
                    angleref="previous", color=ARROW_COLOR),
        **lower,
    ))
    data.append(dict(
        type="scatter", mode="markers", x=z_on_axis, y=np.zeros_like(z_on_axis), name="z",
        marker=dict(color="black", size=5), xaxis="x2", yaxis="y3", showlegend=False,
        customdata=np.stack([s.z_arrows, s.x_arrows], axis=1),
        hovertemplate="z = %{customdata[0]:.2f} → G(z) = %{customdata[1]:.2f}<extra></extra>",
    ))
    label = dict(xref="x2", yref="y3", showarrow=False, xanchor="right", xshift=-4)
    annotations = [
        dict(x=x_range[0], y=1.0, text="<b>x</b>", **label),
        dict(x=x_range[0], y=0.0, text="<b>z</b>", **label),
        dict(x=x_range[1], y=0.5, xref="x2", yref="y3", showarrow=False, xanchor="right",
             text=f"arrows: x = G(z), z {NOISE_NAMES.get(s.noise, s.noise)} drawn evenly",
             font=dict(size=11, color="#555")),
    ]
    p_max = max(float(np.nanmax(s.p_data)), 1e-9)
    layout = dict(
        title=dict(text=figure_title(s) if title is None else title, x=0.01, xanchor="left",
                   y=0.99, yanchor="top", yref="container", font=dict(size=14)),
        annotations=annotations,
        height=height,
        margin=dict(l=60, r=60, t=100, b=40),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0.0, xanchor="left", font=dict(size=11)),
        plot_bgcolor="white",
        hovermode="x",
        uirevision="figure-1",  # keep the user's zoom and legend toggles across updates
        xaxis=dict(domain=[0, 1], anchor="y", range=x_range, matches="x2", showticklabels=False,
                   showgrid=False, zeroline=False),
        yaxis=dict(domain=[0.3, 1], title=dict(text="density"), range=[0, 1.25 * p_max],
                   showgrid=True, gridcolor="#eee"),
        yaxis2=dict(overlaying="y", side="right", anchor="x", title=dict(text="D(x)"), range=[0, 1.05],
                    tickvals=[0, 0.25, 0.5, 0.75, 1], showgrid=False),
        xaxis2=dict(domain=[0, 1], anchor="y3", range=x_range, title=dict(text="x"), showgrid=False,
                    zeroline=False),
        yaxis3=dict(domain=[0, 0.26], anchor="x2", range=[-0.25, 1.25], showticklabels=False,
                    showgrid=False, zeroline=False),
    )
    return dict(data=data, layout=layout)


def figure_title(s: Snapshot1D) -> str:
    """The figure's title: label, iteration and phase, JS(p_data || p_g), V(D, G) and mean |D - 1/2|,
    short enough for one line at 800 px (V's optimum, -log 4, is in the readout)."""
    head = f"{s.label} · " if s.label else ""
    phase = f" ({s.phase})" if s.phase else ""
    if s.label:  # a panel: what changed, said in its phase, and JS (a longer title is cut at 800 px)
        return f"{head}iteration {s.iteration}{phase} · JS = {s.js:.4f} nats"
    return (
        f"{head}iteration {s.iteration}{phase} · JS(p_data‖p_g) = {s.js:.4f} nats · "
        f"V(D,G) = {s.value:.3f} · mean|D−½| = {s.d_deviation:.3f}"
    )


def readout_markdown(s: Snapshot1D) -> str:
    """The live readout shown beside the figure."""
    return (
        f"**Iteration {s.iteration}**  \n"
        f"JS divergence JS(p_data‖p_g): **{s.js:.4f} nats** (0 at p_g = p_data; at most log 2 = 0.693)  \n"
        f"V(D, G) = **{s.value:.4f}**; optimum −log 4 = {-LOG4:.4f}; "
        f"gap {s.value + LOG4:+.4f}  \n"
        f"mean |D(x) − ½| on the data's support: **{s.d_deviation:.3f}**  \n"
        + (f"D(x) on real batch {s.d_real:.3f} · D(G(z)) on fake batch {s.d_fake:.3f}"
           if math.isfinite(s.d_real) and math.isfinite(s.d_fake) else "D on the real and fake batches: after the first update")
    )


def _subplot_row(count: int, spacing: float, titles: list[str]) -> dict:
    """The layout of `count` subplots side by side (as plotly's make_subplots lays them out, as
    a plain dict: make_subplots costs ~25 ms a call): axes x/y, x2/y2, ..., titles above each."""
    width = (1.0 - spacing * (count - 1)) / count
    layout: dict = {"annotations": []}
    for i in range(count):
        suffix = "" if i == 0 else str(i + 1)
        low = i * (width + spacing)
        layout[f"xaxis{suffix}"] = {"domain": [low, low + width], "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {"domain": [0.0, 1.0], "anchor": f"x{suffix}"}
        if i < len(titles) and titles[i]:
            layout["annotations"].append({
                "text": titles[i], "x": low + width / 2, "y": 1.0, "xref": "paper", "yref": "paper",
                "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 16}})
    return layout


def metrics_figure(traces: dict[str, list[float]], height: int = 260) -> dict:
    """JS divergence (log scale) and V(D, G) against iteration, with V's optimum -log 4 (a plain
    figure dict, cheap enough to send every few seconds while training)."""
    layout = _subplot_row(2, 0.12, ["JS(p_data‖p_g), nats", "V(D, G) and its optimum −log 4"])
    iterations = list(traces["iteration"])
    js = [max(v, 1e-5) for v in traces["js_divergence"]]
    data = [_line(iterations, js, "JS divergence", GENERATOR_COLOR, width=2),
            _line(iterations, list(traces["value_function"]), "V(D, G)", DISCRIMINATOR_COLOR, width=2,
                  xaxis="x2", yaxis="y2")]
    if len(iterations) < 2:  # one measurement (a fresh run): a point, not an empty plot
        for trace in data:
            trace["mode"] = "lines+markers"
    if iterations:
        data.append(_line([iterations[0], iterations[-1]], [-LOG4, -LOG4], "−log 4", HALF_COLOR, "dash",
                          width=2, xaxis="x2", yaxis="y2"))
    layout["yaxis"]["type"] = "log"
    for axis in ("xaxis", "xaxis2"):
        layout[axis]["title"] = {"text": "iteration"}
    layout.update(height=height, margin={"l": 50, "r": 20, "t": 40, "b": 40}, showlegend=False,
                  plot_bgcolor="white", uirevision="metrics")
    return {"data": data, "layout": layout}


def generator_losses_figure(current_d_fake: float | None = None, height: int = 260) -> go.Figure:
    """Both generator losses against D(G(z)): why the non-saturating loss is used.

    Minimax: log(1 - D(G(z))), whose slope at D(G(z)) -> 0 is -1: flat exactly when D rejects
    the fakes. Non-saturating: -log D(G(z)), slope -1/D(G(z)): steep there. Both are minimised
    by pushing D(G(z)) up, and both have the same fixed point (Goodfellow et al. 2014, sec. 3).
    """
    d = np.linspace(0.001, 0.999, 400)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=d, y=np.log1p(-d), mode="lines", name="minimax: log(1 − D(G(z)))",
                             line=dict(color="#d1431f", width=2.5)))
    fig.add_trace(go.Scatter(x=d, y=-np.log(d), mode="lines", name="non-saturating: −log D(G(z))",
                             line=dict(color=GENERATOR_COLOR, width=2.5)))
    fig.add_vrect(x0=0, x1=0.1, fillcolor="#f4d35e", opacity=0.25, line_width=0,
                  annotation_text="early training: D rejects fakes", annotation_position="top left",
                  annotation_font_size=10)
    if current_d_fake is not None and math.isfinite(current_d_fake):
        fig.add_vline(x=current_d_fake, line=dict(color=DISCRIMINATOR_COLOR, dash="dot"),
                      annotation_text="now", annotation_position="bottom right")
    fig.update_layout(height=height, margin=dict(l=50, r=20, t=30, b=40), plot_bgcolor="white",
                      legend=dict(x=0.35, y=0.98, font=dict(size=11)),
                      xaxis_title="D(G(z))", yaxis_title="G's loss")
    fig.update_yaxes(range=[-4.0, 4.0])
    return fig


def panels_figure(panels: list[Snapshot1D], height: int = 600) -> dict:
    """The paper's panels (a)-(d) as four small Figure 1s in a 2 x 2 grid, with axes, D* (where
    defined) and a legend; each panel's title says when it was taken and what changed (the
    phase of (b) and (c): D's distance to D*, then the JS divergence). A plain figure dict."""
    gap_x, gap_y = 0.08, 0.22
    width, tall = (1 - gap_x) / 2, (1 - gap_y) / 2
    layout: dict = {"annotations": []}
    data: list[dict] = []
    if not panels:
        layout["annotations"].append({"text": "the panels appear as the run converges: (a)-(c) once JS first falls "
                                              "below the preset's mark, (d) at equilibrium",
                                      "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "showarrow": False})
    for index in range(4):
        suffix = "" if index == 0 else str(index + 1)
        row, col = divmod(index, 2)
        low, bottom = col * (width + gap_x), (1 - row) * (tall + gap_y)
        layout[f"xaxis{suffix}"] = {"domain": [low, low + width], "anchor": f"y{suffix}", "showgrid": False,
                                    "visible": bool(panels), "title": {"text": "x" if row == 1 else ""}}
        layout[f"yaxis{suffix}"] = {"domain": [bottom, bottom + tall], "anchor": f"x{suffix}", "range": [0, 1.05],
                                    "tickvals": [0, 0.5, 1], "gridcolor": "#eee", "visible": bool(panels),
                                    "title": {"text": "D(x)" if col == 0 else ""}}
    for index, s in enumerate(panels[:4]):
        suffix = "" if index == 0 else str(index + 1)
        row, col = divmod(index, 2)
        low, bottom = col * (width + gap_x), (1 - row) * (tall + gap_y)
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "showlegend": index == 0}
        scale = 1.0 / (1.2 * max(float(np.nanmax(s.p_data)), 1e-9))  # densities share D's [0, 1] axis
        data += [_line(s.x, s.p_data * scale, "p_data (scaled)", DATA_COLOR, "dot", width=1.8, legendgroup="p_data", **axes),
                 _line(s.x, s.p_g * scale, "p_g (scaled)", GENERATOR_COLOR, width=1.8, legendgroup="p_g", **axes),
                 _line(s.x, s.d, "D(x)", DISCRIMINATOR_COLOR, "dash", width=1.8, legendgroup="D", **axes),
                 _line(s.x, shown_optimal_discriminator(s), "D*(x), where defined", D_STAR_COLOR, "dashdot",
                       width=1.4, legendgroup="D*", **axes)]
        said = s.phase or f"iteration {s.iteration} · JS {s.js:.3f} nats · mean|D−½| {s.d_deviation:.2f}"
        layout["annotations"].append({
            "text": f"<b>{s.label}</b><br>{said}", "x": low + width / 2, "y": bottom + tall, "xref": "paper",
            "yref": "paper", "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 11}})
    layout.update(height=height, margin={"l": 50, "r": 10, "t": 80, "b": 70}, plot_bgcolor="white",
                  title={"text": "The paper's panels (a)-(d), captured from this run "
                                 "(choose one below to show it in the figure)",
                         "x": 0.01, "xanchor": "left", "font": {"size": 13}},
                  legend={"orientation": "h", "x": 0, "y": -0.1, "yanchor": "top", "font": {"size": 11}},
                  hovermode=False)
    return {"data": data, "layout": layout}
