"""The Winter financing page's chart: every way through the winter once, those that land on the same point sharing
one marker."""

from __future__ import annotations

import pytest

from core.analysis.financing import compare, default_terms
from core.i18n import t
from core.model.presets import load_preset
from core.present.financing import comparison_chart


@pytest.mark.parametrize("preset", ["company_a_customer_service", "capital_winter_round_slips"])
def test_each_way_is_on_the_chart_once_at_its_own_figures(preset):
    scenario = load_preset(f"sample_data/{preset}.yaml")
    outcomes = compare(scenario, default_terms(scenario))
    fig = comparison_chart(outcomes)
    names = [name for trace in fig.data for name in trace.name.split(" · ")]
    assert sorted(names) == sorted(t(f"financing.option.{o.key}") for o in outcomes)
    by_name = {t(f"financing.option.{o.key}"): o for o in outcomes}
    for trace in fig.data:
        for name in trace.name.split(" · "):
            o = by_name[name]
            assert trace.x[0] == pytest.approx(100 * o.founders_share, abs=0.05)
            assert trace.y[0] == pytest.approx(100 * o.survival, abs=0.5)
    points = {(round(x, 1), round(y)) for trace in fig.data for x, y in zip(trace.x, trace.y, strict=True)}
    assert len(points) == len(fig.data)  # no two markers on one point: they would hide each other's labels


def test_company_as_five_ways_that_all_survive_undiluted_share_one_marker():
    """Company A survives every way at 100 %; cutting, both loans, the grant and doing nothing leave the founders at
    76.2 % (the SAFE converting in the Pre-A), so they are one point, not five labels on top of each other."""
    scenario = load_preset("sample_data/company_a_customer_service.yaml")
    fig = comparison_chart(compare(scenario, default_terms(scenario)))
    shared = max(fig.data, key=lambda trace: len(trace.name.split(" · ")))
    assert len(shared.name.split(" · ")) == 5 and "Bridge SAFE" not in shared.name and "Down round" not in shared.name
    assert shared.x[0] == pytest.approx(100 * 16 / 21, abs=0.05) and shared.y[0] == pytest.approx(100)
    assert len(fig.data) == 3


def test_a_loan_without_a_term_is_named_as_never_repaid_in_both_languages():
    from core.model import replace_fields
    from core.present.financing import loan_notes
    from core.present.report import round_terms

    winter = load_preset("sample_data/capital_winter_round_slips.yaml")
    assert loan_notes(winter) == []
    rows = [r.model_dump() for r in winter.funding]
    open_loan = {"name": "Bank loan", "kind": "debt", "month": 3, "amount": 5e5, "interest_rate_yearly": 0.06}
    s = replace_fields(winter, {"funding": [*rows, open_loan, {**open_loan, "name": "Term loan", "term_months": 24}]})
    assert loan_notes(s) == ["“Bank loan” has no term: at 6.0% a year it is charged interest to the end of the plan "
                             "and its principal is never repaid. Set its term (months) to plan the repayment."]
    assert loan_notes(s, "zh")[0].startswith("“Bank loan”未设期限：按年利率6.0%付息至规划期末")
    free = replace_fields(winter, {"funding": [*rows, {**open_loan, "interest_rate_yearly": 0.0}]})  # no "at 0.0%"
    assert loan_notes(free) == ["“Bank loan” has no term and no interest: its principal is never repaid within the plan, "
                                "so it reads as free money. Set its term (months) to plan the repayment."]
    assert loan_notes(free, "zh")[0].startswith("“Bank loan”未设期限且不计利息")
    assert round_terms(s.funding[-2], "USD") == ", 6.0% a year, interest only, with no term: the principal is not repaid within the plan"
    assert round_terms(s.funding[-1], "USD") == ", 6.0% a year over 24 months"
