"""The image GANs on MNIST: the DCGAN (Radford et al. 2016), its data, trainer, quality meter and
checkpoints. Imports `explorer.core`, never `explorer.toy`."""
