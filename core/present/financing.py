"""The cap table, the exit waterfall and the winter financing comparison as a reader sees them."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go

from core.analysis.captable import FOUNDERS, NEXT_ROUND, POOL, CapTable, Conversion, Holder, PoolUse, Step, ownership, waterfall
from core.analysis.financing import FinancingOutcome
from core.i18n import t
from core.model import Scenario
from core.present import formatting as fmt
from core.present.charts import PALETTE, TEMPLATE
from core.present.months import plan_month
from core.present.report import cap_text, data_frame, runway_text


def holder_label(h: Holder, lang: str = "en") -> str:
    """A cap-table line's name: the founders and the pool in the reader's language, a round's investors ("A 轮投资人"),
    a pro-rata purchase as the round and its buyer."""
    if h.key in (FOUNDERS, POOL):
        return t(f"captable.{h.key}", lang)
    if h.key == NEXT_ROUND:
        return t("captable.next_round", lang)
    if h.buyer:
        return t("captable.pro_rata_line", lang, round=h.key[: -len(h.buyer) - 1], buyer=h.buyer)
    return t("captable.investors", lang, name=h.key)


def _columns(table: CapTable, start: date, lang: str) -> list[tuple[str, tuple[Holder, ...]]]:
    """Today, after each priced round, and at the end with the SAFEs and notes outstanding as converted."""
    end = [(t("captable.at_end", lang), table.holders)] if table.stack else []
    return [(t("captable.today", lang), table.start),
            *((t("captable.after", lang, name=s.key, month=plan_month(start, s.month, lang)), s.holders) for s in table.steps), *end]


def cap_table_frame(table: CapTable, start: date, lang: str = "en"):
    """Each holder's fully diluted share today, after every priced round and at the end, and its shares at the
    end."""
    columns = _columns(table, start, lang)
    keys = [h.key for h in table.holders]
    data: dict[str, list[str]] = {t("captable.holder", lang): [holder_label(h, lang) for h in table.holders]}
    for title, holders in columns:
        share = ownership(holders)
        data[title] = [fmt.percent(share[k]) if k in share else "—" for k in keys]
    data[t("captable.shares", lang)] = [f"{h.shares:,.0f}" for h in table.holders]
    return data_frame(data)


def conversion_notes(table: CapTable, cur: str, lang: str = "en") -> list[str]:
    """One sentence for each SAFE or note converting in a priced round: its money, price, what set it (the
    post- or pre-money cap, the discount or the round's price) and whose terms an MFN took."""
    out = []
    for s in table.steps:
        for c in s.conversions:
            out.append(t("captable.converted", lang, name=c.key, round=s.key, amount=fmt.money(c.amount, cur, lang),
                         price=fmt.price(c.price, cur, lang), by=t(f"captable.by.{_by(c)}", lang))
                       + (t("captable.before_money", lang, share=fmt.percent(c.shares / s.capitalization))
                          if c.by == "cap" and c.post else "")
                       + (t("captable.mfn_took", lang, source=c.mfn) if c.mfn else ""))
    return out


def outstanding_notes(table: CapTable, scenario: Scenario, lang: str = "en") -> list[str]:
    """One sentence for each SAFE or note no priced round in the plan converts: its money, terms and share as
    converted."""
    cur, share = scenario.company.currency, ownership(table.holders)
    terms = {r.name: r for r in scenario.funding}
    return [t("captable.unconverted", lang, name=h.key, amount=fmt.money(h.invested, cur, lang),
              terms=cap_text(terms[h.key], cur, lang) if h.key in terms else "", share=fmt.percent(share[h.key]))
            for h in table.stack]


def pro_rata_notes(table: CapTable, on_top: CapTable, lang: str = "en") -> list[str]:
    """One sentence for each pro-rata purchase: the shares and what the buyer keeps, the founders' share within
    the round, and theirs were the round enlarged to fit it."""
    out = []
    for step, bigger in zip(table.steps, on_top.steps, strict=True):
        share = ownership(step.holders)
        for buyer, shares in step.pro_rata.items():
            kept = sum(share[h.key] for h in step.holders if (h.buyer or h.key) == buyer)
            out.append(t("captable.pro_rata", lang, buyer=buyer, round=step.key, shares=f"{shares:,.0f}",
                         kept=fmt.percent(kept), founders=fmt.percent(share[FOUNDERS]),
                         bigger=fmt.percent(ownership(bigger.holders)[FOUNDERS])))
    return out


def stack_frame(step: Step, currency: str, lang: str = "en"):
    """Everyone after the supposed next priced round: each SAFE and note converting (its price, what set it, its
    shares), then every other holder, with what each owns (sums to 100 %)."""
    share = ownership(step.holders)
    converting = {c.key: c for c in step.conversions}
    rows = [*(h for h in step.holders if h.key in converting), *(h for h in step.holders if h.key not in converting)]
    return data_frame({
        t("captable.holder", lang): [holder_label(h, lang) for h in rows],
        t("captable.stack.price", lang): [fmt.price(converting[h.key].price, currency, lang) if h.key in converting
                                          else "—" for h in rows],
        t("captable.stack.by", lang): [t(f"captable.by.{_by(converting[h.key])}", lang) if h.key in converting else "—"
                                       for h in rows],
        t("captable.stack.shares", lang): [f"{h.shares:,.0f}" for h in rows],
        t("captable.stack.owns", lang): [fmt.percent(share[h.key]) for h in rows]})


def _by(c: Conversion) -> str:
    """What set a conversion's price, as a catalogue key's end: the post- or pre-money cap, the discount, the price."""
    return f"cap_{'post' if c.post else 'pre'}" if c.by == "cap" else c.by


def ownership_chart(table: CapTable, start: date, lang: str = "en") -> go.Figure:
    """Stacked bars of the fully diluted ownership (%) today and after each priced round."""
    columns = _columns(table, start, lang)
    fig = go.Figure(layout={"template": TEMPLATE})
    for n, h in enumerate(table.holders):
        fig.add_bar(x=[fmt.plot_text(title) for title, _ in columns], name=fmt.plot_text(holder_label(h, lang)),
                    y=[100 * ownership(holders).get(h.key, 0.0) for _, holders in columns],
                    marker_color=PALETTE[n % len(PALETTE)])
    fig.update_layout(barmode="stack", title=t("captable.chart.title", lang), yaxis={"title": "%", "range": [0, 100]},
                      xaxis_title=t("captable.chart.x", lang))
    return fig


def pool_notes(use: PoolUse, start: date, lang: str = "en") -> tuple[str | None, str | None]:
    """(the pool against the team's grants, a warning when the grants exceed the pool), None where nothing to say."""
    summary = None if not use.grants and not use.pool else t(
        "captable.pool_use", lang, pool=f"{use.pool:,.0f}", granted=f"{use.granted:,.0f}",
        unallocated=f"{use.unallocated:,.0f}")
    warning = None if use.short is None else t(
        "captable.pool_short", lang, month=plan_month(start, use.short[0], lang), granted=f"{use.short[1]:,.0f}",
        pool=f"{use.short[2]:,.0f}")
    return summary, warning


def partner_notes(scenario: Scenario, lang: str = "en") -> list[str]:
    """One sentence per strategic investor's round: the partner's revenue, for how long, and what it gets."""
    cur = scenario.company.currency
    return [t("financing.partner", lang, name=r.name, revenue=fmt.money(r.partner_revenue_per_month, cur, lang),
              months=t("financing.partner.months", lang, months=r.partner_months) if r.partner_months
              else t("financing.partner.horizon", lang), terms=r.exclusivity or t("financing.partner.no_terms", lang))
            for r in scenario.funding if r.partner_revenue_per_month or r.exclusivity]


def loan_notes(scenario: Scenario, lang: str = "en") -> list[str]:
    """One sentence per loan without a term: interest is charged to the horizon and the principal never repaid, which
    reads as free money unless it is meant."""
    return [t("financing.loan.no_term" if r.interest_rate_yearly else "financing.loan.no_term_free", lang, name=r.name,
              rate=fmt.percent(r.interest_rate_yearly)) for r in scenario.funding if r.kind == "debt" and r.term_months is None]


def waterfall_frame(holders: tuple[Holder, ...], exit_value: float, currency: str, lang: str = "en", costs: float = 0.0,
                    exercised: float | None = None, strike: float = 0.0):
    """What each holder receives at an exit (less ``costs``, with ``exercised`` options at ``strike``), in the order
    preferences are paid, with each preference's terms and its share of the exit."""
    paid = waterfall(holders, exit_value, costs, exercised, strike)
    ranks = sorted({h.rank for h in holders if h.preferred}, reverse=True)
    cost = [exit_value * costs] if costs else []
    proceeds = [*(paid[h.key] for h in holders), *cost]
    scale, unit = fmt.table_unit(proceeds, currency, lang)
    return data_frame({
        t("captable.holder", lang): [holder_label(h, lang) for h in holders] + [t("captable.costs", lang)] * len(cost),
        t("captable.paid_order", lang): [str(ranks.index(h.rank) + 1) if h.preferred else "—" for h in holders]
        + ["—"] * len(cost),
        t("captable.preference", lang): [_preference(h, currency, lang) for h in holders] + ["—"] * len(cost),
        fmt.with_unit(t("captable.proceeds", lang), unit, lang): [fmt.table_money(v, scale, currency, lang) for v in proceeds],
        t("captable.of_exit", lang): [fmt.percent(v / exit_value if exit_value else 0) for v in proceeds],
    })


def _preference(h: Holder, currency: str, lang: str) -> str:
    """A holder's preference and how it shares in the rest: "$4.00M, participating up to 3×"."""
    if not h.preferred:
        return "—"
    money = fmt.money(h.preference, currency, lang)
    if h.kind in ("safe", "note"):
        return money + t(f"captable.as_{h.kind}", lang)
    if h.participating:
        return money + (t("captable.participating_cap", lang, cap=f"{h.cap:g}") if h.cap else t("captable.participating", lang))
    return money


def comparison_frame(outcomes: list[FinancingOutcome], currency: str, lang: str = "en"):
    """One row per option: runway, default alive, survival odds, founders' share and proceeds."""
    month = outcomes[0].scenario.risk.survival_month if outcomes else 18
    scale, unit = fmt.table_unit((o.founders_proceeds for o in outcomes), currency, lang)
    return data_frame({
        t("financing.col.option", lang): [t(f"financing.option.{o.key}", lang) for o in outcomes],
        t("kpi.runway", lang): [runway_text(o.summary.runway_months, o.scenario.settings.horizon_months, lang)
                                for o in outcomes],
        t("kpi.default_alive", lang): [t("kpi.alive" if o.summary.default_alive else "kpi.dead", lang) for o in outcomes],
        t("risk.kpi.survival", lang, month=month): ["—" if o.survival is None else fmt.percent(o.survival, 0)
                                                     for o in outcomes],
        t("financing.col.founders", lang): [fmt.percent(o.founders_share) + ("" if o.priced else t("financing.no_round", lang))
                                            for o in outcomes],
        fmt.with_unit(t("financing.col.proceeds", lang), unit, lang): [fmt.table_money(o.founders_proceeds, scale, currency, lang)
                                                                         for o in outcomes],
    })


def comparison_chart(outcomes: list[FinancingOutcome], lang: str = "en") -> go.Figure:
    """Survival odds against the founders' share after the next round: one marker per point, the ways that land on
    the same point (at the table's precision: 0.1 pp of ownership, 1 pp of odds) sharing it, named in the legend
    (labels beside the markers ran into each other where ways coincide)."""
    fig = go.Figure(layout={"template": TEMPLATE})
    points: dict[tuple[float, float], list[FinancingOutcome]] = {}
    for o in outcomes:
        if o.survival is not None:
            points.setdefault((round(100 * o.founders_share, 1), round(100 * o.survival)), []).append(o)
    for i, point in enumerate(sorted(points, key=lambda xy: (-xy[1], -xy[0]))):  # from the best odds down
        ways = points[point]
        name = " · ".join(t(f"financing.option.{o.key}", lang) for o in ways)
        fig.add_scatter(x=[100 * ways[0].founders_share], y=[100 * (ways[0].survival or 0)], mode="markers", name=name,
                        marker={"size": 14, "color": PALETTE[i % len(PALETTE)], "line": {"width": 1, "color": "white"}},
                        cliponaxis=False, hovertemplate=f"{name}<br>%{{x:.1f}}% · %{{y:.0f}}%<extra></extra>")
    month = outcomes[0].scenario.risk.survival_month if outcomes else 18
    fig.update_layout(title=t("financing.chart.title", lang), xaxis_title=t("financing.chart.x", lang),
                      yaxis={"title": t("financing.chart.y", lang, month=month), "range": [-5, 110], "automargin": True},
                      legend={"orientation": "h", "y": -0.25, "yanchor": "top", "x": 0},
                      margin={"b": 120})
    return fig
