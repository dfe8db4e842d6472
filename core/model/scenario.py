"""The scenario: everything a founder types in, validated and immutable.

Conventions
-----------
- Money is a float in the scenario's single currency (``company.currency``).
- Months are the clock: month 0 is the month of ``company.start_date``.
- Rates say their period in their name: ``*_monthly`` compounds every month,
  ``*_yearly`` every year (the engine converts yearly rates once, in
  :mod:`core.engine.projection`). Rates and shares are decimals (0.05 = 5 %), never percentages.
- Every number is finite and bounded; unknown fields are refused.

Files are YAML (parsed with ``yaml.safe_load`` only) or JSON, at most 1 MB.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from core.model.base import COUNT, KEPT, MAX_MONTH, MONEY, PERCENT, SCHEMA_VERSION, DeclineYearly, Money, Name, PlanMonth, _Model
from core.model.paths import field_bounds
from core.model.strategy import Strategy
from core.model.streams import Stream
from core.model.uncertainty import Risk


class Company(_Model):
    """The company today. ``receivables`` and ``payables`` (gross of VAT, money) are those at the start as the books
    report them; None: what the payment terms and any re-forecast history leave (:mod:`core.engine.books`). A
    difference from that is collected (or paid) in month 0."""

    name: Name
    vertical: Annotated[str, Field(max_length=80)] = ""
    stage: Literal["pre-seed", "seed", "series-a", "series-b", "growth"] = "seed"
    currency: Literal["CNY", "USD", "EUR"] = "USD"
    start_date: date = date(2026, 1, 1)
    starting_cash: Money
    receivables: Money | None = None
    payables: Money | None = None
    founder_shares: Annotated[float, Field(gt=0, le=1e12), COUNT] = 10_000_000
    option_pool_shares: Annotated[float, Field(ge=0, le=1e12), COUNT] = 0


# --- costs -----------------------------------------------------------------


class AICosts(_Model):
    """Cost of revenue. Inference is priced per 1M tokens, given directly or from a GPU.

    From a GPU: cost per 1M tokens = gpu_price_per_hour / (3600 * tokens_per_second) * 1e6.
    The bills (inference, hosting, support, delivery) are paid ``payment_days`` after their month; inference and
    hosting (GPU and cloud) carry input VAT at ``vat_rate``.
    """

    cost_per_million_tokens: Annotated[float, Field(ge=0, le=1e6), MONEY] | None = None
    gpu_price_per_hour: Annotated[float, Field(ge=0, le=1e5), MONEY] | None = None
    tokens_per_second: Annotated[float, Field(gt=0, le=1e7)] | None = None
    cost_decline_yearly: DeclineYearly = 0
    hosting_per_month: Money = 0
    support_share_of_revenue: Annotated[float, Field(ge=0, le=0.5), PERCENT] = 0
    payment_days: Annotated[int, Field(ge=0, le=365)] = 0
    vat_rate: Annotated[float, Field(ge=0, le=0.25), PERCENT] = 0

    @model_validator(mode="after")
    def _one_inference_price(self) -> AICosts:
        gpu = self.gpu_price_per_hour is not None or self.tokens_per_second is not None
        if gpu and self.cost_per_million_tokens is not None:
            raise PydanticCustomError("inference_both",
                                      "give cost_per_million_tokens or gpu_price_per_hour with tokens_per_second, not both")
        if gpu and (self.gpu_price_per_hour is None or self.tokens_per_second is None):
            raise PydanticCustomError("inference_gpu", "gpu_price_per_hour and tokens_per_second go together")
        return self

    @property
    def million_token_cost(self) -> float:
        """Inference cost per 1M tokens at month 0, in the scenario currency."""
        if self.gpu_price_per_hour is not None and self.tokens_per_second is not None:
            return self.gpu_price_per_hour / (3600 * self.tokens_per_second) * 1e6
        return self.cost_per_million_tokens or 0.0


RAMP_PRODUCTIVITY = 0.5
"""A replacement's productivity during its ``ramp_months`` (share of a full head): an assumption, not a field."""


class Role(_Model):
    """A role on the team: ``headcount`` people at ``cost_per_head_month`` from ``start_month`` until before ``end_month``.

    Talent (all 0 by default, which leaves the projection as without them):

    - ``attrition_monthly``: the share of the role's heads leaving each month (0-0.5); a leaver is replaced at
      once, so headcount and payroll stay as planned.
    - ``replacement_cost``: money per leaver (recruiting fee, interviews, onboarding), paid in the month of leaving.
    - ``ramp_months``: whole months (0-12) a replacement works at :data:`RAMP_PRODUCTIVITY` (50 %) of a full head.
    - ``option_grant_shares``: options granted per head from the option pool, when the role starts (a leaver's
      unvested options fund the replacement's grant, so attrition grants nothing more).
    """

    role: Name
    function: Literal["rd", "sales", "ga", "ops"] = "rd"
    headcount: Annotated[float, Field(ge=0, le=1e4)]
    cost_per_head_month: Money
    start_month: PlanMonth = 0
    end_month: PlanMonth | None = None
    attrition_monthly: Annotated[float, Field(ge=0, le=0.5), PERCENT] = 0
    replacement_cost: Money = 0
    ramp_months: Annotated[int, Field(ge=0, le=12)] = 0
    option_grant_shares: Annotated[float, Field(ge=0, le=1e9), COUNT] = 0

    @model_validator(mode="after")
    def _ends_after_start(self) -> Role:
        if self.end_month is not None and self.end_month <= self.start_month:
            raise PydanticCustomError("role_end", "end_month ({end}) must be after start_month ({start})",
                                      {"end": self.end_month, "start": self.start_month})
        return self


class OneOffCost(_Model):
    name: Name
    kind: Literal["training_run", "hardware", "data", "other"] = "training_run"
    month: PlanMonth
    cost: Money
    instalments: Annotated[int, Field(ge=1, le=36)] = 1
    vat_rate: Annotated[float, Field(ge=0, le=0.25), PERCENT] = 0


class Opex(_Model):
    """Operating costs beside the team: marketing, G&A and other (money per month), paid ``payment_days`` after
    their month with input VAT at ``vat_rate`` (as recruiting, grant matching and acquisition spend are; payroll
    is paid in its month). A one-off cost is an expense of its month, paid in ``instalments`` equal monthly parts
    from that month, with its own input VAT (hardware: 13 % in China)."""

    team: Annotated[list[Role], Field(max_length=50)] = []
    salary_growth_yearly: Annotated[float, Field(ge=0, le=0.5), PERCENT] = 0
    one_off_costs: Annotated[list[OneOffCost], Field(max_length=50)] = []
    marketing_per_month: Money = 0
    general_admin_per_month: Money = 0
    other_per_month: Money = 0
    payment_days: Annotated[int, Field(ge=0, le=365)] = 0
    vat_rate: Annotated[float, Field(ge=0, le=0.25), PERCENT] = 0


class Round(_Model):
    """Money in: a priced equity round (``pre_money_valuation`` sets its price per share), a SAFE or a convertible
    note (converting at the next priced round at the lower of its cap price and the round's price less its
    discount; a note's amount accrues simple interest until then), a loan (``debt``) or a grant.

    Equity terms: ``pool_target`` is the option pool as a share of the post-money fully diluted shares, topped up
    before the money (``pool_timing`` ``pre``: only the existing holders are diluted) or after it (``post``);
    ``anti_dilution`` protects this round's investors in a later down round (``broad``: broad-based weighted
    average, ``full``: full ratchet); ``liquidation_multiple`` × the money is paid first at an exit, then
    ``participating`` investors also share in the rest, up to ``participation_cap`` × their money in all (then they
    convert when that pays more); a ``senior`` round's preference is paid before every earlier round's (else pari
    passu with the most senior so far). SAFE and note holders get the terms of the round they convert into.

    SAFE and note terms: ``cap_basis`` ``post``: the cap is the post-money valuation, so the SAFE owns amount ÷ cap of
    the company just before the priced round's new money (YC's post-money SAFE); ``pre``: the cap over the shares
    before the round (None: post for a SAFE, pre for a note). An ``mfn`` SAFE takes the best terms of any later
    SAFE or note before the same priced round. ``pro_rata``: the round's investors keep their share in each later
    priced round, within its amount. ``redemption_years``: from then the investors may demand their money back
    with ``redemption_rate_yearly`` simple interest a year (回购权).

    Policy money and partners: a grant is paid in ``tranches`` equal parts, one every ``tranche_every_months``
    from its month, and may require ``matching_share`` × its amount of the company's own spend, spread evenly over
    the months it pays for (``tranches`` × ``tranche_every_months``). A loan repays its principal at the end of its
    term (``bullet``), in equal principal parts (``amortising``: falling payments) or in level payments
    (``annuity``: ``numpy_financial.pmt``), after ``grace_months`` of interest only; a subsidised loan is one at
    its low rate. A strategic investor's round (equity, SAFE or note) can bring
    ``partner_revenue_per_month`` from its month for ``partner_months`` (None: to the horizon) if the round
    closes, shown as a revenue stream; ``exclusivity`` notes what the partner gets in return.
    """

    name: Name
    kind: Literal["equity", "safe", "note", "debt", "grant"] = "equity"
    month: PlanMonth
    amount: Money
    pre_money_valuation: Money | None = None
    valuation_cap: Money | None = None
    discount: Annotated[float, Field(ge=0, le=0.9), PERCENT] = 0
    interest_rate_yearly: Annotated[float, Field(ge=0, le=1), PERCENT] = 0
    term_months: Annotated[int, Field(ge=1, le=MAX_MONTH)] | None = None
    repayment: Literal["bullet", "amortising", "annuity"] = "bullet"
    grace_months: Annotated[int, Field(ge=0, le=MAX_MONTH)] = 0
    tranches: Annotated[int, Field(ge=1, le=24)] = 1
    tranche_every_months: Annotated[int, Field(ge=1, le=60)] = 12
    matching_share: Annotated[float, Field(ge=0, le=5), PERCENT] = 0
    partner_revenue_per_month: Money = 0
    partner_months: Annotated[int, Field(ge=1, le=MAX_MONTH)] | None = None
    exclusivity: Annotated[str, Field(max_length=200)] = ""
    pool_target: Annotated[float, Field(ge=0, le=0.5), PERCENT] = 0
    pool_timing: Literal["pre", "post"] = "pre"
    anti_dilution: Literal["none", "broad", "full"] = "none"
    liquidation_multiple: Annotated[float, Field(ge=0, le=5)] = 1
    participating: bool = False
    participation_cap: Annotated[float, Field(ge=1, le=10)] | None = None
    seniority: Literal["pari_passu", "senior"] = "pari_passu"
    cap_basis: Literal["post", "pre"] | None = None
    mfn: bool = False
    pro_rata: bool = False
    redemption_years: Annotated[int, Field(ge=1, le=15)] | None = None
    redemption_rate_yearly: Annotated[float, Field(ge=0, le=0.5), PERCENT] = 0

    @property
    def post_money_cap(self) -> bool:
        """Whether the cap is a post-money valuation: ``cap_basis``, else the instrument's convention (a SAFE's
        post-money since 2018, a note's pre-money)."""
        return self.cap_basis == "post" if self.cap_basis is not None else self.kind == "safe"

    @model_validator(mode="after")
    def _terms_of_its_kind(self) -> Round:
        kind = self.kind
        for code, wrong, message in (
            ("round_interest", kind not in ("debt", "note") and self.interest_rate_yearly,
             "interest_rate_yearly applies to debt and convertible notes only"),
            ("round_term", kind != "debt" and self.term_months, "term_months applies to debt rounds only"),
            ("round_cap", kind not in ("safe", "note") and (self.valuation_cap is not None or self.discount),
             "valuation_cap and discount apply to SAFEs and convertible notes only"),
            ("round_priced", kind != "equity" and (self.pre_money_valuation is not None or self.pool_target),
             "pre_money_valuation and pool_target apply to equity rounds only"),
            ("round_safe_terms", kind not in ("safe", "note") and (self.cap_basis is not None or self.mfn),
             "cap_basis and mfn apply to SAFEs and convertible notes only"),
            ("round_post_cap", self.post_money_cap and self.valuation_cap is not None
             and self.valuation_cap <= self.amount, "a post-money valuation_cap must exceed the amount"),
            ("round_participation", self.participation_cap is not None and not self.participating,
             "participation_cap needs participating"),
            ("round_investor_terms", kind in ("debt", "grant") and (self.pro_rata or self.redemption_years
                                                                   or self.seniority != "pari_passu"),
             "pro_rata, redemption_years and seniority apply to investors' rounds only"),
            ("round_redemption", self.redemption_rate_yearly and self.redemption_years is None,
             "redemption_rate_yearly needs redemption_years"),
            ("round_tranches", kind != "grant" and (self.tranches > 1 or self.matching_share),
             "tranches and matching_share apply to grants only"),
            ("round_repayment", kind != "debt" and (self.repayment != "bullet" or self.grace_months),
             "repayment and grace_months apply to debt rounds only"),
            ("round_amortising_term", self.repayment != "bullet" and self.term_months is None,
             "an amortising loan needs term_months"),
            ("round_grace", self.grace_months and (self.repayment == "bullet" or self.grace_months >= (self.term_months or 0)),
             "grace_months needs an amortising loan and must be shorter than term_months"),
            ("round_partner", kind in ("debt", "grant") and (self.partner_revenue_per_month or self.partner_months
                                                             or self.exclusivity),
             "partner_revenue_per_month, partner_months and exclusivity apply to investors' rounds only"),
        ):
            if wrong:  # a catalogue code (error.<code>), so the editor names the columns in the reader's language
                raise PydanticCustomError(code, message, {"grace": self.grace_months, "term": self.term_months or 0})
        return self


class Tax(_Model):
    """Profit tax and R&D incentives.

    Taxable profit = EBITDA − loan interest − ``rd_super_deduction`` × R&D spend, where R&D spend is the R&D team's
    payroll plus training runs and data purchases. ``rd_credit_rate`` × R&D spend comes back as a cash credit every
    month (a refundable credit). ``rule`` says how the tax is filed:

    - ``simple``: month by month, paid in the month; with ``carry_forward_losses``, losses (from
      ``opening_tax_losses`` on) offset later profits without expiry; tax = ``profit_tax_rate`` × what remains.
    - ``china`` (enterprise income tax): on the calendar year, prepaid in the month after each quarter on the
      year-to-date profit, settled the following May; a year's loss offsets the next ``loss_years`` years' profit
      (5; 10 for high-tech enterprises and technology SMEs), oldest first, then expires; a
      ``small_low_profit`` enterprise pays 5 % while the year's taxable income stays within 3,000,000 and the team
      within 300 (above it the whole year pays ``profit_tax_rate``).
    - ``us`` (C corporation): on the calendar year, estimates paid in April, June, September and December on the
      year-to-date profit, settled the following April; losses never expire but offset at most 80 % of a year's
      taxable income.

    The yearly rules always carry losses forward (``opening_tax_losses`` count as last year's) and start their
    first tax year at the start month. Rates differ by country and change: check the current rules (China: 25 %,
    15 % for a high-tech enterprise and an R&D super-deduction of 100 % in 2024; US federal 21 %, as examples only).
    """

    profit_tax_rate: Annotated[float, Field(ge=0, le=0.6), PERCENT] = 0
    rd_super_deduction: Annotated[float, Field(ge=0, le=2), PERCENT] = 0
    rd_credit_rate: Annotated[float, Field(ge=0, le=0.5), PERCENT] = 0
    opening_tax_losses: Money = 0
    carry_forward_losses: bool = True
    rule: Literal["simple", "china", "us"] = "simple"
    loss_years: Annotated[int, Field(ge=1, le=20)] = 5
    small_low_profit: bool = False


class Vat(_Model):
    """Value-added tax: output VAT on what is billed (each stream's ``vat_rate``) less input VAT on costs that
    carry it (GPU and cloud, operating costs, one-offs), paid in the month after each ``filing`` period
    (``monthly`` or ``quarterly``); a period's excess input VAT is carried forward as a credit. A
    ``small_scale`` taxpayer (China: 1 % or 3 % of sales) credits no input VAT: enter its costs as paid.
    ``surcharge_rate`` × VAT paid is paid with it (China's urban construction and education surcharges: about
    12 %), an expense. Revenue and costs stay net of VAT in the P&L; cash moves gross.
    """

    filing: Literal["monthly", "quarterly"] = "monthly"
    small_scale: bool = False
    surcharge_rate: Annotated[float, Field(ge=0, le=0.2), PERCENT] = 0


class Settings(_Model):
    """Horizon, discount rate and where in its month a cash flow falls (for NPV).

    ``cash_flow_timing``: ``end`` (default; as spreadsheets and most finance texts: month
    ``t`` is discounted ``t + 1`` months) or ``start`` (month 0 undiscounted).
    ``capital_return_note``: the Overview explains why seed essay 002's "100 % annualised return" is
    wrong and gives the scenario's correct figures (the seed-002 preset sets it; any scenario may).
    ``terms_before_start``: the payment days and VAT were already in place before month 0 (the company starts with
    the receivables, payables and VAT they leave at month 0's rate); off, they are new from month 0 and nothing is
    owed at the start (annual plans and deposits run as before either way).
    ``history_months``: the plan already ran this many months before the start (a re-forecast restarted from its last
    actual month): the engine projects them too, so what they leave owed (receivables, payables, VAT, tax and its
    losses, loans, grant tranches, partners, customers on trial, salary anniversaries) carries into the start, and
    shows the months from the start, from ``company.starting_cash``. Streams and costs are as at the first of those
    months; rounds, roles and one-offs may fall in them (negative months).
    """

    horizon_months: Annotated[int, Field(ge=12, le=120)] = 60
    discount_rate_yearly: Annotated[float, Field(ge=0, le=3), PERCENT] = 0.5
    cash_flow_timing: Literal["end", "start"] = "end"
    capital_return_note: bool = False
    terms_before_start: bool = True
    history_months: Annotated[int, Field(ge=0, le=MAX_MONTH), KEPT] = 0


class Scenario(_Model):
    """Everything a founder types in. A file before ``schema_version`` 2 (or without one) reads its SAFEs' caps as
    pre-money, as they were written; a new SAFE's cap is post-money."""

    schema_version: Literal[2] = SCHEMA_VERSION
    company: Company
    settings: Settings = Settings()
    streams: Annotated[list[Stream], Field(max_length=20)] = []
    ai_costs: AICosts = AICosts()
    opex: Opex = Opex()
    funding: Annotated[list[Round], Field(max_length=20)] = []
    tax: Tax = Tax()
    vat: Vat = Vat()
    strategy: Strategy = Strategy()
    risk: Risk = Risk()

    @model_validator(mode="before")
    @classmethod
    def _from_version_1(cls, data: object) -> object:
        """Version 1 (or none given): every SAFE's cap was pre-money; say so, so it still is."""
        if not isinstance(data, dict) or data.get("schema_version", 1) != 1:
            return data
        funding = data.get("funding")
        if isinstance(funding, list):
            funding = [{**r, "cap_basis": "pre"} if isinstance(r, dict) and r.get("kind") == "safe"
                       and "cap_basis" not in r else r for r in funding]
        return {**data, "schema_version": SCHEMA_VERSION, **({"funding": funding} if "funding" in data else {})}

    @model_validator(mode="after")
    def _within_the_calendar(self) -> Scenario:
        """The months projected (the history, the horizon and up to 24 months the bills read ahead) must be dates."""
        start = self.company.start_date
        first = start.year * 12 + start.month - 1 - self.settings.history_months
        last = start.year * 12 + start.month - 1 + self.settings.horizon_months + 24
        if first < 12 or last >= 10_000 * 12:  # year 1 to year 9999
            raise PydanticCustomError("calendar", "company.start_date: the plan's months run past the calendar "
                                      "(from {start}, {months} months)", {"start": start.isoformat(),
                                                                          "months": self.settings.horizon_months})
        return self

    @model_validator(mode="after")
    def _months_within_history(self) -> Scenario:
        first = -self.settings.history_months
        items = [("funding", r.month) for r in self.funding] + [("opex.one_off_costs", c.month)
                                                                 for c in self.opex.one_off_costs]
        items += [("opex.team", m) for r in self.opex.team for m in (r.start_month, r.end_month) if m is not None]
        for where, month in items:
            if month < first:
                raise PydanticCustomError("before_history", "{where}: month {month} is before the plan's first month "
                                          "({first}; months before the start are those of settings.history_months)",
                                          {"where": where, "month": month, "first": first})
        return self

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
