"""Actuals against a plan whose months or streams changed: what no longer fits, and what realigning keeps."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.model import Actuals, load_scenario, misfit, month_after, passed, plan_months, realigned, replace_fields

B = load_scenario("sample_data/company_b_data_assistant.yaml")  # starts 2026-01, runs 60 months


def half_year(start: date = date(2026, 1, 1), n: int = 6, revenue: dict | None = None) -> Actuals:
    """``n`` months from ``start`` with payroll 1, 2, 3, … (so a month's figures can be told apart)."""
    return Actuals.model_validate({"months": [{"month": month_after(start, k), "payroll": float(k + 1),
                                               "revenue": revenue or {}} for k in range(n)]})


def test_month_arithmetic():
    assert month_after(date(2026, 12, 9)) == date(2027, 1, 1)
    assert month_after(date(2026, 1, 31), 13) == date(2027, 2, 1)
    assert month_after(date(2026, 5, 20), 0) == date(2026, 5, 1)
    assert plan_months(B) == (date(2026, 1, 1), date(2030, 12, 1))


def test_actuals_that_fit_have_no_misfit_and_realign_to_themselves():
    actuals = half_year()
    assert not misfit(actuals, B) and realigned(actuals, B) == actuals


def test_a_later_start_leaves_the_first_months_out_and_keeps_the_others_on_their_calendar_months():
    later = replace_fields(B, {"company.start_date": date(2026, 3, 1)})
    wrong = misfit(half_year(), later)
    assert (wrong.before, wrong.after, wrong.streams) == ((date(2026, 1, 1), date(2026, 2, 1)), (), ())
    kept = realigned(half_year(), later)
    assert kept is not None and [m.month for m in kept.months] == [date(2026, m, 1) for m in (3, 4, 5, 6)]
    assert [m.payroll for m in kept.months] == [3, 4, 5, 6]            # March's payroll stays March's


def test_a_shorter_horizon_leaves_the_last_months_out():
    shorter = replace_fields(B, {"company.start_date": date(2025, 7, 1), "settings.horizon_months": 12})  # to 2026-06
    actuals = half_year(n=9)                                            # 2026-01 to 2026-09
    assert misfit(actuals, shorter).after == (date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1))
    kept = realigned(actuals, shorter)
    assert kept is not None and (kept.first, kept.last, kept.months[-1].payroll) == (date(2026, 1, 1), date(2026, 6, 1), 6)


def test_revenue_of_a_stream_the_plan_no_longer_has_is_named_and_left_out_the_rest_kept():
    actuals = half_year(n=2, revenue={"Analyst seats": 10.0, "Seats (old name)": 20.0})
    assert misfit(actuals, B).streams == ("Seats (old name)",)
    kept = realigned(actuals, B)
    assert kept is not None and [m.revenue for m in kept.months] == [{"Analyst seats": 10.0}] * 2
    assert [m.payroll for m in kept.months] == [1, 2]


def test_a_plan_that_moved_past_every_actual_month_keeps_none():
    moved = replace_fields(B, {"company.start_date": date(2027, 1, 1)})
    assert misfit(half_year(), moved).before == tuple(m.month for m in half_year().months)
    assert realigned(half_year(), moved) is None


@given(start=st.integers(-30, 30), horizon=st.integers(12, 24), first=st.integers(-30, 30), n=st.integers(1, 30))
def test_realigned_actuals_fit_and_keep_exactly_the_months_inside_unchanged(start, horizon, first, n):
    plan = replace_fields(B, {"company.start_date": month_after(date(2026, 1, 1), start), "settings.horizon_months": horizon})
    actuals = half_year(month_after(date(2026, 1, 1), first), n)
    wrong, kept = misfit(actuals, plan), realigned(actuals, plan)
    inside = [m for m in actuals.months if m.month not in wrong.before + wrong.after]
    assert (kept.months if kept else []) == inside                      # the same months, the same figures
    assert kept is None or not misfit(kept, plan)
    assert len(inside) == max(0, min(first + n, start + horizon) - max(first, start))  # the two spans' overlap


@pytest.mark.parametrize("today", [date(2026, 12, 1), date(2026, 12, 31)])
def test_a_month_has_passed_once_it_has_ended(today):
    assert passed(date(2026, 11, 1), today) and not passed(date(2026, 12, 1), today)
