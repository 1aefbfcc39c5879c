"""What every family shares and imports neither of them: the configuration base, the GAN
objectives, the minibatch layers, device choice, learning-rate schedules, the run protocol, the
checkpoint file format and the errors."""
