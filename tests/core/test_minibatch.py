"""The minibatch layers (Salimans et al. 2016; Karras et al. 2018) that both families' D use."""

import pytest
import torch

from explorer.core.minibatch import MinibatchDiscrimination, minibatch_stddev


def _direct_minibatch_features(layer: MinibatchDiscrimination, features: torch.Tensor) -> torch.Tensor:
    """Salimans et al. (2016), sec. 3.2, written out directly over the whole batch."""
    m = (features @ layer.T).view(len(features), layer.kernels, layer.kernel_dim)  # (N, B, C)
    distances = (m[:, None] - m[None]).abs().sum(-1)  # (N, N, B)
    c = torch.exp(-distances)
    o = c.sum(1) - torch.diagonal(c, dim1=0, dim2=1).T  # exclude j = i
    return torch.cat([features, o], dim=1)


@pytest.mark.parametrize("twice", [False, True])
def test_fast_minibatch_discrimination_equals_the_direct_formula(twice):
    torch.manual_seed(0)
    layer = MinibatchDiscrimination(6, kernels=5, kernel_dim=3, group_size=0)
    layer.twice_differentiable = twice
    features = torch.randn(20, 6, requires_grad=True)
    fast = layer(features)
    direct = _direct_minibatch_features(layer, features)
    assert torch.allclose(fast, direct, atol=1e-5)
    weights = torch.randn_like(direct)
    g_fast = torch.autograd.grad((fast * weights).sum(), [features, layer.T])
    g_direct = torch.autograd.grad((direct * weights).sum(), [features, layer.T])
    for a, b in zip(g_fast, g_direct):
        assert torch.allclose(a, b, atol=1e-4)


@pytest.mark.parametrize("group", [7, 64])
def test_compiled_similarities_in_groups_equal_the_direct_formula_values_and_gradients(group):
    """The compiled loops (l1_similarity.py) within groups, the last one shorter (20 = 7 + 7 + 6),
    and one group larger than the batch: values and first derivatives as the direct form's."""
    torch.manual_seed(3)
    layer = MinibatchDiscrimination(6, kernels=5, kernel_dim=8, group_size=group)
    features = torch.randn(20, 6, requires_grad=True)
    fast = layer(features)
    size = min(group, 20)
    direct = torch.cat([_direct_minibatch_features(layer, features[start:start + size])
                        for start in range(0, 20, size)])
    torch.testing.assert_close(fast, direct, rtol=1e-5, atol=1e-5)
    weights = torch.randn_like(direct)
    g_fast = torch.autograd.grad((fast * weights).sum(), [features, layer.T])
    g_direct = torch.autograd.grad((direct * weights).sum(), [features, layer.T])
    for a, b in zip(g_fast, g_direct):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4)


def test_minibatch_discrimination_compares_within_groups():
    torch.manual_seed(1)
    layer = MinibatchDiscrimination(4, kernels=3, kernel_dim=2, group_size=5)
    features = torch.randn(10, 4)
    out = layer(features)
    first = _direct_minibatch_features(layer, features[:5])
    second = _direct_minibatch_features(layer, features[5:])
    assert torch.allclose(out, torch.cat([first, second]), atol=1e-5)


def test_a_collapsed_batch_lights_up_minibatch_features():
    torch.manual_seed(2)
    layer = MinibatchDiscrimination(4, kernels=3, kernel_dim=2, group_size=0)
    collapsed = layer(torch.ones(8, 4))[:, 4:]
    assert torch.allclose(collapsed, torch.full_like(collapsed, 7.0))  # 7 identical neighbours, exp(0) each
    spread = layer(torch.randn(8, 4) * 10)[:, 4:]
    assert spread.max() < 0.6 * collapsed.min()  # far-apart samples: far smaller


def test_minibatch_stddev_appends_the_batch_spread():
    features = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    out = minibatch_stddev(features)
    assert out.shape == (2, 3) and torch.allclose(out[:, 2], torch.tensor([1.0, 1.0]))


