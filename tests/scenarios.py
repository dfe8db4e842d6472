"""Hypothesis strategies for random, valid scenarios covering every stream kind, and budgets."""

from __future__ import annotations

import os
from datetime import date

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st

from core.model import BILLING_FIELDS, SPECS, STREAM_CLASSES, WHOLE, fields_under, parse_scenario, replace_fields, stream_fields

EXPLORE_FACTOR = 25 if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else 1


def budget(examples: int) -> settings:
    """Settings for a property: ``examples`` examples under the ``ci`` profile, 25x under ``explore``."""
    return settings(max_examples=examples * EXPLORE_FACTOR)


def value(path: str, low: float | None = None, high: float | None = None, options: tuple = ()) -> st.SearchStrategy:
    """Values of the field at generic ``path`` over its schema bounds (:mod:`core.model.fields`), narrowed to a
    realistic [``low``, ``high``] that must lie inside them (a schema that narrows a field fails here, not later);
    a choice's ``options`` (all of its own by default, else a subset of them), a toggle's True or False."""
    f = SPECS[path]
    if f.kind == "choice":
        assert set(options) <= set(f.options), (path, options, f.options)
        return st.sampled_from(options or f.options)
    if f.kind == "toggle":
        return st.booleans()
    lo, hi = (f.low if low is None else low), (f.high if high is None else high)
    assert f.low <= lo <= hi <= f.high, (path, (lo, hi), (f.low, f.high))
    return st.integers(int(lo), int(hi)) if f.kind in WHOLE else st.floats(lo, hi)


money = st.floats(0, 1e6, allow_nan=False)
share = st.floats(0, 1)

REALISTIC = {"money": (0, 1e6), "count": (0, 500), "number": (0, 500)}
"""A stream field's realistic range by its kind (percent: its schema's range; growth: GROWTH), unless CURATED says."""
GROWTH = (-0.1, 0.15)
CURATED = {
    "subscription.price_per_month": (0, 5000), "subscription.expansion_monthly": (-0.05, 0.05),
    "subscription.cac_per_customer": (0, 5000), "usage.volume_per_month": (0, 1e5), "usage.price_per_unit": (0, 20),
    "usage.price_decline_yearly": (0, 0.9), "usage.mtok_per_unit": (0, 5), "projects.deals_per_quarter": (0, 30),
    "advertising.monthly_active_users": (0, 1e6), "advertising.impressions_per_user_month": (0, 200),
    "advertising.cpm": (0, 30), "advertising.mtok_per_user_month": (0, 1),
}


def stream_values(cls) -> st.SearchStrategy:
    """Every number of a stream kind, read off its class: a new field is drawn with no change here."""
    kind = cls.model_fields["kind"].default
    fields = {}
    for name in stream_fields(kind):
        f = SPECS[f"streams.{name}"]
        if f.kind in ("text", "choice", "toggle", "date", "list"):
            continue
        bounds = CURATED.get(f"{kind}.{name}") or (GROWTH if name == cls.GROWTH else REALISTIC.get(f.kind, (None, None)))
        fields[name] = value(f"streams.{name}", *bounds)
    if "trial" in cls.model_fields:
        fields["trial"] = st.none() | st.fixed_dictionaries({"days": value("streams.trial.days", 0, 120),
                                                             "conversion": value("streams.trial.conversion")})
    return st.fixed_dictionaries(fields)


STREAMS = {c.model_fields["kind"].default: stream_values(c) for c in STREAM_CLASSES}


PRICE = {c.model_fields["kind"].default: c.PRICE for c in STREAM_CLASSES if c.PRICE}   # the company-set prices


@st.composite
def demand(draw, price):
    """A demand model that fits a stream whose price is ``price`` (> 0)."""
    model = draw(st.sampled_from(["constant_elasticity", "linear", "wtp"]))
    if model == "constant_elasticity":
        return {"model": model, "elasticity": draw(st.floats(0.05, 5))}
    if model == "linear":
        return {"model": model, "choke_price": price * draw(st.floats(1.05, 5))}
    return {"model": model, "median_wtp": price * draw(st.floats(0.3, 3)), "wtp_sigma": draw(st.floats(0.2, 1.5))}


@st.composite
def streams(draw):
    kind = draw(st.sampled_from(sorted(STREAMS)))
    stream = {"kind": kind, "name": f"{kind} stream", **draw(STREAMS[kind])}
    if kind in PRICE and stream[PRICE[kind]] > 1e-3 and draw(st.booleans()):
        stream["demand"] = draw(demand(stream[PRICE[kind]]))
    return stream


@st.composite
def roles(draw):
    start = draw(st.integers(0, 30))
    end = draw(st.none() | st.integers(start + 1, 80))
    return {"role": "r", "function": draw(st.sampled_from(["rd", "sales", "ga", "ops"])),
            "headcount": draw(value("opex.team.headcount", 0, 20)),
            "cost_per_head_month": draw(value("opex.team.cost_per_head_month", 0, 50000)),
            "start_month": start, "end_month": end,
            **draw(st.just({}) | st.fixed_dictionaries({    # talent: attrition, its cost and ramp-up, option grants
                "attrition_monthly": value("opex.team.attrition_monthly"),
                "replacement_cost": value("opex.team.replacement_cost", 0, 100_000),
                "ramp_months": value("opex.team.ramp_months"),
                "option_grant_shares": value("opex.team.option_grant_shares", 0, 1e5)}))}


@st.composite
def rounds(draw):
    kind = draw(st.sampled_from(["equity", "debt", "grant"]))
    terms: dict = {}
    if kind == "debt":
        terms = {"interest_rate_yearly": draw(value("funding.interest_rate_yearly", 0, 0.2)),
                 "term_months": draw(st.none() | st.integers(1, 60))}
        if terms["term_months"] is not None and draw(st.booleans()):
            terms |= {"repayment": draw(value("funding.repayment", options=("amortising", "annuity"))),
                      "grace_months": draw(st.integers(0, terms["term_months"] - 1))}
    elif kind == "grant":
        terms = {"tranches": draw(value("funding.tranches", 1, 4)),
                 "tranche_every_months": draw(value("funding.tranche_every_months", 1, 12)),
                 "matching_share": draw(st.sampled_from([0.0, 0.5, 1.0]))}
    elif draw(st.booleans()):  # a strategic investor
        terms = {"partner_revenue_per_month": draw(value("funding.partner_revenue_per_month", 0, 1e5)),
                 "partner_months": draw(st.none() | st.integers(1, 40))}
    return {"name": "round", "month": draw(value("funding.month", 0, 80)), "amount": draw(value("funding.amount", 0, 2e7)),
            "kind": kind, **terms}


@st.composite
def tax(draw):
    return {"profit_tax_rate": draw(st.sampled_from([0.0, 0.15, 0.25])), "rd_super_deduction": draw(value("tax.rd_super_deduction")),
            "rd_credit_rate": draw(st.sampled_from([0.0, 0.1])), "carry_forward_losses": draw(st.booleans()),
            "opening_tax_losses": draw(value("tax.opening_tax_losses", 0, 1e6))}


@st.composite
def ai_costs(draw):
    base = {"cost_decline_yearly": draw(value("ai_costs.cost_decline_yearly", 0, 0.9)),
            "hosting_per_month": draw(value("ai_costs.hosting_per_month", 0, 50000)),
            "support_share_of_revenue": draw(value("ai_costs.support_share_of_revenue"))}
    if draw(st.booleans()):
        return {**base, "gpu_price_per_hour": draw(value("ai_costs.gpu_price_per_hour", 0, 10)),
                "tokens_per_second": draw(value("ai_costs.tokens_per_second", 10, 5000))}
    return {**base, "cost_per_million_tokens": draw(value("ai_costs.cost_per_million_tokens", 0, 20))}


rating = value("strategy.model_quality")


@st.composite
def strategy(draw):
    tam = draw(st.none() | st.floats(1e6, 1e11))
    sam = None if tam is None else draw(st.none() | st.floats(0, tam))
    som = None if sam is None else draw(st.none() | st.floats(0, sam))
    ratings = {"collection": rating, "labelling": rating, "governance": rating}
    return {
        "model_quality": draw(rating),
        "verticals": draw(st.lists(st.sampled_from(["finance", "health", "retail", "legal", "media"]), max_size=5, unique=True)),
        "runway_target_months": draw(value("strategy.runway_target_months")),
        "differentiation": {"technology": draw(rating), "user_experience": draw(rating), "service": draw(rating)},
        "market": {"tam_yearly": tam, "sam_yearly": sam, "som_yearly": som, "growth_yearly": draw(value("strategy.market.growth_yearly")),
                   "competition": draw(rating), "top_customer_share": draw(share)},
        "data": draw(st.none() | st.fixed_dictionaries(ratings)),
        "compliance": draw(st.none() | st.fixed_dictionaries({"privacy": rating, "regulation": rating, "ethics_review": rating})),
        "pillar_weights": draw(st.fixed_dictionaries({k: value(f"strategy.pillar_weights.{k}") for k in
                                                      fields_under("strategy.pillar_weights")})),
    }


@st.composite
def scenario_data(draw):
    return {
        "company": {"name": "Random Co", "currency": draw(st.sampled_from(["USD", "CNY", "EUR"])),
                    "starting_cash": draw(value("company.starting_cash", 0, 1e7))},
        "settings": {"horizon_months": draw(value("settings.horizon_months", 12, 72)),
                     "discount_rate_yearly": draw(value("settings.discount_rate_yearly", 0, 1)),
                     "cash_flow_timing": draw(st.sampled_from(["end", "start"]))},
        "streams": draw(st.lists(streams(), max_size=5)),
        "ai_costs": draw(ai_costs()),
        "opex": {
            "team": draw(st.lists(roles(), max_size=4)),
            "salary_growth_yearly": draw(value("opex.salary_growth_yearly", 0, 0.2)),
            "one_off_costs": draw(st.lists(st.fixed_dictionaries(
                {"name": st.just("run"), "kind": st.sampled_from(["training_run", "hardware", "data", "other"]),
                 "month": value("opex.one_off_costs.month", 0, 80), "cost": value("opex.one_off_costs.cost", 0, 1e6)}),
                max_size=3)),
            "marketing_per_month": draw(money), "general_admin_per_month": draw(money), "other_per_month": draw(money),
        },
        "funding": draw(st.lists(rounds(), max_size=3)),
        "tax": draw(tax()),
        "strategy": draw(strategy()),
    }


def three_path_draws(scenario, data) -> dict:
    """Draws for three paths: starting cash, and the first stream's churn (or volume) and, with a
    demand model, its price, drawn by hypothesis's ``data``."""
    draws = {"company.starting_cash": np.array([0.0, 5e5, 2e6])}
    if scenario.streams:
        s0 = scenario.streams[0]
        field = "churn_monthly" if s0.kind == "subscription" else s0.VOLUME
        draws[f"streams[0].{field}"] = np.array(data.draw(st.lists(st.floats(0, 0.9), min_size=3, max_size=3)))
        if s0.PRICE and s0.demand is not None:  # a drawn price moves volume through the demand model
            draws[f"streams[0].{s0.PRICE}"] = getattr(s0, s0.PRICE) * np.array(data.draw(st.lists(
                st.floats(0.2, 3), min_size=3, max_size=3)))
    return draws


TIMING = {
    "streams.payment_days": (0, 120), "streams.bad_debt_share": (0, 0.1), "streams.upfront_months": (0, 12),
    "ai_costs.payment_days": (0, 120), "opex.payment_days": (0, 120), "opex.one_off_costs.instalments": (1, 12),
    "tax.loss_years": (1, 10),
}
"""Realistic ranges of the billing, payment and tax-filing fields (the others over their schema's range)."""


def timed(path: str) -> st.SearchStrategy:
    """Values of a timing field at generic ``path``, over its realistic range in ``TIMING``."""
    return value(path, *TIMING.get(path, (None, None)))


@st.composite
def timing_updates(draw, scenario) -> dict:
    """Field-path updates that switch on when money moves in ``scenario`` (:mod:`core.engine.books`): every stream's
    billing fields (read off ``BILLING_FIELDS``), payment days and input VAT of costs, one-offs in instalments, VAT
    filing, the profit tax's rule, the start month (calendar quarters and years), and receivables and payables as
    reported."""
    updates: dict = {"company.start_date": date(2026, draw(st.integers(1, 12)), 1)}
    for i, _ in enumerate(scenario.streams):
        updates |= {f"streams[{i}].{f}": draw(timed(f"streams.{f}")) for f in BILLING_FIELDS}
    for part in ("ai_costs", "opex"):
        updates |= {f"{part}.{f}": draw(timed(f"{part}.{f}")) for f in ("payment_days", "vat_rate")}
    for j, _ in enumerate(scenario.opex.one_off_costs):
        updates |= {f"opex.one_off_costs[{j}].{f}": draw(timed(f"opex.one_off_costs.{f}")) for f in ("instalments",
                                                                                                   "vat_rate")}
    updates |= {f"vat.{f}": draw(timed(f"vat.{f}")) for f in fields_under("vat")}
    updates |= {f"tax.{f}": draw(timed(f"tax.{f}")) for f in ("rule", "loss_years", "small_low_profit")}
    updates["settings.terms_before_start"] = draw(st.booleans())
    for balance in ("receivables", "payables"):  # as the books report them, or as the terms leave them
        updates[f"company.{balance}"] = draw(st.none() | value(f"company.{balance}", 0, 1e6))
    return updates


def scenarios(timing: bool | None = None):
    """Random valid scenarios; with ``timing`` (None: either) :func:`timing_updates` switched on."""
    plain = scenario_data().map(parse_scenario)
    if timing is False:
        return plain
    switched = plain.flatmap(lambda s: timing_updates(s).map(lambda updates: replace_fields(s, updates)))
    return switched if timing else plain | switched
