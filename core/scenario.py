"""The scenario: everything a founder types in, validated and immutable.

Conventions
-----------
- Money is a float in the scenario's single currency (``company.currency``).
- Months are the clock: month 0 is the month of ``company.start_date``.
- Rates say their period in their name: ``*_monthly`` compounds every month,
  ``*_yearly`` every year (the engine converts yearly rates once, in
  :mod:`core.projection`). Rates and shares are decimals (0.05 = 5 %), never percentages.
- Every number is finite and bounded; unknown fields are refused.

Files are YAML (parsed with ``yaml.safe_load`` only) or JSON, at most 1 MB.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, ClassVar, Final, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

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


class Company(_Model):
    name: Name
    vertical: Annotated[str, Field(max_length=80)] = ""
    stage: Literal["pre-seed", "seed", "series-a", "series-b", "growth"] = "seed"
    currency: Literal["CNY", "USD", "EUR"] = "USD"
    start_date: date = date(2026, 1, 1)
    starting_cash: Money


# --- revenue streams -------------------------------------------------------
# Every stream kind maps onto one monthly "driver" quantity q_t = q_0 (1 + g)^t
# (customers, units, deals, contracts, users) times a unit price, plus what each
# unit costs to serve.  ``TERMS`` says which fields play which role, as a product
# of fields times a constant, so the engine (and Monte Carlo draws) read every
# stream the same way.  Subscription adds churn and a trial on top.

Terms = dict[str, tuple[tuple[str, ...], float]]


class Demand(_Model):
    """How a stream's volume (a subscription's new customers) responds to its price.

    The stream's quantities are what sells at ``reference_price`` (None: the stream's own
    price as written), so changing the price moves volume by ``q(p) / q(reference)``:
    ``constant_elasticity``: q ∝ p^-elasticity; ``linear``: q falls in a straight line to
    0 at ``choke_price``; ``wtp``: q ∝ the share of prospects whose willingness to pay
    (lognormal with ``median_wtp`` and log-sd ``wtp_sigma``) is above the price.
    """

    model: Literal["constant_elasticity", "linear", "wtp"]
    elasticity: Annotated[float, Field(ge=0.05, le=10)] = 1.5
    choke_price: Annotated[float, Field(gt=0, le=1e13)] | None = None
    median_wtp: Annotated[float, Field(gt=0, le=1e13)] | None = None
    wtp_sigma: Annotated[float, Field(ge=0.05, le=3)] = 0.8
    reference_price: Annotated[float, Field(gt=0, le=1e13)] | None = None

    @model_validator(mode="after")
    def _parameters_of_its_model(self) -> Demand:
        if self.model == "linear" and self.choke_price is None:
            raise ValueError("a linear demand needs choke_price (the price at which nobody buys)")
        if self.model == "wtp" and self.median_wtp is None:
            raise ValueError("a wtp demand needs median_wtp")
        return self


class _Stream(_Model):
    """A revenue stream. Each kind states its roles once, as class variables:

    ``VOLUME``: the field counting what sells today; ``GROWTH``: its monthly growth rate;
    ``PRICE``: the price the company sets (None when the market sets it); ``PRICES``: the
    fields a price change scales (the price, or the market's rate); ``UNIT``: what one unit
    is (a ``pricing.unit.*`` locale key); ``RECURRING``: counts in MRR/ARR; ``TERMS``: the
    engine's factors by role (see :mod:`core.projection`).
    """

    name: Name
    TERMS: ClassVar[Terms] = {}
    RECURRING: ClassVar[bool] = False
    PRICE: ClassVar[str | None] = None  # the field the company sets; None when the market sets it
    PRICES: ClassVar[tuple[str, ...]] = ()
    VOLUME: ClassVar[str]
    GROWTH: ClassVar[str]
    UNIT: ClassVar[str]

    def price_value(self) -> float:
        """The value of the stream's ``PRICE`` field; 0 when the market sets the price."""
        return float(getattr(self, self.PRICE)) if self.PRICE else 0.0

    @model_validator(mode="after")
    def _demand_fits_the_price(self) -> _Stream:
        demand = getattr(self, "demand", None)
        if demand is None:
            return self
        reference = demand.reference_price or self.price_value()
        if reference <= 0:
            raise ValueError(f"demand needs a positive reference price ({self.PRICE} is 0)")
        if demand.model == "linear" and demand.choke_price <= reference:
            raise ValueError(f"demand.choke_price ({demand.choke_price:g}) must be above the reference price ({reference:g})")
        if demand.model == "wtp" and reference > demand.median_wtp * math.exp(8 * demand.wtp_sigma):
            raise ValueError("demand: almost nobody would pay the reference price; raise median_wtp")
        return self


class Trial(_Model):
    """Free trial before paying: sign-ups trial for ``months`` then a share converts."""

    months: Annotated[int, Field(ge=0, le=12)] = 1
    conversion: Share = 0.2


class SubscriptionStream(_Stream):
    """Seats or accounts billed monthly (enterprise or premium tiers)."""

    kind: Literal["subscription"] = "subscription"
    starting_customers: Count = 0
    new_customers_per_month: Count = 0
    new_customer_growth_monthly: GrowthMonthly = 0
    churn_monthly: Annotated[float, Field(ge=0, le=0.9)] = 0.03
    price_per_month: Money
    expansion_monthly: Annotated[float, Field(ge=-0.1, le=0.1)] = 0
    trial: Trial | None = None
    mtok_per_customer_month: MillionTokens = 0
    cac_per_customer: Money = 0
    demand: Demand | None = None
    PRICE: ClassVar[str | None] = "price_per_month"
    VOLUME: ClassVar[str] = "starting_customers"
    GROWTH: ClassVar[str] = "new_customer_growth_monthly"
    UNIT: ClassVar[str] = "customers"
    PRICES: ClassVar[tuple[str, ...]] = ('price_per_month',)
    TERMS: ClassVar[Terms] = {
        "price": (("price_per_month",), 1.0),
        "price_growth": (("expansion_monthly",), 1.0),
        "tokens": (("mtok_per_customer_month",), 1.0),
    }
    RECURRING: ClassVar[bool] = True


class UsageStream(_Stream):
    """Pay-as-you-go API, priced per unit (1M tokens, 1k requests, ...)."""

    kind: Literal["usage"] = "usage"
    unit: Annotated[str, Field(max_length=40)] = "1M tokens"
    volume_per_month: Count
    volume_growth_monthly: GrowthMonthly = 0
    price_per_unit: Money
    price_decline_yearly: DeclineYearly = 0
    mtok_per_unit: MillionTokens = 1.0
    demand: Demand | None = None
    PRICE: ClassVar[str | None] = "price_per_unit"
    VOLUME: ClassVar[str] = "volume_per_month"
    GROWTH: ClassVar[str] = "volume_growth_monthly"
    UNIT: ClassVar[str] = "units"
    PRICES: ClassVar[tuple[str, ...]] = ('price_per_unit',)
    TERMS: ClassVar[Terms] = {
        "quantity": (("volume_per_month",), 1.0),
        "growth": (("volume_growth_monthly",), 1.0),
        "price": (("price_per_unit",), 1.0),
        "price_decline": (("price_decline_yearly",), 1.0),
        "tokens": (("mtok_per_unit",), 1.0),
    }
    RECURRING: ClassVar[bool] = True


class ProjectStream(_Stream):
    """Enterprise / custom analysis projects, recognised evenly over each quarter."""

    kind: Literal["projects"] = "projects"
    deals_per_quarter: Annotated[float, Field(ge=0, le=1e5)]
    deals_growth_monthly: GrowthMonthly = 0
    deal_size: Money
    delivery_cost_share: Share = 0.3
    demand: Demand | None = None
    PRICE: ClassVar[str | None] = "deal_size"
    VOLUME: ClassVar[str] = "deals_per_quarter"
    GROWTH: ClassVar[str] = "deals_growth_monthly"
    UNIT: ClassVar[str] = "deals"
    PRICES: ClassVar[tuple[str, ...]] = ('deal_size',)
    TERMS: ClassVar[Terms] = {
        "quantity": (("deals_per_quarter",), 1 / 3),
        "growth": (("deals_growth_monthly",), 1.0),
        "price": (("deal_size",), 1.0),
        "delivery_share": (("delivery_cost_share",), 1.0),
    }


class DataStream(_Stream):
    """Data services / licensing: data API and integration contracts, billed monthly."""

    kind: Literal["data"] = "data"
    contracts: Count
    contracts_growth_monthly: GrowthMonthly = 0
    fee_per_contract_month: Money
    delivery_cost_share: Share = 0.1
    demand: Demand | None = None
    PRICE: ClassVar[str | None] = "fee_per_contract_month"
    VOLUME: ClassVar[str] = "contracts"
    GROWTH: ClassVar[str] = "contracts_growth_monthly"
    UNIT: ClassVar[str] = "contracts"
    PRICES: ClassVar[tuple[str, ...]] = ('fee_per_contract_month',)
    TERMS: ClassVar[Terms] = {
        "quantity": (("contracts",), 1.0),
        "growth": (("contracts_growth_monthly",), 1.0),
        "price": (("fee_per_contract_month",), 1.0),
        "delivery_share": (("delivery_cost_share",), 1.0),
    }
    RECURRING: ClassVar[bool] = True


class AdvertisingStream(_Stream):
    """Advertising on a free product: MAU x impressions per user x CPM / 1000."""

    kind: Literal["advertising"] = "advertising"
    monthly_active_users: Count
    mau_growth_monthly: GrowthMonthly = 0
    impressions_per_user_month: Annotated[float, Field(ge=0, le=1e4)]
    cpm: Money
    mtok_per_user_month: MillionTokens = 0
    VOLUME: ClassVar[str] = "monthly_active_users"
    GROWTH: ClassVar[str] = "mau_growth_monthly"
    UNIT: ClassVar[str] = "users"
    PRICES: ClassVar[tuple[str, ...]] = ('cpm',)
    TERMS: ClassVar[Terms] = {
        "quantity": (("monthly_active_users",), 1.0),
        "growth": (("mau_growth_monthly",), 1.0),
        "price": (("impressions_per_user_month", "cpm"), 1 / 1000),
        "tokens": (("mtok_per_user_month",), 1.0),
    }


class ProductSalesStream(_Stream):
    """One-off product sales (licences, appliances), each with a unit cost."""

    kind: Literal["product_sales"] = "product_sales"
    units_per_month: Count
    units_growth_monthly: GrowthMonthly = 0
    price_per_unit: Money
    cost_per_unit: Money = 0
    demand: Demand | None = None
    PRICE: ClassVar[str | None] = "price_per_unit"
    VOLUME: ClassVar[str] = "units_per_month"
    GROWTH: ClassVar[str] = "units_growth_monthly"
    UNIT: ClassVar[str] = "units"
    PRICES: ClassVar[tuple[str, ...]] = ('price_per_unit',)
    TERMS: ClassVar[Terms] = {
        "quantity": (("units_per_month",), 1.0),
        "growth": (("units_growth_monthly",), 1.0),
        "price": (("price_per_unit",), 1.0),
        "unit_cost": (("cost_per_unit",), 1.0),
    }


STREAM_CLASSES = (SubscriptionStream, UsageStream, ProjectStream, DataStream, AdvertisingStream, ProductSalesStream)
GROWTH_FIELDS = tuple(c.GROWTH for c in STREAM_CLASSES)
PRICE_FIELDS = tuple(dict.fromkeys(f for c in STREAM_CLASSES for f in c.PRICES))

Stream = Annotated[
    SubscriptionStream
    | UsageStream
    | ProjectStream
    | DataStream
    | AdvertisingStream
    | ProductSalesStream,
    Field(discriminator="kind"),
]
STREAM_KINDS = ("subscription", "usage", "projects", "data", "advertising", "product_sales")


# --- costs -----------------------------------------------------------------


class AICosts(_Model):
    """Cost of revenue. Inference is priced per 1M tokens, given directly or from a GPU.

    From a GPU: cost per 1M tokens = gpu_price_per_hour / (3600 * tokens_per_second) * 1e6.
    """

    cost_per_million_tokens: Annotated[float, Field(ge=0, le=1e6)] | None = None
    gpu_price_per_hour: Annotated[float, Field(ge=0, le=1e5)] | None = None
    tokens_per_second: Annotated[float, Field(gt=0, le=1e7)] | None = None
    cost_decline_yearly: DeclineYearly = 0
    hosting_per_month: Money = 0
    support_share_of_revenue: Annotated[float, Field(ge=0, le=0.5)] = 0

    @model_validator(mode="after")
    def _one_inference_price(self) -> AICosts:
        gpu = self.gpu_price_per_hour is not None or self.tokens_per_second is not None
        if gpu and self.cost_per_million_tokens is not None:
            raise ValueError("give cost_per_million_tokens or gpu_price_per_hour with tokens_per_second, not both")
        if gpu and (self.gpu_price_per_hour is None or self.tokens_per_second is None):
            raise ValueError("gpu_price_per_hour and tokens_per_second go together")
        return self

    @property
    def million_token_cost(self) -> float:
        """Inference cost per 1M tokens at month 0, in the scenario currency."""
        if self.gpu_price_per_hour is not None and self.tokens_per_second is not None:
            return self.gpu_price_per_hour / (3600 * self.tokens_per_second) * 1e6
        return self.cost_per_million_tokens or 0.0


class Role(_Model):
    role: Name
    function: Literal["rd", "sales", "ga", "ops"] = "rd"
    headcount: Annotated[float, Field(ge=0, le=1e4)]
    cost_per_head_month: Money
    start_month: Month = 0
    end_month: Month | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> Role:
        if self.end_month is not None and self.end_month <= self.start_month:
            raise ValueError(f"end_month ({self.end_month}) must be after start_month ({self.start_month})")
        return self


class OneOffCost(_Model):
    name: Name
    kind: Literal["training_run", "hardware", "data", "other"] = "training_run"
    month: Month
    cost: Money


class Opex(_Model):
    team: Annotated[list[Role], Field(max_length=50)] = []
    salary_growth_yearly: Annotated[float, Field(ge=0, le=0.5)] = 0
    one_off_costs: Annotated[list[OneOffCost], Field(max_length=50)] = []
    marketing_per_month: Money = 0
    general_admin_per_month: Money = 0
    other_per_month: Money = 0


class Round(_Model):
    name: Name
    month: Month
    amount: Money
    kind: Literal["equity", "debt", "grant"] = "equity"
    pre_money_valuation: Money | None = None
    interest_rate_yearly: Annotated[float, Field(ge=0, le=1)] = 0
    term_months: Annotated[int, Field(ge=1, le=MAX_MONTH)] | None = None

    @model_validator(mode="after")
    def _debt_terms_only_for_debt(self) -> Round:
        if self.kind != "debt" and (self.interest_rate_yearly or self.term_months):
            raise ValueError("interest_rate_yearly and term_months apply to debt rounds only")
        return self


# --- strategy inputs (the pillars' data the projection does not have) ----------

Rating = Annotated[int, Field(ge=1, le=5)]
"""A founder's 1-5 rating: 1 weak, 3 on par with competitors, 5 clearly the best."""
Weight = Annotated[float, Field(ge=0, le=10)]
PILLARS = ("technology", "business_model", "funds", "market", "data", "compliance")


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
    growth_yearly: Annotated[float, Field(ge=-0.5, le=5)] = 0.3
    competition: Rating = 3
    top_customer_share: Share = 0.2

    @model_validator(mode="after")
    def _nested_sizes(self) -> Market:
        sizes = [(n, v) for n, v in (("tam_yearly", self.tam_yearly), ("sam_yearly", self.sam_yearly),
                                     ("som_yearly", self.som_yearly)) if v is not None]
        for (outer, big), (inner, small) in itertools.pairwise(sizes):
            if small > big:
                raise ValueError(f"{inner} ({small:,.0f}) cannot exceed {outer} ({big:,.0f})")
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
    verticals: Annotated[list[Name], Field(max_length=20)] = []
    runway_target_months: Annotated[int, Field(ge=6, le=48)] = 18
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
        from .pillars import SPECS  # the factor catalogue lives with the scoring

        unknown = sorted(set(self.factor_weights) - set(SPECS))
        if unknown:
            raise ValueError(f"unknown factor {unknown[0]!r} in factor_weights (known: {', '.join(SPECS)})")
        return self


# --- risk inputs (Monte Carlo) ------------------------------------------------


Bound = Annotated[float, Field(ge=-1e13, le=1e13)]


class _Ranged(_Model):
    """A law with ``low <= high``."""

    low: Bound
    high: Bound

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low > self.high:
            raise ValueError(f"low ({self.low:g}) must not exceed high ({self.high:g})")
        return self


class Normal(_Model):
    """Normal with ``mean`` and standard deviation ``sd``, in the field's unit."""

    kind: Literal["normal"] = "normal"
    mean: Bound
    sd: Annotated[float, Field(ge=0, le=1e13)]


class LogNormal(_Model):
    """Lognormal with ``median`` (the field's unit) and ``sigma`` (of the log)."""

    kind: Literal["lognormal"] = "lognormal"
    median: Annotated[float, Field(gt=0, le=1e13)]
    sigma: Annotated[float, Field(ge=0, le=10)]


class Uniform(_Ranged):
    """Uniform between ``low`` and ``high``."""

    kind: Literal["uniform"] = "uniform"


class Range90(_Ranged):
    """``low`` and ``high`` are the 5th and 95th percentiles: lognormal when both are positive, else normal."""

    kind: Literal["range90"] = "range90"


class Triangular(_Ranged):
    """Triangular from ``low`` to ``high``, most likely ``mode``."""

    kind: Literal["triangular"] = "triangular"
    mode: Bound

    @model_validator(mode="after")
    def _mode_inside(self) -> Self:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"mode ({self.mode:g}) must lie between low and high")
        return self


Distribution = Annotated[Normal | LogNormal | Triangular | Uniform | Range90, Field(discriminator="kind")]
"""An uncertain number, in the unit of the field it replaces; ``kind`` says which law."""
DISTRIBUTION_KINDS = ("normal", "lognormal", "triangular", "uniform", "range90")


def triangular(low: float, mode: float, high: float) -> Triangular:
    return Triangular(low=low, mode=mode, high=high)


class RoundRisk(_Model):
    """A planned round in a winter: does it close, how late, at what haircut.

    A valuation haircut ``h`` raises ``(1 - h)`` times the planned amount (same dilution).
    """

    probability: Share = 0.8
    delay_months: Distribution = triangular(0, 2, 8)
    valuation_haircut: Distribution = triangular(0, 0.1, 0.4)


class Correlation(_Model):
    """Rank (Spearman) correlation between two uncertain inputs, by field path."""

    a: Annotated[str, Field(max_length=120)]
    b: Annotated[str, Field(max_length=120)]
    rank: Annotated[float, Field(ge=-0.99, le=0.99)]


class Risk(_Model):
    """Monte Carlo settings: the seed and path count make a shared scenario reproducible.

    ``inputs`` gives a distribution to any numeric field by path (it replaces the default
    one); ``default_inputs`` adds the defaults of :mod:`core.risk` (growth, churn, prices,
    inference cost and its decline, hiring delay); ``rounds`` overrides a round's risk by
    its name (rounds after month 0 get ``RoundRisk()`` otherwise); ``survival_month`` is
    the month the summary speaks of.
    """

    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 2026
    paths: Annotated[int, Field(ge=1000, le=100_000)] = 5000
    default_inputs: bool = True
    inputs: Annotated[dict[str, Distribution], Field(max_length=60)] = {}
    rounds: Annotated[dict[str, RoundRisk], Field(max_length=20)] = {}
    correlations: Annotated[list[Correlation], Field(max_length=30)] = []
    survival_month: Annotated[int, Field(ge=1, le=120)] = 18


class Settings(_Model):
    """Horizon, discount rate and where in its month a cash flow falls (for NPV).

    ``cash_flow_timing``: ``end`` (default; as spreadsheets and most finance texts: month
    ``t`` is discounted ``t + 1`` months) or ``start`` (month 0 undiscounted).
    """

    horizon_months: Annotated[int, Field(ge=12, le=120)] = 60
    discount_rate_yearly: Annotated[float, Field(ge=0, le=3)] = 0.5
    cash_flow_timing: Literal["end", "start"] = "end"


class Scenario(_Model):
    schema_version: Literal[1] = SCHEMA_VERSION
    company: Company
    settings: Settings = Settings()
    streams: Annotated[list[Stream], Field(max_length=20)] = []
    ai_costs: AICosts = AICosts()
    opex: Opex = Opex()
    funding: Annotated[list[Round], Field(max_length=20)] = []
    strategy: Strategy = Strategy()
    risk: Risk = Risk()

    @model_validator(mode="after")
    def _risk_refers_to_this_scenario(self) -> Scenario:
        names = {r.name for r in self.funding}
        if unknown := sorted(set(self.risk.rounds) - names):
            raise ValueError(f"risk.rounds: no funding round named {unknown[0]!r}")
        for path in self.risk.inputs:
            try:
                field_bounds(self, path)
            except KeyError:
                raise ValueError(f"risk.inputs: {path!r} is not a numeric field of this scenario") from None
        return self


def field_bounds(scenario: Scenario, path: str) -> tuple[float, float]:
    """The (low, high) bounds of the numeric field at ``path``; KeyError if there is none."""
    *parents, last = parse_path(path)
    node: Any = scenario
    try:
        for part in parents:
            node = node[part] if isinstance(part, int) else getattr(node, part)
        if isinstance(last, int):
            raise KeyError(path)
        info = type(node).model_fields[last]
        value = getattr(node, last)
    except (AttributeError, IndexError, KeyError, TypeError):
        raise KeyError(path) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise KeyError(path)
    low, high = -math.inf, math.inf
    for meta in _constraints(info):
        if (v := getattr(meta, "ge", None)) is not None:
            low = max(low, v)
        if (v := getattr(meta, "gt", None)) is not None:
            low = max(low, math.nextafter(v, math.inf))
        if (v := getattr(meta, "le", None)) is not None:
            high = min(high, v)
        if (v := getattr(meta, "lt", None)) is not None:
            high = min(high, math.nextafter(v, -math.inf))
    return low, high


def _constraints(info: object) -> list[object]:
    """Bound constraints of a field, including those inside ``Annotated[...] | None``."""
    found = list(getattr(info, "metadata", []))
    for arg in typing.get_args(getattr(info, "annotation", None)):
        found += [m for sub in typing.get_args(arg)[1:] for m in getattr(sub, "metadata", [sub])]
    return [m for m in found if any(hasattr(m, k) for k in ("ge", "gt", "le", "lt"))]


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


def _line(problem: Problem, lang: str) -> str:
    from .i18n import t  # the catalogue imports nothing from here; imported late to keep it optional

    key = f"error.{problem.code}"
    values = dict(problem.values)
    got = values.pop("got", None)
    try:
        text = t(key, lang, **values)
    except KeyError:  # a code or value the catalogue does not know: the validator's own words
        text = t("error.generic", lang, msg=values.get("msg", problem.code))
    shown = "" if got is None or isinstance(got, dict | list) else t("error.got", lang, value=repr(got))
    return f"{problem.path}: {text}{shown}"


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


def format_errors(error: ValidationError) -> list[str]:
    """One line per problem: ``streams[2].churn_monthly: Input should be ... (got 1.4)``."""
    lines = []
    for err in error.errors(include_url=False):
        msg = err["msg"].removeprefix("Value error, ")
        got = err.get("input")
        shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
        lines.append(f"{_field_path(err['loc'])}: {msg}{shown}")
    return lines


def problems_of(error: ValidationError) -> list[Problem]:
    """The same problems as :func:`format_errors`, as catalogue codes with their values."""
    out = []
    for err in error.errors(include_url=False):
        values: dict[str, object] = {k: v if isinstance(v, int | float | str) else str(v)
                                     for k, v in (err.get("ctx") or {}).items()}
        values |= {"msg": err["msg"].removeprefix("Value error, "), "got": err.get("input")}
        out.append(Problem(_field_path(err["loc"]), err["type"], values))
    return out


def parse_scenario(data: object) -> Scenario:
    """Validate plain data (a dict from YAML/JSON) into a Scenario, or raise ScenarioError."""
    if not isinstance(data, dict):
        raise ScenarioError.of(Problem("(file)", "not_mapping", {"kind": type(data).__name__}))
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_errors(exc), problems_of(exc)) from None


def loads_scenario(text: bytes | str, fmt: Literal["yaml", "json"] = "yaml") -> Scenario:
    """Parse scenario text (YAML or JSON, at most 1 MB)."""
    raw = text.encode() if isinstance(text, str) else text
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError.of(Problem("(file)", "too_large", {"size": len(raw), "limit": MAX_FILE_BYTES}))
    try:
        decoded = raw.decode("utf-8")
        if fmt == "yaml" and decoded.count("*") and sum(isinstance(e, yaml.AliasEvent) for e in yaml.parse(decoded)) > MAX_ALIASES:
            raise ScenarioError.of(Problem("(file)", "alias_bomb", {"limit": MAX_ALIASES}))
        data = json.loads(decoded) if fmt == "json" else yaml.safe_load(decoded)
    except UnicodeDecodeError:
        raise ScenarioError.of(Problem("(file)", "not_utf8", {})) from None
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ScenarioError.of(Problem("(file)", "not_valid", {"format": fmt.upper(), "detail": str(exc).splitlines()[0]})) from None
    except RecursionError:
        raise ScenarioError.of(Problem("(file)", "nested", {})) from None
    return parse_scenario(data)


def load_scenario(path: str | Path) -> Scenario:
    """Read a ``.yaml``/``.yml``/``.json`` scenario file."""
    path = Path(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ScenarioError.of(Problem("(file)", "too_large", {"size": path.stat().st_size, "limit": MAX_FILE_BYTES}))
    return loads_scenario(path.read_bytes(), "json" if path.suffix.lower() == ".json" else "yaml")


def parse_path(path: str) -> list[str | int]:
    """A field path's parts, the one parser of paths (edits, bounds, exports, labels).

    >>> parse_path("streams[0].churn_monthly")
    ['streams', 0, 'churn_monthly']
    """
    parts: list[str | int] = []
    for name in path.split("."):
        match = re.fullmatch(r"([a-z_]+)((?:\[\d+\])*)", name)
        if match is None:
            raise KeyError(path)
        parts += [match[1], *(int(i) for i in re.findall(r"\d+", match[2]))]
    return parts


def replace_fields(scenario: Scenario, updates: Mapping[str, object]) -> Scenario:
    """The one way to change a scenario: a validated copy with fields replaced by path.

    ``updates`` maps field paths to new values, applied in order, e.g.
    ``{"strategy.model_quality": 4, "streams[1].price_per_unit": 12}``; an index one past
    the end of a list appends (``opex.team[3]`` on a team of three adds a role). Levers,
    the pricing lab's "apply", tiers, pillar moves and page inputs all edit through here.

    Raises ScenarioError (every problem with its field path) when the result is invalid,
    KeyError when a path does not lead to a field's parent.

    >>> s = parse_scenario({"company": {"name": "Acme", "starting_cash": 1000}})
    >>> replace_fields(s, {"company.starting_cash": 5000}).company.starting_cash
    5000.0
    """
    data = scenario.model_dump()
    for path, value in updates.items():
        *parents, last = parse_path(path)
        node: Any = data
        try:
            for part in parents:
                node = node[part]
        except (IndexError, KeyError, TypeError):
            raise KeyError(path) from None
        if isinstance(node, list) and isinstance(last, int) and last <= len(node):
            node[last:last + 1] = [value]
        elif isinstance(node, dict) and isinstance(last, str):
            node[last] = value
        else:
            raise KeyError(path)
    return parse_scenario(data)


def dumps_scenario(scenario: Scenario, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """Serialise so that ``loads_scenario(dumps_scenario(s, f), f) == s``."""
    data = scenario.model_dump(mode="json", exclude_defaults=False)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
