"""Hand-written backpropagation through the toy multilayer perceptrons: the trainer's fast path
for the updates that need nothing but first derivatives.

The toy networks are tiny (a few 32- or 128-wide layers), so autograd's bookkeeping (a graph
node per operation, gradient accumulation, zeroing) costs about as much as the arithmetic. For
an MLP the backward pass is short enough to write out (Rumelhart, Hinton and Williams 1986):
with h_0 = x, a_i = h_{i-1} W_i^T + b_i and h_i = phi(a_i),

    dL/dW_i = delta_i^T h_{i-1},   dL/db_i = sum over the batch of delta_i,
    delta_{i-1} = (delta_i W_i) * phi'(a_{i-1}),

where delta_i = dL/da_i, and phi' is read from the saved outputs h (every activation here has a
derivative that its output determines). Only what an update needs is computed: the
discriminator's update wants D's weight gradients and no input gradient; the generator's update
wants D's input gradient and none of D's weight gradients (D stays fixed), then G's weight
gradients. The loss's own gradient with respect to the network's outputs is the objective's
(core.objectives: `d_loss_gradients`, `g_loss_gradient`).

The R1 penalty through a piecewise-linear network (`input_gradient_penalty`), minibatch
discrimination (`MinibatchDiscriminatorByHand`) and the minibatch standard deviation
(`MinibatchStddevByHand`) are written out too. The updates that differentiate a gradient
through anything else (WGAN-GP, unrolling, R1 through tanh or a minibatch layer) and a D with
both minibatch layers keep autograd: see ToyTrainer.
bench/bench_step.py measures what this saves; tests/toy/test_backprop.py checks that the
gradients equal autograd's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from ..core import l1_similarity
from ..core.minibatch import MinibatchDiscrimination

aten = torch.ops.aten


def _leaky_relu_backward(grad: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
    return aten.leaky_relu_backward(grad, output, 0.2, True)


def _relu_backward(grad: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
    return aten.threshold_backward(grad, output, 0.0)


def _tanh_backward(grad: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
    return aten.tanh_backward(grad, output)


def _elu_backward(grad: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
    return aten.elu_backward(grad, 1.0, 1.0, 1.0, True, output)


def _leaky_relu(hidden: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.leaky_relu(hidden, 0.2)


# phi, in place where that is faster (the pre-activations are not kept: leaky_relu_ copies,
# measured), for networks.ACTIVATION_LAYERS
ACTIVATIONS_IN_PLACE: dict[type[nn.Module], Callable[[torch.Tensor], torch.Tensor]] = {
    nn.LeakyReLU: _leaky_relu,
    nn.ReLU: torch.relu_,
    nn.Tanh: torch.tanh_,
    nn.ELU: torch.nn.functional.elu_,
}

# phi'(a) * grad from the output h = phi(a), for networks.ACTIVATION_LAYERS
ACTIVATION_BACKWARDS: dict[type[nn.Module], Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    nn.LeakyReLU: _leaky_relu_backward,
    nn.ReLU: _relu_backward,
    nn.Tanh: _tanh_backward,
    nn.ELU: _elu_backward,
}


class PlainPerceptron:
    """A view of an MLP's layers (a sequence of nn.Linear, each but the last followed by one
    activation of ACTIVATION_BACKWARDS) that runs its forward pass keeping what the backward
    pass needs, and its backward pass by hand (see the module docstring). The weights are the
    module's own: an optimiser step on the module moves them."""

    def __init__(self, modules: list[nn.Module]) -> None:
        self.linears: list[nn.Linear] = []
        self.activations: list[nn.Module] = []
        for module in modules:
            if isinstance(module, nn.Linear):
                self.linears.append(module)
            elif type(module) in ACTIVATION_BACKWARDS and len(self.activations) < len(self.linears):
                self.activations.append(module)
            else:
                raise TypeError(f"not a plain perceptron layer: {module}")
        # a perceptron ends linear, or (a body whose features feed a minibatch layer) with an activation
        self.ends_with_activation = len(self.activations) == len(self.linears)
        if len(self.activations) not in (len(self.linears) - 1, len(self.linears)):
            raise TypeError("a plain perceptron alternates linear layers and activations")
        if any(isinstance(a, nn.LeakyReLU) and a.negative_slope != 0.2 for a in self.activations):
            raise TypeError("the leaky ReLU's backward pass here has slope 0.2")
        self._backwards = [ACTIVATION_BACKWARDS[type(a)] for a in self.activations]
        self._forwards = [ACTIVATIONS_IN_PLACE[type(a)] for a in self.activations]

    @property
    def piecewise_linear(self) -> bool:
        """True when every activation is piecewise linear (ReLU, leaky ReLU): phi'' = 0 almost
        everywhere, which `input_gradient_penalty` relies on (for a network that ends linear)."""
        return not self.ends_with_activation and all(isinstance(a, (nn.ReLU, nn.LeakyReLU)) for a in self.activations)

    def forward(self, inputs: torch.Tensor, segments: Sequence[int] = ()) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """The output (batch, out) and the input of every linear layer, then the output if the
        network ends with an activation (for `backward`). `segments` is ignored: each row is
        judged alone (compare MinibatchDiscriminatorByHand)."""
        saved = []
        hidden = inputs
        for index, linear in enumerate(self.linears):
            saved.append(hidden)
            hidden = torch.addmm(linear.bias, hidden, linear.weight.t())
            if index < len(self.activations):
                hidden = self._forwards[index](hidden)
        if self.ends_with_activation:
            saved.append(hidden)
        return hidden, saved

    def backward(self, saved: list[torch.Tensor], grad_output: torch.Tensor, *, weights: bool,
                 inputs: bool) -> torch.Tensor | None:
        """Backpropagate dL/d(output) (batch, out) through the layers `forward` saved. weights:
        set each parameter's .grad to dL/dparameter (replacing what was there); inputs: return
        dL/d(inputs) (else None). Call under torch.no_grad()."""
        delta = grad_output
        if self.ends_with_activation:
            delta = self._backwards[-1](delta, saved[-1])
        for index in range(len(self.linears) - 1, -1, -1):
            linear = self.linears[index]
            if weights:
                inputs_of_layer = saved[index]
                if inputs_of_layer.shape[1] <= 8:   # a narrow input (x, z): the product the other way round is faster
                    linear.weight.grad = inputs_of_layer.t().mm(delta).t().contiguous()
                else:
                    linear.weight.grad = delta.t().mm(inputs_of_layer)
                linear.bias.grad = delta.sum(0)
            if index == 0 and not inputs:
                return None
            delta = delta.mm(linear.weight)
            if index > 0:
                delta = self._backwards[index - 1](delta, saved[index])
        return delta

    def input_gradient_penalty(self, saved: list[torch.Tensor], rows: int, divisor: int
                               ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """The R1 penalty (Mescheder, Geiger and Nowozin 2018, eq. 9) of a network with one
        output, on the first `rows` rows of the batch `forward` saved: R = sum ||d l / d x||^2
        over those rows / divisor, and dR / dW for each linear layer's weight (R does not depend
        on the biases). Only for `piecewise_linear` networks, where phi'' = 0.

        With phi'' = 0 the input gradient v = W_0^T D_0 W_1^T ... D_{L-2} w_{L-1}^T (D_j the
        diagonal of phi'(a_j), fixed) is linear in each weight matrix, so dR/dW follows from one
        pass down the chain (computing v, keeping each e_j = d l / d a_j) and one pass back up
        it: dR/dW_j = e_j^T u_j, where u_j = dR / d(input of layer j), u_0 = 2 v / divisor.
        Call under torch.no_grad()."""
        last = self.linears[-1]
        grad = last.weight.expand(rows, -1)   # d l / d(input of the last layer): (rows, width)
        deltas = []
        for index in range(len(self.linears) - 2, -1, -1):
            delta = self._backwards[index](grad, saved[index + 1][:rows])   # d l / d a_index
            deltas.append(delta)
            grad = delta.mm(self.linears[index].weight)
        deltas.reverse()
        penalty = grad.pow(2).sum() / divisor
        upward = grad * (2.0 / divisor)
        weight_grads = []
        for index, delta in enumerate(deltas):
            weight_grads.append(delta.t().mm(upward))
            upward = self._backwards[index](upward.mm(self.linears[index].weight.t()), saved[index + 1][:rows])
        weight_grads.append(upward.sum(0, keepdim=True))
        return penalty, weight_grads


class MinibatchDiscriminatorByHand:
    """The toy D with minibatch discrimination (Salimans et al. 2016, sec. 3.2), forward and
    backward by hand: l = head([f, o(f)]) with f = body(x) and o the similarities of each
    sample's kernel rows M = f T to those of the others in its group (l1_similarity). Its
    backward pass adds to dL/df the path through o: dL/dM from l1_similarity.rows_gradient,
    then dL/dT = f^T dL/dM and dL/df += dL/dM T^T."""

    def __init__(self, body: Sequence[nn.Module], layer: MinibatchDiscrimination, head: nn.Linear) -> None:
        self.body = PlainPerceptron(list(body))
        if not self.body.ends_with_activation:
            raise TypeError("the body of a minibatch discriminator ends with an activation")
        self.layer, self.head = layer, head
        self.linears = [*self.body.linears, head]

    # R1 by hand needs a plain perceptron (PlainPerceptron.input_gradient_penalty)
    piecewise_linear = False

    def forward(self, inputs: torch.Tensor, segments: Sequence[int]) -> tuple[torch.Tensor, tuple]:
        """The outputs (N, 1) for `inputs` (N, in) made of consecutive batches of `segments`
        rows (real, fake), each compared only with itself, and what `backward` needs."""
        features, body_saved = self.body.forward(inputs)
        layer = self.layer
        rows = torch.mm(layer.T.t(), features.t())   # (B * C, N)
        spans, offset = [], 0
        for samples in segments:
            group = layer.group_size if 0 < layer.group_size < samples else samples
            spans += l1_similarity.group_spans(samples, group, offset)
            offset += samples
        o, exps = l1_similarity.similarities(rows, layer.kernels, spans)
        hidden = torch.cat([features, o], dim=1)
        outputs = torch.addmm(self.head.bias, hidden, self.head.weight.t())
        return outputs, (body_saved, features, rows, exps, spans, hidden)

    def backward(self, saved: tuple, grad_output: torch.Tensor, *, weights: bool,
                 inputs: bool) -> torch.Tensor | None:
        """As PlainPerceptron.backward, through the head, the minibatch layer and the body."""
        body_saved, features, rows, exps, spans, hidden = saved
        head, layer = self.head, self.layer
        if weights:
            head.weight.grad = grad_output.t().mm(hidden)
            head.bias.grad = grad_output.sum(0)
        grad_hidden = grad_output.mm(head.weight)   # (N, A + B)
        width = features.shape[1]
        grad_rows = l1_similarity.rows_gradient(rows, exps, spans, layer.kernels, grad_hidden[:, width:])
        if weights:
            layer.T.grad = features.t().mm(grad_rows.t())   # (A, B * C)
        grad_features = torch.addmm(grad_hidden[:, :width], grad_rows.t(), layer.T.t())
        return self.body.backward(body_saved, grad_features, weights=weights, inputs=inputs)


class MinibatchStddevByHand:
    """The toy D with the minibatch standard deviation (Karras et al. 2018, sec. 3), forward and
    backward by hand: l = head([f, s]) with f = body(x) and s = mean over features a of
    sigma_a, the population standard deviation of f[:, a] over the sample's batch. Its
    backward pass adds dL/ds / A * (f[n, a] - mu_a) / (N sigma_a) to dL/df[n, a] (the
    derivative of a standard deviation; mu's own term sums to zero), as autograd's std does."""

    # R1 by hand needs a plain perceptron (PlainPerceptron.input_gradient_penalty)
    piecewise_linear = False

    def __init__(self, body: Sequence[nn.Module], head: nn.Linear) -> None:
        self.body = PlainPerceptron(list(body))
        if not self.body.ends_with_activation:
            raise TypeError("the body of a minibatch discriminator ends with an activation")
        self.head = head
        self.linears = [*self.body.linears, head]

    def forward(self, inputs: torch.Tensor, segments: Sequence[int]) -> tuple[torch.Tensor, tuple]:
        """The outputs (N, 1) for `inputs` made of consecutive batches of `segments` rows (real,
        fake), each with the statistic of its own batch, and what `backward` needs."""
        features, body_saved = self.body.forward(inputs)
        parts, spreads = [], []
        for batch in features.split(list(segments)):
            centred = batch - batch.mean(0)
            sigma = centred.pow(2).mean(0).sqrt()            # (A,)
            spreads.append((centred, sigma))
            parts.append(sigma.mean().expand(len(batch), 1))
        hidden = torch.cat([features, torch.cat(parts)], dim=1)
        outputs = torch.addmm(self.head.bias, hidden, self.head.weight.t())
        return outputs, (body_saved, spreads, hidden, list(segments))

    def backward(self, saved: tuple, grad_output: torch.Tensor, *, weights: bool,
                 inputs: bool) -> torch.Tensor | None:
        """As PlainPerceptron.backward, through the head, the statistic and the body."""
        body_saved, spreads, hidden, segments = saved
        head = self.head
        if weights:
            head.weight.grad = grad_output.t().mm(hidden)
            head.bias.grad = grad_output.sum(0)
        grad_hidden = grad_output.mm(head.weight)   # (N, A + 1)
        grad_features = grad_hidden[:, :-1].clone()
        for rows, grad_spread, (centred, sigma) in zip(grad_features.split(segments),
                                                        grad_hidden[:, -1].split(segments), spreads):
            # d s / d f[n, a] = (1 / A) (f[n, a] - mu_a) / (N sigma_a)
            rows.add_(centred * (grad_spread.sum() / (sigma.numel() * len(rows)) / sigma))
        return self.body.backward(body_saved, grad_features, weights=weights, inputs=inputs)


DiscriminatorByHand = PlainPerceptron | MinibatchDiscriminatorByHand | MinibatchStddevByHand


def discriminator_by_hand(discriminator: nn.Module, device: torch.device) -> DiscriminatorByHand | None:
    """The view of a toy D (networks.ToyDiscriminator) that backpropagates by hand, or None
    where autograd must: both minibatch layers at once, or minibatch discrimination off the CPU
    (its compiled loops are for the CPU)."""
    stddev, minibatch = discriminator.use_stddev, discriminator.minibatch
    if minibatch is not None and (stddev or device.type != "cpu"):
        return None
    if minibatch is not None:
        return MinibatchDiscriminatorByHand(discriminator.body, minibatch, discriminator.head)
    if stddev:
        return MinibatchStddevByHand(discriminator.body, discriminator.head)
    return PlainPerceptron([*discriminator.body, discriminator.head])


def optimizer_step(optimizer: torch.optim.Optimizer) -> None:
    """`optimizer.step()`, by its fused kernel called directly for a fused, single-group,
    CPU Adam whose state exists (the same kernel and arguments as torch.optim.Adam's fused
    path, without its per-call bookkeeping: about a third of the time for the toy networks).
    Any other optimiser, and Adam's first step, go through `optimizer.step()`; the state stays
    the optimiser's own, so checkpoints and `load_state_dict` are unaffected."""
    group = optimizer.param_groups[0] if len(optimizer.param_groups) == 1 else None
    if (not isinstance(optimizer, torch.optim.Adam) or group is None or not group["fused"]
            or group["amsgrad"] or group["maximize"] or group["weight_decay"]
            or group["differentiable"] or group.get("decoupled_weight_decay")):
        optimizer.step()
        return
    params = [p for p in group["params"] if p.grad is not None]
    states = [optimizer.state.get(p) for p in params]
    if not params or any(not state or p.device.type != "cpu" for p, state in zip(params, states)):
        optimizer.step()
        return
    steps = [state["step"] for state in states]
    torch._foreach_add_(steps, 1)
    beta1, beta2 = group["betas"]
    torch._fused_adam_(params, [p.grad for p in params], [state["exp_avg"] for state in states],
                       [state["exp_avg_sq"] for state in states], [], steps, amsgrad=False,
                       lr=float(group["lr"]), beta1=float(beta1), beta2=float(beta2), weight_decay=0.0,
                       eps=group["eps"], maximize=False, grad_scale=None, found_inf=None)
