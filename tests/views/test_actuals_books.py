"""The Actuals page's import of a P&L export through AppTest: the mapping step (suggested lines in a data editor, the
totals per line and month), the import, and the mapping remembered for the next month's export."""

from core.storage.store import LOCAL
from tests.core.storage import books_samples
from tests.views.test_actuals import B, app, db, opened_on_actuals

__all__ = ["app"]  # the fixture, used by name


def upload(app, name: str, data: bytes):
    box = next(u for u in app.file_uploader if "actuals.file" in str(u.key))
    box.set_value((name, data, "text/csv" if name.endswith(".csv") else "application/octet-stream"))
    app.run()
    assert not app.exception
    return app


def totals(app, line: str = "Line"):
    """The preview of the totals per line and month (the table that is not the editor), by line."""
    return next(d.value for d in app.dataframe if d.key is None or "actuals.books" not in str(d.key)).set_index(line)


def editor_key(app) -> str:
    return next(e for e in app.data_editor if "actuals.books" in str(e.key)).key


def test_an_export_shows_the_suggested_mapping_and_the_totals_then_imports_and_is_remembered(app):
    sid = opened_on_actuals(app, B)
    upload(app, "qb.csv", books_samples.quickbooks_csv())
    assert "Read from qb.csv: 12 accounts over 3 months (2026-01 to 2026-03)." in [c.value for c in app.caption]
    assert not app.info or "last import" not in app.info[0].value       # nothing remembered yet
    table = app.data_editor[0].value
    lines = dict(zip(table["Account"], table["Line"], strict=True))
    assert lines["Employee benefits"] == "Payroll" and lines["Interest earned"] == "Interest and financing (not used)"
    assert lines["Analytics API usage"] == "Revenue: Analytics API"
    preview = totals(app)
    assert preview.loc["Payroll", "January 2026"] == "15,500.00"          # salaries 12,000 + benefits 3,500
    assert preview.loc["Other operating costs", "February 2026"] == "5,000.00"  # rent; the fees' cell is blank
    rent = list(table["Account"]).index("Rent")
    app.session_state[editor_key(app)] = {"edited_rows": {rent: {"Line": "Payroll"}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert totals(app).loc["Payroll", "January 2026"] == "20,500.00"  # + rent 5,000
    app.button(key="actuals.import").click().run()
    assert not app.exception and app.success[0].value.startswith("Imported 3 months of actuals and saved them with “Winter”")
    number, kept = db().actuals(LOCAL, sid)
    assert number == 1 and kept.months[0].payroll == 20_500 and kept.mapping["Rent"] == "payroll"
    upload(app, "qb.xlsx", books_samples.quickbooks_xlsx())               # next month: the same books, as Excel
    assert app.info[0].value == "Mapping from your last import used; change it below if an account belongs elsewhere."
    again = app.data_editor[0].value
    assert dict(zip(again["Account"], again["Line"], strict=True))["Rent"] == "Payroll"
    app.button(key="actuals.import").click().run()
    assert db().actuals(LOCAL, sid)[1].months[2].payroll == 16_100 + 5_000


def test_a_chinese_export_on_the_chinese_page_and_its_problems_named_by_row_and_column(app):
    sid = opened_on_actuals(app, B, lang="zh")
    upload(app, "利润表.csv", books_samples.yonyou_csv())
    assert "已从利润表.csv 读取11个科目，共3个月（2026年1月至3月）。" in [c.value for c in app.caption]
    assert list(app.data_editor[0].value.columns) == ["科目", "所属类别", "计划项目"]
    assert totals(app, "计划项目").loc["其他运营费用", "2026年1月"] == "54,100.00"
    sheet = next(u for u in app.file_uploader if "actuals.balance" in str(u.key))   # March's 资产负债表, optional
    sheet.set_value(("资产负债表.xlsx", books_samples.kingdee_balance_xlsx(), "application/octet-stream"))
    app.run()
    assert "资产负债表2026年3月数据：货币资金 245万美元；应收账款 11.8万美元；应付账款 4.12万美元。" in [c.value for c in app.caption]
    app.button(key="actuals.import").click().run()
    march = db().actuals(LOCAL, sid)[1].months[-1]
    assert (march.ending_cash, march.receivables, march.payables, march.revenue) == (2_450_000.5, 118_000, 41_250,
                                                                                    {"Analyst seats": 106_500.25,
                                                                                     "Analytics API": 0.0})
    assert march.payroll == 0  # a 利润表 has no payroll line (salaries sit in 销售/管理/研发费用): 0, not the plan's
    rows = books_samples.quickbooks_rows()
    rows[6][2] = "n/a"
    upload(app, "bad.csv", books_samples._csv(rows))
    assert "第7行，Feb 2026: 不是数字（当前值 'n/a'）" in app.error[0].value and not app.data_editor
