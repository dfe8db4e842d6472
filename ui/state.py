"""The current scenario in session state, the shared sidebar, and cached core calls.

Session keys: ``scenario`` (the current Scenario), ``library`` (the saved scenario it came
from: id, revision, name — or None), ``preset`` (the picker),
``upload`` (the uploader), ``upload_seen`` (the last upload handled), ``lang``.
Widgets of what-if pages use keys starting with ``lever.`` (relative changes, applied on
request); widgets that edit the scenario directly use ``input.``. Both are cleared when
a new scenario is loaded so their defaults follow it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import streamlit as st

from core.exports import excel_workbook, import_scenario
from core.i18n import LANGUAGES, t
from core.metrics import Summary, summarize
from core.pillars import MoveEffect, Scorecard, move_effects, score
from core.pricing import (
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
from core.projection import Projection, project
from core.risk import Metric, RiskResult, StressRow, TornadoBar, simulate, stress_table, tornado
from core.scenario import Scenario, ScenarioError, dumps_scenario, load_scenario
from core.store import Store
from core.van_westendorp import PriceSensitivity, analyse, read_survey

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
DEFAULT_PRESET = "capital_winter_round_slips"


def presets() -> dict[str, Path]:
    """Preset name (file stem) to path, sorted."""
    return {p.stem: p for p in sorted(SAMPLE_DIR.glob("*.yaml"))}


def lang() -> str:
    """The reader's language: the one chosen in the sidebar, else the browser's (简体中文 or English)."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = "zh" if (st.context.locale or "").lower().startswith("zh") else "en"
    return st.session_state["lang"]


def language_picker() -> None:
    """One control that switches every page, chart, table and message."""
    current = lang()
    codes = list(LANGUAGES)
    st.selectbox(t("language", current), codes, index=codes.index(current), key="lang",
                 format_func=lambda code: LANGUAGES[code], on_change=lambda: st.session_state.update(lang_chosen=True))


def set_scenario(scenario: Scenario, library: tuple[int, int, str] | None = None) -> None:
    """Replace the current scenario and reset the widgets that show its values.

    ``library`` is (scenario id, revision number, name) when it was opened from the library;
    a scenario from anywhere else is not tied to a saved one.
    """
    st.session_state["scenario"] = scenario
    st.session_state["library"] = library
    for key in [k for k in st.session_state if str(k).startswith(("lever.", "input."))]:
        del st.session_state[key]


def update_scenario(scenario: Scenario) -> None:
    """Replace the current scenario with an edit made by ``input.`` widgets (kept as they are)."""
    st.session_state["scenario"] = scenario


def current_scenario() -> Scenario:
    if "scenario" not in st.session_state:
        set_scenario(load_scenario(presets()[DEFAULT_PRESET]))
    return st.session_state["scenario"]


@st.cache_data(max_entries=64, show_spinner=False)
def _project(scenario_json: str) -> Projection:
    return project(Scenario.model_validate_json(scenario_json))


def projection(scenario: Scenario) -> Projection:
    """The deterministic projection, cached by the scenario's JSON."""
    return _project(scenario.model_dump_json())


def summary(scenario: Scenario) -> Summary:
    return summarize(projection(scenario), scenario.settings)


@st.cache_data(max_entries=64, show_spinner=False)
def _score(scenario_json: str) -> tuple[Scorecard, list[MoveEffect]]:
    scenario = Scenario.model_validate_json(scenario_json)
    card = score(scenario, _project(scenario_json))
    return card, move_effects(scenario, card)


def scorecard(scenario: Scenario) -> Scorecard:
    """The pillar scores of the scenario, cached."""
    return _score(scenario.model_dump_json())[0]


def moves(scenario: Scenario) -> list[MoveEffect]:
    """The effect of every modelled move (engine re-runs), cached."""
    return _score(scenario.model_dump_json())[1]


@st.cache_data(max_entries=32, show_spinner=False)
def _simulate(scenario_json: str, stresses: tuple[str, ...]) -> RiskResult:
    return simulate(Scenario.model_validate_json(scenario_json), stresses)


@st.cache_data(max_entries=32, show_spinner=False)
def _tornado(scenario_json: str, metric: Metric, stresses: tuple[str, ...]) -> tuple[float, list[TornadoBar]]:
    return tornado(Scenario.model_validate_json(scenario_json), metric, stresses=stresses)


@st.cache_data(max_entries=32, show_spinner=False)
def _stress_table(scenario_json: str, stresses: tuple[str, ...]) -> list[StressRow]:
    return stress_table(Scenario.model_validate_json(scenario_json), stresses)


def risk(scenario: Scenario, stresses: tuple[str, ...] = ()) -> RiskResult:
    """The Monte Carlo summary of the scenario under ``stresses``, cached."""
    return _simulate(scenario.model_dump_json(), stresses)


def risk_tornado(scenario: Scenario, metric: Metric, stresses: tuple[str, ...] = ()) -> tuple[float, list[TornadoBar]]:
    """The tornado of ``metric`` under ``stresses``, cached."""
    return _tornado(scenario.model_dump_json(), metric, stresses)


def risk_stresses(scenario: Scenario, stresses: tuple[str, ...]) -> list[StressRow]:
    return _stress_table(scenario.model_dump_json(), stresses)


@st.cache_data(max_entries=64, show_spinner=False)
def _optimum(scenario_json: str, i: int, objective: Objective, constraints: tuple) -> PriceResult:
    return optimise_price(Scenario.model_validate_json(scenario_json), i, objective, Constraints(*constraints))


def price_optimum(scenario: Scenario, i: int, objective: Objective, constraints: Constraints) -> PriceResult:
    """The optimal price of stream ``i``, cached."""
    return _optimum(scenario.model_dump_json(), i, objective, dataclasses.astuple(constraints))


@st.cache_data(max_entries=64, show_spinner=False)
def _curve(scenario_json: str, i: int, low: float, high: float) -> PriceCurve:
    return price_curve(Scenario.model_validate_json(scenario_json), i, np.geomspace(low, high, 121))


def price_response(scenario: Scenario, i: int, low: float, high: float) -> PriceCurve:
    """Stream ``i``'s price curve on 121 log-spaced prices, cached."""
    return _curve(scenario.model_dump_json(), i, low, high)


@st.cache_data(max_entries=32, show_spinner=False)
def _tiers(scenario_json: str, i: int, tiers: tuple[Tier, ...], median_wtp: float, wtp_sigma: float,
           prospects: float, objective: TierObjective) -> TierResult:
    return optimise_tiers(Scenario.model_validate_json(scenario_json), i, tiers, median_wtp=median_wtp, wtp_sigma=wtp_sigma,
                          prospects_per_month=prospects, objective=objective)


def tier_optimum(scenario: Scenario, i: int, tiers: tuple[Tier, ...], median_wtp: float, wtp_sigma: float,
                 prospects: float, objective: TierObjective) -> TierResult:
    """Optimal plan prices, cached."""
    return _tiers(scenario.model_dump_json(), i, tiers, median_wtp, wtp_sigma, prospects, objective)


@st.cache_data(max_entries=16, show_spinner=False)
def survey_analysis(data: bytes) -> tuple[PriceSensitivity, int]:
    """Van Westendorp analysis of CSV bytes (raises ScenarioError on a bad file), cached."""
    survey = read_survey(data)
    return analyse(survey), survey.dropped


@st.cache_data(max_entries=16, show_spinner=False)
def _workbook(scenario_json: str, language: str) -> bytes:
    scenario = Scenario.model_validate_json(scenario_json)
    return excel_workbook(scenario, project(scenario), language)


def workbook(scenario: Scenario) -> bytes:
    """The Excel export of the scenario (assumptions, monthly table, metrics in the reader's language), cached."""
    return _workbook(scenario.model_dump_json(), lang())


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The one store of this server (WINTERPROOF_DATABASE_URL / WINTERPROOF_DB / the user data dir)."""
    return Store()


def _load_preset() -> None:
    set_scenario(load_scenario(presets()[st.session_state["preset"]]))


def _handle_upload() -> None:
    upload = st.session_state.get("upload")
    if upload is None or st.session_state.get("upload_seen") == upload.file_id:
        return
    st.session_state["upload_seen"] = upload.file_id
    try:
        scenario = import_scenario(upload.name, upload.getvalue())
    except ScenarioError as exc:
        st.session_state["upload_errors"] = (upload.name, exc)
        return
    st.session_state.pop("upload_errors", None)
    set_scenario(scenario)
    st.session_state["upload_ok"] = upload.name


def sidebar() -> None:
    """Preset picker, uploader (errors keep the current scenario) and download."""
    scenario = current_scenario()
    with st.sidebar:
        language_picker()
        st.title(t("app.title", lang()))
        st.caption(t("app.tagline", lang()))
        names = list(presets())
        st.selectbox(t("sidebar.preset", lang()), names, key="preset", on_change=_load_preset,
                     index=names.index(DEFAULT_PRESET))
        st.file_uploader(t("sidebar.upload", lang()), type=["yaml", "yml", "json", "xlsx"], key="upload",
                         on_change=_handle_upload, max_upload_size=5)
        if "upload_errors" in st.session_state:
            name, error = st.session_state["upload_errors"]
            st.error(t("sidebar.upload_bad", lang(), file=name) + "\n\n" + "\n".join(f"- `{e}`" for e in error.localized(lang())))
        elif "upload_ok" in st.session_state:
            st.success(t("sidebar.upload_ok", lang(), name=scenario.company.name,
                         file=st.session_state["upload_ok"]))
        scenario = current_scenario()
        st.caption(t("sidebar.current", lang(), name=scenario.company.name, currency=scenario.company.currency))
        opened = st.session_state.get("library")
        if opened is not None:
            st.caption(t("sidebar.library_open", lang(), name=opened[2], number=opened[1]))
        left, middle, right = st.columns(3)
        left.download_button("YAML", dumps_scenario(scenario), file_name="scenario.yaml", mime="application/x-yaml",
                             key="download.yaml", help=t("sidebar.download", lang()))
        middle.download_button("JSON", dumps_scenario(scenario, "json"), file_name="scenario.json", mime="application/json",
                               key="download.json", help=t("sidebar.download", lang()))
        right.download_button("Excel", workbook(scenario), file_name="winterproof.xlsx", key="download.xlsx",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              help=t("sidebar.download_excel", lang()))
