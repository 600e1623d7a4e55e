"""QM9, offline: properties of 130,831 small molecules from the CSV files qm9pack ships.

Regression targets in their own units (Hartree, bohr^2, bohr^3, debye, ...), deliberately not
standardised: their losses differ by orders of magnitude, which is where loss weights matter.
Inputs are what a molecule's formula and SMILES string say without a chemistry toolkit: counts
of each element, of heavy atoms, of double and triple bonds and of rings (QM9's SMILES are
Kekulé: no aromatic atoms to count).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from taskweights.models.errors import ConfigurationError
from taskweights.models.networks import TrunkConfig
from taskweights.models.problems import Problem, sized_by, split_dataset, whole
from taskweights.models.tasks import Task

# the name a spec uses -> the CSV column (units in the column's suffix)
TARGETS = {
    "mu": "Dipole_debye",
    "alpha": "Polarizability_bohr3",
    "homo": "HOMO_au",
    "lumo": "LUMO_au",
    "gap": "HOMO_LUMO_gap_au",
    "r2": "R2_bohr2",
    "zpve": "ZPVE_au",
    "u0": "InternalEnergy_0K_au",
    "u298": "InternalEnergy_298K_au",
    "h298": "Enthalphy_298K_au",
    "g298": "GibbsFreeEnergy_298K_au",
    "cv": "Heatcapacity_Cv_cal_mol_K",
}
# typical sizes 0.05 (gap), 8 (alpha), 40 (u0, around -410) and 280 (r2, around 1190)
DEFAULT_TARGETS = ("gap", "alpha", "u0", "r2")
ELEMENTS = ("H", "C", "N", "O", "F")  # the order of the Stoichiometry column's counts
FEATURES = (*ELEMENTS, "heavy", "double", "triple", "rings")
PARTS = ("qm9_part1.csv", "qm9_part2.csv", "qm9_part3.csv")
MOLECULES = 130_831


def _data_folder() -> Path:
    """qm9pack's bundled CSV folder, found without importing qm9pack (its import loads
    setuptools' deprecated pkg_resources)."""
    spec = importlib.util.find_spec("qm9pack")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError(
            'the qm9 problem needs the qm9pack package: pip install "taskweights[qm9]".'
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def smiles_counts(smiles: str) -> list[int]:
    """Double bonds, triple bonds and rings (each ring-closure digit appears twice)."""
    closures = sum(c.isdigit() for c in smiles)
    return [smiles.count("="), smiles.count("#"), closures // 2]


@cache
def _load(folder: Path) -> tuple[Tensor, Tensor]:
    """Features (molecules, FEATURES) and every target (molecules, TARGETS); read once per
    process (about two seconds: only the columns needed)."""
    import pandas as pd  # qm9pack depends on it

    columns = ["SMILES", "Stoichiometry", *TARGETS.values()]
    frame = pd.concat(
        [pd.read_csv(folder / part, usecols=columns) for part in PARTS], ignore_index=True
    )
    elements = [[int(c) for c in s.strip("[]").split(",")] for s in frame["Stoichiometry"]]
    features = [
        [*counts, sum(counts[1:]), *smiles_counts(smiles)]
        for counts, smiles in zip(elements, frame["SMILES"], strict=True)
    ]
    targets = frame[list(TARGETS.values())].to_numpy(dtype="float32")
    return torch.tensor(features, dtype=torch.float32), torch.from_numpy(targets)


def _qm9_bytes(params: Mapping[str, Any]) -> int:
    """float32 features and one float32 column per target, per molecule drawn."""
    targets = params["targets"]
    return 4 * whole(params, "n") * (len(FEATURES) + (len(targets) if targets else 0))


@sized_by(_qm9_bytes)
def qm9(
    seed: int,
    *,
    n: int = 10_000,
    targets: Sequence[str] = DEFAULT_TARGETS,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
) -> Problem:
    """QM9 molecular properties from composition counts, one regression task per target.

    `n` molecules are drawn under `seed` from the 130,831; `targets` names the properties
    (from TARGETS), each in its own units.
    """
    if not 100 <= n <= MOLECULES:
        raise ConfigurationError(f"n must be between 100 and {MOLECULES} but got {n}.")
    if isinstance(targets, str) or not targets:
        raise ConfigurationError(f"targets must list property names but got {targets!r}.")
    unknown = [name for name in targets if name not in TARGETS]
    if unknown:
        raise ConfigurationError(
            f"qm9 has no target {unknown[0]!r}; choose from {sorted(TARGETS)}."
        )
    if len(set(targets)) != len(targets):
        raise ConfigurationError(f"targets must not repeat a name but got {list(targets)}.")
    features, values = _load(_data_folder())
    keep = torch.randperm(MOLECULES, generator=torch.Generator().manual_seed(seed))[:n]
    columns = [list(TARGETS).index(name) for name in targets]
    chosen = values[keep][:, columns]
    tasks = tuple(Task(name, "regression", outputs=1) for name in targets)
    train, val, test = split_dataset(
        features[keep], list(chosen.T[:, :, None]), seed, val_fraction, test_fraction
    )
    return Problem("qm9", tasks, train, val, test, TrunkConfig("mlp", hidden=(128, 128)))
