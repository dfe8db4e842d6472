"""Revenue streams: one class per kind, each stating its roles (volume, growth, price, unit) once."""

from __future__ import annotations

import math
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from core.model.base import COUNT, MONEY, PERCENT, Count, DeclineYearly, GrowthMonthly, MillionTokens, Money, Name, Share, _Model

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
    choke_price: Annotated[float, Field(gt=0, le=1e13), MONEY] | None = None
    median_wtp: Annotated[float, Field(gt=0, le=1e13), MONEY] | None = None
    wtp_sigma: Annotated[float, Field(ge=0.05, le=3)] = 0.8
    reference_price: Annotated[float, Field(gt=0, le=1e13), MONEY] | None = None

    @model_validator(mode="after")
    def _parameters_of_its_model(self) -> Demand:
        if self.model == "linear" and self.choke_price is None:
            raise PydanticCustomError("demand_choke", "a linear demand needs choke_price (the price at which nobody buys)")
        if self.model == "wtp" and self.median_wtp is None:
            raise PydanticCustomError("demand_median", "a wtp demand needs median_wtp")
        return self


class _Stream(_Model):
    """A revenue stream. Each kind states its roles once, as class variables:

    ``VOLUME``: the field counting what sells today; ``GROWTH``: its monthly growth rate;
    ``PRICE``: the price the company sets (None when the market sets it); ``PRICES``: the
    fields a price change scales (the price, or the market's rate); ``UNIT``: what one unit
    is (a ``pricing.unit.*`` locale key); ``RECURRING``: counts in MRR/ARR; ``TERMS``: the
    engine's factors by role (see :mod:`core.engine.projection`).

    Billing and collection (the defaults change nothing: billed and paid in the month earned, no VAT):
    ``billing`` ``monthly`` bills each month's revenue, ``annual`` a twelfth of the customers twelve months ahead
    each month (deferred revenue); of either, the ``upfront_share`` is billed ``upfront_months`` ahead instead (a
    project's deposit at signing). Customers pay ``payment_days`` after the bill, gross of ``vat_rate`` (output VAT);
    ``bad_debt_share`` of what falls due is never paid and written off.
    """

    name: Name
    billing: Literal["monthly", "annual"] = "monthly"
    payment_days: Annotated[int, Field(ge=0, le=365)] = 0
    bad_debt_share: Annotated[float, Field(ge=0, le=0.5), PERCENT] = 0
    upfront_share: Share = 0
    upfront_months: Annotated[int, Field(ge=0, le=24)] = 0
    vat_rate: Annotated[float, Field(ge=0, le=0.25), PERCENT] = 0
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
        if reference <= 0:  # catalogue codes (error.demand_*), so a page says it in the reader's words
            raise PydanticCustomError("demand_reference", f"demand needs a positive reference price ({self.PRICE} is 0)")
        if demand.model == "linear" and demand.choke_price <= reference:
            raise PydanticCustomError("demand_choke_low", "demand.choke_price ({choke}) must be above the reference price ({reference})",
                                      {"choke": f"{demand.choke_price:g}", "reference": f"{reference:g}"})
        if demand.model == "wtp" and reference > demand.median_wtp * math.exp(8 * demand.wtp_sigma):
            raise PydanticCustomError("demand_nobody", "demand: almost nobody would pay the reference price; raise median_wtp")
        return self


TRIAL_MONTH_DAYS = 30
"""Days in a month of trial: a 30-day trial is a month's, a 14-day one 14/30 of a month."""


class Trial(_Model):
    """Free trial before paying: sign-ups try the product for ``days``, then the share ``conversion`` pays.

    A file that gives the trial in ``months`` (as before, or 0.5) is read as 30 days a month.
    """

    days: Annotated[int, Field(ge=0, le=365)] = TRIAL_MONTH_DAYS  # a month, as a trial without its length always was
    conversion: Share = 0.2

    @model_validator(mode="before")
    @classmethod
    def _months_in_days(cls, data: object) -> object:
        if isinstance(data, dict) and "months" in data and "days" not in data:
            months = data["months"]
            days = round(TRIAL_MONTH_DAYS * months) if isinstance(months, int | float) and math.isfinite(months) else months
            return {**{k: v for k, v in data.items() if k != "months"}, "days": days}
        return data

    @property
    def lag(self) -> tuple[int, float]:
        """The trial in months: whole months and the fraction of one more (14 days: ``(0, 0.467)``)."""
        whole, part = divmod(self.days / TRIAL_MONTH_DAYS, 1)
        return int(whole), part


class SubscriptionStream(_Stream):
    """Seats or accounts billed monthly (enterprise or premium tiers)."""

    kind: Literal["subscription"] = "subscription"
    starting_customers: Count = 0
    new_customers_per_month: Count = 0
    new_customer_growth_monthly: GrowthMonthly = 0
    churn_monthly: Annotated[float, Field(ge=0, le=0.9), PERCENT] = 0.03
    price_per_month: Money
    expansion_monthly: Annotated[float, Field(ge=-0.1, le=0.1), PERCENT] = 0
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
    deals_per_quarter: Annotated[float, Field(ge=0, le=1e5), COUNT]
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

Stream = Annotated[
    SubscriptionStream
    | UsageStream
    | ProjectStream
    | DataStream
    | AdvertisingStream
    | ProductSalesStream,
    Field(discriminator="kind"),
]
STREAM_KINDS = tuple(c.model_fields["kind"].default for c in STREAM_CLASSES)
_BY_KIND = dict(zip(STREAM_KINDS, STREAM_CLASSES, strict=True))


def stream_class(kind: str) -> type[_Stream]:
    """The stream class of ``kind`` (KeyError for an unknown kind)."""
    return _BY_KIND[kind]
