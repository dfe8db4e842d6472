"""Building blocks of the schema: the bounded number types, limits and the frozen base model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

SCHEMA_VERSION: Final = 2
MAX_FILE_BYTES = 1_000_000
MAX_ALIASES = 50
MAX_MONTH = 240



@dataclass(frozen=True)
class Input:
    """How a number field is read and edited, beside its bounds (``Annotated[float, Field(...), PERCENT]``).

    ``kind``: ``money`` (the scenario currency), ``percent`` (a decimal shown ×100), ``count`` (whole things
    counted, may be fractional on average), ``month`` (a month index), ``rating`` (1-5), ``weight``; a field
    without one is a ``number`` (float) or ``whole`` (int). ``step``: a slider's step in the shown unit, if
    set. ``KEPT`` marks a field the editor leaves as it is (edited in the Risk lab or a file).
    :mod:`core.model.fields` reads these.
    """

    kind: str
    step: float | None = None


MONEY, PERCENT, COUNT, MONTH = Input("money"), Input("percent"), Input("count"), Input("month")
RATING, WEIGHT, KEPT = Input("rating"), Input("weight", step=0.25), Input("kept")



def _not_bool(value: object) -> object:
    """A number field refuses ``true`` / ``false`` (pydantic would read them as 1 and 0).

    >>> _not_bool(1.5)
    1.5
    """
    if isinstance(value, bool):
        raise PydanticCustomError("float_parsing", "Input should be a valid number")
    return value


NUMBER = BeforeValidator(_not_bool)
Money = Annotated[float, Field(ge=0, le=1e13), NUMBER, MONEY]
Count = Annotated[float, Field(ge=0, le=1e10), NUMBER, COUNT]
Share = Annotated[float, Field(ge=0, le=1), NUMBER, PERCENT]
GrowthMonthly = Annotated[float, Field(ge=-0.5, le=0.5), NUMBER, PERCENT]
DeclineYearly = Annotated[float, Field(ge=0, le=0.99), NUMBER, PERCENT]
Month = Annotated[int, Field(ge=0, le=MAX_MONTH), NUMBER, MONTH]
PlanMonth = Annotated[int, Field(ge=-MAX_MONTH, le=MAX_MONTH), NUMBER, MONTH]
"""When something happens, counted from the start: negative before it (a re-forecast's rounds, roles and one-offs of the
months already run, down to ``-settings.history_months``)."""
MillionTokens = Annotated[float, Field(ge=0, le=1e6), NUMBER]
Name = Annotated[str, Field(min_length=1, max_length=80)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
