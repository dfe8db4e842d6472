"""Core calls cached by the scenario's value (``st.cache_data`` with ``max_entries`` and a ``ttl``), and the store.

Each public function takes a Scenario and returns what a page shows; the cache holds
summaries, never Monte Carlo matrices beyond one projection. A scenario is hashed by its JSON
(:data:`BY_VALUE`, one dump per call, never validated again: equal scenarios share an entry). The Monte
Carlo caches are keyed on :func:`~core.analysis.risk.simulation_inputs` (the scenario without its
strategy and survival month), so moving the survival month, the tornado's metric or a strategy weight
re-runs nothing.

Sizes: one server is sized for 16 concurrent sessions. A session's working set is a handful of
scenario variants (the one on screen and the what-ifs it is moving through): 16 per session for
the deterministic figures (a projection is ~10 kB), 4 per session for the Monte Carlo ones (a
result at 100,000 paths is ~2 MB, so the worst case stays near 130 MB). Entries expire after an
hour either way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from core.analysis.financing import FinancingOutcome, Terms, compare
from core.analysis.metrics import Summary, summarize
from core.analysis.pillars import MoveEffect, Scorecard, move_effects, score
from core.analysis.pricing import (
    Constraints,
    Objective,
    PriceCurve,
    PriceResult,
    Tier,
    TierObjective,
    TierResult,
    optimise_price,
    optimise_tiers,
    price_curve,
)
from core.analysis.redemption import Redemption
from core.analysis.redemption import redemption as redemption_of
from core.analysis.risk import (
    Metric,
    Outcome,
    RiskResult,
    Sensitivity,
    StressRow,
    TornadoBar,
    sensitivity,
    simulate,
    simulation_inputs,
    stress_outcomes,
    stress_rows,
)
from core.analysis.solve import Cost, Row, Setup, Target, cost, side_by_side
from core.analysis.statements import Statements
from core.analysis.statements import statements as statements_of
from core.analysis.van_westendorp import PriceSensitivity, analyse, read_survey
from core.engine.projection import Projection, project
from core.i18n import t
from core.model import Scenario
from core.storage.exports import excel_workbook
from core.storage.store import Store, StoreError, default_url
from ui.memory import HEAVY
from ui.session import lang

LOG = logging.getLogger(__name__)
SESSIONS = 16
TTL = 3600  # seconds
FIGURES = 16 * SESSIONS
SIMULATIONS = 4 * SESSIONS
BY_VALUE: dict[Any, Callable[[Any], Any]] = {Scenario: lambda scenario: scenario.model_dump_json()}
"""How a cache key reads a scenario: by value (its JSON), not by identity."""
F = TypeVar("F", bound=Callable[..., Any])


def _cached(entries: int) -> Callable[[F], F]:
    """``st.cache_data`` for a core call taking scenarios: ``entries`` at most, an hour each, keyed by value."""
    return st.cache_data(max_entries=entries, ttl=TTL, show_spinner=False, hash_funcs=BY_VALUE)  # type: ignore[return-value]


@_cached(FIGURES)
def projection(scenario: Scenario) -> Projection:
    """The deterministic projection."""
    return project(scenario)


def summary(scenario: Scenario) -> Summary:
    return summarize(projection(scenario), scenario.settings)


def statements(scenario: Scenario) -> Statements:
    """The three statements of the deterministic projection."""
    return statements_of(scenario, projection(scenario))


@_cached(FIGURES)
def scorecard(scenario: Scenario) -> Scorecard:
    """The pillar scores of the scenario (without the moves: Overview and Pitch need only the card)."""
    return score(scenario, projection(scenario))


@_cached(SIMULATIONS)
def moves(scenario: Scenario) -> list[MoveEffect]:
    """The effect of every modelled move (engine re-runs)."""
    return move_effects(scenario, scorecard(scenario))


@_cached(SIMULATIONS)
@HEAVY.bounded
def _simulate(inputs: Scenario, stresses: tuple[str, ...]) -> RiskResult:
    return simulate(inputs, stresses)


@_cached(SIMULATIONS)
@HEAVY.bounded
def _sensitivity(inputs: Scenario, stresses: tuple[str, ...]) -> Sensitivity:
    return sensitivity(inputs, stresses=stresses)


@_cached(SIMULATIONS)
@HEAVY.bounded
def _stress_outcomes(inputs: Scenario, stresses: tuple[str, ...]) -> list[tuple[tuple[str, ...], Outcome]]:
    return stress_outcomes(inputs, stresses, base=_simulate(inputs, ()))  # the base reused


def risk(scenario: Scenario, stresses: tuple[str, ...] = ()) -> RiskResult:
    """The Monte Carlo summary of the scenario under ``stresses``."""
    return _simulate(simulation_inputs(scenario), stresses)


def risk_tornado(scenario: Scenario, metric: Metric, stresses: tuple[str, ...] = ()) -> tuple[float, list[TornadoBar]]:
    """The tornado of ``metric`` under ``stresses`` (all three metrics come from one cached run)."""
    return _sensitivity(simulation_inputs(scenario), stresses).tornado(metric, scenario.risk.survival_month)


def risk_stresses(scenario: Scenario, stresses: tuple[str, ...]) -> list[StressRow]:
    """The stress table at the scenario's survival month (the runs are cached without it)."""
    return stress_rows(_stress_outcomes(simulation_inputs(scenario), stresses), scenario.risk.survival_month)


@_cached(SIMULATIONS)
@HEAVY.bounded
def financing(scenario: Scenario, terms: Terms) -> list[FinancingOutcome]:
    """Every way through the winter, side by side (six projections and simulations)."""
    return compare(scenario, terms)


@_cached(SIMULATIONS)
def _redemption(inputs: Scenario) -> Redemption:
    return redemption_of(inputs)


def redemption(scenario: Scenario) -> Redemption:
    """The redemption rights against the cash plan, with their Monte Carlo odds (cached without what no simulation
    reads)."""
    return _redemption(simulation_inputs(scenario))


@_cached(SIMULATIONS)
@HEAVY.bounded
def what_it_would_take(scenario: Scenario, target: Target, setup: Setup) -> tuple[list[Row], Cost]:
    """Every lever's answer to ``target`` with its costs, and the plan's own costs (an odds target runs simulations)."""
    return side_by_side(scenario, target, setup), cost(scenario)


@_cached(FIGURES)
def price_optimum(scenario: Scenario, i: int, objective: Objective, constraints: Constraints) -> PriceResult:
    """The optimal price of stream ``i``."""
    return optimise_price(scenario, i, objective, constraints)


@_cached(FIGURES)
def price_response(scenario: Scenario, i: int, low: float, high: float) -> PriceCurve:
    """Stream ``i``'s price curve on 121 log-spaced prices."""
    return price_curve(scenario, i, np.geomspace(low, high, 121))


@_cached(SIMULATIONS)
def tier_optimum(scenario: Scenario, i: int, tiers: tuple[Tier, ...], median_wtp: float, wtp_sigma: float,
                 prospects: float, objective: TierObjective) -> TierResult:
    """Optimal plan prices."""
    return optimise_tiers(scenario, i, tiers, median_wtp=median_wtp, wtp_sigma=wtp_sigma,
                          prospects_per_month=prospects, objective=objective)


@_cached(SESSIONS)
def survey_analysis(data: bytes) -> tuple[PriceSensitivity, int]:
    """Van Westendorp analysis of CSV bytes (raises ScenarioError on a bad file)."""
    survey = read_survey(data)
    return analyse(survey), survey.dropped


@_cached(SESSIONS)
def workbook(scenario: Scenario, language: str) -> bytes:
    """The Excel export of the scenario (assumptions, monthly table, metrics in ``language``)."""
    return excel_workbook(scenario, projection(scenario), language)


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    """The one store of this server (WINTERPROOF_DATABASE_URL / WINTERPROOF_DB / the user data dir).

    A database that cannot be reached, or one from a newer Winterproof, stops the page with a plain
    message; the driver's own error (user, host, port) goes to the server log only.
    """
    try:
        return _store(default_url())  # one per database: a test (or an admin) pointing elsewhere gets its own
    except StoreError as exc:  # e.g. a database from a newer version
        st.error(t("store.refused", lang(), reason=str(exc)))
    except SQLAlchemyError:
        st.error(unreachable())
    st.stop()


def unreachable() -> str:
    """The message for a library that cannot be reached (the database down: PostgreSQL restarting, the network);
    call it while handling the error, whose details (user, host, port) go to the server log only."""
    LOG.exception("the database cannot be reached")
    return t("store.unreachable", lang())
