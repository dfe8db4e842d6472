"""Building blocks of the schema: the bounded number types, limits and the frozen base model."""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Final = 1
MAX_FILE_BYTES = 1_000_000
MAX_ALIASES = 50
MAX_MONTH = 240

Money = Annotated[float, Field(ge=0, le=1e13)]
Count = Annotated[float, Field(ge=0, le=1e10)]
Share = Annotated[float, Field(ge=0, le=1)]
GrowthMonthly = Annotated[float, Field(ge=-0.5, le=0.5)]
DeclineYearly = Annotated[float, Field(ge=0, le=0.99)]
Month = Annotated[int, Field(ge=0, le=MAX_MONTH)]
MillionTokens = Annotated[float, Field(ge=0, le=1e6)]
Name = Annotated[str, Field(min_length=1, max_length=80)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
