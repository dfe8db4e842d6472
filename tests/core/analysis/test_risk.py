"""Risk lab: distributions, analytic ruin, zero variance, common random numbers, stresses, tornado."""

import math
import re
import zlib

import numpy as np
import pytest
from hypothesis import given
from scipy import stats

from core.analysis import risk
from core.analysis.metrics import runway_months, scenario_npv
from core.analysis.risk import STRESSES, Z95, metric_value, normal, ppf, range90, simulate, stress_table, tornado
from core.engine.projection import project
from core.model import LogNormal, ScenarioError, Uniform, load_scenario, parse_scenario, replace_fields, triangular
from tests.scenarios import budget, scenarios

BURN = 10_000.0


def burner(cash_dist, paths=20_000, horizon=36, **extra):
    """No revenue, 10,000 a month of costs: cash lasts m months iff starting cash >= 10,000 m."""
    return parse_scenario({
        "company": {"name": "Burner", "starting_cash": 150_000},
        "settings": {"horizon_months": horizon},
        "opex": {"other_per_month": BURN},
        "risk": {"default_inputs": False, "paths": paths, "inputs": {"company.starting_cash": cash_dist}, **extra},
    })


def test_range90_puts_its_ends_at_the_5th_and_95th_percentiles():
    z = np.array([-Z95, 0.0, Z95])
    np.testing.assert_allclose(ppf(range90(2.0, 8.0), z), [2.0, 4.0, 8.0])          # lognormal: median = sqrt(2 x 8)
    np.testing.assert_allclose(ppf(range90(-1.0, 3.0), z), [-1.0, 1.0, 3.0])         # crosses 0: normal
    assert Z95 == pytest.approx(1.6448536, abs=1e-7)


def test_each_distribution_matches_its_textbook_inverse_cdf():
    z = np.linspace(-2.5, 2.5, 11)
    u = stats.norm.cdf(z)
    np.testing.assert_allclose(ppf(normal(3.0, 2.0), z), 3.0 + 2.0 * z)
    lognormal = LogNormal(median=5.0, sigma=0.4)
    np.testing.assert_allclose(ppf(lognormal, z), stats.lognorm.ppf(u, 0.4, scale=5.0))
    np.testing.assert_allclose(ppf(Uniform(low=2.0, high=6.0), z), 2.0 + 4.0 * u)
    a, c, b = 1.0, 2.0, 5.0  # triangular by hand: a + sqrt(u (b - a)(c - a)) left of the mode
    expected = np.where(u < (c - a) / (b - a), a + np.sqrt(u * (b - a) * (c - a)), b - np.sqrt((1 - u) * (b - a) * (b - c)))
    np.testing.assert_allclose(ppf(triangular(a, c, b), z), expected)
    np.testing.assert_allclose(ppf(triangular(4.0, 4.0, 4.0), z), 4.0)  # a point
    for low, mode, high in ((1.0, 2.0, 5.0), (0.0, 0.0, 3.0), (0.0, 3.0, 3.0), (-2.0, 1.0, 1.5)):  # modes at the ends too
        np.testing.assert_allclose(ppf(triangular(low, mode, high), z),
                                   stats.triang.ppf(u, (mode - low) / (high - low), loc=low, scale=high - low), rtol=1e-12)


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "normal", "mean": 1}, r"starting_cash\.sd: Field required"),
    ({"kind": "normal", "mean": 1, "sd": 1, "low": 0}, r"starting_cash\.low: Extra inputs are not permitted"),
    ({"kind": "beta", "a": 1}, "does not match any of the expected tags"),
    ({"kind": "triangular", "low": 0, "mode": 5, "high": 2}, "must not exceed|mode"),
    ({"kind": "range90", "low": 3, "high": 1}, "must not exceed high"),
    ({"kind": "normal", "mean": 1, "sd": -1}, "greater than or equal to 0"),
])
def test_a_malformed_distribution_is_refused_with_its_path(data, message):
    base = {"company": {"name": "x", "starting_cash": 1}, "risk": {"inputs": {"company.starting_cash": data}}}
    with pytest.raises(ScenarioError, match=message) as err:
        parse_scenario(base)
    assert err.value.errors[0].startswith("risk.inputs.company.starting_cash")


def test_risk_settings_must_name_this_scenarios_fields_and_rounds():
    with pytest.raises(ScenarioError, match=r"'streams\[3\]\.churn_monthly' is not a numeric field"):
        parse_scenario({"company": {"name": "x", "starting_cash": 1},
                        "risk": {"inputs": {"streams[3].churn_monthly": {"kind": "normal", "mean": 0.1, "sd": 0}}}})
    with pytest.raises(ScenarioError, match="no funding round named 'Series Z'"):
        parse_scenario({"company": {"name": "x", "starting_cash": 1}, "risk": {"rounds": {"Series Z": {}}}})


def test_one_normal_input_reproduces_its_analytic_probability_of_ruin():
    mu, sigma, n = 150_000.0, 40_000.0, 20_000
    r = simulate(burner(normal(mu, sigma), paths=n))
    months = np.arange(1, 37)
    analytic = stats.norm.sf((BURN * months - mu) / sigma)   # P(cash >= 10,000 m)
    se = np.sqrt(analytic * (1 - analytic) / n)
    assert np.all(np.abs(r.survival[1:] - analytic) <= 4 * se + 1e-12)
    assert r.survival[0] == 1.0


def test_zero_variance_reproduces_the_deterministic_projection():
    s = load_scenario("sample_data/company_b_data_assistant.yaml")
    point = {"kind": "normal", "mean": 0.025, "sd": 0}
    s = replace_fields(s, {"risk": {"default_inputs": False, "paths": 1000, "inputs": {"streams[0].churn_monthly": point},
                                    "rounds": {"Series A": {"probability": 1, "delay_months": triangular(0, 0, 0).model_dump(),
                                                            "valuation_haircut": triangular(0, 0, 0).model_dump()}}}})
    r = simulate(s)
    p = project(s)
    # Same numbers up to rounding: a batch of 1,000 paths and one path may take different
    # BLAS / SIMD kernels (OpenBLAS picks them by CPU), which differ in the last bits.
    for band in r.cash_bands:
        np.testing.assert_allclose(band, p.cash[0], rtol=1e-12, atol=1e-6)
    assert np.all(r.runway == runway_months(p.cash)[0])
    np.testing.assert_allclose(r.npv, scenario_npv(p.ebitda, s.settings)[0], rtol=1e-12)
    assert r.expected_shortfall == pytest.approx(max(0.0, -p.cash.min()), rel=1e-12)
    assert r.rounds[0].closes == 1.0


def test_expected_shortfall_is_the_mean_deepest_deficit():
    s = burner(Uniform(low=0, high=600_000), paths=5000)   # 36 months cost 360,000
    r = simulate(s)
    cash = np.clip(ppf(s.risk.inputs["company.starting_cash"], risk.draw_normals(s, risk.uncertain_inputs(s))[:, 0]), 0, None)
    assert r.expected_shortfall == pytest.approx(np.maximum(0, 360_000 - cash).mean())


def test_the_same_seed_gives_the_same_futures_and_another_seed_others():
    s = load_scenario("sample_data/company_b_data_assistant.yaml")
    a, b = simulate(s), simulate(s)
    np.testing.assert_allclose(a.cash_bands, b.cash_bands, rtol=1e-12, atol=1e-6)   # the same draws, to rounding
    other = simulate(replace_fields(s, {"risk.seed": 7}))
    assert not np.array_equal(a.npv, other.npv)
    assert abs(a.survival_at(18) - other.survival_at(18)) < 0.05  # same law, different draws


def test_adding_an_input_leaves_the_other_inputs_draws_unchanged():
    s = load_scenario("sample_data/company_b_data_assistant.yaml")
    before = dict(zip([u.key for u in risk.uncertain_inputs(s)], risk.draw_normals(s, risk.uncertain_inputs(s)).T, strict=True))
    more = replace_fields(s, {"risk.inputs": {"opex.marketing_per_month": range90(1000, 5000).model_dump()}})
    inputs = risk.uncertain_inputs(more)
    after = dict(zip([u.key for u in inputs], risk.draw_normals(more, inputs).T, strict=True))
    assert set(after) == set(before) | {"opex.marketing_per_month"}
    for key, z in before.items():
        np.testing.assert_array_equal(after[key], z)


def test_rank_correlation_is_what_was_asked_for():
    s = load_scenario("sample_data/company_b_data_assistant.yaml")
    a, b = "streams[0].new_customer_growth_monthly", "streams[0].churn_monthly"
    s = replace_fields(s, {"risk.paths": 20_000, "risk.correlations": [{"a": a, "b": b, "rank": -0.6}]})
    inputs = risk.uncertain_inputs(s)
    draws = risk.engine_draws(s, inputs, risk.draw_normals(s, inputs))
    assert stats.spearmanr(draws[a], draws[b]).statistic == pytest.approx(-0.6, abs=0.03)


def test_impossible_or_dangling_correlations_are_refused():
    s = load_scenario("sample_data/company_b_data_assistant.yaml")
    g, c, p = "streams[0].new_customer_growth_monthly", "streams[0].churn_monthly", "streams[0].price_per_month"
    bad = replace_fields(s, {"risk.correlations": [{"a": g, "b": c, "rank": 0.95}, {"a": c, "b": p, "rank": 0.95},
                                                   {"a": g, "b": p, "rank": -0.95}]})
    with pytest.raises(ScenarioError, match="contradict"):
        simulate(bad)
    dangling = replace_fields(s, {"risk.correlations": [{"a": g, "b": "opex.marketing_per_month", "rank": 0.5}]})
    with pytest.raises(ScenarioError, match=r"risk.correlations\[0\].b: opex.marketing_per_month has no distribution"):
        simulate(dangling)


def test_draws_stay_inside_each_fields_bounds():
    s = load_scenario("sample_data/company_b_data_assistant.yaml")
    s = replace_fields(s, {"risk.inputs": {"streams[0].churn_monthly": normal(0.5, 2.0).model_dump()}})
    inputs = risk.uncertain_inputs(s)
    churn = risk.engine_draws(s, inputs, risk.draw_normals(s, inputs))["streams[0].churn_monthly"]
    assert churn.min() == 0 and churn.max() == 0.9


def test_a_round_closes_as_often_as_its_probability_and_a_failed_round_brings_nothing():
    s = load_scenario("sample_data/company_b_data_assistant.yaml")
    half = replace_fields(s, {"risk.paths": 20_000, "risk.rounds": {"Series A": {"probability": 0.5}}})
    assert simulate(half).rounds[0].closes == pytest.approx(0.5, abs=4 * math.sqrt(0.25 / 20_000))
    never = replace_fields(s, {"risk.default_inputs": False, "risk.paths": 1000, "risk.rounds": {"Series A": {"probability": 0}}})
    without = project(replace_fields(s, {"funding[0].amount": 0}))
    for band in simulate(never).cash_bands:
        np.testing.assert_allclose(band, without.cash[0])


def test_round_odds_by_hand():
    base = {"company": {"name": "R", "starting_cash": 100_000}, "settings": {"horizon_months": 36},
            "opex": {"other_per_month": BURN}, "funding": [{"name": "Seed", "month": 6, "amount": 1e6}],
            "risk": {"default_inputs": False, "paths": 1000, "rounds": {"Seed": {
                "probability": 1, "delay_months": triangular(0, 0, 0).model_dump(),
                "valuation_haircut": triangular(0, 0, 0).model_dump()}}}}
    on_time = simulate(parse_scenario(base)).rounds[0]             # cash without it lasts 10 months; it comes at 6
    assert (on_time.closes, on_time.needed, on_time.too_late) == (1.0, 1.0, 0.0)
    base["funding"][0]["month"] = 14                                 # now it comes four months too late
    late = simulate(parse_scenario(base)).rounds[0]
    assert (late.needed, late.too_late) == (1.0, 1.0)


@pytest.mark.parametrize("preset", ["company_b_data_assistant", "capital_winter_round_slips"])
def test_every_stress_moves_the_odds_the_expected_way(preset):
    s = replace_fields(load_scenario(f"sample_data/{preset}.yaml"), {"risk.paths": 2000})
    base = simulate(s)
    for stress in STRESSES:
        stressed = simulate(s, (stress,))
        assert np.all(stressed.survival <= base.survival + 1e-12), stress
        assert stressed.runway.mean() <= base.runway.mean() + 1e-12, stress
    everything = simulate(s, STRESSES)
    assert everything.runway.mean() <= min(simulate(s, (x,)).runway.mean() for x in STRESSES)


def test_the_stress_table_compares_each_stress_and_all_of_them_with_the_base():
    s = replace_fields(load_scenario("sample_data/company_b_data_assistant.yaml"), {"risk.paths": 2000})
    rows = stress_table(s, ("delay_6", "gpu_50"))
    assert [r.stresses for r in rows] == [(), ("delay_6",), ("gpu_50",), ("delay_6", "gpu_50")]
    assert rows[0].runway_change == 0 and rows[0].survival_change == 0
    direct = simulate(s, ("gpu_50",))
    assert rows[2].survival == direct.survival_at(18)
    assert rows[2].survival_change == pytest.approx(direct.survival_at(18) - simulate(s).survival_at(18))
    assert rows[3].survival <= min(rows[1].survival, rows[2].survival)
    with pytest.raises(ValueError, match="unknown stress 'flood'"):
        simulate(s, ("flood",))


def test_a_tornado_bar_equals_a_simulation_with_that_input_fixed():
    s = load_scenario("sample_data/company_b_data_assistant.yaml")
    base, bars = tornado(s, "runway", paths=1000)
    gpu = next(b for b in bars if b.key == "ai_costs.gpu_price_per_hour")
    fixed = replace_fields(s, {"risk.inputs": {"ai_costs.gpu_price_per_hour": normal(gpu.high, 0).model_dump()}})
    assert metric_value(simulate(fixed, paths=1000), "runway", 18) == pytest.approx(gpu.metric_high)
    assert base == pytest.approx(metric_value(simulate(s, paths=1000), "runway", 18))
    assert gpu.low == pytest.approx(0.7 * 2.5) and gpu.high == pytest.approx(1.5 * 2.5)
    assert [b.swing for b in bars] == sorted((b.swing for b in bars), reverse=True)


def test_the_tornado_ranking_is_stable_across_seeds_on_a_clear_cut_case():
    """Whether the round closes > its haircut > a little price noise > a delay that is always 0."""
    s = parse_scenario({
        "company": {"name": "Clear", "starting_cash": 200_000}, "settings": {"horizon_months": 48},
        "streams": [{"kind": "data", "name": "Data", "contracts": 10, "fee_per_contract_month": 500}],
        "opex": {"other_per_month": 30_000},
        "funding": [{"name": "Series A", "month": 4, "amount": 720_000}],
        "risk": {"default_inputs": False, "rounds": {"Series A": {
                     "probability": 0.6, "delay_months": triangular(0, 0, 0).model_dump(),
                     "valuation_haircut": {"kind": "uniform", "low": 0, "high": 0.6}}},
                 "inputs": {"streams[0].fee_per_contract_month": range90(450, 550).model_dump()}},
    })
    orders = [[b.key for b in tornado(replace_fields(s, {"risk.seed": seed}), "runway", paths=1000)[1]] for seed in (1, 2, 3)]
    assert orders[0] == ["funding[0].closes", "funding[0].haircut", "streams[0].fee_per_contract_month", "funding[0].delay"]
    assert orders[0] == orders[1] == orders[2]


@budget(15)
@given(scenarios())
def test_survival_starts_at_one_never_rises_and_every_output_is_finite(scenario):
    r = simulate(replace_fields(scenario, {"risk.paths": 1000}))
    assert r.survival[0] == 1.0
    assert np.all(np.diff(r.survival) <= 0) and np.all((0 <= r.survival) & (r.survival <= 1))
    assert np.isfinite(r.cash_bands).all() and np.isfinite(r.npv).all() and math.isfinite(r.expected_shortfall)
    assert np.all(r.cash_bands[:-1] <= r.cash_bands[1:] + 1e-6)  # percentile bands are ordered


def test_results_do_not_depend_on_how_paths_are_chunked(monkeypatch):
    s = replace_fields(load_scenario("sample_data/company_b_data_assistant.yaml"), {"risk.paths": 3000})
    whole = simulate(s)
    monkeypatch.setattr(risk, "CHUNK", 777)
    chunked = simulate(s)
    np.testing.assert_allclose(whole.cash_bands, chunked.cash_bands, rtol=1e-12, atol=1e-6)  # chunks may take other kernels
    np.testing.assert_allclose(whole.npv, chunked.npv, rtol=1e-12)  # BLAS may sum a dot product in another order
    assert whole.rounds == chunked.rounds and whole.default_alive == chunked.default_alive


def test_the_summary_names_the_largest_driver_only_when_it_matters():
    from core.analysis.risk import TornadoBar
    from core.present.report import risk_summary

    s = replace_fields(load_scenario("sample_data/company_b_data_assistant.yaml"), {"risk.paths": 2000})
    r = simulate(s)
    share = f"{100 * r.survival_at(18):.0f}%"
    big = [TornadoBar("funding[0].delay", 1, 6, 40.0, 30.0), TornadoBar("streams[0].churn_monthly", 0.02, 0.04, 36, 35)]
    text = risk_summary(r, 36.0, big, "runway", s)
    assert text.startswith(f"In {share} of 2,000 simulated futures the company still has cash at month 18; "
                           "the largest driver of the mean runway is Series A: delay (months).")
    low, median, high = (np.percentile(r.runway, q) for q in (5, 50, 95))
    assert low < r.months <= median <= high  # Company B's median future outlives the 60-month plan: "60+"
    assert f"Median runway 60+ months (5–95%: {low:.0f}–60+)" in text
    tiny = [TornadoBar("funding[0].delay", 1, 6, 36.1, 36.0)]
    assert "no uncertain input moves the mean runway by more than 1%" in risk_summary(r, 36.0, tiny, "runway", s)
    assert risk_summary(r, 36.0, big, "runway", s, ("gpu_50",)).startswith(f"Under GPU cost +50%, in {share} of")


def test_a_runway_at_the_horizon_reads_as_a_lower_bound_in_the_summary_and_the_card():
    """The investor view showed "> 60 months" on the card and "Median runway 60 months (5–95%: 29–60)" under it."""
    from core.present.report import risk_kpis, risk_summary

    s = replace_fields(load_scenario("sample_data/company_b_data_assistant.yaml"),
                       {"risk.paths": 1000, "company.starting_cash": 1e9})
    r = simulate(s)
    assert np.percentile(r.runway, 5) >= r.months  # every future outlives the plan
    text = risk_summary(r, 36.0, [], "runway", s)
    assert f"Median runway {r.months}+ months (5–95%: {r.months}+–{r.months}+)" in text
    card = next(k for k in risk_kpis(r, s) if k.key == "median_runway")
    assert (card.value, card.note) == (f"> {r.months} months", f"5–95%: {r.months}+–{r.months}+ months")


def test_the_growth_churn_correlation_is_set_on_every_subscription_and_removed_at_zero():
    s = load_scenario("sample_data/capital_winter_round_slips.yaml")      # one pair, set to -0.4 in the file
    pair = ("streams[1].new_customer_growth_monthly", "streams[1].churn_monthly")
    assert risk.growth_churn_pairs(s) == [pair] and risk.growth_churn_rank(s) == -0.4
    stronger = replace_fields(s, {"risk.correlations": risk.with_growth_churn_rank(s, -0.8)})
    assert [(c.a, c.b, c.rank) for c in stronger.risk.correlations] == [(*pair, -0.8)]
    assert replace_fields(s, {"risk.correlations": risk.with_growth_churn_rank(s, 0.0)}).risk.correlations == []


def test_tornado_labels_name_the_input_and_the_range_it_is_moved_over():
    from core.analysis.risk import TornadoBar
    from core.present.report import tornado_labels

    s = load_scenario("sample_data/company_b_data_assistant.yaml")
    bars = [TornadoBar("funding[0].closes", 0.0, 1.0, 20, 50), TornadoBar("ai_costs.gpu_price_per_hour", 1.75, 3.75, 40, 30),
            TornadoBar("streams[0].churn_monthly", 0.0167, 0.0375, 36, 35)]
    assert tornado_labels(s, bars) == ["Series A: closes (fails – closes)", "GPU price per hour ($1.75 – $3.75)",
                                       "Analyst seats: churn (per month) (1.7% – 3.8%)"]


# --- each stress's size on the same draws, the copula's conversion, defaults, round odds -----------------------------

B = load_scenario("sample_data/company_b_data_assistant.yaml")


def same_law(dist, kind, **params):
    data = dist.model_dump()
    assert data.pop("kind") == kind
    assert data == pytest.approx(params)
    return True


def draws_of(s, stresses=(), paths=400):
    inputs = risk.uncertain_inputs(s)
    return risk.engine_draws(s, inputs, risk.draw_normals(s, inputs, paths), stresses)


def test_each_stress_changes_exactly_its_inputs_by_its_documented_size():
    s = B
    base = draws_of(s)
    expected = {
        "delay_6": {"funding[0].month": np.minimum(base["funding[0].month"] + 6, 240)},
        "delay_12": {"funding[0].month": np.minimum(base["funding[0].month"] + 12, 240)},
        "valuation_30": {"funding[0].amount": 0.7 * base["funding[0].amount"]},
        "growth_30": {k: base[k] - 0.3 * np.abs(base[k]) for k in ("streams[0].new_customer_growth_monthly",
                                                                    "streams[1].volume_growth_monthly")},
        "churn_50": {"streams[0].churn_monthly": np.minimum(0.9, 1.5 * base["streams[0].churn_monthly"])},
        "gpu_50": {"ai_costs.gpu_price_per_hour": 1.5 * base["ai_costs.gpu_price_per_hour"]},
    }
    for stress, changes in expected.items():
        stressed = draws_of(s, (stress,))
        assert set(stressed) == set(base), stress
        for key in base:
            np.testing.assert_allclose(stressed[key], changes.get(key, base[key]), rtol=1e-12, err_msg=f"{stress}: {key}")


def test_half_the_probability_fails_the_round_on_exactly_the_draws_above_half_of_it():
    s = replace_fields(B, {"risk.rounds": {"Series A": {"probability": 0.8}}})
    inputs = risk.uncertain_inputs(s)
    z = risk.draw_normals(s, inputs, 2000)
    u = stats.norm.cdf(z[:, [i.key for i in inputs].index("funding[0].closes")])
    base, half = risk.engine_draws(s, inputs, z), risk.engine_draws(s, inputs, z, ("probability_half",))
    np.testing.assert_array_equal(base["funding[0].amount"] > 0, u < 0.8)
    np.testing.assert_array_equal(half["funding[0].amount"] > 0, u < 0.4)
    np.testing.assert_array_equal(half["funding[0].month"], base["funding[0].month"])
    closed = half["funding[0].amount"] > 0
    np.testing.assert_allclose(half["funding[0].amount"][closed], base["funding[0].amount"][closed])


def test_all_stresses_together_are_each_stress_applied_in_turn():
    s = B
    base, every = draws_of(s), draws_of(s, STRESSES)
    np.testing.assert_allclose(every["funding[0].month"], np.minimum(base["funding[0].month"] + 18, 240))   # 6 + 12 months
    half = draws_of(s, ("probability_half",))
    np.testing.assert_allclose(every["funding[0].amount"], 0.7 * half["funding[0].amount"])
    np.testing.assert_allclose(every["streams[0].churn_monthly"], draws_of(s, ("churn_50",))["streams[0].churn_monthly"])
    np.testing.assert_allclose(every["ai_costs.gpu_price_per_hour"], draws_of(s, ("gpu_50",))["ai_costs.gpu_price_per_hour"])
    g = "streams[0].new_customer_growth_monthly"
    np.testing.assert_allclose(every[g], draws_of(s, ("growth_30",))[g])
    both = draws_of(s, ("delay_6", "delay_12"))
    np.testing.assert_allclose(both["funding[0].month"], draws_of(s, ("delay_12",))["funding[0].month"] + 6)


def test_a_delay_of_six_months_moves_the_round_and_its_cash_six_months_later():
    base = {"company": {"name": "R", "starting_cash": 100_000}, "settings": {"horizon_months": 36},
            "opex": {"other_per_month": BURN}, "funding": [{"name": "Seed", "month": 6, "amount": 1e6}],
            "risk": {"default_inputs": False, "paths": 1000, "rounds": {"Seed": {
                "probability": 1, "delay_months": triangular(0, 0, 0).model_dump(),
                "valuation_haircut": triangular(0, 0, 0).model_dump()}}}}
    s = parse_scenario(base)
    for stress, months in (("delay_6", 6), ("delay_12", 12)):
        r = simulate(s, (stress,))
        moved = project(replace_fields(s, {"funding[0].month": 6 + months}))
        for band in r.cash_bands:
            np.testing.assert_allclose(band, moved.cash[0])
    late = simulate(s, ("delay_6", "delay_12"))   # at month 24: cash without it lasts 10 months
    assert late.rounds[0].too_late == 1.0 and np.all(late.runway == 10)
    halved = simulate(s, ("valuation_30",))
    np.testing.assert_allclose(halved.cash_bands[2], project(replace_fields(s, {"funding[0].amount": 7e5})).cash[0])


def test_a_round_delayed_past_240_months_is_kept_at_month_240():
    s = replace_fields(B, {"risk.rounds": {"Series A": {"delay_months": {"kind": "normal", "mean": 500, "sd": 0}}}})
    assert np.all(draws_of(s)["funding[0].month"] == 240.0)


def test_the_copula_uses_pearson_2_sin_pi_r_over_6():
    s = replace_fields(B, {"risk.correlations": [{"a": "streams[0].new_customer_growth_monthly",
                                                  "b": "streams[0].churn_monthly", "rank": -0.6}]})
    inputs = risk.uncertain_inputs(s)
    keys = [u.key for u in inputs]
    n = 500
    z = risk.draw_normals(s, inputs, n)
    independent = np.column_stack([np.random.default_rng([s.risk.seed, zlib.crc32(k.encode())]).standard_normal(n)
                                   for k in keys])
    r = np.eye(len(keys))
    a, b = keys.index("streams[0].new_customer_growth_monthly"), keys.index("streams[0].churn_monthly")
    r[a, b] = r[b, a] = 2 * math.sin(math.pi * -0.6 / 6)          # -0.6180...: Spearman -0.6 for a normal copula
    np.testing.assert_allclose(z, independent @ np.linalg.cholesky(r).T, rtol=1e-12, atol=1e-12)
    uncorrelated = replace_fields(s, {"risk.correlations": []})
    np.testing.assert_array_equal(risk.draw_normals(uncorrelated, inputs, n), independent)
    assert risk.draw_normals(uncorrelated, inputs).shape == (s.risk.paths, len(keys))


def test_the_copula_is_close_to_its_pearson_on_a_large_sample():
    s = replace_fields(B, {"risk.correlations": [{"a": "streams[0].new_customer_growth_monthly",
                                                  "b": "streams[0].churn_monthly", "rank": 0.9}]})
    inputs = risk.uncertain_inputs(s)
    keys = [u.key for u in inputs]
    z = risk.draw_normals(s, inputs, 200_000)
    a, b = keys.index("streams[0].new_customer_growth_monthly"), keys.index("streams[0].churn_monthly")
    pearson = np.corrcoef(z[:, a], z[:, b])[0, 1]
    # 2 sin(0.15 pi) = 0.9080; the sample error at n = 200,000 is ~0.0004, far below the 0.008 gap to r itself
    assert pearson == pytest.approx(2 * math.sin(math.pi * 0.9 / 6), abs=0.002)
    assert stats.spearmanr(z[:, a], z[:, b]).statistic == pytest.approx(0.9, abs=0.002)


def test_correlation_errors_name_the_correlation_and_side():
    g, c = "streams[0].new_customer_growth_monthly", "streams[0].churn_monthly"
    s = replace_fields(B, {"risk.correlations": [{"a": g, "b": c, "rank": 0.5}, {"a": "opex.marketing_per_month", "b": c,
                                                                                 "rank": 0.5}]})
    with pytest.raises(ScenarioError) as err:
        risk.draw_normals(s, risk.uncertain_inputs(s))
    assert err.value.errors == ["risk.correlations[1].a: opex.marketing_per_month has no distribution"]
    bad = replace_fields(B, {"risk.correlations": [{"a": g, "b": c, "rank": 0.95}, {"a": c, "b": "streams[0].price_per_month",
                                                   "rank": 0.95}, {"a": g, "b": "streams[0].price_per_month", "rank": -0.95}]})
    with pytest.raises(ScenarioError) as err:
        risk.draw_normals(bad, risk.uncertain_inputs(bad))
    assert err.value.errors == ["risk.correlations: these correlations contradict each other"]


def test_default_inputs_of_company_b_by_the_documented_rules():
    d = risk.default_inputs(B)
    assert set(d) == {"streams[0].new_customer_growth_monthly", "streams[0].price_per_month", "streams[0].churn_monthly",
                      "streams[1].volume_growth_monthly", "streams[1].price_per_unit", "ai_costs.gpu_price_per_hour",
                      "ai_costs.cost_decline_yearly", "opex.team[2].start_month"}
    assert d["streams[0].new_customer_growth_monthly"].mean == 0.03                   # sd 30 % of 3 %
    assert d["streams[0].new_customer_growth_monthly"].sd == pytest.approx(0.009)
    assert (d["streams[1].volume_growth_monthly"].mean, d["streams[1].volume_growth_monthly"].sd) == (0.06, pytest.approx(0.018))
    assert same_law(d["streams[0].price_per_month"], "range90", low=1275, high=1575)
    assert same_law(d["streams[1].price_per_unit"], "range90", low=1.7, high=2.1)
    assert same_law(d["streams[0].churn_monthly"], "range90", low=0.025 / 1.5, high=0.0375)
    assert same_law(d["ai_costs.gpu_price_per_hour"], "range90", low=1.75, high=3.75)
    assert same_law(d["ai_costs.cost_decline_yearly"], "triangular", low=0.3, mode=0.5, high=0.6)
    assert same_law(d["opex.team[2].start_month"], "triangular", low=3, mode=4, high=9)


def test_default_inputs_at_their_floors_and_caps():
    s = parse_scenario({"company": {"name": "Edge", "starting_cash": 1},
                        "streams": [{"kind": "subscription", "name": "s", "churn_monthly": 0.8, "price_per_month": 0,
                                     "new_customer_growth_monthly": 0.001},
                                    {"kind": "advertising", "name": "a", "monthly_active_users": 10, "impressions_per_user_month": 1,
                                     "cpm": 2},
                                    {"kind": "usage", "name": "u", "volume_per_month": 1, "price_per_unit": 3}],
                        "ai_costs": {"cost_per_million_tokens": 4, "cost_decline_yearly": 0.1},
                        "opex": {"team": [{"role": "now", "headcount": 1, "cost_per_head_month": 1}]}})
    d = risk.default_inputs(s)
    assert d["streams[0].new_customer_growth_monthly"].sd == 0.005                  # at least half a point a month
    assert same_law(d["streams[0].churn_monthly"], "range90", low=0.8 / 1.5, high=0.9)   # capped at 0.9
    assert "streams[0].price_per_month" not in d and same_law(d["streams[1].cpm"], "range90", low=1.7, high=2.1)
    assert same_law(d["streams[1].mau_growth_monthly"], "normal", mean=0.0, sd=0.005)
    assert same_law(d["streams[2].volume_growth_monthly"], "normal", mean=0.0, sd=0.005)
    assert same_law(d["ai_costs.cost_per_million_tokens"], "range90", low=2.8, high=6.0)
    assert same_law(d["ai_costs.cost_decline_yearly"], "triangular", low=0.0, mode=0.1, high=0.2)  # floored at 0
    assert "opex.team[0].start_month" not in d                                         # already on the team
    high = replace_fields(s, {"ai_costs.cost_decline_yearly": 0.9})
    assert same_law(risk.default_inputs(high)["ai_costs.cost_decline_yearly"], "triangular", low=0.7, mode=0.9, high=0.95)
    no_tokens = replace_fields(s, {"ai_costs.cost_per_million_tokens": 0})
    assert not any(k.startswith("ai_costs") for k in risk.default_inputs(no_tokens))
    no_churn = replace_fields(s, {"streams": [{"kind": "subscription", "name": "s", "churn_monthly": 0, "price_per_month": 1}]})
    assert "streams[0].churn_monthly" not in risk.default_inputs(no_churn)


def test_uncertain_inputs_join_defaults_own_laws_and_round_risks():
    own = normal(1e6, 1e5).model_dump()
    s = replace_fields(B, {"risk.inputs": {"company.starting_cash": own, "streams[0].churn_monthly": normal(0.03, 0).model_dump()}})
    inputs = {u.key: u for u in risk.uncertain_inputs(s)}
    assert inputs["company.starting_cash"].dist == normal(1e6, 1e5)
    assert inputs["streams[0].churn_monthly"].dist == normal(0.03, 0)                     # the scenario's own law wins
    assert inputs["funding[0].closes"] == risk.Uncertain("funding[0].closes", probability=0.8)
    assert inputs["funding[0].delay"].dist == triangular(0, 2, 8) and inputs["funding[0].delay"].probability is None
    assert inputs["funding[0].haircut"].dist == triangular(0, 0.1, 0.4)
    only_own = replace_fields(s, {"risk.default_inputs": False})
    assert [u.key for u in risk.uncertain_inputs(only_own)] == ["company.starting_cash", "streams[0].churn_monthly",
                                                                "funding[0].closes", "funding[0].delay", "funding[0].haircut"]


def test_a_round_at_month_0_is_closed_unless_the_risk_names_it():
    s = replace_fields(B, {"funding": [{"name": "Seed", "month": 0, "amount": 1e6}, {"name": "A", "month": 1, "amount": 2e6}]})
    assert risk.future_rounds(s) == [1]
    named = replace_fields(s, {"risk.rounds": {"Seed": {"probability": 0.5}}})
    assert risk.future_rounds(named) == [0, 1]
    assert [u.key for u in risk.uncertain_inputs(named)][-6:] == [
        "funding[0].closes", "funding[0].delay", "funding[0].haircut", "funding[1].closes", "funding[1].delay", "funding[1].haircut"]


def test_delays_and_haircuts_are_clipped_to_what_a_round_can_have():
    s = replace_fields(B, {"risk.rounds": {"Series A": {"delay_months": normal(0, 30).model_dump(),
                                                        "valuation_haircut": normal(0.5, 3).model_dump()}}})
    inputs = risk.uncertain_inputs(s)
    delay = next(u for u in inputs if u.key == "funding[0].delay")
    haircut = next(u for u in inputs if u.key == "funding[0].haircut")
    z = np.array([-3.0, 0.0, 3.0])
    np.testing.assert_allclose(risk.input_value(s, delay, z), [0.0, 0.0, 90.0])          # no upper limit on a delay
    np.testing.assert_allclose(risk.input_value(s, haircut, z), [0.0, 0.5, 1.0])
    cash = risk.Uncertain("company.starting_cash", normal(0, 1e6))
    np.testing.assert_allclose(risk.input_value(s, cash, z), [0.0, 0.0, 3e6])
    with pytest.raises(ValueError) as err:
        risk.input_value(s, next(u for u in inputs if u.key == "funding[0].closes"), z)
    assert str(err.value) == "funding[0].closes is a probability, not a value"


def test_engine_draws_refuse_an_unknown_stress_by_name():
    with pytest.raises(ValueError) as err:
        draws_of(B, ("flood", "gpu_50", "drought"))
    assert str(err.value) == ("unknown stress 'drought'; known: delay_6, delay_12, probability_half, valuation_30, growth_30, "
                              "churn_50, gpu_50")


def test_engine_draws_carry_the_haircut_delay_and_closing_of_each_path():
    s = replace_fields(B, {"risk.default_inputs": False, "risk.rounds": {"Series A": {
        "probability": 0.5, "delay_months": {"kind": "uniform", "low": 0, "high": 6},
        "valuation_haircut": {"kind": "uniform", "low": 0, "high": 0.5}}}})
    inputs = risk.uncertain_inputs(s)
    z = risk.draw_normals(s, inputs, 300)
    d = risk.engine_draws(s, inputs, z)
    assert set(d) == {"company.starting_cash", "funding[0].month", "funding[0].amount"}
    u = stats.norm.cdf(z)
    np.testing.assert_allclose(d["funding[0].month"], 14 + 6 * u[:, 1])
    np.testing.assert_allclose(d["funding[0].amount"], 8e6 * (1 - 0.5 * u[:, 2]) * (u[:, 0] < 0.5))
    np.testing.assert_allclose(d["company.starting_cash"], 3e6)
    assert all(v.shape == (300,) for v in d.values())


def test_round_odds_when_it_fails_or_is_not_needed():
    base = {"company": {"name": "R", "starting_cash": 100_000}, "settings": {"horizon_months": 36},
            "opex": {"other_per_month": BURN}, "funding": [{"name": "Seed", "month": 6, "amount": 1e6}],
            "risk": {"default_inputs": False, "paths": 1000, "rounds": {"Seed": {
                "probability": 0, "delay_months": triangular(0, 0, 0).model_dump(),
                "valuation_haircut": triangular(0, 0, 0).model_dump()}}}}
    failed = simulate(parse_scenario(base)).rounds[0]
    assert (failed.name, failed.planned_month, failed.closes, failed.needed, failed.too_late) == ("Seed", 6, 0.0, 1.0, 1.0)
    base["company"]["starting_cash"] = 1e7                                      # cash lasts the horizon without it
    spare = simulate(parse_scenario(base)).rounds[0]
    assert (spare.closes, spare.needed, spare.too_late) == (0.0, 0.0, 0.0)
    base["company"]["starting_cash"] = 100_000
    base["funding"][0]["month"] = 10                                            # cash without it lasts exactly 10 months
    base["risk"]["rounds"]["Seed"]["probability"] = 1
    just = simulate(parse_scenario(base)).rounds[0]
    assert (just.closes, just.needed, just.too_late) == (1.0, 1.0, 0.0)
    base["funding"][0]["month"] = 11
    assert simulate(parse_scenario(base)).rounds[0].too_late == 1.0


def test_a_round_without_risk_settings_counts_as_closing_when_it_has_an_amount():
    s = parse_scenario({"company": {"name": "R", "starting_cash": 100_000}, "settings": {"horizon_months": 24},
                        "opex": {"other_per_month": BURN},
                        "funding": [{"name": "Seed", "month": 0, "amount": 1e5}, {"name": "Zero", "month": 0, "amount": 0}],
                        "risk": {"default_inputs": False, "paths": 1000}})
    r = simulate(s)
    assert [(o.name, o.closes, o.needed, o.too_late) for o in r.rounds] == [("Seed", 1.0, 1.0, 0.0), ("Zero", 0.0, 1.0, 1.0)]
    assert np.all(r.runway == 20)


def test_survival_runway_bands_and_shortfall_of_a_uniform_cash_by_hand():
    # starting cash uniform on 0..360,000, burn 10,000 a month: runway m months iff cash in [10,000 m, 10,000 (m + 1))
    s = burner(Uniform(low=0, high=360_000), paths=4000, horizon=36)
    r = simulate(s)
    cash0 = np.clip(ppf(s.risk.inputs["company.starting_cash"], risk.draw_normals(s, risk.uncertain_inputs(s))[:, 0]), 0, None)
    runway = np.minimum(np.floor(cash0 / BURN + 1e-12).astype(int), 36)
    np.testing.assert_array_equal(r.runway, runway)
    np.testing.assert_allclose(r.survival, [np.mean(runway >= m) for m in range(37)])
    assert r.survival.shape == (37,) and r.months == 36 and r.paths == 4000 and r.seed == s.risk.seed
    cash = cash0[:, None] - BURN * np.arange(1, 37)
    np.testing.assert_allclose(r.cash_bands, np.percentile(cash, risk.PERCENTILES, axis=0))
    assert r.expected_shortfall == pytest.approx(np.maximum(0, 360_000 - cash0).mean())
    np.testing.assert_allclose(r.npv, scenario_npv(np.full((1, 36), -BURN), s.settings)[0])
    assert r.default_alive == 0.0
    assert r.survival_at(500) == r.survival[36] and r.survival_at(12) == r.survival[12]


def test_metric_values_by_hand():
    r = risk.RiskResult(paths=4, seed=1, months=3, cash_bands=np.zeros((5, 3)), survival=np.array([1.0, 0.75, 0.5, 0.25]),
                        runway=np.array([0, 1, 2, 3]), npv=np.array([1.0, 2.0, 3.0, 10.0]), default_alive=0.5,
                        expected_shortfall=0.0, rounds=())
    assert metric_value(r, "runway", 2) == 1.5 and metric_value(r, "npv", 2) == 4.0
    assert metric_value(r, "survival", 2) == 50.0 and metric_value(r, "survival", 99) == 25.0


def test_the_stress_table_rows_by_hand():
    s = B
    rows = stress_table(s, ("gpu_50",), paths=500)
    assert [r.stresses for r in rows] == [(), ("gpu_50",)]                      # one stress: no "all together" row
    base, gpu = simulate(s, paths=500), simulate(s, ("gpu_50",), paths=500)
    assert rows[1].median_runway == float(np.median(gpu.runway))
    assert rows[1].runway_change == pytest.approx(np.median(gpu.runway) - np.median(base.runway))
    assert rows[1].survival == gpu.survival_at(18) and rows[0].survival == base.survival_at(18)
    assert rows[0].median_runway == float(np.median(base.runway))
    month9 = stress_table(replace_fields(s, {"risk.survival_month": 9}), ("gpu_50",), paths=500)
    assert month9[1].survival == gpu.survival_at(9)
    assert [r.stresses for r in stress_table(s, (), paths=500)] == [()]


def test_a_tornado_bar_for_a_round_runs_it_failed_and_closed():
    s = parse_scenario({
        "company": {"name": "Clear", "starting_cash": 200_000}, "settings": {"horizon_months": 48},
        "opex": {"other_per_month": 30_000},
        "funding": [{"name": "Series A", "month": 4, "amount": 720_000}],
        "risk": {"default_inputs": False, "paths": 1000, "rounds": {"Series A": {
            "probability": 0.6, "delay_months": triangular(0, 0, 0).model_dump(),
            "valuation_haircut": triangular(0, 0, 0).model_dump()}},
            "inputs": {"opex.other_per_month": range90(27_000, 33_000).model_dump()}},
    })
    base, bars = tornado(s, "runway", paths=300)
    closes = next(b for b in bars if b.key == "funding[0].closes")
    assert (closes.low, closes.high) == (0.0, 1.0)
    failed = project(replace_fields(s, {"funding[0].amount": 0}))

    def sure(probability):
        rr = {"probability": probability, "delay_months": triangular(0, 0, 0).model_dump(),
              "valuation_haircut": triangular(0, 0, 0).model_dump()}
        return metric_value(simulate(replace_fields(s, {"risk.rounds": {"Series A": rr}}), paths=300), "runway", 18)

    assert closes.metric_low == pytest.approx(sure(0.0)) and closes.metric_high == pytest.approx(sure(1.0))
    assert closes.metric_low < closes.metric_high and runway_months(failed.cash)[0] == 6
    cost = next(b for b in bars if b.key == "opex.other_per_month")
    assert (cost.low, cost.high) == (pytest.approx(27_000), pytest.approx(33_000))
    assert closes.swing == abs(closes.metric_high - closes.metric_low) and bars[0] is closes
    assert base == pytest.approx(metric_value(simulate(s, paths=300), "runway", 18))
    stressed_base, _ = tornado(s, "survival", paths=300, stresses=("valuation_30",))
    assert stressed_base == pytest.approx(metric_value(simulate(s, ("valuation_30",), paths=300), "survival", 18))
    npv_base, _ = tornado(s, "npv", paths=300)
    assert npv_base == pytest.approx(metric_value(simulate(s, paths=300), "npv", 18))


def test_stresses_apply_to_inputs_that_are_not_drawn():
    s = parse_scenario({"company": {"name": "Fixed", "starting_cash": 1e6}, "settings": {"horizon_months": 24},
                        "streams": [{"kind": "subscription", "name": "s", "starting_customers": 10, "churn_monthly": 0.4,
                                     "new_customer_growth_monthly": -0.02, "price_per_month": 100, "mtok_per_customer_month": 1}],
                        "ai_costs": {"cost_per_million_tokens": 4.0},
                        "risk": {"default_inputs": False, "paths": 1000}})
    inputs = risk.uncertain_inputs(s)
    assert inputs == []
    d = risk.engine_draws(s, inputs, np.zeros((5, 0)), ("growth_30", "churn_50", "gpu_50"))
    assert set(d) == {"company.starting_cash", "streams[0].new_customer_growth_monthly", "streams[0].churn_monthly",
                      "ai_costs.cost_per_million_tokens"}
    np.testing.assert_allclose(d["streams[0].new_customer_growth_monthly"], -0.026)    # -0.02 - 0.3 x 0.02
    np.testing.assert_allclose(d["streams[0].churn_monthly"], 0.6)
    np.testing.assert_allclose(d["ai_costs.cost_per_million_tokens"], 6.0)
    np.testing.assert_allclose(d["company.starting_cash"], 1e6)
    assert all(v.shape == (5,) for v in d.values())
    stressed = simulate(s, ("churn_50",))
    direct = project(replace_fields(s, {"streams[0].churn_monthly": 0.6}))
    np.testing.assert_allclose(stressed.cash_bands[2], direct.cash[0])
    assert risk.engine_draws(s, inputs, np.zeros((2, 0)), ("gpu_50",)).keys() == {"company.starting_cash",
                                                                                   "ai_costs.cost_per_million_tokens"}


def test_a_drawn_round_month_gets_the_delay_added():
    s = replace_fields(B, {"risk.default_inputs": False,
                           "risk.inputs": {"funding[0].month": {"kind": "uniform", "low": 10, "high": 20},
                                           "funding[0].amount": {"kind": "uniform", "low": 1e6, "high": 2e6}},
                           "risk.rounds": {"Series A": {"probability": 1, "delay_months": {"kind": "uniform", "low": 0, "high": 4},
                                                        "valuation_haircut": {"kind": "uniform", "low": 0, "high": 0.5}}}})
    inputs = risk.uncertain_inputs(s)
    keys = [u.key for u in inputs]
    z = risk.draw_normals(s, inputs, 200)
    u = stats.norm.cdf(z)
    d = risk.engine_draws(s, inputs, z, ("delay_6",))
    np.testing.assert_allclose(d["funding[0].month"], 10 + 10 * u[:, keys.index("funding[0].month")]
                               + 4 * u[:, keys.index("funding[0].delay")] + 6)
    np.testing.assert_allclose(d["funding[0].amount"], (1e6 + 1e6 * u[:, keys.index("funding[0].amount")])
                               * (1 - 0.5 * u[:, keys.index("funding[0].haircut")]))


def test_a_price_below_one_still_gets_its_realised_price_range():
    s = parse_scenario({"company": {"name": "Cheap", "starting_cash": 1},
                        "streams": [{"kind": "usage", "name": "u", "volume_per_month": 1, "price_per_unit": 0.4}]})
    assert same_law(risk.default_inputs(s)["streams[0].price_per_unit"], "range90", low=0.34, high=0.42)


def test_without_round_inputs_a_future_round_closes_in_full_on_time():
    d = risk.engine_draws(B, [], np.zeros((3, 0)))
    np.testing.assert_allclose(d["funding[0].amount"], 8e6)
    np.testing.assert_allclose(d["funding[0].month"], 14)
    stressed = risk.engine_draws(B, [], np.zeros((3, 0)), ("delay_12", "valuation_30"))
    np.testing.assert_allclose(stressed["funding[0].amount"], 0.7 * 8e6)
    np.testing.assert_allclose(stressed["funding[0].month"], 26)


def test_with_round_probability_changes_that_rounds_probability_only():
    named = replace_fields(B, {"risk.rounds": {"Series A": {"probability": 0.5, "delay_months": normal(3, 0).model_dump()}}})
    rounds = risk.with_round_probability(named, "Series A", 0.9)
    assert rounds == {"Series A": {**named.risk.rounds["Series A"].model_dump(), "probability": 0.9}}
    fresh = risk.with_round_probability(B, "Series A", 0.25)                  # not named yet: the default risks
    assert fresh == {"Series A": {**risk.RoundRisk().model_dump(), "probability": 0.25}}
    two = replace_fields(B, {"funding": [{"name": "Series A", "month": 14, "amount": 8e6}, {"name": "B", "month": 30, "amount": 1e7}],
                             "risk.rounds": {"B": {"probability": 0.4}}})
    both = risk.with_round_probability(two, "Series A", 0.7)
    assert both["B"] == two.risk.rounds["B"].model_dump() and both["Series A"]["probability"] == 0.7
    assert replace_fields(B, {"risk.rounds": fresh}).risk.rounds["Series A"].probability == 0.25


def test_range90_from_zero_is_normal_and_from_below_one_lognormal():
    z = np.array([-Z95, 0.0, Z95])
    np.testing.assert_allclose(ppf(range90(0.0, 4.0), z), [0.0, 2.0, 4.0])
    np.testing.assert_allclose(ppf(range90(0.5, 2.0), z), [0.5, 1.0, 2.0])     # median sqrt(0.5 x 2) = 1


def test_a_hire_in_month_1_is_uncertain_and_churn_stresses_cap_at_90_percent():
    s = parse_scenario({"company": {"name": "x", "starting_cash": 1e6},
                        "streams": [{"kind": "subscription", "name": "s", "churn_monthly": 0.7, "price_per_month": 1}],
                        "opex": {"team": [{"role": "r", "headcount": 1, "cost_per_head_month": 1, "start_month": 1}]},
                        "risk": {"default_inputs": False}})
    assert same_law(risk.default_inputs(s)["opex.team[0].start_month"], "triangular", low=1, mode=2, high=7)
    np.testing.assert_allclose(risk.engine_draws(s, [], np.zeros((2, 0)), ("churn_50",))["streams[0].churn_monthly"], 0.9)
    # no token cost: the GPU stress has nothing to raise
    assert set(risk.engine_draws(s, [], np.zeros((2, 0)), ("gpu_50",))) == {"company.starting_cash"}


def test_growth_and_churn_pair_only_when_both_are_uncertain_and_no_correlation_is_rank_0():
    assert risk.growth_churn_rank(B) == 0.0 and risk.growth_churn_pairs(B) == [
        ("streams[0].new_customer_growth_monthly", "streams[0].churn_monthly")]
    no_churn = parse_scenario({**B.model_dump(mode="json"),
                               "streams": [{**B.streams[0].model_dump(mode="json"), "churn_monthly": 0}]})
    assert risk.growth_churn_pairs(no_churn) == []                          # churn 0 has no default law


def test_a_round_of_less_than_one_counts_as_closing():
    s = parse_scenario({"company": {"name": "R", "starting_cash": 100_000}, "settings": {"horizon_months": 24},
                        "opex": {"other_per_month": BURN},
                        "funding": [{"name": "Small", "month": 0, "amount": 0.5}, {"name": "Later", "month": 3, "amount": 0.5}],
                        "risk": {"default_inputs": False, "paths": 1000, "rounds": {"Later": {
                            "probability": 1, "delay_months": triangular(0, 0, 0).model_dump(),
                            "valuation_haircut": triangular(0, 0, 0).model_dump()}}}})
    assert [o.closes for o in simulate(s).rounds] == [1.0, 1.0]


def test_the_tornado_defaults_to_the_mean_runway_over_2000_paths_and_keeps_its_stresses():
    s = parse_scenario({
        "company": {"name": "Clear", "starting_cash": 200_000}, "settings": {"horizon_months": 48},
        "opex": {"other_per_month": 30_000}, "funding": [{"name": "Series A", "month": 4, "amount": 720_000}],
        "risk": {"default_inputs": False, "rounds": {"Series A": {
            "probability": 0.6, "delay_months": triangular(0, 0, 0).model_dump(),
            "valuation_haircut": triangular(0, 0, 0).model_dump()}}}})
    base, _ = tornado(s)
    assert base == pytest.approx(metric_value(simulate(s, paths=2000), "runway", 18))
    late, _ = tornado(s, "runway", paths=500, stresses=("delay_12",))
    assert late == pytest.approx(metric_value(simulate(s, ("delay_12",), paths=500), "runway", 18))
    assert late < tornado(s, "runway", paths=500)[0]


def test_paths_projected_in_chunks_are_each_path_once_in_order():
    inputs = risk.uncertain_inputs(B)
    draws = risk.engine_draws(B, inputs, risk.draw_normals(B, inputs, 2 * risk.CHUNK + 7))
    joined = risk.project_paths(B, draws)
    whole = project(B, draws)
    assert joined["cash"].shape == whole.cash.shape == (2 * risk.CHUNK + 7, 60)
    np.testing.assert_allclose(joined["cash"], whole.cash, rtol=1e-12, atol=1e-6)
    assert joined["closes"].shape == (2 * risk.CHUNK + 7, 1) and joined["alive"].shape == (2 * risk.CHUNK + 7,)


def test_default_inputs_accept_a_cost_decline_above_95_percent():
    """A yearly inference-cost decline may be up to 99 % (the pillars' "cost_decline" move makes 0.99); its default law
    (20 points lower to 10 points higher, capped at 95 %) must still be a valid triangular around it, and the
    simulation must run."""
    s = parse_scenario({"company": {"name": "Fast", "starting_cash": 1e6},
                        "ai_costs": {"cost_per_million_tokens": 2, "cost_decline_yearly": 0.97}})
    law = risk.default_inputs(s)["ai_costs.cost_decline_yearly"]
    assert law.low <= 0.97 == law.mode <= law.high <= 0.99
    assert simulate(s, paths=1000).paths == 1000


def test_a_request_over_the_work_budget_is_refused_with_the_paths_that_would_fit():
    from core.analysis.risk import WORK_BUDGET, check_work

    stream = {"kind": "data", "name": "x", "contracts": 1, "fee_per_contract_month": 1}
    big = parse_scenario({"company": {"name": "Big", "starting_cash": 1e6}, "settings": {"horizon_months": 120},
                          "streams": [stream] * 20, "risk": {"paths": 100_000}})
    with pytest.raises(ScenarioError) as refused:
        simulate(big)
    (problem,) = refused.value.problems
    assert problem.path == "risk.paths" and problem.values["work"] == 100_000 * 120 * 21
    fits = problem.values["paths"]
    assert fits * 120 * 21 <= WORK_BUDGET < (fits + 1) * 120 * 21   # the most paths that fit, exactly
    check_work(big, fits)                                           # ... which is allowed
    with pytest.raises(ScenarioError, match=r"risk\.paths"):
        tornado(big)                                                # 2,000 paths, but once per input end


# --- one pass for every tornado metric; the stress table's base row; display-only fields ------------------------------


def test_one_sensitivity_pass_gives_the_tornado_of_every_metric_and_any_survival_month():
    s = replace_fields(load_scenario("sample_data/company_b_data_assistant.yaml"), {"risk.survival_month": 12})
    once = risk.sensitivity(s, paths=300, stresses=("gpu_50",))
    for metric in ("runway", "npv", "survival"):
        base, bars = tornado(s, metric, paths=300, stresses=("gpu_50",))
        again, same = once.tornado(metric, 12)
        assert again == pytest.approx(base) and [b.key for b in same] == [b.key for b in bars]
        for a, b in zip(same, bars, strict=True):
            assert (a.low, a.high) == pytest.approx((b.low, b.high))
            assert (a.metric_low, a.metric_high) == pytest.approx((b.metric_low, b.metric_high))
    at30 = tornado(replace_fields(s, {"risk.survival_month": 30}), "survival", paths=300, stresses=("gpu_50",))
    assert once.tornado("survival", 30)[0] == pytest.approx(at30[0])


def test_the_stress_table_reuses_a_base_simulation_it_is_given():
    s = replace_fields(load_scenario("sample_data/company_b_data_assistant.yaml"), {"risk.paths": 1000})
    base = simulate(s)
    given_base = stress_table(s, ("delay_6", "gpu_50"), base=base)
    for a, b in zip(given_base, stress_table(s, ("delay_6", "gpu_50")), strict=True):
        assert a.stresses == b.stresses
        assert (a.median_runway, a.survival, a.runway_change, a.survival_change) == pytest.approx(
            (b.median_runway, b.survival, b.runway_change, b.survival_change))
    assert risk.stress_rows(risk.stress_outcomes(s, ("gpu_50",)), 18) == stress_table(s, ("gpu_50",))
    with pytest.raises(ValueError, match="400 paths and seed 2026, not 1000"):
        stress_table(s, ("gpu_50",), base=simulate(s, paths=400))


def test_simulation_inputs_drop_only_what_no_simulation_reads():
    s = load_scenario("sample_data/company_b_data_assistant.yaml")
    shown = replace_fields(s, {"risk.survival_month": 30, "strategy.pillar_weights.market": 7.0})
    assert risk.simulation_inputs(shown).model_dump_json() == risk.simulation_inputs(s).model_dump_json()
    assert risk.simulation_inputs(replace_fields(s, {"risk.seed": 9})) != risk.simulation_inputs(s)
    np.testing.assert_array_equal(simulate(risk.simulation_inputs(shown), paths=300).runway, simulate(shown, paths=300).runway)


def test_a_role_with_attrition_draws_it_and_more_of_it_never_helps():
    """Attrition 3 % a month: 90 % range 2 % to 4.5 %; capped at 50 %; a role without attrition draws none."""
    from core.present.report import input_label

    talent = {"opex.team[0].attrition_monthly": 0.03, "opex.team[0].replacement_cost": 50_000}
    s = replace_fields(B, talent)
    d = risk.default_inputs(s)
    assert same_law(d["opex.team[0].attrition_monthly"], "range90", low=0.02, high=0.045)
    assert not any("attrition" in k for k in risk.default_inputs(B))
    capped = risk.default_inputs(replace_fields(B, {"opex.team[0].attrition_monthly": 0.4}))
    assert same_law(capped["opex.team[0].attrition_monthly"], "range90", low=0.4 / 1.5, high=0.5)
    _, bars = tornado(s, "runway", paths=300)
    bar = next(b for b in bars if b.key == "opex.team[0].attrition_monthly")
    assert bar.low == pytest.approx(0.02) and bar.high == pytest.approx(0.045)
    assert bar.metric_high <= bar.metric_low                          # more people leaving: never more runway
    assert input_label(s, bar.key) == f"{s.opex.team[0].role}: attrition (per month)"
    assert input_label(s, bar.key, "zh").endswith("离职率（每月）")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_numeric_field_a_tornado_may_name_reads_in_the_readers_words(lang):
    """A tornado bar names its field by a catalogue label (a short ``field.*`` one, else the editor's), never by its
    raw name: a new field needs no label of its own for the Risk lab. Every numeric field of every preset, and the
    rounds' own inputs."""
    from pathlib import Path

    from core.analysis.risk import uncertain_inputs
    from core.i18n import STRINGS
    from core.model import SPECS, generic
    from core.present.report import input_label
    from core.storage.exports import flatten

    names = [v for k, v in STRINGS[lang].items() if k.startswith(("field.", "edit.")) and not k.endswith(".help")]
    for preset in sorted(Path("sample_data").glob("*.yaml")):
        s = load_scenario(preset)
        keys = {u.key for u in uncertain_inputs(s)} | {
            path for path, value, _ in flatten(s.model_dump(mode="json"))
            if isinstance(value, int | float) and not isinstance(value, bool) and generic(path) in SPECS}
        for key in sorted(keys):
            label = input_label(s, key, lang)
            assert any(label.lower().endswith(name.lower()) for name in names), (preset.stem, key, label)


def test_a_term_of_the_plan_named_as_uncertain_is_refused_by_name_and_every_forecast_can_be_drawn():
    from core.engine.projection import drawable_inputs
    from tests.core.engine.test_projection import every_kind, when_money_moves

    s = when_money_moves(every_kind(24), "china")
    drawable = drawable_inputs(s)
    for path in sorted(drawable):  # each one the engine reads can be drawn on its own, per path
        project(s, {path: np.full(2, float(project_value(s, path)))})
    assert "streams[0].churn_monthly" in drawable and "funding[3].interest_rate_yearly" in drawable  # the loan's
    assert "funding[0].interest_rate_yearly" not in drawable  # an equity round has no rate to draw
    for term in ("streams[0].payment_days", "funding[0].tranches", "settings.horizon_months", "vat.surcharge_rate"):
        uncertain = replace_fields(s, {"risk.inputs": {term: {"kind": "uniform", "low": 0, "high": 1}}})
        with pytest.raises(ScenarioError, match=rf"{re.escape(term)} is a term of the plan, not a forecast") as exc:
            simulate(uncertain, paths=100)
        assert exc.value.localized("zh")[0].endswith("是计划的条款而非预测，模拟无法对其抽样：请改为对数量、增长率、价格、流失率或成本抽样")


def project_value(s, path):
    from core.model import field_value
    return field_value(s.model_dump(), path)
