"""The toy GANs: 1-D (Goodfellow et al. 2014, Figure 1) and 2-D (mode collapse and its remedies).
Imports `explorer.core`, never `explorer.mnist`."""
