"""Compare: two to four scenarios side by side — KPIs with differences, cash, revenue mix, pillars, odds."""

import streamlit as st

from core.i18n import t
from core.model import ScenarioError
from core.present import charts
from core.present.report import Compared, comparison_table
from ui.auth import identity
from ui.cached import projection, risk, scorecard, store, summary
from ui.session import current_scenario, lang, preset, preset_names, presets, wkey
from ui.widgets import chart

scenario = current_scenario()
st.title(t("compare.title", lang()))
st.caption(t("compare.intro", lang()))

choices = {"current": (t("compare.current", lang(), name=scenario.company.name), lambda: scenario)}
who = identity()
for r in store().list_scenarios(who) if who else []:  # a share-link guest compares presets and its copy only
    choices[f"saved:{r.scenario_id}"] = (t("compare.saved", lang(), name=r.name),
                                         lambda sid=r.scenario_id: store().current(who, sid).scenario)
for name, shown in preset_names().items():
    choices[f"preset:{name}"] = (t("compare.preset", lang(), name=shown), lambda name=name: preset(name))
# by default, the scenario on screen against a different one, in its currency when a preset is
others = {name: preset(name) for name in presets()}
others = {name: other for name, other in others.items() if other != scenario}
same = [name for name, other in others.items() if other.company.currency == scenario.company.currency]
default = ["current", f"preset:{(same or list(others))[0]}"]
picked = st.multiselect(t("compare.pick", lang()), list(choices), default, max_selections=4, key=wkey("lever.compare"),
                        format_func=lambda k: choices[k][0])
if not 2 <= len(picked) <= 4:
    st.info(t("compare.need_two", lang()))
    st.stop()

items = []
for key in picked:
    label, load = choices[key]
    s = load()
    try:
        items.append(Compared(label, s, summary(s), scorecard(s), risk(s)))
    except ScenarioError as exc:  # over the Monte Carlo work budget
        st.warning(f"{label}: " + "; ".join(exc.localized(lang())))
        st.stop()
st.dataframe(comparison_table(items, lang()), hide_index=True, width="stretch")
currencies = sorted({c.scenario.company.currency for c in items})
if len(currencies) > 1:
    st.caption(t("compare.currencies", lang(), currencies=t("join.list", lang()).join(currencies)))
chart(charts.compare_cash([(c.label, projection(c.scenario)) for c in items], lang=lang()))
left, right = st.columns(2)
with left:
    chart(charts.compare_revenue([(c.label, projection(c.scenario)) for c in items], lang=lang()))
with right:
    chart(charts.compare_pillars([(c.label, c.card) for c in items], lang=lang()))
chart(charts.compare_survival([(c.label, c.risk) for c in items], lang=lang()))
