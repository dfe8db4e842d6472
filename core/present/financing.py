"""The cap table, the exit waterfall and the winter financing comparison as a reader sees them."""

from __future__ import annotations

import plotly.graph_objects as go

from core.analysis.captable import FOUNDERS, POOL, CapTable, Holder, PoolUse, ownership, waterfall
from core.analysis.financing import FinancingOutcome
from core.i18n import t
from core.model import Scenario
from core.present import formatting as fmt
from core.present.charts import PALETTE, TEMPLATE
from core.present.report import data_frame, runway_text


def holder_label(key: str, lang: str = "en") -> str:
    return t(f"captable.{key}", lang) if key in (FOUNDERS, POOL) else key


def _columns(table: CapTable, lang: str) -> list[tuple[str, tuple[Holder, ...]]]:
    return [(t("captable.today", lang), table.start),
            *((t("captable.after", lang, name=s.key, month=s.month), s.holders) for s in table.steps)]


def cap_table_frame(table: CapTable, lang: str = "en"):
    """Each holder's fully diluted share today and after every priced round, and its shares at the end."""
    columns = _columns(table, lang)
    keys = [h.key for h in table.holders]
    data: dict[str, list[str]] = {t("captable.holder", lang): [holder_label(k, lang) for k in keys]}
    for title, holders in columns:
        share = ownership(holders)
        data[title] = [fmt.percent(share[k]) if k in share else "—" for k in keys]
    data[t("captable.shares", lang)] = [f"{h.shares:,.0f}" for h in table.holders]
    return data_frame(data)


def ownership_chart(table: CapTable, lang: str = "en") -> go.Figure:
    """Stacked bars of the fully diluted ownership (%) today and after each priced round."""
    columns = _columns(table, lang)
    fig = go.Figure(layout={"template": TEMPLATE})
    for n, h in enumerate(table.holders):
        fig.add_bar(x=[title for title, _ in columns], name=holder_label(h.key, lang),
                    y=[100 * ownership(holders).get(h.key, 0.0) for _, holders in columns],
                    marker_color=PALETTE[n % len(PALETTE)])
    fig.update_layout(barmode="stack", title=t("captable.chart.title", lang), yaxis={"title": "%", "range": [0, 100]})
    return fig


def pool_notes(use: PoolUse, lang: str = "en") -> tuple[str | None, str | None]:
    """(the pool against the team's grants, a warning when the grants exceed the pool), None where nothing to say."""
    summary = None if not use.grants and not use.pool else t(
        "captable.pool_use", lang, pool=f"{use.pool:,.0f}", granted=f"{use.granted:,.0f}",
        unallocated=f"{use.unallocated:,.0f}")
    warning = None if use.short is None else t(
        "captable.pool_short", lang, month=use.short[0], granted=f"{use.short[1]:,.0f}", pool=f"{use.short[2]:,.0f}")
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


def waterfall_frame(holders: tuple[Holder, ...], exit_value: float, currency: str, lang: str = "en"):
    """What each holder receives at an exit, with its preference and its share of the exit."""
    paid = waterfall(holders, exit_value)
    return data_frame({
        t("captable.holder", lang): [holder_label(h.key, lang) for h in holders],
        t("captable.preference", lang): [fmt.money(h.multiple * h.invested, currency, lang) + (
            t("captable.participating", lang) if h.participating else "") if h.preferred else "—" for h in holders],
        t("captable.proceeds", lang): [fmt.money(paid[h.key], currency, lang) for h in holders],
        t("captable.of_exit", lang): [fmt.percent(paid[h.key] / exit_value if exit_value else 0) for h in holders],
    })


def comparison_frame(outcomes: list[FinancingOutcome], currency: str, lang: str = "en"):
    """One row per option: runway, default alive, survival odds, founders' share and proceeds."""
    month = outcomes[0].scenario.risk.survival_month if outcomes else 18
    return data_frame({
        t("financing.col.option", lang): [t(f"financing.option.{o.key}", lang) for o in outcomes],
        t("kpi.runway", lang): [runway_text(o.summary.runway_months, o.scenario.settings.horizon_months, lang)
                                for o in outcomes],
        t("kpi.default_alive", lang): [t("kpi.alive" if o.summary.default_alive else "kpi.dead", lang) for o in outcomes],
        t("risk.kpi.survival", lang, month=month): ["—" if o.survival is None else fmt.percent(o.survival, 0)
                                                     for o in outcomes],
        t("financing.col.founders", lang): [fmt.percent(o.founders_share) + ("" if o.priced else t("financing.no_round", lang))
                                            for o in outcomes],
        t("financing.col.proceeds", lang): [fmt.money(o.founders_proceeds, currency, lang) for o in outcomes],
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
