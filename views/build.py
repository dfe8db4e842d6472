"""Build: model your own company field by field, with live results, undo/redo, and save to the library."""


import streamlit as st

from core.i18n import t
from core.model import STREAM_KINDS, ScenarioError, read_start, start_split, starter_scenario
from core.present import charts
from core.present import formatting as fmt
from core.present.financing import loan_notes
from core.present.report import headline
from core.storage.exports import import_scenario
from ui import clock
from ui.auth import identity
from ui.cached import projection, store, summary
from ui.editor import CURRENCIES, draft, labeller, problems, restart, step, where
from ui.saving import save_controls
from ui.sections import RENDER, SECTIONS
from ui.session import current_scenario, lang, preset, preset_names
from ui.unsaved import open_scenario
from ui.widgets import chart, plain, upload_caption

START = ("name", "currency", "starting_cash", "monthly_costs", "payroll_share", "earning")


def answers() -> dict:
    """The blank start's answers as the model reads them (the team's share in %)."""
    given = {k: st.session_state[f"build.start.{k}"] for k in START}
    return {**given, "payroll_share": given["payroll_share"] / 100, "start_date": clock.today().replace(day=1)}


def start_blank() -> None:
    ss = st.session_state
    try:
        start = read_start(answers())
    except ScenarioError as exc:
        ss["build.start_errors"] = exc.localized(lang())
        return
    ss.pop("build.start_errors", None)
    open_scenario(starter_scenario(start, t(f"kind.{start.earning}", lang()), t("edit.starter_team", lang())), ("blank",))


def start_preset() -> None:
    stem = st.session_state["build.start.preset"]
    open_scenario(preset(stem), ("preset", stem))


def start_library() -> None:
    sid, who = st.session_state["build.start.library"], identity()
    if who is None:
        return
    revision = store().current(who, sid)
    open_scenario(revision.scenario, None, library=(sid, revision.number, revision.name))


def start_upload() -> None:
    upload = st.session_state.get("build.start.upload")
    if upload is None:
        return
    try:
        scenario = import_scenario(upload.name, upload.getvalue())
    except ScenarioError as exc:
        st.session_state["build.start_errors"] = exc.localized(lang())
        return
    st.session_state.pop("build.start_errors", None)
    open_scenario(scenario, ("file", upload.name))


def show_section() -> None:
    """Another section: the widgets of the one left are dropped, so every widget is rebuilt from the draft."""
    st.session_state["build.kept_section"] = st.session_state["build.section"]
    restart()


d = draft()
st.title(t("build.title", lang()))
st.caption(t("build.intro", lang()))

with st.expander(t("build.start", lang()), expanded=not d.undo_stack and not d.redo_stack):
    blank, preset, library, upload = st.tabs([t(f"build.start.{k}", lang()) for k in ("blank", "preset", "library", "upload")])
    with blank:  # no form: the split below follows each answer as it is typed
        left, right = st.columns(2)
        left.text_input(t("edit.company.name", lang()), t("build.start.default_name", lang()), max_chars=80,
                        key="build.start.name")
        right.selectbox(t("edit.company.currency", lang()), list(CURRENCIES), key="build.start.currency",
                        index=0 if lang() == "zh" else 1, format_func=labeller("company.currency", list(CURRENCIES)))
        left.number_input(t("build.start.cash", lang()), min_value=0.0, max_value=1e13, value=1_000_000.0, step=100_000.0,
                          format="%.0f", key="build.start.starting_cash", help=t("edit.company.starting_cash.help", lang()))
        right.number_input(t("build.start.costs", lang()), min_value=0.0, max_value=1e12, value=60_000.0, step=10_000.0,
                           format="%.0f", key="build.start.monthly_costs", help=t("build.start.costs.help", lang()))
        left.slider(t("build.start.payroll_share", lang()), 0, 100, 70, 5, key="build.start.payroll_share", format="%d%%",
                    help=t("build.start.payroll_share.help", lang()))
        right.selectbox(t("build.start.earning", lang()), list(STREAM_KINDS), key="build.start.earning",
                        format_func=labeller("streams.kind", list(STREAM_KINDS)))
        try:
            headcount, per_head, general = start_split(read_start(answers()))
            currency = st.session_state["build.start.currency"]
            st.caption(t("build.start.split", lang(), headcount=f"{headcount:g}", per_head=fmt.money(per_head, currency, lang()),
                         team=fmt.money(headcount * per_head, currency, lang()), general=fmt.money(general, currency, lang())))
        except ScenarioError:
            pass  # the name is empty: Create says so
        st.button(t("build.start.create", lang()), key="build.start.create", on_click=start_blank, type="primary")
    with preset:
        names = preset_names()
        st.selectbox(t("build.start.preset_pick", lang()), list(names), key="build.start.preset", format_func=names.__getitem__)
        st.button(t("build.start.open", lang()), key="build.start.preset_go", on_click=start_preset)
    with library:
        who = identity()
        saved = store().list_scenarios(who) if who else []
        if who is None:
            st.info(t("library.no_access", lang()))
        elif saved:
            names = {r.scenario_id: r.name for r in saved}
            st.selectbox(t("library.pick", lang()), list(names), key="build.start.library",
                         format_func=lambda i: f"{names.get(i, '')} (#{i})")
            st.button(t("build.start.open", lang()), key="build.start.library_go", on_click=start_library)
        else:
            st.info(t("library.empty", lang()))
    with upload:
        st.file_uploader(t("sidebar.upload", lang()), type=["yaml", "yml", "json", "xlsx"], key="build.start.upload",
                         on_change=start_upload, max_upload_size=5)
        upload_caption(lang(), 5, ["yaml", "yml", "json", "xlsx"])
    for message in st.session_state.get("build.start_errors", []):
        st.error(plain(message))

toolbar = st.container()  # filled last, when this run's edits are in the draft
editor, strip = st.columns([5, 2], gap="large")
with editor:
    if "build.section" not in st.session_state:  # the page was just entered: its widgets were dropped, rebuild them
        restart()
    elif st.session_state.get("build.lang", lang()) != lang():  # labels are part of a widget: a new language drops
        restart()                                                 # the tables' edits, so rebuild from the draft
    st.session_state["build.lang"] = lang()
    section = st.radio(t("build.section", lang()), SECTIONS, horizontal=True, key="build.section",
                       index=SECTIONS.index(st.session_state.get("build.kept_section", SECTIONS[0])),
                       format_func={k: t(f"edit.section.{k}", lang()) for k in SECTIONS}.get, on_change=show_section)
    RENDER[section](d.data, problems())

found = problems()  # after the section: a table edited in this run is counted
with strip, st.container(border=True, key="build_strip"):
    scenario = current_scenario()
    if found:
        st.warning(t("build.invalid", lang(), n=sum(map(len, found.values()))))
        for path, messages in found.items():
            for message in messages:
                st.caption(plain(t("join.colon", lang(), a=where(path), b=message)))
    else:
        st.success(t("build.valid", lang()))
        for note in loan_notes(scenario, lang()):
            st.info(plain(note), icon=":material/info:")
    s_now, s_opened = summary(scenario), summary(d.opened)
    cards = {k.key: k for k in headline(s_now, scenario, lang())}
    months = scenario.settings.horizon_months
    runway_delta = min(s_now.runway_months, months) - min(s_opened.runway_months, months)
    st.metric(cards["runway"].label, cards["runway"].value,
              delta=t("build.delta_months", lang(), delta=runway_delta) if runway_delta else None)
    st.metric(cards["zero_cash"].label, cards["zero_cash"].value)
    st.metric(cards["default_alive"].label, cards["default_alive"].value, help=cards["default_alive"].help)
    st.metric(cards["burn_multiple"].label, cards["burn_multiple"].value, help=cards["burn_multiple"].help)
    fig = charts.cash_balance(projection(scenario), scenario.funding, compare=projection(d.opened), lang=lang())
    chart(charts.narrow(fig, months, lang()), toolbar=False)

with toolbar:
    tools = st.columns(4)
    tools[0].button(t("edit.undo", lang()), key="build.undo", on_click=step, args=("undo",), disabled=not d.undo_stack,
                    icon=":material/undo:", help=t("edit.undo.help", lang(), n=len(d.undo_stack)))
    tools[1].button(t("edit.redo", lang()), key="build.redo", on_click=step, args=("redo",), disabled=not d.redo_stack,
                    icon=":material/redo:")
    tools[2].button(t("edit.discard", lang()), key="build.discard", on_click=step, args=("discard",),
                    disabled=d.data == d.opened.model_dump(), icon=":material/restart_alt:",
                    help=t("edit.discard.help", lang()))
    if (who := identity()) is not None:  # a share-link guest keeps its copy in the session only
        with tools[3].popover(t("build.save", lang()), icon=":material/save:", width="stretch"):
            save_controls(who, current_scenario(), prefix="build")
