"""A lean naive loop: the yardstick for the books benchmark (:mod:`bench.books`).

What a careful programmer writes by hand for one scenario, without numpy: plain floats, every input read once per
path, and only what that scenario uses — its streams without demand models, a team without attrition, equity rounds,
and the timing of issue 28 (billing, collection, payment days, instalments, VAT, profit tax as filed). The fair loop
(:mod:`bench.fair`) handles every feature generically and runs about 1.8× slower than such a loop, which flatters the
engine. Returns month-end cash; ``tests/bench`` checks it against the engine.
"""

from __future__ import annotations

import functools

from bench.fair import stream_term
from core.engine.books import FILING, SMALL_LOW_PROFIT_HEADS, SMALL_LOW_PROFIT_LIMIT, SMALL_LOW_PROFIT_RATE, US_LOSS_LIMIT, lookahead
from core.model import Scenario, SubscriptionStream

USED = ("subscription", "usage", "projects", "data", "advertising", "product_sales")


def _delayed(x: list[float], days: int, before: bool = True) -> list[float]:
    k, rest = divmod(days, 30)
    f = rest / 30
    first = x[0] if before else 0.0
    return [(1 - f) * (x[t - k] if t >= k else first) + f * (x[t - k - 1] if t > k else first) for t in range(len(x))]


def _drawn(draws: dict[str, float], path: str, value: float) -> float:
    return float(draws.get(path, value))


def lean_project(scenario: Scenario, draws: dict[str, float] | None = None) -> list[float]:
    """One path's month-end cash; ``draws`` maps field paths to one value (the benchmark's drawn inputs)."""
    horizon = scenario.settings.horizon_months
    get = functools.partial(_drawn, draws or {})
    streams = []
    for i, s in enumerate(scenario.streams):
        pre = f"streams[{i}]"
        assert s.kind in USED and getattr(s, "demand", None) is None, "the lean loop has no demand models"
        term = functools.partial(stream_term, s, pre, get)

        sub = isinstance(s, SubscriptionStream)
        streams.append({
            "sub": sub, "units": get(f"{pre}.starting_customers", s.starting_customers) if sub else term("quantity"),
            "step": 1 + term("growth"), "price": term("price"),
            "price_step": (1 + term("price_growth")) * (1 - term("price_decline")) ** (1 / 12),
            "tokens": term("tokens"), "unit_cost": term("unit_cost"), "share": term("delivery_share"),
            "signups": get(f"{pre}.new_customers_per_month", s.new_customers_per_month) if sub else 0.0,
            "signup_step": 1 + get(f"{pre}.new_customer_growth_monthly", s.new_customer_growth_monthly) if sub else 1.0,
            "keep": 1 - get(f"{pre}.churn_monthly", s.churn_monthly) if sub else 1.0,
            "trial": (s.trial.lag, get(f"{pre}.trial.conversion", s.trial.conversion)) if sub and s.trial else None,
            "cac": get(f"{pre}.cac_per_customer", s.cac_per_customer) if sub else 0.0, "seen": [], "revenue": []})
    ai, ox = scenario.ai_costs, scenario.opex
    mtok = (get("ai_costs.gpu_price_per_hour", ai.gpu_price_per_hour or 0.0) / (3600 * (ai.tokens_per_second or 1.0)) * 1e6
            if ai.gpu_price_per_hour is not None else get("ai_costs.cost_per_million_tokens", ai.million_token_cost))
    mtok_step = (1 - get("ai_costs.cost_decline_yearly", ai.cost_decline_yearly)) ** (1 / 12)
    hosting, support = ai.hosting_per_month, ai.support_share_of_revenue
    roles = [(round(get(f"opex.team[{j}].start_month", r.start_month)), r.headcount, r.cost_per_head_month, r.function == "rd")
             for j, r in enumerate(ox.team)]
    fixed = ox.marketing_per_month + ox.general_admin_per_month + ox.other_per_month
    one_off, rd_one_off = [0.0] * horizon, [0.0] * horizon
    for c in ox.one_off_costs:
        assert c.instalments == 1 and not c.vat_rate, "the lean loop pays one-offs in their month, without VAT"
        one_off[c.month] += c.cost
        rd_one_off[c.month] += c.cost if c.kind in ("training_run", "data") else 0.0
    funding_in = [0.0] * horizon
    for k, r in enumerate(scenario.funding):
        assert r.kind == "equity", "the lean loop has equity rounds only"
        month = round(get(f"funding[{k}].month", r.month))
        if 0 <= month < horizon:
            funding_in[month] += r.amount

    # --- the month's P&L lines ------------------------------------------------------------------------------------
    inference, other_cor, cac_spend, payroll, rd_spend = ([0.0] * horizon for _ in range(5))
    raise_factor, salary_step = 1.0, 1 + ox.salary_growth_yearly
    ahead = lookahead(scenario)  # the revenue the last months' bills read past the horizon
    for t in range(horizon + ahead):
        tokens = delivery = revenue = cac = 0.0
        for st in streams:
            trialing = 0.0
            if st["sub"]:
                signups = st["signups"]
                st["signups"] *= st["signup_step"]
                new = signups
                if st["trial"] is not None:
                    (k, f), conv = st["trial"]
                    st["seen"].append(signups)
                    seen = st["seen"]
                    early = seen[t - k] if t >= k else 0.0
                    new = conv * ((1 - f) * early + f * (seen[t - k - 1] if t > k else 0.0))
                    trialing = sum(seen[max(0, t - k + 1):]) + f * early
                st["units"] = units = st["units"] * st["keep"] + new
                cac += new * st["cac"]
            else:
                units = st["units"]
                st["units"] *= st["step"]
            rev = units * st["price"]
            st["price"] *= st["price_step"]
            st["revenue"].append(rev)
            revenue += rev
            tokens += (units + trialing) * st["tokens"]
            delivery += units * st["unit_cost"] + rev * st["share"]
        if t >= horizon:
            continue
        if t and t % 12 == 0:
            raise_factor *= salary_step
        for start, count, cost, is_rd in roles:
            if t >= start:
                payroll[t] += count * cost * raise_factor
                rd_spend[t] += count * cost * raise_factor if is_rd else 0.0
        rd_spend[t] += rd_one_off[t]
        inference[t] = tokens * mtok
        mtok *= mtok_step
        other_cor[t] = hosting + revenue * support + delivery
        cac_spend[t] = cac

    # --- when it is paid ------------------------------------------------------------------------------------------
    working, vat, bad = [0.0] * horizon, [0.0] * horizon, [0.0] * horizon
    in_place = scenario.settings.terms_before_start  # the payment terms and VAT ran before the start
    for s, st in zip(scenario.streams, streams, strict=True):
        rev = st["revenue"]
        bills = rev
        if s.billing == "annual":
            window = sum(rev[:12])
            bills = []
            for t in range(horizon):
                bills.append(window / 12)
                window += rev[t + 12] - rev[t] if t + 12 < len(rev) else 0.0
        if s.upfront_share:
            u, lead = s.upfront_share, s.upfront_months
            bills = [(1 - u) * bills[t] + u * rev[t + lead] for t in range(horizon)]
        due = _delayed([(1 + s.vat_rate) * b for b in bills], s.payment_days, in_place)
        for t in range(horizon):
            working[t] += rev[t] - due[t]
            vat[t] += s.vat_rate * bills[t]
            bad[t] += s.bad_debt_share * due[t]
    for lines, taxed, rate, days in ((inference, inference, ai.vat_rate, ai.payment_days),
                                     (other_cor, None, ai.vat_rate, ai.payment_days),
                                     (cac_spend, cac_spend, ox.vat_rate, ox.payment_days)):
        gross = [x * (1 + rate) if taxed is not None else x for x in lines]
        if taxed is None and rate:  # hosting carries VAT, support and delivery do not
            gross = [x + rate * hosting for x in gross]
        paid = _delayed(gross, days, in_place)
        for t in range(horizon):
            working[t] += paid[t] - lines[t]
            vat[t] -= gross[t] - lines[t]
    fixed_paid = _delayed([fixed * (1 + ox.vat_rate)] * horizon, ox.payment_days, in_place)  # paid the same each month,
    for t in range(horizon):                                                                # once the terms run
        working[t] += fixed_paid[t] - fixed
        vat[t] -= fixed * ox.vat_rate
    quarterly = scenario.vat.filing == "quarterly"
    size = 3 if quarterly else 1
    before = (scenario.company.start_date.month - 1) % size or size
    vat_paid, credit = [0.0] * horizon, 0.0
    for first in range(-before, horizon, size):
        if first + size > horizon:
            break
        period = sum(vat[t] if t >= 0 else vat[0] * in_place for t in range(first, first + size)) - credit
        credit = max(-period, 0.0)
        if first + size < horizon:
            vat_paid[first + size] = max(period, 0.0)

    # --- the P&L, tax as filed and the cash ------------------------------------------------------------------------
    profit = []
    for t in range(horizon):
        ebitda = (sum(st["revenue"][t] for st in streams) - inference[t] - other_cor[t] - payroll[t] - one_off[t]
                  - fixed - cac_spend[t] - bad[t] - scenario.vat.surcharge_rate * vat_paid[t])
        profit.append((ebitda, ebitda - scenario.tax.rd_super_deduction * rd_spend[t]))
    tax_paid = (_filed_tax(scenario, [p for _, p in profit], sum(r[1] for r in roles)) if scenario.tax.rule != "simple"
                else _monthly_tax(scenario, [p for _, p in profit]))
    cash, out = get("company.starting_cash", scenario.company.starting_cash), []
    for t in range(horizon):
        cash += funding_in[t] + profit[t][0] - working[t] - vat_paid[t] - tax_paid[t]
        out.append(cash)
    return out


def _monthly_tax(scenario: Scenario, profit: list[float]) -> list[float]:
    """Profit tax paid by month under the ``simple`` rule: losses carried forward, no expiry."""
    losses, paid = scenario.tax.opening_tax_losses, []
    for p in profit:
        used = min(losses, max(p, 0.0))
        paid.append(scenario.tax.profit_tax_rate * (max(p, 0.0) - used))
        losses = losses - used if p >= 0 else losses - p
    return paid


def _filed_tax(scenario: Scenario, profit: list[float], heads: float) -> list[float]:
    """Profit tax paid by month under the scenario's yearly rule (``china`` or ``us``)."""
    tx, horizon = scenario.tax, len(profit)
    first = scenario.company.start_date.month - 1
    rule, rate = tx.rule, tx.profit_tax_rate
    life = tx.loss_years if rule == "china" else horizon
    limit = US_LOSS_LIMIT if rule == "us" else 1.0
    pool = [[tx.opening_tax_losses, -1]]
    paid = [0.0] * horizon
    prepay, (settle, settle_offset) = FILING[rule]
    year = 0
    while year * 12 - first < horizon:
        months = range(max(year * 12 - first, 0), min((year + 1) * 12 - first, horizon))
        pool = [p for p in pool if year - p[1] <= life]
        available = sum(p[0] for p in pool)

        def owed(gain: float, available=available) -> float:
            taxable = max(gain, 0.0) - min(available, limit * max(gain, 0.0))
            small = rule == "china" and tx.small_low_profit and heads <= SMALL_LOW_PROFIT_HEADS
            return (SMALL_LOW_PROFIT_RATE if small and taxable <= SMALL_LOW_PROFIT_LIMIT else rate) * taxable

        to_date, so_far, running = {}, 0.0, 0.0
        for t in months:
            running += profit[t]
            to_date[t] = running
        for pay_month, offset, through in prepay:
            t, upto = (year + offset) * 12 + pay_month - 1 - first, year * 12 + through - 1 - first
            if upto in to_date and t < horizon:
                amount = max(owed(to_date[upto]) - so_far, 0.0)
                paid[t] += amount
                so_far += amount
        t = (year + settle_offset) * 12 + settle - 1 - first
        if 0 <= t < horizon:
            paid[t] += owed(running) - so_far
        used = min(available, limit * max(running, 0.0))
        for p in pool:
            take = min(p[0], used)
            p[0] -= take
            used -= take
        pool.append([max(-running, 0.0), year])
        year += 1
    return paid
