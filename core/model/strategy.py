"""What the pillar scores need beyond the numbers: ratings, market sizes, weights."""

from __future__ import annotations

import itertools
from typing import Annotated

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from core.model.base import PERCENT, RATING, WEIGHT, Money, Name, Share, _Model

# --- strategy inputs (the pillars' data the projection does not have) ----------

Rating = Annotated[int, Field(ge=1, le=5), RATING]
"""A founder's 1-5 rating: 1 weak, 3 on par with competitors, 5 clearly the best."""
Weight = Annotated[float, Field(ge=0, le=10), WEIGHT]
PILLARS = ("technology", "business_model", "funds", "market", "data", "compliance")
FACTORS = (
    "technology.rd_share", "technology.serving_cost", "technology.cost_decline", "technology.verticals",
    "technology.model_quality", "technology.rd_attrition", "technology.rd_ramp_loss", "business_model.diversification",
    "business_model.recurring_share", "business_model.gross_margin", "business_model.ltv_cac",
    "business_model.pricing_modes", "funds.runway", "funds.burn_multiple", "funds.default_alive",
    "funds.round_dependence", "funds.fixed_cost_cover", "funds.team_attrition", "market.sam_share",
    "market.growth_vs_market", "market.diff_technology", "market.diff_ux", "market.diff_service", "market.competition",
    "market.customer_concentration", "data.collection", "data.labelling", "data.governance", "compliance.privacy",
    "compliance.regulation", "compliance.ethics_review",
)
"""Every factor's key, in the order the pillars score them (``core.analysis.pillars.SPECS`` scores exactly these)."""


class Differentiation(_Model):
    """How the product stands out against its closest competitors (1-5 each)."""

    technology: Rating = 3
    user_experience: Rating = 3
    service: Rating = 3


class Market(_Model):
    """Market sizes (currency per year) and the competitive setting.

    TAM: everyone who could use such a product; SAM: the part this product serves
    (segment, region, vertical); SOM: what it can realistically win in 3-5 years.
    ``top_customer_share`` is the largest customer's share of revenue.
    """

    tam_yearly: Money | None = None
    sam_yearly: Money | None = None
    som_yearly: Money | None = None
    growth_yearly: Annotated[float, Field(ge=-0.5, le=5), PERCENT] = 0.3
    competition: Rating = 3
    top_customer_share: Share = 0.2

    @model_validator(mode="after")
    def _nested_sizes(self) -> Market:
        sizes = [(n, v) for n, v in (("tam_yearly", self.tam_yearly), ("sam_yearly", self.sam_yearly),
                                     ("som_yearly", self.som_yearly)) if v is not None]
        for (outer, big), (inner, small) in itertools.pairwise(sizes):
            if small > big:  # a catalogue code (error.market_<inner>_over_<outer>), so a page names the fields
                raise PydanticCustomError(f"market_{inner[:3]}_over_{outer[:3]}", f"{inner} ({{small}}) cannot exceed {outer} ({{big}})",
                                          {"small": f"{small:,.0f}", "big": f"{big:,.0f}"})
        return self


class DataCapability(_Model):
    """Optional dimension (seed 004): data collection, labelling and governance (1-5 each)."""

    collection: Rating = 3
    labelling: Rating = 3
    governance: Rating = 3


class Compliance(_Model):
    """Optional dimension (seed 004): privacy, regulatory readiness, ethics review (1-5 each)."""

    privacy: Rating = 3
    regulation: Rating = 3
    ethics_review: Rating = 3


class PillarWeights(_Model):
    """Weights of each pillar in the survival score (relative; 0 leaves a pillar out)."""

    technology: Weight = 1.0
    business_model: Weight = 1.0
    funds: Weight = 1.0
    market: Weight = 1.0
    data: Weight = 0.5
    compliance: Weight = 0.5


class Strategy(_Model):
    """Inputs of the strategy pillars that the cash-flow model does not hold.

    ``verticals`` are the application verticals served (finance, healthcare, ...);
    ``runway_target_months`` is the runway a founder aims for (18-24 in a winter);
    ``data`` and ``compliance`` are scored only when given; ``factor_weights`` overrides
    the default weight of a factor by its key, e.g. ``{"funds.default_alive": 2}``.
    """

    model_quality: Rating = 3
    runway_target_months: Annotated[int, Field(ge=6, le=48)] = 18
    verticals: Annotated[list[Name], Field(max_length=20)] = []
    differentiation: Differentiation = Differentiation()
    market: Market = Market()
    data: DataCapability | None = None
    compliance: Compliance | None = None
    pillar_weights: PillarWeights = PillarWeights()
    factor_weights: Annotated[dict[str, Weight], Field(max_length=60)] = {}

    @model_validator(mode="after")
    def _known_factors(self) -> Strategy:
        if not self.factor_weights:
            return self
        unknown = sorted(set(self.factor_weights) - set(FACTORS))
        if unknown:
            raise ValueError(f"unknown factor {unknown[0]!r} in factor_weights (known: {', '.join(FACTORS)})")
        return self
