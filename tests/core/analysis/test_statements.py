"""The three statements (issue 28) as properties: for random scenarios and every preset, with and without the
billing, payment, VAT and tax-filing settings switched on, the balance sheet balances every month, the cash-flow
statement's net changes add up to the engine's cash, and the month-by-month oracle finds the same cash; with the
settings at their defaults the cash is what it was before them."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.analysis.statements import statements
from core.engine.projection import project
from core.engine.reference import reference_project
from core.model import SPECS, generic, load_preset, replace_fields
from tests.scenarios import budget, scenarios, timing_updates

PRESETS = sorted(Path("sample_data").glob("*.yaml"))


def assert_books_balance(scenario):
    p = project(scenario)
    s = statements(scenario, p)
    assets = s.balance["total_assets"]
    np.testing.assert_array_less(np.abs(s.imbalance()), 1e-6 * np.maximum(np.abs(assets), 1.0))
    scale = 1 + max(np.abs(p.revenue).max(), np.abs(p.cost_of_revenue).max(), np.abs(p.opex_total).max(),
                    np.abs(p.funding_in).max(), np.abs(p.cash).max())
    np.testing.assert_allclose(p.starting_cash[0] + np.cumsum(s.cash_flow["net_change"]), p.cash[0], atol=1e-9 * scale)
    np.testing.assert_allclose(reference_project(scenario)["cash"], p.cash[0], rtol=1e-9, atol=1e-9 * scale)


@given(scenario=scenarios())
@budget(40)
def test_the_books_of_a_random_scenario_balance_and_hold_the_engines_and_the_oracles_cash(scenario):
    assert_books_balance(scenario)


def all_switched_on(scenario):
    """Every timing setting on at a realistic value: 45-day customers paying 30 % two months ahead, the first stream
    on an annual plan, 2 % bad debt, 6 % VAT out, 13 % in on GPUs and hardware in 3 instalments, bills at 30 days,
    quarterly VAT with 12 % surcharges, China's tax for a small low-profit enterprise, a year starting in May."""
    updates: dict = {"company.start_date": "2026-05-01", "ai_costs.payment_days": 30, "ai_costs.vat_rate": 0.13,
                     "opex.payment_days": 30, "opex.vat_rate": 0.06, "vat.filing": "quarterly", "vat.surcharge_rate": 0.12,
                     "tax.rule": "china", "tax.small_low_profit": True}
    for i, _ in enumerate(scenario.streams):
        updates |= {f"streams[{i}].{f}": v for f, v in (("payment_days", 45), ("bad_debt_share", 0.02),
                                                        ("upfront_share", 0.3), ("upfront_months", 2), ("vat_rate", 0.06))}
    updates |= {"streams[0].billing": "annual"} if scenario.streams else {}
    for j, _ in enumerate(scenario.opex.one_off_costs):
        updates |= {f"opex.one_off_costs[{j}].instalments": 3, f"opex.one_off_costs[{j}].vat_rate": 0.13}
    return replace_fields(scenario, updates)


@pytest.mark.parametrize("path", PRESETS, ids=[p.stem for p in PRESETS])
@given(data=st.data())
@budget(3)
def test_the_books_of_every_preset_balance_with_and_without_when_money_moves(path, data):
    preset = load_preset(path)
    assert_books_balance(preset)
    assert_books_balance(all_switched_on(preset))
    assert_books_balance(replace_fields(preset, data.draw(timing_updates(preset))))


@given(scenario=scenarios(timing=False), data=st.data())
@budget(30)
def test_with_the_timing_settings_at_their_defaults_cash_is_the_month_earned_and_incurred(scenario, data):
    """Switched on and back off (each field to its default), a scenario is what it was, and its cash is the
    starting cash plus the funding, EBITDA and R&D credit less debt service and tax of each month (no working
    capital, no bad debt or surcharges, tax expensed as paid), in the engine as in the oracle."""
    updates = data.draw(timing_updates(scenario))
    switched = replace_fields(scenario, updates)
    back = replace_fields(switched, {path: SPECS[generic(path)].default for path in updates})
    assert back == scenario
    p = project(back)
    assert p.timing is None
    for line in (p.working_capital, p.opex["bad_debt"], p.opex["vat_surcharges"], p.tax_expense - p.tax):
        np.testing.assert_array_equal(line, 0)
    earned = p.starting_cash[0] + np.cumsum(p.funding_in + p.ebitda + p.tax_credit - p.debt_service - p.tax, axis=1)[0]
    scale = 1 + np.abs(p.cash).max() + np.abs(p.revenue).max() + np.abs(p.opex_total).max() + np.abs(p.funding_in).max()
    np.testing.assert_allclose(p.cash[0], earned, rtol=1e-12, atol=1e-12 * scale)
    np.testing.assert_allclose(reference_project(back)["cash"], earned, rtol=1e-9, atol=1e-9 * scale)
