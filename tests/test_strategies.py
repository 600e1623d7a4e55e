"""Weighting strategies: a contract every strategy keeps, then each one's numbers by hand.

The hand-computed tests derive their expected values from the published formulas with plain
`math` (or, for gradients, with `torch.autograd.grad` on a reference written out in the test);
they never ask the strategy under test for the answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypeVar

import pytest
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from taskweights.models import (
    STRATEGIES,
    GradientWeighting,
    LossWeighting,
    WeightingStrategy,
    build_strategy,
)
from taskweights.models.strategies import (
    DynamicWeightAverage,
    EqualWeights,
    FixedWeights,
    GradNorm,
    LearnedConvexWeights,
    RandomLossWeighting,
    UncertaintyWeighting,
)
from taskweights.models.strategies.famo import FAMO
from taskweights.models.strategies.log import LogLossWeighting
from taskweights.models.strategies.magnitude import MagnitudeWeighting

NAMES = sorted(STRATEGIES)
LOSS_LEVEL = [name for name in NAMES if issubclass(STRATEGIES[name], LossWeighting)]

# regression, 3-class classification, 2-output regression
CLASSIFICATION: tuple[bool, ...] = (False, True, False)
FIXED_WEIGHTS = (1.0, 2.0, 0.5)


S = TypeVar("S", bound=WeightingStrategy)


def built(cls: type[S], classification: Sequence[bool], params: dict[str, Any] | None = None) -> S:
    """`build_strategy` by the class's registered name, typed as that class."""
    [name] = [name for name, registered in STRATEGIES.items() if registered is cls]
    strategy = build_strategy(name, classification, params)
    assert type(strategy) is cls
    return strategy


def make(name: str, classification: Sequence[bool] = CLASSIFICATION) -> WeightingStrategy:
    """Build by name; `fixed` gets one (distinct) weight per task."""
    params: dict[str, Any] = {}
    if name == "fixed":
        n = len(classification)
        params["weights"] = list(FIXED_WEIGHTS) if n == 3 else [1.0 + i for i in range(n)]
    return build_strategy(name, classification, params)


class TinyNet(nn.Module):
    """A shared layer (what GradNorm measures) and one head per task of CLASSIFICATION."""

    def __init__(self) -> None:
        super().__init__()
        self.shared = nn.Linear(4, 6)
        self.heads = nn.ModuleList([nn.Linear(6, 1), nn.Linear(6, 3), nn.Linear(6, 2)])

    def forward(self, x: Tensor) -> list[Tensor]:
        hidden = torch.tanh(self.shared(x))
        return [head(hidden) for head in self.heads]


class Batch:
    """Inputs and targets for TinyNet's three tasks, fixed by a seed."""

    def __init__(self, seed: int = 0, size: int = 16) -> None:
        generator = torch.Generator().manual_seed(seed)
        self.x = torch.randn(size, 4, generator=generator)
        self.y1 = 3.0 * torch.randn(size, 1, generator=generator)
        self.y2 = torch.randint(0, 3, (size,), generator=generator)
        self.y3 = 0.5 * torch.randn(size, 2, generator=generator)

    def losses(self, net: TinyNet) -> Tensor:
        out1, out2, out3 = net(self.x)
        return torch.stack(
            [F.mse_loss(out1, self.y1), F.cross_entropy(out2, self.y2), F.mse_loss(out3, self.y3)]
        )


def net_and_batch(seed: int = 0) -> tuple[TinyNet, Batch]:
    torch.manual_seed(seed)
    return TinyNet(), Batch(seed)


def combine(strategy: WeightingStrategy, losses: Tensor, net: TinyNet) -> Tensor:
    """What the training loop does: gradient-level strategies also see the shared layer."""
    if isinstance(strategy, GradientWeighting):
        return strategy.combine(losses, list(net.shared.parameters()))
    assert isinstance(strategy, LossWeighting)
    return strategy.combine(losses)


def floats(tensor: Tensor) -> list[float]:
    return [float(v) for v in tensor.detach().flatten().tolist()]


# --------------------------------------------------------------------------------------------
# The contract, for every registered strategy
# --------------------------------------------------------------------------------------------


def test_every_strategy_is_registered_under_its_own_name() -> None:
    assert set(NAMES) == {
        "alpha",
        "dwa",
        "equal",
        "famo",
        "fixed",
        "gradnorm",
        "log",
        "magnitude",
        "rlw",
        "uncertainty",
    }
    for name, cls in STRATEGIES.items():
        assert isinstance(make(name), cls)


@pytest.mark.parametrize("name", NAMES)
def test_combine_returns_a_finite_scalar(name: str) -> None:
    net, batch = net_and_batch()
    strategy = make(name)
    for _ in range(3):  # the first call may initialise state (GradNorm's initial losses)
        out = combine(strategy, batch.losses(net), net)
        assert out.dim() == 0
        assert out.dtype == torch.float32
        assert math.isfinite(out.item())


@pytest.mark.parametrize("name", NAMES)
def test_gradient_reaches_every_task_loss(name: str) -> None:
    net, batch = net_and_batch()
    strategy = make(name)
    # L_i = c_i * loss_i with leaf scales c_i = 1: c_i.grad = dOut/dL_i * loss_i
    scales = torch.ones(len(CLASSIFICATION), requires_grad=True)
    losses = scales * batch.losses(net)
    combine(strategy, losses, net).backward()
    assert scales.grad is not None
    assert torch.isfinite(scales.grad).all()
    assert (scales.grad.abs() > 0).all(), f"{name}: a task's loss got no gradient {scales.grad}"
    for i, head in enumerate(net.heads):
        assert isinstance(head, nn.Linear)
        assert head.weight.grad is not None, f"{name}: head {i} got no gradient"
        assert head.weight.grad.abs().sum() > 0, f"{name}: head {i} got a zero gradient"
    assert net.shared.weight.grad is not None
    assert net.shared.weight.grad.abs().sum() > 0


@pytest.mark.parametrize("name", LOSS_LEVEL)
def test_gradient_reaches_every_leaf_loss(name: str) -> None:
    strategy = make(name)
    assert isinstance(strategy, LossWeighting)
    losses = torch.tensor([0.7, 1.3, 2.1], requires_grad=True)
    out = strategy.combine(losses)
    out.backward()
    assert losses.grad is not None
    assert torch.isfinite(losses.grad).all()
    assert (losses.grad > 0).all(), f"{name}: dOut/dL = {losses.grad}"


def exercise(strategy: WeightingStrategy, net: TinyNet, batch: Batch) -> None:
    """A few epochs of optimizer steps and end_epoch calls, ending mid-epoch."""
    optimizer = torch.optim.SGD([*net.parameters(), *strategy.parameters()], lr=0.05)

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        combine(strategy, batch.losses(net), net).backward()
        optimizer.step()
        strategy.after_step()

    for epoch in range(3):
        for _ in range(4):
            step()
        decay = torch.tensor([0.9, 0.5, 0.99]) ** epoch
        strategy.end_epoch(torch.tensor([1.0, 2.0, 3.0]) * decay)
    for _ in range(2):
        step()


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_round_trips_into_a_fresh_instance(name: str) -> None:
    net, batch = net_and_batch()
    original = make(name)
    exercise(original, net, batch)

    loaded = make(name)
    untouched = loaded.effective_weights().clone()
    if name not in ("fixed", "equal"):  # constant weights: nothing to carry over
        assert not torch.allclose(untouched, original.effective_weights()), (
            f"{name}: exercising the strategy did not change its state, the test proves nothing"
        )
    loaded.load_state_dict(original.state_dict())

    assert torch.equal(loaded.effective_weights(), original.effective_weights())
    original_sigmas, loaded_sigmas = original.sigmas(), loaded.sigmas()
    assert (original_sigmas is None) == (loaded_sigmas is None)
    if original_sigmas is not None and loaded_sigmas is not None:
        assert torch.equal(loaded_sigmas, original_sigmas)

    # the loaded strategy behaves identically: same loss, same gradients on its parameters
    outputs, gradients = [], []
    for strategy in (original, loaded):
        for p in strategy.parameters():
            p.grad = None
        torch.manual_seed(7)  # rlw draws its weights from the global generator
        out = combine(strategy, batch.losses(net), net)
        out.backward()
        outputs.append(out.item())
        gradients.append({k: p.grad for k, p in strategy.named_parameters()})
    assert outputs[0] == pytest.approx(outputs[1], rel=1e-6)
    assert gradients[0].keys() == gradients[1].keys()
    for key, grad in gradients[0].items():
        other = gradients[1][key]
        assert grad is not None and other is not None
        assert torch.allclose(grad, other, rtol=1e-6, atol=1e-9), key


@pytest.mark.parametrize("classification", [CLASSIFICATION, (True,), (False, False, True, True)])
@pytest.mark.parametrize("name", NAMES)
def test_effective_weights_have_one_finite_entry_per_task(
    name: str, classification: tuple[bool, ...]
) -> None:
    strategy = make(name, classification)
    weights = strategy.effective_weights()
    assert weights.shape == (len(classification),)
    assert torch.isfinite(weights).all()
    sigmas = strategy.sigmas()
    if sigmas is not None:
        assert sigmas.shape == (len(classification),)
        assert torch.isfinite(sigmas).all() and (sigmas > 0).all()


@pytest.mark.parametrize("name", NAMES)
def test_effective_weights_stay_finite_after_training_steps(name: str) -> None:
    net, batch = net_and_batch()
    strategy = make(name)
    exercise(strategy, net, batch)
    weights = strategy.effective_weights()
    assert weights.shape == (len(CLASSIFICATION),)
    assert torch.isfinite(weights).all()
    assert (weights >= 0).all()


def test_a_strategy_needs_at_least_one_task() -> None:
    with pytest.raises(ValueError, match="at least one task"):
        build_strategy("equal", [])


# --------------------------------------------------------------------------------------------
# Names and hyperparameters
# --------------------------------------------------------------------------------------------


def test_unknown_strategy_name_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="Unknown weighting 'kendall'") as caught:
        build_strategy("kendall", [False, True])
    message = str(caught.value)
    for name in NAMES:
        assert repr(name) in message


@pytest.mark.parametrize(
    ("name", "params", "bad"),
    [
        ("uncertainty", {"sigma_lrr": 1.0}, "sigma_lrr"),
        ("equal", {"weights": [1.0, 1.0]}, "weights"),
        ("dwa", {"temperature": 2.0, "tau": 1.0}, "tau"),
        ("gradnorm", {"alpha": 1.5, "beta": 0.5}, "beta"),
    ],
)
def test_unknown_hyperparameter_is_named(name: str, params: dict[str, Any], bad: str) -> None:
    with pytest.raises(ValueError, match=f"has no parameter {bad!r}"):
        build_strategy(name, [False, True], params)


@pytest.mark.parametrize(
    ("name", "parameter"),
    [
        ("uncertainty", "sigma_lr"),
        ("alpha", "weight_lr"),
        ("gradnorm", "alpha"),
        ("gradnorm", "weight_lr"),
        ("dwa", "temperature"),
    ],
)
@pytest.mark.parametrize("value", [0.0, -1.0, math.nan])
def test_hyperparameters_that_must_be_positive(name: str, parameter: str, value: float) -> None:
    with pytest.raises(ValueError, match=f"{parameter} must be positive"):
        build_strategy(name, [False, True], {parameter: value})


# --------------------------------------------------------------------------------------------
# Uncertainty weighting (Kendall, Gal & Cipolla)
# --------------------------------------------------------------------------------------------

UW_CLASSIFICATION = [False, True, False, True]
UW_S = [0.3, -0.7, 1.2, 0.0]  # s = log sigma^2
UW_L = [2.0, 0.5, 3.0, 1.5]


def uncertainty_with(s: Sequence[float], classification: Sequence[bool]) -> UncertaintyWeighting:
    strategy = built(UncertaintyWeighting, classification)
    with torch.no_grad():
        strategy.log_variance.copy_(torch.tensor(list(s)))
    return strategy


def test_uncertainty_combined_loss_by_hand() -> None:
    strategy = uncertainty_with(UW_S, UW_CLASSIFICATION)
    out = strategy.combine(torch.tensor(UW_L))
    expected = 0.0
    for s, loss, is_classification in zip(UW_S, UW_L, UW_CLASSIFICATION, strict=True):
        if is_classification:
            expected += math.exp(-s) * loss + 0.5 * s
        else:
            expected += 0.5 * math.exp(-s) * loss + 0.5 * s
    assert out.item() == pytest.approx(expected, rel=1e-6)


def test_uncertainty_gradients_by_hand() -> None:
    strategy = uncertainty_with(UW_S, UW_CLASSIFICATION)
    losses = torch.tensor(UW_L, requires_grad=True)
    strategy.combine(losses).backward()
    expected_ds, expected_dl = [], []
    for s, loss, is_classification in zip(UW_S, UW_L, UW_CLASSIFICATION, strict=True):
        if is_classification:
            expected_ds.append(-math.exp(-s) * loss + 0.5)
            expected_dl.append(math.exp(-s))
        else:
            expected_ds.append(-0.5 * math.exp(-s) * loss + 0.5)
            expected_dl.append(0.5 * math.exp(-s))
    grad_s = strategy.log_variance.grad
    assert grad_s is not None and losses.grad is not None
    assert floats(grad_s) == pytest.approx(expected_ds, rel=1e-5, abs=1e-7)
    assert floats(losses.grad) == pytest.approx(expected_dl, rel=1e-6)


def test_uncertainty_sigmas_and_effective_weights_by_hand() -> None:
    strategy = uncertainty_with(UW_S, UW_CLASSIFICATION)
    sigmas = strategy.sigmas()
    assert sigmas is not None
    assert floats(sigmas) == pytest.approx([math.exp(s / 2) for s in UW_S], rel=1e-6)
    factors = [1.0 if c else 0.5 for c in UW_CLASSIFICATION]
    expected = [f * math.exp(-s) for f, s in zip(factors, UW_S, strict=True)]
    assert floats(strategy.effective_weights()) == pytest.approx(expected, rel=1e-6)


def test_uncertainty_initial_log_variance() -> None:
    strategy = built(UncertaintyWeighting, [False, True], {"initial_log_variance": 1.5})
    sigmas = strategy.sigmas()
    assert sigmas is not None
    assert floats(sigmas) == pytest.approx([math.exp(0.75)] * 2, rel=1e-6)


def test_uncertainty_regression_optimum_is_sigma_squared_equal_to_the_loss() -> None:
    losses = [2.0, 7.5, 0.25]
    strategy = uncertainty_with([math.log(v) for v in losses], [False, False, False])
    strategy.combine(torch.tensor(losses)).backward()
    grad_s = strategy.log_variance.grad
    assert grad_s is not None
    assert floats(grad_s) == pytest.approx([0.0, 0.0, 0.0], abs=1e-6)
    sigmas = strategy.sigmas()
    assert sigmas is not None
    assert floats(sigmas**2) == pytest.approx(losses, rel=1e-5)
    # and away from the optimum the gradient is not zero (the check above can fail)
    strategy.log_variance.grad = None
    strategy.combine(torch.tensor(losses) * 2).backward()
    assert strategy.log_variance.grad is not None
    assert floats(strategy.log_variance.grad) == pytest.approx([-0.5, -0.5, -0.5], rel=1e-5)


def test_uncertainty_classification_optimum_is_sigma_squared_twice_the_loss() -> None:
    losses = [0.4, 1.9]
    strategy = uncertainty_with([math.log(2 * v) for v in losses], [True, True])
    strategy.combine(torch.tensor(losses)).backward()
    assert strategy.log_variance.grad is not None
    assert floats(strategy.log_variance.grad) == pytest.approx([0.0, 0.0], abs=1e-6)


# --------------------------------------------------------------------------------------------
# Dynamic Weight Average
# --------------------------------------------------------------------------------------------


def dwa_by_hand(previous: Sequence[float], last: Sequence[float], t: float) -> list[float]:
    """K * softmax(r / T) with r = L(t-1) / L(t-2), written out."""
    exps = [math.exp((b / a) / t) for a, b in zip(previous, last, strict=True)]
    return [len(exps) * e / sum(exps) for e in exps]


@pytest.mark.parametrize("temperature", [2.0, 0.5])
def test_dwa_weights_by_hand(temperature: float) -> None:
    strategy = built(DynamicWeightAverage, [False, True, False], {"temperature": temperature})
    losses = torch.tensor([1.0, 2.0, 3.0])

    # epoch 1: nothing seen yet
    assert floats(strategy.effective_weights()) == [1.0, 1.0, 1.0]
    assert strategy.combine(losses).item() == pytest.approx(6.0)
    epoch1, epoch2, epoch3 = [4.0, 2.0, 1.0], [2.0, 1.8, 0.9], [1.0, 1.7, 0.3]
    strategy.end_epoch(torch.tensor(epoch1))
    # epoch 2: still one loss per task only
    assert floats(strategy.effective_weights()) == [1.0, 1.0, 1.0]
    assert strategy.combine(losses).item() == pytest.approx(6.0)

    strategy.end_epoch(torch.tensor(epoch2))
    # epoch 3: r = L(2) / L(1) = (0.5, 0.9, 0.9)
    expected = dwa_by_hand(epoch1, epoch2, temperature)
    assert floats(strategy.effective_weights()) == pytest.approx(expected, rel=1e-6)
    assert sum(expected) == pytest.approx(3.0)
    assert expected[0] < expected[1]  # the task whose loss fell fastest gets less weight
    weighted = sum(w * v for w, v in zip(expected, [1.0, 2.0, 3.0], strict=True))
    assert strategy.combine(losses).item() == pytest.approx(weighted, rel=1e-6)

    strategy.end_epoch(torch.tensor(epoch3))
    # epoch 4: only the last two epochs count, r = L(3) / L(2)
    expected = dwa_by_hand(epoch2, epoch3, temperature)
    assert floats(strategy.effective_weights()) == pytest.approx(expected, rel=1e-6)


def test_dwa_temperature_values_by_hand() -> None:
    # the worked numbers, for T = 2: r = (0.5, 0.9, 0.9)
    # -> exp(r / 2) = (1.2840, 1.5683, 1.5683), sum 4.4206, times 3 / 4.4206
    strategy = built(DynamicWeightAverage, [False, False, False], {"temperature": 2.0})
    strategy.end_epoch(torch.tensor([4.0, 2.0, 1.0]))
    strategy.end_epoch(torch.tensor([2.0, 1.8, 0.9]))
    a, b = math.exp(0.25), math.exp(0.45)
    expected = [3 * a / (a + 2 * b), 3 * b / (a + 2 * b), 3 * b / (a + 2 * b)]
    assert expected == pytest.approx([0.8714, 1.0643, 1.0643], abs=1e-4)
    assert floats(strategy.effective_weights()) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("temperature", [0.0, -2.0])
def test_dwa_rejects_a_non_positive_temperature(temperature: float) -> None:
    with pytest.raises(ValueError, match="temperature must be positive"):
        build_strategy("dwa", [False, True], {"temperature": temperature})


# --------------------------------------------------------------------------------------------
# Learned convex weights (alpha) and their stop-gradients
# --------------------------------------------------------------------------------------------

ALPHA_LOGITS = [0.2, -0.4, 0.9]


def model_losses(p: Tensor) -> Tensor:
    """Three positive losses that depend on the 'model' parameters p in different ways."""
    return torch.stack(
        [
            (p[0] - 1.0) ** 2 + 0.5,
            (p[1] * p[2] + 2.0) ** 2 + 0.1,
            torch.exp(p[2]) * (p[0] ** 2 + 1.0),
        ]
    )


def alpha_setup() -> tuple[LearnedConvexWeights, Tensor]:
    strategy = built(LearnedConvexWeights, [False, True, False])
    with torch.no_grad():
        strategy.logits.copy_(torch.tensor(ALPHA_LOGITS))
    p = torch.tensor([0.3, -1.2, 0.7], requires_grad=True)
    return strategy, p


def by_hand_alpha(logits: Tensor) -> Tensor:
    exps = torch.exp(logits)
    return exps / exps.sum()


def spread(values: Tensor) -> Tensor:
    """Population variance, written out."""
    return ((values - values.mean()) ** 2).mean()


def test_alpha_model_gradient_is_that_of_the_detached_weighted_sum() -> None:
    strategy, p = alpha_setup()
    out = strategy.combine(model_losses(p))
    (grad_p,) = torch.autograd.grad(out, [p])

    alpha = by_hand_alpha(torch.tensor(ALPHA_LOGITS))  # a constant: no graph to the logits
    (expected,) = torch.autograd.grad((alpha * model_losses(p)).sum(), [p])
    assert torch.allclose(grad_p, expected, rtol=1e-5, atol=1e-7)
    assert expected.abs().sum() > 0

    # without the stop-gradient on L the balance term would pull on the model too
    logits = torch.tensor(ALPHA_LOGITS)
    losses = model_losses(p)
    naive = (alpha * losses).sum() + spread(torch.log(by_hand_alpha(logits)) + torch.log(losses))
    (naive_grad,) = torch.autograd.grad(naive, [p])
    assert not torch.allclose(naive_grad, expected, rtol=1e-3)


def test_alpha_logit_gradient_is_that_of_the_balance_term_with_losses_detached() -> None:
    strategy, p = alpha_setup()
    out = strategy.combine(model_losses(p))
    (grad_logits,) = torch.autograd.grad(out, [strategy.logits])

    logits = torch.tensor(ALPHA_LOGITS, requires_grad=True)
    losses = model_losses(p).detach()
    balance = spread(torch.log(by_hand_alpha(logits)) + torch.log(losses))
    (expected,) = torch.autograd.grad(balance, [logits])
    assert torch.allclose(grad_logits, expected, rtol=1e-5, atol=1e-7)
    assert expected.abs().sum() > 0

    # without the stop-gradient on alpha the model term would pull on the logits too
    naive_logits = torch.tensor(ALPHA_LOGITS, requires_grad=True)
    naive_alpha = by_hand_alpha(naive_logits)
    naive = (naive_alpha * losses).sum() + spread(torch.log(naive_alpha) + torch.log(losses))
    (naive_grad,) = torch.autograd.grad(naive, [naive_logits])
    assert not torch.allclose(naive_grad, expected, rtol=1e-3)


def test_alpha_combined_value_and_balance_optimum() -> None:
    strategy, p = alpha_setup()
    losses = model_losses(p).detach()
    alpha = by_hand_alpha(torch.tensor(ALPHA_LOGITS))
    expected = (alpha * losses).sum() + spread(torch.log(alpha) + torch.log(losses))
    assert strategy.combine(losses).item() == pytest.approx(expected.item(), rel=1e-6)
    assert floats(strategy.effective_weights()) == pytest.approx(floats(alpha), rel=1e-6)
    assert sum(floats(strategy.effective_weights())) == pytest.approx(1.0)

    # alpha_i proportional to 1 / L_i zeroes the balance term and its gradient
    with torch.no_grad():
        strategy.logits.copy_(-torch.log(losses))
    out = strategy.combine(losses)
    (grad_logits,) = torch.autograd.grad(out, [strategy.logits])
    assert floats(grad_logits) == pytest.approx([0.0, 0.0, 0.0], abs=1e-6)


# --------------------------------------------------------------------------------------------
# GradNorm
# --------------------------------------------------------------------------------------------


def shared_gradient_norms(batch: Batch, net: TinyNet) -> list[float]:
    """g_i = ||grad_W L_i|| over the shared layer's weight and bias, computed independently."""
    losses = batch.losses(net)
    shared = list(net.shared.parameters())
    norms = []
    for loss in losses:
        grads = torch.autograd.grad(loss, shared, retain_graph=True)
        norms.append(math.sqrt(sum(float((g.double() ** 2).sum()) for g in grads)))
    return norms


def sign(value: float) -> float:
    return (value > 0) - (value < 0)


def gradnorm_grad_by_hand(
    weights: Sequence[float], norms: Sequence[float], inverse_rates: Sequence[float], alpha: float
) -> list[float]:
    """d/dw_i sum_j |w_j g_j - mean(w g) r_j^alpha| with the target held constant."""
    g_weighted = [w * g for w, g in zip(weights, norms, strict=True)]
    mean = sum(g_weighted) / len(g_weighted)
    targets = [mean * r**alpha for r in inverse_rates]
    return [sign(gw - t) * g for gw, t, g in zip(g_weighted, targets, norms, strict=True)]


def test_gradnorm_first_step_by_hand() -> None:
    net, batch = net_and_batch(seed=3)
    strategy = built(GradNorm, CLASSIFICATION, {"alpha": 1.5})
    optimizer = torch.optim.SGD([*net.parameters(), *strategy.parameters()], lr=0.1)

    norms = shared_gradient_norms(batch, net)
    assert len({round(g, 6) for g in norms}) == 3  # distinct, so the signs are meaningful
    # first step: r_i = 1, so each target is mean_j(g_j) (w = 1)
    expected_grad = gradnorm_grad_by_hand([1.0, 1.0, 1.0], norms, [1.0, 1.0, 1.0], 1.5)

    optimizer.zero_grad(set_to_none=True)
    losses = batch.losses(net)
    out = strategy.combine(losses, list(net.shared.parameters()))
    assert out.item() == pytest.approx(losses.sum().item(), rel=1e-6)  # w = 1 for the model
    out.backward()  # must not touch the weights' gradient: the model loss uses sg(w)
    grad = strategy.weights.grad
    assert grad is not None
    assert floats(grad) == pytest.approx(expected_grad, rel=1e-4)

    optimizer.step()
    strategy.after_step()
    stepped = [1.0 - 0.1 * g for g in expected_grad]
    expected_weights = [3 * w / sum(stepped) for w in stepped]
    weights = floats(strategy.effective_weights())
    assert sum(weights) == pytest.approx(3.0, rel=1e-6)
    assert weights == pytest.approx(expected_weights, rel=1e-4)
    assert weights != pytest.approx([1.0, 1.0, 1.0], abs=1e-3)


def test_gradnorm_second_step_uses_the_inverse_training_rate() -> None:
    net, batch = net_and_batch(seed=3)
    alpha = 1.5
    strategy = built(GradNorm, CLASSIFICATION, {"alpha": alpha})
    optimizer = torch.optim.SGD([*net.parameters(), *strategy.parameters()], lr=0.1)

    optimizer.zero_grad(set_to_none=True)
    initial = batch.losses(net)
    initial_losses = floats(initial)  # L_i(0): the first step's losses
    strategy.combine(initial, list(net.shared.parameters())).backward()
    optimizer.step()
    strategy.after_step()

    # the next minibatch: task 1's targets are 3x larger, so its loss ratio jumps
    second = Batch(seed=3)
    second.y1 = 3.0 * second.y1
    weights = floats(strategy.effective_weights())
    norms = shared_gradient_norms(second, net)
    now = floats(second.losses(net))
    ratios = [a / b for a, b in zip(now, initial_losses, strict=True)]
    inverse_rates = [r / (sum(ratios) / len(ratios)) for r in ratios]
    expected_grad = gradnorm_grad_by_hand(weights, norms, inverse_rates, alpha)
    # guard: with r_i = 1 (the initial losses forgotten) every sign would differ
    ignoring_rates = gradnorm_grad_by_hand(weights, norms, [1.0, 1.0, 1.0], alpha)
    assert all(a * b < 0 for a, b in zip(expected_grad, ignoring_rates, strict=True))

    optimizer.zero_grad(set_to_none=True)
    losses = second.losses(net)
    out = strategy.combine(losses, list(net.shared.parameters()))
    expected_out = sum(w * v for w, v in zip(weights, now, strict=True))
    assert out.item() == pytest.approx(expected_out, rel=1e-5)
    out.backward()
    grad = strategy.weights.grad
    assert grad is not None
    assert floats(grad) == pytest.approx(expected_grad, rel=1e-4)

    optimizer.step()
    strategy.after_step()
    assert sum(floats(strategy.effective_weights())) == pytest.approx(3.0, rel=1e-6)


def test_gradnorm_model_gradient_uses_the_weights_as_constants() -> None:
    net, batch = net_and_batch(seed=3)
    reference = TinyNet()
    reference.load_state_dict(net.state_dict())
    strategy = built(GradNorm, CLASSIFICATION)
    with torch.no_grad():
        strategy.weights.copy_(torch.tensor([0.5, 2.0, 0.5]))
    strategy.combine(batch.losses(net), list(net.shared.parameters())).backward()
    (torch.tensor([0.5, 2.0, 0.5]) * batch.losses(reference)).sum().backward()
    for (name, p), q in zip(net.named_parameters(), reference.parameters(), strict=True):
        assert p.grad is not None and q.grad is not None
        assert torch.allclose(p.grad, q.grad, rtol=1e-5, atol=1e-7), name


def test_gradnorm_renormalises_and_clamps_after_each_step() -> None:
    strategy = built(GradNorm, [False, False, False, False])
    with torch.no_grad():
        strategy.weights.copy_(torch.tensor([3.0, -1.0, 1.0, 0.0]))
    strategy.after_step()
    weights = floats(strategy.effective_weights())
    # clamp to 1e-6, then scale to sum to 4
    raw = [3.0, 1e-6, 1.0, 1e-6]
    assert weights == pytest.approx([4 * w / sum(raw) for w in raw], rel=1e-5)
    assert sum(weights) == pytest.approx(4.0, rel=1e-6)
    assert min(weights) > 0


# --------------------------------------------------------------------------------------------
# Fixed and equal weights
# --------------------------------------------------------------------------------------------


def test_fixed_combine_is_the_weighted_sum() -> None:
    strategy = built(FixedWeights, CLASSIFICATION, {"weights": [0.25, 3.0, 1.5]})
    losses = torch.tensor([2.0, 0.5, 4.0], requires_grad=True)
    out = strategy.combine(losses)
    assert out.item() == pytest.approx(0.25 * 2.0 + 3.0 * 0.5 + 1.5 * 4.0)
    out.backward()
    assert losses.grad is not None
    assert floats(losses.grad) == pytest.approx([0.25, 3.0, 1.5])
    assert floats(strategy.effective_weights()) == pytest.approx([0.25, 3.0, 1.5])


def test_fixed_allows_some_zero_weights() -> None:
    strategy = built(FixedWeights, [False, True], {"weights": [0.0, 2.0]})
    assert strategy.combine(torch.tensor([5.0, 1.5])).item() == pytest.approx(3.0)


def test_equal_combine_is_the_plain_sum() -> None:
    strategy = built(EqualWeights, CLASSIFICATION)
    assert strategy.combine(torch.tensor([2.0, 0.5, 4.0])).item() == pytest.approx(6.5)
    assert floats(strategy.effective_weights()) == [1.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1.0, 2.0], "one entry per task"),
        ([1.0, 2.0, 3.0, 4.0], "one entry per task"),
        ([1.0, -0.5, 1.0], "non-negative"),
        ([0.0, 0.0, 0.0], "not all zero"),
        ([1.0, math.nan, 1.0], "non-negative"),
    ],
)
def test_fixed_rejects_bad_weights(weights: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_strategy("fixed", CLASSIFICATION, {"weights": weights})


# --------------------------------------------------------------------------------------------
# Random loss weighting
# --------------------------------------------------------------------------------------------


def test_rlw_draws_softmax_normal_weights_and_reports_their_mean() -> None:
    strategy = built(RandomLossWeighting, CLASSIFICATION)
    values = [1.0, 2.0, 3.0]
    torch.manual_seed(1234)
    drawn = []
    for _ in range(5):
        losses = torch.tensor(values, requires_grad=True)
        out = strategy.combine(losses)
        out.backward()
        assert losses.grad is not None
        weights = floats(losses.grad)  # dOut/dL_i = w_i
        assert sum(weights) == pytest.approx(1.0, rel=1e-6)
        assert all(w > 0 for w in weights)
        assert out.item() == pytest.approx(
            sum(w * v for w, v in zip(weights, values, strict=True)), rel=1e-6
        )
        drawn.append(weights)
    assert drawn[0] != pytest.approx(drawn[1], abs=1e-3)  # a fresh draw every step

    # the draws are softmax(z), z ~ N(0, I), from the global generator
    torch.manual_seed(1234)
    for weights in drawn:
        z = floats(torch.randn(3))
        exps = [math.exp(v) for v in z]
        assert weights == pytest.approx([e / sum(exps) for e in exps], rel=1e-5)

    mean = [sum(column) / len(drawn) for column in zip(*drawn, strict=True)]
    assert floats(strategy.effective_weights()) == pytest.approx(mean, rel=1e-5)

    strategy.end_epoch(torch.tensor(values))  # a new epoch starts a new mean
    assert floats(strategy.effective_weights()) == pytest.approx([1 / 3] * 3)
    torch.manual_seed(99)
    strategy.combine(torch.tensor(values))
    torch.manual_seed(99)
    z = floats(torch.randn(3))
    exps = [math.exp(v) for v in z]
    assert floats(strategy.effective_weights()) == pytest.approx(
        [e / sum(exps) for e in exps], rel=1e-5
    )


def test_rlw_is_reproducible_under_a_seed() -> None:
    runs = []
    for _ in range(2):
        strategy = built(RandomLossWeighting, [False, True])
        torch.manual_seed(5)
        for _ in range(3):
            strategy.combine(torch.tensor([1.0, 1.0]))
        runs.append(floats(strategy.effective_weights()))
    assert runs[0] == runs[1]


# --------------------------------------------------------------------------------------------
# Free baselines: log-loss, loss magnitude, FAMO
# --------------------------------------------------------------------------------------------


def test_log_loss_is_the_sum_of_logs_and_weights_each_task_by_its_inverse_loss() -> None:
    strategy = built(LogLossWeighting, CLASSIFICATION)
    losses = torch.tensor([2.0, 0.5, 4.0], requires_grad=True)
    out = strategy.combine(losses)
    assert out.item() == pytest.approx(math.log(2.0) + math.log(0.5) + math.log(4.0))
    out.backward()
    assert losses.grad is not None
    assert floats(losses.grad) == pytest.approx([0.5, 2.0, 0.25])
    assert floats(strategy.effective_weights()) == pytest.approx([0.5, 2.0, 0.25])


def test_magnitude_weights_are_the_first_epochs_inverse_losses_then_fixed() -> None:
    strategy = built(MagnitudeWeighting, CLASSIFICATION)
    losses = torch.tensor([2.0, 0.5, 4.0])
    assert strategy.combine(losses).item() == pytest.approx(6.5)  # equal during epoch 1
    strategy.end_epoch(torch.tensor([2.0, 0.5, 1.0]))
    inverse = [1 / 2.0, 1 / 0.5, 1 / 1.0]  # 3.5 in all; scaled to sum to 3 tasks
    expected = [3 * v / 3.5 for v in inverse]
    assert floats(strategy.effective_weights()) == pytest.approx(expected)
    assert strategy.combine(losses).item() == pytest.approx(
        sum(w * loss for w, loss in zip(expected, [2.0, 0.5, 4.0], strict=True))
    )
    strategy.end_epoch(torch.tensor([9.0, 9.0, 9.0]))  # later epochs change nothing
    assert floats(strategy.effective_weights()) == pytest.approx(expected)


def test_famo_model_step_and_logit_gradient_by_hand() -> None:
    """Logits xi = (0.3, -0.2, 0.1): the model's gradient on L_i is z_i / (c (L_i + eps)), the
    logits' is J_softmax^T (log L_prev - log L_now) + gamma xi."""
    strategy = built(FAMO, CLASSIFICATION, {"gamma": 0.01})
    xi = [0.3, -0.2, 0.1]
    with torch.no_grad():
        strategy.logits.copy_(torch.tensor(xi))
    total = sum(math.exp(v) for v in xi)
    z = [math.exp(v) / total for v in xi]
    first = [2.0, 0.5, 4.0]
    strategy.combine(torch.tensor(first))  # no previous step: nothing to learn from yet
    now = [1.5, 0.45, 3.0]
    losses = torch.tensor(now, requires_grad=True)
    strategy.logits.grad = None
    out = strategy.combine(losses)
    out.backward()
    c = sum(zi / li for zi, li in zip(z, now, strict=True))
    expected_model = [zi / (c * li) for zi, li in zip(z, now, strict=True)]
    assert losses.grad is not None
    assert floats(losses.grad) == pytest.approx(expected_model, rel=1e-5)
    assert floats(strategy.effective_weights()) == pytest.approx(expected_model, rel=1e-5)
    delta = [math.log(a) - math.log(b) for a, b in zip(first, now, strict=True)]
    mean = sum(zi * di for zi, di in zip(z, delta, strict=True))
    expected_logits = [zi * (di - mean) + 0.01 * x for zi, di, x in zip(z, delta, xi, strict=True)]
    assert strategy.logits.grad is not None
    assert floats(strategy.logits.grad) == pytest.approx(expected_logits, rel=1e-5, abs=1e-8)
    model_value = sum(zi / c * math.log(li) for zi, li in zip(z, now, strict=True))
    logit_value = 0.005 * sum(x * x for x in xi) + sum(
        zi * di for zi, di in zip(z, delta, strict=True)
    )
    assert out.item() == pytest.approx(model_value + logit_value, rel=1e-5)


def test_famo_shifts_weight_to_the_task_that_improves_slowest() -> None:
    strategy = built(FAMO, [False, False], {"gamma": 0.001, "w_lr": 1.0})
    optimizer = torch.optim.SGD(strategy.parameters(), lr=1.0)
    loss = torch.tensor([1.0, 1.0])
    for _ in range(20):  # task 0 halves every step, task 1 stays put
        optimizer.zero_grad()
        strategy.combine(loss).backward()
        optimizer.step()
        loss = loss * torch.tensor([0.5, 1.0])
    weights = torch.softmax(strategy.logits.detach(), dim=0)
    assert weights[1] > 0.9
