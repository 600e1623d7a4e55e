"""The study spec: what a user writes (YAML, JSON, HTTP body or Python) to ask for a comparison.

Validation happens in two passes, both reported the same way (`SpecError` with field paths):
here pydantic checks shapes, ranges and names, and that every number is finite (torch-free: a
client checks a spec before sending it), then `search.checks.check_against_models` builds the
problem and every strategy once, so a bad problem parameter or strategy hyperparameter fails
before any storage is touched. What a server allows one study is `search.limits`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    NonNegativeFloat,
    PositiveFloat,
    PositiveInt,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from taskweights.models.registry import problem_names, strategy_names
from taskweights.search.errors import SpecError

# The validation context of a stored spec: its problem was checked when it was stored, and may
# be one this process cannot build (a local run's problem, a plugin installed elsewhere).
STORED: Mapping[str, bool] = {"stored": True}
RESERVED_ARMS = frozenset({"tuned", "reference", "evaluation"})
SCORE_PATTERN = re.compile(r"^(delta_m|pareto|task:.+)$")
FRONT_PREFIX = "tuned-"  # score: pareto evaluates front points as arms tuned-<trial number>


def _one_of(names: Callable[[], list[str]]) -> Callable[[dict[str, Any]], None]:
    """A name field's JSON schema lists the names known when the schema is made (plugins too)."""

    def add_enum(schema: dict[str, Any]) -> None:
        schema["enum"] = names()

    return add_enum


class StrictModel(BaseModel):
    # floats are finite everywhere: JSON as JavaScript writes it (Infinity, NaN) parses in Python
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


INT64 = 2**63  # what torch's sizes and numpy's integers take


def _plain(value: Any, where: str = "") -> Any:
    """A free-form parameter value, checked as far as any builder can take it: numbers finite
    and within 64 bits, at any depth of lists and mappings."""
    at = f" (at {where.lstrip('.')})" if where else ""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"must be a finite number but got {value}{at}")
    if isinstance(value, int) and not -INT64 <= value < INT64:
        raise ValueError(f"must be an integer within 64 bits (±9.2e18){at}")
    if isinstance(value, Mapping):
        for key, item in value.items():
            _plain(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _plain(item, f"{where}.{i}")
    return value


# a problem's or a strategy's parameter: any JSON value its builder checks, numbers bounded here
Parameter = Annotated[Any, AfterValidator(_plain)]


class TrunkSpec(StrictModel):
    type: Literal["mlp", "cnn"] = "mlp"
    hidden: list[PositiveInt] = Field(default=[64], min_length=1)
    channels: list[PositiveInt] = [16, 32]
    dropout: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0


class TaskOverride(StrictModel):
    loss: Literal["mse", "l1", "bce", "cross_entropy"] | None = None
    metric: Literal["rmse", "mae", "accuracy", "f1"] | None = None
    use: bool = Field(
        default=True, description="false: train and evaluate without this task (its head too)"
    )

    def fields(self) -> dict[str, str]:
        """The loss and metric it replaces."""
        return self.model_dump(exclude_none=True, exclude={"use"})


class ProblemSpec(StrictModel):
    name: str = Field(
        description="a built-in problem ('digits', 'kendall-toy') or a plugin",
        json_schema_extra=_one_of(problem_names),
    )
    params: dict[str, Parameter] = {}
    trunk: TrunkSpec | None = Field(default=None, description="default: the problem's own")
    tasks: dict[str, TaskOverride] = Field(
        default={}, description="per task name: another loss and/or metric, or use: false"
    )

    @property
    def unused_tasks(self) -> list[str]:
        return [name for name, task in self.tasks.items() if not task.use]

    @field_validator("name")
    @classmethod
    def _known(cls, name: str, info: ValidationInfo) -> str:
        if info.context and info.context.get("stored"):  # a stored study stays readable
            return name
        problems = problem_names()
        if name not in problems:
            raise ValueError(f"Unknown problem {name!r}; choose from {problems}.")
        return name


class StrategySpec(StrictModel):
    name: str = Field(
        description="a weighting strategy: uncertainty, dwa, gradnorm, ...",
        json_schema_extra=_one_of(strategy_names),
    )
    params: dict[str, Parameter] = {}
    arm: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9_-]*$", description="arm name; default: name"
    )

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in strategy_names():
            raise ValueError(f"Unknown weighting {name!r}; choose from {strategy_names()}.")
        return name

    @property
    def arm_name(self) -> str:
        return self.arm or self.name


class TunedSpec(StrictModel):
    trials: PositiveInt = 20
    weight_range: tuple[PositiveFloat, PositiveFloat] = (0.01, 100.0)
    sampler: Literal["tpe", "random", "cmaes", "gp", "qmc", "nsga2"] = "tpe"
    pruner: Literal["median", "hyperband", "none"] = "median"
    free_first: bool = Field(
        default=False, description="search the first task's weight too (default: pinned to 1)"
    )

    @field_validator("weight_range")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not value[0] < value[1]:
            raise ValueError(f"low must be below high but got {list(value)}")
        return value


class Range(StrictModel):
    low: PositiveFloat
    high: PositiveFloat
    log: bool = True

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low < self.high:
            raise ValueError(f"low must be below high but got low={self.low}, high={self.high}")
        return self

    @property
    def midpoint(self) -> float:
        return (self.low * self.high) ** 0.5 if self.log else (self.low + self.high) / 2


def _number_or_range(value: Any) -> str:
    return "range" if isinstance(value, dict | Range) else "number"


# tags name the union's branches; they are dropped from error paths (see `_field_path`)
UNION_TAGS = frozenset({"number", "range"})
LearningRate = Annotated[
    Annotated[PositiveFloat, Tag("number")] | Annotated[Range, Tag("range")],
    Discriminator(_number_or_range),
]


class TrainingSpec(StrictModel):
    epochs: PositiveInt = 20
    batch_size: PositiveInt = 64
    lr: LearningRate = Field(
        default=1e-3, description="a value, or {low, high, log} searched in every arm alike"
    )
    weight_decay: NonNegativeFloat = 0.0
    device: str = Field(default="auto", pattern=r"^(auto|cpu|cuda(:\d+)?)$")


class EvaluationSpec(StrictModel):
    seeds: Annotated[int, Field(ge=2, description="fresh seeds per arm on the test split")] = 3
    front: PositiveInt = Field(
        default=5,
        description="score: pareto: at most this many tuned front points, spread along the "
        "front, are evaluated (each an arm 'tuned-<trial>')",
    )


FROZEN_SUFFIX = "-frozen"
STATIC_STRATEGIES = frozenset({"equal", "fixed"})  # weights that never move: nothing to freeze


class AnalysisSpec(StrictModel):
    frozen: bool = Field(
        default=False,
        description=(
            "add, per learned arm, an arm '<arm>-frozen' trained with that arm's final "
            "weights held fixed: does its result come from where the weights end or how they move?"
        ),
    )


class StudySpec(StrictModel):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    problem: ProblemSpec
    strategies: list[StrategySpec] = Field(
        default=[StrategySpec(name="uncertainty")], min_length=1
    )
    tuned: TunedSpec = TunedSpec()
    training: TrainingSpec = TrainingSpec()
    score: str = Field(
        default="delta_m",
        pattern=SCORE_PATTERN.pattern,
        description="delta_m, task:<name>, or pareto: the tuned arm searches one objective per "
        "task (pruning off) and its front points are evaluated; Δm ranks everything else",
    )
    evaluation: EvaluationSpec = EvaluationSpec()
    analysis: AnalysisSpec = AnalysisSpec()
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 0  # what numpy's generators take

    @field_validator("strategies", mode="before")
    @classmethod
    def _names_as_objects(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"name": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("strategies")
    @classmethod
    def _unique_arms(cls, value: list[StrategySpec]) -> list[StrategySpec]:
        seen: set[str] = set()
        for strategy in value:
            if strategy.arm_name in RESERVED_ARMS:
                raise ValueError(f"arm name {strategy.arm_name!r} is reserved; set another 'arm'")
            if strategy.arm_name in seen:
                raise ValueError(
                    f"arm {strategy.arm_name!r} appears twice; give one of them an 'arm' name"
                )
            seen.add(strategy.arm_name)
        return value

    @field_validator("score")
    @classmethod
    def _pareto_fits(cls, score: str, info: ValidationInfo) -> str:
        if score != "pareto":
            return score
        tuned: TunedSpec | None = info.data.get("tuned")
        if tuned is not None and tuned.sampler == "cmaes":
            raise ValueError(
                "pareto searches one objective per task, which CMA-ES cannot; "
                "choose tuned.sampler tpe, nsga2, random, qmc or gp"
            )
        strategies: list[StrategySpec] = info.data.get("strategies", [])
        taken = [s.arm_name for s in strategies if s.arm_name.startswith(FRONT_PREFIX)]
        if taken:
            raise ValueError(
                f"pareto names its front points' arms '{FRONT_PREFIX}<trial>', but {taken} "
                "already name strategies; give those another 'arm'"
            )
        return score

    @field_validator("analysis")
    @classmethod
    def _frozen_names_free(cls, analysis: AnalysisSpec, info: ValidationInfo) -> AnalysisSpec:
        strategies: list[StrategySpec] = info.data.get("strategies", [])
        arms = {s.arm_name for s in strategies}
        taken = sorted(arms & {name + FROZEN_SUFFIX for name in arms}) if analysis.frozen else []
        if taken:
            raise ValueError(
                f"frozen: true adds arms named '<arm>{FROZEN_SUFFIX}', but {taken} already "
                "name strategies; give those another 'arm'"
            )
        return analysis

    @property
    def pareto(self) -> bool:
        """The tuned arm searches a front (one objective per task), not one score."""
        return self.score == "pareto"

    @property
    def arm_names(self) -> list[str]:
        """The arms that search (each an Optuna study of its own), tuned first."""
        return ["tuned", *(s.arm_name for s in self.strategies)]

    @property
    def frozen_arms(self) -> dict[str, str]:
        """Learned arm -> its frozen arm, when `analysis.frozen` asks for them."""
        if not self.analysis.frozen:
            return {}
        return {
            s.arm_name: s.arm_name + FROZEN_SUFFIX
            for s in self.strategies
            if s.name not in STATIC_STRATEGIES
        }

    @property
    def evaluated_arms(self) -> list[str]:
        """Every arm the final evaluation trains: the searched arms, then the frozen ones."""
        return [*self.arm_names, *self.frozen_arms.values()]

    def canonical_json(self) -> str:
        """The spec with every default filled in: equal specs give equal strings."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True)


def _field_path(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location if part not in UNION_TAGS) or "spec"


def _reason(error: Any) -> str:
    """Pydantic's message, without the 'Value error, ' it puts before our own messages."""
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    return error["msg"]


def field_issues(errors: Sequence[Any]) -> list[tuple[str, str]]:
    """(field path, reason) pairs from pydantic's error list."""
    return [(_field_path(e["loc"]), _reason(e)) for e in errors]


def parse_spec(data: Any, stored: bool = False) -> StudySpec:
    """A `StudySpec` from plain data, or `SpecError` listing every bad field and why.

    Shapes, ranges and names only; `search.checks.validate_spec` also builds what it names.
    `stored`: a spec read back from storage, whose problem name is not checked again.
    """
    try:
        return StudySpec.model_validate(data, context=STORED if stored else None)
    except ValidationError as error:
        raise SpecError(field_issues(error.errors(include_url=False))) from None


SpecSource = StudySpec | Mapping[str, Any] | str | Path


def load_spec(source: SpecSource) -> StudySpec:
    """A spec from a YAML or JSON file, from a mapping, or as given; `SpecError` if invalid."""
    if isinstance(source, StudySpec):
        return source
    if isinstance(source, Mapping):
        return parse_spec(dict(source))
    return parse_spec(read_spec_file(source))


def read_spec_file(path: str | Path) -> dict[str, Any]:
    """A spec file's fields (JSON is YAML, so one parser serves both), checked to be a mapping."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as error:
        raise SpecError([("file", f"cannot read {str(path)!r}: {error.strerror}")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SpecError([("file", f"{path} is not valid YAML or JSON: {error}")]) from None
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise SpecError([("spec", f"{path} must hold a mapping of fields, not {kind}")])
    return data


# --- stored specs ---------------------------------------------------------------------------

SPEC_VERSION = 1  # the version of StudySpec's fields; stored with every spec we store
# How a stored spec of version N becomes version N + 1 (a renamed field, a new default, a
# removed option): add one here, and raise SPEC_VERSION, whenever StudySpec's fields change.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def read_stored_spec(data: Mapping[str, Any], version: int) -> StudySpec:
    """A spec stored at `version`, upgraded to today's fields; `SpecError` if it cannot be.

    Specs stored before versions existed (commit e0ac124 and earlier) are version 1. Every
    status read reads its study's spec, and a stored spec never changes: one parse serves all.
    """
    return _read_stored(json.dumps(data, sort_keys=True), version)


@lru_cache(maxsize=4096)
def _read_stored(stored_json: str, version: int) -> StudySpec:
    if version > SPEC_VERSION:
        raise SpecError(
            [
                (
                    "spec",
                    f"stored by a newer taskweights (spec version {version}; "
                    f"this one reads up to {SPEC_VERSION})",
                )
            ]
        )
    upgraded = json.loads(stored_json)
    for step in range(version, SPEC_VERSION):
        upgraded = UPGRADES[step](upgraded)
    return parse_spec(upgraded, stored=True)
