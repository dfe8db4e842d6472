"""Monte Carlo inputs: distributions (a discriminated union), round risks, correlations."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from core.model.base import KEPT, Input, Share, _Model

# --- risk inputs (Monte Carlo) ------------------------------------------------


Bound = Annotated[float, Field(ge=-1e13, le=1e13)]


class _Ranged(_Model):
    """A law with ``low <= high``."""

    low: Bound
    high: Bound

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low > self.high:
            raise ValueError(f"low ({self.low:g}) must not exceed high ({self.high:g})")
        return self


class Normal(_Model):
    """Normal with ``mean`` and standard deviation ``sd``, in the field's unit."""

    kind: Literal["normal"] = "normal"
    mean: Bound
    sd: Annotated[float, Field(ge=0, le=1e13)]


class LogNormal(_Model):
    """Lognormal with ``median`` (the field's unit) and ``sigma`` (of the log)."""

    kind: Literal["lognormal"] = "lognormal"
    median: Annotated[float, Field(gt=0, le=1e13)]
    sigma: Annotated[float, Field(ge=0, le=10)]


class Uniform(_Ranged):
    """Uniform between ``low`` and ``high``."""

    kind: Literal["uniform"] = "uniform"


class Range90(_Ranged):
    """``low`` and ``high`` are the 5th and 95th percentiles: lognormal when both are positive, else normal."""

    kind: Literal["range90"] = "range90"


class Triangular(_Ranged):
    """Triangular from ``low`` to ``high``, most likely ``mode``."""

    kind: Literal["triangular"] = "triangular"
    mode: Bound

    @model_validator(mode="after")
    def _mode_inside(self) -> Self:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"mode ({self.mode:g}) must lie between low and high")
        return self


Distribution = Annotated[Normal | LogNormal | Triangular | Uniform | Range90, Field(discriminator="kind")]
"""An uncertain number, in the unit of the field it replaces; ``kind`` says which law."""
DISTRIBUTION_KINDS = ("normal", "lognormal", "triangular", "uniform", "range90")


def triangular(low: float, mode: float, high: float) -> Triangular:
    return Triangular(low=low, mode=mode, high=high)


class RoundRisk(_Model):
    """A planned round in a winter: does it close, how late, at what haircut.

    A valuation haircut ``h`` raises ``(1 - h)`` times the planned amount (same dilution).
    """

    probability: Share = 0.8
    delay_months: Distribution = triangular(0, 2, 8)
    valuation_haircut: Distribution = triangular(0, 0.1, 0.4)


class Correlation(_Model):
    """Rank (Spearman) correlation between two uncertain inputs, by field path."""

    a: Annotated[str, Field(max_length=120)]
    b: Annotated[str, Field(max_length=120)]
    rank: Annotated[float, Field(ge=-0.99, le=0.99)]


class Risk(_Model):
    """Monte Carlo settings: the seed and path count make a shared scenario reproducible.

    ``inputs`` gives a distribution to any numeric field by path (it replaces the default
    one); ``default_inputs`` adds the defaults of :mod:`core.analysis.risk` (growth, churn, prices,
    inference cost and its decline, hiring delay); ``rounds`` overrides a round's risk by
    its name (rounds after month 0 get ``RoundRisk()`` otherwise); ``survival_month`` is
    the month the summary speaks of.
    """

    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 2026
    paths: Annotated[int, Field(ge=1000, le=100_000), Input("whole", step=1000)] = 5000
    survival_month: Annotated[int, Field(ge=1, le=120)] = 18
    default_inputs: bool = True
    inputs: Annotated[dict[str, Distribution], Field(max_length=60)] = {}
    rounds: Annotated[dict[str, RoundRisk], Field(max_length=20)] = {}
    correlations: Annotated[list[Correlation], Field(max_length=30), KEPT] = []
