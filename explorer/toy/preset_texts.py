"""The words of the toy presets, apart from their settings (`presets.py`): for each preset's
name, its title and the paragraph the app shows beside it. Prose only; no code reads a figure
from here."""

from __future__ import annotations

# name -> (title, description)
PRESET_TEXTS: dict[str, tuple[str, str]] = {
    "goodfellow-fig1": (
        "Goodfellow Figure 1",
        "A Gaussian p_data, uniform z as in the paper, two small MLPs, k = 3 and the "
        "non-saturating loss: press Play and watch p_g slide onto p_data while D(x) "
        "flattens to 1/2 (JS < 0.01 nats within 3,000 iterations). What makes it settle "
        "rather than circle the equilibrium: a small R1 penalty on D (Mescheder et al. "
        "2018), Adam with beta1 = 0, learning rates that decay to 2 %, and stratified "
        "noise batches. Set R1 to 0 to see the circling.",
    ),
    "saturating": (
        "Saturating loss stalls",
        "The minimax generator loss log(1 - D(G(z))), with p_data far from where G starts and "
        "a strong discriminator (k = 20): D rejects the fakes with near certainty from the "
        "first iteration (D(G(z)) about 1e-8 by iteration 300), the loss is flat there and G, "
        "trained by plain SGD, does not move: JS stays at ln 2 = 0.69 nats for the whole "
        "budget (seeds 0-19 measured). Switch the loss to non-saturating, -log D(G(z)), and "
        "Reset: the same seed reaches the data within 10-70 iterations (JS below 0.1).",
    ),
    "bimodal": (
        "Two modes",
        "A mixture of two Gaussians: G must split its one noise interval in two, with a "
        "steep jump in G(z) where p_g has to be near zero.",
    ),
    "uniform": (
        "Uniform target",
        "A uniform p_data: G must become a straight line from the z interval onto it.",
    ),
    "skewed": (
        "Skewed target",
        "A log-normal p_data with a long right tail; Gaussian noise.",
    ),
    "ring-collapse": (
        "Mode collapse on the ring",
        "Eight Gaussians on a circle of radius 1 (std 0.01, as in PacGAN). The plain GAN "
        "settles on a few modes, or hops from one to the next: watch the occupancy timeline. "
        "Tick minibatch discrimination (or view both side by side) and the collapse vanishes "
        "(bench/mode_collapse.py, 20 fresh seeds 300-319: the plain GAN collapsed on 18 of "
        "20, 0.9 of 8 modes on average; the twin covered 8 of 8 on every seed, 91.5 % of its "
        "samples within 3 std of a mode).",
    ),
    "grid-collapse": (
        "Mode collapse on the grid",
        "25 Gaussians on a 5 x 5 grid (std 0.05, as in PacGAN). The plain GAN, its G three "
        "times as fast as D, piles onto a few modes at a time; minibatch discrimination "
        "spreads it over the whole grid. A small R1 penalty (Mescheder et al. 2018) keeps D "
        "smooth, which is what lets the remedied G settle precisely on the modes "
        "(bench/mode_collapse.py, 20 fresh seeds 300-319, batch 512: the plain GAN collapsed "
        "on 19 of 20, 11 of 25 modes on average; the twin covered 25 of 25 on every seed, "
        "83 % of its samples within 3 std of a mode on average, 88 % on median).",
    ),
    "moons": (
        "Two moons",
        "Two interleaved half circles: G must bend its noise plane into two arcs.",
    ),
    "spiral": (
        "Spiral",
        "One long curved arm: the warped grid shows G rolling the noise plane up.",
    ),
    "checkerboard": (
        "Checkerboard",
        "Eight separate squares: G has to tear its noise plane apart, which a continuous "
        "map cannot do, so thin bridges of samples remain between the squares.",
    ),
}
