"""Hypothesis strategies for random, valid scenarios covering every stream kind, and budgets."""

from __future__ import annotations

import os

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st

from core.model import STREAM_CLASSES, parse_scenario

EXPLORE_FACTOR = 25 if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else 1


def budget(examples: int) -> settings:
    """Settings for a property: ``examples`` examples under the ``ci`` profile, 25x under ``explore``."""
    return settings(max_examples=examples * EXPLORE_FACTOR)


money = st.floats(0, 1e6, allow_nan=False)
share = st.floats(0, 1)
growth = st.floats(-0.1, 0.15)
count = st.floats(0, 500)

STREAMS = {
    "subscription": st.fixed_dictionaries({
        "starting_customers": count, "new_customers_per_month": count, "new_customer_growth_monthly": growth,
        "churn_monthly": st.floats(0, 0.9), "price_per_month": st.floats(0, 5000), "expansion_monthly": st.floats(-0.05, 0.05),
        "mtok_per_customer_month": st.floats(0, 500), "cac_per_customer": st.floats(0, 5000),
        "trial": st.none() | st.fixed_dictionaries({"months": st.integers(0, 4), "conversion": share}),
    }),
    "usage": st.fixed_dictionaries({
        "volume_per_month": st.floats(0, 1e5), "volume_growth_monthly": growth, "price_per_unit": st.floats(0, 20),
        "price_decline_yearly": st.floats(0, 0.9), "mtok_per_unit": st.floats(0, 5),
    }),
    "projects": st.fixed_dictionaries({
        "deals_per_quarter": st.floats(0, 30), "deals_growth_monthly": growth, "deal_size": money, "delivery_cost_share": share,
    }),
    "data": st.fixed_dictionaries({
        "contracts": count, "contracts_growth_monthly": growth, "fee_per_contract_month": money, "delivery_cost_share": share,
    }),
    "advertising": st.fixed_dictionaries({
        "monthly_active_users": st.floats(0, 1e6), "mau_growth_monthly": growth, "impressions_per_user_month": st.floats(0, 200),
        "cpm": st.floats(0, 30), "mtok_per_user_month": st.floats(0, 1),
    }),
    "product_sales": st.fixed_dictionaries({
        "units_per_month": count, "units_growth_monthly": growth, "price_per_unit": money, "cost_per_unit": money,
    }),
}


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
            "headcount": draw(st.floats(0, 20)), "cost_per_head_month": draw(st.floats(0, 50000)),
            "start_month": start, "end_month": end,
            **draw(st.just({}) | st.fixed_dictionaries({    # talent: attrition, its cost and ramp-up, option grants
                "attrition_monthly": st.floats(0, 0.5), "replacement_cost": st.floats(0, 100_000),
                "ramp_months": st.integers(0, 12), "option_grant_shares": st.floats(0, 1e5)}))}


@st.composite
def rounds(draw):
    kind = draw(st.sampled_from(["equity", "debt", "grant"]))
    terms: dict = {}
    if kind == "debt":
        terms = {"interest_rate_yearly": draw(st.floats(0, 0.2)), "term_months": draw(st.none() | st.integers(1, 60))}
        if terms["term_months"] is not None and draw(st.booleans()):
            terms |= {"repayment": "amortising", "grace_months": draw(st.integers(0, terms["term_months"] - 1))}
    elif kind == "grant":
        terms = {"tranches": draw(st.integers(1, 4)), "tranche_every_months": draw(st.integers(1, 12)),
                 "matching_share": draw(st.sampled_from([0.0, 0.5, 1.0]))}
    elif draw(st.booleans()):  # a strategic investor
        terms = {"partner_revenue_per_month": draw(st.floats(0, 1e5)), "partner_months": draw(st.none() | st.integers(1, 40))}
    return {"name": "round", "month": draw(st.integers(0, 80)), "amount": draw(st.floats(0, 2e7)), "kind": kind, **terms}


@st.composite
def tax(draw):
    return {"profit_tax_rate": draw(st.sampled_from([0.0, 0.15, 0.25])), "rd_super_deduction": draw(st.floats(0, 2)),
            "rd_credit_rate": draw(st.sampled_from([0.0, 0.1])), "carry_forward_losses": draw(st.booleans()),
            "opening_tax_losses": draw(st.floats(0, 1e6))}


@st.composite
def ai_costs(draw):
    base = {"cost_decline_yearly": draw(st.floats(0, 0.9)), "hosting_per_month": draw(st.floats(0, 50000)),
            "support_share_of_revenue": draw(st.floats(0, 0.5))}
    if draw(st.booleans()):
        return {**base, "gpu_price_per_hour": draw(st.floats(0, 10)), "tokens_per_second": draw(st.floats(10, 5000))}
    return {**base, "cost_per_million_tokens": draw(st.floats(0, 20))}


rating = st.integers(1, 5)


@st.composite
def strategy(draw):
    tam = draw(st.none() | st.floats(1e6, 1e11))
    sam = None if tam is None else draw(st.none() | st.floats(0, tam))
    som = None if sam is None else draw(st.none() | st.floats(0, sam))
    ratings = {"collection": rating, "labelling": rating, "governance": rating}
    return {
        "model_quality": draw(rating),
        "verticals": draw(st.lists(st.sampled_from(["finance", "health", "retail", "legal", "media"]), max_size=5, unique=True)),
        "runway_target_months": draw(st.integers(6, 48)),
        "differentiation": {"technology": draw(rating), "user_experience": draw(rating), "service": draw(rating)},
        "market": {"tam_yearly": tam, "sam_yearly": sam, "som_yearly": som, "growth_yearly": draw(st.floats(-0.5, 5)),
                   "competition": draw(rating), "top_customer_share": draw(share)},
        "data": draw(st.none() | st.fixed_dictionaries(ratings)),
        "compliance": draw(st.none() | st.fixed_dictionaries({"privacy": rating, "regulation": rating, "ethics_review": rating})),
        "pillar_weights": draw(st.fixed_dictionaries({k: st.floats(0, 10) for k in
                                                      ("technology", "business_model", "funds", "market", "data", "compliance")})),
    }


@st.composite
def scenario_data(draw):
    return {
        "company": {"name": "Random Co", "currency": draw(st.sampled_from(["USD", "CNY", "EUR"])),
                    "starting_cash": draw(st.floats(0, 1e7))},
        "settings": {"horizon_months": draw(st.integers(12, 72)), "discount_rate_yearly": draw(st.floats(0, 1)),
                     "cash_flow_timing": draw(st.sampled_from(["end", "start"]))},
        "streams": draw(st.lists(streams(), max_size=5)),
        "ai_costs": draw(ai_costs()),
        "opex": {
            "team": draw(st.lists(roles(), max_size=4)),
            "salary_growth_yearly": draw(st.floats(0, 0.2)),
            "one_off_costs": draw(st.lists(st.fixed_dictionaries(
                {"name": st.just("run"), "kind": st.sampled_from(["training_run", "hardware", "data", "other"]),
                 "month": st.integers(0, 80), "cost": st.floats(0, 1e6)}), max_size=3)),
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


def scenarios():
    return scenario_data().map(parse_scenario)
