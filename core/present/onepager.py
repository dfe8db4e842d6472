"""The one-pager for a deck: one landscape page (A4 or Letter) with the scenario's name and date, the headline
KPIs, what an investor asks next (MRR and ARR, gross margin, the ask, the team), the cash curve with its rounds,
the revenue mix, the pillar radar (with its scale), the survival odds and profit and cash by year (revenue, gross
profit, EBITDA, net income, operating cash flow, cash at year end), in the reader's language; a scenario with
equity, SAFE or note rounds gets a cap-table column (who owns what after the last priced round, the founders' share
before → after, bridges still unconverted at the horizon). Built as one
Plotly figure from the same chart functions the pages use, and rendered to PDF or PNG by Plotly's static export
(kaleido, which drives the system's Chromium). The PDF is then given its title ("<company> — one-pager"; kaleido's
page is called "Kaleido-fier") and a text layer that reads CJK ideographs rather than radicals (pypdf)."""

from __future__ import annotations

import io
import os
import re
import shutil
import unicodedata
from datetime import date
from typing import Any, cast

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.analysis.captable import FOUNDERS, CapTable, cap_table, ownership
from core.analysis.metrics import Summary, summarize
from core.analysis.pillars import Scorecard, score
from core.analysis.risk import RiskResult, simulate
from core.analysis.statements import Statements, statements
from core.engine.projection import Projection, project
from core.i18n import t
from core.model import Scenario, ScenarioError, replace_fields
from core.present import charts, formatting
from core.present.financing import conversion_notes, holder_label
from core.present.months import plan_month
from core.present.report import Kpi, headline, pillar_kpis, pitch_kpis, risk_kpis
from core.present.statements import summary_frame

PAPERS = {"a4": (1123, 794), "letter": (1056, 816)}
"""Landscape page sizes in CSS pixels (96 per inch): A4 is 297 × 210 mm, Letter 11 × 8.5 in."""
FORMATS = {"pdf": "application/pdf", "png": "image/png"}
HEADLINE = ("cash", "runway", "zero_cash", "default_alive", "burn_multiple")
CAP_TABLE, YEARLY = "cap table", "profit and cash by year"
"""The names of the page's two tables (traces)."""
ROW_HEIGHTS = (0.36, 0.36, 0.28)
"""The charts' two rows and the yearly profit-and-cash table's, as shares of the charts' height."""
FOUNDERS_LINE = 0.12
"""How far (paper height) the cap table starts below its column's top: room for the founders' lines."""
FONT = "Liberation Sans, Arial, Noto Sans CJK SC, sans-serif"  # Latin and digits first: they extract as text from the PDF
MARGIN = {"l": 50, "r": 30, "t": 200, "b": 60}
CARD_ROWS = (((138, 112), 7, 15), ((74, 48), 5, 13))
"""Each row of cards: its labels' and values' heights above the charts (pixels), its slots across, its values' size."""
RADICALS = (0x2E80, 0x2FDF)
"""CJK radicals (the supplement and Kangxi). Noto Sans CJK draws 金 and the radical ⾦ with one glyph, and Chromium's
PDF names each glyph by its lowest code point: the text layer read 资⾦ for 资金."""


def one_pager_kpis(summary: Summary, scenario: Scenario, card: Scorecard, result: RiskResult | None,
                   lang: str = "en") -> list[Kpi]:
    """The cards of the page: cash, runway, zero-cash date, default alive, burn multiple, the survival score and,
    with a Monte Carlo result, the survival odds."""
    cards = [k for k in headline(summary, scenario, lang) if k.key in HEADLINE]
    cards.append(pillar_kpis(card, lang)[0])
    if result is not None:
        cards.append(risk_kpis(result, scenario, lang)[0])
    return cards


def page_cap_table(scenario: Scenario) -> CapTable | None:
    """The cap table the page shows, through the rounds within the horizon (a bridge whose priced round comes later
    is unconverted at the horizon): None without an equity, SAFE or note round that moves ownership (a priced
    round, or a bridge left unconverted), or when a round cannot be priced (the Winter financing page says why)."""
    horizon = scenario.settings.horizon_months
    try:
        table = cap_table(replace_fields(scenario, {"funding": [r.model_dump() for r in scenario.funding
                                                                 if r.month < horizon]}))
    except ScenarioError:
        return None
    return table if table.steps or table.stack else None


def cap_table_rows(table: CapTable, currency: str, lang: str = "en") -> tuple[list[str], list[str], list[str]]:
    """The section's columns: each holder after the last priced round, then each SAFE or note unconverted at the
    horizon: the money it put in and its fully diluted share (an unconverted one's as converted at its cap)."""
    share = ownership(table.holders)
    names = [holder_label(h, lang) for h in table.holders]
    invested = [formatting.money(h.invested, currency, lang) if h.preferred else "—" for h in table.holders]
    shares = [formatting.percent(share[h.key]) for h in table.priced]
    shares += [t("onepager.captable.unconverted", lang, share=formatting.percent(share[h.key])) for h in table.stack]
    return names, invested, shares


def founders_before_after(table: CapTable) -> tuple[float, float]:
    """The founders' fully diluted share today and after the plan's last priced round."""
    return ownership(table.start)[FOUNDERS], ownership(table.holders)[FOUNDERS]


def _wrapped(text: str, width: int = 24) -> str:
    """``text`` in lines of at most ``width`` columns (a CJK character takes two), broken at spaces or between CJK
    characters; a longer word keeps its own line."""
    tokens = re.findall(r"\s+|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+|.", text)
    lines, line = [], ""
    for token in tokens:
        if line.strip() and formatting.text_width(line + token) > width and not token.isspace():
            lines.append(line.rstrip())
            line = ""
        line += "" if not line and token.isspace() else token
    return "<br>".join([*lines, line.rstrip()])


def founders_note(table: CapTable, start: date, lang: str = "en") -> str:
    """When the founders' "after" is: after the plan's last priced round (its name and month), or no round."""
    if not table.steps:
        return t("onepager.captable.no_round", lang)
    last = table.steps[-1]
    return t("onepager.captable.founders_note", lang, name=last.key, month=plan_month(start, last.month, lang))


def one_pager(scenario: Scenario, p: Projection, summary: Summary, card: Scorecard, result: RiskResult | None, *,
              lang: str = "en", today: date | None = None, paper: str = "a4") -> go.Figure:
    """The page as one figure, sized for ``paper`` (a key of :data:`PAPERS`)."""
    width, height = PAPERS[paper]
    has_streams = bool(scenario.streams)
    table = page_cap_table(scenario)
    titles = [t("chart.cash.title", lang, currency=p.currency),
              t("chart.mix.title", lang, currency=p.currency) if has_streams else "",
              t("chart.radar.title", lang), t("chart.survival.title", lang) if result is not None else "",
              t("statement.summary.title", lang)]
    grid = {"subplot_titles": titles, "vertical_spacing": 0.08, "row_heights": ROW_HEIGHTS}
    if table is None:
        fig = make_subplots(rows=3, cols=2, specs=[[{}, {}], [{"type": "polar"}, {}], [{"type": "table", "colspan": 2}, None]],
                            horizontal_spacing=0.08, column_widths=[0.55, 0.45], **grid)
    else:  # a third column, two rows high, for the cap table (subplot titles run row by row)
        titles.insert(2, t("captable.title", lang))
        fig = make_subplots(rows=3, cols=3, specs=[[{}, {}, {"type": "table", "rowspan": 2}],
                                                   [{"type": "polar"}, {}, None],
                                                   [{"type": "table", "colspan": 3}, None, None]],
                            horizontal_spacing=0.06, column_widths=[0.41, 0.33, 0.26], **grid)
        _add_cap_table(fig, table, p.currency, lang)
    _add_yearly_table(fig, statements(scenario, p), p.currency, lang)
    parts: list[tuple[go.Figure, int, int]] = [(charts.cash_balance(p, scenario.funding, lang=lang), 1, 1),
                                               (charts.pillar_radar(card, lang=lang), 2, 1)]
    if has_streams:
        parts.append((charts.revenue_mix(p, lang=lang), 1, 2))
    if result is not None:
        month = scenario.risk.survival_month
        parts.append((charts.survival_curve(result, p, month, lang=lang), 2, 2))
    for part, row, col in parts:
        for trace in part.data:
            trace.showlegend = (row, col) == (1, 2)  # the stream names; the other charts read without a legend
            fig.add_trace(trace, row=row, col=col)
        if (row, col) in ((1, 1), (1, 2)):  # money in the reader's units (万 / 亿 in Chinese), as on the pages
            charts.money_axis(fig, fig.data[-1].yaxis, p.currency, lang, hover=None)
    fig.add_shape(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=0, y1=0,  # the zero-cash line
                  line={"color": "#C73E1D", "width": 1})
    fig.update_yaxes(title_text=t("chart.cash.y", lang, currency=p.currency), row=1, col=1)
    if has_streams:
        fig.update_yaxes(title_text=t("chart.mix.y", lang, currency=p.currency), row=1, col=2)
    if result is not None:
        fig.update_yaxes(title_text=t("chart.survival.y", lang), range=[0, 105], row=2, col=2)
    fig.update_polars(radialaxis={"range": [0, 100], "tickvals": [0, 25, 50, 75, 100], "showticklabels": True,
                                  "tickfont": {"size": 8, "color": "#888888"}, "angle": 18},  # between two pillars (54° apart)
                      angularaxis={"tickfont": {"size": 9}, "rotation": 54})  # 4 or 5 pillars, none at 90° (the title)
    months = p.month_dates()
    fig.update_xaxes(range=[months[0], months[-1]], row=2, col=2)  # the same months as the cash chart
    fig.update_annotations(font={"size": 12})
    if table is not None:
        _cap_table_notes(fig, table, scenario.company.start_date, p.currency, lang)
    charts_height = height - MARGIN["t"] - MARGIN["b"]
    rows = (one_pager_kpis(summary, scenario, card, result, lang), pitch_kpis(p, summary, scenario, lang))
    for ((above_label, above_value), slots, size), kpis in zip(CARD_ROWS, rows, strict=True):
        for i, kpi in enumerate(kpis):
            x = (i + 0.5) / slots
            fig.add_annotation(text=kpi.label, x=x, y=1 + above_label / charts_height, xref="paper", yref="paper",
                               showarrow=False, xanchor="center", font={"size": 10, "color": "#666666"})  # "auto" anchors the outer thirds
            fig.add_annotation(text=f"<b>{kpi.value}</b>", x=x, y=1 + above_value / charts_height, xref="paper",
                               yref="paper", showarrow=False, xanchor="center", font={"size": size})
    day = formatting.day_text(today or date.today(), lang)
    fig.update_layout(
        template=charts.TEMPLATE, width=width, height=height, font={"family": FONT, "size": 10},
        title={"text": f"<b>{scenario.company.name}</b>  ·  "
                       f"{t('onepager.subtitle', lang, date=day, start=formatting.month_text(scenario.company.start_date, lang))}",
               "x": 0.02, "y": 0.985, "font": {"size": 18}},
        meta={"pdf_title": t("onepager.pdf_title", lang, company=scenario.company.name)},
        margin=MARGIN, hovermode=False,
        legend={"orientation": "h", "x": fig.layout.xaxis2.domain[0] + 0.02, "y": 0.99, "yanchor": "top",
                "font": {"size": 9}, "bgcolor": "rgba(255,255,255,0.7)"},  # over the revenue mix
    )
    fig.add_annotation(text=t("onepager.footer", lang, date=day), x=0, y=-0.1, xref="paper", yref="paper",
                       showarrow=False, xanchor="left", font={"size": 8, "color": "#888888"})
    return fig


def _add_cap_table(fig: go.Figure, table: CapTable, currency: str, lang: str) -> None:
    names, invested, shares = cap_table_rows(table, currency, lang)
    fig.add_trace(go.Table(
        name=CAP_TABLE, columnwidth=[2.2, 1.3, 1.1],
        header={"values": [f"<b>{t(k, lang)}</b>" for k in ("captable.holder", "onepager.captable.invested",
                                                            "onepager.captable.share")],
                "align": ["left", "right", "right"], "fill_color": "#EEF1F5", "font": {"size": 9}, "height": 22},
        cells={"values": [[_wrapped(n) for n in names], invested, shares], "align": ["left", "right", "right"],
               "fill_color": "white", "line_color": "#DDDDDD", "font": {"size": 9}, "height": 20}),
        row=1, col=3)
    domain = fig.data[-1].domain
    domain.y = (domain.y[0], domain.y[1] - FOUNDERS_LINE)


def _add_yearly_table(fig: go.Figure, s: Statements, currency: str, lang: str) -> None:
    """Profit and cash by calendar year across the page's foot (:func:`core.present.statements.summary_frame`)."""
    frame = summary_frame(s, currency, lang)
    fig.add_trace(go.Table(
        name=YEARLY, columnwidth=[3.2, *([1.0] * (len(frame.columns) - 1))],
        header={"values": [f"<b>{c}</b>" for c in frame.columns], "align": ["left", "right"], "fill_color": "#EEF1F5",
                "font": {"size": 9}, "height": 18},
        cells={"values": [list(frame[c]) for c in frame.columns], "align": ["left", "right"], "fill_color": "white",
               "line_color": "#DDDDDD", "font": {"size": 9}, "height": 16}),
        row=3, col=1)


def _cap_table_notes(fig: go.Figure, table: CapTable, start: date, currency: str, lang: str) -> None:
    """The founders' share before → after the plan's rounds between the column's title and its table; the
    conversions at the column's foot."""
    before, after = founders_before_after(table)
    domain = next(d for d in fig.data if d.name == CAP_TABLE).domain
    founders = t("onepager.captable.founders", lang, before=formatting.percent(before), after=formatting.percent(after))
    fig.add_annotation(text=f"<b>{founders}</b><br>{_wrapped(founders_note(table, start, lang), 40)}",
                       x=domain.x[0], y=domain.y[1] + FOUNDERS_LINE - 0.01, xref="paper", yref="paper",
                       xanchor="left", yanchor="top", align="left", showarrow=False, font={"size": 11})
    notes = conversion_notes(table, currency, lang)
    if notes:
        fig.add_annotation(text="<br><br>".join(_wrapped(n, 52) for n in notes), x=domain.x[0], y=domain.y[0],
                           xref="paper", yref="paper", xanchor="left", yanchor="bottom", align="left",
                           showarrow=False, font={"size": 9, "color": "#444444"})


def render(fig: go.Figure, fmt: str) -> bytes:
    """The page as a PDF (one vector page of the figure's size, titled, its text searchable) or a PNG at twice the
    resolution."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {sorted(FORMATS)}, not {fmt!r}")
    image = fig.to_image(format=fmt, width=fig.layout.width, height=fig.layout.height, scale=2 if fmt == "png" else 1)
    return searchable(image, (fig.layout.meta or {}).get("pdf_title", "")) if fmt == "pdf" else image


def searchable(pdf: bytes, title: str) -> bytes:
    """Chromium's PDF with ``title`` as its document title and every font's ToUnicode map naming ideographs, not
    radicals (:data:`RADICALS`), so that its text is found and copied as written."""
    from pypdf import PdfWriter  # on first use: only the PDF needs it
    from pypdf.generic import DictionaryObject, StreamObject

    def dictionary(obj: Any) -> DictionaryObject:
        return cast(DictionaryObject, obj.get_object())

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    for page in writer.pages:
        for font in dictionary(dictionary(page["/Resources"])["/Font"]).values():
            if "/ToUnicode" in dictionary(font):
                stream = cast(StreamObject, dictionary(font)["/ToUnicode"].get_object())
                stream.set_data(ideographs_cmap(stream.get_data()))
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ideograph(text: str) -> str:
    """``text`` with each CJK radical as the ideograph it stands for; any other character as it is.

    >>> ideograph("资⾦ ⼈（%）")
    '资金 人（%）'
    """
    return "".join(unicodedata.normalize("NFKC", ch) if RADICALS[0] <= ord(ch) <= RADICALS[1] else ch for ch in text)


_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def ideographs_cmap(cmap: bytes) -> bytes:
    r"""A ToUnicode CMap with :func:`ideograph` applied to what each code names; one that names no radical is
    returned as it is (so is one with a range given as an array, which Chromium does not write), another is
    rewritten as single-code entries (bfchar).

    >>> ideographs_cmap(b"endcodespacerange\n1 beginbfchar\n<AD> <2FA6>\nendbfchar\n1 beginbfrange\n<01> <02> <4EBA>\n"
    ...                 b"endbfrange\nendcmap\nend")
    b'endcodespacerange\n3 beginbfchar\n<AD> <91D1>\n<01> <4EBA>\n<02> <4EBB>\nendbfchar\nendcmap\nend'
    """
    head, _, rest = cmap.partition(b"endcodespacerange")
    body, _, tail = rest.partition(b"endcmap")
    names: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", body, re.S):
        names |= {code: bytes.fromhex(name.decode()).decode("utf-16-be") for code, name in _PAIR.findall(block)}
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", body, re.S):
        for low, high, first in _RANGE.findall(block):
            start = bytes.fromhex(first.decode()).decode("utf-16-be")
            names |= {f"{code:0{len(low)}X}".encode(): start[:-1] + chr(ord(start[-1]) + code - int(low, 16))
                      for code in range(int(low, 16), int(high, 16) + 1)}
    if b"[" in body or all(ideograph(name) == name for name in names.values()):
        return cmap
    entries = [b"<%s> <%s>\n" % (code, ideograph(name).encode("utf-16-be").hex().upper().encode()) for code, name in names.items()]
    sections = b"".join(b"%d beginbfchar\n%sendbfchar\n" % (len(entries[i:i + 100]), b"".join(entries[i:i + 100]))
                        for i in range(0, len(entries), 100))
    return head + b"endcodespacerange\n" + sections + b"endcmap" + tail


def build(scenario: Scenario, lang: str = "en", paper: str = "a4", today: date | None = None) -> go.Figure:
    """The one-pager of a scenario, computed from the model (the same seeded Monte Carlo as the Risk lab; a
    scenario over the work budget gets a page without survival odds)."""
    p = project(scenario)
    try:
        result: RiskResult | None = simulate(scenario)
    except ScenarioError:
        result = None
    return one_pager(scenario, p, summarize(p, scenario.settings), score(scenario, p), result, lang=lang,
                     today=today, paper=paper)


def chromium() -> str | None:
    """The browser kaleido will drive (``BROWSER_PATH``, else Chromium or Chrome on the PATH), or None."""
    return os.environ.get("BROWSER_PATH") or next(
        (found for name in ("chromium", "chromium-browser", "google-chrome", "chrome") if (found := shutil.which(name))),
        None)
