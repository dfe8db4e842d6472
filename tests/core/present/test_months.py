"""Month indexes read as calendar months: month 0 is the plan's first month."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.model import MAX_MONTH
from core.present.months import month_label, month_labels


@pytest.mark.parametrize(("start", "index", "en", "zh"), [
    (date(2027, 1, 1), 3, "2027-04", "2027年4月"),     # "sales from month 3" in a plan starting in January
    (date(2027, 1, 31), 0, "2027-01", "2027年1月"),    # the day of the start does not matter
    (date(2026, 11, 1), 2, "2027-01", "2027年1月"),    # across the year's end
    (date(2026, 1, 1), 240, "2046-01", "2046年1月"),   # the last month a plan may name: 20 years on
])
def test_a_month_index_reads_as_the_calendar_month_counted_by_hand(start, index, en, zh):
    assert (month_label(start, index), month_label(start, index, "zh")) == (en, zh)


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)))
def test_a_pickers_months_are_every_index_once_each_a_month_after_the_one_before(start):
    labels = month_labels(start, 0, MAX_MONTH)
    assert list(labels) == list(range(MAX_MONTH + 1))
    months = [(int(label[:4]), int(label[5:])) for label in labels.values()]
    assert months[0] == (start.year, start.month)
    assert all(y * 12 + m == py * 12 + pm + 1 for (py, pm), (y, m) in itertools.pairwise(months))
