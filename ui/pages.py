"""The page list, in one place: ``app.py`` builds the navigation from it and the tests
(AppTest and the browser) discover every page from it, so a new page is tested without
touching three files.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.i18n import t


@dataclass(frozen=True)
class PageSpec:
    """One page: its script, title and section (locale keys), icon, URL path, and ``shows``,
    the locale key of a text the page always shows once rendered (the browser test waits for it), and
    ``private``: the page shows saved scenarios, so a session without an identity (a share-link guest)
    does not get it."""

    file: str
    title: str
    section: str
    icon: str
    url_path: str
    shows: str
    private: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("views/build.py", "nav.build", "nav.section.plan", ":material/edit_square:", "build", "build.section"),
    PageSpec("views/overview.py", "nav.overview", "nav.section.plan", ":material/dashboard:", "overview", "kpi.runway"),
    PageSpec("views/funds.py", "nav.funds", "nav.section.plan", ":material/local_fire_department:", "funds",
             "funds.round_delay"),
    PageSpec("views/revenue.py", "nav.revenue", "nav.section.plan", ":material/stacked_line_chart:", "revenue", "kpi.hhi"),
    PageSpec("views/pricing.py", "nav.pricing", "nav.section.plan", ":material/sell:", "pricing", "pricing.apply"),
    PageSpec("views/risk.py", "nav.risk", "nav.section.plan", ":material/casino:", "risk", "risk.stresses"),
    PageSpec("views/financing.py", "nav.financing", "nav.section.plan", ":material/account_balance:", "financing",
             "financing.compare"),
    PageSpec("views/statements.py", "nav.statements", "nav.section.plan", ":material/request_quote:", "statements",
             "statement.balance"),
    PageSpec("views/actuals.py", "nav.actuals", "nav.section.plan", ":material/fact_check:", "actuals", "actuals.intro"),
    PageSpec("views/library.py", "nav.library", "nav.section.share", ":material/folder_open:", "library", "library.save",
             private=True),
    PageSpec("views/compare.py", "nav.compare", "nav.section.share", ":material/compare_arrows:", "compare", "compare.title"),
    PageSpec("views/pitch.py", "nav.pitch", "nav.section.share", ":material/present_to_all:", "pitch", "score.survival"),
    PageSpec("views/strategy.py", "nav.strategy", "nav.section.strategy", ":material/radar:", "strategy", "strategy.weights"),
    PageSpec("views/technology.py", "nav.technology", "nav.section.strategy", ":material/memory:", "technology",
             "pillar.factors"),
    PageSpec("views/business_model.py", "nav.business_model", "nav.section.strategy", ":material/storefront:",
             "business-model", "pillar.factors"),
    PageSpec("views/funds_pillar.py", "nav.funds_pillar", "nav.section.strategy", ":material/savings:", "funds-management",
             "input.runway_target"),
    PageSpec("views/market.py", "nav.market", "nav.section.strategy", ":material/target:", "market", "input.competition"),
)
HOME = "views/overview.py"
"""The page ``/`` opens; every page, this one included, also has its own address (a deep link)."""


def navigation_pages(lang: str, private: bool = True) -> dict[str, list[st.Page]]:
    """``st.navigation``'s input: the pages by section, titled in ``lang`` (without the private ones unless
    ``private``), and a hidden default page at ``/`` that moves on to :data:`HOME`."""
    sections: dict[str, list[st.Page]] = {"": [st.Page(_home, title=t("nav.overview", lang), visibility="hidden",
                                                       default=True)]}
    for spec in PAGES:
        if spec.private and not private:
            continue
        page = st.Page(spec.file, title=t(spec.title, lang), icon=spec.icon, url_path=spec.url_path)
        sections.setdefault(t(spec.section, lang), []).append(page)
    return sections


def _home() -> None:
    st.switch_page(HOME)
