"""A slow, obvious, month-by-month reference of the engine, in plain Python floats.

Written independently of :mod:`core.engine.projection` (no shared helpers, no numpy) and
following its documented conventions (and those of :mod:`core.engine.books` for when money moves), so the
tests can use it as an oracle and the benchmark can report the speed-up of the vectorised engine over it.

The P&L lines are one pass over the months; billing, collection, paying and VAT a second (annual billing reads
revenue a year ahead); the profit tax a third (the yearly rules settle a year later); cash the last.
"""

from __future__ import annotations

import math
from datetime import date

from core.model import RAMP_PRODUCTIVITY, Scenario, Tax
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
DAYS_PER_MONTH = 30
OPEX = ("payroll", "one_off", "sales_marketing", "general_admin", "other", "grant_matching", "recruiting", "bad_debt",
        "vat_surcharges")
PAID_LATER = ("sales_marketing", "general_admin", "other", "grant_matching", "recruiting")  # opex.payment_days
WITH_INPUT_VAT = ("sales_marketing", "general_admin", "other")                            # at opex.vat_rate
FILING = {"china": ((4, 7, 10, 1), 5), "us": ((4, 6, 9, 12), 4)}
"""Each yearly rule's prepayment months (on the year-to-date tax to the month before) and settlement month (of
the year before)."""


def _billed(revenue: list[float], billing: str, upfront: float, lead: int) -> list[float]:
    """Billed each month (net of VAT): ``(1 − upfront) M_t + upfront R_{t+lead}`` with ``M_t = R_t`` (monthly) or
    ``(R_t + … + R_{t+11}) / 12`` (annual); revenue past the horizon at its last month's."""
    last = len(revenue) - 1

    def earned(t: int) -> float:
        return revenue[min(t, last)]

    out = []
    for t in range(len(revenue)):
        month = sum(earned(t + j) for j in range(12)) / 12 if billing == "annual" else earned(t)
        out.append((1 - upfront) * month + upfront * earned(t + lead))
    return out


def _paid_later(amounts: list[float], days: int, before: bool = True) -> list[float]:
    """What falls due each month of ``amounts`` owed ``days`` later: ``1 − f`` of the amount of ``k`` months back and
    ``f`` of ``k + 1`` months back (``k = days // 30``, ``f = days % 30 / 30``), the months before the start at
    month 0's (``before``: the terms ran before it) or nothing."""
    k, f = days // DAYS_PER_MONTH, days % DAYS_PER_MONTH / DAYS_PER_MONTH

    def owed(t: int) -> float:
        return amounts[t] if t >= 0 else amounts[0] * before

    return [(1 - f) * owed(t - k) + f * owed(t - k - 1) for t in range(len(amounts))]


def _unpaid_at_start(monthly: float, days: int) -> float:
    """What a steady ``monthly`` amount, each paid ``days`` later (:func:`_paid_later`), leaves unpaid at the start:
    the parts of the payments from month 0 on that come from months before it."""
    k, f = days // DAYS_PER_MONTH, days % DAYS_PER_MONTH / DAYS_PER_MONTH
    return monthly * sum((1 - f) * (t - k < 0) + f * (t - k - 1 < 0) for t in range(k + 2))


def _deferred_at_start(revenue: list[float], billing: str, upfront: float, lead: int) -> float:
    """What the bills before the start (:func:`_billed`) cover of the revenue from month 0 on: an annual bill of
    month ``s < 0`` a twelfth of each month to ``s + 11``, the upfront share of month ``s`` the revenue of
    ``s + lead``."""
    last = len(revenue) - 1
    ahead = sum(revenue[min(j, last)] / 12 for s in range(-11, 0) for j in range(s + 12)) if billing == "annual" else 0.0
    return (1 - upfront) * ahead + upfront * sum(revenue[min(j, last)] for j in range(lead))


def _vat_paid(net: list[float], quarterly: bool, start: date, before: bool = True) -> tuple[list[float], float]:
    """(VAT paid each month, VAT owed at the start) on the month's net VAT (output − input): summed over each month
    or calendar quarter, less the credit carried from earlier periods, paid the month after the period when
    positive. The months before the start ran at month 0's net, from the start of the period holding the month
    before the start (none unless ``before``); what they owe is paid from month 0 on (a credit when negative)."""
    size = 3 if quarterly else 1

    def period(t: int) -> int:
        return (start.month - 1 + t) // size

    first = -1
    while period(first - 1) == period(-1):
        first -= 1
    paid = [0.0] * len(net)
    owed = credit = 0.0
    for t in range(first, len(net)):
        owed += net[t] if t >= 0 else net[0] * before
        if period(t + 1) != period(t):  # the period's last month: filed, paid next month
            pay, credit = max(0.0, owed - credit), max(0.0, credit - owed)
            owed = 0.0
            if t + 1 < len(net):
                paid[t + 1] += pay
    return paid, -first * net[0] * before


def _simple_tax(tax: Tax, rate: float, profit: list[float], losses: float) -> list[float]:
    """Profit tax of each month, paid in the month: ``rate`` × the profit left after the losses carried forward."""
    out = []
    for p in profit:
        if tax.carry_forward_losses:
            used = min(losses, max(p, 0.0))
            taxable = max(p, 0.0) - used
            losses += -used if p >= 0 else -p
        else:
            taxable = max(p, 0.0)
        out.append(rate * taxable)
    return out


def _filed_tax(tax: Tax, rate: float, profit: list[float], losses: float, heads: list[float],
               start: date) -> tuple[list[float], list[float]]:
    """(tax expense, tax paid) each month under a yearly rule, as :func:`core.engine.books.filed_tax` states it:
    the tax on each calendar year's profit to date after its losses (china: 5 years, oldest first, small
    low-profit 5 %; us: 80 % of the profit at most), prepaid on the year to date and settled a year later."""
    months = len(profit)
    year = [(start.month - 1 + t) // 12 for t in range(months)]
    life = tax.loss_years if tax.rule == "china" else math.inf
    limit = 0.8 if tax.rule == "us" else 1.0
    pool = [[losses, -1]]  # [amount left, year of the loss]
    accrued, year_tax = [0.0] * months, {}
    for y in sorted(set(year)):
        in_year = [t for t in range(months) if year[t] == y]
        pool = [loss for loss in pool if y - loss[1] <= life]
        available = sum(amount for amount, _ in pool)
        small = tax.rule == "china" and tax.small_low_profit and max(heads[t] for t in in_year) <= 300
        so_far = 0.0
        for t in in_year:
            so_far += profit[t]
            gain = max(so_far, 0.0)
            taxable = gain - min(available, limit * gain)
            accrued[t] = (0.05 if small and taxable <= 3_000_000 else rate) * taxable
        year_tax[y] = accrued[in_year[-1]]
        use = min(available, limit * max(so_far, 0.0))
        for loss in pool:  # oldest first
            take = min(loss[0], use)
            loss[0] -= take
            use -= take
        pool.append([max(-so_far, 0.0), y])
    expense = [accrued[t] - (accrued[t - 1] if t and year[t - 1] == year[t] else 0.0) for t in range(months)]
    prepay_months, settle_month = FILING[tax.rule]
    paid, prepaid = [0.0] * months, dict.fromkeys(year_tax, 0.0)
    for t in range(1, months):
        calendar_month = (start.month - 1 + t) % 12 + 1
        if calendar_month in prepay_months:  # on the tax to date of the month before
            y = year[t - 1]
            amount = max(accrued[t - 1] - prepaid[y], 0.0)
            paid[t] += amount
            prepaid[y] += amount
        if calendar_month == settle_month and year[t] - 1 in year_tax:
            paid[t] += year_tax[year[t] - 1] - prepaid[year[t] - 1]
    return expense, paid




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
    ``opex`` (payroll, one_off, sales_marketing, general_admin, other, grant_matching, recruiting, bad_debt,
    vat_surcharges), ``payroll_by_function``, ``headcount_by_function``, ``leavers_by_function`` and
    ``ramp_lost_by_function`` (rd, sales, ga, ops), each a dict of monthly lists; ``opening``: the receivables,
    deferred revenue, payables and VAT payable (a credit when negative), the tax payable and the loans owed at the start.

    A re-forecast's history (``settings.history_months`` = h) is projected first, every month the scenario names
    moved h later, and so are the months past the horizon an annual plan or a deposit bills ahead; the lists hold the
    horizon only, the balances at its start being what the months before leave.
    """
    d = draws or {}
    first = scenario.settings.history_months
    ahead = 0
    for s in scenario.streams:
        if s.billing == "annual":
            ahead = max(ahead, 11)
        if s.upfront_share:
            ahead = max(ahead, s.upfront_months)
    horizon = first + scenario.settings.horizon_months + ahead  # every month projected
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

    loans = [_get(rd, f"funding[{k}]", d, "amount") for k, rd in enumerate(scenario.funding)]  # principal owed
    partners = [rd for rd in scenario.funding if rd.partner_revenue_per_month]
    out: dict[str, list] = {k: [] for k in (
        "revenue", "cost_of_revenue", "opex_total", "ebitda", "debt_service", "interest", "tax", "tax_expense",
        "tax_credit", "working_capital", "net_income", "net_burn", "funding_in", "cash", "customers", "mrr",
        "headcount", "tokens",
        "arr", "gross_profit", "new_customers", "churned_customers", "cost_per_million_tokens", "leavers",
        "ramp_fte_lost")}
    lines: dict = {
        "stream_revenue": [[] for _ in (*scenario.streams, *partners)],
        "stream_units": [[] for _ in (*scenario.streams, *partners)],
        "round_flows": [[] for _ in scenario.funding],
        "cost_of_revenue_items": {k: [] for k in ("inference", "hosting", "support", "delivery")},
        "opex": {k: [] for k in OPEX},
        "payroll_by_function": {k: [] for k in FUNCTIONS},
        "headcount_by_function": {k: [] for k in FUNCTIONS},
        "leavers_by_function": {k: [] for k in FUNCTIONS},
        "ramp_lost_by_function": {k: [] for k in FUNCTIONS},
    }
    left_history: list[list[float]] = [[] for _ in scenario.opex.team]  # each role's leavers, month by month
    partner_revenue, rd_spend, owed = [], [], []  # the partners' revenue, the R&D spend, the change in loans owed
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

        funding = debt_service = interest = matching = borrowed = 0.0
        partners_paying = []
        for k, rd in enumerate(scenario.funding):
            p = f"funding[{k}]"
            month = round(float(d.get(f"{p}.month", rd.month))) + first
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
                elif 0 < since <= term:  # interest on what is owed; after the grace, instalments
                    grace = term - 1 if rd.repayment == "bullet" else rd.grace_months
                    n = term - grace
                    owed_interest = loans[k] * rate
                    principal = 0.0
                    if since > grace:
                        level = rd.repayment == "annuity" and rate > 0  # numpy_financial.pmt(rate, n, -amount)
                        payment = amount * rate / -math.expm1(-n * math.log1p(rate)) if level else 0.0
                        principal = payment - owed_interest if level else amount / n
                    loans[k] -= principal
                    interest += owed_interest
                    service += owed_interest + principal
            if rd.matching_share and 0 <= since < paying:
                spend = amount * _get(rd, p, d, "matching_share") / paying
                matching += spend
                flow_extra -= spend
            if rd.partner_revenue_per_month:
                months = rd.partner_months if rd.partner_months is not None else math.inf
                earned = _get(rd, p, d, "partner_revenue_per_month") if 0 <= since < months and amount > 0 else 0.0
                partners_paying.append(earned)
                flow_extra += earned
            funding += money_in
            debt_service += service
            borrowed += (money_in - service) if rd.kind == "debt" else 0.0
            lines["round_flows"][k].append(money_in - service + flow_extra)
        for n, earned in enumerate(partners_paying):
            lines["stream_revenue"][len(scenario.streams) + n].append(earned)
            lines["stream_units"][len(scenario.streams) + n].append(1.0 if earned > 0 else 0.0)
        revenue += sum(partners_paying)
        recurring += sum(partners_paying)
        partner_revenue.append(sum(partners_paying))

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
            start = round(float(d.get(f"{p}.start_month", r.start_month))) + first
            heads = 0.0
            if t >= start and (r.end_month is None or t < r.end_month + first):
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
            if t == round(float(d.get(f"{p}.month", one_off_cost.month))) + first:
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
        rd_spend.append(by_function["rd"] + rd_one_off)
        owed.append(borrowed + interest)  # drawn less principal repaid
        for key, value in (
            ("revenue", revenue), ("cost_of_revenue", cost_of_revenue), ("gross_profit", revenue - cost_of_revenue),
            ("debt_service", debt_service), ("interest", interest), ("funding_in", funding),
            ("customers", customers_total), ("mrr", recurring), ("headcount", heads_total), ("tokens", tokens),
            ("arr", 12 * recurring), ("new_customers", new_total),
            ("churned_customers", churned_total), ("cost_per_million_tokens", mtok_cost),
            ("leavers", sum(team["leavers"].values())), ("ramp_fte_lost", sum(team["ramp_lost"].values())),
        ):
            out[key].append(value)
        for group, values in (("cost_of_revenue_items", items), ("opex", categories), ("payroll_by_function", by_function),
                              ("headcount_by_function", team["headcount"]), ("leavers_by_function", team["leavers"]),
                              ("ramp_lost_by_function", team["ramp_lost"])):
            for key, value in values.items():
                lines[group][key].append(value)

    begins = _month(scenario.company.start_date, -first)
    collected, bad_debt, paid, vat_paid, lines["opening"] = _cash_timing(scenario, d, lines, partner_revenue, first,
                                                                          begins)
    surcharges = [scenario.vat.surcharge_rate * v for v in vat_paid]
    lines["opex"] |= {"bad_debt": bad_debt, "vat_surcharges": surcharges}
    span = range(horizon)
    out["opex_total"] = [sum(lines["opex"][k][t] for k in OPEX) for t in span]
    out["ebitda"] = [out["gross_profit"][t] - out["opex_total"][t] for t in span]
    out["tax_expense"], out["tax"], out["tax_credit"] = _profit_tax(scenario, d, out, rd_spend, begins)
    out["net_income"] = [out["ebitda"][t] - out["interest"][t] - out["tax_expense"][t] + out["tax_credit"][t]
                         for t in span]
    lines["opening"]["tax_payable"] = sum(out["tax_expense"][t] - out["tax"][t] for t in range(first))
    lines["opening"]["loans"] = sum(owed[:first])
    shown = slice(first, first + scenario.settings.horizon_months)
    groups: list[dict[str, list]] = [out, *(lines[g] for g in ("cost_of_revenue_items", "opex", "payroll_by_function",
                                                                "headcount_by_function", "leavers_by_function",
                                                                "ramp_lost_by_function"))]
    for series in groups:
        for item in series:
            series[item] = series[item][shown]
    for block in ("stream_revenue", "stream_units", "round_flows"):
        lines[block] = [values[shown] for values in lines[block]]
    collected, paid, vat_paid, surcharges = collected[shown], paid[shown], vat_paid[shown], surcharges[shown]
    span = range(scenario.settings.horizon_months)
    cash = float(d.get("company.starting_cash", scenario.company.starting_cash))
    for t in span:  # what moves the bank account: money in, customers, suppliers, staff, the tax office, lenders
        change = (out["funding_in"][t] + collected[t] - paid[t] - lines["opex"]["payroll"][t] - vat_paid[t]
                  - surcharges[t] - out["debt_service"][t] - out["tax"][t] + out["tax_credit"][t])
        cash += change
        net_burn = out["funding_in"][t] - change
        out["cash"].append(cash)
        out["net_burn"].append(net_burn)
        out["working_capital"].append(net_burn - (out["debt_service"][t] + out["tax"][t] - out["tax_credit"][t]
                                                  - out["ebitda"][t]))
    return out, lines


def _month(start: date, n: int) -> date:
    """The first day of the month ``n`` months after ``start``'s (before it when negative)."""
    k = start.year * 12 + start.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


def _cash_timing(scenario: Scenario, d: dict, lines: dict, partner_revenue: list[float], first: int, begins: date,
                 ) -> tuple[list[float], list[float], list[float], list[float], dict[str, float]]:
    """(collected from customers, written off, paid to suppliers, VAT paid) each month from ``begins`` (the first
    month projected), and the balances at month ``first`` (the start, after a re-forecast's history) that the months
    before leave (receivables, deferred revenue, payables, VAT payable): each stream billed as
    :func:`_billed`, owed gross of its VAT and paid ``payment_days`` later less its bad debt (a partner pays in the
    month, without VAT); the cost of revenue and opex other than payroll and one-offs paid gross of their input VAT
    after their payment days; each one-off gross of its VAT in equal instalments from its month."""
    months = len(partner_revenue)
    before = scenario.settings.terms_before_start  # the payment terms and VAT ran before the start
    collected, bad_debt, output_vat = list(partner_revenue), [0.0] * months, [0.0] * months
    opening = dict.fromkeys(("receivables", "deferred_revenue", "payables", "vat_payable"), 0.0)
    for stream, revenue in zip(scenario.streams, lines["stream_revenue"], strict=False):
        billed = _billed(revenue, stream.billing, stream.upfront_share, stream.upfront_months)
        due = _paid_later([(1 + stream.vat_rate) * b for b in billed], stream.payment_days, before)
        opening["receivables"] += _unpaid_at_start((1 + stream.vat_rate) * billed[0], stream.payment_days) * before
        opening["deferred_revenue"] += _deferred_at_start(revenue, stream.billing, stream.upfront_share,
                                                          stream.upfront_months)
        for t in range(months):
            output_vat[t] += stream.vat_rate * billed[t]
            collected[t] += (1 - stream.bad_debt_share) * due[t]
            bad_debt[t] += stream.bad_debt_share * due[t]
        for t in range(first):  # the history: billed (gross) less what fell due; billed less what was earned
            opening["receivables"] += (1 + stream.vat_rate) * billed[t] - due[t]
            opening["deferred_revenue"] += billed[t] - revenue[t]
    credited = 0.0 if scenario.vat.small_scale else 1.0  # a small-scale taxpayer credits no input VAT
    ai, ox = scenario.ai_costs, scenario.opex
    cor, opex = lines["cost_of_revenue_items"], lines["opex"]
    cor_vat = [credited * ai.vat_rate * (cor["inference"][t] + cor["hosting"][t]) for t in range(months)]
    opex_vat = [credited * ox.vat_rate * sum(opex[k][t] for k in WITH_INPUT_VAT) for t in range(months)]
    cor_bills = [sum(item[t] for item in cor.values()) + cor_vat[t] for t in range(months)]
    opex_bills = [sum(opex[k][t] for k in PAID_LATER) + opex_vat[t] for t in range(months)]
    cor_paid = _paid_later(cor_bills, ai.payment_days, before)
    opex_paid = _paid_later(opex_bills, ox.payment_days, before)
    opening["payables"] = (_unpaid_at_start(cor_bills[0], ai.payment_days)
                           + _unpaid_at_start(opex_bills[0], ox.payment_days)) * before
    paid = [a + b for a, b in zip(cor_paid, opex_paid, strict=True)]
    input_vat = [a + b for a, b in zip(cor_vat, opex_vat, strict=True)]
    incurred = [a + b for a, b in zip(cor_bills, opex_bills, strict=True)]
    for j, one_off in enumerate(ox.one_off_costs):
        p = f"opex.one_off_costs[{j}]"
        month = round(float(d.get(f"{p}.month", one_off.month))) + first
        cost, rate = _get(one_off, p, d, "cost"), credited * one_off.vat_rate
        if 0 <= month < months:
            input_vat[month] += rate * cost
            incurred[month] += (1 + rate) * cost
        for k in range(max(month, 0), min(month + one_off.instalments, months)):
            paid[k] += (1 + rate) * cost / one_off.instalments
    net = [o - i for o, i in zip(output_vat, input_vat, strict=True)]
    vat_paid, opening["vat_payable"] = _vat_paid(net, scenario.vat.filing == "quarterly", begins, before)
    opening["payables"] += sum(incurred[t] - paid[t] for t in range(first))
    opening["vat_payable"] += sum(net[t] - vat_paid[t] for t in range(first))
    company = scenario.company  # balances as reported: the difference is collected (paid) in the month shown first
    if company.receivables is not None:
        collected[first] += company.receivables - opening["receivables"]
        opening["receivables"] = company.receivables
    if company.payables is not None:
        paid[first] += company.payables - opening["payables"]
        opening["payables"] = company.payables
    return collected, bad_debt, paid, vat_paid, opening


def _profit_tax(scenario: Scenario, d: dict, out: dict, rd_spend: list[float],
                begins: date) -> tuple[list[float], list[float], list[float]]:
    """(tax expense, tax paid, R&D credit) each month from ``begins``, on the profit ``ebitda − interest −
    rd_super_deduction × R&D spend``; a zero rate taxes nothing (the small low-profit rate included)."""
    tax = scenario.tax
    rate = _get(tax, "tax", d, "profit_tax_rate")
    credit = [_get(tax, "tax", d, "rd_credit_rate") * r for r in rd_spend]
    deduction = _get(tax, "tax", d, "rd_super_deduction")
    profit = [e - i - deduction * r for e, i, r in zip(out["ebitda"], out["interest"], rd_spend, strict=True)]
    losses = _get(tax, "tax", d, "opening_tax_losses")
    if not rate:
        nothing = [0.0] * len(profit)
        return nothing, nothing, credit
    if tax.rule == "simple":
        paid = _simple_tax(tax, rate, profit, losses)
        return paid, paid, credit
    expense, paid = _filed_tax(tax, rate, profit, losses, out["headcount"], begins)
    return expense, paid, credit
