import numpy as np
import pytest

from core.engine.projection import _Clock
from core.engine.running import COLUMNS_FROM, running_powers, running_total


@pytest.mark.parametrize("paths", [1, COLUMNS_FROM - 1, COLUMNS_FROM, 2 * COLUMNS_FROM + 3])
@pytest.mark.parametrize("months", [1, 2, 36, 61])
def test_the_running_total_is_cumsum_bit_for_bit(paths, months):
    x = np.random.default_rng(paths * 1000 + months).normal(0, 1e6, (paths, months))
    expected = np.cumsum(x, axis=1)
    np.testing.assert_array_equal(running_total(x), expected)
    inplace = x.copy()
    assert running_total(inplace, out=inplace) is inplace
    np.testing.assert_array_equal(inplace, expected)
    broadcast = np.broadcast_to(x[:1], (paths, months))       # a line no drawn input reaches
    np.testing.assert_array_equal(running_total(broadcast), np.cumsum(broadcast, axis=1))


@pytest.mark.parametrize("months", [1, 2, 36, 120])
def test_growth_by_running_products_is_the_elementwise_power(months):
    steps = np.random.default_rng(months).uniform(0.0, 2.0, (COLUMNS_FROM + 5, 1))
    clock = _Clock(len(steps), months)
    np.testing.assert_allclose(clock.powers(steps), steps ** clock.t, rtol=1e-12, atol=1e-300)
    np.testing.assert_array_equal(running_powers(steps, months)[:, :1], 1.0)
