"""Core calls cached by the scenario's JSON (``st.cache_data`` with ``max_entries`` and a ``ttl``), and the store.

Each public function takes a Scenario and returns what a page shows; the cache holds
summaries, never Monte Carlo matrices beyond one projection. The Monte Carlo caches are keyed on
:func:`~core.analysis.risk.simulation_inputs` (the scenario without its strategy and survival
month), so moving the survival month, the tornado's metric or a strategy weight re-runs nothing.

Sizes: one server is sized for 16 concurrent sessions. A session's working set is a handful of
scenario variants (the one on screen and the what-ifs it is moving through): 16 per session for
the deterministic figures (a projection is ~10 kB), 4 per session for the Monte Carlo ones (a
result at 100,000 paths is ~2 MB, so the worst case stays near 130 MB). Entries expire after an
hour either way.
"""

from __future__ import annotations

import dataclasses
import logging

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
from core.analysis.van_westendorp import PriceSensitivity, analyse, read_survey
from core.engine.projection import Projection, project
from core.i18n import t
from core.model import Scenario
from core.storage.exports import excel_workbook
from core.storage.store import Store, StoreError
from ui.session import lang

LOG = logging.getLogger(__name__)
SESSIONS = 16
TTL = 3600  # seconds
FIGURES = 16 * SESSIONS
SIMULATIONS = 4 * SESSIONS


@st.cache_data(max_entries=FIGURES, ttl=TTL, show_spinner=False)
def _project(scenario_json: str) -> Projection:
    return project(Scenario.model_validate_json(scenario_json))


def projection(scenario: Scenario) -> Projection:
    """The deterministic projection, cached by the scenario's JSON."""
    return _project(scenario.model_dump_json())


def summary(scenario: Scenario) -> Summary:
    return summarize(projection(scenario), scenario.settings)


@st.cache_data(max_entries=FIGURES, ttl=TTL, show_spinner=False)
def _card(scenario_json: str) -> Scorecard:
    return score(Scenario.model_validate_json(scenario_json), _project(scenario_json))


@st.cache_data(max_entries=SIMULATIONS, ttl=TTL, show_spinner=False)
def _moves(scenario_json: str) -> list[MoveEffect]:
    return move_effects(Scenario.model_validate_json(scenario_json), _card(scenario_json))


def scorecard(scenario: Scenario) -> Scorecard:
    """The pillar scores of the scenario, cached (without the moves: Overview and Pitch need only the card)."""
    return _card(scenario.model_dump_json())


def moves(scenario: Scenario) -> list[MoveEffect]:
    """The effect of every modelled move (engine re-runs), cached."""
    return _moves(scenario.model_dump_json())


def _simulation_key(scenario: Scenario) -> str:
    return simulation_inputs(scenario).model_dump_json()


@st.cache_data(max_entries=SIMULATIONS, ttl=TTL, show_spinner=False)
def _simulate(key: str, stresses: tuple[str, ...]) -> RiskResult:
    return simulate(Scenario.model_validate_json(key), stresses)


@st.cache_data(max_entries=SIMULATIONS, ttl=TTL, show_spinner=False)
def _sensitivity(key: str, stresses: tuple[str, ...]) -> Sensitivity:
    return sensitivity(Scenario.model_validate_json(key), stresses=stresses)


@st.cache_data(max_entries=SIMULATIONS, ttl=TTL, show_spinner=False)
def _stress_outcomes(key: str, stresses: tuple[str, ...]) -> list[tuple[tuple[str, ...], Outcome]]:
    return stress_outcomes(Scenario.model_validate_json(key), stresses, base=_simulate(key, ()))  # the base reused


def risk(scenario: Scenario, stresses: tuple[str, ...] = ()) -> RiskResult:
    """The Monte Carlo summary of the scenario under ``stresses``, cached."""
    return _simulate(_simulation_key(scenario), stresses)


def risk_tornado(scenario: Scenario, metric: Metric, stresses: tuple[str, ...] = ()) -> tuple[float, list[TornadoBar]]:
    """The tornado of ``metric`` under ``stresses`` (all three metrics come from one cached run)."""
    return _sensitivity(_simulation_key(scenario), stresses).tornado(metric, scenario.risk.survival_month)


def risk_stresses(scenario: Scenario, stresses: tuple[str, ...]) -> list[StressRow]:
    """The stress table at the scenario's survival month (the runs are cached without it)."""
    return stress_rows(_stress_outcomes(_simulation_key(scenario), stresses), scenario.risk.survival_month)


@st.cache_data(max_entries=SIMULATIONS, ttl=TTL, show_spinner=False)
def _financing(scenario_json: str, terms: Terms) -> list[FinancingOutcome]:
    return compare(Scenario.model_validate_json(scenario_json), terms)


def financing(scenario: Scenario, terms: Terms) -> list[FinancingOutcome]:
    """Every way through the winter, side by side (six projections and simulations), cached."""
    return _financing(scenario.model_dump_json(), terms)


@st.cache_data(max_entries=FIGURES, ttl=TTL, show_spinner=False)
def _optimum(scenario_json: str, i: int, objective: Objective, constraints: tuple) -> PriceResult:
    return optimise_price(Scenario.model_validate_json(scenario_json), i, objective, Constraints(*constraints))


def price_optimum(scenario: Scenario, i: int, objective: Objective, constraints: Constraints) -> PriceResult:
    """The optimal price of stream ``i``, cached."""
    return _optimum(scenario.model_dump_json(), i, objective, dataclasses.astuple(constraints))


@st.cache_data(max_entries=FIGURES, ttl=TTL, show_spinner=False)
def _curve(scenario_json: str, i: int, low: float, high: float) -> PriceCurve:
    return price_curve(Scenario.model_validate_json(scenario_json), i, np.geomspace(low, high, 121))


def price_response(scenario: Scenario, i: int, low: float, high: float) -> PriceCurve:
    """Stream ``i``'s price curve on 121 log-spaced prices, cached."""
    return _curve(scenario.model_dump_json(), i, low, high)


@st.cache_data(max_entries=SIMULATIONS, ttl=TTL, show_spinner=False)
def _tiers(scenario_json: str, i: int, tiers: tuple[Tier, ...], median_wtp: float, wtp_sigma: float,
           prospects: float, objective: TierObjective) -> TierResult:
    return optimise_tiers(Scenario.model_validate_json(scenario_json), i, tiers, median_wtp=median_wtp, wtp_sigma=wtp_sigma,
                          prospects_per_month=prospects, objective=objective)


def tier_optimum(scenario: Scenario, i: int, tiers: tuple[Tier, ...], median_wtp: float, wtp_sigma: float,
                 prospects: float, objective: TierObjective) -> TierResult:
    """Optimal plan prices, cached."""
    return _tiers(scenario.model_dump_json(), i, tiers, median_wtp, wtp_sigma, prospects, objective)


@st.cache_data(max_entries=SESSIONS, ttl=TTL, show_spinner=False)
def survey_analysis(data: bytes) -> tuple[PriceSensitivity, int]:
    """Van Westendorp analysis of CSV bytes (raises ScenarioError on a bad file), cached."""
    survey = read_survey(data)
    return analyse(survey), survey.dropped


@st.cache_data(max_entries=SESSIONS, ttl=TTL, show_spinner=False)
def _workbook(scenario_json: str, language: str) -> bytes:
    scenario = Scenario.model_validate_json(scenario_json)
    return excel_workbook(scenario, project(scenario), language)


def workbook(scenario: Scenario, language: str) -> bytes:
    """The Excel export of the scenario (assumptions, monthly table, metrics in ``language``), cached."""
    return _workbook(scenario.model_dump_json(), language)


@st.cache_resource(show_spinner=False)
def _store() -> Store:
    return Store()


def store() -> Store:
    """The one store of this server (WINTERPROOF_DATABASE_URL / WINTERPROOF_DB / the user data dir).

    A database that cannot be reached, or one from a newer Winterproof, stops the page with a plain
    message; the driver's own error (user, host, port) goes to the server log only.
    """
    try:
        return _store()
    except StoreError as exc:  # e.g. a database from a newer version
        st.error(t("store.refused", lang(), reason=str(exc)))
    except SQLAlchemyError:
        LOG.exception("the database cannot be reached")
        st.error(t("store.unreachable", lang()))
    st.stop()
