"""Demand models: how much sells at a price, relative to what sells at the reference price.

Pure functions of arrays, used by the engine (:mod:`core.engine.projection`) and the pricing lab.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr  # the normal CDF; scipy.stats would add ~0.4 s to a cold start

from core.model.streams import Demand, Stream


def buyers_share(price: np.ndarray | float, median_wtp: float, sigma: float) -> np.ndarray:
    """Share of prospects whose lognormal willingness to pay is above ``price``.

    >>> float(buyers_share(np.array(100.0), 100.0, 0.8))
    0.5
    """
    price = np.maximum(np.asarray(price, dtype=float), 1e-300)
    return ndtr((np.log(median_wtp) - np.log(price)) / sigma)


def volume_factor(demand: Demand, price: np.ndarray | float, reference: float) -> np.ndarray:
    """q(price) / q(reference) under the demand model (1 at the reference price).

    >>> d = Demand(model="constant_elasticity", elasticity=2.0)
    >>> float(volume_factor(d, 20.0, 10.0))  # double the price, a quarter of the volume
    0.25
    """
    price = np.maximum(np.asarray(price, dtype=float), 1e-9 * reference)
    if demand.model == "constant_elasticity":
        return (price / reference) ** -demand.elasticity
    if demand.model == "linear":
        assert demand.choke_price is not None  # Demand's validator requires it for this model
        return np.maximum(0.0, (demand.choke_price - price) / (demand.choke_price - reference))
    assert demand.median_wtp is not None  # ... and this one for "wtp"
    return buyers_share(price, demand.median_wtp, demand.wtp_sigma) / buyers_share(
        np.array(reference), demand.median_wtp, demand.wtp_sigma)


def reference_price(stream: Stream) -> float:
    """The price the stream's quantities were estimated at (its demand's, else its own)."""
    demand: Demand | None = getattr(stream, "demand", None)
    return (demand.reference_price if demand is not None else None) or stream.price_value()
