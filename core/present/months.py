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
