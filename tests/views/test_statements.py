"""The Statements page through AppTest: every preset in both languages, the period switch, the balance check and
the timing lines."""

from pathlib import Path

import pytest

from core.engine.projection import project
from core.model import load_scenario, replace_fields
from core.present.formatting import money
from core.storage.store import LOCAL
from tests.views.test_pages import fresh_app, page_app, saved_store, shared_app, w

PAGE = "views/statements.py"
PRESETS = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "sample_data").glob("*.yaml"))


def statements_page(tmp_path, monkeypatch, scenario=None, lang="en"):
    return page_app(tmp_path, monkeypatch, PAGE, scenario, lang)


def first_column(frame):
    return list(frame.value.iloc[:, 0])


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("preset", PRESETS)
def test_the_page_renders_every_preset_with_three_statements_that_balance(tmp_path, monkeypatch, preset, lang):
    at = statements_page(tmp_path, monkeypatch, load_scenario(f"sample_data/{preset}.yaml"), lang)
    assert not at.exception
    assert [s.value for s in at.subheader] == {"en": ["Profit and loss", "Balance sheet", "Cash-flow statement"],
                                               "zh": ["利润表", "资产负债表", "现金流量表"]}[lang]
    assert len(at.dataframe) == 3 and len(at.get("plotly_chart")) == 1
    assert at.success[0].value.startswith({"en": "Balanced:", "zh": "已平衡："}[lang]) and not at.error
    check = {"en": "Check: assets − liabilities − equity", "zh": "勾稽校验：资产 − 负债 − 所有者权益"}[lang]
    assert first_column(at.dataframe[1])[-1] == check
    assert len(at.code) == 3                                                   # the three tax rules' formulas


def test_switching_the_period_regroups_every_statement(tmp_path, monkeypatch):
    scenario = load_scenario("sample_data/capital_winter_round_slips.yaml")        # 36 months from 2026-01
    at = statements_page(tmp_path, monkeypatch, scenario)
    assert list(at.dataframe[0].value.columns[1:3]) == ["2026-01", "2026-02"] and len(at.dataframe[0].value.columns) == 37
    revenue = first_column(at.dataframe[0]).index("Revenue")
    at.radio(key=w(at, "input.statement.period")).set_value("quarter").run()
    assert not at.exception
    assert [list(f.value.columns[1:3]) for f in at.dataframe] == [["2026 Q1", "2026 Q2"]] * 3
    at.radio(key=w(at, "input.statement.period")).set_value("year").run()
    assert [list(f.value.columns[1:]) for f in at.dataframe] == [["2026", "2027", "2028"]] * 3
    year = money(float(project(scenario).revenue[0, :12].sum()), "USD")             # the twelve months of 2026
    assert at.dataframe[0].value.iloc[revenue, 1] == year


def test_a_scenario_with_timings_shows_receivables_and_deferred_revenue_and_says_so(tmp_path, monkeypatch):
    plain = load_scenario("sample_data/capital_winter_round_slips.yaml")
    at = statements_page(tmp_path, monkeypatch, plain)
    assert "Accounts receivable" not in first_column(at.dataframe[1])
    assert any(c.value.startswith("This scenario sets no billing") for c in at.caption)
    timed = replace_fields(plain, {"streams[0].payment_days": 60, "streams[1].billing": "annual"})
    at = statements_page(tmp_path, monkeypatch, timed, "zh")
    balance = first_column(at.dataframe[1])
    assert {"应收账款", "合同负债（预收账款）"} <= set(balance)
    flows = first_column(at.dataframe[2])
    assert {"应收账款的减少（增加以“−”号填列）", "合同负债的增加"} <= set(flows)
    caption = next(c.value for c in at.caption if c.value.startswith("本情景的收付款时间设定"))
    assert "客户回款账期：Developer API 60天" in caption and "按年预收：Team plan" in caption
    assert at.success[0].value.startswith("已平衡：")


@pytest.mark.parametrize(("lang", "title", "cash"), [("en", "Profit and cash by year", "Cash at the end of the period"),
                                                     ("zh", "年度利润与现金", "期末现金余额")])
def test_the_investor_view_sums_up_profit_and_cash_by_year(tmp_path, monkeypatch, lang, title, cash):
    scenario = load_scenario("sample_data/capital_winter_round_slips.yaml")        # 2026 to 2028, in USD
    at = fresh_app(tmp_path, monkeypatch, scenario=scenario)
    at.session_state["lang"] = lang
    at.run().switch_page("views/pitch.py").run()
    assert not at.exception and title in [s.value for s in at.subheader]
    frame = next(f.value for f in at.dataframe if cash in list(f.value.iloc[:, 0]))
    p = project(scenario)

    def cell(v: float) -> str:  # a Chinese table in 万美元 (its header says so), two decimals; English compact money
        return money(v, "USD") if lang == "en" else f"{v / 1e4:,.2f}"

    assert frame.columns[0] == {"en": "Line", "zh": "项目（万美元）"}[lang]
    assert len(frame) == 7 and list(frame.iloc[-2, 1:]) == [cell(float(p.cash[0, 12 * y + 11])) for y in range(3)]
    # the lowest month-end cash of each year last: a cash-out inside a year shows
    assert list(frame.iloc[-1, 1:]) == [cell(float(p.cash[0, 12 * y:12 * y + 12].min())) for y in range(3)]
    assert list(frame.iloc[0, 1:]) == [cell(float(p.revenue[0, 12 * y:12 * y + 12].sum())) for y in range(3)]


def test_a_share_links_read_only_view_shows_profit_and_cash_by_year(tmp_path, monkeypatch):
    scenario = load_scenario("sample_data/company_b_data_assistant.yaml")
    fresh_app(tmp_path, monkeypatch)
    token, _ = saved_store().share(LOCAL, saved_store().create(LOCAL, "For investors", scenario).scenario_id)
    view = shared_app(token)
    assert not view.exception and "Profit and cash by year" in [s.value for s in view.subheader]
    frame = next(f.value for f in view.table if "Cash at the end of the period" in list(f.value.iloc[:, 0]))  # static
    assert list(frame.columns) == ["Line", "2026", "2027", "2028", "2029", "2030"] and len(frame) == 7
