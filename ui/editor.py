"""The scenario editor's state and widgets: one widget per field path, all bound to one draft, on every page.

Every page that edits a scenario field draws it with :func:`field` (the Build page's sections, the
Overview's discount rate, the pillar pages, the Risk lab's settings, the Pricing lab's demand model):
its kind, bounds and unit come from the schema (:mod:`core.model.fields`), and its edit goes through
the draft (:func:`change`), so it is validated once, undoable on the Build page, and made the current
scenario with ``set_scenario(…, "edit")`` when valid.

Session keys: ``editor.draft`` (the :class:`~core.model.Draft`), ``editor.synced`` (the
scenario the draft last agreed with), ``build.gen`` (a counter in every widget key, never
reused — not even after a new scenario is loaded, since the browser still holds the old
widgets' values; it moves when the draft changes under the widgets — undo, redo, discard, a
list restructured — and whenever the widgets were dropped — another section, another page
(:func:`enter`) — so each widget is rebuilt at the draft's value), ``editor.snap`` (the draft when the counter last
moved: the base the tables' edit states apply to) and ``editor.tables`` (each table widget's base rows and what
was last read back from it, kept two generations: a table sends its edits 150 ms late). Widget keys are
``edit.<gen>.<path>``; ``build.all_columns.<path>`` shows a table's every column.

A field widget writes its value into the draft from its ``on_change`` callback; a table is
read from its edit state (``edited_rows`` / ``added_rows`` / ``deleted_rows``) over the snapshot,
so a cell nobody touched keeps its exact value. Whenever the draft is valid it becomes the
current scenario (kept linked to the library); while it is not, every other page keeps the
last valid one and each problem is shown at its field.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from core.i18n import STRINGS, t
from core.model import FIRST, MAX_MONTH, SPECS, TABLES, WHOLE, Draft, ScenarioError, field_value, generic, parse_path, revise, spec
from core.model.fields import help_values
from core.present import formatting as fmt
from core.present.months import month_label, month_labels
from ui.session import current_scenario, lang, set_scenario
from ui.widgets import plain

OPTION_KEYS = {"settings.cash_flow_timing": "timing", "streams.kind": "kind"}
"""Choice fields whose options already have catalogue keys elsewhere (else ``opt.<path>.<value>``)."""
CURRENCIES = ("CNY", "USD", "EUR")
BUILD = "build"
"""The Build page's address: there an invalid draft holds every edit until it is valid (undo stays exact)."""


# --- state -------------------------------------------------------------------------------


def draft() -> Draft:
    """The editor's draft, following the current scenario when another page changed it (undoable)."""
    ss = st.session_state
    current = current_scenario()
    if "editor.draft" not in ss:
        ss["editor.draft"] = Draft(current)
        ss["editor.synced"] = current
        _rebuild()
    elif ss["editor.synced"] is not current and ss["editor.synced"] != current:  # most reruns: the very same object
        ss["editor.draft"].follow(current)
        ss["editor.synced"] = current
        _rebuild()
    return ss["editor.draft"]


def restart() -> None:
    """Rebuild every widget from the draft (after a restructured list, or when the widgets are dropped because another
    section, page or set of columns is shown), keeping first what was typed into a table and not yet read."""
    _read_tables()
    _rebuild()


def _rebuild() -> None:
    ss = st.session_state
    ss["build.gen"] = ss.get("build.gen", -1) + 1
    ss["editor.snap"] = copy.deepcopy(ss["editor.draft"].data)


def enter(page: str) -> None:
    """Before a page runs: on another page or in another language, rebuild every field widget from the draft
    (Streamlit dropped the widgets of the page left, and a widget's label is part of it)."""
    ss = st.session_state
    here = (page, lang())
    if "editor.draft" in ss and ss.get("editor.page") != here:
        restart()
    ss["editor.page"] = here
    ss["editor.drawn"] = set()  # the field paths this run draws (for rule_problems)
    if "editor.draft" in ss:
        _late_table_edits()


def commit(d: Draft, updates: Mapping[str, object] | None = None) -> None:
    """Make a valid draft the current scenario; an invalid one waits, the scenario untouched. Outside the Build page,
    an edit (``updates``) that is valid on its own still reaches the scenario while the draft waits on a problem
    elsewhere (a SAM above the TAM left on Market positioning does not freeze the Overview's discount rate)."""
    try:
        scenario = d.scenario()
    except ScenarioError:
        if updates is None or st.session_state.get("editor.page", (BUILD,))[0] == BUILD:
            return
        live = revise(current_scenario().model_dump(), updates)
        if live.scenario is None:
            return
        scenario = live.scenario
    if scenario != current_scenario():
        set_scenario(scenario, "edit")
    st.session_state["editor.synced"] = scenario


def change(updates: Mapping[str, object], rebuild: bool = False) -> None:
    """Edit the draft by path (``rebuild`` when list positions moved), then commit it if valid."""
    d = draft()
    if d.edit(updates):
        if rebuild:
            restart()
        commit(d, updates)


def step(action: str) -> None:
    """``undo``, ``redo`` or ``discard``, as a button callback (after what was just typed into a table)."""
    _read_tables()
    d = draft()
    if getattr(d, action)():
        _rebuild()
        commit(d)


def key(path: str) -> str:
    return f"edit.{st.session_state['build.gen']}.{path}"


def problems() -> dict[str, list[str]]:
    """The draft's problems in the reader's language, by field path (empty when valid)."""
    error = draft().problems()
    return {} if error is None else error.by_field(lang())


# --- labels --------------------------------------------------------------------------


def label(path: str, currency: str) -> str:
    """The field's label in the reader's language, with its unit."""
    kind = spec(path).kind
    text = t(f"edit.{generic(path)}", lang())
    if kind == "money":
        return text + t("edit.unit.money", lang(), currency=currency)
    if kind == "percent":
        return text + t("edit.unit.percent", lang())
    return text


def where(path: str) -> str:
    """A field path as the reader knows it: ``opex.team[2].headcount`` → "Team, row 3 · Headcount"."""
    places, prefix = [], ""
    for part in parse_path(path) if path != "(file)" else []:
        if isinstance(part, int):
            places.append(t(f"edit.list.{generic(prefix)}", lang(), n=part + 1))
        else:
            prefix = f"{prefix}.{part}" if prefix else part
    if isinstance(parse_path(path)[-1] if path != "(file)" else 0, str) and f"edit.{generic(path)}" in STRINGS[lang()]:
        places.append(t(f"edit.{generic(path)}", lang()))
    return " · ".join(places) or path


def help_text(path: str, currency: str) -> str:
    """A field's help in the reader's language, any price it quotes in the scenario's currency."""
    return t(f"edit.{generic(path)}.help", lang(), **help_values(path, currency))


def option_label(path: str, value: object) -> str:
    base = OPTION_KEYS.get(generic(path), f"opt.{generic(path)}")
    return t(f"{base}.{value}", lang())


def suggestion_label(path: str, name: str) -> str:
    """A name in a list field (an application area) in the reader's language when the catalogue has it, else as typed."""
    return STRINGS[lang()].get(f"{OPTION_KEYS.get(generic(path), f'opt.{generic(path)}')}.{name}", name)


def show_problems(path: str, found: dict[str, list[str]]) -> None:
    for message in found.get(path, []):
        st.error(plain(message), icon=":material/error:")


def rule_problems(*also: str) -> None:
    """Below a page's fields: the draft's problems that no field shows (a rule across fields, e.g. SAM within TAM)
    about the fields this page drew or the paths in ``also``, each with its place; and how many problems wait
    elsewhere (this page then shows the scenario without those edits)."""
    drawn = {*st.session_state.get("editor.drawn", ()), *also}
    elsewhere = 0
    for path, messages in problems().items():
        if not any(d == path or d.startswith((path + ".", path + "[")) or path.startswith((d + ".", d + "["))
                   for d in drawn):
            elsewhere += len(messages)
            continue
        if generic(path) not in SPECS:
            place = where(path)
            for message in messages:
                st.error(plain(message if place == path else t("join.colon", lang(), a=place, b=message)),
                         icon=":material/error:")
    if elsewhere:
        st.caption(t("edit.problems_elsewhere", lang(), n=elsewhere))


# --- one field: the widget every page edits a scenario field with -------------------------


def _number_format(value: float | None, kind: str) -> str:
    """A number widget's format: every significant digit of the value (up to six; a price of $0.0000015 reads so),
    and cents for money below 100 (10 customers read "10", $10 "10.00")."""
    magnitude = abs(value or 0.0)
    decimals = len(fmt.significant(magnitude, 6).partition(".")[2])
    return f"%.{max(decimals, 2 if kind == 'money' and magnitude < 100 else 0)}f"


def _changed(path: str, widget: str) -> None:
    """A field's edit; dropped when another callback of the same rerun replaced the form (undo, a new scenario)."""
    if widget == key(path) and widget in st.session_state:
        change({path: spec(path).model_value(st.session_state[widget])})


def field(path: str, *, label_text: str | None = None, help: str | None = None, slider: bool = False,
          options: list | None = None, required: bool = False, found: dict[str, list[str]] | None = None) -> None:
    """The widget of the scenario field at ``path``, on any page: its kind, bounds and unit from the schema
    (:mod:`core.model.fields`), at the draft's value; an edit goes through the draft (:func:`change`) and a
    problem is shown under it. ``label_text`` and ``help`` replace the editor's; ``slider`` draws a number as a slider
    over the field's whole valid range; ``options`` adds suggestions to a list of names; ``required``: a field the
    schema lets be empty that this choice needs (a linear demand's choke price) is not called optional."""
    d = draft()
    f = spec(path)
    value = field_value(st.session_state["editor.snap"], path)
    currency = d.data["company"]["currency"]
    st.session_state.setdefault("editor.drawn", set()).add(path)
    widget = key(path)
    common: dict[str, Any] = {"key": widget, "on_change": _changed, "args": (path, widget), "help": help or help_text(path, currency),
                              "label": label_text or label(path, currency)}
    low, high = f.shown_bounds
    if f.kind == "text":
        st.text_input(value=value or "", max_chars=f.max_length, **common)
    elif f.kind == "choice":
        st.selectbox(options=list(f.options), index=f.options.index(value), format_func=labeller(path, list(f.options)),
                     **common)
    elif f.kind == "date":
        st.date_input(value=value, min_value=date(2000, 1, 1), max_value=date(2100, 12, 31), **common)
    elif f.kind == "toggle":
        st.toggle(value=bool(value), **common)
    elif f.kind == "rating":
        st.select_slider(options=list(range(int(low), int(high) + 1)), value=value, **common)
    elif f.kind == "list":
        st.multiselect(options=sorted({*(options or []), *value}), default=list(value), accept_new_options=True,
                       format_func=lambda name: suggestion_label(path, name), **common)
    elif f.kind == "month":
        months, hint = month_picker(path, d.data["company"]["start_date"], _history(d.data))
        common["help"] += t("join.sentences", lang()) + hint
        st.selectbox(options=list(months), index=None if value is None else list(months).index(value),
                     format_func=months.__getitem__, **common)
    elif f.kind in WHOLE:
        bounds: dict[str, Any] = {"min_value": int(max(low, -2**53)), "max_value": int(min(high, 2**53)),
                                  "step": int(f.step or 1), "value": value}
        (st.slider if slider else st.number_input)(**bounds, **common)
    else:
        shown = None if value is None else float(f.shown(value))
        if slider and f.kind != "money" and math.isfinite(high) and shown is not None:
            st.slider(min_value=float(low), max_value=float(high), value=shown, step=f.step or _step(f.kind, high - low),
                      format="%.1f%%" if f.kind == "percent" else None, **common)
        else:
            now = field_value(d.data, path)  # the format and step follow the value typed since (same widget: same key)
            typed = None if now is None else float(f.shown(now))
            st.number_input(value=shown, min_value=float(low), max_value=float(min(high, 1e15 * f.scale)),
                            step=f.step or _step(f.kind, typed), format=_number_format(typed, f.kind), **common)
            if f.kind == "money" and typed:
                st.caption(t("input.reads", lang(), amount=fmt.price(typed, currency, lang())))
    if f.optional and not required:
        st.caption(t("edit.optional", lang()))
    show_problems(path, problems() if found is None else found)


def _history(data: dict[str, Any]) -> int:
    """The months a re-forecast's plan ran before its start (``settings.history_months``; 0 for a plan)."""
    return int((data.get("settings") or {}).get("history_months") or 0)


def month_picker(path: str, start: date, history: int = 0) -> tuple[dict[int, str], str]:
    """A month field's choices (every month index its schema allows from the plan's first month, ``history`` months
    before the start for a re-forecast, by the calendar month the reader sees) and the hint that says how the plan
    counts them (month 0 is the month of ``start``)."""
    low, high = spec(path).shown_bounds
    return (month_labels(start, int(max(low, -history)), int(min(high, MAX_MONTH)), lang()),
            t("edit.month.count", lang(), start=month_label(start, 0, lang())))


def labeller(path: str, options: list[str]) -> Callable[[Any], str]:
    """The format function of a choice: each option's label in the reader's language."""
    labels = {o: option_label(path, o) for o in options}
    return lambda option: labels[option]


def _step(kind: str, size: float | None) -> float:
    """A step for a number widget: 0.1 percentage point, else a tenth of the value's order of magnitude."""
    if kind == "percent":
        return 0.1
    magnitude = abs(size or 0.0)
    return 10 ** math.floor(math.log10(magnitude)) / 10 if magnitude > 0 else 1.0


# --- tables --------------------------------------------------------------------------------


def table(path: str) -> None:
    """An editable table of the list at ``path``, read back by its edit state; its rows' problems below it (after its
    edit of this run). It shows the columns a founder fills first (``FIRST``); a toggle adds the others (``TABLES``).
    Month columns pick calendar months (:func:`month_picker`)."""
    columns, first = TABLES[generic(path)], FIRST[generic(path)]
    snapshot = field_value(st.session_state["editor.snap"], path)
    data = draft().data
    every = len(first) == len(columns) or st.toggle(
        t("edit.more_columns", lang()), key=f"build.all_columns.{path}", on_change=restart,
        help=t("edit.more_columns.help", lang(), names=t("join.list", lang()).join(
            t(f"edit.{generic(path)}.{c}", lang()) for c in columns if c not in first)))
    config = {c: _column(f"{path}.{c}", data["company"]["currency"], data["company"]["start_date"], _history(data))
              for c in columns}
    widget = key(path)
    st.session_state.setdefault("editor.tables", {}).setdefault(
        widget, _TableRead(path, st.session_state["build.gen"], snapshot, snapshot, field_value(data, path)))
    st.data_editor(_frame(path, columns, snapshot), key=widget, num_rows="dynamic", hide_index=True,
                   column_config=config, column_order=columns if every else first, width="stretch", placeholder="—")
    _read_table(widget)
    for where_, messages in problems().items():
        if where_ == path or where_.startswith(path + "["):
            for message in messages:
                st.error(plain(t("join.colon", lang(), a=where(where_), b=message)), icon=":material/error:")


def _frame(path: str, columns: tuple[str, ...], rows: list[dict]) -> pd.DataFrame:
    """The rows as the table shows them (percent ×100; a month column holds whole month indexes or <NA>, the values
    of its picker's options)."""
    frame = pd.DataFrame([{c: spec(f"{path}.{c}").shown(row.get(c)) for c in columns} for row in rows],
                         columns=list(columns))
    return frame.astype({c: "Int64" for c in columns if spec(f"{path}.{c}").kind == "month"})


@dataclass
class _TableRead:
    """What a table widget was drawn from and what was last read from it: its list's ``path``, the widget generation,
    the ``base`` rows its edit state applies to, the ``rows`` last read, and the draft's list just after."""

    path: str
    gen: int
    base: list[dict]
    rows: list[dict]
    after: Any


def _read_table(widget: str) -> bool:
    """Apply a table's edit state (over the rows it was drawn from) to the draft, unless it was read already; True
    when it changed the draft."""
    ss = st.session_state
    read: _TableRead = ss["editor.tables"][widget]
    rows = _rows(read.path, TABLES[generic(read.path)], read.base, ss.get(widget) or {})
    if rows == read.rows:  # compared with the last read, not the draft (which the draft fills in)
        return False
    read.rows = rows
    change({read.path: rows})
    read.after = field_value(draft().data, read.path)
    return True


def _read_tables() -> None:
    """Before the widgets are rebuilt: what was typed into this generation's tables and not read yet (the reader typed,
    then at once switched section, page or the table's columns) reaches the draft instead of being dropped."""
    ss = st.session_state
    for widget, read in list(ss.get("editor.tables", {}).items()):
        if read.gen == ss["build.gen"] and widget in ss:
            _read_table(widget)


def _late_table_edits() -> None:
    """A table sends its edits 150 ms after the last one (Streamlit debounces them), so an edit typed just before a
    click that rebuilt the widgets (another section, the table's columns, undo) arrives for a table no longer drawn.
    It reaches the draft if nothing else changed that list since the table was last read; if the list's table is
    drawn again (with other columns), the widgets are rebuilt to show it. Older reads are forgotten."""
    ss = st.session_state
    tables: dict[str, _TableRead] = ss.get("editor.tables", {})
    late = [w for w, read in tables.items() if read.gen < ss["build.gen"] and w in ss
            and field_value(draft().data, read.path) == read.after]
    changed = {tables[w].path for w in late if _read_table(w)}
    if any(read.gen == ss["build.gen"] and read.path in changed for read in tables.values()):
        _rebuild()
    for widget in [w for w, read in tables.items() if read.gen < ss["build.gen"] - 2]:
        del tables[widget]


def _rows(path: str, columns: tuple[str, ...], snapshot: list[dict], edits: dict) -> list[dict]:
    """The table's rows in the scenario's units: the snapshot with its edited cells, new rows, deletions."""
    rows = [dict(r) for r in snapshot]
    for position, cells in (edits.get("edited_rows") or {}).items():
        for column, value in cells.items():
            if column in columns:
                rows[int(position)][column] = spec(f"{path}.{column}").model_value(value)
    for added in edits.get("added_rows") or []:
        new = {c: spec(f"{path}.{c}").model_value(added.get(c)) for c in columns}
        rows.append({c: v for c, v in new.items() if v is not None or spec(f"{path}.{c}").optional})
    deleted = {int(i) for i in edits.get("deleted_rows") or []}
    return [r for i, r in enumerate(rows) if i not in deleted]


def _column(path: str, currency: str, start: date, history: int = 0) -> Any:
    f = spec(path)
    common: dict[str, Any] = {"label": label(path, currency), "help": help_text(path, currency)}
    if f.kind == "month":
        months, hint = month_picker(path, start, history)
        common["help"] += t("join.sentences", lang()) + hint
        return st.column_config.SelectboxColumn(options=list(months), format_func=lambda m: months[int(m)],
                                                required=not f.optional, default=f.default, **common)
    if f.kind == "text":  # a name (required) or a note (may stay empty, up to its schema's length)
        return st.column_config.TextColumn(max_chars=f.max_length, required=f.required, **common)
    if f.kind == "choice":
        return st.column_config.SelectboxColumn(options=list(f.options), required=not f.optional,  # None: left empty
                                                format_func=labeller(path, list(f.options)), default=f.default, **common)
    if f.kind == "toggle":
        return st.column_config.CheckboxColumn(default=f.default, **common)
    low, high = f.shown_bounds
    if f.kind in WHOLE:
        return st.column_config.NumberColumn(min_value=max(low, 0), max_value=min(high, 1e6), step=1, format="%d",
                                             **common)
    return st.column_config.NumberColumn(min_value=low, max_value=min(high, 1e15 * f.scale),
                                         format="%.2f" if f.kind == "percent" else "localized", **common)
