"""A fair naive loop: the benchmark yardstick for :func:`core.engine.projection.project`.

What a careful programmer writes without numpy: plain Python floats, every input read once
per path (hoisted out of the month loop), growth as running products, no per-month dict or
f-string lookups. :mod:`core.engine.reference` stays the readable oracle for the tests; it
re-reads every input every month and is several times slower, so it flatters the engine.
Returns the same monthly totals as :func:`core.engine.reference.reference_project`.
"""

from __future__ import annotations

import math
from collections import deque

from core.engine.reference import _volume_factor
from core.model import RAMP_PRODUCTIVITY, Scenario, SubscriptionStream

FUNCTIONS = ("rd", "sales", "ga", "ops")
TOTALS = ("revenue", "cost_of_revenue", "opex_total", "ebitda", "debt_service", "tax", "tax_credit", "net_burn",
          "funding_in", "cash",
          "customers", "mrr", "headcount", "tokens", "arr", "gross_profit", "new_customers", "churned_customers",
          "cost_per_million_tokens", "leavers", "ramp_fte_lost")


def stream_term(stream, pre: str, get, role: str) -> float:
    """The product of a stream's fields playing ``role`` (its ``TERMS``), each read through ``get`` (drawn or as
    written), times the role's constant; 0 when the kind has no such role."""
    fields, value = stream.TERMS.get(role, ((), 0.0))
    for f in fields:
        value *= get(f"{pre}.{f}", getattr(stream, f))
    return value


def fair_project(scenario: Scenario, draws: dict[str, float] | None = None) -> dict[str, list[float]]:
    """One path; ``draws`` maps field paths to one value. Returns the monthly lists named in :data:`TOTALS`."""
    d = draws or {}
    horizon = scenario.settings.horizon_months

    def get(path: str, value: float) -> float:
        return float(d.get(path, value))

    # per stream: [kind is subscription, units or customers, growth step, price, price step, tokens per unit,
    # unit cost, delivery share, recurring, signups, signup step, retention, trial months (whole, part), conversion, cac]
    streams = []
    for i, s in enumerate(scenario.streams):
        pre = f"streams[{i}]"

        def term(role: str, s=s, pre=pre) -> float:
            return stream_term(s, pre, get, role)

        response = _volume_factor(s, get(f"{pre}.{s.PRICE}", s.price_value())) if s.PRICE else 1.0
        price_step = (1 + term("price_growth")) * (1 - term("price_decline")) ** (1 / 12)
        row = [False, response * term("quantity"), 1 + term("growth"), term("price"), price_step, term("tokens"),
               term("unit_cost"), term("delivery_share"), s.RECURRING, 0.0, 1.0, 1.0, None, 1.0, 0.0]
        if isinstance(s, SubscriptionStream):
            row[0] = True
            row[1] = response * get(f"{pre}.starting_customers", s.starting_customers)
            row[9] = response * get(f"{pre}.new_customers_per_month", s.new_customers_per_month)
            row[10] = 1 + get(f"{pre}.new_customer_growth_monthly", s.new_customer_growth_monthly)
            row[11] = 1 - get(f"{pre}.churn_monthly", s.churn_monthly)
            if s.trial is not None:
                row[12], row[13] = s.trial.lag, get(f"{pre}.trial.conversion", s.trial.conversion)
            row[14] = get(f"{pre}.cac_per_customer", s.cac_per_customer)
        streams.append(row)
    signups_seen: list[list[float]] = [[] for _ in streams]

    ai = scenario.ai_costs
    if ai.gpu_price_per_hour is not None:
        mtok_cost = get("ai_costs.gpu_price_per_hour", ai.gpu_price_per_hour) / (
            3600 * get("ai_costs.tokens_per_second", ai.tokens_per_second or 0.0)) * 1e6
    else:
        mtok_cost = get("ai_costs.cost_per_million_tokens", ai.million_token_cost)
    mtok_step = (1 - get("ai_costs.cost_decline_yearly", ai.cost_decline_yearly)) ** (1 / 12)
    hosting = get("ai_costs.hosting_per_month", ai.hosting_per_month)
    support = get("ai_costs.support_share_of_revenue", ai.support_share_of_revenue)

    ox = scenario.opex
    salary_step = 1 + get("opex.salary_growth_yearly", ox.salary_growth_yearly)
    roles = [(round(get(f"opex.team[{j}].start_month", r.start_month)), math.inf if r.end_month is None else r.end_month,
              get(f"opex.team[{j}].headcount", r.headcount), get(f"opex.team[{j}].cost_per_head_month", r.cost_per_head_month),
              r.function == "rd")
             for j, r in enumerate(ox.team)]
    # per role: monthly attrition, replacement cost, ramp months, and the leavers of its last ``ramp`` months
    turnover = [(get(f"opex.team[{j}].attrition_monthly", r.attrition_monthly),
                 get(f"opex.team[{j}].replacement_cost", r.replacement_cost),
                 round(get(f"opex.team[{j}].ramp_months", r.ramp_months)), deque[float]()) for j, r in enumerate(ox.team)]
    fixed_opex = (get("opex.marketing_per_month", ox.marketing_per_month) + get("opex.general_admin_per_month", ox.general_admin_per_month)
                  + get("opex.other_per_month", ox.other_per_month))
    one_off, rd_one_off = [0.0] * horizon, [0.0] * horizon
    for j, c in enumerate(ox.one_off_costs):
        month = round(get(f"opex.one_off_costs[{j}].month", c.month))
        if 0 <= month < horizon:
            one_off[month] += get(f"opex.one_off_costs[{j}].cost", c.cost)
            if c.kind in ("training_run", "data"):
                rd_one_off[month] += get(f"opex.one_off_costs[{j}].cost", c.cost)
    funding_in, service, interest = [0.0] * horizon, [0.0] * horizon, [0.0] * horizon
    matching, partner = [0.0] * horizon, [0.0] * horizon
    for k, rd in enumerate(scenario.funding):
        month, amount = round(get(f"funding[{k}].month", rd.month)), get(f"funding[{k}].amount", rd.amount)
        for n in range(rd.tranches):
            if 0 <= month + n * rd.tranche_every_months < horizon:
                funding_in[month + n * rd.tranche_every_months] += amount / rd.tranches
        paying = rd.tranches * rd.tranche_every_months
        spend = amount * get(f"funding[{k}].matching_share", rd.matching_share) / paying
        for t in range(max(month, 0), min(month + paying, horizon)) if spend else ():
            matching[t] += spend
        income = get(f"funding[{k}].partner_revenue_per_month", rd.partner_revenue_per_month) if amount > 0 else 0.0
        until = horizon if rd.partner_months is None else min(month + rd.partner_months, horizon)
        for t in range(max(month, 0), until) if income else ():
            partner[t] += income
        if rd.kind == "debt":
            rate = get(f"funding[{k}].interest_rate_yearly", rd.interest_rate_yearly) / 12
            length = horizon if rd.term_months is None else rd.term_months
            grace = rd.grace_months if rd.repayment == "amortising" else length - 1
            owed, instalment = amount, (0.0 if rd.term_months is None else amount / (length - grace))
            for t in range(month + 1, min(month + length + 1, horizon)):
                interest[t] += owed * rate
                service[t] += owed * rate
                if t > month + grace:
                    service[t] += instalment
                    owed -= instalment
    tx = scenario.tax
    tax_rate, carry = get("tax.profit_tax_rate", tx.profit_tax_rate), tx.carry_forward_losses
    super_deduction, credit_rate = get("tax.rd_super_deduction", tx.rd_super_deduction), get("tax.rd_credit_rate", tx.rd_credit_rate)
    losses = get("tax.opening_tax_losses", tx.opening_tax_losses)

    months: list[tuple[float, ...]] = []
    cash = get("company.starting_cash", scenario.company.starting_cash)
    raise_factor = 1.0
    for t in range(horizon):
        revenue = recurring = tokens = delivery = cac = customers = new_total = churned = 0.0
        for row, seen in zip(streams, signups_seen, strict=True):
            units = row[1]
            trialing = 0.0
            if row[0]:
                signups = row[9]
                row[9] = signups * row[10]
                if row[12] is None:
                    new_paid = signups
                else:
                    (k, f), early = row[12], 0.0
                    seen.append(signups)
                    if t >= k:
                        early = seen[t - k]
                    late = seen[t - k - 1] if t > k else 0.0
                    new_paid = row[13] * ((1 - f) * early + f * late)
                    trialing = sum(seen[max(0, t - k + 1):]) + f * early
                churned += units * (1 - row[11])
                units = row[1] = units * row[11] + new_paid
                new_total += new_paid
                customers += units
                cac += new_paid * row[14]
            else:
                row[1] = units * row[2]
            rev = units * row[3]
            row[3] *= row[4]
            revenue += rev
            if row[8]:
                recurring += rev
            tokens += (units + trialing) * row[5]
            delivery += units * row[6] + rev * row[7]
        if t and t % 12 == 0:
            raise_factor *= salary_step
        payroll = heads = rd_spend = leavers = recruiting = ramp_lost = 0.0
        for (start, stop, count, cost, is_rd), (attrition, replacement, ramp, ramping) in zip(roles, turnover, strict=True):
            active = count if start <= t < stop else 0.0
            heads += active
            payroll += active * cost * raise_factor
            if is_rd:
                rd_spend += active * cost * raise_factor
            left = active * attrition
            leavers += left
            recruiting += left * replacement
            if ramp > 0:
                ramping.append(left)
                if len(ramping) > ramp:
                    ramping.popleft()
                ramp_lost += min(active, sum(ramping)) * (1 - RAMP_PRODUCTIVITY)
        revenue += partner[t]
        recurring += partner[t]
        cost_of_revenue = tokens * mtok_cost + hosting + revenue * support + delivery
        opex_total = payroll + one_off[t] + fixed_opex + cac + matching[t] + recruiting
        gross_profit = revenue - cost_of_revenue
        ebitda = gross_profit - opex_total
        rd_spend += rd_one_off[t]
        tax = 0.0
        if tax_rate:
            profit = ebitda - interest[t] - super_deduction * rd_spend
            used = min(losses, max(profit, 0.0)) if carry else 0.0
            tax = tax_rate * (max(profit, 0.0) - used)
            losses = losses - used if profit >= 0 else losses - profit
        credit = credit_rate * rd_spend
        net_burn = service[t] + tax - credit - ebitda
        cash += funding_in[t] - net_burn
        months.append((revenue, cost_of_revenue, opex_total, ebitda, service[t], tax, credit, net_burn, funding_in[t], cash,
                       customers, recurring, heads, tokens, 12 * recurring, gross_profit, new_total, churned, mtok_cost,
                       leavers, ramp_lost))
        mtok_cost *= mtok_step
    return {key: list(column) for key, column in zip(TOTALS, zip(*months, strict=True), strict=True)}
