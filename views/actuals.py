"""Plan vs actuals: import what really happened, see the variance and its drivers, re-forecast from today."""

import dataclasses
from collections.abc import Callable

import streamlit as st

from core.analysis.actuals import NoReforecast, reforecast, trailing_pair, variance
from core.i18n import t
from core.model import Actuals, ScenarioError, misfit, month_after, plan_months, realigned
from core.present import charts
from core.present.actuals import (
    balance_read,
    cash_chart,
    cash_on,
    cash_waterfall,
    fits_table,
    misfit_lines,
    trailing_kpis,
    variance_by_month,
    variance_summary,
)
from core.present.formatting import day_text, month_range, month_text
from core.present.report import headline, risk_kpis
from core.present.statements import restart_note
from core.storage.actuals_files import entry_months, is_template, read_actuals, template, unmatched
from core.storage.books_files import (
    books_actuals,
    chosen_mapping,
    line_text,
    mapping_for,
    mapping_table,
    preview,
    read_balance,
    read_books,
    valid_lines,
    with_balance,
)
from core.storage.store import ROLES, StoreError
from ui import clock
from ui.auth import identity
from ui.cached import projection, risk, store, summary
from ui.session import current_scenario, lang, set_scenario, wkey
from ui.sidebar import file_stem
from ui.widgets import chart, kpi_cards, plain

SKIP = "\u0000skip"  # the mapping choice "leave this column out" (no stream can be named so)

scenario = current_scenario()
cur = scenario.company.currency
today = clock.today()
st.title(t("actuals.title", lang()))
st.caption(t("actuals.intro", lang()))
opened = st.session_state.get("library")
who = identity()
if st.session_state.pop("actuals.applied", False):
    st.success(t("actuals.applied", lang()))
if done := st.session_state.pop("actuals.done", None):
    st.success(done)

# --- import: a template, a file, a mapping of unknown streams; nothing changes until the file is valid


def show_problems(name: str, exc: ScenarioError) -> None:
    st.error(t("actuals.invalid", lang(), file=plain(name)) + "\n\n" + "\n".join(f"- `{e}`" for e in exc.localized(lang())))


def remembered() -> dict[str, str]:
    """The accounts' lines of the last import of books (the library's actuals, else this session's)."""
    kept = store().actuals(who, opened[0]) if opened is not None and who is not None else None
    previous = kept[1] if kept is not None else st.session_state.get("actuals")
    return dict(previous.mapping) if previous is not None else {}


def save(name: str, make: Callable[[], Actuals]) -> None:
    """Import the actuals ``make`` reads (nothing changes when it refuses them), and keep them in the library."""
    try:
        imported = make()
        number = store().save_actuals(who, opened[0], imported) if opened is not None and who is not None else None
    except ScenarioError as exc:
        show_problems(name, exc)
    except StoreError as exc:  # a viewer of the workspace: not theirs to change
        st.error(exc.localized(lang()))
    else:
        st.session_state["actuals"] = imported
        if number is not None:
            st.success(t("actuals.saved", lang(), months=len(imported.months), name=plain(opened[2]), number=number))
        else:
            st.success(t("actuals.imported", lang(), months=len(imported.months)))


def import_template(name: str, data: bytes, kept: dict[str, str]) -> None:
    """Our template: the mapping of unknown revenue columns, the import (the books' mapping stays remembered)."""
    try:
        loose = unmatched(name, data, scenario)
    except ScenarioError as exc:
        loose = []
        show_problems(name, exc)
    mapping: dict[str, str | None] = {}
    if loose:
        st.caption(t("actuals.map_intro", lang()))
        names = [SKIP, *(s.name for s in scenario.streams)]
        for column in loose:
            choice = st.selectbox(t("actuals.map", lang(), column=plain(column)), names, key=wkey(f"lever.actuals.map.{column}"),
                                  format_func=lambda n: t("actuals.map_skip", lang()) if n == SKIP else n)
            mapping[column] = None if choice == SKIP else choice
    if st.button(t("actuals.import", lang()), key="actuals.import", type="primary"):
        save(name, lambda: read_actuals(name, data, scenario, today, mapping, lang()).model_copy(update={"mapping": kept}))


def import_books(name: str, data: bytes, file_id: str, kept: dict[str, str]) -> None:
    """A P&L export: each account's line (the remembered or suggested one, in a table to change), the totals the
    import reads by line and month, an optional balance sheet of the last month, the import."""
    try:
        books = read_books(name, data, lang())
    except ScenarioError as exc:
        show_problems(name, exc)
        return
    st.caption(t("books.found", lang(), file=plain(name), accounts=len(books.names), months=len(books.months),
                 span=month_range(books.months[0], books.months[-1], lang())))
    start = mapping_for(books, scenario, remembered=kept)
    if any(n in kept for n in books.names):
        st.info(t("books.remembered", lang()))
    else:
        st.caption(t("books.map_intro", lang()))
    line = t("books.col.line", lang())
    rows = len(books.accounts)  # every account in view, without scrolling inside the table (up to 30)
    edited = st.data_editor(mapping_table(books, start, lang()), hide_index=True, width="stretch",
                            height=35 * (min(rows, 30) + 1) + 3,
                            key=wkey(f"lever.actuals.books.{file_id}"),
                            disabled=[t("books.col.account", lang()), t("books.col.section", lang())],
                            column_config={line: st.column_config.SelectboxColumn(
                                options=[line_text(v, lang()) for v in valid_lines(scenario)], required=True)})
    mapping = chosen_mapping(books, list(edited[line]), scenario, lang())
    st.markdown(f"**{t('books.preview', lang())}**")
    st.dataframe(preview(books, mapping, lang()), hide_index=True, width="stretch")
    st.caption(t("books.not_used", lang()))
    sheet = st.file_uploader(t("books.balance", lang()), type=["csv", "xlsx"], key=wkey("lever.actuals.balance"),
                             max_upload_size=5, help=t("books.balance_help", lang()))

    balance: dict[str, float] = {}
    if sheet is not None:
        try:
            balance = read_balance(sheet.name, sheet.getvalue(), lang())
        except ScenarioError as exc:
            show_problems(sheet.name, exc)
            return
        st.caption(balance_read(balance, books.months[-1], scenario.company.currency, lang()))

    def read() -> Actuals:
        imported = books_actuals(books, mapping, scenario, today, kept, lang())
        return with_balance(imported, balance) if balance else imported

    if st.button(t("actuals.import", lang()), key="actuals.import", type="primary"):
        save(name, read)


def import_file() -> None:
    """The template of the months that have ended, the upload (the template or a P&L export), the import."""
    left, right = st.columns([1, 2])
    left.download_button(t("actuals.template", lang()), template(scenario, today, lang()),
                         file_name=f"{file_stem(scenario)}-actuals.csv", mime="text/csv", icon=":material/download:",
                         help=t("actuals.template_help", lang()))
    upload = right.file_uploader(t("actuals.upload", lang()), type=["csv", "xlsx"], key=wkey("lever.actuals.file"),
                                 max_upload_size=5)
    right.caption(t("actuals.upload_caption", lang()))
    if upload is None:
        return
    data = upload.getvalue()
    try:
        ours = is_template(upload.name, data)
    except ScenarioError as exc:
        show_problems(upload.name, exc)
        return
    if ours:
        import_template(upload.name, data, remembered())
    else:
        import_books(upload.name, data, upload.file_id, remembered())


offered = entry_months(scenario, today)
with st.container(border=True):
    if offered:
        import_file()
    else:  # the plan's first month has not ended: no month to enter yet
        first, _ = plan_months(scenario)
        st.info(t("actuals.not_yet", lang(), start=t("date.month", lang(), when=first),
                  day=day_text(month_after(first), lang())))

actuals = st.session_state.get("actuals")
if actuals is None and opened is not None and who is not None and (kept := store().actuals(who, opened[0])) is not None:
    actuals = st.session_state["actuals"] = kept[1]
if actuals is None:
    if offered:
        st.info(t("actuals.none", lang()))
    chart(charts.cash_balance(projection(scenario), scenario.funding, lang=lang()))  # the plan the actuals will meet
    st.stop()
stored = opened is not None and who is not None  # the actuals are the library's (else this session's)


def keep(kept: Actuals) -> None:
    """Put realigned actuals in place of the stored ones (a new actuals revision in the library)."""
    st.session_state["actuals"] = kept
    months = month_range(kept.first, kept.last, lang())
    if stored:
        number = store().save_actuals(who, opened[0], kept)
        st.session_state["actuals.done"] = t("actuals.realigned_saved", lang(), months=months, name=plain(opened[2]), number=number)
    else:
        st.session_state["actuals.done"] = t("actuals.realigned", lang(), months=months)


def remove() -> None:
    """Leave the scenario without actuals (a tombstone revision in the library)."""
    if stored:
        store().remove_actuals(who, opened[0])
    st.session_state.pop("actuals", None)
    st.session_state["actuals.done"] = t("actuals.removed", lang())


if wrong := misfit(actuals, scenario):  # kept with the scenario before its months or streams changed
    named = dataclasses.replace(wrong, streams=tuple(plain(s) for s in wrong.streams))  # names typed or from a file
    st.warning(t("actuals.misfit", lang()) + "\n\n" + "\n".join(f"- {line}" for line in misfit_lines(named, scenario, lang())))
    if stored and ROLES.index(store().role(who, opened[0])) < ROLES.index("editor"):
        st.caption(t("actuals.readonly", lang()))
        st.stop()
    kept = realigned(actuals, scenario)
    if kept is None:
        st.info(t("actuals.realign_none", lang()))
    else:
        st.caption(t("actuals.realign_help", lang(), months=month_range(kept.first, kept.last, lang())))
    left, right = st.columns(2)
    if kept is not None:
        left.button(t("actuals.realign", lang(), months=month_range(kept.first, kept.last, lang())), key="actuals.realign", type="primary",
                    on_click=keep, args=(kept,))
    right.button(t("actuals.remove" if stored else "actuals.remove_session", lang()), key="actuals.remove", on_click=remove,
                 help=t("actuals.remove_help" if stored else "actuals.remove_session_help", lang()))
    st.stop()

# --- variance: each line against the plan, the cash gap and its drivers
p = projection(scenario)
v = variance(scenario, actuals, p)
st.subheader(t("actuals.variance", lang(), span=month_range(actuals.first, actuals.last, lang())))
st.dataframe(variance_summary(v, cur, lang()), hide_index=True, width="stretch")
with st.expander(t("actuals.by_month", lang())):
    st.dataframe(variance_by_month(v, cur, lang()), hide_index=True, width="stretch")
chart(cash_waterfall(v, cur, lang()))
kpi_cards(trailing_kpis(*trailing_pair(scenario, v), cur, lang()))

# --- the re-forecast from today's real cash
st.subheader(t("actuals.reforecast", lang()))
left, right = st.columns(2)
recalibrate = left.toggle(t("actuals.recalibrate", lang()), key=wkey("lever.actuals.recalibrate"),
                          help=t("actuals.recalibrate_help", lang()))
window = right.slider(t("actuals.window", lang()), 3, 12, 6, key=wkey("lever.actuals.window"), disabled=not recalibrate)
try:
    forecast = reforecast(scenario, actuals, recalibrate, window)
except NoReforecast as why:
    st.info(t(f"actuals.no_reforecast.{why.reason}", lang(), **why.params))
    st.stop()
if forecast.fits:
    st.dataframe(fits_table(forecast.fits, lang()), hide_index=True, width="stretch")
    st.caption(t("actuals.fit_note", lang()))
chart(cash_chart(p, v, projection(forecast.scenario), lang()))
before, after = summary(scenario), summary(forecast.scenario)
for title, shown, s in ((t("actuals.before", lang()), scenario, before), (t("actuals.after", lang()), forecast.scenario, after)):
    st.markdown(f"**{title}**")
    cards = [k for k in headline(s, shown, lang()) if k.key in ("zero_cash", "default_alive")]  # calendar dates: comparable
    cards.append(cash_on(projection(shown), plan_months(scenario)[1], lang()))  # the plan's last month, in both
    try:
        cards.append(risk_kpis(risk(shown), shown, lang())[0])
    except ScenarioError:  # over the Monte Carlo work budget: the odds are left out
        pass
    kpi_cards(cards)
st.caption(t("actuals.reforecast_note", lang(), month=month_text(forecast.scenario.company.start_date, lang()),
             cash=plain(f"{forecast.cash:,.0f}"), currency=cur))
if note := restart_note(forecast.scenario, projection(forecast.scenario), lang()):
    st.caption(note)


def use_forecast() -> None:
    set_scenario(forecast.scenario, "apply")
    st.session_state.pop("actuals", None)  # they describe the months before the re-forecast's start
    st.session_state["actuals.applied"] = True


st.button(t("actuals.apply", lang()), key="actuals.apply", on_click=use_forecast, help=t("actuals.apply_help", lang()))
