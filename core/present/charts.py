"""Plotly figure builders: a projection in, a ``go.Figure`` out. No streamlit here.

Every figure states its currency and unit in its title and axis; strings come from
:mod:`core.i18n`. Charts show path 0 (the deterministic view).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.analysis.metrics import YEAR, runway_months, stream_shares
from core.analysis.pillars import PillarScore, Scorecard
from core.analysis.pricing import PriceCurve
from core.analysis.risk import PERCENTILES, RiskResult, TornadoBar
from core.analysis.statements import Statements, table
from core.analysis.van_westendorp import PriceSensitivity
from core.engine.projection import COST_OF_REVENUE_ITEMS, OPEX_CATEGORIES, Projection, month_date
from core.i18n import currency_unit, t
from core.model import Market, Round
from core.present.formatting import axis_money, axis_scale, money, percent, plot_text, quantity
from core.present.formatting import price as fmt_price

PALETTE = ("#2E86AB", "#F18F01", "#C73E1D", "#3B1F2B", "#6A994E", "#8E7DBE", "#E0A458", "#1B998B",
           "#A23B72", "#5DA9E9", "#7A542E", "#B5BD89", "#0B3954", "#F2545B", "#9C9C9C", "#4F6D7A")
"""Sixteen colours: the cost chart's lines (four costs of revenue, nine operating costs, debt, tax and credit) each
its own."""
TEMPLATE = go.layout.Template(layout={
    "colorway": PALETTE,
    "font": {"family": "Inter, 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif"},  # CJK glyphs in Chinese
    "legend": {"orientation": "h", "y": -0.2},
    "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
})
"""The one layout every figure starts from: palette, font, legend below, tight margins."""


def _figure(*traces: object) -> go.Figure:
    """A new figure on :data:`TEMPLATE`."""
    return go.Figure(data=list(traces), layout={"template": TEMPLATE})


def _vline(x: float, line: dict, axis: int = 1, label: str | None = None) -> tuple[dict, list[dict]]:
    """A vertical reference line at ``x`` over the full height of subplot ``axis`` (1 = the first), and its
    label at the top, as layout dicts for :func:`_add_lines`."""
    xref, yref = ("x", "y domain") if axis == 1 else (f"x{axis}", f"y{axis} domain")
    shape = {"type": "line", "xref": xref, "yref": yref, "x0": x, "x1": x, "y0": 0, "y1": 1, "line": line}
    notes = [] if label is None else [{"text": label, "textangle": -90, "showarrow": False, "xref": xref, "yref": yref,
                                       "x": x, "y": 1, "xanchor": "left", "yanchor": "top"}]
    return shape, notes


def _hline(y: float, line: dict, label: str | None = None) -> tuple[dict, list[dict]]:
    """A horizontal reference line at ``y`` across the plot, and its label at the right end above it (where
    ``add_hline`` puts it), as layout dicts for :func:`_add_lines`."""
    shape = {"type": "line", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": y, "y1": y, "line": line}
    notes = [] if label is None else [{"text": label, "showarrow": False, "xref": "x domain", "yref": "y",
                                       "x": 1, "y": y, "xanchor": "right", "yanchor": "bottom"}]
    return shape, notes


def _add_lines(fig: go.Figure, lines: list[tuple[dict, list[dict]]]) -> None:
    """Reference lines from :func:`_vline` and :func:`_hline` in one layout update (each ``add_vline`` or
    ``add_hline`` costs 5-15 ms)."""
    fig.update_layout(shapes=[*fig.layout.shapes, *(shape for shape, _ in lines)],
                      annotations=[*fig.layout.annotations, *(note for _, notes in lines for note in notes)])


def _layout(fig: go.Figure, title: str, y_title: str, lang: str, *, dates: bool = True) -> go.Figure:
    """A chart over months: title, month axis (read "2026年1月" in Chinese), ``y_title`` (with its unit), one hover
    for all series."""
    fig.update_layout(title=title, xaxis_title=t("chart.month", lang), yaxis_title=y_title, hovermode="x unified")
    if dates and lang == "zh":
        fig.update_xaxes(tickformat="%Y年%-m月", hoverformat="%Y年%-m月")
    return fig


def _ticks(low: float, high: float, log: bool) -> list[float]:
    """Round tick values over ``[low, high]``: about six at 1 / 2 / 5 × 10ⁿ steps, or powers of ten on a log axis."""
    if log:
        return [10.0 ** n for n in range(math.floor(math.log10(max(low, 1.0))), math.ceil(math.log10(max(high, 1.0))) + 1)]
    raw = (high - low) / 6 or abs(high) or 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [n * step for n in range(math.floor(low / step) - 1, math.ceil(high / step) + 2)]


def _scaled_title(title: str | None, ticks: Sequence[float], currency: str, lang: str, log: bool) -> tuple[str | None, float]:
    """A Chinese money axis's title with its 万 / 亿 before the currency's word ("现金（美元）" → "现金（万美元）") and the
    scale its ticks are then divided by; the title and 1 unchanged in English, on a log axis (its ticks span
    several units) or when the title names no currency (its ticks carry 万 / 亿 themselves)."""
    unit = re.compile(rf"(?<![美欧]){currency_unit(currency, lang)}")
    scale, suffix = axis_scale(ticks, lang)
    if log or not suffix or not title or not unit.search(title):
        return title, 1
    return unit.sub(lambda m: suffix + m[0], title, count=1), scale


def money_axis(fig: go.Figure, axis: str, currency: str, lang: str, *, values: Sequence[float] | None = None,
               hover: Callable[[float, str, str], str] | None = money) -> go.Figure:
    """Put the money axis ``axis`` ("x", "y", "y2", …) in the reader's units: its ticks read as
    :func:`~core.present.formatting.axis_money` (k / M / B in English; in Chinese plain numbers under a title in
    万 / 亿 of the currency, :func:`_scaled_title`) and each
    trace on it hovers with ``hover`` (:func:`~core.present.formatting.money`; ``price`` for unit prices; None
    keeps the traces' own). ``values`` are the amounts the axis spans when the traces do not say (bars drawn
    from a base); stacked traces count with their sum.
    """
    letter, name = axis[0], f"{axis[0]}axis{axis[1:]}"
    on_axis = [tr for tr in fig.data if (getattr(tr, f"{letter}axis", None) or letter) == axis
               and getattr(tr, letter, None) is not None]
    spans = [np.asarray(getattr(tr, letter), dtype=float) for tr in on_axis]
    stacked = [v for tr, v in zip(on_axis, spans, strict=True)
               if (tr.type == "bar" and fig.layout.barmode == "stack") or getattr(tr, "stackgroup", None)]
    if stacked and len({v.size for v in stacked}) == 1:
        spans.append(np.nansum(np.clip(stacked, 0, None), axis=0))
    if values is not None:
        spans.append(np.asarray(values, dtype=float))
    found = np.concatenate([v[np.isfinite(v)] for v in spans]) if spans else np.array([])
    if not found.size:
        return fig
    log = fig.layout[name].type == "log"
    if not log and any(tr.type == "bar" for tr in on_axis):
        found = np.append(found, 0.0)  # bars start at zero
    ticks = _ticks(float(found.min()), float(found.max()), log)
    title, scale = _scaled_title(fig.layout[name].title.text, ticks, currency, lang, log)
    texts = next(texts for digits in range(2, 7)  # as many decimals as it takes for no two ticks to read the same
                 if len(set(texts := [axis_money(v / scale, currency, lang, digits) for v in ticks])) == len(ticks)
                 or digits == 6)
    fig.update_layout({name: {"tickmode": "array", "tickvals": ticks, "automargin": True, "ticktext": texts}})
    fig.layout[name].title.text = title
    if hover is None:
        return fig
    for tr in on_axis:
        if tr.type in ("scatter", "bar") and tr.hoverinfo != "skip" and tr.customdata is None:
            tr.customdata = [hover(v, currency, lang) if v is not None and np.isfinite(v) else "—"
                             for v in getattr(tr, letter)]
            other = "%{y}" if letter == "x" else "%{x}"  # what an unnamed trace's point is (a funnel stage)
            tr.hovertemplate = f"{tr.name or other}: %{{customdata}}<extra></extra>"
    return fig


def cash_balance(p: Projection, rounds: list[Round], *, compare: Projection | None = None,
                 lang: str = "en") -> go.Figure:
    """Month-end cash with the zero line, funding events and the zero-cash month marked."""
    dates = p.month_dates()
    cur = p.currency
    fig = _figure()
    if compare is not None:
        fig.add_scatter(x=compare.month_dates(), y=compare.cash[0], name=t("chart.cash.compare", lang),
                        line={"dash": "dash", "color": "#999999"})
    fig.add_scatter(x=dates, y=p.cash[0], name=t("chart.cash.series", lang), line={"color": PALETTE[0], "width": 3})
    _add_lines(fig, [_hline(0, {"color": "#C73E1D", "width": 1}, t("chart.cash.zero", lang))])
    events: dict[int, list[str]] = {}  # month → the names of the rounds in it, one marker a month
    for r in sorted((r for r in rounds if 0 <= r.month < p.months), key=lambda r: r.month):
        events.setdefault(r.month, []).append(plot_text(r.name))
    if events:
        months = list(events)
        fig.add_scatter(
            x=[dates[m] for m in months],
            y=[p.cash[0, m] for m in months],
            mode="markers+text",
            text=[" · ".join(names) for names in events.values()],
            textposition=_label_sides(months, p.months / 8),
            marker={"symbol": "triangle-up", "size": 14, "color": PALETTE[4]},
            name=t("chart.cash.funding", lang),
        )
    runway = int(runway_months(p.cash[:1])[0])
    if runway < p.months:
        fig.add_scatter(x=[dates[runway]], y=[p.cash[0, runway]], mode="markers",
                        marker={"symbol": "x", "size": 14, "color": PALETTE[2]},
                        name=t("chart.cash.runs_out", lang))
    return money_axis(_layout(fig, t("chart.cash.title", lang, currency=cur), t("chart.cash.y", lang, currency=cur), lang),
                      "y", cur, lang)


NARROW_TICKS = 4
"""At most this many year ticks on a chart in a narrow column (the Build page's cash strip)."""


def narrow(fig: go.Figure, months: int, lang: str = "en") -> go.Figure:
    """A chart over ``months`` months fitted to a narrow column: short, no legend, a small title, markers without
    their names (they would overlap and be cut at the edges; the hover names them), and level year ticks ("2027",
    "2027年"), one every year or every few years so that at most :data:`NARROW_TICKS` fit."""
    years = max(1, math.ceil(months / 12 / NARROW_TICKS))
    for trace in fig.data:
        if trace.mode and "text" in trace.mode:
            trace.mode = "+".join(part for part in trace.mode.split("+") if part != "text") or "markers"
    fig.update_layout(height=260, showlegend=False, margin={"l": 10, "r": 10, "t": 40, "b": 10}, title_font_size=13)
    return fig.update_xaxes(dtick=f"M{12 * years}", tickformat="%Y年" if lang == "zh" else "%Y", tickangle=0,
                            hoverformat="%Y年%-m月" if lang == "zh" else "%b %Y")  # the hover still names the month


def _label_sides(months: list[int], near: float) -> list[str]:
    """Above each marker, unless the one before it is nearer than ``near`` months and above: then below, so two
    rounds a few months apart do not print their names over each other."""
    sides: list[str] = []
    for i, month in enumerate(months):
        crowded = i > 0 and month - months[i - 1] < near and sides[-1] == "top center"
        sides.append("bottom center" if crowded else "top center")
    return sides


def burn_breakdown(p: Projection, *, lang: str = "en") -> go.Figure:
    """Stacked monthly costs by category (debt service and profit tax included, an R&D credit below zero) with
    revenue as a line on top."""
    dates = p.month_dates()
    fig = _figure()
    series = [(item, p.cost_of_revenue_items[item][0]) for item in COST_OF_REVENUE_ITEMS]
    series += [(cat, p.opex[cat][0]) for cat in OPEX_CATEGORIES]
    series += [("debt_service", p.debt_service[0]), ("tax", p.tax[0]), ("tax_credit", -p.tax_credit[0])]
    for n, (key, values) in enumerate(series):
        if values.any():
            fig.add_bar(x=dates, y=values, name=t(f"item.{key}", lang), marker_color=PALETTE[n % len(PALETTE)])
    fig.add_scatter(x=dates, y=p.revenue[0], name=t("chart.burn.revenue", lang), line={"color": "black", "width": 2})
    fig.update_layout(barmode="relative")  # the R&D credit, negative, below zero
    cur = p.currency
    return money_axis(_layout(fig, t("chart.burn.title", lang, currency=cur), t("chart.burn.y", lang, currency=cur), lang),
                      "y", cur, lang)


def revenue_mix(p: Projection, *, lang: str = "en") -> go.Figure:
    """Stacked area of monthly revenue by stream."""
    dates = p.month_dates()
    fig = _figure()
    for n, name in enumerate(p.stream_names):
        fig.add_scatter(x=dates, y=p.stream_revenue[0, n], name=plot_text(name), stackgroup="revenue",
                        line={"color": PALETTE[n % len(PALETTE)]})
    cur = p.currency
    return money_axis(_layout(fig, t("chart.mix.title", lang, currency=cur), t("chart.mix.y", lang, currency=cur), lang),
                      "y", cur, lang)


def revenue_share(p: Projection, *, lang: str = "en") -> go.Figure:
    """Horizontal bars: each stream's share of first-year revenue, in percent."""
    shares = 100 * stream_shares(p.stream_revenue)[0]
    fig = _figure(go.Bar(x=shares, y=[plot_text(name) for name in p.stream_names], orientation="h",
                           text=[f"{s:.1f}%" for s in shares], marker_color=PALETTE[0]))
    fig = _layout(fig, t("chart.share.title", lang), "", lang, dates=False)
    fig.update_layout(xaxis_title=t("chart.share.x", lang), hovermode="closest")
    return fig



# --- strategy pillars ---------------------------------------------------------


def score_colour(score: float) -> str:
    """Red below 40, amber below 70, green from 70 (sub-scores and pillar scores)."""
    return PALETTE[2] if score < 40 else PALETTE[1] if score < 70 else PALETTE[4]


def pillar_radar(card: Scorecard, *, lang: str = "en") -> go.Figure:
    """Radar of every scored pillar, 0-100."""
    names = [t(f"pillar.{k}", lang).replace(" ", "<br>", 1) for k in card.pillars]  # two lines fit beside the circle
    scores = [ps.score for ps in card.pillars.values()]
    fig = _figure(go.Scatterpolar(r=[*scores, scores[0]], theta=[*names, names[0]], fill="toself",
                                    name=t("chart.radar.series", lang), line={"color": PALETTE[0]}))
    fig.update_layout(title=t("chart.radar.title", lang),
                      polar={"radialaxis": {"range": [0, 100], "angle": 180 / len(names), "tickangle": 180 / len(names),
                                            "tickfont": {"size": 10}}},  # ticks between two axis names, not on one
                      margin={"l": 80, "r": 80, "t": 90, "b": 50},
                      showlegend=False)
    return fig


def factor_scores(ps: PillarScore, *, lang: str = "en") -> go.Figure:
    """Horizontal bars of a pillar's factor sub-scores (0-100); factors without data are left out."""
    scored = [(f, f.score) for f in ps.factors if f.score is not None]
    fig = _figure(go.Bar(
        x=[sub for _, sub in scored], y=[t(f"factor.{f.key}", lang) for f, _ in scored], orientation="h",
        marker_color=[score_colour(sub) for _, sub in scored], text=[f"{sub:.0f}" for _, sub in scored],
        textposition="outside", cliponaxis=False,
    ))
    fig.update_layout(title=t("chart.factors.title", lang, pillar=t(f"pillar.{ps.key}", lang)),
                      xaxis={"title": t("chart.factors.x", lang), "range": [0, 112],  # room for the label of a 100
                             "tickvals": list(range(0, 101, 20))},
                      yaxis={"autorange": "reversed"})
    return fig


def serving_cost(p: Projection, *, lang: str = "en") -> go.Figure:
    """Inference cost per 1M tokens and inference + hosting as a share of revenue, by month."""
    dates = p.month_dates()
    serving = p.cost_of_revenue_items["inference"][0] + p.cost_of_revenue_items["hosting"][0]
    revenue = p.revenue[0]
    share = np.divide(100 * serving, revenue, out=np.full_like(revenue, np.nan), where=revenue > 0)
    cur = p.currency
    fig = make_subplots(specs=[[{"secondary_y": True}]]).update_layout(template=TEMPLATE)
    fig.add_scatter(x=dates, y=p.cost_per_million_tokens[0], name=t("chart.serving.per_token", lang, currency=cur),
                    line={"color": PALETTE[0], "width": 3}, secondary_y=False)
    fig.add_scatter(x=dates, y=share, name=t("chart.serving.share", lang), line={"color": PALETTE[1], "dash": "dot"},
                    hovertemplate=f"{t('chart.serving.share', lang)}: %{{y:.1f}}%<extra></extra>",
                    secondary_y=True)
    fig = _layout(fig, t("chart.serving.title", lang, currency=cur), t("chart.serving.per_token", lang, currency=cur), lang)
    top = float(np.nanmax(share, initial=0.0))
    shares = [v for v in _ticks(0.0, top, False) if v >= 0]
    fig.update_yaxes(title_text=t("chart.serving.y2", lang), secondary_y=True, showgrid=False, automargin=True,
                     range=[0, _top(top, shares)], tickmode="array", tickvals=shares,  # its own round ticks (plotly
                     ticktext=[f"{v:g}%" for v in shares])  # would otherwise sync them to the first axis: "44.2%")
    money_axis(fig, "y", cur, lang, hover=fmt_price)
    cost = float(np.nanmax(p.cost_per_million_tokens[0], initial=0.0))
    return fig.update_yaxes(range=[0, _top(cost, fig.layout.yaxis.tickvals or ())], secondary_y=False)


def _top(high: float, ticks: Sequence[float]) -> float:
    """The top of an axis from zero: the first tick at or above ``high`` (a flat zero line gets one step above it)."""
    return next((v for v in ticks if v >= high and v > 0), high or 1.0)


def market_funnel(market: Market, p: Projection, *, lang: str = "en") -> go.Figure | None:
    """TAM -> SAM -> SOM -> year-1 revenue (per year) on a log axis, each as a share of the stage above.

    None when no market size is given.
    """
    stages = [(t(f"chart.funnel.{k}", lang), v) for k, v in
              (("tam", market.tam_yearly), ("sam", market.sam_yearly), ("som", market.som_yearly)) if v]
    if not stages:
        return None
    stages.append((t("chart.funnel.revenue", lang), float(p.revenue[0, :YEAR].sum())))
    labels = [money(stages[0][1], p.currency, lang)]
    labels += [t("chart.funnel.of_above", lang, amount=money(v, p.currency, lang), share=percent(v / above if above else None))
               for (_, above), (_, v) in itertools.pairwise(stages)]
    fig = _figure(go.Bar(x=[max(v, 1.0) for _, v in stages], y=[name for name, _ in stages], orientation="h",
                           text=labels, textposition="outside", cliponaxis=False,
                           marker_color=PALETTE[: len(stages)]))
    fig.update_layout(title=t("chart.funnel.title", lang, currency=p.currency), hovermode="closest",
                      xaxis={"type": "log", "title": t("chart.funnel.x", lang, currency=p.currency)},
                      yaxis={"autorange": "reversed"}, margin={"l": 10, "r": 120, "t": 60, "b": 10})
    return money_axis(fig, "x", p.currency, lang)


# --- risk lab -------------------------------------------------------------------


def cash_fan(r: RiskResult, p: Projection, *, lang: str = "en") -> go.Figure:
    """Percentile bands of month-end cash (5-95 and 25-75 %) with the median and the zero line."""
    dates = p.month_dates()
    band = dict(zip(PERCENTILES, r.cash_bands, strict=True))
    traces = []
    for low, high, key, alpha in ((5, 95, "outer", 0.15), (25, 75, "inner", 0.3)):
        traces += [{"type": "scatter", "x": dates, "y": band[low], "line": {"width": 0}, "showlegend": False,
                    "hoverinfo": "skip"},
                   {"type": "scatter", "x": dates, "y": band[high], "fill": "tonexty", "line": {"width": 0},
                    "name": t(f"chart.fan.{key}", lang), "fillcolor": f"rgba(46,134,171,{alpha})"}]
    fig = _figure(*traces, {"type": "scatter", "x": dates, "y": band[50], "name": t("chart.fan.median", lang),
                            "line": {"color": PALETTE[0], "width": 3}})  # one figure of all traces: validated once
    _add_lines(fig, [_hline(0, {"color": PALETTE[2], "width": 1}, t("chart.cash.zero", lang))])
    cur = p.currency
    fig = _layout(fig, t("chart.fan.title", lang, paths=r.paths, currency=cur), t("chart.cash.y", lang, currency=cur), lang)
    return money_axis(fig, "y", cur, lang)


def survival_curve(r: RiskResult, p: Projection, month: int, *, lang: str = "en") -> go.Figure:
    """Share of futures whose cash lasts at least m months, by month, with the summary month marked."""
    dates = [month_date(p.start_date, m) for m in range(r.months + 1)]
    fig = _figure(go.Scatter(x=dates, y=100 * r.survival, name=t("chart.survival.series", lang),
                               line={"color": PALETTE[4], "width": 3, "shape": "hv"}))
    if month <= r.months:
        fig.add_scatter(x=[dates[month]], y=[100 * r.survival_at(month)], mode="markers+text",
                        text=[f"{100 * r.survival_at(month):.0f}%"],
                        textposition="top right" if r.survival_at(month) < 0.9 else "bottom right",  # clear of the title
                        marker={"size": 12, "color": PALETTE[2]}, name=t("chart.survival.marker", lang, month=month))
    fig = _layout(fig, t("chart.survival.title", lang), t("chart.survival.y", lang), lang)
    fig.update_yaxes(range=[0, 105])
    return fig


MAX_BINS = 100


def _histogram(values: np.ndarray, title: str, x_title: str, lang: str, size: float | None = None) -> go.Figure:
    """Counts per bin, binned here (numpy's "auto" rule, at most :data:`MAX_BINS` bins; bins of ``size`` centred
    on its multiples when given) and drawn as bars: the browser gets the bins, not every path."""
    values = values[np.isfinite(values)]
    if not len(values):
        edges = np.array([0.0, 1.0])
    elif size:
        edges = np.arange(values.min() - size / 2, values.max() + size, size)
    else:
        edges = np.histogram_bin_edges(values, bins="auto")
        if len(edges) > MAX_BINS + 1:
            edges = np.linspace(edges[0], edges[-1], MAX_BINS + 1)
    counts, edges = np.histogram(values, bins=edges)
    fig = _figure(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=counts, width=np.diff(edges), marker_color=PALETTE[0],
                         customdata=np.column_stack([edges[:-1], edges[1:]]),
                         hovertemplate="%{customdata[0]:,.4g} – %{customdata[1]:,.4g}: %{y}<extra></extra>"))
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=t("chart.hist.y", lang), bargap=0.05)
    return fig


def runway_histogram(r: RiskResult, *, lang: str = "en") -> go.Figure:
    return _histogram(r.runway, t("chart.runway_hist.title", lang, months=r.months), t("chart.runway_hist.x", lang), lang, 1)


def npv_histogram(r: RiskResult, currency: str, *, timing: str, lang: str = "en") -> go.Figure:
    """NPV per simulated path; ``timing`` ("end" / "start") is the cash-flow timing the NPV used."""
    fig = _histogram(r.npv, t("chart.npv_hist.title", lang, currency=currency),
                     t("chart.npv_hist.x", lang, currency=currency, timing=t(f"timing.{timing}", lang)), lang)
    return money_axis(fig, "x", currency, lang)


def tornado_chart(base: float, bars: list[TornadoBar], labels: list[str], metric_title: str, *,
                  currency: str | None = None, lang: str = "en", top: int = 10) -> go.Figure:
    """Horizontal bars from the base metric to its value with each input at its low and high end;
    ``currency`` when the metric is money (its axis and hover then read in the reader's units)."""
    shown = bars[:top]
    names = [plot_text(label) for label in labels[:top]]
    fig = _figure()
    for end, colour in (("low", PALETTE[2]), ("high", PALETTE[4])):
        values = [getattr(b, f"metric_{end}") for b in shown]
        fig.add_bar(y=names, x=[v - base for v in values], base=base, orientation="h", marker_color=colour,
                    name=t(f"chart.tornado.{end}", lang), hovertemplate="%{y}: %{customdata}",
                    customdata=[money(v, currency, lang) if currency else f"{v:.3g}" for v in values])
    fig.update_layout(title=t("chart.tornado.title", lang, metric=metric_title), barmode="overlay",
                      xaxis_title=metric_title, yaxis={"autorange": "reversed"})
    _add_lines(fig, [_vline(base, {"color": "#555555", "width": 1})])
    if currency is None:
        return fig
    return money_axis(fig, "x", currency, lang,
                      values=[base, *(getattr(b, f"metric_{end}") for b in shown for end in ("low", "high"))])


# --- pricing lab ------------------------------------------------------------------


def price_response(curve: PriceCurve, today: float, best: float | None, floor: float, *, stream: str, unit: str,
                   currency: str, timing: str, lang: str = "en") -> go.Figure:
    """Volume, stream revenue, company gross profit and NPV against price, today and the optimum marked.

    ``timing`` ("end" / "start") is the cash-flow timing the NPV used.
    """
    panels = ("volume", "revenue", "gross_profit", "npv")
    titles = [t(f"chart.price.{k}", lang, unit=unit, timing=t(f"timing.{timing}", lang)) for k in panels]
    fig = make_subplots(rows=2, cols=2, subplot_titles=titles, horizontal_spacing=0.1,
                        vertical_spacing=0.2).update_layout(template=TEMPLATE)
    marks = [(price, {"color": colour, "dash": dash}, label) for price, colour, label, dash in (
        (today, "#555555", "today", "dash"), (best, PALETTE[4], "optimal", "solid"),
        (floor if np.isfinite(floor) and floor > 0 else None, PALETTE[2], "floor", "dot")) if price is not None]
    for n, key in enumerate(panels):
        fig.add_scatter(x=curve.prices, y=getattr(curve, key), row=n // 2 + 1, col=n % 2 + 1, showlegend=False,
                        line={"color": PALETTE[0], "width": 2}, name=titles[n])
    _add_lines(fig, [_vline(price, line, axis=n + 1) for n in range(len(panels)) for price, line, _ in marks])
    for price, line, label in marks:  # legend entries for the vertical lines
        fig.add_scatter(x=[None], y=[None], mode="lines", line=line,
                        name=t("join.colon", lang, a=t(f"chart.price.{label}", lang), b=fmt_price(price, currency, lang)))
    fig.update_xaxes(title_text=t("chart.price.x", lang, currency=currency), row=2)  # not under the top row: the titles below
    fig.update_layout(title=t("chart.price.title", lang, stream=plot_text(stream), currency=currency), height=620,
                      legend={"orientation": "h", "y": -0.12}, margin={"l": 10, "r": 10, "t": 80, "b": 10})
    for axis in ("y2", "y3", "y4", "x", "x2", "x3", "x4"):  # revenue, gross profit and NPV; price on every panel
        money_axis(fig, axis, currency, lang, hover=fmt_price if axis.startswith("x") else money)
    volume = fig.data[0]  # its hover: three significant digits ("3.16M", "0.002"), not Plotly's "3.162855M"
    volume.customdata = [[fmt_price(p, currency, lang), quantity(v)] for p, v in zip(curve.prices, curve.volume, strict=True)]
    volume.hovertemplate = "%{customdata[0]}: %{customdata[1]}<extra></extra>"
    fig.update_yaxes(tickformat="~s", row=1, col=1)
    return fig


def van_westendorp(result: PriceSensitivity, currency: str, *, lang: str = "en") -> go.Figure:
    """The four cumulative curves with the acceptable range shaded and the four points marked, prices in the
    survey's ``currency``."""
    fig = _figure()
    styles = {"too_cheap": (PALETTE[1], "dot"), "cheap": (PALETTE[1], "solid"),
              "expensive": (PALETTE[2], "solid"), "too_expensive": (PALETTE[2], "dot")}
    for key, (colour, dash) in styles.items():
        fig.add_scatter(x=result.prices, y=100 * result.curves[key], name=t(f"chart.vw.{key}", lang),
                        line={"color": colour, "dash": dash, "shape": "hv"})
    if result.pmc is not None and result.pme is not None and result.pme >= result.pmc:
        fig.add_vrect(x0=result.pmc, x1=result.pme, fillcolor=PALETTE[4], opacity=0.12, line_width=0)
    _add_lines(fig, [_vline(value, {"color": "#555555", "width": 1}, label=f"{key.upper()} {fmt_price(value, currency, lang)}")
                     for key in ("pmc", "pme", "opp", "ipp") if (value := getattr(result, key)) is not None])
    fig.update_layout(title=t("chart.vw.title", lang), xaxis_title=t("chart.vw.x", lang, currency=currency),
                      yaxis_title=t("chart.vw.y", lang))
    return money_axis(fig, "x", currency, lang, hover=None)


# --- comparison -------------------------------------------------------------------


def compare_cash(items: list[tuple[str, Projection]], *, lang: str = "en") -> go.Figure:
    """Month-end cash of several scenarios on one chart; a second currency gets its own axis on the right (amounts
    in two currencies are never drawn on one scale)."""
    currencies = list(dict.fromkeys(p.currency for _, p in items))
    fig = _figure()
    for n, (label, p) in enumerate(items):
        fig.add_scatter(x=p.month_dates(), y=p.cash[0], name=t("join.paren", lang, a=plot_text(label), b=p.currency),
                        line={"color": PALETTE[n % len(PALETTE)], "width": 3, "dash": "solid" if p.currency == currencies[0]
                              else "dot"}, yaxis="y" if p.currency == currencies[0] else "y2")
    _add_lines(fig, [_hline(0, {"color": PALETTE[2], "width": 1}, t("chart.cash.zero", lang))])
    fig = _layout(fig, t("chart.compare.cash", lang, currency="/".join(currencies)),
                  t("chart.cash.y", lang, currency=currencies[0]), lang)
    money_axis(fig, "y", currencies[0], lang)
    if len(currencies) > 1:
        fig.update_layout(yaxis2={"title": t("chart.cash.y", lang, currency="/".join(currencies[1:])), "overlaying": "y",
                                  "side": "right", "showgrid": False})
        money_axis(fig, "y2", currencies[1], lang)
    return fig


def compare_revenue(items: list[tuple[str, Projection]], *, lang: str = "en") -> go.Figure:
    """Year-1 revenue by stream kind, one stacked bar per scenario."""
    fig = _figure()
    labels = [plot_text(label).replace(": ", ":<br>", 1) for label, _ in items]  # two short lines, never tilted into the legend
    kinds = sorted({k for _, p in items for k in p.stream_kinds})
    for n, kind in enumerate(kinds):
        values = [sum(p.stream_revenue[0, i, :YEAR].sum() for i, k in enumerate(p.stream_kinds) if k == kind) for _, p in items]
        fig.add_bar(x=labels, y=values, name=t(f"kind.{kind}", lang), marker_color=PALETTE[n % len(PALETTE)])
    fig.update_layout(barmode="stack", title=t("chart.compare.revenue", lang), yaxis_title=t("chart.compare.revenue_y", lang),
                      xaxis={"tickangle": 0, "automargin": True})
    currencies = {p.currency for _, p in items}
    return money_axis(fig, "y", currencies.pop(), lang) if len(currencies) == 1 else fig


def compare_pillars(items: list[tuple[str, Scorecard]], *, lang: str = "en") -> go.Figure:
    """Pillar scores (0-100) side by side, as horizontal bars: the pillars' names level beside them, never tilted
    into the legend below."""
    fig = _figure()
    pillars = [k for k in ("technology", "business_model", "funds", "market", "data", "compliance")
               if any(k in card.pillars for _, card in items)]
    for n, (label, card) in enumerate(items):
        fig.add_bar(y=[t(f"pillar.{k}", lang) for k in pillars],
                    x=[card.pillars[k].score if k in card.pillars else None for k in pillars], orientation="h",
                    name=t("join.colon", lang, a=plot_text(label), b=f"{card.survival:.0f}"),
                    marker_color=PALETTE[n % len(PALETTE)])
    return fig.update_layout(barmode="group", title=t("chart.compare.pillars", lang),
                             xaxis={"range": [0, 100], "title": "0–100", "tickvals": list(range(0, 101, 25))},
                             yaxis={"autorange": "reversed", "automargin": True})  # the pillars top down, in order


def compare_survival(items: list[tuple[str, RiskResult]], *, lang: str = "en") -> go.Figure:
    """The chance cash lasts at least m months, per scenario."""
    fig = _figure()
    for n, (label, r) in enumerate(items):
        fig.add_scatter(x=list(range(r.months + 1)), y=100 * r.survival, name=plot_text(label),
                        line={"color": PALETTE[n % len(PALETTE)], "width": 3, "shape": "hv"})
    fig.update_layout(title=t("chart.survival.title", lang), xaxis_title=t("chart.compare.months", lang),
                      yaxis={"range": [0, 105], "title": t("chart.survival.y", lang)})
    return fig


def income_and_cash(s: Statements, currency: str, period: str = "month", *, lang: str = "en") -> go.Figure:
    """Net income (bars) against the cash operations bring in (a line), money per ``period`` (month, quarter or
    year, as the statements above it): the gap is what billing, payment days, VAT and tax as filed move."""
    fig = _figure()
    income, operating = table(s, "pnl", period).loc["net_income"], table(s, "cash_flow", period).loc["operating"]
    x = list(s.dates) if period == "month" else list(income.index)  # quarters and years by name ("2026 Q1", "2026")
    fig.add_bar(x=x, y=list(income), name=t("statement.pnl.net_income", lang), marker_color=PALETTE[0])
    fig.add_scatter(x=x, y=list(operating), name=t("statement.cash_flow.operating", lang),
                    line={"color": PALETTE[1], "width": 3})
    fig = money_axis(_layout(fig, t(f"statement.chart.title.{period}", lang, currency=currency),
                             t(f"statement.chart.y.{period}", lang, currency=currency), lang), "y", currency, lang)
    if period != "month":  # "2026" and "2026 Q1" are names, not numbers on a scale
        fig.update_xaxes(type="category", title_text=t(f"statement.period.{period}", lang))
    return fig
