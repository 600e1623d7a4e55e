"""Networks: a shared trunk and one head per task.

The trunk is where tasks compete for capacity; gradient-level strategies (GradNorm) need its
last layer, which `MultiTaskModel.shared_parameters()` exposes. Built-in problems get a trunk
from a `TrunkConfig` and linear heads (`MultiTaskNet`); a problem may instead bring its own
trunk and heads (a CNN encoder, a decoder head) as a `MultiTaskModel`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from math import prod
from typing import Literal

from torch import Tensor, nn

from taskweights.models.errors import ConfigurationError
from taskweights.models.tasks import Task

TrunkType = Literal["mlp", "cnn"]


@dataclass(frozen=True)
class TrunkConfig:
    """Shape of the shared trunk.

    mlp: fully connected layers of widths `hidden` (ReLU after each), on the flattened input.
    cnn: 3x3 convolutions with `channels` filters (ReLU, 2x2 max-pool after each), then `hidden`.
    """

    type: TrunkType = "mlp"
    hidden: tuple[int, ...] = (64,)
    channels: tuple[int, ...] = field(default=(16, 32))
    dropout: float = 0.0

    def __post_init__(self) -> None:
        if self.type not in ("mlp", "cnn"):
            raise ConfigurationError(f"trunk type must be 'mlp' or 'cnn' but got {self.type!r}.")
        if not self.hidden or any(width < 1 for width in self.hidden):
            raise ConfigurationError(
                f"hidden must list positive layer widths but got {list(self.hidden)}."
            )
        if any(width < 1 for width in self.channels):
            raise ConfigurationError(f"channels must be positive but got {list(self.channels)}.")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigurationError(f"dropout must be in [0, 1) but got {self.dropout}.")


def _dense_stack(width_in: int, widths: Sequence[int], dropout: float) -> list[nn.Module]:
    layers: list[nn.Module] = []
    for width in widths:
        layers += [nn.Linear(width_in, width), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        width_in = width
    return layers


def build_trunk(config: TrunkConfig, input_shape: tuple[int, ...]) -> nn.Sequential:
    """The trunk for inputs of `input_shape` (one sample, no batch dimension)."""
    flat = _dense_input(config, input_shape)  # checks a cnn's image shape first
    convolutions: list[nn.Module] = []
    channels_in = input_shape[0]
    for channels in _convolutions(config):
        convolutions += [
            nn.Conv2d(channels_in, channels, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        ]
        channels_in = channels
    return nn.Sequential(
        *convolutions, nn.Flatten(), *_dense_stack(flat, config.hidden, config.dropout)
    )


def _convolutions(config: TrunkConfig) -> tuple[int, ...]:
    """The filters of each convolution: a cnn's channels; an mlp has none."""
    return config.channels if config.type == "cnn" else ()


def _dense_input(config: TrunkConfig, input_shape: tuple[int, ...]) -> int:
    """The features the trunk's first dense layer reads; a cnn's shapes checked on the way."""
    if config.type == "mlp":
        return prod(input_shape)
    if len(input_shape) != 3:
        raise ConfigurationError(
            f"a cnn trunk needs image inputs (channels, height, width) but got {input_shape}."
        )
    channels_in, height, width = input_shape
    for channels in config.channels:
        if min(height, width) < 2:
            raise ConfigurationError(
                f"{len(config.channels)} pooling stages shrink a {input_shape[1:]} image to "
                "nothing; use fewer channels entries."
            )
        channels_in, height, width = channels, height // 2, width // 2
    return channels_in * height * width


def count_parameters(
    config: TrunkConfig, input_shape: tuple[int, ...], outputs: Sequence[int]
) -> int:
    """The parameters of `MultiTaskNet(tasks, config, input_shape)` with heads of `outputs`,
    counted without building it (a spec's trunk may be far too big to build)."""
    widths = [_dense_input(config, input_shape), *config.hidden]
    filters = [input_shape[0], *_convolutions(config)]
    convolutions = sum((f_in * 9 + 1) * f_out for f_in, f_out in pairwise(filters))  # 3x3, bias
    dense = sum((w_in + 1) * w_out for w_in, w_out in pairwise(widths))
    heads = sum((config.hidden[-1] + 1) * n for n in outputs)
    return convolutions + dense + heads


class MultiTaskModel(nn.Module):
    """Any shared trunk and one head per task; `forward` returns outputs in task order.

    Each head takes the trunk's output and returns what its task's loss expects (logits, or
    values of the target's shape).
    """

    def __init__(self, trunk: nn.Module, heads: Sequence[nn.Module]) -> None:
        super().__init__()
        self.trunk = trunk
        self.heads = nn.ModuleList(heads)

    def forward(self, x: Tensor) -> list[Tensor]:
        shared = self.trunk(x)
        return [head(shared) for head in self.heads]

    def shared_parameters(self) -> list[nn.Parameter]:
        """The last shared layer's parameters: where GradNorm measures per-task gradients."""
        layers = [m for m in self.trunk.modules() if list(m.parameters(recurse=False))]
        if not layers:
            raise ConfigurationError("the trunk has no parameters: tasks share nothing.")
        return list(layers[-1].parameters(recurse=False))


class MultiTaskNet(MultiTaskModel):
    """A trunk from a `TrunkConfig` and one linear head per task."""

    def __init__(
        self, tasks: Sequence[Task], trunk: TrunkConfig, input_shape: tuple[int, ...]
    ) -> None:
        features = trunk.hidden[-1]
        super().__init__(
            build_trunk(trunk, input_shape),
            [nn.Linear(features, task.outputs) for task in tasks],
        )
