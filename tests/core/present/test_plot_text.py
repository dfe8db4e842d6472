"""Names reach charts as text, never as Plotly markup (issue 32: ``<b>`` rendered, ``<a href>`` became a link in the
investor view's charts)."""

from __future__ import annotations

from core.analysis.captable import cap_table
from core.engine.projection import project
from core.model import Round, load_scenario, replace_fields
from core.present import charts
from core.present.financing import ownership_chart

HOSTILE = '<a href="https://evil.example">API</a> <b>x</b>'
SHOWN = '&lt;a href="https://evil.example"&gt;API&lt;/a&gt; &lt;b&gt;x&lt;/b&gt;'


def texts(fig) -> list[str]:
    """Every trace name, text and category label of a figure."""
    out = []
    for trace in fig.data:
        out.append(trace.name or "")
        for key in ("text", "x", "y"):
            values = getattr(trace, key, None)
            if values is not None and len(values) and isinstance(values[0], str):
                out += list(values)
    return out


def test_stream_and_round_names_are_escaped_in_the_investor_views_charts():
    base = load_scenario("sample_data/company_b_data_assistant.yaml")
    scenario = replace_fields(base, {"streams[0].name": HOSTILE, "funding[0].name": HOSTILE})
    assert isinstance(scenario.funding[0], Round)
    p = project(scenario)
    shown = texts(charts.revenue_mix(p)) + texts(charts.revenue_share(p)) + texts(charts.cash_balance(p, scenario.funding))
    assert sum(SHOWN in text for text in shown) >= 3                   # the name, as text, in all three charts
    assert not any("<a " in text or "<b>" in text for text in shown)
    labels = texts(charts.compare_revenue([(f"Plan: {HOSTILE}", p)]))
    assert f"Plan:<br>{SHOWN}" in labels                                 # the app's own line break stays markup


def test_a_round_name_is_escaped_in_the_cap_tables_ownership_chart():
    base = load_scenario("sample_data/company_b_data_assistant.yaml")
    scenario = replace_fields(base, {"funding[0].name": HOSTILE})
    fig = ownership_chart(cap_table(scenario), scenario.company.start_date)
    shown = texts(fig)
    assert SHOWN in shown                                                # the round's own line in the legend
    assert f"After {SHOWN} (month 14)" in shown                          # and the column after it
    assert not any("<a " in text or "<b>" in text for text in shown)
