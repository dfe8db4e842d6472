"""The editor's sections, grouped as a founder thinks: company, revenue, costs, team, funding, strategy, risk."""

from __future__ import annotations

import copy

import streamlit as st

from core.i18n import t
from core.model import (
    BILLING_FIELDS,
    STREAM_KINDS,
    AICosts,
    Compliance,
    DataCapability,
    Trial,
    fields_under,
    new_demand,
    new_stream,
    spec,
    stream_class,
    stream_fields,
)
from core.present.report import trial_note
from ui.editor import change, draft, field, labeller, show_problems, table
from ui.session import lang
from ui.widgets import plain

SECTIONS = ("company", "revenue", "costs", "team", "funding", "strategy", "risk")
INFERENCE = ("cost_per_million_tokens", "gpu_price_per_hour", "tokens_per_second")
"""How inference is priced: per 1M tokens, or from a GPU (the costs section shows one or the other)."""
TEAM_FIELDS = ("salary_growth_yearly",)
"""The operating-cost fields shown with the team; every other one is with the costs."""
TAX_RULE_FIELDS = {"simple": ("carry_forward_losses",), "china": ("loss_years", "small_low_profit"), "us": ()}
"""The tax fields only one filing rule reads, by rule (the others are hidden, and kept, under another rule)."""


def _fields(prefix: str, names: tuple[str, ...], found: dict, columns: int = 2, required: tuple[str, ...] = ()) -> None:
    cols = st.columns(columns)
    for n, name in enumerate(names):
        with cols[n % columns]:
            field(f"{prefix}.{name}", found=found, required=name in required)


def company(data: dict, found: dict) -> None:
    _fields("company", fields_under("company"), found)
    st.subheader(t("edit.settings", lang()))
    _fields("settings", fields_under("settings"), found, 3)


# --- revenue -------------------------------------------------------------------------------


def _set_streams(streams: list[dict]) -> None:
    change({"streams": streams}, rebuild=True)


def _move(i: int, by: int) -> None:
    streams = copy.deepcopy(draft().data["streams"])
    streams.insert(i + by, streams.pop(i))
    _set_streams(streams)


def _duplicate(i: int) -> None:
    streams = copy.deepcopy(draft().data["streams"])
    twin = copy.deepcopy(streams[i])
    twin["name"] = t("edit.copy_of", lang(), name=twin["name"])[:80]
    st.session_state["build.open_stream"] = i + 1
    _set_streams([*streams[: i + 1], twin, *streams[i + 1:]])


def _remove(i: int) -> None:
    _set_streams([s for n, s in enumerate(draft().data["streams"]) if n != i])


def _add_stream() -> None:
    kind = st.session_state["build.new_kind"]
    data = draft().data
    name = t(f"kind.{kind}", lang())
    st.session_state["build.open_stream"] = len(data["streams"])  # the new stream opens, the others may fold
    _set_streams([*data["streams"], new_stream(kind, data["company"]["currency"], name)])


def _set_kind(i: int, key: str) -> None:
    data = draft().data
    old = data["streams"][i]
    change({f"streams[{i}]": new_stream(st.session_state[key], data["company"]["currency"], old["name"])}, rebuild=True)


def _set_trial(i: int, key: str) -> None:
    change({f"streams[{i}].trial": Trial().model_dump() if st.session_state[key] else None}, rebuild=True)


def _set_demand(i: int, key: str) -> None:
    model = st.session_state[key]
    stream = draft().data["streams"][i]
    cls = stream_class(stream["kind"])
    change({f"streams[{i}].demand": new_demand(model, float(stream[cls.PRICE]) if cls.PRICE else 0.0)}, rebuild=True)


def _set_billing(i: int, key: str) -> None:
    """Billing and collection switched off: the stream is billed and paid in the month it earns, without VAT."""
    if not st.session_state[key]:
        change({f"streams[{i}].{name}": spec(f"streams.{name}").default for name in BILLING_FIELDS}, rebuild=True)


def billing(i: int, stream: dict, found: dict) -> None:
    """Stream ``i``'s billing and collection, behind a switch that is on when any of them is not its default."""
    key = f"edit.{st.session_state['build.gen']}.streams[{i}].has_billing"
    custom = any(stream[name] != spec(f"streams.{name}").default for name in BILLING_FIELDS)
    if st.toggle(t("edit.streams.billing_section", lang()), custom, key=key, on_change=_set_billing, args=(i, key),
                 help=t("edit.streams.billing_section.help", lang())):
        _fields(f"streams[{i}]", BILLING_FIELDS, found, 3)


def demand(i: int, found: dict) -> None:
    """Stream ``i``'s demand model (how its volume answers its price): on the Build page and in the Pricing lab."""
    value = draft().data["streams"][i].get("demand")
    models = ["none", "constant_elasticity", "linear", "wtp"]
    demand_key = f"edit.{st.session_state['build.gen']}.streams[{i}].demand_model"
    st.selectbox(t("edit.streams.demand.model", lang()), models, index=models.index(value["model"] if value else "none"),
                 key=demand_key, format_func=labeller("streams.demand.model", list(models)), on_change=_set_demand,
                 args=(i, demand_key), help=t("edit.streams.demand.model.help", lang()))
    if value is not None:
        extra = {"constant_elasticity": ("elasticity",), "linear": ("choke_price",),
                 "wtp": ("median_wtp", "wtp_sigma")}[value["model"]]
        _fields(f"streams[{i}].demand", (*extra, "reference_price"), found, 3, required=extra)


def revenue(data: dict, found: dict) -> None:
    gen = st.session_state["build.gen"]
    streams = data["streams"]
    if not streams:
        st.info(t("edit.no_streams", lang()))
    for i, stream in enumerate(streams):
        cls = stream_class(stream["kind"])
        kind_name = t(f"kind.{stream['kind']}", lang())
        title = f"{i + 1}. {stream['name'] or '…'}" + ("" if stream["name"] == kind_name else f" — {kind_name}")
        with st.expander(plain(title), expanded=len(streams) <= 2 or i == st.session_state.get("build.open_stream")
                         or any(p.startswith(f"streams[{i}]") for p in found)):
            top = st.columns([3, 1, 1, 1, 1])
            kind_key = f"edit.{gen}.streams[{i}].kind"
            top[0].selectbox(t("edit.streams.kind", lang()), list(STREAM_KINDS), index=STREAM_KINDS.index(stream["kind"]),
                             key=kind_key, format_func=labeller("streams.kind", list(STREAM_KINDS)),
                             on_change=_set_kind, args=(i, kind_key), help=t("edit.streams.kind.help", lang()))
            top[1].button(t("edit.up", lang()), key=f"edit.{gen}.up.{i}", on_click=_move, args=(i, -1), disabled=i == 0,
                          help=t("edit.up.help", lang()))
            top[2].button(t("edit.down", lang()), key=f"edit.{gen}.down.{i}", on_click=_move, args=(i, 1),
                          disabled=i == len(streams) - 1, help=t("edit.down.help", lang()))
            top[3].button(t("edit.duplicate", lang()), key=f"edit.{gen}.dup.{i}", on_click=_duplicate, args=(i,),
                          disabled=len(streams) >= 20)
            top[4].button(t("edit.remove", lang()), key=f"edit.{gen}.remove.{i}", on_click=_remove, args=(i,))
            _fields(f"streams[{i}]", ("name", *stream_fields(stream["kind"])), found, 3)
            show_problems(f"streams[{i}]", found)
            billing(i, stream, found)
            if "trial" in cls.model_fields:
                trial_key = f"edit.{gen}.streams[{i}].has_trial"
                st.toggle(t("edit.streams.trial", lang()), stream.get("trial") is not None, key=trial_key,
                          on_change=_set_trial, args=(i, trial_key), help=t("edit.streams.trial.help", lang()))
                if stream.get("trial") is not None:
                    _fields(f"streams[{i}].trial", fields_under("streams.trial"), found)
                    shown = (stream.get("new_customers_per_month"), stream["trial"].get("days"),
                             stream["trial"].get("conversion"))
                    if all(isinstance(v, int | float) for v in shown):  # a field being retyped reads None
                        st.caption(trial_note(*shown, lang()))
            if "demand" in cls.model_fields:
                demand(i, found)
    left, right = st.columns([3, 1])
    left.selectbox(t("edit.new_stream", lang()), list(STREAM_KINDS), key="build.new_kind",
                   format_func=labeller("streams.kind", list(STREAM_KINDS)))
    right.button(t("edit.add_stream", lang()), key="build.add_stream", on_click=_add_stream, disabled=len(streams) >= 20,
                 type="primary")
    show_problems("streams", found)


# --- costs, team, funding --------------------------------------------------------------------


def _set_inference(key: str) -> None:
    """Switch how inference is priced, keeping today's cost per 1M tokens (at 1,000 tokens/s on a GPU)."""
    try:
        cost = AICosts.model_validate(draft().data["ai_costs"]).million_token_cost
    except ValueError:  # the draft's AI costs are invalid: start from 1 per 1M tokens
        cost = 1.0
    gpu = st.session_state[key] == "gpu"
    change({"ai_costs.cost_per_million_tokens": None if gpu else cost,
            "ai_costs.gpu_price_per_hour": cost * 3600 * 1000 / 1e6 if gpu else None,
            "ai_costs.tokens_per_second": 1000.0 if gpu else None}, rebuild=True)


def costs(data: dict, found: dict) -> None:
    gen = st.session_state["build.gen"]
    st.subheader(t("edit.ai_costs", lang()))
    ai = data["ai_costs"]
    mode = "gpu" if ai.get("gpu_price_per_hour") is not None or ai.get("tokens_per_second") is not None else "tokens"
    mode_key = f"edit.{gen}.ai_costs.mode"
    st.radio(t("edit.ai_costs.mode", lang()), ["tokens", "gpu"], index=["tokens", "gpu"].index(mode), key=mode_key,
             horizontal=True, format_func={m: t(f"edit.ai_costs.mode.{m}", lang()) for m in ("tokens", "gpu")}.get,
             on_change=_set_inference, args=(mode_key,))
    priced = ("gpu_price_per_hour", "tokens_per_second") if mode == "gpu" else ("cost_per_million_tokens",)
    _fields("ai_costs", tuple(f for f in fields_under("ai_costs") if f in priced or f not in INFERENCE), found, 3)
    show_problems("ai_costs", found)
    st.subheader(t("edit.other_costs", lang()))
    _fields("opex", tuple(f for f in fields_under("opex") if f not in TEAM_FIELDS), found, 3)
    st.subheader(t("edit.opex.one_off_costs", lang()))
    st.caption(t("edit.opex.one_off_costs.help", lang()))
    table("opex.one_off_costs")


def team(data: dict, found: dict) -> None:
    st.caption(t("edit.opex.team.help", lang()))
    table("opex.team")
    _fields("opex", TEAM_FIELDS, found, 3)


def funding(data: dict, found: dict) -> None:
    st.caption(t("edit.funding.help", lang()))
    table("funding")
    st.subheader(t("edit.tax", lang()))
    st.caption(t("edit.tax.caption", lang()))
    _fields("tax", tax_fields(data["tax"]["rule"]), found, 3)
    if data["tax"]["rule"] != "simple" and not data["tax"]["profit_tax_rate"]:
        st.warning(t("statement.timing.tax_zero", lang(), rule=t(f"opt.tax.rule.{data['tax']['rule']}", lang())))
    st.subheader(t("edit.vat", lang()))
    st.caption(t("edit.vat.caption", lang()))
    _fields("vat", fields_under("vat"), found, 3)


def tax_fields(rule: str) -> tuple[str, ...]:
    """The tax fields shown under a filing ``rule``: the rule first, then the others in the schema's order, without
    those only another rule reads."""
    others = {f for r, names in TAX_RULE_FIELDS.items() if r != rule for f in names}
    return ("rule", *(f for f in fields_under("tax") if f != "rule" and f not in others))


def strategy(data: dict, found: dict) -> None:
    _fields("strategy", fields_under("strategy"), found, 3)
    st.subheader(t("edit.differentiation", lang()))
    _fields("strategy.differentiation", fields_under("strategy.differentiation"), found, 3)
    st.subheader(t("edit.market", lang()))
    _fields("strategy.market", fields_under("strategy.market"), found, 3)
    show_problems("strategy.market", found)
    for part in OPTIONAL_PILLARS:
        if optional_pillar(part, t(f"edit.strategy.{part}", lang())):
            _fields(f"strategy.{part}", fields_under(f"strategy.{part}"), found, 3)
    st.subheader(t("edit.pillar_weights", lang()))
    _fields("strategy.pillar_weights", fields_under("strategy.pillar_weights"), found, 3)


OPTIONAL_PILLARS: dict[str, type[DataCapability | Compliance]] = {"data": DataCapability, "compliance": Compliance}


def optional_pillar(part: str, label: str) -> bool:
    """The switch of an optional pillar's ratings (``strategy.data`` / ``strategy.compliance``), on the Build and
    Strategy pages; True when it is on."""
    on = draft().data["strategy"][part] is not None
    key = f"edit.{st.session_state['build.gen']}.strategy.has_{part}"
    st.toggle(label, on, key=key, on_change=_set_optional, args=(part, key), help=t(f"edit.strategy.{part}.help", lang()))
    return on


def _set_optional(part: str, key: str) -> None:
    change({f"strategy.{part}": OPTIONAL_PILLARS[part]().model_dump() if st.session_state[key] else None}, rebuild=True)


def risk(data: dict, found: dict) -> None:
    st.caption(t("edit.risk.intro", lang()))
    _fields("risk", fields_under("risk"), found)


RENDER = {"company": company, "revenue": revenue, "costs": costs, "team": team, "funding": funding,
          "strategy": strategy, "risk": risk}
