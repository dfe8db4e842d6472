"""Cap-table cases the mutation run of core/analysis/captable.py showed untested: the choice between a SAFE's cap and
discount, MFN's reach, interest, refusals and where they point, anti-dilution and pro-rata lines carrying their
round's terms, ranks at an exit, the invariance of every result under the units of money and shares, the pool's
grants, and the next-round preview. Every expected value is worked out by hand in the docstring."""

from __future__ import annotations

import pytest

from core.analysis.captable import (
    DEBT_RANK,
    FOUNDERS,
    NEXT_ROUND,
    POOL,
    Grant,
    NextRound,
    cap_table,
    founders_after,
    next_round_guess,
    ownership,
    pool_use,
    pre_money_safes,
    stack_preview,
    waterfall,
)
from core.model import ScenarioError, replace_fields
from tests.core.analysis.test_captable import SEED, company

A_12M = {"name": "A", "month": 6, "amount": 4e6, "pre_money_valuation": 12e6}


def conversions(rounds, founders=10e6):
    return cap_table(company(rounds, founders=founders)).steps[0].conversions


# --- how a SAFE or note converts ---------------------------------------------------------------------------------

def test_the_discount_sets_the_price_when_it_is_below_the_cap_price():
    """$1M SAFE, pre-money cap $20M and 20 % discount, founders 10M shares; an A of $4M at $12M pre. Cap price
    20M / 10M = $2.00. Discount: p (10M + 1M / 0.8p) = 12M → p = 10.75M / 10M = $1.075, 0.8p = $0.86 < $2.00:
    the discount sets it, 1M / 0.86 = 1.163M shares; the cap is pre-money (post False)."""
    safe = {"name": "SAFE", "month": 1, "amount": 1e6, "kind": "safe", "valuation_cap": 20e6, "discount": 0.2,
            "cap_basis": "pre"}
    (c,) = conversions([safe, A_12M])
    assert (c.by, c.price, c.shares) == ("discount", pytest.approx(0.86), pytest.approx(1e6 / 0.86))
    assert c.post is False and c.mfn is None


def test_a_post_money_cap_conversion_says_so():
    """$1M SAFE at a $10M post-money cap, founders 9M shares, A at $12M pre: C = 9M / 0.9 = 10M, cap price
    10M / 10M = $1.00 below the round's 12M / 10M = $1.20: by the cap, post-money, 1M shares."""
    (c,) = conversions([{"name": "SAFE", "month": 1, "amount": 1e6, "kind": "safe", "valuation_cap": 10e6}, A_12M],
                       founders=9e6)
    assert (c.by, c.post, c.price, c.shares) == ("cap", True, pytest.approx(1.0), pytest.approx(1e6))


MFN = {"name": "MFN", "month": 1, "amount": 500_000, "kind": "safe", "cap_basis": "pre", "mfn": True}
LATER = {"name": "Later", "month": 2, "amount": 1e6, "kind": "safe", "cap_basis": "pre"}
A_20M = {"name": "A", "month": 6, "amount": 5e6, "pre_money_valuation": 20e6}


@pytest.mark.parametrize("later_cap", [8e6, 5e6])
def test_an_mfn_safe_keeps_its_own_terms_when_a_later_safe_s_are_no_better(later_cap):
    """MFN SAFE at a $5M pre-money cap (founders 10M shares: $0.50); the later SAFE's cap $8M ($0.80, worse) or
    $5M (the same): the MFN converts at its own cap, $0.50, 1M shares, taking no one's terms."""
    mfn, later = conversions([{**MFN, "valuation_cap": 5e6}, {**LATER, "valuation_cap": later_cap}, A_20M])
    assert (mfn.by, mfn.mfn, mfn.price, mfn.shares) == ("cap", None, pytest.approx(0.5), pytest.approx(1e6))
    assert later.price == pytest.approx(later_cap / 10e6)


def test_an_mfn_safe_takes_no_terms_of_an_earlier_safe():
    """An uncapped MFN SAFE after a SAFE capped at $4M pre: no SAFE comes after it, so it converts at the A's
    price (by "price"); only the earlier one converts at its cap ($0.40)."""
    first = {"name": "First", "month": 0, "amount": 500_000, "kind": "safe", "cap_basis": "pre", "valuation_cap": 4e6}
    early, mfn = conversions([first, MFN, A_20M])
    assert (early.by, early.price) == ("cap", pytest.approx(0.4))
    assert (mfn.by, mfn.mfn) == ("price", None)


def test_a_note_converting_in_the_month_it_was_made_carries_no_interest():
    """A $1M note at 8 % in month 6 converting in the A of month 6: no month has passed, $1M at the $5M cap's
    $0.50 = 2M shares."""
    note = {"name": "Note", "month": 6, "amount": 1e6, "kind": "note", "valuation_cap": 5e6, "interest_rate_yearly": 0.08}
    (c,) = conversions([note, A_12M])
    assert c.amount == 1e6 and c.shares == pytest.approx(2e6)


# --- refusals and where they point -------------------------------------------------------------------------------

def problem(rounds, founders=10e6):
    with pytest.raises(ScenarioError) as caught:
        cap_table(company(rounds, founders=founders))
    (p,) = caught.value.problems
    return p


@pytest.mark.parametrize(("amounts", "share"), [((6e6, 5e6), 1.1), ((6e6, 4e6), 1.0)])
def test_post_money_caps_owning_the_whole_company_are_refused_at_the_first_safe(amounts, share):
    """SAFEs at a $10M post-money cap each own amount / 10M of C: $6M + $5M is 110 %, $6M + $4M 100 %: no C
    solves C = S + share × C, outstanding or converting; the problem names the first SAFE (outstanding) or the
    round (converting) and the share."""
    safes = [{"name": f"S{n}", "month": n, "amount": a, "kind": "safe", "valuation_cap": 10e6} for n, a in enumerate(amounts)]
    p = problem(safes)
    assert (p.path, p.code, p.values) == ("funding: S0", "safe_caps_whole", {"share": pytest.approx(share)})
    p = problem([*safes, A_12M])
    assert (p.path, p.code, p.values) == ("funding: A", "safe_caps_whole", {"share": pytest.approx(share)})


@pytest.mark.parametrize(("amount", "pre"), [(5e6, 1e6), (1.0, 1.5)])
def test_converting_money_worth_more_than_the_pre_money_is_refused_in_any_currency_unit(amount, pre):
    """A SAFE at a 50 % discount converts at p / 2, so its shares are worth 2 × its money at any price: $5M against
    $1M pre, or 1 against 1.5 (the same in a unit a million times larger) leave no price."""
    p = problem([{"name": "SAFE", "month": 1, "amount": amount, "kind": "safe", "discount": 0.5},
                 {**A_12M, "pre_money_valuation": pre}])
    assert (p.path, p.code) == ("funding: A", "cap_table_price")


# --- anti-dilution and the round's terms on every line ------------------------------------------------------------

SEED_FULL = {"name": "Seed", "month": 1, "amount": 2e6, "pre_money_valuation": 8e6, "anti_dilution": "full"}
A_AT_2 = {"name": "A", "month": 6, "amount": 4e6, "pre_money_valuation": 20e6}


@pytest.mark.parametrize(("b_pre", "b_price", "down"), [(12e6, 1.0, True), (18e6, 1.5, True), (24e6, 2.0, False)])
def test_anti_dilution_only_below_the_series_price_and_a_flat_round_is_not_down(b_pre, b_price, down):
    """Founders 8M; Seed $2M at $8M pre ($1.00, 2M shares, full ratchet); A $4M at $20M pre ($2.00, 2M shares);
    B $1.2M at b_pre over 12M shares. At $1.00 or $1.50 B is down from $2.00 but not below the seed's $1.00: the
    seed gets nothing and keeps 2M shares at $1.00; at $2.00 it is not a down round at all."""
    table = cap_table(company([SEED_FULL, A_AT_2, {"name": "B", "month": 12, "amount": 1.2e6,
                                                   "pre_money_valuation": b_pre}], founders=8e6))
    step = table.steps[2]
    assert step.price == pytest.approx(b_price) and step.down is down and step.anti_dilution == {}
    seed = next(h for h in step.holders if h.key == "Seed")
    assert (seed.shares, seed.price) == (pytest.approx(2e6), pytest.approx(1.0))


SAFE_5M = {"name": "SAFE", "month": 1, "amount": 1e6, "kind": "safe", "valuation_cap": 5e6, "cap_basis": "pre"}


def test_a_converted_safe_takes_the_round_s_anti_dilution_at_its_own_price():
    """Founders 10M; $1M SAFE at a $5M pre cap → 2M shares at $0.50 in the A ($4M at $12M pre: $1.00, 4M shares,
    full ratchet). B $1M at $4M pre: 4M / 16M = $0.25, 4M new. Full ratchet: the SAFE's 2M × (0.50 / 0.25 - 1) = 2M
    more, the A's 4M × (1.00 / 0.25 - 1) = 12M more."""
    b = {"name": "B", "month": 12, "amount": 1e6, "pre_money_valuation": 4e6}
    step = cap_table(company([SAFE_5M, {**A_12M, "anti_dilution": "full"}, b])).steps[1]
    assert step.price == pytest.approx(0.25)
    assert step.anti_dilution == pytest.approx({"SAFE": 2e6, "A": 12e6})


def test_a_converted_safe_takes_the_round_s_preference_on_its_money():
    """Same SAFE and A (1× non-participating, pari passu): preferences SAFE $1M, A $4M. Exit $3M < $5M: pro rata,
    the SAFE 3M / 5 = $0.6M, the A $2.4M, the founders nothing. Every round line is preferred stock."""
    holders = cap_table(company([SAFE_5M, A_12M])).holders
    assert waterfall(holders, 3e6) == pytest.approx({FOUNDERS: 0.0, "SAFE": 0.6e6, "A": 2.4e6})
    assert {h.key: h.kind for h in holders} == {FOUNDERS: "common", "SAFE": "preferred", "A": "preferred"}


def test_a_converted_safe_keeps_its_pro_rata_right():
    """Same SAFE, with pro-rata, and A. In the A the SAFE's 2M are 1/6 of the 12M shares before the new money: it
    buys 1/6 of the A's 4M (0.667M). 16M shares; B $5M at $40M pre: $2.50, 2M new; the SAFE's two lines, 2.667M, are
    1/6 again: it buys 0.333M and keeps 1/6 (3M of 18M)."""
    b = {"name": "B", "month": 12, "amount": 5e6, "pre_money_valuation": 40e6}
    a_step, step = cap_table(company([{**SAFE_5M, "pro_rata": True}, A_12M, b])).steps
    assert a_step.pro_rata == pytest.approx({"SAFE": 4e6 / 6})
    assert step.pro_rata == pytest.approx({"SAFE": 2e6 / 6})
    share = step.ownership()
    assert share["SAFE"] + share["A/SAFE"] + share["B/SAFE"] == pytest.approx(1 / 6)


SEED_PR = {"name": "Seed", "month": 1, "amount": 2e6, "pre_money_valuation": 8e6, "pro_rata": True}
A_PR = {"name": "A", "month": 6, "amount": 5e6, "pre_money_valuation": 20e6}


def test_pro_rata_counts_every_line_of_the_buyer_in_the_next_round():
    """Founders 8M; Seed $2M at $8M pre with pro-rata ($1.00, 2M, 20 %); A $5M at $20M pre: $2.00, 2.5M new, the
    seed buys 0.5M; 12.5M shares. B $5M at $50M pre: $4.00, 1.25M new; the seed's two lines are 2.5M / 12.5M = 20 %:
    it buys 0.25M and still owns 20 % (2.75M of 13.75M)."""
    b = {"name": "B", "month": 12, "amount": 5e6, "pre_money_valuation": 50e6}
    step = cap_table(company([SEED_PR, A_PR, b], founders=8e6)).steps[2]
    assert step.pro_rata == pytest.approx({"Seed": 0.25e6})
    share = step.ownership()
    assert share["Seed"] + share["A/Seed"] + share["B/Seed"] == pytest.approx(0.2)


def test_a_pro_rata_purchase_has_the_round_s_preference_and_anti_dilution():
    """Continuing: after the A the seed's purchase is 0.5M A shares at $2.00 ($1M), preferences Seed $2M, A/Seed $1M,
    A $4M, one rank. Exit $3.5M = half of $7M: $1M, $0.5M, $2M. With the A on full ratchet, B $1M at $12.5M pre
    ($1.00, 1M new, the seed buying 20 %): the A's 2M shares at $2.00 gain 2M, its pro-rata line's 0.5M gain 0.5M;
    the B's own lines are at $1.00, the Seed unprotected."""
    holders = cap_table(company([SEED_PR, A_PR], founders=8e6)).holders
    assert waterfall(holders, 3.5e6) == pytest.approx({FOUNDERS: 0.0, "Seed": 1e6, "A/Seed": 0.5e6, "A": 2e6})
    b = {"name": "B", "month": 12, "amount": 1e6, "pre_money_valuation": 12.5e6}
    step = cap_table(company([SEED_PR, {**A_PR, "anti_dilution": "full"}, b], founders=8e6)).steps[2]
    assert step.price == pytest.approx(1.0) and step.pro_rata == pytest.approx({"Seed": 0.2e6})
    assert step.anti_dilution == pytest.approx({"A": 2e6, "A/Seed": 0.5e6})


def test_no_pro_rata_taken_up_leaves_no_purchase_line():
    """pro_rata="none": the A sells all its 2.5M shares to its own investors; no "A/Seed" line, no purchases."""
    step = cap_table(company([SEED_PR, A_PR], founders=8e6), pro_rata="none").steps[1]
    assert step.pro_rata == {} and [h.key for h in step.holders] == [FOUNDERS, "Seed", "A"]
    assert step.new_shares == pytest.approx(2.5e6)


def test_a_pool_created_by_a_round_is_the_second_line():
    """No pool before; the seed's 10 % target creates it: the lines read founders, pool, then the rounds."""
    step = cap_table(company([{**SEED_PR, "pool_target": 0.1}], founders=8e6)).steps[0]
    assert [h.key for h in step.holders] == [FOUNDERS, POOL, "Seed"]


# --- ranks at an exit ----------------------------------------------------------------------------------------------

def test_outstanding_safes_rank_with_the_first_round_even_when_it_is_senior():
    """Founders 8M; Seed $2M at $8M pre marked senior (the first round: nothing to be senior to, rank 1); a $1M SAFE at
    a $20M post-money cap outstanding ranks with it. Exit $1.5M < $3M: pro rata, the seed $1M, the SAFE $0.5M."""
    safe = {"name": "SAFE", "month": 6, "amount": 1e6, "kind": "safe", "valuation_cap": 20e6}
    table = cap_table(company([{**SEED_PR, "seniority": "senior"}, safe], founders=8e6))
    assert waterfall(table.holders, 1.5e6) == pytest.approx({FOUNDERS: 0.0, "Seed": 1e6, "SAFE": 0.5e6})


def test_a_senior_round_with_no_preference_does_not_stop_the_lower_ranks_being_paid():
    """Seed $2M 1× (rank 1), then A $4M senior at 0× (rank 2, owed nothing). Exit $1M < $2M: all to the seed."""
    a = {"name": "A", "month": 6, "amount": 4e6, "pre_money_valuation": 10e6, "seniority": "senior",
         "liquidation_multiple": 0}
    holders = cap_table(company([{**SEED_PR, "pro_rata": False}, a], founders=8e6)).holders
    assert waterfall(holders, 1e6) == pytest.approx({FOUNDERS: 0.0, "Seed": 1e6, "A": 0.0})


def test_the_outstanding_lines_carry_their_terms():
    """Founders 9M; a $1M SAFE at a $10M post-money cap with pro-rata: 1M shares of 10M at $1.00, a safe ranked with
    the first round; an uncapped $0.5M note: no shares at all (not even one), a note ranked as debt."""
    safe = {"name": "SAFE", "month": 0, "amount": 1e6, "kind": "safe", "valuation_cap": 10e6, "pro_rata": True}
    note = {"name": "Note", "month": 0, "amount": 0.5e6, "kind": "note"}
    table = cap_table(company([safe, note], founders=9e6))
    s, n = table.stack
    assert (s.kind, s.shares, s.price, s.rank, s.pro_rata) == ("safe", pytest.approx(1e6), pytest.approx(1.0), 1, True)
    assert (n.kind, n.shares, n.rank, n.pro_rata) == ("note", 0.0, DEBT_RANK, False)
    assert ownership(table.holders)["Note"] == 0.0


# --- units: the results cannot depend on the unit of money or of shares ------------------------------------------

ROUNDS = [{"name": "SAFE", "month": 1, "amount": 1e6, "kind": "safe", "valuation_cap": 10e6},
          {"name": "Seed", "month": 3, "amount": 2e6, "pre_money_valuation": 8e6, "pool_target": 0.1},
          {"name": "A", "month": 6, "amount": 4e6, "pre_money_valuation": 30e6, "pool_target": 0.15,
           "pool_timing": "post", "participating": True, "participation_cap": 2, "seniority": "senior"},
          {"name": "Note", "month": 10, "amount": 0.5e6, "kind": "note", "valuation_cap": 40e6,
           "interest_rate_yearly": 0.1}]


def scaled(money, shares):
    rounds = [{**r, **{k: r[k] * money for k in ("amount", "valuation_cap", "pre_money_valuation") if k in r}}
              for r in ROUNDS]
    return cap_table(company(rounds, founders=8e6 * shares, pool=0.5e6 * shares))


@pytest.mark.parametrize(("money", "shares"), [(1e-7, 1.0), (1.0, 1e-8), (1e-7, 1e-7), (1e3, 1e3)])
def test_the_cap_table_and_the_waterfall_do_not_depend_on_the_units(money, shares):
    """Counting money in units 10^7 times larger (or shares 10^8 times fewer) must scale every price by money /
    shares and every payout by money, and change no ownership: nothing in the arithmetic may compare a sum of money
    or a count of shares with an absolute number. Exits below the preferences ($2M), near them and far above."""
    base, other = scaled(1.0, 1.0), scaled(money, shares)
    for s, t in zip(base.steps, other.steps, strict=True):
        assert t.price == pytest.approx(s.price * money / shares, rel=1e-9)
        assert t.ownership() == pytest.approx(s.ownership(), rel=1e-9)
    assert ownership(other.holders) == pytest.approx(ownership(base.holders), rel=1e-9)
    for exit_value in (2e6, 8e6, 60e6, 500e6):
        expected = {k: v * money for k, v in waterfall(base.holders, exit_value).items()}
        assert waterfall(other.holders, exit_value * money) == pytest.approx(expected, rel=1e-9, abs=1e-9 * exit_value * money)


def test_a_pool_after_the_money_in_a_company_of_eight_shares():
    """Founders 8 shares, $2 at $8 pre, pool 10 % after the money: $1.00 a share (8 / 8), 2 new shares, then the pool
    is 10 % of 10 / 0.9: founders 72 %, seed 18 %, pool 10 % (the large-number case of the existing test, exactly)."""
    step = cap_table(company([{"name": "Seed", "month": 1, "amount": 2.0, "pre_money_valuation": 8.0,
                               "pool_target": 0.1, "pool_timing": "post"}], founders=8)).steps[0]
    assert step.price == pytest.approx(1.0) and step.new_shares == pytest.approx(2.0)
    assert step.ownership() == pytest.approx({FOUNDERS: 0.72, "Seed": 0.18, POOL: 0.1})


def test_the_pool_is_exercised_at_no_strike_unless_one_is_given():
    """Founders 8M, pool 2M, no rounds: an exit of $10M is $1.00 a share, the pool's 2M options $2M."""
    holders = cap_table(company([], founders=8e6, pool=2e6)).holders
    assert waterfall(holders, 10e6) == pytest.approx({FOUNDERS: 8e6, POOL: 2e6})


# --- founders_after ------------------------------------------------------------------------------------------------

def test_founders_after_reads_the_first_round_at_or_after_the_month_else_the_end():
    """Founders 8M; Seed in month 1 ($2M at $8M pre: 80 %), A in month 6 ($5M at $20M pre: 64 %), then a $1M SAFE at
    a $10M post-money cap outstanding (10 % of the end: 57.6 %)."""
    safe = {"name": "SAFE", "month": 8, "amount": 1e6, "kind": "safe", "valuation_cap": 10e6}
    table = cap_table(company([SEED_PR | {"pro_rata": False}, A_PR, safe], founders=8e6))
    found = {m: founders_after(table, m) for m in (None, 0, 1, 2, 6, 7)}
    assert found == pytest.approx({None: 0.576, 0: 0.8, 1: 0.8, 2: 0.64, 6: 0.64, 7: 0.576})


# --- the option pool -----------------------------------------------------------------------------------------------

def team(*roles):
    return [{"role": r, "headcount": h, "cost_per_head_month": 1, "start_month": m, "option_grant_shares": g}
            for r, h, m, g in roles]


def test_grants_within_the_horizon_with_options_and_a_company_without_a_pool():
    """Horizon 36 months. Engineers 2 × 100k at month 0; an adviser 1 × 0.5 options at month 3 (small, but options);
    a role with no grant and one starting in month 36 (after the plan) grant nothing. No pool: short in month 0,
    200k granted against 0."""
    assert SEED.settings.horizon_months == 36
    roles = team(("Engineers", 2, 0, 100_000), ("Adviser", 1, 3, 0.5), ("Ops", 2, 1, 0), ("Late", 1, 36, 1e6))
    use = pool_use(replace_fields(company([], founders=8e6), {"opex.team": roles}))
    assert use.grants == (Grant("Engineers", 0, 200_000), Grant("Adviser", 3, 0.5))
    assert use.pool == 0.0 and use.short == (0, 200_000, 0.0)


def test_grants_exactly_the_size_of_the_pool_are_not_short_and_the_table_given_is_read():
    """A 200k pool and 200k granted: not short, nothing left. Given the table of a company with a 1M pool instead,
    the grants are read against it: 800k left."""
    scenario = replace_fields(company([], founders=8e6, pool=200_000), {"opex.team": team(("Engineers", 2, 0, 100_000))})
    assert pool_use(scenario).short is None and pool_use(scenario).unallocated == 0.0
    other = cap_table(company([], founders=8e6, pool=1e6))
    assert pool_use(scenario, other).pool == 1e6 and pool_use(scenario, other).unallocated == 800_000


# --- the outstanding stack's preview -------------------------------------------------------------------------------

def test_pre_money_safes_are_the_capped_safes_read_pre_money():
    rounds = [{"name": "Pre", "month": 0, "amount": 1e6, "kind": "safe", "valuation_cap": 5e6, "cap_basis": "pre"},
              {"name": "Post", "month": 0, "amount": 1e6, "kind": "safe", "valuation_cap": 5e6},
              {"name": "Uncapped", "month": 0, "amount": 1e6, "kind": "safe", "discount": 0.2, "cap_basis": "pre"},
              {"name": "Note", "month": 0, "amount": 1e6, "kind": "note", "valuation_cap": 5e6, "cap_basis": "pre"},
              {"name": "Seed", "month": 1, "amount": 1e6, "pre_money_valuation": 5e6}]
    assert pre_money_safes(company(rounds)) == ["Pre"]


def test_the_next_round_guess_and_its_preview():
    """Founders 9M; a $1M SAFE at a $10M post-money cap outstanding (1M shares of 10M: the cap read back, $10M):
    the guess is a pre-money of 1.5 × $10M = $15M raising $5M with a 10 % pool. Previewed without a pool at month
    36 (the horizon; a round planned for month 36, after the plan's last month 35, is left out): C = 10M, $1.50 a
    share, 3.33M new shares; the SAFE converts at its cap, $1.00, 1M shares: founders 9 / 13.33 = 67.5 %, the SAFE
    7.5 %, the round 25 %. With only an uncapped $1M SAFE: 10 × its money, $10M pre.

    With the guess's 10 % pool, topped up before the money: post-money $20M, so the pool's X = 10 % × 20M / p and
    p (10M + X) = 15M give 10M p + 2M = 15M, p = $1.30: founders 9M of 20M / 1.3 = 15.38M shares, 58.5 %; the SAFE
    6.5 %, the pool 10 %, the round 25 %."""
    safe = {"name": "SAFE", "month": 0, "amount": 1e6, "kind": "safe", "valuation_cap": 10e6}
    later = {"name": "Later", "month": 36, "amount": 1e6, "pre_money_valuation": 1e6}
    scenario = company([safe, later], founders=9e6)
    assert next_round_guess(cap_table(company([safe], founders=9e6))) == NextRound(5e6, 15e6, 0.1)
    step = stack_preview(scenario, NextRound(5e6, 15e6, 0.0))
    assert (step.key, step.month, step.price) == (NEXT_ROUND, 36, pytest.approx(1.5))
    assert step.ownership() == pytest.approx({FOUNDERS: 0.675, "SAFE": 0.075, NEXT_ROUND: 0.25})
    uncapped = cap_table(company([{**safe, "valuation_cap": None}], founders=9e6))
    assert next_round_guess(uncapped) == NextRound(pytest.approx(10e6 / 3), 10e6, 0.1)
    pooled = stack_preview(scenario, NextRound(5e6, 15e6, 0.1))
    assert pooled.price == pytest.approx(1.3)
    assert pooled.ownership() == pytest.approx({FOUNDERS: 0.585, POOL: 0.1, "SAFE": 0.065, NEXT_ROUND: 0.25})


def test_anti_dilution_follows_the_nvca_rule_in_a_round_above_the_last_one():
    """Seed $2M at $8M pre (founders 8M: $1.00, 2M shares) with broad-based protection; A $2M at $5M pre: $0.50,
    the seed re-priced to CP2 = 1 × (10M + 2M) / (10M + 4M) = $0.857 (2.333M shares). B $1.4M at p = $0.70 (above
    A, so not down) is still below the seed's $0.857: with A = 16.333M shares before B, B' = 1.4M / 0.857 = 1.633M
    and C = 2M, CP3 = 0.857 × (16.333 + 1.633) / (16.333 + 2) = $0.8401 — as the NVCA charter adjusts whenever new
    shares sell below a series' conversion price."""
    rounds = [{"name": "Seed", "month": 1, "amount": 2e6, "pre_money_valuation": 8e6, "anti_dilution": "broad"},
              {"name": "A", "month": 6, "amount": 2e6, "pre_money_valuation": 5e6},
              {"name": "B", "month": 12, "amount": 1.4e6, "pre_money_valuation": 0}]
    a = cap_table(company(rounds[:2], founders=8e6)).steps[1]
    seed = next(h for h in a.holders if h.key == "Seed")
    assert seed.price == pytest.approx(12 / 14) and seed.shares == pytest.approx(2e6 * 14 / 12)
    before_b = sum(h.shares for h in a.holders)
    b_pre = 0.7 * before_b                       # B prices at $0.70 over the shares before it
    step = cap_table(company([*rounds[:2], {**rounds[2], "pre_money_valuation": b_pre}], founders=8e6)).steps[2]
    cp2 = 12 / 14
    cp3 = cp2 * (before_b + 1.4e6 / cp2) / (before_b + 2e6)
    assert step.price == pytest.approx(0.7) and not step.down
    assert step.anti_dilution["Seed"] == pytest.approx(2e6 / cp3 - 2e6 / cp2)          # its new shares
    seed_b = next(h for h in step.holders if h.key == "Seed")
    assert seed_b.price == pytest.approx(cp3) and seed_b.shares == pytest.approx(2e6 / cp3)


def test_a_pre_money_of_nothing_is_refused_not_a_crash():
    with pytest.raises(ScenarioError, match="pre-money valuation"):
        cap_table(company([{"name": "A", "month": 1, "amount": 1e6, "pre_money_valuation": 0}]))
