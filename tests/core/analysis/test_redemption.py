"""Redemption rights (回购权): hand-computed amounts owed, the cash plan's coverage, the Monte Carlo odds, properties."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.analysis.redemption import redemption, right
from core.analysis.risk import simulate
from core.model import Round, parse_scenario, replace_fields
from core.present.redemption import coverage_notes, redemption_chart, right_sentences, rights_frame
from tests.scenarios import budget, scenarios

BURN = 10_000.0
POINT = {"kind": "uniform", "low": 0, "high": 0}


def burner(cash=1e6, horizon=72, rounds=(), **settings):
    """No revenue, 10,000 a month of costs: month t's closing cash is ``cash`` + the rounds so far − 10,000 (t + 1)."""
    return parse_scenario({
        "company": {"name": "Burner", "starting_cash": cash}, "settings": {"horizon_months": horizon, **settings},
        "opex": {"other_per_month": BURN}, "funding": list(rounds), "risk": {"default_inputs": False, "paths": 1000}})


SERIES_A = {"name": "Series A", "month": 0, "amount": 2e6, "redemption_years": 5, "redemption_rate_yearly": 0.08}
SAFE = {"name": "Angel SAFE", "kind": "safe", "month": 12, "amount": 1e6, "redemption_years": 3, "redemption_rate_yearly": 0.1}


def test_2m_at_8_percent_for_5_years_owes_2_8m_at_month_60_and_keeps_accruing():
    r = redemption(burner(rounds=[SERIES_A]))
    a = r.rights[0]
    assert (a.month, a.within) == (60, True)
    assert a.owed_then == pytest.approx(2e6 * (1 + 0.08 * 5))               # 2.8M
    assert a.owed[60] == pytest.approx(2.8e6) and a.owed[66] == pytest.approx(2e6 * (1 + 0.08 * 5.5))  # 2.88M
    assert not a.owed[:60].any()                                             # nothing due before month 60
    assert a.accrued[30] == pytest.approx(2e6 * (1 + 0.08 * 2.5))           # 2.4M accrued, not yet due
    assert r.accruing[59] == pytest.approx(2e6 * (1 + 0.08 * 59 / 12)) and r.accruing[60] == 0
    assert r.total[59] == 0 and r.total[60] == pytest.approx(2.8e6) and r.total[71] == pytest.approx(2.8e6)  # paid once


def test_cash_short_of_the_redemption_at_month_60_names_the_month_and_the_shortfall():
    r = redemption(burner(cash=1e6, rounds=[SERIES_A]))
    cash_60 = 1e6 + 2e6 - BURN * 61                                          # 2.39M at the end of month 60
    assert r.cash[60] == pytest.approx(cash_60)
    assert r.uncovered == 60 and r.shortfall == pytest.approx(2.8e6 - cash_60)  # 410k short
    assert r.covered[:60].all()
    assert r.odds == 0.0                                                     # nothing uncertain: every path is short
    odds, warning = coverage_notes(r, burner(rounds=[SERIES_A]))
    assert warning == "If the investors exercised their redemption rights as soon as they can, the projected cash would " \
                      "not cover it in 2031-01: $410.00k short."
    assert odds is not None and "the cash at the end of 2031-01 covers" in odds and "in 0% of them" in odds


def test_enough_cash_covers_it_for_as_long_as_the_cash_lasts():
    r = redemption(burner(cash=1.7e6, horizon=120, rounds=[SERIES_A]))
    # 3.7M − 10k (t + 1) ≥ 2.8M while t + 1 ≤ 90: covered to month 89, short by 10k in month 90
    assert r.covered[:90].all() and r.uncovered == 90 and r.shortfall == pytest.approx(2.8e6 - (3.7e6 - BURN * 91))
    assert r.odds == 1.0


def test_two_rights_on_different_rounds_add_up():
    r = redemption(burner(cash=3e6, rounds=[SERIES_A, SAFE]))
    safe, series_a = sorted(r.rights, key=lambda x: x.month)
    assert (safe.month, safe.owed_then) == (48, pytest.approx(1e6 * (1 + 0.1 * 3)))   # 1.3M at month 12 + 36
    assert r.total[47] == 0 and r.total[48] == pytest.approx(1.3e6)
    assert r.total[60] == pytest.approx(1.3e6 + 2.8e6)                                # 4.1M
    assert safe.owed[66] + series_a.owed[66] == pytest.approx(1e6 * (1 + 0.1 * 4.5) + 2.88e6)
    assert r.uncovered is None and r.shortfall == 0                                  # 6M − 610k ≥ 4.1M


def test_a_right_beyond_the_horizon_is_computed_but_not_checked():
    s = burner(horizon=36, rounds=[SERIES_A])
    r = redemption(s)
    a = r.rights[0]
    assert (a.month, a.within, a.owed_then) == (60, False, pytest.approx(2.8e6))
    assert not a.owed.any() and not r.total.any() and r.uncovered is None and r.odds is None
    assert r.accruing[35] == pytest.approx(2e6 * (1 + 0.08 * 35 / 12))
    assert list(rights_frame(r, s).iloc[0]) == ["Series A", "$2.00M", "8.0%", "2031-01", "$2.80M", "—", "—",
                                                "After the plan ends"]
    assert right_sentences(r.rights, s) == [
        "Series A: from 2031-01 the investors may demand redemption of their $2.00M with 8.0% simple interest a year: "
        "$2.80M then. That is after the plan ends, so it is not checked against the cash plan."]
    assert coverage_notes(r, s) == (  # the page says why nothing is checked, and how to check it
        "Every redemption right becomes exercisable after the plan ends (the first in 2031-01), so none is checked "
        "against the cash plan: lengthen the horizon (Build → Company & settings) to test it.", None)


def test_a_round_in_a_re_forecasts_history_counts_its_interest_from_its_own_month():
    r = redemption(burner(horizon=48, rounds=[{**SERIES_A, "month": -24}], history_months=24))
    assert r.rights[0].month == 36 and r.rights[0].owed_then == pytest.approx(2.8e6)   # five years from month −24
    assert r.cash[36] == pytest.approx(1e6 - BURN * 37)                               # its money came in before the plan
    assert r.uncovered == 36 and r.shortfall == pytest.approx(2.8e6 - 630_000)


def test_a_right_already_exercisable_when_the_plan_starts_is_owed_from_month_0():
    r = redemption(burner(horizon=24, rounds=[{**SERIES_A, "month": -72}], history_months=72))
    assert r.rights[0].month == 0 and r.rights[0].owed_then == pytest.approx(2e6 * (1 + 0.08 * 6))  # six years' interest


def test_no_rights_nothing_owed():
    r = redemption(burner(rounds=[{"name": "Seed", "month": 0, "amount": 1e6}]))
    assert r.rights == () and not r.total.any() and r.first_due is None and r.odds is None and r.uncovered is None


def test_the_odds_follow_the_paths_where_the_round_closed():
    """A $2M round at month 6 that closes with probability 0.7, 3 years at 10 %: 2.6M owed from month 42. Where it
    closed the cash is 1M + 2M − 430k = 2.57M, short; where it did not, nothing is owed."""
    s = replace_fields(burner(rounds=[{**SERIES_A, "month": 6, "redemption_years": 3, "redemption_rate_yearly": 0.1}]),
                       {"risk.rounds": {"Series A": {"probability": 0.7, "delay_months": POINT, "valuation_haircut": POINT}}})
    r = redemption(s)
    assert r.cash[42] == pytest.approx(1e6 + 2e6 - BURN * 43) and r.uncovered == 42 and r.shortfall == pytest.approx(30_000)
    closed = simulate(s).rounds[0].closes
    assert 0.65 < closed < 0.75 and r.odds == pytest.approx(1 - closed)


def test_the_chart_shows_cash_and_what_is_owed_in_the_currency():
    s = burner(rounds=[SERIES_A])
    fig = redemption_chart(redemption(s), s, "zh")
    assert fig.layout.title.text == "回购成本与现金计划对比（美元）" and fig.layout.yaxis.title.text == "金额（万美元）"  # ticks in 万
    assert [tr.name for tr in fig.data] == ["预计现金", "回购金额（每项回购权一经可行使即行使）", "累计回购金额（尚不可行使）"]
    assert fig.data[1].y[60] == pytest.approx(2.8e6) and str(fig.data[0].x[60]) == "2031-01-01"


@budget(40)
@given(amount=st.floats(0, 1e8), month=st.integers(-120, 120), years=st.integers(1, 15), rate=st.floats(0, 0.5),
       horizon=st.integers(1, 240))
def test_owed_is_zero_before_it_can_be_exercised_then_never_falls(amount, month, years, rate, horizon):
    r = Round(name="R", month=month, amount=amount, redemption_years=years, redemption_rate_yearly=rate)
    x = right(r, horizon)
    first = max(month + 12 * years, 0)
    assert not x.owed[:first].any()
    assert (np.diff(x.owed[first:]) >= 0).all()
    if x.within:
        assert x.owed[first] == pytest.approx(amount * (1 + rate * (first - month) / 12))


@budget(25)
@given(s=scenarios(timing=False), data=st.data(), rate=st.floats(0, 0.3), amount=st.floats(1e5, 1e7), extra=st.floats(0, 1e7))
def test_more_starting_cash_never_makes_coverage_worse(s, data, rate, amount, extra):
    horizon = s.settings.horizon_months  # a right exercisable within the horizon where it fits
    years = data.draw(st.integers(1, max(1, (horizon - 1) // 12)))
    month = data.draw(st.integers(0, max(0, horizon - 1 - 12 * years)))
    redeemable = {"name": "Redeemable", "month": month, "amount": amount, "redemption_years": years,
                  "redemption_rate_yearly": rate}
    less = replace_fields(s, {"funding": [*(r.model_dump() for r in s.funding), redeemable], "risk.paths": 1000})
    more = replace_fields(less, {"company.starting_cash": s.company.starting_cash + extra})
    a, b = redemption(less), redemption(more)
    assert (b.covered >= a.covered).all()
    assert b.uncovered is None or (a.uncovered is not None and b.uncovered >= a.uncovered)
    assert (a.odds is None) == (b.odds is None) and (a.odds is None or b.odds >= a.odds)
