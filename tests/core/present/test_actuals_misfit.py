"""What of some stored actuals a changed plan has no place for, as the Plan vs actuals page says it."""

from datetime import date

import pytest

from core.model import Actuals, load_scenario, misfit, replace_fields
from core.present.actuals import misfit_lines

B = load_scenario("sample_data/company_b_data_assistant.yaml")
NINE = Actuals.model_validate({"months": [{"month": date(2026, m, 1), "revenue": {"旧名称": 1.0, "Old": 2.0}}
                                          for m in range(1, 10)]})  # 2026-01 to 2026-09, two streams B does not have


@pytest.mark.parametrize(("start", "lang", "lines"), [
    (date(2026, 2, 1), "en", ["2026-01: before the plan’s first month (2026-02)",
                              "revenue of 旧名称, Old: no longer a stream of this scenario"]),
    (date(2025, 3, 1), "en", ["2026-03 to 2026-09: after the plan’s last month (2026-02; it runs 12 months)",
                              "revenue of 旧名称, Old: no longer a stream of this scenario"]),
    (date(2026, 2, 1), "zh", ["2026年1月：早于计划的第一个月（2026年2月）", "旧名称、Old 的收入：已不是本情景的收入流"]),
    (date(2025, 3, 1), "zh", ["2026年3月至9月：晚于计划的最后一个月（2026年2月；计划共12个月）",
                              "旧名称、Old 的收入：已不是本情景的收入流"]),
])
def test_each_reason_is_one_line_naming_the_months_and_the_plan_s_bounds(start, lang, lines):
    plan = replace_fields(B, {"company.start_date": start, "settings.horizon_months": 12})  # 12 months from start
    assert misfit_lines(misfit(NINE, plan), plan, lang) == lines


def test_actuals_that_fit_give_no_line():
    fitting = Actuals.model_validate({"months": [{"month": date(2026, 1, 1), "payroll": 1.0}]})
    assert misfit_lines(misfit(fitting, B), B) == []
