"""An edit in progress: plain scenario data that may be invalid, with undo and redo."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.model.edit import set_fields
from core.model.errors import ScenarioError
from core.model.files import parse_scenario
from core.model.scenario import Scenario

UNDO_DEPTH = 50


@dataclass
class Draft:
    """The editor's draft: ``data`` (``model_dump()`` shape, valid or not), the scenario it was
    opened from (``opened``, the baseline of every delta) and the last ``UNDO_DEPTH`` states
    before and after it. Only a valid draft becomes a scenario (:meth:`scenario`).
    """

    opened: Scenario
    data: dict = field(default_factory=dict)
    undo_stack: list[dict] = field(default_factory=list)
    redo_stack: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.data:
            self.data = self.opened.model_dump()

    def edit(self, updates: Mapping[str, object]) -> bool:
        """Apply field-path updates (see :func:`set_fields`); False when nothing changed."""
        return self.replace(set_fields(self.data, updates))

    def replace(self, data: dict) -> bool:
        """Make ``data`` the draft, remembering the old one for undo; False when it is the same."""
        if data == self.data:
            return False
        self.undo_stack = [*self.undo_stack, self.data][-UNDO_DEPTH:]
        self.redo_stack = []
        self.data = data
        return True

    def undo(self) -> bool:
        if not self.undo_stack:
            return False
        self.redo_stack = [*self.redo_stack, self.data]
        self.data = self.undo_stack.pop()
        return True

    def redo(self) -> bool:
        if not self.redo_stack:
            return False
        self.undo_stack = [*self.undo_stack, self.data][-UNDO_DEPTH:]
        self.data = self.redo_stack.pop()
        return True

    def discard(self) -> bool:
        """Back to the scenario as it was opened (itself undoable)."""
        return self.replace(self.opened.model_dump())

    def scenario(self) -> Scenario:
        """The draft as a scenario; ScenarioError (each problem with its path) while it is invalid."""
        return parse_scenario(self.data)

    def problems(self) -> ScenarioError | None:
        try:
            self.scenario()
        except ScenarioError as exc:
            return exc
        return None
