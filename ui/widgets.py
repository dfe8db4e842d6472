"""Small rendering helpers shared by pages."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from core.i18n import t
from core.present import formatting as fmt
from core.present.report import Kpi

STYLE = """<style>
/* KPI values and labels wrap instead of being cut off ("第 21 个月（2…") */
[data-testid="stMetricValue"] .stMarkdownEllipsis, [data-testid="stMetricValue"] p,
[data-testid="stMetricLabel"] .stMarkdownEllipsis, [data-testid="stMetricLabel"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; overflow-wrap: anywhere; }
/* a date on a card stays on one line where it fits ("2031年12月之后", never "2031年12月之" / "后") */
[data-testid="stMetricValue"] .stMarkdownEllipsis, [data-testid="stMetricValue"] p { word-break: keep-all; }
/* the Build page's narrow strip: values one size down, so that a date fits its width */
.st-key-build_strip [data-testid="stMetricValue"] { font-size: 1.5rem !important; }
/* on a phone, KPI cards in a compact two-column grid rather than one long column */
@media (max-width: 640px) {
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]):not(
      :has([data-testid="stColumn"] [data-testid="stHorizontalBlock"], .js-plotly-plot)) {
    flex-direction: row !important; flex-wrap: wrap !important; row-gap: 0.5rem; }
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]):not(
      :has([data-testid="stColumn"] [data-testid="stHorizontalBlock"], .js-plotly-plot)) > [data-testid="stColumn"] {
    flex: 1 1 40% !important; width: 40% !important; min-width: 40% !important; }
  [data-testid="stMetricValue"] { font-size: 1.35rem !important; }
}
</style>"""
CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": [
    "zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "toggleSpikelines",
    "hoverClosestCartesian", "hoverCompareCartesian"]}
"""Plotly's toolbar cut to "download as PNG" and "reset axes": short enough not to cover a chart's title on a phone."""


def style() -> None:
    """The app's few style rules (once per run, from app.py and the share view)."""
    st.html(STYLE)  # a constant: nothing a user typed reaches raw HTML


def kpi_cards(kpis: list[Kpi], per_row: int = 4) -> None:
    """Metric cards, ``per_row`` to a row (two to a row on a phone), with their note as a caption."""
    for start in range(0, len(kpis), per_row):
        for col, kpi in zip(st.columns(per_row), kpis[start : start + per_row], strict=False):
            with col:
                st.metric(kpi.label, kpi.value, help=kpi.help or None)
                if kpi.note:
                    st.caption(kpi.note)


FOLD_SIDEBAR = """<script>
(() => {
  const forget = () => Object.keys(localStorage).filter(k => k.startsWith("stSidebarCollapsed-"))
    .forEach(k => localStorage.removeItem(k));
  const button = document.querySelector("[data-testid='stSidebarCollapseButton'] button");
  if (button && document.querySelector("[data-testid='stSidebar']").getBoundingClientRect().width > 0) button.click();
  forget();
})();
</script>"""


def fold_sidebar() -> None:
    """Fold the sidebar now, on every visit. Streamlit's ``initial_sidebar_state`` yields to the reader's last
    toggle (kept in the browser's localStorage), so it folds only the first time; this forgets that toggle, so
    the other pages open with the sidebar as usual."""
    st.html(FOLD_SIDEBAR, unsafe_allow_javascript=True)  # a constant script, no user text in it


def table(frame, exportable: bool = True) -> None:
    """A table without its index, full width: interactive (sort, search; the server's ``disableDataExport`` keeps
    Streamlit's CSV out) when ``exportable``, else static, with no toolbar at all (a share link without downloads)."""
    if exportable:
        st.dataframe(frame, hide_index=True, width="stretch")
    else:  # a static table renders its cells as Markdown: "> 36 months" would be a quote
        st.table(frame.map(lambda cell: plain(cell) if isinstance(cell, str) else cell), hide_index=True)


def chart(fig, toolbar: bool = True) -> None:
    """A Plotly figure across its column; ``toolbar=False`` for a narrow one, whose title the toolbar would cover."""
    st.plotly_chart(fig, width="stretch", config=CHART_CONFIG if toolbar else {**CHART_CONFIG, "displayModeBar": False})


def reads(*amounts: float, currency: str, language: str) -> None:
    """Under a slider of money (whose own numbers are plain digits), the amounts as the page writes money: "= $6.57M",
    "即 657.3万元"; a range as "low – high"."""
    shown = [fmt.money(a, currency, language) for a in amounts]
    st.caption(t("input.reads", language, amount=" – ".join(shown)))


def seeded(key: str, value: Any) -> dict[str, Any]:
    """A widget's starting ``value``, unless the session already holds one for ``key`` (written back by
    :func:`ui.session.resend_choices`): Streamlit warns when a widget gets both."""
    return {} if key in st.session_state else {"value": value}


JOINER = "\u2060"
"""WORD JOINER: invisible, and it breaks the patterns Markdown turns into links after escapes are read."""
AUTOLINK = re.compile(r"(?<=www)(?=\.)|(?<=:)(?=//)|(?<=@)", re.IGNORECASE)
"""Where GFM would see a link in plain text (``www.``, ``https://``, ``a@b.c``) — escaping does not stop it."""


def plain(text: str) -> str:
    r"""Text shown as itself, never as Markdown (a name cannot style, link or load anything): the characters
    that open emphasis, code, links and images, HTML, entities, headings, tables, maths, colours and icons
    (``:red[x]``, ``:material/x:``) are escaped, and automatic links are broken by an invisible :data:`JOINER`.

    >>> plain("*Deck* at www.x.example, https://x.example & ir@x.example").replace(JOINER, "+")
    '\\*Deck\\* at www+.x.example, https\\:+//x.example \\& ir\\@+x.example'
    """
    text = AUTOLINK.sub(JOINER, text)
    return "".join("\\" + c if c in "\\`*_{}[]<>#!|~$:@&" else c for c in text)



def upload_caption(language: str, limit_mb: int, types: list[str]) -> None:
    """Under a file uploader, what Streamlit's own untranslatable text ("Upload", "Limit … per file") says, in the
    reader's language (nothing to add in English)."""
    if language != "en":
        st.caption(t("upload.caption", language, limit=limit_mb, types="、".join(x.upper() for x in types)))
