"""Plan vs actuals: variance, drivers, trailing metrics and the re-forecast, against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.analysis.actuals import (
    _plan_lines,
    filled,
    fitted_growth,
    reforecast,
    trailing,
    variance,
)
from core.engine.projection import month_date, project
from core.model import BILLING_FIELDS, Actuals, load_scenario, replace_fields, spec

C = load_scenario("sample_data/company_c_analytics_platform.yaml")
C_PAID_AS_EARNED = replace_fields(C, {f"streams[{i}].{name}": spec(f"streams.{name}").default
                                      for i in range(len(C.streams)) for name in BILLING_FIELDS})
"""Company C with its customers paying in the month they are billed for (its preset collects at 60–75 days)."""
SEED = load_scenario("sample_data/seed002_nlp_project.yaml")
B = load_scenario("sample_data/company_b_data_assistant.yaml")
LINES = ("cost_of_revenue", "payroll", "other_opex", "funding", "ending_cash")


def as_reported(scenario, months: int, change=None) -> Actuals:
    """The plan's own lines for the first ``months`` months, as if they had happened (``change`` edits a month)."""
    p = project(scenario)
    lines = _plan_lines(p, p.stream_names)
    rows = []
    for t in range(months):
        row = {"month": month_date(scenario.company.start_date, t),
               "revenue": {n: float(lines[f"revenue:{n}"][t]) for n in p.stream_names},
               **{key: float(lines[key][t]) for key in LINES}}
        rows.append(change(t, row) if change else row)
    return Actuals.model_validate({"months": rows})


def cash_after(scenario, forecast) -> tuple[np.ndarray, np.ndarray]:
    plan, new = project(scenario).cash[0], project(forecast.scenario).cash[0]
    n = min(len(new), len(plan) - forecast.elapsed)
    return plan[forecast.elapsed:forecast.elapsed + n], new[:n]


@pytest.mark.parametrize(("scenario", "months"), [
    (SEED, 1), (SEED, 7), (C_PAID_AS_EARNED, 12), (C_PAID_AS_EARNED, 24), (C, 12)])
def test_actuals_equal_to_the_plan_show_no_variance_and_leave_the_forecast_unchanged(scenario, months):
    actuals = as_reported(scenario, months)
    v = variance(scenario, actuals)
    assert v.cash_gap == pytest.approx(0, abs=1e-6) and all(d == pytest.approx(0, abs=1e-6) for d in v.drivers.values())
    forecast = reforecast(scenario, actuals)
    assert forecast.elapsed == months and forecast.scenario.company.start_date == month_date(scenario.company.start_date, months)
    plan, new = cash_after(scenario, forecast)
    np.testing.assert_allclose(new, plan, rtol=1e-9, atol=1e-3)


def test_a_loan_taken_before_today_is_still_repaid_in_the_re_forecast():
    loan = {"name": "Venture debt", "month": 2, "amount": 500_000.0, "kind": "debt", "interest_rate_yearly": 0.12,
            "term_months": 18}
    scenario = replace_fields(SEED, {"funding": [*[r.model_dump() for r in SEED.funding], loan]})
    for months in (5, 19, 20, 21):  # interest only, the bullet in the restart month itself, the month after, repaid
        forecast = reforecast(scenario, as_reported(scenario, months))
        plan, new = cash_after(scenario, forecast)
        np.testing.assert_allclose(new, plan, rtol=1e-9, atol=1e-3)
        # the loan is kept where it was (month 2 - months), still owed until its bullet in month 20
        assert [r.month for r in forecast.scenario.funding if r.name == "Venture debt"] == [2 - months]
        assert project(forecast.scenario).opening["loans"][0, 0] == pytest.approx(500_000 if months <= 20 else 0)


def test_the_drivers_explain_the_cash_gap_line_by_line():
    """Revenue 10,000 short in month 2 and payroll 4,000 over in month 3; funding as planned; the reported cash
    follows, so the gap is -14,000 and the drivers sum to it, nothing unexplained."""
    stream = C.streams[0].name

    def change(t, row):
        if t == 2:
            row["revenue"][stream] -= 10_000
        if t == 3:
            row["payroll"] += 4_000
        if t >= 2:
            row["ending_cash"] -= 10_000 + (4_000 if t >= 3 else 0)
        return row

    v = variance(C, as_reported(C, 6, change))
    assert v.drivers[f"revenue:{stream}"] == pytest.approx(-10_000)
    assert v.drivers["payroll"] == pytest.approx(-4_000)
    assert v.cash_gap == pytest.approx(-14_000) and v.unexplained == pytest.approx(0, abs=1e-6)
    planned, actual = v.lines["payroll"]
    assert actual[3] - planned[3] == pytest.approx(4_000) and actual[2] == pytest.approx(planned[2])


def test_unreported_lines_read_as_the_plan():
    rows = [{"month": month_date(C.company.start_date, t), "payroll": 1.0} for t in range(3)]
    v = variance(C, Actuals.model_validate({"months": rows}))
    assert set(v.drivers) == {"payroll"} and v.cash_gap is None
    lines = filled(v)
    np.testing.assert_allclose(lines["cost_of_revenue"], v.lines["cost_of_revenue"][0])
    assert list(lines["payroll"]) == [1.0, 1.0, 1.0]
    planned_payroll = np.broadcast_to(project(C).opex["payroll"], project(C).cash.shape)[0, :3].sum()
    assert v.cash_now == pytest.approx(project(C).cash[0, 2] + planned_payroll - 3.0)  # the plan's cash, 3 payrolls of 1


@settings(deadline=None)
@given(growth=st.floats(-0.2, 0.3), noise=st.floats(0, 0.02), seed=st.integers(0, 2**16))
def test_the_fitted_growth_recovers_a_known_rate_through_noise(growth, noise, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(12)
    values = 50_000 * (1 + growth) ** t * np.exp(rng.normal(0, noise, 12))
    fitted = fitted_growth(values)
    assert fitted is not None and abs(fitted - growth) <= 0.01 + 2 * noise
    assert fitted_growth(np.array([1.0, math.nan, 0.0, 2.0])) is None                  # a month without revenue
    assert fitted_growth(np.array([100.0, 0.0, 120.0, 0.0, 150.0, 130.0])) is None  # lumpy: no growth to fit (was +6.7 %)
    assert fitted_growth(np.array([1.0, math.nan, 2.0])) is None                     # fewer than 3 months


def test_trailing_metrics_by_hand():
    """Revenue 100, 110, 121 (recurring), costs 300 a month, 2,000 cash: burn (200+190+179)/3 = 189.67, runway
    2,000 / 189.67 = 10.5 months, net new ARR 12 × (121 - 100) / 2 = 126 a month, burn multiple 1.505; at 10 %
    growth revenue passes 300 in month 11 after the last, but the cash (2,000 - 169 - 156.1 - ...) lasts."""
    lines = {"revenue:S": np.array([100.0, 110.0, 121.0]), "cost_of_revenue": np.zeros(3), "payroll": np.full(3, 300.0),
             "other_opex": np.zeros(3)}
    got = trailing(lines, 2_000.0, {"S": True})
    assert got.net_burn == pytest.approx(569 / 3)
    assert got.runway == pytest.approx(2_000 / (569 / 3))
    assert got.burn_multiple == pytest.approx((569 / 3) / 126)
    burns = [300 - 121 * 1.1 ** k for k in range(1, 12)]
    assert sum(b for b in burns if b > 0) < 2_000 and got.default_alive
    assert not trailing(lines, 500.0, {"S": True}).default_alive                        # the same, with 500 of cash
    assert trailing(lines, 2_000.0, {"S": False}).burn_multiple == math.inf            # no recurring revenue added


def test_recalibration_replaces_the_growth_and_level_with_the_actuals():
    """Company B's Analytics API sells 20 % below plan and its revenue grows 3 points a month faster: the
    re-forecast starts 20 % lower and its volume grows at (1 + planned) × (1 + fitted) / (1 + planned revenue) - 1."""
    api = next(i for i, s in enumerate(B.streams) if s.name == "Analytics API")
    plan = project(B).stream_revenue[0, api]

    def change(t, row):
        row["revenue"]["Analytics API"] = 0.8 * plan[0] * (1.03 * plan[1] / plan[0]) ** t
        return row

    forecast = reforecast(B, as_reported(B, 6, change), recalibrate=True, window=6)
    fit = next(f for f in forecast.fits if f.stream == "Analytics API")
    assert fit.level == pytest.approx(sum(0.8 * plan[0] * (1.03 * plan[1] / plan[0]) ** t for t in range(6))
                                      / plan[:6].sum(), rel=1e-9)
    assert fit.new_value == pytest.approx((1 + fit.planned_value) * (1 + fit.fitted_growth) / (1 + fit.planned_growth) - 1)
    assert fit.fitted_growth > fit.planned_growth
    # the volume at the restart is the plan's month 6 scaled by the level, then grows at the new rate
    planned, refit = project(B).stream_units[0, api], project(forecast.scenario).stream_units[0, api]
    assert refit[0] == pytest.approx(planned[6] * fit.level, rel=1e-9)
    assert refit[1:5] / refit[:4] == pytest.approx([1 + fit.new_value] * 4, rel=1e-9)


def test_there_is_nothing_to_re_forecast_once_the_actuals_reach_the_horizon():
    with pytest.raises(ValueError, match="end of the plan"):
        reforecast(SEED, as_reported(SEED, SEED.settings.horizon_months))
