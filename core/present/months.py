"""Month indexes as calendar months: month 0 is the month of the plan's start date (``company.start_date``)."""

from __future__ import annotations

from datetime import date

from core.engine.projection import month_date
from core.present.formatting import month_text


def month_label(start: date, index: int, lang: str = "en") -> str:
    """Month ``index`` of a plan starting in ``start``'s month, as the reader names it.

    >>> month_label(date(2027, 1, 15), 3), month_label(date(2027, 1, 15), 3, "zh")
    ('2027-04', '2027年4月')
    """
    return month_text(month_date(start, index), lang)


def month_labels(start: date, low: int, high: int, lang: str = "en") -> dict[int, str]:
    """Every month index from ``low`` to ``high`` (both included) with its calendar month: a month picker's options."""
    return {index: month_label(start, index, lang) for index in range(low, high + 1)}


def month_number(index: int, lang: str = "en") -> int:
    """Month ``index`` of the plan as the reader counts it: from 0 in English (as the editor's month fields), from 1 in
    Chinese, where the first month is 第1个月.

    >>> month_number(0), month_number(0, "zh"), month_number(14, "zh")
    (0, 1, 15)
    """
    return index + 1 if lang == "zh" else index


def plan_month(start: date, index: int, lang: str = "en") -> str:
    """Month ``index`` of a plan starting in ``start``'s month, for a sentence: its index in English ("month 14"),
    its calendar month in Chinese.

    >>> plan_month(date(2026, 1, 1), 14), plan_month(date(2026, 1, 1), 14, "zh")
    ('14', '2027年3月')
    """
    return month_label(start, index, lang) if lang == "zh" else str(index)
