"""Cap-table arithmetic against hand-computed cases and a public worked example, and the properties that must
always hold (ownership sums to 100 %, conversions move no cash, the waterfall pays out the exit exactly)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.analysis.captable import (
    FOUNDERS,
    POOL,
    Grant,
    cap_table,
    founders_after,
    next_round_guess,
    ownership,
    pool_use,
    stack_preview,
    waterfall,
)
from core.analysis.financing import compare, default_terms, options
from core.analysis.metrics import summarize
from core.engine.projection import project
from core.model import ScenarioError, load_scenario, replace_fields
from core.model.presets import load_preset

SEED = load_scenario("sample_data/seed002_nlp_project.yaml")
WINTER = load_scenario("sample_data/capital_winter_round_slips.yaml")


def company(rounds, founders=10e6, pool=0.0):
    return replace_fields(SEED, {"funding": rounds, "company.founder_shares": founders, "company.option_pool_shares": pool})


def seed_round(**terms):
    return {"name": "Seed", "month": 1, "amount": 2e6, "pre_money_valuation": 8e6, **terms}


def test_a_seed_round_with_the_pool_topped_up_before_the_money():
    """$2M at $8M pre with a 10 % post-money pool, founders 8M shares: post-money $10M, investors 20 %, pool 10 %,
    founders 70 % → 8M / 0.7 = 11.43M shares, $0.875 a share, 2.29M new shares, 1.14M pool shares."""
    step = cap_table(company([seed_round(pool_target=0.1)], founders=8e6)).steps[0]
    assert step.price == pytest.approx(0.875) and step.new_shares == pytest.approx(2e6 / 0.875)
    assert step.pool_added == pytest.approx(8e6 / 0.7 * 0.1)
    assert step.ownership() == pytest.approx({FOUNDERS: 0.7, POOL: 0.1, "Seed": 0.2})


def test_the_pool_topped_up_after_the_money_dilutes_the_new_investors_too():
    """Same round, pool after: $0.80 a share (8M / 10M... founders' 8M shares at $8M), 2.5M new shares, then the
    pool is 10 % of 11.11M: founders 72 %, seed 22.5 %, pool 10 %."""
    step = cap_table(company([seed_round(pool_target=0.1, pool_timing="post")], founders=8e6)).steps[0]
    assert step.price == pytest.approx(1.0) and step.new_shares == pytest.approx(2e6)
    assert step.ownership() == pytest.approx({FOUNDERS: 0.72, POOL: 0.1, "Seed": 0.18})


TEAM = [{"role": "Engineers", "headcount": 2, "cost_per_head_month": 1, "option_grant_shares": 100_000},
        {"role": "Sales", "function": "sales", "headcount": 3, "cost_per_head_month": 1, "start_month": 1,
         "option_grant_shares": 50_000},
        {"role": "Later", "headcount": 1, "cost_per_head_month": 1, "start_month": 100, "option_grant_shares": 1e6}]


def test_option_grants_come_from_the_pool_and_a_shortfall_names_its_month():
    """300k options in the pool; 2 engineers x 100k at month 0 (200k), 3 sales x 50k at month 1 (350k by then); a
    role starting after the horizon grants nothing. A seed round in month 1 tops the pool up to 10 % of
    8M / 0.7 = 11.43M shares (1.14M): enough. Without it the pool is 50k short from month 1."""
    with_seed = replace_fields(company([seed_round(pool_target=0.1)], founders=8e6, pool=300_000), {"opex.team": TEAM})
    use = pool_use(with_seed)
    assert use.grants == (Grant("Engineers", 0, 200_000), Grant("Sales", 1, 150_000))
    assert use.granted == pytest.approx(350_000) and use.pool == pytest.approx(8e6 / 0.7 * 0.1)
    assert use.unallocated == pytest.approx(8e6 / 0.7 * 0.1 - 350_000) and use.short is None
    no_round = replace_fields(with_seed, {"funding": []})
    short = pool_use(no_round)
    assert short.pool == 300_000 and short.unallocated == pytest.approx(-50_000)
    assert short.short == (1, pytest.approx(350_000), 300_000)
    late_round = replace_fields(with_seed, {"funding[0].month": 2})
    assert pool_use(late_round).short == (1, pytest.approx(350_000), 300_000)     # topped up too late
    assert pool_use(late_round).unallocated > 0
    assert pool_use(SEED).grants == () and pool_use(SEED).short is None


SAFE = {"name": "SAFE", "month": 1, "amount": 1e6, "kind": "safe", "cap_basis": "pre"}
SERIES_A = {"name": "A", "month": 6, "amount": 4e6, "pre_money_valuation": 12e6}


def test_a_safe_converts_at_its_cap():
    """$1M SAFE capped at $5M, founders 10M shares: cap price $0.50 → 2M shares; the A at $12M pre then prices
    12M / (10M + 2M) = $1.00 and sells 4M shares: founders 62.5 %, SAFE 12.5 %, A 25 %."""
    step = cap_table(company([{**SAFE, "valuation_cap": 5e6}, SERIES_A])).steps[0]
    (c,) = step.conversions
    assert (c.by, c.price, c.shares) == ("cap", pytest.approx(0.5), pytest.approx(2e6))
    assert step.price == pytest.approx(1.0)
    assert step.ownership() == pytest.approx({FOUNDERS: 0.625, "SAFE": 0.125, "A": 0.25})


def test_a_safe_converts_at_its_discount():
    """$1M SAFE at a 20 % discount, no cap: p (10M + 1M / 0.8p) = 12M → 10M p = 10.75M, p = $1.075; the SAFE
    converts at $0.86 into 1.163M shares, the A buys 3.721M."""
    step = cap_table(company([{**SAFE, "discount": 0.2}, SERIES_A])).steps[0]
    (c,) = step.conversions
    assert step.price == pytest.approx(1.075) and c.by == "discount" and c.price == pytest.approx(0.86)
    assert c.shares == pytest.approx(1e6 / 0.86) and step.new_shares == pytest.approx(4e6 / 1.075)


def test_a_note_converts_with_its_interest_and_a_bridge_without_a_round_stays_unconverted():
    """A $1M note at 8 % from month 1 converting in month 7: $1.04M at the cap price $0.50 = 2.08M shares."""
    note = {"name": "Note", "month": 1, "amount": 1e6, "kind": "note", "valuation_cap": 5e6, "interest_rate_yearly": 0.08}
    (c,) = cap_table(company([note, {**SERIES_A, "month": 7}])).steps[0].conversions
    assert c.amount == pytest.approx(1.04e6) and c.shares == pytest.approx(2.08e6)
    alone = cap_table(company([note]))  # outstanding at the horizon, month 36: 35 months' interest, as converted at $0.50
    owed = 1e6 * (1 + 0.08 * 35 / 12)
    assert alone.steps == () and [(h.key, h.invested) for h in alone.stack] == [("Note", pytest.approx(owed))]
    assert ownership(alone.holders) == pytest.approx({FOUNDERS: 10e6 / (10e6 + owed / 0.5), "Note": owed / 0.5 / (10e6 + owed / 0.5)})


DOWN = {"name": "A", "month": 12, "amount": 2e6, "pre_money_valuation": 5e6}


@pytest.mark.parametrize(("protection", "seed_extra", "founders"), [
    ("full", 2e6, 0.5),                     # the seed re-priced from $1.00 to $0.50: 2M more shares, 8M / 16M
    ("broad", 2e6 * (14 / 12 - 1), 8 / (14 + 1 / 3)),  # CP2 = 1 × (10M + 2M) / (10M + 4M) = 0.857
    ("none", 0.0, 8 / 14),
])
def test_a_down_round_with_anti_dilution(protection, seed_extra, founders):
    """Seed $2M at $8M pre (founders 8M shares: $1.00), then an A of $2M at $5M pre: $0.50 a share, 4M new."""
    table = cap_table(company([seed_round(anti_dilution=protection), DOWN], founders=8e6))
    step = table.steps[1]
    assert step.down and step.price == pytest.approx(0.5) and step.new_shares == pytest.approx(4e6)
    assert step.anti_dilution.get("Seed", 0.0) == pytest.approx(seed_extra)
    assert step.ownership()[FOUNDERS] == pytest.approx(founders)
    unprotected = cap_table(company([seed_round(anti_dilution=protection), DOWN], founders=8e6), anti_dilution=False)
    assert ownership(unprotected.holders)[FOUNDERS] == pytest.approx(8 / 14)


def test_the_public_worked_example_of_anti_dilution():
    """moneybestpal.com, "Anti-dilution provision" (2023-08): an investor holds 100 of 1,000 shares bought at $10;
    200 new shares are sold at $5. Full ratchet: the conversion price falls to $5, 200 shares. Weighted average
    (the NVCA formula CP2 = CP1 (A + B) / (A + C)): 10 × (1,000 + 100) / (1,000 + 200) = $9.1667, 109.09 shares."""
    for protection, shares in (("full", 200.0), ("broad", 100 * 1200 / 1100)):
        rounds = [{"name": "Investor", "month": 1, "amount": 1000.0, "pre_money_valuation": 9000.0,
                   "anti_dilution": protection},
                  {"name": "New", "month": 2, "amount": 1000.0, "pre_money_valuation": 5000.0}]
        step = cap_table(company(rounds, founders=900)).steps[1]
        assert step.price == pytest.approx(5.0) and step.new_shares == pytest.approx(200)
        investor = next(h for h in step.holders if h.key == "Investor")
        assert investor.shares == pytest.approx(shares) and investor.price == pytest.approx(1000 / shares)


def test_a_two_class_waterfall_by_hand():
    """Founders 8M shares; seed $2M 1× non-participating at $1.00 (2M shares); A $4M 1× participating at $1.00
    (4M shares): 14M shares. Exit $3M < $6M of preferences: pro rata, seed $1M, A $2M. Exit $30M: the A takes
    $4M and shares in the rest; the seed converts (2/14 × ($30M - $4M) = $3.71M > $2M); founders 8/14 × $26M."""
    table = cap_table(company([seed_round(), {**DOWN, "amount": 4e6, "pre_money_valuation": 10e6, "participating": True}],
                              founders=8e6))
    assert waterfall(table.holders, 3e6) == pytest.approx({FOUNDERS: 0.0, "Seed": 1e6, "A": 2e6})
    paid = waterfall(table.holders, 30e6)
    assert paid == pytest.approx({FOUNDERS: 8 / 14 * 26e6, "Seed": 2 / 14 * 26e6, "A": 4e6 + 4 / 14 * 26e6})
    small = waterfall(table.holders, 9e6)  # the seed's 2/14 × $5M = $0.71M is below $2M: it keeps its preference
    assert small["Seed"] == pytest.approx(2e6) and small[FOUNDERS] == pytest.approx(8 / 12 * 3e6)


def test_a_pre_money_below_the_converting_money_is_refused():
    with pytest.raises(ScenarioError, match="pre-money valuation"):
        cap_table(company([{**SAFE, "amount": 5e6, "discount": 0.5}, {**SERIES_A, "pre_money_valuation": 1e6}]))


rounds = st.lists(st.fixed_dictionaries({
    "kind": st.sampled_from(["equity", "safe", "note", "debt", "grant"]),
    "amount": st.floats(1e4, 1e8), "pre": st.floats(1e5, 1e9), "cap": st.one_of(st.none(), st.floats(1e5, 1e9)),
    "discount": st.floats(0, 0.5), "pool": st.floats(0, 0.3), "timing": st.sampled_from(["pre", "post"]),
    "protection": st.sampled_from(["none", "broad", "full"]), "multiple": st.floats(0, 3), "participating": st.booleans(),
    "basis": st.sampled_from(["post", "pre"]), "mfn": st.booleans(), "senior": st.booleans(),
    "participation_cap": st.one_of(st.none(), st.floats(1, 5)), "pro_rata": st.booleans(),
}), max_size=6)


def as_round(n, r):
    base = {"name": f"R{n}", "month": 1 + 3 * n, "amount": r["amount"], "kind": r["kind"]}
    if r["kind"] == "equity":
        return {**base, "pre_money_valuation": r["pre"], "pool_target": r["pool"], "pool_timing": r["timing"],
                "anti_dilution": r["protection"], "liquidation_multiple": r["multiple"], "participating": r["participating"],
                "seniority": "senior" if r["senior"] else "pari_passu", "pro_rata": r["pro_rata"],
                "participation_cap": r["participation_cap"] if r["participating"] else None}
    if r["kind"] in ("safe", "note"):
        cap = r["cap"] if r["basis"] == "pre" or r["cap"] is None else max(r["cap"], 2 * r["amount"])
        return {**base, "valuation_cap": cap, "discount": r["discount"], "cap_basis": r["basis"], "mfn": r["mfn"],
                "pro_rata": r["pro_rata"]}
    return base


@settings(deadline=None)
@given(rounds=rounds, exit_value=st.floats(0, 1e10), more=st.floats(0, 1e10))
@example(rounds=[], exit_value=0.0, more=0.0)
@example(rounds=[], exit_value=5e-324, more=0.0)  # found by hypothesis: a subnormal exit rounds to nothing a share
def test_ownership_sums_to_one_the_waterfall_pays_the_exit_and_more_exit_pays_no_holder_less(rounds, exit_value, more):
    """Over random rounds (every kind and term): ownership sums to 1 at every step and at the end, the waterfall pays
    out the exit exactly and never less to any holder for a larger exit, a post-money SAFE converting at its cap
    owns amount ÷ cap of C, and conversions move no cash."""
    try:
        scenario = company([as_round(n, r) for n, r in enumerate(rounds)], pool=1e6)
        table = cap_table(scenario)
    except ScenarioError:  # converting money worth more than a pre-money, or post-money caps owning it all: refused
        return
    for holders in [table.start, *(s.holders for s in table.steps), table.holders]:
        assert sum(ownership(holders).values()) == pytest.approx(1.0)
        assert all(h.shares >= 0 for h in holders)
    for step in table.steps:
        for c in step.conversions:
            r = next(x for x in scenario.funding if x.name == (c.mfn or c.key))
            if c.by == "cap" and c.post:
                assert c.shares / step.capitalization == pytest.approx(c.amount / r.valuation_cap, rel=1e-9)
    paid, richer = waterfall(table.holders, exit_value), waterfall(table.holders, exit_value + more)
    assert sum(paid.values()) == pytest.approx(exit_value, rel=1e-9, abs=1e-6) and min(paid.values()) >= -1e-6
    assert all(richer[k] >= paid[k] - 1e-6 * (1 + paid[k]) for k in paid)
    as_equity = replace_fields(scenario, {f"funding[{j}].{f}": v for j, r in enumerate(scenario.funding)
                                          if r.kind in ("safe", "note") for f, v in (
        ("kind", "equity"), ("valuation_cap", None), ("discount", 0), ("cap_basis", None), ("mfn", False),
        ("interest_rate_yearly", 0))})
    np.testing.assert_allclose(project(scenario).cash, project(as_equity).cash)  # a SAFE is cash like any equity


def test_more_exit_never_pays_the_founders_less():
    table = cap_table(company([{**SAFE, "valuation_cap": 5e6}, SERIES_A, {**DOWN, "month": 20, "participating": True}]))
    assert [h.key for h in table.holders] == [FOUNDERS, "SAFE", "A", "A (2)"]            # two rounds named A: two lines
    proceeds = [waterfall(table.holders, e)[FOUNDERS] for e in np.linspace(0, 1e8, 101)]
    assert all(b >= a - 1e-6 for a, b in itertools.pairwise(proceeds))


def test_the_financing_comparison_reads_every_option_the_same_way():
    terms = default_terms(WINTER)
    found = {o.key: o for o in compare(WINTER, terms)}
    assert list(found) == ["nothing", "cut", "bridge", "down", "debt", "soft_loan", "grant"]
    assert found["soft_loan"].founders_share == pytest.approx(found["nothing"].founders_share)
    # the same money at 3.5 % with a year's grace costs less interest than venture debt at 12 %: it lasts longer
    cash = {k: project(found[k].scenario).cash[0] for k in ("debt", "soft_loan", "nothing")}
    assert (cash["soft_loan"][:24] >= cash["debt"][:24] - 1e-6).all() and cash["soft_loan"][12] > cash["debt"][12]
    loan = found["soft_loan"].scenario.funding[-1]
    assert (loan.repayment, loan.grace_months, loan.term_months, loan.interest_rate_yearly) == ("amortising", 12, 48, 0.035)
    grant = project(found["grant"].scenario).funding_in[0] - project(WINTER).funding_in[0]
    np.testing.assert_allclose(grant[[0, 6]], terms.grant / 2)               # two tranches, six months apart
    np.testing.assert_allclose(np.delete(grant, [0, 6]), 0, atol=1e-6)
    assert found["bridge"].summary.runway_months >= found["nothing"].summary.runway_months
    assert found["debt"].founders_share == pytest.approx(found["nothing"].founders_share)  # debt: no dilution
    assert found["bridge"].founders_share < found["nothing"].founders_share              # the SAFE converts in the A
    assert found["down"].founders_share < found["nothing"].founders_share
    assert found["grant"].founders_proceeds == pytest.approx(found["nothing"].founders_proceeds)
    assert all(o.survival is None or 0 <= o.survival <= 1 for o in found.values())
    assert found["nothing"].survival <= found["bridge"].survival                         # the same draws, more cash
    k = next(i for i, r in enumerate(WINTER.funding) if r.pre_money_valuation)
    down = options(WINTER, terms)["down"].funding[k].pre_money_valuation
    assert down == pytest.approx(WINTER.funding[k].pre_money_valuation * 0.7)
    assert founders_after(cap_table(WINTER), 1) == pytest.approx(found["nothing"].founders_share)


COMPANY_A = "sample_data/company_a_customer_service.yaml"


def test_company_a_s_bridge_safe_converts_in_the_pre_a_at_its_cap():
    """The preset: founders 10M shares, no pool; a ¥3M SAFE in month 8 (cap ¥60M, 20 % discount), then the Pre-A,
    ¥20M at ¥80M pre in month 15. Cap price 60M / 10M = ¥6.00 a share. With the cap setting it the SAFE takes
    3M / 6 = 0.5M shares, so the round prices 80M / (10M + 0.5M) = ¥7.619 (160/21) and its discount price is
    0.8 × 7.619 = ¥6.095 (128/21), above ¥6.00: the cap does set it. The Pre-A buys 20M / (160/21) = 2.625M shares;
    13.125M in all: founders 10 / 13.125 = 76.19 % (16/21), the SAFE 0.5 / 13.125 = 3.81 % (4/105), the Pre-A 20 %
    (its ¥20M of a ¥100M post-money). The Chinese copy has the same table under its own names."""
    for lang, safe, pre_a in (("en", "Angel bridge SAFE", "Pre-A"), ("zh", "天使过桥 SAFE", "Pre-A 轮")):
        table = cap_table(load_preset(COMPANY_A, lang))
        (step,) = table.steps
        (c,) = step.conversions
        assert (step.key, c.key, c.by) == (pre_a, safe, "cap")
        assert c.amount == 3e6 and c.price == pytest.approx(6.0) and c.shares == pytest.approx(0.5e6)
        assert step.price == pytest.approx(160 / 21) and step.price * 0.8 == pytest.approx(128 / 21)
        assert step.price * 0.8 > c.price                                         # the discount would give less
        assert step.new_shares == pytest.approx(2.625e6) and table.stack == ()
        assert step.ownership() == pytest.approx({FOUNDERS: 16 / 21, safe: 4 / 105, pre_a: 0.2})


def test_company_a_s_bridge_moves_the_cash_of_an_equity_bridge_and_adds_its_amount_from_its_month():
    """A SAFE is cash like any equity: the preset projects the same as with the bridge as unpriced equity (rtol
    1e-9), and exactly ¥3M above the preset without it from month 8 on (nothing in the plan reads the balance)."""
    a = load_scenario(COMPANY_A)
    k = next(i for i, r in enumerate(a.funding) if r.kind == "safe")
    as_equity = replace_fields(a, {f"funding[{k}].kind": "equity", f"funding[{k}].valuation_cap": None,
                                   f"funding[{k}].discount": 0, f"funding[{k}].cap_basis": None})
    without = replace_fields(a, {"funding": [r.model_dump() for i, r in enumerate(a.funding) if i != k]})
    p, equity, bare = project(a), project(as_equity), project(without)
    np.testing.assert_allclose(p.cash, equity.cash, rtol=1e-9)
    assert summarize(p, a.settings).runway_months == summarize(equity, a.settings).runway_months
    months = np.arange(a.settings.horizon_months)
    np.testing.assert_allclose(p.cash[0], bare.cash[0] + np.where(months >= 8, 3e6, 0.0), rtol=1e-9)
    assert cap_table(as_equity).steps[0].ownership() == pytest.approx({FOUNDERS: 0.8, "Pre-A": 0.2})  # unpriced: no line


# --- post-money SAFEs (YC's user guide), MFN, pro-rata -------------------------------------------------------------

YC_SAFES = [{"name": "A", "month": 1, "amount": 200_000, "kind": "safe", "valuation_cap": 4e6},
            {"name": "B", "month": 2, "amount": 800_000, "kind": "safe", "valuation_cap": 8e6}]


def yc_company(rounds):
    """YC's post-money SAFE user guide, appendix: 10,000,000 fully diluted shares: founders 9,250,000; issued,
    promised and unissued options 300,000 + 350,000 + 100,000 (one pool here: the pool counts, granted or not)."""
    return company(rounds, founders=9_250_000, pool=750_000)


def test_yc_post_money_safes_before_the_priced_round():
    """A owns $200k / $4M = 5 %, B $800k / $8M = 10 % of the Company Capitalization 10,000,000 / 0.85 =
    11,764,705.88: 588,235 and 1,176,470 shares (the guide rounds down)."""
    table = cap_table(yc_company(YC_SAFES))
    stack = {h.key: h.shares for h in table.stack}
    assert [int(stack["A"]), int(stack["B"])] == [588_235, 1_176_470]
    assert int(sum(h.shares for h in table.holders)) == 11_764_705
    assert ownership(table.holders)["A"] == pytest.approx(0.05) and ownership(table.holders)["B"] == pytest.approx(0.10)


def test_yc_series_a_after_post_money_safes():
    """The guide's Series A: $5M at $15M pre-money with a 1,695,000-share pool increase: price 15,000,000 /
    (11,764,705 + 1,695,000) = $1.1144 (to the guide's four decimals), 4,486,719 new shares, 17,946,424 after.
    The pool target that gives that increase is (750,000 + 1,695,000) / the shares after, from the same equations."""
    c = 10e6 / 0.85
    price = 15e6 / (c + 1_695_000)
    target = (750_000 + 1_695_000) / (c + 1_695_000 + 5e6 / price)
    step = cap_table(yc_company([*YC_SAFES, {"name": "Series A", "month": 6, "amount": 5e6,
                                             "pre_money_valuation": 15e6, "pool_target": target}])).steps[0]
    assert step.capitalization == pytest.approx(c) and step.pool_added == pytest.approx(1_695_000)
    assert round(step.price, 4) == 1.1144 and int(5e6 / round(step.price, 4)) == 4_486_719
    assert int(step.capitalization) + 1_695_000 + int(5e6 / round(step.price, 4)) == 17_946_424
    shares = {c.key: int(c.shares) for c in step.conversions}
    assert shares == {"A": 588_235, "B": 1_176_470} and {c.by for c in step.conversions} == {"cap"}
    assert sum(h.shares for h in step.holders) == pytest.approx(c + 1_695_000 + 5e6 / step.price)


def test_yc_pre_money_safes_read_the_same_guide_differently():
    """The same SAFEs with pre-money caps: A at $4M / 10M shares = $0.40 → 500,000 shares, B at $0.80 → 1,000,000
    (the numbers the issue saw: 9.1 % sold instead of 10 % on a $1M SAFE at $10M)."""
    pre = [{**r, "cap_basis": "pre"} for r in YC_SAFES]
    assert {h.key: h.shares for h in cap_table(yc_company(pre)).stack} == pytest.approx({"A": 500_000, "B": 1_000_000})


def test_two_post_money_safes_own_their_amount_over_their_cap():
    """$1M at a $10M cap and $600k at $15M: 10 % and 4 %, the founders 86 %, before any priced round."""
    table = cap_table(company([{**SAFE, "cap_basis": None, "valuation_cap": 10e6},
                               {"name": "SAFE 2", "month": 2, "amount": 600_000, "kind": "safe", "valuation_cap": 15e6}]))
    assert ownership(table.holders) == pytest.approx({FOUNDERS: 0.86, "SAFE": 0.10, "SAFE 2": 0.04})
    assert founders_after(table, 1) == pytest.approx(0.86)


def test_an_mfn_safe_takes_the_better_cap_of_a_later_safe():
    """An uncapped MFN SAFE of $500k, then $1M at a $10M post-money cap: at a $20M-pre round both convert at the
    cap, owning 5 % and 10 % of C = 10M / 0.85; without MFN the first converts at the round's price."""
    stack = [{"name": "MFN", "month": 1, "amount": 500_000, "kind": "safe", "mfn": True},
             {"name": "Capped", "month": 2, "amount": 1e6, "kind": "safe", "valuation_cap": 10e6}]
    series = {"name": "Series A", "month": 6, "amount": 5e6, "pre_money_valuation": 20e6}
    step = cap_table(company([*stack, series])).steps[0]
    mfn, capped = step.conversions
    assert (mfn.by, mfn.mfn, capped.mfn) == ("cap", "Capped", None)
    assert step.capitalization == pytest.approx(10e6 / 0.85)
    assert mfn.shares / step.capitalization == pytest.approx(0.05) and capped.shares / step.capitalization == pytest.approx(0.10)
    plain_step = cap_table(company([{**stack[0], "mfn": False}, stack[1], series])).steps[0]
    assert plain_step.conversions[0].by == "price"


def test_pro_rata_keeps_the_seed_s_share_within_the_round_or_on_top_of_it():
    """Seed $2M at $8M pre (founders 8M shares: $1.00, 20 %) with pro-rata; a Series A of $5M at $20M pre: $2.00,
    2.5M new shares. Within the round the seed buys 20 % of them (0.5M, $1M) and keeps 20 % of 12.5M; the
    founders' 64 % is what it would be without. On top: 0.2 × 2.5M / 0.8 = 0.625M more, founders 8 / 13.125."""
    rounds = [seed_round(pro_rata=True), {"name": "Series A", "month": 6, "amount": 5e6, "pre_money_valuation": 20e6}]
    within = cap_table(company(rounds, founders=8e6)).steps[1]
    assert within.pro_rata == pytest.approx({"Seed": 0.5e6}) and within.new_shares == pytest.approx(2.5e6)
    share = within.ownership()
    assert share["Seed"] + share["Series A/Seed"] == pytest.approx(0.2) and share[FOUNDERS] == pytest.approx(0.64)
    on_top = cap_table(company(rounds, founders=8e6), pro_rata="on_top").steps[1]
    assert on_top.pro_rata == pytest.approx({"Seed": 0.625e6}) and on_top.ownership()[FOUNDERS] == pytest.approx(8 / 13.125)
    none = cap_table(company(rounds, founders=8e6), pro_rata="none").steps[1]
    assert none.ownership()["Seed"] == pytest.approx(0.16) and none.ownership()[FOUNDERS] == pytest.approx(0.64)


# --- the waterfall's deal terms --------------------------------------------------------------------------------------

def two_series(seniority):
    """Founders 8M shares; Seed $2M at $8M pre ($1.00, 2M shares); A $4M at $10M pre ($1.00, 4M shares)."""
    return cap_table(company([seed_round(), {"name": "A", "month": 6, "amount": 4e6, "pre_money_valuation": 10e6,
                                             "seniority": seniority}], founders=8e6)).holders


def test_seniority_stacked_or_pari_passu_below_the_preferences():
    """Exit $5M < $6M of preferences: stacked, the A's $4M first and the seed $1M; pari passu, 4/6 and 2/6 of $5M."""
    assert waterfall(two_series("senior"), 5e6) == pytest.approx({FOUNDERS: 0, "Seed": 1e6, "A": 4e6})
    assert waterfall(two_series("pari_passu"), 5e6) == pytest.approx({FOUNDERS: 0, "Seed": 5e6 / 3, "A": 10e6 / 3})
    assert waterfall(two_series("senior"), 30e6) == waterfall(two_series("pari_passu"), 30e6)  # covered: no difference


@pytest.mark.parametrize(("exit_value", "investor"), [
    (50e6, 10e6 + 0.2 * 40e6),   # below the cap: preference and 20 % of the rest, $18M
    (110e6, 30e6),               # the crossover: 10 + 0.2 × 100 = 30, the cap
    (130e6, 30e6),               # capped: 30 > 0.2 × 130 = 26
    (150e6, 30e6),               # converting pays the same: 0.2 × 150 = 30
    (200e6, 40e6),               # converted: 20 % of 200
])
def test_capped_participation_below_at_and_above_the_crossover(exit_value, investor):
    """Founders 8M shares; a $10M round at $40M pre: $5.00, 2M shares (20 %), 1× participating capped at 3×."""
    holders = cap_table(company([{"name": "A", "month": 1, "amount": 10e6, "pre_money_valuation": 40e6,
                                  "participating": True, "participation_cap": 3}], founders=8e6)).holders
    assert waterfall(holders, exit_value) == pytest.approx({FOUNDERS: exit_value - investor, "A": investor})


def test_a_post_money_safe_at_a_liquidity_event_and_at_a_dissolution():
    """Founders 9M shares; $1M SAFE at a $10M post-money cap outstanding: 1M shares as converted (10 % of 10M).
    Exit $5M: converting is worth $0.5M, so it takes its $1M back; $50M: converts, $5M. A dissolution with $0.6M
    left: all of it to the SAFE, before the common. With a $500k note at 12 % from month 0 (to the horizon, 36
    months: $680k, paid first as debt) and $1M left: the note $680k, the SAFE $320k."""
    safe = {"name": "SAFE", "month": 0, "amount": 1e6, "kind": "safe", "valuation_cap": 10e6}
    holders = cap_table(company([safe], founders=9e6)).holders
    assert waterfall(holders, 5e6) == pytest.approx({FOUNDERS: 4e6, "SAFE": 1e6})
    assert waterfall(holders, 50e6) == pytest.approx({FOUNDERS: 45e6, "SAFE": 5e6})
    assert waterfall(holders, 0.6e6) == pytest.approx({FOUNDERS: 0, "SAFE": 0.6e6})
    note = {"name": "Note", "month": 0, "amount": 500_000, "kind": "note", "interest_rate_yearly": 0.12}
    with_note = cap_table(company([safe, note], founders=9e6)).holders
    assert waterfall(with_note, 1e6) == pytest.approx({FOUNDERS: 0, "SAFE": 320_000, "Note": 680_000})


def test_exit_costs_and_options_exercised_at_their_strike():
    """Founders 8M shares, a 2M pool of which 1M options are exercised at $1.00: an exit of $22M less 2 % costs is
    $21.56M; with the strike paid in, a share is worth (21.56M + 1M) / 9M = $2.5067: founders 8M × that, the
    options 1M × (2.5067 - 1)."""
    holders = cap_table(company([], founders=8e6, pool=2e6)).holders
    paid = waterfall(holders, 22e6, costs=0.02, exercised=1e6, strike=1.0)
    x = (22e6 * 0.98 + 1e6) / 9e6
    assert paid == pytest.approx({FOUNDERS: 8e6 * x, POOL: 1e6 * (x - 1)})
    underwater = waterfall(holders, 4e6, exercised=1e6, strike=1.0)  # $0.50 a share: the options are not exercised
    assert underwater == pytest.approx({FOUNDERS: 4e6, POOL: 0})


def test_the_bridge_option_is_a_post_money_safe_and_the_next_round_converts_the_whole_stack():
    """Founders 10M shares; a $500k SAFE at a $10M post-money cap (month 1), a Series A of $5M at $20M pre in month
    12. The comparison's bridge, $1M at a $10M cap, is post-money: at the A both convert at the cap, C = 10M /
    (1 - 0.05 - 0.10) = 11.76M, the price 20M / C = $1.70, 2.94M new shares: the founders own 10M / 14.71M = 68.0 %
    (without the bridge: C = 10.53M, 10M / (10.53M + 5M / 1.9) = 76.0 %)."""
    scenario = replace_fields(company([{"name": "SAFE", "month": 1, "amount": 500_000, "kind": "safe",
                                        "valuation_cap": 10e6},
                                       {"name": "Series A", "month": 12, "amount": 5e6, "pre_money_valuation": 20e6}]),
                              {"risk.paths": 1000})
    terms = replace(default_terms(scenario), bridge=1e6, bridge_cap=10e6)
    bridge = options(scenario, terms)["bridge"].funding[-1]
    assert (bridge.kind, bridge.post_money_cap, bridge.month) == ("safe", True, 0)
    found = {o.key: o for o in compare(scenario, terms)}
    c = 10e6 / 0.85
    assert found["bridge"].founders_share == pytest.approx(10e6 / (c + 5e6 / (20e6 / c)))
    assert found["bridge"].founders_share == pytest.approx(0.68)
    assert found["nothing"].founders_share == pytest.approx(10e6 / (10e6 / 0.95 + 5e6 / (20e6 / (10e6 / 0.95))))


def test_the_stack_preview_s_guess_and_a_zero_safe():
    """The guess: 1.5× the highest cap outstanding ($15M for a $10M post-money cap), raising a quarter of the
    post-money; a SAFE of nothing still gives a round to show (at least 1M pre-money) and owns nothing after it."""
    table = cap_table(company([{"name": "S", "month": 1, "amount": 1e6, "kind": "safe", "valuation_cap": 10e6}]))
    guess = next_round_guess(table)
    assert (guess.pre_money, guess.amount, guess.pool_target) == (pytest.approx(15e6), pytest.approx(5e6), 0.1)
    step = stack_preview(company([{"name": "S", "month": 1, "amount": 1e6, "kind": "safe", "valuation_cap": 10e6}]), guess)
    assert step.conversions[0].shares / step.capitalization == pytest.approx(0.1)
    nothing = company([{"name": "S", "month": 1, "amount": 0.0, "kind": "safe", "valuation_cap": 10e6}])
    guess = next_round_guess(cap_table(nothing))
    assert guess.pre_money == 1e6 and ownership(stack_preview(nothing, guess).holders)["S"] == 0
