"""Widgets that edit the current scenario in place, one field path each.

An :class:`Inputs` shows a widget at the scenario's value and records an update only when
the user moved it away from that value, so merely opening a page never changes the
scenario. :meth:`Inputs.apply` validates the updates with the scenario's own rules and,
when one is invalid, shows the error and keeps the scenario as it was.
"""

from __future__ import annotations

import streamlit as st

from core.i18n import t
from core.model import Scenario, ScenarioError, replace_fields
from core.present import formatting as fmt
from ui.session import lang, update_scenario, wkey

RATINGS = [1, 2, 3, 4, 5]


class Inputs:
    def __init__(self) -> None:
        self.updates: dict[str, object] = {}

    def record(self, path: str, shown: object, chosen: object, value: object) -> None:
        """Record ``path = value`` if the widget moved from what it showed."""
        if chosen != shown:
            self.updates[path] = value

    def percent(self, label: str, path: str, current: float, low: float, high: float, step: float = 1.0,
                help: str | None = None) -> None:
        """A slider in percent for a decimal field (0.05 shows as 5)."""
        shown = round(100 * current, 6)
        chosen = st.slider(label, low, high, shown, step, key=wkey(f"input.{path}"), format="%.1f%%", help=help)
        self.record(path, shown, chosen, chosen / 100)

    def number(self, label: str, path: str, current: float, low: float, high: float, step: float) -> None:
        """A plain slider for a number field (weights, months)."""
        chosen = st.slider(label, low, high, current, step, key=wkey(f"input.{path}"))
        self.record(path, current, chosen, chosen)

    def select(self, label: str, path: str, current: object, options: list, format_func=str) -> None:
        chosen = st.selectbox(label, options, options.index(current), key=wkey(f"input.{path}"), format_func=format_func)
        self.record(path, current, chosen, chosen)

    def whole(self, label: str, path: str, current: int, low: int, high: int) -> None:
        """A number input for a whole number (a seed, a count)."""
        chosen = st.number_input(label, low, high, current, 1, key=wkey(f"input.{path}"))
        self.record(path, current, chosen, int(chosen))

    def rating(self, label: str, path: str, current: int) -> None:
        chosen = st.select_slider(label, RATINGS, current, key=wkey(f"input.{path}"))
        self.record(path, current, chosen, chosen)

    def money(self, label: str, path: str, current: float | None, currency: str, optional: bool = False) -> None:
        """A number input for an amount, read back in the reader's units below it; with ``optional``, 0 means
        "not given" (None)."""
        shown = float(current or 0.0)
        chosen = st.number_input(label, min_value=0.0, value=shown, step=max(shown / 20, 1000.0), format="%.0f",
                                 key=wkey(f"input.{path}"))
        if chosen:
            st.caption(t("input.reads", lang(), amount=fmt.money(chosen, currency, lang())))
        self.record(path, shown, chosen, None if optional and chosen == 0 else chosen)

    def choices(self, label: str, path: str, current: list[str], options: list[str]) -> None:
        """A multiselect that also accepts new entries."""
        chosen = st.multiselect(label, sorted(set(options) | set(current)), current, key=wkey(f"input.{path}"),
                                accept_new_options=True)
        self.record(path, current, chosen, chosen)

    def apply(self, scenario: Scenario) -> Scenario:
        """The scenario with the recorded updates; on invalid input, the error and the old scenario."""
        if not self.updates:
            return scenario
        try:
            new = replace_fields(scenario, self.updates)
        except ScenarioError as exc:
            st.error(t("input.invalid", lang(), error="; ".join(exc.localized(lang()))))
            return scenario
        if new != scenario:
            update_scenario(new)
        return new
