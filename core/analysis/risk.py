"""Monte Carlo survival odds, capital-winter stress tests and sensitivity (tornado).

Over 400 lines on purpose: draws, stresses and the tornado share one set of common random
numbers, and splitting them would spread that contract over several files.

Every uncertain input gets one standard-normal draw per path, from a generator seeded by
``(risk.seed, crc32(input key))``, so adding an input never changes the others' draws;
rank correlations are imposed with a Gaussian copula (Pearson ``2 sin(pi r / 6)`` gives
Spearman ``r``). A draw becomes a value through the distribution's inverse CDF, clipped to
the field's bounds, and all values go through the one vectorised :func:`project` at once.
Stress tests and the tornado reuse the same draws (common random numbers), and a shared
scenario (same seed, same paths) always shows the same numbers.

Funding rounds carry three uncertain inputs: ``funding[k].closes`` (probability),
``funding[k].delay`` (months) and ``funding[k].haircut`` (valuation cut; the round then
raises ``(1 - haircut)`` of its amount at the same dilution).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.special import ndtr, ndtri  # the normal CDF and its inverse, without importing scipy.stats

from core.analysis.metrics import default_alive, runway_months, scenario_npv
from core.engine.projection import Projection, drawable_inputs, project
from core.engine.running import running_total
from core.model import (
    Distribution,
    LogNormal,
    Normal,
    Problem,
    Range90,
    RoundRisk,
    Scenario,
    ScenarioError,
    SubscriptionStream,
    Uniform,
    field_bounds,
    replace_fields,
    triangular,
)

Z95 = float(ndtri(0.95))
PERCENTILES = (5, 25, 50, 75, 95)
STRESSES = ("delay_6", "delay_12", "probability_half", "valuation_30", "growth_30", "churn_50", "gpu_50")
Metric = Literal["runway", "npv", "survival"]
_CERTAIN = 8.0  # a z this far out makes a round surely fail (+) or close (-) in the tornado


def normal(mean: float, sd: float) -> Normal:
    return Normal(mean=mean, sd=sd)


def range90(low: float, high: float) -> Range90:
    return Range90(low=low, high=high)


def ppf(dist: Distribution, z: np.ndarray) -> np.ndarray:
    """Values of ``dist`` at standard-normal draws ``z`` (the inverse CDF at Phi(z)).

    >>> ppf(range90(10.0, 40.0), np.array([-Z95, 0.0, Z95])).round(6)
    array([10., 20., 40.])
    """
    if isinstance(dist, Range90):
        if dist.low > 0:
            median, sigma = math.sqrt(dist.low * dist.high), math.log(dist.high / dist.low) / (2 * Z95)
            return median * np.exp(sigma * z)
        return (dist.low + dist.high) / 2 + (dist.high - dist.low) / (2 * Z95) * z
    if isinstance(dist, Normal):
        return dist.mean + dist.sd * z
    if isinstance(dist, LogNormal):
        return dist.median * np.exp(dist.sigma * z)
    u = ndtr(z)
    width = dist.high - dist.low
    if isinstance(dist, Uniform) or width == 0:
        return dist.low + width * u
    # triangular: F(x) = (x - low)^2 / (width (mode - low)) up to the mode, 1 - (high - x)^2 / (width (high - mode)) after
    left = u <= (dist.mode - dist.low) / width
    return np.where(left, dist.low + np.sqrt(u * width * (dist.mode - dist.low)),
                    dist.high - np.sqrt((1 - u) * width * (dist.high - dist.mode)))


# --- which inputs are uncertain ----------------------------------------------


def future_rounds(scenario: Scenario) -> list[int]:
    """Rounds not yet closed: after month 0, or named in ``risk.rounds``."""
    return [k for k, r in enumerate(scenario.funding) if r.month > 0 or r.name in scenario.risk.rounds]


def _x_or_over(rate: float, cap: float) -> Range90:
    """A rate's 90 % range x/1.5 to 1.5x (at most ``cap``)."""
    return range90(rate / 1.5, min(cap, 1.5 * rate))


def default_inputs(scenario: Scenario) -> dict[str, Distribution]:
    """The default uncertainty of a scenario, relative to its own values.

    Growth: normal, sd 30 % of the rate (at least 0.5 point a month). Churn: 90 % range
    x/1.5 to 1.5x. Prices realised: 85 % to 105 % of list. Inference cost per token (GPU
    price or cost per 1M tokens): 70 % to 150 %. Its yearly decline: triangular, 20 points
    lower to 10 points higher. Planned hires (start month > 0): 0 to 6 months late, 1 most likely.
    A role's attrition (when above 0): 90 % range x/1.5 to 1.5x, at most 50 % a month.
    """
    out: dict[str, Distribution] = {}
    for i, stream in enumerate(scenario.streams):
        pre = f"streams[{i}]"
        g = getattr(stream, stream.GROWTH)
        out[f"{pre}.{stream.GROWTH}"] = normal(g, max(0.005, 0.3 * abs(g)))
        for f in stream.PRICES:
            if getattr(stream, f) > 0:
                out[f"{pre}.{f}"] = range90(0.85 * getattr(stream, f), 1.05 * getattr(stream, f))
        if isinstance(stream, SubscriptionStream) and stream.churn_monthly > 0:
            out[f"{pre}.churn_monthly"] = _x_or_over(stream.churn_monthly, 0.9)
    ai = scenario.ai_costs
    field = "gpu_price_per_hour" if ai.gpu_price_per_hour is not None else "cost_per_million_tokens"
    if ai.million_token_cost > 0:
        value = getattr(ai, field)
        out[f"ai_costs.{field}"] = range90(0.7 * value, 1.5 * value)
        d = ai.cost_decline_yearly
        # 20 points lower to 10 higher, capped at 95 % unless the scenario itself is above (mode <= high)
        out["ai_costs.cost_decline_yearly"] = triangular(max(0.0, d - 0.2), d, max(d, min(0.95, d + 0.1)))
    for j, role in enumerate(scenario.opex.team):
        if role.start_month > 0:
            s = role.start_month
            out[f"opex.team[{j}].start_month"] = triangular(s, s + 1, s + 6)
        if role.attrition_monthly > 0:
            out[f"opex.team[{j}].attrition_monthly"] = _x_or_over(role.attrition_monthly, 0.5)
    return out


@dataclass(frozen=True)
class Uncertain:
    """One uncertain input: a field path (or ``funding[k].closes|delay|haircut``) and its law."""

    key: str
    dist: Distribution | None = None
    probability: float | None = None  # only for funding[k].closes


def uncertain_inputs(scenario: Scenario) -> list[Uncertain]:
    """Every uncertain input of the scenario: defaults, the scenario's own, and round risks."""
    fields = default_inputs(scenario) if scenario.risk.default_inputs else {}
    fields |= scenario.risk.inputs
    inputs = [Uncertain(k, d) for k, d in fields.items()]
    for k in future_rounds(scenario):
        rr = scenario.risk.rounds.get(scenario.funding[k].name, RoundRisk())
        inputs += [Uncertain(f"funding[{k}].closes", probability=rr.probability),
                   Uncertain(f"funding[{k}].delay", rr.delay_months),
                   Uncertain(f"funding[{k}].haircut", rr.valuation_haircut)]
    return inputs


def growth_churn_pairs(scenario: Scenario) -> list[tuple[str, str]]:
    """(new-customer growth, churn) input paths of every subscription stream where both are uncertain."""
    keys = {u.key for u in uncertain_inputs(scenario)}
    pairs = [(f"streams[{i}].new_customer_growth_monthly", f"streams[{i}].churn_monthly")
             for i, s in enumerate(scenario.streams) if isinstance(s, SubscriptionStream)]
    return [(a, b) for a, b in pairs if a in keys and b in keys]


def growth_churn_rank(scenario: Scenario) -> float:
    """The rank correlation set between growth and churn (0 when none is)."""
    pairs = growth_churn_pairs(scenario)
    return next((c.rank for c in scenario.risk.correlations if (c.a, c.b) in pairs), 0.0)


def with_growth_churn_rank(scenario: Scenario, rank: float) -> list[dict]:
    """``risk.correlations`` with every growth-churn pair at ``rank`` (removed at 0), the others kept."""
    pairs = growth_churn_pairs(scenario)
    others = [c.model_dump() for c in scenario.risk.correlations if (c.a, c.b) not in pairs]
    return others + ([{"a": a, "b": b, "rank": rank} for a, b in pairs] if rank else [])


def with_round_probability(scenario: Scenario, name: str, probability: float) -> dict[str, dict]:
    """``risk.rounds`` with round ``name`` closing with ``probability`` (its other risks kept, or the defaults)."""
    rounds = scenario.risk.rounds
    changed = rounds.get(name, RoundRisk()).model_copy(update={"probability": probability})
    return {n: r.model_dump() for n, r in rounds.items()} | {name: changed.model_dump()}


# --- drawing -------------------------------------------------------------------


def draw_normals(scenario: Scenario, inputs: list[Uncertain], paths: int | None = None) -> np.ndarray:
    """Standard normals (paths, inputs), one seeded stream per input, rank-correlated."""
    risk = scenario.risk
    n = risk.paths if paths is None else paths
    keys = [u.key for u in inputs]
    z = np.empty((n, len(keys)))
    for j, key in enumerate(keys):
        z[:, j] = np.random.default_rng([risk.seed, zlib.crc32(key.encode())]).standard_normal(n)
    if not risk.correlations:
        return z
    r = np.eye(len(keys))
    for i, c in enumerate(risk.correlations):
        for side in ("a", "b"):
            if getattr(c, side) not in keys:
                raise ScenarioError([f"risk.correlations[{i}].{side}: {getattr(c, side)} has no distribution"])
        a, b = keys.index(c.a), keys.index(c.b)
        r[a, b] = r[b, a] = 2 * math.sin(math.pi * c.rank / 6)
    try:
        lower = np.linalg.cholesky(r)
    except np.linalg.LinAlgError:
        raise ScenarioError(["risk.correlations: these correlations contradict each other"]) from None
    return z @ lower.T


def _stressed(values: dict[str, np.ndarray], scenario: Scenario, stresses: tuple[str, ...]) -> None:
    """Apply capital-winter stresses in place to the drawn (or base) values."""
    def update(path: str, base: float, fn) -> None:
        values[path] = fn(values.get(path, np.float64(base)))

    for i, stream in enumerate(scenario.streams):
        pre = f"streams[{i}]"
        if "growth_30" in stresses:
            update(f"{pre}.{stream.GROWTH}", getattr(stream, stream.GROWTH), lambda g: g - 0.3 * np.abs(g))
        if "churn_50" in stresses and isinstance(stream, SubscriptionStream):
            update(f"{pre}.churn_monthly", stream.churn_monthly, lambda c: np.minimum(0.9, 1.5 * c))
    ai = scenario.ai_costs
    if "gpu_50" in stresses and ai.million_token_cost > 0:
        field = "gpu_price_per_hour" if ai.gpu_price_per_hour is not None else "cost_per_million_tokens"
        update(f"ai_costs.{field}", getattr(ai, field), lambda c: 1.5 * c)


def input_value(scenario: Scenario, u: Uncertain, z: np.ndarray) -> np.ndarray:
    """Values of a (non-probability) input at draws ``z``, inside the field's bounds."""
    if u.dist is None:
        raise ValueError(f"{u.key} is a probability, not a value")
    if u.key.startswith("funding[") and u.key.endswith((".delay", ".haircut")):
        return np.clip(ppf(u.dist, z), 0, None if u.key.endswith(".delay") else 1)
    return np.clip(ppf(u.dist, z), *field_bounds(scenario, u.key))


def engine_draws(scenario: Scenario, inputs: list[Uncertain], z: np.ndarray,
                 stresses: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """The per-path values :func:`project` takes, from normals ``z`` (paths, inputs)."""
    if scenario.risk.inputs:  # a file may name any numeric field; the engine draws only those it reads
        drawable = drawable_inputs(scenario)
        if fixed := [path for path in scenario.risk.inputs if path not in drawable]:
            raise ScenarioError.of(*(Problem("risk.inputs", "not_drawable", {"path": path}) for path in fixed))
    unknown = sorted(set(stresses) - set(STRESSES))
    if unknown:
        raise ValueError(f"unknown stress {unknown[0]!r}; known: {', '.join(STRESSES)}")
    values: dict[str, np.ndarray] = {}
    closes: dict[str, np.ndarray] = {}
    half = 0.5 if "probability_half" in stresses else 1.0
    for j, u in enumerate(inputs):
        if u.probability is not None:
            closes[u.key] = (ndtr(z[:, j]) < u.probability * half).astype(float)
        else:
            values[u.key] = input_value(scenario, u, z[:, j])
    values.setdefault("company.starting_cash", np.array(scenario.company.starting_cash))  # sets the paths axis
    _stressed(values, scenario, stresses)
    delay = 6 if "delay_6" in stresses else 0
    delay += 12 if "delay_12" in stresses else 0
    cut = 0.7 if "valuation_30" in stresses else 1.0
    for k in future_rounds(scenario):
        pre, funding_round = f"funding[{k}]", scenario.funding[k]
        month = values.get(f"{pre}.month", funding_round.month) + values.pop(f"{pre}.delay", 0.0) + delay
        amount = values.get(f"{pre}.amount", funding_round.amount) * (1 - values.pop(f"{pre}.haircut", 0.0)) * cut
        values[f"{pre}.month"] = np.minimum(np.asarray(month, dtype=float), 240.0)
        values[f"{pre}.amount"] = np.asarray(amount * closes.get(f"{pre}.closes", 1.0), dtype=float)
    paths = z.shape[0]
    return {k: np.broadcast_to(np.asarray(v, dtype=float), (paths,)) for k, v in values.items()}


# --- results -------------------------------------------------------------------


@dataclass(frozen=True)
class RoundOdds:
    """A planned round across the simulated futures (probabilities 0-1)."""

    name: str
    planned_month: int
    closes: float
    needed: float          # without it, cash runs out within the horizon
    too_late: float        # needed, and it fails or arrives after cash (without it) ran out


@dataclass(frozen=True)
class RiskResult:
    """Summaries of a simulation; money in the scenario's currency.

    ``survival[m]`` is the probability that cash lasts at least ``m`` months (never
    negative at the end of months 0..m-1), for m = 0..horizon; ``runway`` and ``npv`` hold
    one value per path; ``expected_shortfall`` is the mean of the deepest negative cash
    (0 on paths that never run out), i.e. the extra money needed on average.
    """

    paths: int
    seed: int
    months: int
    cash_bands: np.ndarray  # (len(PERCENTILES), months)
    survival: np.ndarray    # (months + 1,)
    runway: np.ndarray      # (paths,) whole months; ``months`` where cash never runs out
    npv: np.ndarray         # (paths,)
    default_alive: float
    expected_shortfall: float
    rounds: tuple[RoundOdds, ...]

    def survival_at(self, month: int) -> float:
        """Probability that cash lasts at least ``month`` months (capped at the horizon)."""
        return float(self.survival[min(month, self.months)])


CHUNK = 2500
"""Paths projected at a time: bounds peak memory; results do not depend on it."""


def _path_stats(scenario: Scenario, p: Projection, draws: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-path results of one chunk: cash (paths, months), NPV, default alive, round odds (paths, rounds)."""
    closes, needed, too_late = [], [], []
    for k, funding_round in enumerate(scenario.funding):
        without = runway_months(p.cash - running_total(p.flows_by_round[k]))
        pre = f"funding[{k}]"
        closed = draws[f"{pre}.amount"] > 0 if f"{pre}.amount" in draws else np.full(p.paths, funding_round.amount > 0)
        month = np.rint(draws.get(f"{pre}.month", np.full(p.paths, funding_round.month)))
        closes.append(closed)
        needed.append(without < p.months)
        too_late.append(needed[-1] & (~closed | (month > without)))
    by_round = lambda a: np.stack(a, axis=1) if a else np.zeros((p.paths, 0), dtype=bool)  # noqa: E731
    return {"cash": p.cash, "npv": scenario_npv(p.operating_cash, scenario.settings), "alive": default_alive(p)[0],
            "closes": by_round(closes), "needed": by_round(needed), "too_late": by_round(too_late)}


def _runway_npv(scenario: Scenario, p: Projection, draws: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-path results the tornado and the stress table read: runway (whole months) and NPV."""
    return {"runway": runway_months(p.cash), "npv": scenario_npv(p.operating_cash, scenario.settings)}


PathStats = Callable[[Scenario, Projection, dict[str, np.ndarray]], dict[str, np.ndarray]]


def project_paths(scenario: Scenario, draws: dict[str, np.ndarray], stats: PathStats = _path_stats) -> dict[str, np.ndarray]:
    """Project ``draws`` in chunks of :data:`CHUNK` paths and join the per-path ``stats`` of each chunk."""
    paths = len(next(iter(draws.values())))
    parts = [stats(scenario, project(scenario, chunk), chunk)
             for chunk in ({k: v[i : i + CHUNK] for k, v in draws.items()} for i in range(0, paths, CHUNK))]
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def survival_curve(runway: np.ndarray, months: int) -> np.ndarray:
    """The chance (0-1) that cash lasts at least m months, m = 0..months, from each path's whole months of runway."""
    counts = np.bincount(runway, minlength=months + 1)
    return 1 - np.concatenate([[0], np.cumsum(counts)[:-1]]) / len(runway)


def summarize_paths(scenario: Scenario, stats: dict[str, np.ndarray], seed: int) -> RiskResult:
    """Percentile bands, survival curve, runway, NPV and round odds from per-path results."""
    cash = stats["cash"]
    paths, months = cash.shape
    runway = runway_months(cash)
    survival = survival_curve(runway, months)
    odds = tuple(RoundOdds(funding_round.name, funding_round.month, float(stats["closes"][:, k].mean()),
                           float(stats["needed"][:, k].mean()), float(stats["too_late"][:, k].mean()))
                 for k, funding_round in enumerate(scenario.funding))
    return RiskResult(
        paths=paths,
        seed=seed,
        months=months,
        cash_bands=np.percentile(cash, PERCENTILES, axis=0),
        survival=survival,
        runway=runway,
        npv=stats["npv"],
        default_alive=float(stats["alive"].mean()),
        expected_shortfall=float(np.maximum(0.0, -cash.min(axis=1)).mean()),
        rounds=odds,
    )


WORK_BUDGET = 150_000_000
"""Most path-months x (streams + 1) one request may project (about a minute on one core): the
largest presets use under 2 %; a scenario at every limit (100k paths, 120 months, 20 streams)
would use 1.7x for one simulation and far more for a tornado."""


def check_work(scenario: Scenario, paths: int, runs: int = 1) -> None:
    """Refuse (ScenarioError on ``risk.paths``) a request of ``runs`` projections of ``paths`` paths over budget."""
    size = scenario.settings.horizon_months * (len(scenario.streams) + 1)
    if paths * size * runs > WORK_BUDGET:
        raise ScenarioError.of(Problem("risk.paths", "work_budget", {
            "work": paths * size * runs, "limit": WORK_BUDGET, "paths": max(WORK_BUDGET // (size * runs), 1)}))


def path_draws(scenario: Scenario, stresses: tuple[str, ...] = (), paths: int | None = None) -> dict[str, np.ndarray]:
    """Every uncertain input drawn on ``paths`` paths (``risk.paths`` when None), within ``WORK_BUDGET``: what
    :func:`project_paths` takes."""
    check_work(scenario, paths or scenario.risk.paths)
    inputs = uncertain_inputs(scenario)
    return engine_draws(scenario, inputs, draw_normals(scenario, inputs, paths), stresses)


def simulate(scenario: Scenario, stresses: tuple[str, ...] = (), paths: int | None = None) -> RiskResult:
    """Draw every uncertain input, project all paths (in chunks), summarize (within ``WORK_BUDGET``)."""
    return summarize_paths(scenario, project_paths(scenario, path_draws(scenario, stresses, paths)), scenario.risk.seed)


# --- stress tests and sensitivity --------------------------------------------------


def simulation_inputs(scenario: Scenario) -> Scenario:
    """The scenario without what no simulation, tornado or stress outcome reads (the strategy section and
    ``risk.survival_month``, both reset to their defaults): key Monte Carlo caches on its JSON."""
    return replace_fields(scenario, {"strategy": Scenario.model_fields["strategy"].default.model_dump(),
                                     "risk.survival_month": type(scenario.risk).model_fields["survival_month"].default})


@dataclass(frozen=True)
class Outcome:
    """What the tornado and the stress table read of one run, without percentile bands: runway in whole
    months (mean and median), the mean NPV (currency) and the survival curve (0-1, ``months + 1`` values)."""

    runway_mean: float
    runway_median: float
    npv_mean: float
    survival: np.ndarray

    @classmethod
    def of(cls, runway: np.ndarray, npv: np.ndarray, survival: np.ndarray) -> Outcome:
        return cls(float(runway.mean()), float(np.median(runway)), float(npv.mean()), survival)

    def survival_at(self, month: int) -> float:
        """Probability that cash lasts at least ``month`` months (capped at the horizon)."""
        return float(self.survival[min(month, len(self.survival) - 1)])

    def metric(self, metric: Metric, month: int) -> float:
        """Mean runway (months), mean NPV (currency), or the chance in % that cash lasts ``month`` months."""
        if metric == "runway":
            return self.runway_mean
        if metric == "npv":
            return self.npv_mean
        return 100 * self.survival_at(month)


def _outcome(scenario: Scenario, inputs: list[Uncertain], z: np.ndarray, stresses: tuple[str, ...]) -> Outcome:
    """One run on normals ``z``: project every path, keep runway and NPV, summarize."""
    stats = project_paths(scenario, engine_draws(scenario, inputs, z, stresses), _runway_npv)
    return Outcome.of(stats["runway"], stats["npv"], survival_curve(stats["runway"], scenario.settings.horizon_months))


def metric_value(result: RiskResult, metric: Metric, month: int) -> float:
    """Mean runway (months), mean NPV (currency), or the chance in % that cash lasts ``month`` months."""
    return Outcome.of(result.runway, result.npv, result.survival).metric(metric, month)


@dataclass(frozen=True)
class StressRow:
    """One stress (or combination) against the base simulation, same draws."""

    stresses: tuple[str, ...]
    median_runway: float
    survival: float           # at risk.survival_month
    runway_change: float      # months, against the base
    survival_change: float    # probability points (0-1), against the base


def stress_outcomes(scenario: Scenario, stresses: tuple[str, ...], paths: int | None = None,
                    base: RiskResult | None = None) -> list[tuple[tuple[str, ...], Outcome]]:
    """The base, each chosen stress alone, and (for two or more) all of them together, on the same draws.

    ``base``, the unstressed ``simulate(scenario, (), paths)`` when the caller has it, is reused for the
    base row. Reads neither ``risk.survival_month`` nor the strategy (see :func:`simulation_inputs`).
    """
    n = scenario.risk.paths if paths is None else paths
    check_work(scenario, n)
    if base is not None and (base.paths, base.seed) != (n, scenario.risk.seed):
        raise ValueError(f"the base simulation has {base.paths} paths and seed {base.seed}, not {n} and {scenario.risk.seed}")
    combos = [(), *((s,) for s in stresses)] + ([stresses] if len(stresses) > 1 else [])
    inputs = uncertain_inputs(scenario)
    z = draw_normals(scenario, inputs, n)
    return [(combo, Outcome.of(base.runway, base.npv, base.survival) if base is not None and not combo
             else _outcome(scenario, inputs, z, combo)) for combo in combos]


def stress_rows(outcomes: list[tuple[tuple[str, ...], Outcome]], month: int) -> list[StressRow]:
    """The stress table at ``month`` (the survival month) from :func:`stress_outcomes`; the first is the base."""
    base = outcomes[0][1]
    return [StressRow(combo, o.runway_median, o.survival_at(month), o.runway_median - base.runway_median,
                      o.survival_at(month) - base.survival_at(month)) for combo, o in outcomes]


def stress_table(scenario: Scenario, stresses: tuple[str, ...], paths: int | None = None,
                 base: RiskResult | None = None) -> list[StressRow]:
    """The base, each chosen stress alone, and (for two or more) all of them together, at ``risk.survival_month``."""
    return stress_rows(stress_outcomes(scenario, stresses, paths, base), scenario.risk.survival_month)


@dataclass(frozen=True)
class TornadoBar:
    """One input's bar: the metric (months of runway, money, or a 0-1 chance) with that input
    held at each end while every other input stays drawn (the same draws)."""

    key: str
    low: float           # the input's value at its low end (5th percentile, or "fails" for a round)
    high: float
    metric_low: float    # the metric with the input fixed at ``low`` (every other input drawn)
    metric_high: float

    @property
    def swing(self) -> float:
        return abs(self.metric_high - self.metric_low)


TORNADO_PATHS = 2000


@dataclass(frozen=True)
class Sensitivity:
    """The tornado of every metric at once: the run with every input drawn, and each input's two ends
    as (key, value at the low end, at the high end, outcome at the low end, at the high end)."""

    base: Outcome
    ends: tuple[tuple[str, float, float, Outcome, Outcome], ...]

    def tornado(self, metric: Metric, month: int) -> tuple[float, list[TornadoBar]]:
        """The base metric and the bars of ``metric`` (survival at ``month``), largest swing first."""
        bars = [TornadoBar(key, low, high, at_low.metric(metric, month), at_high.metric(metric, month))
                for key, low, high, at_low, at_high in self.ends]
        return self.base.metric(metric, month), sorted(bars, key=lambda b: -b.swing)


def sensitivity(scenario: Scenario, paths: int = TORNADO_PATHS, stresses: tuple[str, ...] = ()) -> Sensitivity:
    """Each input fixed at its low and high end while the others are drawn (common random numbers), all three
    metrics in one pass (within ``WORK_BUDGET``). Reads neither ``risk.survival_month`` nor the strategy."""
    inputs = uncertain_inputs(scenario)
    check_work(scenario, paths, 2 * len(inputs) + 1)
    z = draw_normals(scenario, inputs, paths)
    ends = []
    for j, u in enumerate(inputs):
        shown: tuple[float, ...]
        if u.probability is not None:  # low: the round fails (0), high: it closes (1)
            at, shown = (_CERTAIN, -_CERTAIN), (0.0, 1.0)
        else:
            at = (-Z95, Z95)
            shown = tuple(float(v) for v in input_value(scenario, u, np.array(at)))
        outcomes = []
        for end in at:
            zz = z.copy()
            zz[:, j] = end
            outcomes.append(_outcome(scenario, inputs, zz, stresses))
        ends.append((u.key, shown[0], shown[1], outcomes[0], outcomes[1]))
    return Sensitivity(_outcome(scenario, inputs, z, stresses), tuple(ends))


def tornado(scenario: Scenario, metric: Metric = "runway", paths: int = TORNADO_PATHS,
            stresses: tuple[str, ...] = ()) -> tuple[float, list[TornadoBar]]:
    """Each input fixed at its low and high end while the others are drawn (common random numbers).

    Returns the metric with every input drawn and the bars, largest swing first (within ``WORK_BUDGET``).
    """
    return sensitivity(scenario, paths, stresses).tornado(metric, scenario.risk.survival_month)
