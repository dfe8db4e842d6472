"""What it would take: the smallest change of one lever that reaches a survival target.

A lever's trial values are paths of the one engine: each value changes a few inputs per path (a factor on every
role's headcount, a shift of a round's month), so a grid of trials is one vectorised :func:`project`, and on the
Monte Carlo each trial is the same draws (common random numbers) with the lever's change on top.

The search scans a coarse grid from the weakest change to the strongest, takes the first value that reaches the
target, and bisects between it and the value before until the two are within 0.2 % of the change (0.5 % for
odds; one month for month levers). The target is a yes/no, so the bisection keeps the side that reaches it:
the answer always reaches the target and the value one step short of it (:meth:`Lever.short_of`) does not. A value
reaching the target before a later one fails it (a price rise that sells less) is flagged ``monotone=False``
rather than hidden; an answer at the strongest bound is flagged ``boundary``.

Levers (``value`` in the lever's unit): ``team_cut`` and ``opex_cut`` (share cut of every role's headcount, of
marketing, G&A and other costs, 0-0.8), ``ai_cut`` (share off the inference cost per token, 0-0.9), ``price``
(× every price the company sets, 1-3, volume answering through the demand model when a stream has one),
``hiring_freeze`` (the plan month from which no planned hire starts: the latest that reaches), ``round_delay``
(months the next round moves: the largest the plan survives), ``bridge`` (a post-money SAFE closing now, at a
given cap), ``next_round`` (the next round's amount: the smallest that reaches).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.special import ndtri

from core.analysis.captable import cap_table, founders_after
from core.analysis.financing import default_terms
from core.analysis.levers import next_round_index
from core.analysis.metrics import break_even_month, default_alive, runway_exact, runway_months, scenario_npv
from core.analysis.pillars import score
from core.analysis.risk import check_work, path_draws, project_paths
from core.engine.projection import Projection, project
from core.model import Scenario, ScenarioError, field_bounds, field_value, replace_fields

TargetKind = Literal["default_alive", "runway", "zero_cash_after", "odds", "founders", "break_even_by"]
TARGETS: tuple[TargetKind, ...] = ("default_alive", "runway", "zero_cash_after", "odds", "founders", "break_even_by")
LeverKey = Literal["team_cut", "opex_cut", "ai_cut", "price", "hiring_freeze", "round_delay", "bridge", "next_round"]
LEVERS: tuple[LeverKey, ...] = ("team_cut", "opex_cut", "ai_cut", "price", "hiring_freeze", "round_delay", "bridge",
                                "next_round")
OVERHEADS = ("marketing_per_month", "general_admin_per_month", "other_per_month")
MAX_CUT, MAX_AI_CUT, MAX_PRICE, MAX_DELAY = 0.8, 0.9, 3.0, 24
GRID, ODDS_GRID, FOUNDERS_GRID = 65, 5, 17
"""Coarse grid points: one projection of 65 paths; 5 Monte Carlo runs; 17 cap tables."""
CLOSE, ODDS_CLOSE = 0.002, 0.005
"""Bisection stops when the values that fail and reach are this close (a share of the change from the origin)."""
Z975 = float(ndtri(0.975))  # 1.96: the two-sided 95 % band
BRIDGE_MONTHS = 36
"""The largest bridge tried: 36 months of the first half-year's net burn (and at most half its post-money cap)."""


@dataclass(frozen=True)
class Target:
    """What must hold, on the plan (or for ``odds`` on the Monte Carlo):

    - ``default_alive``: break-even before cash runs out, with no new money (Paul Graham's test);
    - ``runway``: cash lasts at least ``months`` whole months (never below zero at the end of months 0..months-1);
    - ``zero_cash_after``: the same test, given as the first month cash may run out (plan month ``months``);
    - ``odds``: the chance cash lasts ``months`` months is at least ``share`` (0-1);
    - ``founders``: the founders own at least ``share`` after the next priced round (SAFEs and notes as converted);
    - ``break_even_by``: EBITDA >= 0 by plan month ``months``.
    """

    kind: TargetKind
    months: int = 0
    share: float = 0.0

    @property
    def code(self) -> str:
        """The target as a share link keeps it: ``runway:18:0``."""
        return f"{self.kind}:{self.months}:{self.share:g}"

    @classmethod
    def parse(cls, code: str | None) -> Target | None:
        """The target of a :attr:`code`; None for anything else (a link's target is shown only when it reads)."""
        try:
            kind, months, share = str(code).split(":")
            target = cls(kind, int(months), float(share))  # type: ignore[arg-type]  # checked below
        except ValueError:
            return None
        return target if kind in TARGETS and math.isfinite(target.share) else None

    def check(self, scenario: Scenario) -> None:
        """ValueError naming the target's month or share when it is outside what the plan can answer."""
        horizon = scenario.settings.horizon_months
        if self.kind in ("runway", "zero_cash_after", "odds", "break_even_by") and not 0 <= self.months <= horizon:
            raise ValueError(f"target month {self.months} is outside the plan (0 to {horizon})")
        if self.kind in ("odds", "founders") and not 0 < self.share <= 1:
            raise ValueError(f"target share {self.share} is not above 0 and at most 1 (100 %)")


@dataclass(frozen=True)
class Setup:
    """The bridge's post-money cap (None: the next priced round's pre-money, as the financing comparison) and
    name; the Monte Carlo paths of an ``odds`` target (None: ``risk.paths``)."""

    bridge_cap: float | None = None
    bridge_name: str = "Bridge SAFE"
    paths: int | None = None


Effects = dict[str, tuple[Literal["mul", "add"], np.ndarray]]
"""Per input path, how trial values change it: multiply by, or add, one number per trial."""


@dataclass(frozen=True)
class Lever:
    """One lever on one scenario: values from ``low`` to ``high`` in its unit; ``neutral`` changes nothing;
    ``sense`` ``min``: the answer is the smallest value that reaches the target, ``max``: the largest (months);
    ``origin`` is the unit's zero (0 for a cut or money, 1 for a price factor), from which "1 % short" is measured.
    ``original`` is the scenario as given; ``base`` the one the trials change (with the bridge SAFE at 0, or the
    demand models' reference prices set)."""

    key: LeverKey
    low: float
    high: float
    neutral: float
    sense: Literal["min", "max"]
    whole: bool
    origin: float
    original: Scenario
    base: Scenario
    effects: Callable[[np.ndarray], Effects]

    def grid(self, points: int) -> np.ndarray:
        """``points`` values from the weakest change to the strongest (every whole value when fewer)."""
        weak, strong = (self.low, self.high) if self.sense == "min" else (self.high, self.low)
        values = np.linspace(weak, strong, points)
        if self.whole:
            values = np.array(sorted({round(v) for v in values}, reverse=self.sense == "max"), dtype=float)
        return values

    def short_of(self, value: float) -> float:
        """The value one step short of ``value``, towards the grid's start (where the target is not reached): one
        month later (month levers: a freeze, a delay), else 1 % less change from the origin (1 % more money for a
        limit, whose grid starts at the most)."""
        if self.whole:
            return value + 1
        return self.origin + (0.99 if self.sense == "min" else 1.01) * (value - self.origin)

    def scenario(self, value: float) -> Scenario:
        """The scenario with the lever at ``value``, through the one edit (values kept inside their fields' bounds)."""
        if value == self.neutral:
            return self.original
        updates = {path: round(v[0]) if path.endswith(".month") else float(v[0])
                   for path, v in trial_draws(self, np.array([value])).items()}  # the plan's one path
        return replace_fields(self.base, updates)


def _cut(paths: list[str]) -> Callable[[np.ndarray], Effects]:
    return lambda v: {path: ("mul", 1 - v) for path in paths}


def lever(scenario: Scenario, key: LeverKey, setup: Setup = Setup()) -> Lever | str:
    """The lever ``key`` on ``scenario``, or why it has none (``no_team``, ``no_overheads``, ``no_ai_cost``,
    ``no_price``, ``no_hires``, ``no_round``, ``no_burn``: a company that neither burns nor has cash sizes no bridge)."""
    s = scenario
    if key == "team_cut":
        roles = [f"opex.team[{j}].headcount" for j, r in enumerate(s.opex.team) if r.headcount > 0]
        return Lever(key, 0, MAX_CUT, 0, "min", False, 0, s, s, _cut(roles)) if roles else "no_team"
    if key == "opex_cut":
        costs = [f"opex.{f}" for f in OVERHEADS if getattr(s.opex, f) > 0]
        return Lever(key, 0, MAX_CUT, 0, "min", False, 0, s, s, _cut(costs)) if costs else "no_overheads"
    if key == "ai_cut":
        if s.ai_costs.million_token_cost <= 0:
            return "no_ai_cost"
        field = "gpu_price_per_hour" if s.ai_costs.gpu_price_per_hour is not None else "cost_per_million_tokens"
        return Lever(key, 0, MAX_AI_CUT, 0, "min", False, 0, s, s, _cut([f"ai_costs.{field}"]))
    if key == "price":
        return _price(s)
    if key == "hiring_freeze":
        starts = np.array([r.start_month for r in s.opex.team], dtype=float)
        if not (starts > 0).any():
            return "no_hires"
        heads = [f"opex.team[{j}].headcount" for j in range(len(starts))]
        last = float(starts.max()) + 1  # freezing from after the last hire changes nothing
        return Lever(key, 1, last, last, "max", True, last, s, s,
                     lambda v: {h: ("mul", np.where(start >= v, 0.0, 1.0)) for h, start in zip(heads, starts, strict=True)})
    if key == "bridge":
        return _bridge(s, setup)
    k = next_round_index(s)
    if k is None or s.funding[k].month == 0 or s.funding[k].amount <= 0:
        return "no_round"
    if key == "round_delay":
        return Lever(key, 0, MAX_DELAY, 0, "max", True, 0, s, s, lambda v: {f"funding[{k}].month": ("add", v)})
    planned = s.funding[k].amount
    return Lever(key, 0, 3 * planned, planned, "min", False, 0, s, s,
                 lambda v: {f"funding[{k}].amount": ("mul", v / planned)})


def _price(s: Scenario) -> Lever | str:
    """× every price the company sets; a stream with a demand model keeps today's price as its reference, so
    volume answers the new one (as the Funds page's price lever)."""
    priced = [i for i, stream in enumerate(s.streams) if stream.PRICE and stream.price_value() > 0]
    if not priced:
        return "no_price"
    demands = {i: getattr(s.streams[i], "demand", None) for i in priced}
    updates = {f"streams[{i}].demand.reference_price": s.streams[i].price_value() for i, demand in demands.items()
               if demand is not None and demand.reference_price is None}
    base = replace_fields(s, updates) if updates else s
    paths = [f"streams[{i}].{f}" for i in priced for f in s.streams[i].PRICES]
    return Lever("price", 1, MAX_PRICE, 1, "min", False, 1, s, base, lambda v: {p: ("mul", v) for p in paths})


def _bridge(s: Scenario, setup: Setup) -> Lever | str:
    """A post-money SAFE closing in month 0 (money in hand), appended after the plan's rounds."""
    terms = default_terms(s)
    if setup.bridge_cap is not None and not setup.bridge_cap > 0:
        raise ValueError(f"bridge cap {setup.bridge_cap} is not above 0")
    if terms.bridge <= 0:  # the default bridge is six months of burn (else a year of the cash): nothing to bridge
        return "no_burn"
    cap = setup.bridge_cap or terms.bridge_cap
    high = min(BRIDGE_MONTHS / 6 * terms.bridge, 0.5 * cap)  # below the post-money cap, which must exceed the amount
    safe = {"name": setup.bridge_name, "month": 0, "amount": 0.0, "kind": "safe", "valuation_cap": cap,
            "cap_basis": "post"}
    base = replace_fields(s, {"funding": [*(r.model_dump() for r in s.funding), safe]})
    k = len(s.funding)
    return Lever("bridge", 0, high, 0, "min", False, 0, s, base, lambda v: {f"funding[{k}].amount": ("add", v)})


# --- measuring trials --------------------------------------------------------------


def trial_draws(lv: Lever, values: np.ndarray, base: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Draws for :func:`project`: each of ``values`` on every path of ``base`` (per-path draws of ``n`` paths;
    None: the plan, one path), trial by trial (``len(values) × n`` paths), inside the fields' bounds."""
    base = base or {}
    n = len(next(iter(base.values()))) if base else 1
    data = lv.base.model_dump()
    out = {path: np.tile(v, len(values)) for path, v in base.items()}
    for path, (op, factor) in lv.effects(values).items():
        now = out.get(path, np.full(len(values) * n, float(field_value(data, path))))
        change = np.repeat(factor, n)
        out[path] = np.clip(now * change if op == "mul" else now + change, *field_bounds(lv.base, path))
    return out


Measured = tuple[np.ndarray, np.ndarray, np.ndarray]
Measure = Callable[[np.ndarray], Measured]
"""Trial values → per value: reaches the target; a score (higher is closer: what the answer reports); a trace that
moves whenever the lever moves what the target reads (it ranks values of equal score, e.g. no break-even at all)."""


def _plan_measure(target: Target, lv: Lever) -> Measure:
    def measure(values: np.ndarray) -> Measured:
        return _reaches(target, project(lv.base, trial_draws(lv, values)))
    return measure


def _reaches(target: Target, p: Projection) -> Measured:
    """Per path: whether the plan reaches ``target`` (not ``odds`` or ``founders``), a score and a trace: the cash
    from operations over the plan (break-even targets count no new money), else the cash at its end."""
    if target.kind == "default_alive":
        alive, be, needed = default_alive(p)
        return alive, np.where(be >= 0, -needed, -np.inf), p.operating_cash.sum(axis=1)
    if target.kind == "break_even_by":
        be = break_even_month(p.ebitda)
        return ((be >= 0) & (be <= target.months), np.where(be >= 0, -be.astype(float), -np.inf),
                p.operating_cash.sum(axis=1))
    return runway_months(p.cash) >= target.months, runway_exact(p.cash, p.starting_cash), p.cash[:, -1]


def _odds_measure(target: Target, lv: Lever, draws: dict[str, np.ndarray]) -> Measure:
    n = len(next(iter(draws.values())))

    def measure(values: np.ndarray) -> Measured:
        stats = project_paths(lv.base, trial_draws(lv, values, draws), lambda s, p, d: {"runway": runway_months(p.cash)})
        runway = stats["runway"].reshape(len(values), n)
        odds = (runway >= target.months).mean(axis=1)
        return odds >= target.share, odds, runway.mean(axis=1)
    return measure


def _founders_measure(target: Target, lv: Lever) -> Measure:
    def measure(values: np.ndarray) -> Measured:
        shares = np.array([founders_after(cap_table(lv.scenario(float(v))), 1) for v in values])
        return shares >= target.share - 1e-12, shares, shares
    return measure


# --- the search --------------------------------------------------------------------

Status = Literal["reached", "already", "unreachable", "no_effect", "not_applicable"]


@dataclass(frozen=True)
class Answer:
    """One lever against one target.

    ``status``: ``reached`` (``value`` is the smallest change that reaches it; ``failing`` the closest value found
    that does not), ``already`` (reached without any change), ``unreachable`` (no value in the bounds reaches it;
    ``best`` is the value that comes closest, ``score`` its score), ``no_effect`` (the lever does not move this
    target here), ``not_applicable`` (``reason``: the scenario has no such lever). ``score`` is the target's
    measure at ``value`` or ``best``: runway in months (fractional), the odds (0-1), the founders' share (0-1),
    minus the capital still needed (default alive) or minus the break-even month. ``monotone`` False: a weaker
    value than the answer reaches the target while a stronger one does not, somewhere on the grid. For ``odds``,
    ``error`` is the Monte Carlo standard error at the answer and ``band`` the lever values, low then high, reaching the
    target minus and plus 1.96 errors (None: beyond the bounds): the answer is not known closer than that.
    ``boundary``: the answer is at either end of the range tried (the longest delay, the strongest cut, no round). ``limit``: the
    answer is the most money (a bridge, the next round) that still keeps the founders' share: new money only dilutes.
    """

    lever: LeverKey
    target: Target
    status: Status
    value: float | None = None
    failing: float | None = None
    best: float | None = None
    score: float | None = None
    boundary: bool = False
    monotone: bool = True
    error: float | None = None
    band: tuple[float | None, float | None] | None = None
    reason: str | None = None
    evaluations: int = 0
    limit: bool = False

    @property
    def chosen(self) -> float | None:
        """The lever value to show the costs of and to apply: the answer, or the best when out of reach."""
        return self.value if self.value is not None else self.best


class _Search:
    """A measure with every trial kept, so the error band's bisections reuse what the answer's found."""

    def __init__(self, lv: Lever, measure: Measure):
        self.lv, self.measure = lv, measure
        self.seen: dict[float, tuple[bool, float]] = {}  # trial value -> (reaches the target, score)

    def __call__(self, values: np.ndarray) -> Measured:
        ok, sc, trace = self.measure(values)
        self.seen.update({float(v): (bool(o), float(s)) for v, o, s in zip(values, ok, sc, strict=True)})
        return ok, sc, trace

    def one(self, value: float) -> tuple[bool, float]:
        if value not in self.seen:
            self(np.array([value]))
        return self.seen[value]

    def bisect(self, fails: float, reaches: float, close: float, threshold: float | None = None) -> tuple[float, float]:
        """Narrow (a value that fails, one that reaches) until within ``close`` of the change (or one month);
        ``threshold``: reach a score instead of the target."""
        lv = self.lv
        while True:
            gap = abs(reaches - fails)
            if (lv.whole and gap <= 1) or (not lv.whole and gap <= max(close * abs(reaches - lv.origin),
                                                                         1e-9 * (lv.high - lv.low))):
                return fails, reaches
            mid = float((fails + reaches) // 2) if lv.whole else (fails + reaches) / 2
            ok, sc = self.one(mid)
            if (ok if threshold is None else sc >= threshold):
                reaches = mid
            else:
                fails = mid


def solve(scenario: Scenario, target: Target, key: LeverKey, setup: Setup = Setup()) -> Answer:
    """The weakest value of lever ``key`` that reaches ``target`` (see :class:`Answer`)."""
    target.check(scenario)
    lv = lever(scenario, key, setup)
    if isinstance(lv, str):
        return Answer(key, target, "not_applicable", reason=lv)
    if target.kind == "odds":
        paths = setup.paths or scenario.risk.paths
        check_work(lv.base, paths, 40)
        search = _Search(lv, _odds_measure(target, lv, path_draws(lv.base, paths=paths)))
        grid, close = lv.grid(ODDS_GRID), ODDS_CLOSE
    elif target.kind == "founders":
        search, grid, close = _Search(lv, _founders_measure(target, lv)), lv.grid(FOUNDERS_GRID), CLOSE
    else:
        search, grid, close = _Search(lv, _plan_measure(target, lv)), lv.grid(GRID), CLOSE
    limit = target.kind == "founders" and key in ("bridge", "next_round")
    if limit:  # money in only dilutes: the answer is the most that keeps the founders' share
        lv = dataclasses.replace(lv, sense="max")
        grid = lv.grid(FOUNDERS_GRID)
    ok, sc, trace = search(grid)
    unmoved = _flat(sc) and (np.isfinite(sc).any() or _flat(trace))  # the trace ranks values only without a score
    if unmoved and not (ok.all() and lv.sense == "min" and grid[0] == lv.neutral):
        return _counted(Answer(key, target, "no_effect", score=float(sc[0])), search)
    if not ok.any():
        i = int(np.argmax(sc if np.isfinite(sc).any() else trace))  # the weakest of the best (the trace: no score)
        return _counted(Answer(key, target, "unreachable", best=float(grid[i]), score=float(sc[i]), limit=limit), search)
    first = int(np.argmax(ok))
    monotone = bool(ok[first:].all())
    if first == 0:
        value, failing = float(grid[0]), None
    else:
        failing, value = search.bisect(float(grid[first - 1]), float(grid[first]), close)
    status: Status = "already" if value == lv.neutral and not limit else "reached"
    answer = Answer(key, target, status, value=value, failing=failing, score=search.one(value)[1],
                    boundary=value in (lv.low, lv.high) and status == "reached", monotone=monotone or status == "already",
                    limit=limit)
    if target.kind == "odds" and status == "reached":
        odds = answer.score or 0.0
        error = math.sqrt(odds * (1 - odds) / (setup.paths or scenario.risk.paths))
        answer = _with_band(answer, search, error, target.share)
    return _counted(answer, search)


def _flat(scores: np.ndarray) -> bool:
    """Whether the lever leaves a score or trace where it was (within float noise)."""
    if np.isneginf(scores).all():
        return True
    return bool(np.isfinite(scores).all() and np.ptp(scores) <= 1e-9 * max(1.0, float(np.abs(scores).max())))


def _with_band(answer: Answer, search: _Search, error: float, share: float) -> Answer:
    """The lever values whose odds reach ``share`` ∓ 1.96 errors (same draws): the answer's Monte Carlo band."""
    ends: list[float | None] = []
    for threshold in (share - Z975 * error, share + Z975 * error):
        reaching = [v for v in search.seen if search.seen[v][1] >= threshold]
        failing = [v for v in search.seen if search.seen[v][1] < threshold]
        if not reaching or threshold > 1:
            ends.append(None)
            continue
        order = (lambda v: v) if search.lv.sense == "min" else (lambda v: -v)
        reach = min(reaching, key=order)
        fail = max((v for v in failing if order(v) < order(reach)), key=order, default=None)
        ends.append(reach if fail is None else search.bisect(fail, reach, 4 * ODDS_CLOSE, threshold)[1])
    low, high = ends if search.lv.sense == "min" else ends[::-1]  # low to high in the lever's unit
    return dataclasses.replace(answer, error=error, band=(low, high))


def _counted(answer: Answer, search: _Search) -> Answer:
    return dataclasses.replace(answer, evaluations=len(search.seen))


# --- side by side -------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    """What a lever value costs, read the same way for every lever: runway (whole months; the horizon when cash
    lasts), the founders' share after the next priced round (None when the cap table cannot be built), the NPV
    of the plan's free cash flows, the survival score (0-100)."""

    runway: int
    founders: float | None
    npv: float
    survival: float


def cost(scenario: Scenario) -> Cost:
    """The costs of one scenario (a lever applied)."""
    p = project(scenario)
    try:
        founders: float | None = founders_after(cap_table(scenario), 1)
    except ScenarioError:
        founders = None
    return Cost(int(runway_months(p.cash)[0]), founders, float(scenario_npv(p.operating_cash, scenario.settings)[0]),
                score(scenario, p).survival)


@dataclass(frozen=True)
class Row:
    """One lever's answer and, when it has a value to show, the scenario at that value and its costs."""

    answer: Answer
    scenario: Scenario | None
    cost: Cost | None


def side_by_side(scenario: Scenario, target: Target, setup: Setup = Setup(),
                 levers: tuple[LeverKey, ...] = LEVERS) -> list[Row]:
    """Every lever's answer to ``target``, with the costs at the answer (or at the best value when out of reach)."""
    rows = []
    for key in levers:
        answer = solve(scenario, target, key, setup)
        at = applied(scenario, answer, setup)
        rows.append(Row(answer, at, None if at is None else cost(at)))
    return rows


def applied(scenario: Scenario, answer: Answer, setup: Setup = Setup()) -> Scenario | None:
    """The scenario with ``answer``'s lever at its value (or best), through the one edit; None without one."""
    if answer.chosen is None:
        return None
    lv = lever(scenario, answer.lever, setup)
    assert not isinstance(lv, str)  # an answer with a value has a lever
    return lv.scenario(answer.chosen)
