import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bench.fair import TOTALS, fair_project
from core.engine.reference import reference_project
from tests.core.engine.test_projection import every_input_drawn, every_kind
from tests.scenarios import budget, scenarios, three_path_draws


def assert_agrees(scenario, draws=None):
    fair, ref = fair_project(scenario, draws), reference_project(scenario, draws)
    assert tuple(fair) == TOTALS and set(fair) == set(ref)
    for key, values in ref.items():
        scale = 1 + np.abs(values).max()
        np.testing.assert_allclose(fair[key], values, rtol=1e-9, atol=1e-9 * scale, err_msg=key)


@given(scenario=scenarios(), data=st.data())
@budget(40)
def test_the_fair_loop_agrees_with_the_oracle(scenario, data):
    assert_agrees(scenario)
    assert_agrees(scenario, {k: float(v[1]) for k, v in three_path_draws(scenario, data).items()})


def test_the_fair_loop_agrees_with_the_oracle_on_every_kind_with_every_input_drawn():
    for horizon in (12, 37, 120):
        s = every_kind(horizon)
        assert_agrees(s)
        for i in range(3):
            assert_agrees(s, {k: float(v[i]) for k, v in every_input_drawn(s).items()})
