"""Validation problems as values: the field path, a catalogue code and its values, in any language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from core.i18n import t
from core.model.streams import STREAM_KINDS
from core.model.uncertainty import DISTRIBUTION_KINDS

# --- files and errors ------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One problem, for translation: the field path, a catalogue code (``error.<code>``) and its values."""

    path: str
    code: str
    values: dict[str, object]


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``errors`` holds one readable English line per problem.

    ``problems`` (when known) say the same in a form :meth:`localized` can translate,
    keeping the field path.
    """

    def __init__(self, errors: list[str], problems: list[Problem] | None = None):
        super().__init__("; ".join(errors))
        self.errors = errors
        self.problems = problems

    @classmethod
    def of(cls, *problems: Problem) -> ScenarioError:
        """An error from catalogue problems; its English lines come from the catalogue too."""
        return cls([_line(p, "en") for p in problems], list(problems))

    def localized(self, lang: str) -> list[str]:
        """The problems in ``lang`` (the English lines when they cannot be translated)."""
        if lang == "en" or self.problems is None:
            return self.errors
        return [_line(p, lang) for p in self.problems]

    def by_field(self, lang: str) -> dict[str, list[str]]:
        """The problems in ``lang`` grouped by field path, without the path, to show beside the field's widget: bounds
    and the value given in the unit the widget shows (a percent field's ``0.9`` reads ``90%``)."""
        if self.problems is None:
            return {"(file)": self.errors}
        grouped: dict[str, list[str]] = {}
        for p in self.problems:
            grouped.setdefault(p.path, []).append(_message(p, lang, as_shown=True))
        return grouped


def _line(problem: Problem, lang: str) -> str:
    return f"{problem.path}: {_message(problem, lang)}"


def _message(problem: Problem, lang: str, as_shown: bool = False) -> str:
    key = f"error.{problem.code}"
    values = _as_shown(problem.path, dict(problem.values)) if as_shown else dict(problem.values)
    got = values.pop("got", None)
    try:
        text = t(key, lang, **values)
    except KeyError:  # a code or value the catalogue does not know: the validator's own words
        text = t("error.generic", lang, msg=values.get("msg", problem.code))
    shown = "" if got in (None, "") or isinstance(got, dict | list) else t(
        "error.got", lang, value=got if isinstance(got, Percent) else quoted(got))
    return f"{text}{shown}"


class Percent(str):
    """A decimal written as the percentage a widget shows."""


def _as_shown(path: str, values: dict[str, object]) -> dict[str, object]:
    """A problem's numbers in the unit its field's widget shows: a percent field's bounds and value ×100 with %."""
    from core.model.fields import spec  # the schema's field metadata (it imports the schema, which imports this)

    try:
        percent = spec(path).kind == "percent"
    except KeyError:  # not a field a widget shows
        return values
    return {k: Percent(f"{v * 100:g}%") if percent and k in ("ge", "gt", "le", "lt", "got") and isinstance(v, int | float)
            and not isinstance(v, bool) else v for k, v in values.items()}


def quoted(value: object, limit: int = 80) -> str:
    """``repr(value)``, cut to ``limit`` characters (a hostile value is never echoed whole)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _field_path(loc: tuple) -> str:
    path = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in STREAM_KINDS and i > 0 and isinstance(loc[i - 1], int):
            continue  # the discriminator pydantic adds to a stream's location
        elif part in DISTRIBUTION_KINDS:
            continue  # ... and to a distribution's (no field has such a name)
        else:
            path += f".{part}" if path else str(part)
    return path or "(file)"


_NAMED = re.compile(r"([a-z_]+(?:\[\d+\])*(?:\.[a-z_]+(?:\[\d+\])*)*): (.+)", re.S)


def _located(err: ErrorDetails) -> tuple[str, str]:
    """(field path, message); a whole-scenario check that names its field (``risk.rounds: ...``) is put there."""
    path, msg = _field_path(err["loc"]), err["msg"].removeprefix("Value error, ")
    if path == "(file)" and (named := _NAMED.fullmatch(msg)):
        return named[1], named[2]
    return path, msg


def format_errors(error: ValidationError) -> list[str]:
    """One line per problem: ``streams[2].churn_monthly: Input should be ... (got 1.4)``."""
    lines = []
    for err in error.errors(include_url=False):
        path, msg = _located(err)
        got = err.get("input")
        shown = "" if isinstance(got, dict | list) or got is None else f" (got {quoted(got)})"
        lines.append(f"{path}: {msg}{shown}")
    return lines


def problems_of(error: ValidationError) -> list[Problem]:
    """The same problems as :func:`format_errors`, as catalogue codes with their values."""
    out = []
    for err in error.errors(include_url=False):
        values: dict[str, object] = {k: v if isinstance(v, int | float | str) else str(v)
                                     for k, v in (err.get("ctx") or {}).items()}
        path, msg = _located(err)
        values |= {"msg": msg, "got": err.get("input")}
        out.append(Problem(path, err["type"], values))
    return out
