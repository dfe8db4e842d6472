"""Small rendering helpers shared by pages."""

from __future__ import annotations

import streamlit as st

from core.present.report import Kpi


def kpi_cards(kpis: list[Kpi], per_row: int = 4) -> None:
    """Metric cards, ``per_row`` to a row, with their note as a caption."""
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
    st.html(FOLD_SIDEBAR, unsafe_allow_javascript=True)


def chart(fig) -> None:
    st.plotly_chart(fig, width="stretch")


def plain(text: str) -> str:
    """Text shown as itself, never as Markdown (a name cannot style, link or load anything): the characters
    that open emphasis, code, links and images, HTML, headings, tables, maths, colours and icons (``:red[x]``,
    ``:material/x:``), autolinks (``http:``, e-mail) are escaped."""
    return "".join("\\" + c if c in "\\`*_{}[]<>#!|~$:@" else c for c in text)

