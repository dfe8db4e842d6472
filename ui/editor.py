"""The scenario editor's state and widgets: one widget per field path, all bound to one draft.

Session keys: ``editor.draft`` (the :class:`~core.model.Draft`), ``editor.synced`` (the
scenario the draft last agreed with), ``build.gen`` (a counter in every widget key, never
reused — not even after a new scenario is loaded, since the browser still holds the old
widgets' values; it moves when the draft changes under the widgets — undo, redo, discard, a
list restructured — and whenever the widgets were dropped — another section, another page — so
each widget is rebuilt at the draft's value), ``editor.snap`` (the draft when the counter last
moved: the base the tables' edit states apply to) and ``editor.read.<path>`` (what a table
last read back). Widget keys are ``edit.<gen>.<path>``.

A field widget writes its value into the draft from its ``on_change`` callback; a table is
read from its edit state (``edited_rows`` / ``added_rows`` / ``deleted_rows``) over the snapshot,
so a cell nobody touched keeps its exact value. Whenever the draft is valid it becomes the
current scenario (kept linked to the library); while it is not, every other page keeps the
last valid one and each problem is shown at its field.
"""

from __future__ import annotations

import copy
import math
import typing
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import BaseModel

from core.i18n import STRINGS, t
from core.model import Draft, ScenarioError, field_value, parse_path, schema_bounds
from core.present import formatting as fmt
from core.present.fields import TABLES, generic, kind_of
from ui.session import current_scenario, lang, update_scenario
from ui.widgets import plain

OPTION_KEYS = {"settings.cash_flow_timing": "timing", "streams.kind": "kind"}
"""Choice fields whose options already have catalogue keys elsewhere (else ``opt.<path>.<value>``)."""
CURRENCIES = ("CNY", "USD", "EUR")


# --- state -------------------------------------------------------------------------------


def draft() -> Draft:
    """The editor's draft, following the current scenario when another page changed it (undoable)."""
    ss = st.session_state
    current = current_scenario()
    if "editor.draft" not in ss:
        ss["editor.draft"] = Draft(current)
        ss["editor.synced"] = current
        restart()
    elif ss["editor.synced"] != current:
        ss["editor.draft"].replace(current.model_dump())
        ss["editor.synced"] = current
        restart()
    return ss["editor.draft"]


def restart() -> None:
    """Rebuild every widget from the draft (after undo, redo, discard, a restructured list, or when
    the widgets were dropped because another section or page was shown)."""
    ss = st.session_state
    ss["build.gen"] = ss.get("build.gen", -1) + 1
    ss["editor.snap"] = copy.deepcopy(ss["editor.draft"].data)


def commit(d: Draft) -> None:
    """Make a valid draft the current scenario; an invalid one waits, the scenario untouched."""
    try:
        scenario = d.scenario()
    except ScenarioError:
        return
    d.data = scenario.model_dump()  # the valid draft in its canonical form (defaults filled in)
    if scenario != current_scenario():
        update_scenario(scenario)
    st.session_state["editor.synced"] = scenario


def change(updates: Mapping[str, object], rebuild: bool = False) -> None:
    """Edit the draft by path (``rebuild`` when list positions moved), then commit it if valid."""
    d = draft()
    if d.edit(updates):
        if rebuild:
            restart()
        commit(d)


def step(action: str) -> None:
    """``undo``, ``redo`` or ``discard``, as a button callback."""
    d = draft()
    if getattr(d, action)():
        restart()
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
    kind = kind_of(path).rstrip("?")
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


def help_text(path: str) -> str:
    return t(f"edit.{generic(path)}.help", lang())


def option_label(path: str, value: object) -> str:
    base = OPTION_KEYS.get(generic(path), f"opt.{generic(path)}")
    return t(f"{base}.{value}", lang())


def options_of(model: type[BaseModel], name: str) -> list[str]:
    """The allowed values of a Literal field."""
    annotation = model.model_fields[name].annotation
    return [a for arg in [annotation, *typing.get_args(annotation)] for a in typing.get_args(arg) if isinstance(a, str)] \
        or list(typing.get_args(annotation))


def show_problems(path: str, found: dict[str, list[str]]) -> None:
    for message in found.get(path, []):
        st.error(plain(message), icon=":material/error:")


# --- one field --------------------------------------------------------------------------


def _number_format(value: float | None) -> str:
    magnitude = abs(value or 0.0)
    return "%.0f" if magnitude >= 100 else "%.2f" if magnitude >= 1 or magnitude == 0 else "%.4f"


def _to_model(kind: str, shown: object) -> object:
    """A widget's value in the scenario's units (percent back to a decimal, integers as int)."""
    if shown is None:
        return None
    if kind.startswith("percent"):
        return float(shown) / 100  # type: ignore[arg-type]
    if kind.rstrip("?") in ("whole", "month"):
        return int(shown)  # type: ignore[call-overload]
    return shown


def _changed(path: str, kind: str, widget: str) -> None:
    """A field's edit; dropped when another callback of the same rerun replaced the form (undo, a new scenario)."""
    if widget == key(path) and widget in st.session_state:
        change({path: _to_model(kind, st.session_state[widget])})


def field(path: str, model: type[BaseModel], currency: str, found: dict[str, list[str]]) -> None:
    """The widget of the field at ``path`` (its kind from :mod:`core.present.fields`), at its snapshot value."""
    kind = kind_of(path)
    name = str(parse_path(path)[-1])
    value = field_value(st.session_state["editor.snap"], path)
    widget = key(path)
    common: dict[str, Any] = {"key": widget, "on_change": _changed, "args": (path, kind, widget), "help": help_text(path),
                              "label": label(path, currency)}
    optional = kind.endswith("?")
    base = kind.rstrip("?")
    if base == "text":
        st.text_input(value=value or "", max_chars=80, **common)
    elif base == "choice":
        options = options_of(model, name)
        st.selectbox(options=options, index=options.index(value), format_func=labeller(path, options),
                     **common)
    elif base == "date":
        st.date_input(value=value, min_value=date(2000, 1, 1), max_value=date(2100, 12, 31), **common)
    elif base == "toggle":
        st.toggle(value=bool(value), **common)
    elif base == "rating":
        st.select_slider(options=[1, 2, 3, 4, 5], value=value, **common)
    elif base == "list":
        st.multiselect(options=list(value), default=list(value), accept_new_options=True, **common)
    else:
        low, high = schema_bounds(model, name)
        if base in ("whole", "month"):
            st.number_input(value=value, min_value=int(max(low, -2**53)), max_value=int(min(high, 2**53)), step=1,
                            **common)
        else:
            scale = 100.0 if base == "percent" else 1.0
            shown = None if value is None else float(value) * scale
            st.number_input(value=shown, min_value=low * scale, max_value=min(high, 1e15) * scale,
                            step=_step(base, shown), format=_number_format(shown), **common)
            if base == "money" and shown:
                st.caption(t("input.reads", lang(), amount=fmt.price(shown, currency, lang())))
    if optional:
        st.caption(t("edit.optional", lang()))
    show_problems(path, found)


def labeller(path: str, options: list[str]) -> Callable[[Any], str]:
    """The format function of a choice: each option's label in the reader's language."""
    labels = {o: option_label(path, o) for o in options}
    return lambda option: labels[option]


def _step(kind: str, shown: float | None) -> float:
    if kind == "percent":
        return 0.1
    magnitude = abs(shown or 0.0)
    return max(10 ** math.floor(math.log10(magnitude)) / 10, 0.01) if magnitude > 0 else 1.0


# --- tables --------------------------------------------------------------------------------


def table(path: str, model: type[BaseModel], currency: str, found: dict[str, list[str]]) -> None:
    """An editable table of the list at ``path`` (columns from ``TABLES``), read back by its edit state."""
    columns = TABLES[generic(path)]
    snapshot = field_value(st.session_state["editor.snap"], path)
    shown = pd.DataFrame([{c: _shown(path, c, row.get(c)) for c in columns} for row in snapshot], columns=list(columns))
    config = {c: _column(path, c, model, currency) for c in columns}
    st.data_editor(shown, key=key(path), num_rows="dynamic", hide_index=True, column_config=config, width="stretch")
    edits = st.session_state.get(key(path)) or {}
    rows = _rows(path, columns, snapshot, edits)
    read = f"editor.read.{key(path)}"  # compared with the last read, not the draft (which the draft fills in)
    if rows != st.session_state.get(read, snapshot):
        st.session_state[read] = rows
        change({path: rows})
    for where_, messages in problems().items():
        if where_ == path or where_.startswith(path + "["):
            for message in messages:
                st.error(plain(t("join.colon", lang(), a=where(where_), b=message)), icon=":material/error:")


def _shown(path: str, column: str, value: object) -> object:
    if value is not None and kind_of(f"{path}.{column}").startswith("percent"):
        return float(value) * 100  # type: ignore[arg-type]
    return value


def _rows(path: str, columns: tuple[str, ...], snapshot: list[dict], edits: dict) -> list[dict]:
    """The table's rows in the scenario's units: the snapshot with its edited cells, new rows, deletions."""
    rows = [dict(r) for r in snapshot]
    for position, cells in (edits.get("edited_rows") or {}).items():
        for column, value in cells.items():
            if column in columns:
                rows[int(position)][column] = _cell(path, column, value)
    for added in edits.get("added_rows") or []:
        new = {c: _cell(path, c, added.get(c)) for c in columns}
        rows.append({c: v for c, v in new.items() if v is not None or kind_of(f"{path}.{c}").endswith("?")})
    deleted = {int(i) for i in edits.get("deleted_rows") or []}
    return [r for i, r in enumerate(rows) if i not in deleted]


def _cell(path: str, column: str, value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        value = None
    kind = kind_of(f"{path}.{column}")
    if value == "" and kind.rstrip("?") != "text":
        value = None
    return "" if value is None and kind == "text?" else _to_model(kind, value)


def _column(path: str, column: str, model: type[BaseModel], currency: str) -> Any:
    optional = kind_of(f"{path}.{column}").endswith("?")
    kind = kind_of(f"{path}.{column}").rstrip("?")
    common: dict[str, Any] = {"label": label(f"{path}.{column}", currency), "help": help_text(f"{path}.{column}")}
    if kind == "text":  # a name (required) or a note (may stay empty, up to its schema's length)
        return st.column_config.TextColumn(max_chars=200 if optional else 80, required=not optional, **common)
    if kind == "choice":
        options = options_of(model, column)
        return st.column_config.SelectboxColumn(options=options, required=True, format_func=labeller(f"{path}.{column}", options),
                                                default=model.model_fields[column].default, **common)
    if kind == "toggle":
        return st.column_config.CheckboxColumn(default=model.model_fields[column].default, **common)
    low, high = schema_bounds(model, column)
    if kind in ("whole", "month"):
        return st.column_config.NumberColumn(min_value=max(low, 0), max_value=min(high, 1e6), step=1, format="%d",
                                             **common)
    scale = 100.0 if kind == "percent" else 1.0
    return st.column_config.NumberColumn(min_value=low * scale, max_value=min(high, 1e15) * scale,
                                         format="%.2f" if kind == "percent" else "localized", **common)

