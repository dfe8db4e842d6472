"""Issue 29: a re-forecast restarted from the state at the last actual month. Actuals equal to the plan must give the
plan back, month by month, for every preset and every restart, and for each thing still owed at the restart (a loan
part repaid, a grant's later tranches and matching spend, a partner's revenue, tax losses, customers on trial, salary
anniversaries, receivables and payables, SAFEs); the hand cases are worked out here from the rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from core.analysis.actuals import NoReforecast, _plan_lines, fitted_growth, reforecast
from core.analysis.levers import Levers, apply_levers, next_round_index
from core.analysis.statements import statements
from core.engine.projection import month_date, project
from core.model import Actuals, Scenario, load_scenario, replace_fields
from tests.core.engine.test_projection import assert_matches_breakdown
from tests.scenarios import budget, scenarios

PRESETS = sorted(Path("sample_data").glob("*.yaml"))
RESTARTS = (1, 7, 12, 24, 35)
"""Months of actuals before each restart (the issue's)."""
LINES = ("cost_of_revenue", "payroll", "other_opex", "funding", "ending_cash")
COMPARED = ("cash", "revenue", "cost_of_revenue", "opex_total", "ebitda", "interest", "debt_service", "tax",
            "tax_expense", "tax_credit", "funding_in", "working_capital", "customers", "headcount", "net_income")


def as_reported(scenario: Scenario, months: int) -> Actuals:
    """The plan's own lines for its first ``months`` months, as if they had happened."""
    p = project(scenario)
    lines = _plan_lines(p, p.stream_names)
    return Actuals.model_validate({"months": [
        {"month": month_date(scenario.company.start_date, t),
         "revenue": {n: float(lines[f"revenue:{n}"][t]) for n in p.stream_names},
         **{key: float(lines[key][t]) for key in LINES}} for t in range(months)]})


def assert_same_as_the_plan(scenario: Scenario, months: int) -> Scenario:
    """Restart after ``months`` months of actuals equal to the plan and check every line against the plan's, to 1e-6
    of the plan's largest cash (the re-forecast's months that the plan has); the restarted scenario."""
    plan = project(scenario)
    forecast = reforecast(scenario, as_reported(scenario, months))
    new = project(forecast.scenario)
    assert forecast.elapsed == months and new.start_date == month_date(scenario.company.start_date, months)
    n = min(new.months, plan.months - months)
    scale = max(1.0, float(np.abs(plan.cash).max()))
    for name in COMPARED:
        np.testing.assert_allclose(getattr(new, name)[0, :n], getattr(plan, name)[0, months:months + n], rtol=1e-9,
                                   atol=1e-6 * scale, err_msg=f"{name} after {months} months")
    return forecast.scenario


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_actuals_equal_to_the_plan_give_the_plan_back_for_every_preset_and_restart(path):
    scenario = load_scenario(path)
    for months in RESTARTS:
        if months < scenario.settings.horizon_months:
            assert_same_as_the_plan(scenario, months)


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_a_re_forecast_starts_with_the_plans_balance_sheet_and_its_books_balance(path):
    """The balance sheet at the restart is the plan's at the last actual month, line by line, and balances after."""
    scenario = load_scenario(path)
    months = 13
    plan = statements(scenario, project(scenario))
    restarted = reforecast(scenario, as_reported(scenario, months)).scenario
    new = statements(restarted, project(restarted))
    scale = max(1.0, float(np.abs(plan.balance["total_assets"]).max()))
    for key in ("receivables", "deferred_revenue", "payables", "loans", "notes", "safes"):
        assert new.opening[key] == pytest.approx(plan.balance[key][months - 1], abs=1e-6 * scale), key
    assert new.opening["vat_payable"] == pytest.approx(plan.balance["vat_payable"][months - 1]
                                                       - plan.balance["vat_receivable"][months - 1], abs=1e-6 * scale)
    assert new.opening["tax_payable"] == pytest.approx(plan.balance["tax_payable"][months - 1]
                                                       - plan.balance["tax_prepaid"][months - 1], abs=1e-6 * scale)
    np.testing.assert_allclose(new.imbalance(), 0.0, atol=1e-6 * scale)
    for key in ("receivables", "payables", "loans", "safes", "tax_payable", "total_assets"):
        np.testing.assert_allclose(new.balance[key][:12], plan.balance[key][months:months + 12], rtol=1e-9,
                                   atol=1e-6 * scale, err_msg=key)


@given(scenario=scenarios(), data=st.data())
@budget(40)
def test_a_random_re_forecast_gives_the_plan_back_and_the_oracle_agrees(scenario, data):
    """Any scenario (loans, grants, partners, tax rules, trials, raises, payment days, VAT), any restart: the plan
    back; the oracle (which projects the history by plain recursion) agrees with the engine on every line; the books
    balance."""
    months = data.draw(st.integers(1, scenario.settings.horizon_months - 1), label="months")
    # a re-forecast starts from cash the company has, within the model's bounds (10 trillion)
    assume(0 <= project(scenario).cash[0, months - 1] <= 1e13)
    restarted = assert_same_as_the_plan(scenario, months)
    p = project(restarted)
    assert_matches_breakdown(p, restarted)
    books = statements(restarted, p)  # its books open with what the history leaves, and balance
    np.testing.assert_allclose(books.imbalance(), 0.0, atol=1e-6 * max(1.0, float(np.abs(books.balance["total_assets"]).max())))


# --- the cases, by hand -------------------------------------------------------------------


def bare(*funding: dict, horizon: int = 48, **parts: object) -> Scenario:
    """A company of 2,400,000 in cash with no revenue and no costs but what the case gives it, from January 2026."""
    return Scenario.model_validate({"company": {"name": "Hand", "currency": "USD", "starting_cash": 2_400_000,
                                                "start_date": "2026-01-01"},
                                    "settings": {"horizon_months": horizon}, "funding": list(funding), **parts})


def test_a_loan_part_repaid_is_repaid_once():
    """1,000,000 at 6 % over 36 months, 6 of them interest only (5,000 a month), then 30 equal instalments of 33,333
    with interest on what is owed: 30,000 + 5,000 × Σ_{j<30} (1 − j/30) = 30,000 + 77,500 of interest, so the cash
    ends at 2,400,000 − 107,500 = 2,292,500, restarted after month 24 or not (it was 1,688,500: repaid twice)."""
    loan = {"name": "Bank", "kind": "debt", "month": 0, "amount": 1_000_000, "interest_rate_yearly": 0.06,
            "term_months": 36, "repayment": "amortising", "grace_months": 6}
    s = bare(loan)
    assert project(s).cash[0, -1] == pytest.approx(2_292_500)
    restarted = assert_same_as_the_plan(s, 24)
    p = project(restarted)
    assert p.cash[0, -1] == pytest.approx(2_292_500)
    # instalments from month 7: 17 of 30 paid in months 7–23, 13 left, 433,333 owed; month 24 pays one and the interest
    assert p.opening["loans"][0, 0] == pytest.approx(1_000_000 * 13 / 30)
    assert p.debt_service[0, 0] == pytest.approx(1_000_000 / 30 + 1_000_000 * 13 / 30 * 0.005)


def test_a_grace_longer_than_what_is_left_of_the_term_restarts():
    """A 12-month loan with 9 months of grace, restarted after month 8: the re-forecast no longer fails."""
    loan = {"name": "Bank", "kind": "debt", "month": 0, "amount": 600_000, "interest_rate_yearly": 0.12,
            "term_months": 12, "repayment": "annuity", "grace_months": 9}
    restarted = assert_same_as_the_plan(bare(loan, horizon=24), 8)
    assert project(restarted).opening["loans"][0, 0] == pytest.approx(600_000)


def test_a_grants_later_tranche_and_its_matching_spend_carry_on():
    """600,000 in two tranches a year apart: 3,000,000 at the end (it was 2,700,000, the second tranche dropped);
    with 50 % matching the company spends 300,000 over the 24 months: 2,700,000."""
    grant = {"name": "Grant", "kind": "grant", "month": 0, "amount": 600_000, "tranches": 2, "tranche_every_months": 12}
    restarted = assert_same_as_the_plan(bare(grant, horizon=36), 3)
    assert project(restarted).cash[0, -1] == pytest.approx(3_000_000)
    matched = bare({**grant, "matching_share": 0.5}, horizon=36)
    restarted = assert_same_as_the_plan(matched, 3)
    assert project(restarted).cash[0, -1] == pytest.approx(2_700_000)
    assert project(restarted).opex["grant_matching"][0, 0] == pytest.approx(300_000 / 24)


def test_a_partners_revenue_from_a_round_before_the_restart_carries_on():
    """A 1,000,000 round bringing 30,000 a month for 24 months: 4,120,000 at the end (it was 3,550,000)."""
    partner = {"name": "Strategic", "kind": "equity", "month": 0, "amount": 1_000_000, "pre_money_valuation": 9_000_000,
               "partner_revenue_per_month": 30_000, "partner_months": 24}
    s = bare(partner, horizon=36, ai_costs={"support_share_of_revenue": 0})
    assert project(s).cash[0, -1] == pytest.approx(4_120_000)
    restarted = assert_same_as_the_plan(s, 6)
    p = project(restarted)
    assert p.cash[0, -1] == pytest.approx(4_120_000)
    assert p.revenue[0, :19].tolist() == pytest.approx([30_000] * 18 + [0])


def test_tax_losses_carried_forward_are_carried():
    """20,000 of revenue and 10,000 of costs a month, a 60,000 one-off in month 0: a 50,000 loss, used 10,000 a month
    over months 1–5, so 25 % tax (2,500 a month) from month 6. Restarted after month 3 the 20,000 still to use is
    carried: nothing to pay until its month 3 (not 7,500 more)."""
    s = bare(horizon=24, streams=[{"kind": "data", "name": "Data", "contracts": 1, "fee_per_contract_month": 20_000,
                                   "delivery_cost_share": 0}],
             opex={"other_per_month": 10_000, "one_off_costs": [{"name": "Run", "kind": "hardware", "month": 0,
                                                                 "cost": 60_000}]},
             ai_costs={"support_share_of_revenue": 0}, tax={"profit_tax_rate": 0.25})
    assert project(s).tax[0, :8].tolist() == pytest.approx([0] * 6 + [2_500] * 2)
    p = project(assert_same_as_the_plan(s, 3))
    assert p.tax[0, :5].tolist() == pytest.approx([0, 0, 0, 2_500, 2_500])


def test_customers_on_trial_and_a_raise_anniversary_carry_on():
    """Sign-ups of 100 a month on a 45-day trial converting half, 5 % churn; a team of 10 at 10,000 with 10 % raises a
    year: restarted after month 7, the trials started in months 6 and 7 convert in months 0–1 of the re-forecast,
    and the raise lands in its month 5 (the plan's 12), 100,000 → 110,000."""
    s = bare(horizon=36, streams=[{"kind": "subscription", "name": "SaaS", "price_per_month": 100,
                                   "new_customers_per_month": 100, "churn_monthly": 0.05, "mtok_per_customer_month": 0,
                                   "trial": {"days": 45, "conversion": 0.5}}],
             opex={"salary_growth_yearly": 0.1, "team": [{"role": "Eng", "headcount": 10, "cost_per_head_month": 10_000}]},
             ai_costs={"support_share_of_revenue": 0})
    p = project(assert_same_as_the_plan(s, 7))
    assert p.opex["payroll"][0, 4:6].tolist() == pytest.approx([100_000, 110_000])
    assert p.new_customers[0, 0] == pytest.approx(50)  # 45 days: half of month 6's cohort and half of month 5's


def test_a_safe_before_the_restart_is_owed_until_the_round_converts_it():
    """A 500,000 SAFE in month 2 converting at the priced round of month 20: at the restart after month 6 the balance
    sheet holds it; it converts in the re-forecast's month 14."""
    safe = {"name": "SAFE", "kind": "safe", "month": 2, "amount": 500_000, "valuation_cap": 8_000_000}
    round_a = {"name": "A", "kind": "equity", "month": 20, "amount": 3_000_000, "pre_money_valuation": 12_000_000}
    restarted = assert_same_as_the_plan(bare(safe, round_a, horizon=36), 6)
    books = statements(restarted, project(restarted))
    assert books.opening["safes"] == pytest.approx(500_000)
    assert books.balance["safes"][13] == pytest.approx(500_000) and books.balance["safes"][14] == pytest.approx(0)
    np.testing.assert_allclose(books.imbalance(), 0.0, atol=1e-6)


def test_a_month_before_the_history_is_refused():
    s = bare(horizon=24)
    with pytest.raises(ValueError, match="before the plan"):
        replace_fields(s, {"funding": [{"name": "Old", "kind": "equity", "month": -1, "amount": 1}]})
    restarted = replace_fields(s, {"settings.history_months": 3,
                                   "funding": [{"name": "Old", "kind": "equity", "month": -3, "amount": 1}]})
    assert restarted.funding[0].month == -3


def test_receivables_and_payables_as_the_books_report_them():
    """10,000 a month collected at 60 days leaves 20,000 owed; costs of 4,000 paid at 30 days leave 4,000. The books
    report 35,000 and 1,000 at the restart after month 5: the 15,000 more is collected and the 3,000 less paid in its
    first month, so the cash runs 18,000 above the plan from then; the balance sheet opens with the reported ones."""
    s = bare(horizon=24, streams=[{"kind": "data", "name": "Data", "contracts": 1, "fee_per_contract_month": 10_000,
                                   "delivery_cost_share": 0, "payment_days": 60}],
             opex={"other_per_month": 4_000, "payment_days": 30}, ai_costs={"support_share_of_revenue": 0})
    actuals = as_reported(s, 5)
    last = actuals.months[-1].model_copy(update={"receivables": 35_000.0, "payables": 1_000.0})
    actuals = Actuals(months=[*actuals.months[:-1], last])
    restarted = reforecast(s, actuals).scenario
    assert (restarted.company.receivables, restarted.company.payables) == (35_000, 1_000)
    plan, new = project(s), project(restarted)
    np.testing.assert_allclose(new.cash[0, :19] - plan.cash[0, 5:], 18_000, atol=1e-6)
    books = statements(restarted, new)
    assert (books.opening["receivables"], books.opening["payables"]) == (pytest.approx(35_000), pytest.approx(1_000))
    assert books.balance["receivables"][0] == pytest.approx(20_000) and books.balance["payables"][0] == pytest.approx(4_000)
    np.testing.assert_allclose(books.imbalance(), 0.0, atol=1e-6)


def test_the_levers_never_move_a_round_the_re_forecast_has_left_behind():
    """Company C restarted after 7 months: its venture debt (month 3) has closed; neutral levers change nothing and
    the round levers have no round to move (they used to move the loan to month 0 and count its 5M again)."""
    plan = load_scenario("sample_data/company_c_analytics_platform.yaml")
    restarted = reforecast(plan, as_reported(plan, 7)).scenario
    assert next_round_index(restarted) is None or restarted.funding[next_round_index(restarted)].month >= 0
    np.testing.assert_allclose(project(apply_levers(restarted, Levers())).cash, project(restarted).cash, rtol=1e-12)
    delayed = apply_levers(restarted, Levers(round_delay_months=3, round_amount_factor=0.5))
    assert [r.month for r in delayed.funding if r.month < 0] == [r.month for r in restarted.funding if r.month < 0]


def test_actuals_of_the_months_a_re_forecast_restarted_after_are_refused_saying_so():
    """After "Use the re-forecast", importing the same file again names the months as the plan's it came from."""
    from datetime import date

    from core.model import ScenarioError, check_actuals

    plan = load_scenario("sample_data/company_c_analytics_platform.yaml")
    actuals = as_reported(plan, 7)
    restarted = reforecast(plan, actuals).scenario
    with pytest.raises(ScenarioError) as refused:
        check_actuals(actuals, restarted, date(2027, 1, 1))
    assert {p.code for p in refused.value.problems} == {"actuals_history"}


def test_the_assumptions_name_a_re_forecasts_past_rounds_and_roles_by_their_calendar_month():
    from core.present.report import assumptions_table

    plan = load_scenario("sample_data/company_c_analytics_platform.yaml")  # starts 2026-01: debt in month 6, v2 team in 2
    restarted = reforecast(plan, as_reported(plan, 8)).scenario
    rows = dict(zip(assumptions_table(restarted).iloc[:, 1], assumptions_table(restarted).iloc[:, 2], strict=True))
    assert rows["Venture debt"].startswith("Debt, ¥5.00M in 2026-07 (before the start)")
    assert rows["Platform v2 team"].endswith("since 2026-03 (before the start)")
    zh = " ".join(map(str, assumptions_table(restarted, "zh").iloc[:, 2]))
    assert "2026年7月到账" in zh and "（起始月之前）" in zh


def test_a_past_training_run_is_not_this_years_r_and_d_spend():
    """A team of 10 engineers at 10,000 and a 5,000,000 training run in month 2, restarted after month 5: the year's
    spend is the payroll (1,200,000), all R&D, so the R&D share is 1 (it read 5.17 with the past run counted)."""
    from core.analysis.pillars import score

    s = bare(horizon=24, opex={"team": [{"role": "Eng", "headcount": 10, "cost_per_head_month": 10_000}],
                               "one_off_costs": [{"name": "Run", "kind": "training_run", "month": 2, "cost": 5_000_000}]},
             ai_costs={"support_share_of_revenue": 0})
    s = replace_fields(s, {"company.starting_cash": 10_000_000})
    restarted = reforecast(s, as_reported(s, 5)).scenario
    factors = {f.key: f for f in score(restarted).pillars["technology"].factors}
    assert factors["technology.rd_share"].value == pytest.approx(1.0)


# --- what the mutation run found untested (helper's report, 2026-12-07) -----------------------------------------------


def _risky_plan() -> Scenario:
    """A loan in month 2, a priced round in month 10 and one in month 5, with the Risk lab drawing their months and
    a hire's start (a lognormal), the round of month 5 at risk."""
    rounds = [{"name": "Loan", "kind": "debt", "month": 2, "amount": 300_000, "interest_rate_yearly": 0.1},
              {"name": "A", "kind": "equity", "month": 10, "amount": 1_000_000, "pre_money_valuation": 4_000_000},
              {"name": "Seed+", "kind": "equity", "month": 5, "amount": 200_000, "pre_money_valuation": 3_000_000}]
    s = bare(*rounds, horizon=24, opex={"team": [{"role": "Eng", "headcount": 2, "cost_per_head_month": 10_000,
                                                  "start_month": 9}]})
    return replace_fields(s, {"risk.inputs": {
        "funding[1].month": {"kind": "triangular", "low": 9, "mode": 10, "high": 14},
        "opex.team[0].start_month": {"kind": "lognormal", "median": 9, "sigma": 0.2},
        "funding[1].amount": {"kind": "uniform", "low": 500_000, "high": 1_000_000}},
        "risk.rounds": {"A": {"probability": 0.7}, "Seed+": {"probability": 0.9}}})


def test_a_restart_moves_the_drawn_months_with_their_rounds_and_keeps_the_rest():
    s = _risky_plan()
    restarted = reforecast(s, as_reported(s, 5)).scenario
    inputs = restarted.risk.inputs
    assert (inputs["funding[1].month"].low, inputs["funding[1].month"].mode, inputs["funding[1].month"].high) == (4, 5, 9)
    assert inputs["opex.team[0].start_month"].median == pytest.approx(4)      # a lognormal's median moved, above 0
    assert inputs["funding[1].amount"] == s.risk.inputs["funding[1].amount"]  # not a month: as it was
    assert set(restarted.risk.rounds) == {"A", "Seed+"}  # Seed+ closes in the restart month itself: still at risk
    assert set(reforecast(s, as_reported(s, 6)).scenario.risk.rounds) == {"A"}  # closed before the restart: not
    assert restarted.settings.horizon_months == 19 and reforecast(s, as_reported(s, 20)).scenario.settings.horizon_months == 12
    late = replace_fields(s, {"risk.inputs": {"opex.team[0].start_month": {"kind": "lognormal", "median": 3, "sigma": 0.2}}})
    assert reforecast(late, as_reported(late, 5)).scenario.risk.inputs["opex.team[0].start_month"].median > 0


def test_why_there_is_no_re_forecast_names_the_reason_and_the_month():
    s = bare(horizon=12, opex={"other_per_month": 300_000})  # 2,400,000 of cash: 0 after month 8, below after 9
    at_zero = reforecast(s, as_reported(s, 8))
    assert at_zero.cash == 0 and project(at_zero.scenario).cash[0, 0] == pytest.approx(-300_000)  # 0 re-forecasts
    with pytest.raises(NoReforecast) as below:
        reforecast(s, as_reported(s, 9))
    assert (below.value.reason, below.value.params) == ("negative_cash", {"month": "2026-09"})
    with pytest.raises(NoReforecast) as end:
        reforecast(bare(horizon=12), as_reported(bare(horizon=12), 12))
    assert (end.value.reason, end.value.params) == ("end", {})


def test_safes_and_notes_before_the_restart_are_owed_until_they_convert():
    """Restart after month 6. A SAFE of month 1 converted at the round of month 3 (not owed); a SAFE of month 4 and a
    note of month 5 owed at the start, converting at the round of month 9 (the re-forecast's month 3); a SAFE of month
    10 that no later round converts, owed from its month to the end."""
    rounds = [{"name": "S1", "kind": "safe", "month": 1, "amount": 100_000, "valuation_cap": 5_000_000},
              {"name": "R3", "kind": "equity", "month": 3, "amount": 500_000, "pre_money_valuation": 5_000_000},
              {"name": "S4", "kind": "safe", "month": 4, "amount": 200_000, "valuation_cap": 6_000_000},
              {"name": "N5", "kind": "note", "month": 5, "amount": 50_000, "valuation_cap": 9_000_000},
              {"name": "R9", "kind": "equity", "month": 9, "amount": 800_000, "pre_money_valuation": 8_000_000},
              {"name": "S10", "kind": "safe", "month": 10, "amount": 70_000, "valuation_cap": 9_000_000}]
    s = bare(*rounds, horizon=24)
    restarted = reforecast(s, as_reported(s, 6)).scenario
    books = statements(restarted, project(restarted))
    assert (books.opening["safes"], books.opening["notes"]) == (pytest.approx(200_000), pytest.approx(50_000))
    assert books.balance["safes"][2] == pytest.approx(200_000) and books.balance["notes"][2] == pytest.approx(50_000)
    assert books.balance["safes"][3] == pytest.approx(0) and books.balance["notes"][3] == pytest.approx(0)
    assert books.balance["safes"][4] == pytest.approx(70_000) and books.balance["safes"][-1] == pytest.approx(70_000)
    np.testing.assert_allclose(books.imbalance(), 0.0, atol=1e-6)
    plan_books = statements(s, project(s))  # without history nothing is owed at the start, whatever the rounds
    assert all(plan_books.opening[k] == 0 for k in ("receivables", "deferred_revenue", "payables", "vat_payable",
                                                     "tax_payable", "loans", "notes", "safes"))


def test_a_re_forecasts_monte_carlo_opens_each_path_with_its_own_balances_and_balances():
    """Three paths of a re-forecast with payment days, VAT, a drawn G&A and reported receivables: each path opens with
    the balances its history leaves (its own payables and VAT), the reported receivables on every path, and each path's
    books balance; the opening balances cannot be written to."""
    s = bare(horizon=24, streams=[{"kind": "data", "name": "Data", "contracts": 1, "fee_per_contract_month": 50_000,
                                   "delivery_cost_share": 0, "payment_days": 45, "vat_rate": 0.06}],
             opex={"general_admin_per_month": 20_000, "payment_days": 30, "vat_rate": 0.06},
             ai_costs={"support_share_of_revenue": 0})
    restarted = reforecast(s, as_reported(s, 7)).scenario
    restarted = replace_fields(restarted, {"company.receivables": 80_000})
    draws = {"opex.general_admin_per_month": np.array([10_000.0, 20_000.0, 40_000.0])}
    p = project(restarted, draws)
    for path, ga in enumerate((10_000.0, 20_000.0, 40_000.0)):
        alone = project(replace_fields(s, {"opex.general_admin_per_month": ga}))
        plan_books = statements(replace_fields(s, {"opex.general_admin_per_month": ga}), alone)
        books = statements(restarted, p, path)
        assert books.opening["receivables"] == pytest.approx(80_000)
        assert books.opening["payables"] == pytest.approx(plan_books.balance["payables"][6])   # 30 days of G&A + VAT
        assert books.opening["vat_payable"] == pytest.approx(plan_books.balance["vat_payable"][6]
                                                             - plan_books.balance["vat_receivable"][6])
        np.testing.assert_allclose(books.imbalance(), 0.0, atol=1e-6)
    assert p.timing.opening["payables"].shape == (3, 1)  # one a path


def test_the_sum_before_a_month_of_a_line_a_constant_or_per_path():
    from core.engine.projection import _before

    assert _before(2.0, 3).tolist() == [[6.0]] and _before(np.array([[1.0], [2.0]]), 3).tolist() == [[3.0], [6.0]]
    total = _before(np.arange(10.0).reshape(2, 5), 3)
    assert total.tolist() == [[3.0], [18.0]] and not total.flags.writeable


def test_a_fit_reads_revenue_below_1_and_a_subscriptions_level_scales_its_customers():
    assert fitted_growth(0.5 * 1.05 ** np.arange(6)) == pytest.approx(0.05)
    saas = bare(horizon=24, streams=[{"kind": "subscription", "name": "SaaS", "price_per_month": 100,
                                      "starting_customers": 50, "new_customers_per_month": 10, "churn_monthly": 0.02,
                                      "mtok_per_customer_month": 0}], ai_costs={"support_share_of_revenue": 0})
    actuals = as_reported(saas, 6)
    higher = Actuals(months=[m.model_copy(update={"revenue": {"SaaS": 1.2 * m.revenue["SaaS"]}}) for m in actuals.months])
    forecast = reforecast(saas, higher, recalibrate=True)
    fit = forecast.fits[0]
    assert (fit.level, fit.field) == (pytest.approx(1.2), "new_customer_growth_monthly")
    assert forecast.scenario.streams[0].starting_customers == pytest.approx(60)
    assert forecast.scenario.streams[0].new_customers_per_month == pytest.approx(12)  # same growth: no catch-up


def test_the_next_round_is_the_first_after_month_0_and_actuals_at_the_plans_edges_fit():
    from datetime import date

    from core.model import outside_problem

    both = bare({"name": "Now", "kind": "equity", "month": 0, "amount": 1, "pre_money_valuation": 10},
                {"name": "Next", "kind": "equity", "month": 1, "amount": 1, "pre_money_valuation": 10}, horizon=12)
    assert next_round_index(both) == 1
    assert outside_problem("x", date(2026, 1, 1), both) is None and outside_problem("x", date(2026, 12, 1), both) is None
    after, before = outside_problem("x", date(2027, 1, 1), both), outside_problem("x", date(2025, 12, 1), both)
    assert (after.code, after.values) == ("actuals_outside", {"start": "2026-01", "months": 12})
    assert before.code == "actuals_outside"


def test_a_plan_whose_months_leave_the_calendar_is_refused_not_crashed_on():
    """``start_date: 9999-06-01`` passed validation and then crashed every projection ("year 10000 is out of range")."""
    from core.model import ScenarioError, parse_scenario

    data = {"company": {"name": "Far", "starting_cash": 1, "start_date": "9999-06-01"}, "settings": {"horizon_months": 12}}
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(data)
    assert [p.code for p in refused.value.problems] == ["calendar"]
    parse_scenario({**data, "company": {**data["company"], "start_date": "9980-01-01"}})  # 12 + 24 months still dates
