"""A slow, obvious, month-by-month reference of the engine, in plain Python floats.

Written independently of :mod:`core.engine.projection` (no shared helpers, no numpy) and
following its documented conventions, so the tests can use it as an oracle and the
benchmark can report the speed-up of the vectorised engine over it.
"""

from __future__ import annotations

import math

from core.model import RAMP_PRODUCTIVITY, Scenario
from core.model.streams import TRIAL_MONTH_DAYS


def _get(obj, path: str, draws: dict, key: str) -> float:
    return float(draws.get(f"{path}.{key}", getattr(obj, key)))


def _volume_factor(stream, price: float) -> float:
    """q(price) / q(reference) for the stream's demand model, from the formulas in core.model.Demand."""
    demand = stream.demand
    if demand is None:
        return 1.0
    ref = demand.reference_price or getattr(stream, stream.PRICE)
    price = max(price, 1e-9 * ref)
    if demand.model == "constant_elasticity":
        return (price / ref) ** -demand.elasticity
    if demand.model == "linear":
        return max(0.0, (demand.choke_price - price) / (demand.choke_price - ref))

    def share(p: float) -> float:  # P(lognormal WTP > p) = Q((ln p - ln median) / sigma)
        return 0.5 * math.erfc((math.log(p) - math.log(demand.median_wtp)) / demand.wtp_sigma / math.sqrt(2))

    return share(price) / share(ref)


FUNCTIONS = ("rd", "sales", "ga", "ops")


def reference_project(scenario: Scenario, draws: dict[str, float] | None = None) -> dict[str, list[float]]:
    """One path. ``draws`` maps field paths to a single value. Returns monthly lists.

    Each key names the :class:`core.engine.projection.Projection` array (path 0) it checks.
    """
    return reference_breakdown(scenario, draws)[0]


def reference_breakdown(scenario: Scenario, draws: dict[str, float] | None = None) -> tuple[dict[str, list[float]], dict]:
    """One path: (the monthly totals of :func:`reference_project`, the breakdowns).

    The breakdowns: ``stream_revenue``, ``stream_units`` (a subscription: paying customers)
    and ``round_flows`` (money in minus debt service and matching spend, plus partner revenue), each a list (one
    per stream / round) of monthly lists; ``cost_of_revenue_items`` (inference, hosting, support, delivery),
    ``opex`` (payroll, one_off, sales_marketing, general_admin, other, grant_matching, recruiting),
    ``payroll_by_function``, ``headcount_by_function``, ``leavers_by_function`` and
    ``ramp_lost_by_function`` (rd, sales, ga, ops), each a dict of monthly lists.
    """
    d = draws or {}
    horizon = scenario.settings.horizon_months
    ai = scenario.ai_costs
    if ai.gpu_price_per_hour is not None:
        gpu = _get(ai, "ai_costs", d, "gpu_price_per_hour")
        tps = _get(ai, "ai_costs", d, "tokens_per_second")
        mtok_cost0 = gpu / (3600 * tps) * 1_000_000
    else:
        mtok_cost0 = float(d.get("ai_costs.cost_per_million_tokens", ai.cost_per_million_tokens or 0.0))

    # state carried from month to month
    subs_customers = {}
    signup_history: dict[int, list[float]] = {}
    for i, s in enumerate(scenario.streams):
        if s.kind == "subscription":
            price = _get(s, f"streams[{i}]", d, "price_per_month")
            subs_customers[i] = _volume_factor(s, price) * _get(s, f"streams[{i}]", d, "starting_customers")
            signup_history[i] = []

    cash = float(d.get("company.starting_cash", scenario.company.starting_cash))
    tax_losses = _get(scenario.tax, "tax", d, "opening_tax_losses")  # carried forward
    partners = [rd for rd in scenario.funding if rd.partner_revenue_per_month]
    out: dict[str, list] = {k: [] for k in (
        "revenue", "cost_of_revenue", "opex_total", "ebitda", "debt_service", "tax", "tax_credit", "net_burn",
        "funding_in", "cash", "customers", "mrr", "headcount", "tokens",
        "arr", "gross_profit", "new_customers", "churned_customers", "cost_per_million_tokens", "leavers",
        "ramp_fte_lost")}
    lines: dict = {
        "stream_revenue": [[] for _ in (*scenario.streams, *partners)],
        "stream_units": [[] for _ in (*scenario.streams, *partners)],
        "round_flows": [[] for _ in scenario.funding],
        "cost_of_revenue_items": {k: [] for k in ("inference", "hosting", "support", "delivery")},
        "opex": {k: [] for k in ("payroll", "one_off", "sales_marketing", "general_admin", "other", "grant_matching",
                                 "recruiting")},
        "payroll_by_function": {k: [] for k in FUNCTIONS},
        "headcount_by_function": {k: [] for k in FUNCTIONS},
        "leavers_by_function": {k: [] for k in FUNCTIONS},
        "ramp_lost_by_function": {k: [] for k in FUNCTIONS},
    }
    left_history: list[list[float]] = [[] for _ in scenario.opex.team]  # each role's leavers, month by month
    for t in range(horizon):
        revenue = recurring = tokens = delivery = cac = customers_total = new_total = churned_total = 0.0
        for i, s in enumerate(scenario.streams):
            p = f"streams[{i}]"
            g = lambda k, s=s, p=p: _get(s, p, d, k)  # noqa: E731
            response = _volume_factor(s, g(s.PRICE)) if s.PRICE else 1.0
            if s.kind == "subscription":
                signups = response * g("new_customers_per_month") * (1 + g("new_customer_growth_monthly")) ** t
                signup_history[i].append(signups)
                trialing = 0.0
                if s.trial is None:
                    new_paid = signups
                else:
                    months = s.trial.days / TRIAL_MONTH_DAYS  # k whole months, and f of the cohort k months back still trying
                    k, f = math.floor(months), months - math.floor(months)
                    conv = float(d.get(f"{p}.trial.conversion", s.trial.conversion))
                    seen = signup_history[i]
                    new_paid = conv * ((1 - f) * (seen[t - k] if t >= k else 0.0) + f * (seen[t - k - 1] if t > k else 0.0))
                    trialing = sum(seen[max(0, t - k + 1): t + 1]) + (f * seen[t - k] if t >= k else 0.0)
                c = subs_customers[i] * (1 - g("churn_monthly")) + new_paid
                churned_total += subs_customers[i] * g("churn_monthly")
                new_total += new_paid
                subs_customers[i] = c
                units = c
                rev = c * g("price_per_month") * (1 + g("expansion_monthly")) ** t
                tokens += (c + trialing) * g("mtok_per_customer_month")
                cac += new_paid * g("cac_per_customer")
                customers_total += c
                recurring += rev
            elif s.kind == "usage":
                vol = units = response * g("volume_per_month") * (1 + g("volume_growth_monthly")) ** t
                rev = vol * g("price_per_unit") * (1 - g("price_decline_yearly")) ** (t / 12)
                tokens += vol * g("mtok_per_unit")
                recurring += rev
            elif s.kind == "projects":
                deals = units = response * g("deals_per_quarter") / 3 * (1 + g("deals_growth_monthly")) ** t
                rev = deals * g("deal_size")
                delivery += rev * g("delivery_cost_share")
            elif s.kind == "data":
                n = units = response * g("contracts") * (1 + g("contracts_growth_monthly")) ** t
                rev = n * g("fee_per_contract_month")
                delivery += rev * g("delivery_cost_share")
                recurring += rev
            elif s.kind == "advertising":
                users = units = g("monthly_active_users") * (1 + g("mau_growth_monthly")) ** t
                rev = users * g("impressions_per_user_month") / 1000 * g("cpm")
                tokens += users * g("mtok_per_user_month")
            elif s.kind == "product_sales":
                units = response * g("units_per_month") * (1 + g("units_growth_monthly")) ** t
                rev = units * g("price_per_unit")
                delivery += units * g("cost_per_unit")
            else:  # pragma: no cover - a new kind must be added here too
                raise NotImplementedError(s.kind)
            revenue += rev
            lines["stream_revenue"][i].append(rev)
            lines["stream_units"][i].append(units)

        funding = debt_service = interest = matching = 0.0
        partner_revenue = []
        for k, rd in enumerate(scenario.funding):
            p = f"funding[{k}]"
            month = round(float(d.get(f"{p}.month", rd.month)))
            amount = _get(rd, p, d, "amount")
            since = t - month
            paying = rd.tranches * rd.tranche_every_months
            money_in = amount / rd.tranches if 0 <= since < paying and since % rd.tranche_every_months == 0 else 0.0
            service = flow_extra = 0.0
            if rd.kind == "debt":
                rate = _get(rd, p, d, "interest_rate_yearly") / 12
                term = rd.term_months
                if term is None:  # interest for ever, no principal
                    service = amount * rate if since > 0 else 0.0
                    interest += service
                else:
                    grace = rd.grace_months if rd.repayment == "amortising" else term - 1
                    instalment = amount / (term - grace)
                    if 0 < since <= term:
                        owed = amount - instalment * max(0, since - 1 - grace)
                        interest += owed * rate
                        service += owed * rate
                    if grace < since <= term:
                        service += instalment
            if rd.matching_share and 0 <= since < paying:
                spend = amount * _get(rd, p, d, "matching_share") / paying
                matching += spend
                flow_extra -= spend
            if rd.partner_revenue_per_month:
                months = rd.partner_months if rd.partner_months is not None else math.inf
                earned = _get(rd, p, d, "partner_revenue_per_month") if 0 <= since < months and amount > 0 else 0.0
                partner_revenue.append(earned)
                flow_extra += earned
            funding += money_in
            debt_service += service
            lines["round_flows"][k].append(money_in - service + flow_extra)
        for n, earned in enumerate(partner_revenue):
            lines["stream_revenue"][len(scenario.streams) + n].append(earned)
            lines["stream_units"][len(scenario.streams) + n].append(1.0 if earned > 0 else 0.0)
        revenue += sum(partner_revenue)
        recurring += sum(partner_revenue)

        mtok_cost = mtok_cost0 * (1 - _get(ai, "ai_costs", d, "cost_decline_yearly")) ** (t / 12)
        items = {
            "inference": tokens * mtok_cost,
            "hosting": _get(ai, "ai_costs", d, "hosting_per_month"),
            "support": revenue * _get(ai, "ai_costs", d, "support_share_of_revenue"),  # partners' revenue included
            "delivery": delivery,
        }
        cost_of_revenue = items["inference"] + items["hosting"] + items["support"] + items["delivery"]

        ox = scenario.opex
        raise_factor = (1 + _get(ox, "opex", d, "salary_growth_yearly")) ** (t // 12)
        payroll = heads_total = recruiting = 0.0
        by_function = dict.fromkeys(FUNCTIONS, 0.0)
        team = {key: dict.fromkeys(FUNCTIONS, 0.0) for key in ("headcount", "leavers", "ramp_lost")}
        for j, r in enumerate(ox.team):
            p = f"opex.team[{j}]"
            start = round(float(d.get(f"{p}.start_month", r.start_month)))
            heads = 0.0
            if t >= start and (r.end_month is None or t < r.end_month):
                heads = _get(r, p, d, "headcount")
                heads_total += heads
                pay = heads * _get(r, p, d, "cost_per_head_month") * raise_factor
                payroll += pay
                by_function[r.function] += pay
            # talent: leavers replaced at once, each costing replacement_cost, ramping up at half productivity
            left = heads * _get(r, p, d, "attrition_monthly")
            left_history[j].append(left)
            recruiting += left * _get(r, p, d, "replacement_cost")
            ramp = round(float(d.get(f"{p}.ramp_months", r.ramp_months)))
            in_ramp = sum(left_history[j][max(0, t - ramp + 1):]) if ramp > 0 else 0.0
            team["headcount"][r.function] += heads
            team["leavers"][r.function] += left
            team["ramp_lost"][r.function] += min(heads, in_ramp) * (1 - RAMP_PRODUCTIVITY)
        one_off = rd_one_off = 0.0
        for j, one_off_cost in enumerate(ox.one_off_costs):
            p = f"opex.one_off_costs[{j}]"
            if t == round(float(d.get(f"{p}.month", one_off_cost.month))):
                one_off += _get(one_off_cost, p, d, "cost")
                if one_off_cost.kind in ("training_run", "data"):  # R&D for tax
                    rd_one_off += _get(one_off_cost, p, d, "cost")
        categories = {
            "payroll": payroll,
            "one_off": one_off,
            "sales_marketing": _get(ox, "opex", d, "marketing_per_month") + cac,
            "general_admin": _get(ox, "opex", d, "general_admin_per_month"),
            "other": _get(ox, "opex", d, "other_per_month"),
            "grant_matching": matching,
            "recruiting": recruiting,
        }
        opex_total = sum(categories.values())

        ebitda = revenue - cost_of_revenue - opex_total
        rd_spend = by_function["rd"] + rd_one_off
        tx = scenario.tax
        profit = ebitda - interest - _get(tx, "tax", d, "rd_super_deduction") * rd_spend
        if tx.carry_forward_losses:
            used = min(tax_losses, max(profit, 0.0))
            taxable = max(profit, 0.0) - used
            tax_losses += -used if profit >= 0 else -profit
        else:
            taxable = max(profit, 0.0)
        tax = _get(tx, "tax", d, "profit_tax_rate") * taxable
        credit = _get(tx, "tax", d, "rd_credit_rate") * rd_spend
        net_burn = debt_service + tax - credit - ebitda
        cash += funding - net_burn
        for key, value in (
            ("revenue", revenue), ("cost_of_revenue", cost_of_revenue), ("opex_total", opex_total),
            ("ebitda", ebitda), ("debt_service", debt_service), ("tax", tax), ("tax_credit", credit), ("net_burn", net_burn),
            ("funding_in", funding), ("cash", cash), ("customers", customers_total),
            ("mrr", recurring), ("headcount", heads_total), ("tokens", tokens),
            ("arr", 12 * recurring), ("gross_profit", revenue - cost_of_revenue), ("new_customers", new_total),
            ("churned_customers", churned_total), ("cost_per_million_tokens", mtok_cost),
            ("leavers", sum(team["leavers"].values())), ("ramp_fte_lost", sum(team["ramp_lost"].values())),
        ):
            out[key].append(value)
        for group, values in (("cost_of_revenue_items", items), ("opex", categories), ("payroll_by_function", by_function),
                              ("headcount_by_function", team["headcount"]), ("leavers_by_function", team["leavers"]),
                              ("ramp_lost_by_function", team["ramp_lost"])):
            for key, value in values.items():
                lines[group][key].append(value)
    return out, lines
