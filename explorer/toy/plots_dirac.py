"""Pure figure functions for the Dirac GAN (toy.dirac, Mescheder et al. 2018, sec. 2): the
(θ, ψ) plane with the game's vector field and the trajectories of simultaneous and alternating
descent, beside each one's distance to the equilibrium; plain figure dicts (as plots2d)."""

from __future__ import annotations

import numpy as np

from .dirac import REGULARISER_TITLES, DiracConfig

METHOD_COLOURS = {"simultaneous": "#d1431f", "alternating": "#1f4fd1"}
FIELD_COLOUR = "rgba(90, 90, 90, 0.55)"


def _field_arrows(theta: np.ndarray, psi: np.ndarray, g: np.ndarray, d: np.ndarray, extent: float) -> dict:
    """The field as one trace of short segments, each ending in an arrowhead along it; lengths
    grow with the field's speed, the longest a grid cell."""
    speed = np.hypot(g, d)
    cell = 2 * extent / (theta.shape[0] - 1)
    scale = 0.85 * cell / max(float(speed.max()), 1e-12)
    ends_t, ends_p = theta + scale * g, psi + scale * d
    n = theta.size
    xs, ys = np.full(3 * n, np.nan), np.full(3 * n, np.nan)
    xs[0::3], xs[1::3] = theta.ravel(), ends_t.ravel()
    ys[0::3], ys[1::3] = psi.ravel(), ends_p.ravel()
    return {"type": "scatter", "mode": "lines+markers", "x": xs, "y": ys, "name": "the vector field v(θ, ψ)",
            "line": {"color": FIELD_COLOUR, "width": 1}, "hoverinfo": "skip",
            "marker": {"symbol": ["circle", "arrow", "circle"] * n, "size": [0, 7, 0] * n,
                       "angleref": "previous", "color": FIELD_COLOUR}}


def figure_dirac(config: DiracConfig, field: tuple[np.ndarray, ...], extent: float,
                 paths: dict[str, np.ndarray], height: int = 520) -> dict:
    """The plane (the field, the equilibrium, the start, each method's path and where it is now)
    and, right, each method's distance to the equilibrium against the step (log scale)."""
    # an invisible grid over the plane: a click anywhere on it picks a start (the page's hook)
    grid = np.linspace(-extent, extent, 81)
    catcher = {"type": "heatmap", "x": grid, "y": grid, "z": np.zeros((81, 81)), "opacity": 0.0,
               "showscale": False, "name": "click to start here", "hovertemplate": "start here: θ %{x:.2f}, ψ %{y:.2f}<extra></extra>"}
    data = [catcher, _field_arrows(*field, extent),
            {"type": "scatter", "mode": "markers", "x": [0.0], "y": [0.0], "name": "equilibrium (0, 0)",
             "marker": {"symbol": "star", "size": 14, "color": "black"}},
            {"type": "scatter", "mode": "markers", "x": [config.start_theta], "y": [config.start_psi],
             "name": "start", "marker": {"symbol": "circle-open", "size": 12, "color": "black"}}]
    for name, path in paths.items():
        colour = METHOD_COLOURS[name]
        data.append({"type": "scatter", "mode": "lines", "x": path[:, 0], "y": path[:, 1],
                     "name": f"{name} descent", "line": {"color": colour, "width": 2}})
    for name, path in paths.items():
        data.append({"type": "scatter", "mode": "markers", "x": path[-1:, 0], "y": path[-1:, 1],
                     "name": f"{name}: now", "showlegend": False,
                     "marker": {"color": METHOD_COLOURS[name], "size": 10}})
    for name, path in paths.items():
        # four significant digits as a list (a page rounds arrays to 1e-4: a log axis needs more)
        distance = [float(f"{v:.4g}") for v in np.maximum(np.hypot(path[:, 0], path[:, 1]), 1e-30)]
        data.append({"type": "scatter", "mode": "lines", "x": np.arange(len(path)), "y": distance,
                     "name": f"{name}: distance", "showlegend": False, "xaxis": "x2", "yaxis": "y2",
                     "line": {"color": METHOD_COLOURS[name], "width": 2}})
    steps = len(next(iter(paths.values()))) - 1
    regulariser = REGULARISER_TITLES[config.regulariser]
    lrs = f"lr {config.g_lr:g}" if config.g_lr == config.d_lr else f"lr G {config.g_lr:g}, D {config.d_lr:g}"
    layout = {
        "title": {"text": f"Dirac GAN, iteration {steps}: {regulariser}; {lrs}"
                          + (f"; k = {config.k_d_steps} (alternating)" if config.k_d_steps > 1 else ""),
                  "x": 0.01, "xanchor": "left", "font": {"size": 14}},
        "height": height, "margin": {"l": 55, "r": 20, "t": 45, "b": 45}, "plot_bgcolor": "white",
        "xaxis": {"domain": [0.0, 0.56], "range": [-extent, extent], "title": {"text": "θ (the generator's point)"},
                  "zeroline": True, "zerolinecolor": "#ccc", "constrain": "domain"},
        "yaxis": {"range": [-extent, extent], "title": {"text": "ψ (the discriminator's slope)"},
                  "zeroline": True, "zerolinecolor": "#ccc", "scaleanchor": "x", "scaleratio": 1},
        "xaxis2": {"domain": [0.66, 1.0], "range": [0, max(config.steps, 1)], "title": {"text": "step"},
                   "anchor": "y2"},
        "yaxis2": {"type": "log", "title": {"text": "distance to (0, 0)"}, "anchor": "x2"},
        "legend": {"orientation": "h", "y": -0.14, "font": {"size": 11}},
        "uirevision": "dirac",
    }
    return {"data": data, "layout": layout}


def readout_dirac(config: DiracConfig, paths: dict[str, np.ndarray], eigenvalues: dict) -> str:
    """Markdown: each method's distance now, the field's eigenvalues at the equilibrium (with the
    closed form) and each update's eigenvalue moduli, with what they mean."""
    def complex_text(pair: list[float]) -> str:
        real, imag = pair[0] + 0.0, pair[1] + 0.0  # no "−0.000"
        real, imag = (0.0 if abs(real) < 5e-4 else real), (0.0 if abs(imag) < 5e-4 else imag)
        return f"{real:+.3f} {'+' if imag >= 0 else '−'} {abs(imag):.3f}i"

    start = float(np.hypot(config.start_theta, config.start_psi))
    lines = []
    for name, path in paths.items():
        now = float(np.hypot(*path[-1]))
        lines.append(f"**{name}**: distance {now:.4g} ({now / start:.3g}× the start)" if start else
                     f"**{name}**: distance {now:.4g}")
    field = eigenvalues.get("field")
    if field is None:
        lines.append("The field jumps at ψ = 0 (the penalty's |ψ|): no Jacobian at the equilibrium.")
        return "  \n".join(lines)
    lines.append("Jacobian of the field at (0, 0): λ = " + ", ".join(complex_text(v) for v in field)
                 + (" (closed form: " + ", ".join(complex_text(v) for v in eigenvalues["closed"]) + ")"
                    if eigenvalues.get("closed") else ""))
    rotating = all(abs(v[0]) < 1e-9 for v in field)
    lines.append("purely imaginary: the players rotate about the equilibrium" if rotating
                 else "negative real parts: the field pulls the players in" if all(v[0] < 0 for v in field)
                 else "a positive real part: the field pushes the players out")
    for name, moduli in eigenvalues["updates"].items():
        largest = max(moduli)
        verdict = ("spirals in" if largest < 1 - 1e-9 else "spirals out" if largest > 1 + 1e-9
                   else "circles: neither in nor out")
        lines.append(f"one {name} update: |λ| = {', '.join(f'{m:.4f}' for m in moduli)}: {verdict}")
    return "  \n".join(lines)
