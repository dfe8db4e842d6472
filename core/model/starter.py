"""A first scenario from five answers, and the defaults of a new stream, hire, cost or round.

The amounts are illustrative starting points for an early AI company (USD, scaled to the
currency by a rough price level), meant to be edited, not benchmarks.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from core.model.base import Money, Name, Share, _Model
from core.model.errors import ScenarioError, format_errors, problems_of
from core.model.files import parse_scenario
from core.model.scenario import Company, Scenario
from core.model.streams import Demand, stream_class

PRICE_LEVEL = {"USD": 1.0, "CNY": 7.0, "EUR": 0.9}
"""How many units of the currency buy what 1 USD buys in these defaults (a round figure, not a rate)."""

PAYROLL_SHARE = 0.7
"""Share of an early AI company's monthly costs that is its team, unless the founder says otherwise; the rest is
general costs."""

_STREAMS: dict[str, dict[str, object]] = {  # USD amounts, scaled by PRICE_LEVEL
    "subscription": {"starting_customers": 10, "new_customers_per_month": 5, "new_customer_growth_monthly": 0.03,
                     "churn_monthly": 0.03, "price_per_month": 500, "mtok_per_customer_month": 20,
                     "cac_per_customer": 1500},
    "usage": {"unit": "1M tokens", "volume_per_month": 2000, "volume_growth_monthly": 0.08, "price_per_unit": 2.0,
              "price_decline_yearly": 0.3, "mtok_per_unit": 1.0},
    "projects": {"deals_per_quarter": 1, "deals_growth_monthly": 0.02, "deal_size": 50000, "delivery_cost_share": 0.3},
    "data": {"contracts": 2, "contracts_growth_monthly": 0.02, "fee_per_contract_month": 3000, "delivery_cost_share": 0.1},
    "advertising": {"monthly_active_users": 50000, "mau_growth_monthly": 0.05, "impressions_per_user_month": 30,
                    "cpm": 2.0, "mtok_per_user_month": 0.01},
    "product_sales": {"units_per_month": 5, "units_growth_monthly": 0.02, "price_per_unit": 5000, "cost_per_unit": 2000},
}
_MONEY = {"price_per_month", "cac_per_customer", "price_per_unit", "deal_size", "fee_per_contract_month", "cpm",
          "cost_per_unit"}
ENGINEER = {"USD": 12_000, "CNY": 40_000, "EUR": 9_000}
"""Loaded monthly cost of one engineer in the defaults (Beijing/Shanghai for CNY, as the Company A preset notes)."""
TOKEN_USD = 0.5
"""Inference cost per 1M tokens in the defaults (USD; a served open model on rented GPUs)."""


def new_stream(kind: str, currency: str, name: str) -> dict[str, object]:
    """Plain data (every field) of a new stream of ``kind`` with illustrative amounts in ``currency``."""
    level = PRICE_LEVEL[currency]
    fields = {k: v * level if k in _MONEY else v for k, v in _STREAMS[kind].items()}  # type: ignore[operator]
    cls = stream_class(kind)
    return cls.model_validate({"name": name, **fields}).model_dump()


class Start(_Model):
    """The guided start's answers: who, in what currency, cash today, costs today, main revenue."""

    name: Name
    currency: Literal["CNY", "USD", "EUR"] = "USD"
    starting_cash: Money
    monthly_costs: Annotated[float, Field(ge=0, le=1e12)]
    payroll_share: Share = PAYROLL_SHARE
    earning: Literal["subscription", "usage", "projects", "data", "advertising", "product_sales"] = "subscription"
    start_date: date = date(2026, 1, 1)


def start_split(start: Start) -> tuple[float, float, float]:
    """How the start divides its monthly costs: (headcount in half posts, cost per head, general costs a month); the
    team takes ``payroll_share`` of the costs at the default engineer cost (``ENGINEER``), general costs the rest.

    >>> start_split(Start(name="Acme", starting_cash=1e6, monthly_costs=60_000))
    (3.5, 12000.0, 18000.0)
    >>> start_split(Start(name="Acme", starting_cash=1e6, monthly_costs=60_000, payroll_share=1.0))
    (5.0, 12000.0, 0.0)
    """
    per_head = float(ENGINEER[start.currency])
    headcount = round(start.monthly_costs * start.payroll_share / per_head * 2) / 2
    return headcount, per_head, max(start.monthly_costs - headcount * per_head, 0.0)


def starter_scenario(start: Start, stream_name: str, team_name: str) -> Scenario:
    """A sensible first scenario: one stream of the chosen kind, the team and general costs of :func:`start_split`,
    served at the default token cost.

    >>> s = starter_scenario(Start(name="Acme", starting_cash=1e6, monthly_costs=60_000), "Plan", "Team")
    >>> s.opex.team[0].headcount, s.opex.general_admin_per_month
    (3.5, 18000.0)
    """
    level = PRICE_LEVEL[start.currency]
    headcount, per_head, general = start_split(start)
    company = Company(name=start.name, currency=start.currency, starting_cash=start.starting_cash,
                      start_date=start.start_date)
    return parse_scenario({
        "company": company.model_dump(),
        "streams": [new_stream(start.earning, start.currency, stream_name)],
        "ai_costs": {"cost_per_million_tokens": TOKEN_USD * level},
        "opex": {"team": [{"role": team_name, "function": "rd", "headcount": headcount, "cost_per_head_month": per_head}],
                 "general_admin_per_month": general},
    })


def read_start(data: dict[str, object]) -> Start:
    """The guided start's answers validated, or ScenarioError naming each field."""
    try:
        return Start.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_errors(exc), problems_of(exc)) from None


def new_demand(model: str, price: float) -> dict | None:
    """A demand model to start from for a stream priced ``price`` (None for ``"none"``): a linear demand chokes at
    3 × the price, willingness to pay has its median at 1.5 × the price (1 when the price is 0), at any magnitude.

    >>> new_demand("linear", 0.004)["choke_price"], new_demand("wtp", 20.0)["median_wtp"], new_demand("none", 5.0)
    (0.012, 30.0, None)
    """
    if model == "none":
        return None
    reference = price if price > 0 else 1.0
    return Demand(model=model, choke_price=3 * reference if model == "linear" else None,
                  median_wtp=1.5 * reference if model == "wtp" else None).model_dump()
