"""Redemption rights (回购权) through AppTest: the section at the end of Winter financing, and the investor view."""

from core.storage.store import LOCAL
from tests.core.analysis.test_redemption import SERIES_A, burner
from tests.views.test_pages import fresh_app, page_app, saved_store, shared_app
from ui.widgets import plain

PAGE = "views/financing.py"


def financing_page(tmp_path, monkeypatch, scenario=None, lang="en"):
    return page_app(tmp_path, monkeypatch, PAGE, scenario, lang)


def test_winter_financing_shows_what_redemption_would_cost_against_the_cash_plan(tmp_path, monkeypatch):
    at = financing_page(tmp_path, monkeypatch, burner(rounds=[SERIES_A]))
    assert not at.exception
    assert at.subheader[-1].value == "Redemption rights"                  # the last section of the page
    rights = at.dataframe[-1].value                                        # 2M × (1 + 8 % × 5); 3M − 61 × 10k of cash
    assert list(rights.iloc[0]) == ["Series A", "$2.00M", "8.0%", "2031-01", "$2.80M", "$2.80M", "$2.39M", "No: $410.00k short"]
    assert at.warning[-1].value == "If the investors exercised their redemption rights as soon as they can, the projected " \
                                   "cash would not cover it in 2031-01: $410.00k short."
    assert any(c.value.startswith("Across the Risk lab’s 1,000 simulated futures, the cash at the end of 2031-01 covers")
               and c.value.endswith("in 0% of them.") for c in at.caption)
    assert at.get("plotly_chart")[-1].proto.spec.count("What redemption would cost against the cash plan") == 1


def test_the_section_reads_in_chinese(tmp_path, monkeypatch):
    at = financing_page(tmp_path, monkeypatch, burner(cash=3e6, rounds=[SERIES_A]), lang="zh")
    assert not at.exception and at.subheader[-1].value == "回购权"
    assert list(at.dataframe[-1].value.columns) == ["轮次", "投资额", "年单利率", "可行使时间", "届时回购金额", "截至届时回购金额合计",
                                                    "届时预计现金", "现金能否覆盖"]
    assert at.dataframe[-1].value.iloc[0]["现金能否覆盖"] == "能"              # 5M − 610k ≥ 2.8M
    assert not at.warning


def test_no_redemption_right_no_section(tmp_path, monkeypatch):
    at = financing_page(tmp_path, monkeypatch)                              # the winter preset: no round has one
    assert not at.exception and "Redemption rights" not in [s.value for s in at.subheader]


def shared(scenario, name):
    store = saved_store()
    token, _ = store.share(LOCAL, store.create(LOCAL, name, scenario).scenario_id)
    view = shared_app(token)
    assert not view.exception
    return view


def test_the_investor_view_lists_each_right_and_only_when_there_are_some(tmp_path, monkeypatch):
    fresh_app(tmp_path, monkeypatch)
    view = shared(burner(rounds=[SERIES_A]), "With a redemption right")
    assert any(e.label == "Redemption rights" for e in view.expander)
    assert plain("Series A: from 2031-01 the investors may demand redemption of their $2.00M with 8.0% simple interest a "
                 "year: $2.80M then.") in [m.value for m in view.markdown]      # shown as itself: a typed name cannot style it
    assert not any(e.label == "Redemption rights" for e in shared(burner(), "Without").expander)
