"""An edit in progress: plain scenario data that may be invalid, with undo and redo."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.model.edit import Revision, check, revise
from core.model.errors import ScenarioError
from core.model.scenario import Scenario

UNDO_DEPTH = 50


@dataclass
class Draft:
    """The editor's draft: ``data`` (``model_dump()`` shape, valid or not), the scenario it was
    opened from (``opened``, the baseline of every delta) and the last ``UNDO_DEPTH`` states
    before and after it. Only a valid draft becomes a scenario (:meth:`scenario`). Each state is
    validated once (:func:`~core.model.edit.revise`), however often it is asked for.
    """

    opened: Scenario
    data: dict = field(default_factory=dict)
    undo_stack: list[dict] = field(default_factory=list)
    redo_stack: list[dict] = field(default_factory=list)
    checked: Revision | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.data:
            self.data = self.opened.model_dump()
            self.checked = Revision(self.data, self.opened, None)

    def edit(self, updates: Mapping[str, object]) -> bool:
        """Apply field-path updates (see :func:`~core.model.edit.revise`); False when nothing changed."""
        result = revise(self.data, updates)
        if result.scenario is not None:  # kept in its canonical form (defaults filled in)
            result = Revision(result.scenario.model_dump(), result.scenario, None)
        return self._push(result)

    def follow(self, scenario: Scenario) -> bool:
        """Make ``scenario`` (changed elsewhere) the draft, remembering the old one for undo; False when it is the same."""
        return self._push(Revision(scenario.model_dump(), scenario, None))

    def _push(self, result: Revision) -> bool:
        if result.data == self.data:
            return False
        self.undo_stack = [*self.undo_stack, self.data][-UNDO_DEPTH:]
        self.redo_stack = []
        self._set(result)
        return True

    def _set(self, result: Revision) -> None:
        self.data = result.data
        self.checked = result if result.scenario is not None or result.error is not None else None

    def undo(self) -> bool:
        if not self.undo_stack:
            return False
        self.redo_stack = [*self.redo_stack, self.data]
        self._set(Revision(self.undo_stack.pop(), None, None))
        return True

    def redo(self) -> bool:
        if not self.redo_stack:
            return False
        self.undo_stack = [*self.undo_stack, self.data][-UNDO_DEPTH:]
        self._set(Revision(self.redo_stack.pop(), None, None))
        return True

    def discard(self) -> bool:
        """Back to the scenario as it was opened (itself undoable)."""
        return self.follow(self.opened)

    def _checked(self) -> Revision:
        if self.checked is None or self.checked.data is not self.data:  # validated once per state
            self.checked = check(self.data)
        return self.checked

    def scenario(self) -> Scenario:
        """The draft as a scenario; ScenarioError (each problem with its path) while it is invalid."""
        result = self._checked()
        if result.error is not None:
            raise result.error
        assert result.scenario is not None
        return result.scenario

    def problems(self) -> ScenarioError | None:
        return self._checked().error
