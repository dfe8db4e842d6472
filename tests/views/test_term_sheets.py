"""The Winter financing page with post-money SAFEs, a SAFE stack, pro-rata rights and the exit's deal terms, read as
a founder reads it (AppTest); the numbers are those of tests/core/analysis/test_captable.py."""

from __future__ import annotations

from datetime import date

import pytest

from core.model import replace_fields
from tests.views.test_pages import fresh_app, w

TWO_SAFES = [{"name": "SAFE 1", "month": 1, "amount": 1e6, "kind": "safe", "valuation_cap": 10e6},
             {"name": "SAFE 2", "month": 2, "amount": 600_000, "kind": "safe", "valuation_cap": 15e6}]


def financing_page(tmp_path, monkeypatch, funding, founders=10e6, pool=0.0, lang="en"):
    app = fresh_app(tmp_path, monkeypatch)
    if lang != "en":
        app.selectbox(key="lang").set_value(lang).run()
    app.session_state["scenario"] = replace_fields(app.session_state["scenario"], {
        "funding": funding, "risk.rounds": {}, "company.founder_shares": founders, "company.option_pool_shares": pool})
    app.switch_page("views/financing.py").run()
    assert not app.exception
    return app


def test_two_post_money_safes_show_their_shares_and_the_stack_at_a_next_round(tmp_path, monkeypatch):
    """$1M at a $10M and $600k at a $15M post-money cap: 10 % and 4 %, the founders 86 % at the end; the stack
    preview converts both in a supposed round and names what set each price."""
    app = financing_page(tmp_path, monkeypatch, TWO_SAFES)
    cap = app.dataframe[0].value
    assert list(cap["Holder"]) == ["Founders", "SAFE 1", "SAFE 2"]
    assert list(cap["At the end, SAFEs and notes as converted"]) == ["86.0%", "10.0%", "4.0%"]
    captions = [c.value.replace("\\", "") for c in app.caption]
    assert any(c.startswith("SAFE 1 ($1.00M; $10.00M post-money cap) meets no priced round in the plan: as converted "
                            "at its cap it would own 10.0%") for c in captions)
    assert not any("pre-money" in i.value for i in app.info)              # new SAFEs are post-money: nothing to say
    stack = app.dataframe[1].value
    assert list(stack["Holder"]) == ["SAFE 1", "SAFE 2", "Founders", "Option pool", "The next priced round"]
    assert list(stack["Price set by"]) == ["post-money valuation cap"] * 2 + ["—"] * 3
    # a bigger next round dilutes everyone after the SAFEs' shares are set: the founders own less than 86 %
    app.number_input(key=w(app, "lever.stack.pre")).set_value(100e6).run()
    app.number_input(key=w(app, "lever.stack.amount")).set_value(25e6).run()
    app.slider(key=w(app, "lever.stack.pool")).set_value(0).run()
    owns = list(app.dataframe[1].value["Owns after the round"])
    assert owns == ["8.0%", "3.2%", "68.8%", "20.0%"]  # 10 / 4 / 86 % of $100M pre, then $25M of $125M post: × 0.8


def test_pro_rata_and_the_waterfall_s_order_costs_and_options(tmp_path, monkeypatch):
    """Seed $2M at $8M pre with pro-rata (founders 8M shares), a Series A of $5M at $20M pre: the seed keeps 20 %
    within the round, the founders 64 % either way, 60.95 % were the round enlarged. The exit table names the order
    of payment; costs of 2 % of the exit are said."""
    seed = {"name": "Seed", "month": 1, "amount": 2e6, "pre_money_valuation": 8e6, "pro_rata": True}
    series = {"name": "Series A", "month": 6, "amount": 5e6, "pre_money_valuation": 20e6, "seniority": "senior",
              "participating": True, "participation_cap": 3}
    app = financing_page(tmp_path, monkeypatch, [seed, series], founders=8e6, pool=1e6)
    captions = [c.value.replace("\\", "") for c in app.caption]
    assert any(c.startswith("Seed takes up its pro-rata in Series A:") and "keeping 20.0%" in c for c in captions)
    cap = app.dataframe[0].value
    assert "Series A (pro-rata of Seed)" in list(cap["Holder"])
    exit_table = next(d.value for d in app.dataframe if "Order of payment (1 first)" in d.value)
    order = dict(zip(exit_table["Holder"], exit_table["Order of payment (1 first)"], strict=True))
    assert order["Series A"] == "1" and order["Seed"] == "2" and order["Founders"] == "—"
    assert "participating up to 3× in all" in dict(zip(exit_table["Holder"], exit_table["Liquidation preference"],
                                                       strict=True))["Series A"]
    app.slider(key=w(app, "lever.exit.costs")).set_value(2.0).run()
    assert any(c.value.startswith("Paid after") for c in app.caption)
    exit_table = next(d.value for d in app.dataframe if "Order of payment (1 first)" in d.value)
    shares = dict(zip(exit_table["Holder"], exit_table["Share of the exit"], strict=True))
    assert shares["Transaction costs"] == "2.0%"
    assert sum(float(v.rstrip("%")) for v in shares.values()) == pytest.approx(100, abs=0.3)  # rounding of 6 lines


def test_a_post_money_conversion_says_what_the_safe_owns_before_the_new_money():
    """YC's A: $200k at a $4M post-money cap owns 5.0 % just before the Series A's money."""
    from core.analysis.captable import cap_table
    from core.present.financing import conversion_notes
    from tests.core.analysis.test_captable import YC_SAFES, yc_company
    table = cap_table(yc_company([*YC_SAFES, {"name": "Series A", "month": 6, "amount": 5e6, "pre_money_valuation": 15e6}]))
    (a, b) = conversion_notes(table, "USD")
    assert "Just before the new money it owns 5.0% of the company" in a and "owns 10.0%" in b


def test_a_pre_money_safe_says_so_and_the_page_reads_in_chinese(tmp_path, monkeypatch):
    safe = {**TWO_SAFES[0], "cap_basis": "pre"}
    app = financing_page(tmp_path, monkeypatch, [safe], lang="zh")
    assert any(i.value.startswith("SAFE 1：估值上限为投前估值口径") for i in app.info)
    cap = app.dataframe[0].value
    assert list(cap["期末（SAFE 与可转债按转股计）"]) == ["90.9%", "9.1%"]   # $1M at $10M over 10M shares: 1M shares
    assert list(cap["股东"]) == ["创始人", "SAFE 1投资人"]                  # a round's row names its investors


def test_build_s_funding_table_sets_a_safe_s_terms_and_a_new_row_needs_no_cap_basis(build):
    """The grid: a new equity row leaves the cap basis empty (not required: a SAFE's default is post-money); a
    SAFE's cap basis, MFN and pro-rata set in the table reach the scenario, and a post-money cap at or below the
    amount is refused, naming the row."""
    from tests.views.test_build import gen, section
    from ui.editor import _column
    assert _column("funding[0].cap_basis", "USD", date(2026, 1, 1))["required"] is False   # the grid may leave it empty
    assert _column("funding[0].kind", "USD", date(2026, 1, 1))["required"] is True
    section(build, "funding")
    key = f"edit.{gen(build)}.funding"
    rows = len(build.session_state["scenario"].funding)
    safe = {"name": "Bridge", "kind": "safe", "month": 2, "amount": 500_000.0, "valuation_cap": 8e6, "participating": False,
            "mfn": True, "pro_rata": True}
    build.session_state[key] = {"edited_rows": {}, "added_rows": [safe], "deleted_rows": []}
    build.run()
    assert not build.exception and not build.error
    added = build.session_state["scenario"].funding[rows]
    assert (added.cap_basis, added.post_money_cap, added.mfn, added.pro_rata) == (None, True, True, True)
    build.session_state[key] = {"edited_rows": {}, "added_rows": [{**safe, "cap_basis": "pre"}], "deleted_rows": []}
    build.run()                                             # the same new row, its cap basis then picked
    assert build.session_state["scenario"].funding[rows].cap_basis == "pre"
    before = build.session_state["scenario"]
    build.session_state[key] = {"edited_rows": {}, "added_rows": [{**safe, "cap_basis": "post", "valuation_cap": 4e5}],
                                "deleted_rows": []}
    build.run()
    assert build.session_state["scenario"] == before
    assert any("A post-money valuation cap must be above the amount" in e.value for e in build.error)
