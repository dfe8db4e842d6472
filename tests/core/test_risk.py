"""Risk lab: distributions, analytic ruin, zero variance, common random numbers, stresses, tornado."""

import math

import numpy as np
import pytest
from hypothesis import given
from scipy import stats

from core import risk
from core.metrics import runway_months, scenario_npv
from core.projection import project
from core.risk import STRESSES, Z95, metric_value, normal, ppf, range90, simulate, stress_table, tornado
from core.scenario import LogNormal, ScenarioError, Uniform, load_scenario, parse_scenario, replace_fields, triangular
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
    np.testing.assert_array_equal(a.cash_bands, b.cash_bands)
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
    np.testing.assert_array_equal(whole.cash_bands, chunked.cash_bands)
    np.testing.assert_allclose(whole.npv, chunked.npv, rtol=1e-12)  # BLAS may sum a dot product in another order
    assert whole.rounds == chunked.rounds and whole.default_alive == chunked.default_alive


def test_the_summary_names_the_largest_driver_only_when_it_matters():
    from core.report import risk_summary
    from core.risk import TornadoBar

    s = replace_fields(load_scenario("sample_data/company_b_data_assistant.yaml"), {"risk.paths": 2000})
    r = simulate(s)
    share = f"{100 * r.survival_at(18):.0f}%"
    big = [TornadoBar("funding[0].delay", 1, 6, 40.0, 30.0), TornadoBar("streams[0].churn_monthly", 0.02, 0.04, 36, 35)]
    text = risk_summary(r, 36.0, big, "runway", s)
    assert text.startswith(f"In {share} of 2,000 simulated futures the company still has cash at month 18; "
                           "the largest driver of the mean runway is Series A: delay (months).")
    low, median, high = (f"{np.percentile(r.runway, q):.0f}" for q in (5, 50, 95))
    assert f"Median runway {median} months (5–95 %: {low}–{high})" in text
    tiny = [TornadoBar("funding[0].delay", 1, 6, 36.1, 36.0)]
    assert "no uncertain input moves the mean runway by more than 1 %" in risk_summary(r, 36.0, tiny, "runway", s)
    assert risk_summary(r, 36.0, big, "runway", s, ("gpu_50",)).startswith(f"Under GPU cost +50 %, in {share} of")


def test_the_growth_churn_correlation_is_set_on_every_subscription_and_removed_at_zero():
    s = load_scenario("sample_data/capital_winter_round_slips.yaml")      # one pair, set to -0.4 in the file
    pair = ("streams[1].new_customer_growth_monthly", "streams[1].churn_monthly")
    assert risk.growth_churn_pairs(s) == [pair] and risk.growth_churn_rank(s) == -0.4
    stronger = replace_fields(s, {"risk.correlations": risk.with_growth_churn_rank(s, -0.8)})
    assert [(c.a, c.b, c.rank) for c in stronger.risk.correlations] == [(*pair, -0.8)]
    assert replace_fields(s, {"risk.correlations": risk.with_growth_churn_rank(s, 0.0)}).risk.correlations == []


def test_tornado_labels_name_the_input_and_the_range_it_is_moved_over():
    from core.report import tornado_labels
    from core.risk import TornadoBar

    s = load_scenario("sample_data/company_b_data_assistant.yaml")
    bars = [TornadoBar("funding[0].closes", 0.0, 1.0, 20, 50), TornadoBar("ai_costs.gpu_price_per_hour", 1.75, 3.75, 40, 30),
            TornadoBar("streams[0].churn_monthly", 0.0167, 0.0375, 36, 35)]
    assert tornado_labels(s, bars) == ["Series A: closes (fails – closes)", "GPU price per hour ($1.75 – $3.75)",
                                       "Analyst seats: churn (per month) (1.7% – 3.8%)"]
