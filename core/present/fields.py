"""What the scenario editor shows for each field: its kind of input, by generic path.

A generic path drops list indices (``streams[2].churn_monthly`` → ``streams.churn_monthly``);
its label is the locale key ``edit.<path>`` and its help ``edit.<path>.help``. Kinds:
``text``, ``choice`` (a Literal), ``date``, ``money`` (the scenario currency), ``percent``
(a decimal shown ×100), ``count``, ``number`` (a plain quantity), ``month`` (a month index),
``whole`` (an integer), ``rating`` (1–5), ``weight``, ``toggle``, ``list`` (of names).
A kind ending in ``?`` may be left empty (None; an empty ``text?`` is ""). Fields not listed here (``risk.inputs``,
``risk.rounds``, ``risk.correlations``, ``strategy.factor_weights``) are kept as they are and
edited in the Risk lab or a file.
"""

from __future__ import annotations

import re

from core.model.streams import stream_class

SPECIAL_STREAM_FIELDS = ("kind", "name", "trial", "demand")

FIELDS: dict[str, str] = {
    "company.name": "text", "company.vertical": "text", "company.stage": "choice", "company.currency": "choice",
    "company.start_date": "date", "company.starting_cash": "money",
    "company.founder_shares": "count", "company.option_pool_shares": "count",
    "settings.horizon_months": "whole", "settings.discount_rate_yearly": "percent", "settings.cash_flow_timing": "choice",
    "settings.capital_return_note": "toggle",
    "streams.name": "text", "streams.unit": "text",
    "streams.starting_customers": "count", "streams.new_customers_per_month": "count",
    "streams.new_customer_growth_monthly": "percent", "streams.churn_monthly": "percent",
    "streams.price_per_month": "money", "streams.expansion_monthly": "percent",
    "streams.mtok_per_customer_month": "number", "streams.cac_per_customer": "money",
    "streams.trial.months": "whole", "streams.trial.conversion": "percent",
    "streams.volume_per_month": "count", "streams.volume_growth_monthly": "percent", "streams.price_per_unit": "money",
    "streams.price_decline_yearly": "percent", "streams.mtok_per_unit": "number",
    "streams.deals_per_quarter": "count", "streams.deals_growth_monthly": "percent", "streams.deal_size": "money",
    "streams.delivery_cost_share": "percent",
    "streams.contracts": "count", "streams.contracts_growth_monthly": "percent", "streams.fee_per_contract_month": "money",
    "streams.monthly_active_users": "count", "streams.mau_growth_monthly": "percent",
    "streams.impressions_per_user_month": "number", "streams.cpm": "money", "streams.mtok_per_user_month": "number",
    "streams.units_per_month": "count", "streams.units_growth_monthly": "percent", "streams.cost_per_unit": "money",
    "streams.demand.model": "choice", "streams.demand.elasticity": "number", "streams.demand.choke_price": "money?",
    "streams.demand.median_wtp": "money?", "streams.demand.wtp_sigma": "number",
    "streams.demand.reference_price": "money?",
    "ai_costs.cost_per_million_tokens": "money?", "ai_costs.gpu_price_per_hour": "money?",
    "ai_costs.tokens_per_second": "number?", "ai_costs.cost_decline_yearly": "percent",
    "ai_costs.hosting_per_month": "money", "ai_costs.support_share_of_revenue": "percent",
    "opex.salary_growth_yearly": "percent", "opex.marketing_per_month": "money",
    "opex.general_admin_per_month": "money", "opex.other_per_month": "money",
    "opex.team.role": "text", "opex.team.function": "choice", "opex.team.headcount": "number",
    "opex.team.cost_per_head_month": "money", "opex.team.start_month": "month", "opex.team.end_month": "month?",
    "opex.team.attrition_monthly": "percent", "opex.team.replacement_cost": "money", "opex.team.ramp_months": "whole",
    "opex.team.option_grant_shares": "count",
    "opex.one_off_costs.name": "text", "opex.one_off_costs.kind": "choice", "opex.one_off_costs.month": "month",
    "opex.one_off_costs.cost": "money",
    "funding.name": "text", "funding.kind": "choice", "funding.month": "month", "funding.amount": "money",
    "funding.pre_money_valuation": "money?", "funding.interest_rate_yearly": "percent", "funding.term_months": "whole?",
    "funding.valuation_cap": "money?", "funding.discount": "percent", "funding.pool_target": "percent",
    "funding.pool_timing": "choice", "funding.anti_dilution": "choice", "funding.liquidation_multiple": "number",
    "funding.participating": "toggle", "funding.tranches": "whole", "funding.tranche_every_months": "whole",
    "funding.matching_share": "percent", "funding.repayment": "choice", "funding.grace_months": "whole",
    "funding.partner_revenue_per_month": "money", "funding.partner_months": "whole?", "funding.exclusivity": "text?",
    "tax.profit_tax_rate": "percent", "tax.rd_super_deduction": "percent", "tax.rd_credit_rate": "percent",
    "tax.carry_forward_losses": "toggle", "tax.opening_tax_losses": "money",
    "strategy.model_quality": "rating", "strategy.verticals": "list", "strategy.runway_target_months": "whole",
    "strategy.differentiation.technology": "rating", "strategy.differentiation.user_experience": "rating",
    "strategy.differentiation.service": "rating",
    "strategy.market.tam_yearly": "money?", "strategy.market.sam_yearly": "money?", "strategy.market.som_yearly": "money?",
    "strategy.market.growth_yearly": "percent", "strategy.market.competition": "rating",
    "strategy.market.top_customer_share": "percent",
    "strategy.data.collection": "rating", "strategy.data.labelling": "rating", "strategy.data.governance": "rating",
    "strategy.compliance.privacy": "rating", "strategy.compliance.regulation": "rating",
    "strategy.compliance.ethics_review": "rating",
    "strategy.pillar_weights.technology": "weight", "strategy.pillar_weights.business_model": "weight",
    "strategy.pillar_weights.funds": "weight", "strategy.pillar_weights.market": "weight",
    "strategy.pillar_weights.data": "weight", "strategy.pillar_weights.compliance": "weight",
    "risk.seed": "whole", "risk.paths": "whole", "risk.default_inputs": "toggle", "risk.survival_month": "whole",
}

TABLES: dict[str, tuple[str, ...]] = {
    "opex.team": ("role", "function", "headcount", "cost_per_head_month", "start_month", "end_month", "attrition_monthly",
                  "replacement_cost", "ramp_months", "option_grant_shares"),
    "opex.one_off_costs": ("name", "kind", "month", "cost"),
    "funding": ("name", "kind", "month", "amount", "pre_money_valuation", "valuation_cap", "discount", "interest_rate_yearly",
                "term_months", "repayment", "grace_months", "tranches", "tranche_every_months", "matching_share",
                "partner_revenue_per_month", "partner_months", "exclusivity",
                "pool_target", "pool_timing", "anti_dilution", "liquidation_multiple", "participating"),
}
"""The lists edited as tables, with their columns in order."""


def generic(path: str) -> str:
    """The path without list indices: ``streams[2].trial.months`` → ``streams.trial.months``."""
    return re.sub(r"\[\d+\]", "", path)


def kind_of(path: str) -> str:
    """The input kind of a field path (KeyError for a field the editor does not show)."""
    return FIELDS[generic(path)]


def stream_fields(kind: str) -> tuple[str, ...]:
    """The fields of a stream of ``kind`` in the editor, in the class's order (name, trial and demand apart)."""
    cls = stream_class(kind)
    return tuple(f for f in cls.model_fields if f not in SPECIAL_STREAM_FIELDS)
