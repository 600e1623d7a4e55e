"""MNIST: does the reconstruction task help? Learned (uncertainty) against equal weights, with
and without the `recon` task, as in the TensorFlow 2 demo of uncertainty weighting.

What: the spec `examples/mnist.yaml` (or `--spec`) names the problem, the training settings and
the evaluation seeds. For each of the four combinations {uncertainty, equal} x {with recon,
without recon} the problem is built as a study builds it (`search.check_against_models`, with
`problem.tasks: {recon: {use: false}}` for "without"), and one run per evaluation seed
(`seed + 1 ... seed + seeds`, a study's evaluation seeds) is trained with `models.train` and
scored on the test split. The data split is the spec's seed in every run, so the seeds vary the
initialisation and minibatch order only, and all four cells see the same test images.

Printed: a markdown table of test accuracy (digit, group3) and recon RMSE, mean +- sample sd
over the seeds, with the uncertainty arm's final weights (normalised to sum 1) and seconds per
run. No search: the tuned arm is what `taskweights run examples/mnist.yaml` adds.

Why: weights decide whether an auxiliary task (reconstruction) feeds the shared encoder or
steals its capacity; this is the question the demo's four-way table asked.

    python bench/mnist_table.py [--spec examples/mnist.yaml] [--seeds 5] [--epochs 15]
        [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from taskweights.models import TrainConfig, build_strategy, evaluate, train
from taskweights.search import check_against_models
from taskweights.search.spec import Range, StudySpec, parse_spec, read_spec_file

ROOT = Path(__file__).resolve().parent.parent
STRATEGIES = ("uncertainty", "equal")
COLUMNS = ("digit", "group3", "recon")


@dataclass
class Cell:
    """Every seed's test metrics (by task) and final weights of one combination."""

    metrics: list[dict[str, float]]
    weights: list[dict[str, float]]
    seconds: list[float]


def variant(data: dict, with_recon: bool, seeds: int, epochs: int) -> StudySpec:
    """The spec with or without the recon task, `seeds` evaluation seeds, `epochs` epochs."""
    problem = dict(data["problem"])
    tasks = dict(problem.get("tasks", {}))
    if not with_recon:
        tasks["recon"] = {**tasks.get("recon", {}), "use": False}
    problem["tasks"] = tasks
    training = {**data.get("training", {}), "epochs": epochs}
    evaluation = {**data.get("evaluation", {}), "seeds": seeds}
    return parse_spec({**data, "problem": problem, "training": training, "evaluation": evaluation})


def run_cell(spec: StudySpec, strategy: str) -> Cell:
    problem = check_against_models(spec)
    if isinstance(spec.training.lr, Range):
        raise SystemExit("the spec's lr must be a number here: this script does not search")
    params = next((s.params for s in spec.strategies if s.name == strategy), {})
    cell = Cell([], [], [])
    for seed in range(spec.seed + 1, spec.seed + 1 + spec.evaluation.seeds):
        config = TrainConfig(
            epochs=spec.training.epochs,
            batch_size=spec.training.batch_size,
            lr=spec.training.lr,
            weight_decay=spec.training.weight_decay,
            device=spec.training.device,
            seed=seed,
        )
        classification = [task.is_classification for task in problem.tasks]
        result = train(problem, build_strategy(strategy, classification, params), config)
        _, metrics = evaluate(result.model, problem.tasks, problem.test)
        total = sum(result.final.weights)
        cell.metrics.append(dict(zip(problem.task_names, metrics, strict=True)))
        cell.weights.append(
            {t: w / total for t, w in zip(problem.task_names, result.final.weights, strict=True)}
        )
        cell.seconds.append(result.seconds)
        scores = ", ".join(f"{task} {value:.4f}" for task, value in cell.metrics[-1].items())
        print(f"  {strategy} seed {seed}: {scores} ({result.seconds:.0f} s)", flush=True)
    return cell


def summary(values: list[float], digits: int) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.{digits}f} ± {sd:.{digits}f}"


def row(with_recon: bool, strategy: str, cell: Cell) -> str:
    metrics = [
        summary([m[task] for m in cell.metrics], 4) if task in cell.metrics[0] else "—"
        for task in COLUMNS
    ]
    mean_weights = {t: statistics.mean(w[t] for w in cell.weights) for t in cell.weights[0]}
    weights = ", ".join(f"{w:.2f}" for w in mean_weights.values())
    seconds = statistics.mean(cell.seconds)
    recon = "with" if with_recon else "without"
    return f"| {recon} | {strategy} | {' | '.join(metrics)} | {weights} | {seconds:.0f} |"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "examples" / "mnist.yaml")
    parser.add_argument("--seeds", type=int, help="evaluation seeds (default: the spec's)")
    parser.add_argument("--epochs", type=int, help="epochs per run (default: the spec's)")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    data = read_spec_file(args.spec)
    spec = parse_spec(data)
    seeds = args.seeds or spec.evaluation.seeds
    epochs = args.epochs or spec.training.epochs
    started = time.perf_counter()
    rows = []
    for with_recon in (True, False):
        for strategy in STRATEGIES:
            print(f"{'with' if with_recon else 'without'} recon, {strategy}:", flush=True)
            cell = run_cell(variant(data, with_recon, seeds, epochs), strategy)
            rows.append(row(with_recon, strategy, cell))
    minutes = (time.perf_counter() - started) / 60
    print(
        f"\n{spec.problem.name}, {epochs} epochs, {seeds} seeds, torch threads {args.threads}, "
        f"{minutes:.1f} min; test split, mean ± sd over seeds\n"
    )
    print(
        "| recon task | weights | digit accuracy | group3 accuracy | recon RMSE "
        "| final weights (normalised) | s/run |"
    )
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
