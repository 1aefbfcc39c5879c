"""The words beside each tab's figures: how to read them, and the papers behind them. Prose only."""

TOY1D_EXPLANATION = """
### Why the non-saturating generator loss?
In the minimax game of eq. 1 the generator minimises **log(1 − D(G(z)))**. Early in training G is
poor, D rejects its samples with confidence, D(G(z)) ≈ 0, and there this loss is flat: its
slope is −1 while the slope of the non-saturating loss **−log D(G(z))** is −1/D(G(z)), huge.
So G learns almost nothing from the minimax loss just when it most needs to. Goodfellow et al.
(2014, section 3) therefore train G to *maximise* log D(G(z)): the same fixed point
(p_g = p_data, D = 1/2), but strong gradients early on. Try the preset *Saturating loss stalls*.

### How to read the figure
Black dotted: the data's density p_data. Green: the generator's density p_g, estimated from
20,000 samples of G(z) on fixed noise. Blue dashed: the discriminator D(x), the probability it
gives that x is real. Magenta: the best possible discriminator against the current G,
D* = p_data / (p_data + p_g), drawn only where p_data + p_g is not negligible (at least 1 % of its
peak: where both vanish the ratio is undefined). Below, the z line (noise) and the x line: each arrow takes a fixed
z to x = G(z); where arrows bunch together G contracts space and p_g is high. At the
equilibrium p_g = p_data, D* = D(x) = 1/2 wherever there are data, and V(D, G) = −log 4.
"""

TOY2D_EXPLANATION = """
### How to read the figure
Black dots: real samples. Green dots: the generator's samples from fixed noise, so the cloud
moves smoothly. Colours: the discriminator D(x) over the plane, blue where it says "real", red
where it says "fake" (for least squares, hinge and WGAN-GP, its raw score). A discriminator that
judges whole batches (minibatch discrimination, minibatch standard deviation, packing) says of
a point what it says of the batch around it, so the colours place each point among real
samples ("x among real data" on the colour bar): where D would accept a sample with the data
around it. G's own samples are judged in their own batch: a collapsed batch is rejected even on
a mode, which the readout's D(G(z)) and the arrows show. Orange arrows:
where G's loss pushes each generated sample, −∇ₓ loss. Green mesh (layer "warped grid"): a
square grid of noise z, mapped through G. Purple circles: the mode centres.

### Mode collapse, measured
As in VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al. 2018), on 2,500 generated
samples: a sample is **high quality** within 3 standard deviations of its nearest mode; a mode is
**covered** when at least one high-quality sample is nearest to it; **mode KL** is the KL
divergence from the high-quality samples' histogram over the modes to the uniform one (0 when
they are spread evenly). The bars count high-quality samples per mode; the timeline below shows
the share of each mode over the run: a plain GAN hops from mode to mode or settles on a few.

### The remedies
- **Minibatch discrimination** (Salimans et al. 2016, §3.2): D also sees how close each sample is
  to the others in its batch, so a batch piled on one mode is easy to reject.
- **Minibatch standard deviation** (Karras et al. 2018, §3): D sees the batch's spread.
- **Packing** (PacGAN): D judges m samples at once.
- **Unrolled D** (Metz et al. 2017): G's loss looks k D updates ahead.
- **Losses**: least squares (Mao et al. 2017), hinge, WGAN with gradient penalty (Gulrajani et
  al. 2017), and the saturating minimax loss for contrast.

Switching a remedy while training applies it at once: D restarts in its new form and G carries
on from where it is, so you can watch a collapsed generator spread out. *Side by side* trains
two copies from the same seed, same data and same noise batches: left the plain GAN (every
remedy off, the preset's loss), right your choice.
"""

MNIST_EXPLANATION = """
### What you are watching
A **DCGAN** (Radford, Metz and Chintala 2016): the generator G turns a vector z of 100 Gaussian
numbers into a 28x28 digit through four transposed convolutions (3x3, 7x7, 14x14, 28x28; batch
normalisation, ReLU, tanh at the output); the discriminator D, three strided convolutions
(14x14, 7x7, 4x4; LeakyReLU, batch normalisation), says how likely an image is to be a real
MNIST digit. Its third layer lets it judge a digit's whole shape, not only its strokes. The grid
(top left) shows G on the same 64 noise vectors throughout, so you see the same digits take shape.

### Quality, measured
Through a small classifier trained by this project on real digits (98.8 % on the MNIST test set):
- **Inception Score** (Salimans et al. 2016): high when each sample is confidently one digit and all
  ten digits are drawn equally often. At most 10; real test digits score about 9.7 with this classifier.
- **Fréchet distance** (Heusel et al. 2017) between the classifier's features of generated and real
  digits; lower is better (real test digits: about 8).
- **Classes drawn**: digits that make up at least 2 % of the samples. The bars are the collapse
  meter: a collapsed GAN piles its samples into a few classes.

### Three models, one trainer
- **DCGAN**: G sees z alone; nobody can say which z gives which digit.
- **Conditional GAN** (Mirza and Osindero 2014): G also sees the digit's label, one-hot, and so
  does D, by projection (Miyato and Koyama 2018): D's verdict adds the product of the label's
  learnt embedding with D's features, so D judges "is this a real 3?", not "is this a digit?".
  The buttons set the digit of the whole grid; **class accuracy** is the share of samples our
  classifier calls the digit asked for.
- **InfoGAN** (Chen et al. 2016): G sees z, a 10-way code c0-c9 and two continuous codes c10, c11,
  and is never told a label. A head Q on D's features must guess the codes back from the image,
  and G and Q together maximise a lower bound on the mutual information between the codes and the
  image (L_I in the losses chart's hover). The network chooses what each code means: the buttons
  are named after the digit our classifier calls each code's samples, and **code agreement** is
  the share of samples whose code matches that digit under the best one-to-one matching. The
  sliders move c10 and c11 from -2 to 2, past the -1 to 1 they were trained on; the traversal grid
  shows one code's values down the rows for ten samples across (the paper's Figure 2).

**Use the pretrained model** loads a generator trained in advance by
`python -m explorer.mnist.pretrained` (how long and how well: `assets/mnist/pretrained.json`), so
the sliders and buttons work at once; ▶ Train then trains a new model live from the settings.

### Minibatch discrimination
Salimans et al. (2016, §3.2): D also sees how similar each image is to the others in its batch,
so a generator that draws the same digit again and again is easy to catch. It changes D's shape,
so it applies on ↺ Reset.

### The latent space
Sliders move the first 8 of z's 100 numbers; the other 92 stay as the seed drew them. Beside the
sample: the training digit nearest to it in pixels, to check that G draws new digits rather than
copying. Interpolation walks from one seed's z to another's: **linear** (top row) cuts through the
middle of the Gaussian, where z's norm is atypically small; **spherical** (bottom row, White 2016)
keeps to the sphere where p_z puts its mass.
"""
