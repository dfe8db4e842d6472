"""Month indexes as calendar months: month 0 is the month of the plan's start date (``company.start_date``)."""

from __future__ import annotations

from datetime import date

from core.engine.projection import month_date
from core.i18n import t


def month_text(day: date, lang: str = "en") -> str:
    """A calendar month as a card, a table or a sentence writes it: ``2027-03`` in English, ``2027年3月`` in Chinese.

    >>> month_text(date(2031, 12, 1)), month_text(date(2031, 12, 1), "zh"), month_text(date(2027, 3, 1), "zh")
    ('2031-12', '2031年12月', '2027年3月')
    """
    return t("month.label", lang, year=day.year, month=day.month)


def month_label(start: date, index: int, lang: str = "en") -> str:
    """Month ``index`` of a plan starting in ``start``'s month, as the reader names it.

    >>> month_label(date(2027, 1, 15), 3), month_label(date(2027, 1, 15), 3, "zh")
    ('2027-04', '2027年4月')
    """
    return month_text(month_date(start, index), lang)


def month_labels(start: date, low: int, high: int, lang: str = "en") -> dict[int, str]:
    """Every month index from ``low`` to ``high`` (both included) with its calendar month: a month picker's options."""
    return {index: month_label(start, index, lang) for index in range(low, high + 1)}
