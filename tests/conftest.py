"""Hypothesis profiles: ``ci`` (the default, and what `make test` and CI run) is derandomised
with a fixed example budget, so every run of the suite tries the same examples; ``explore``
(`make test-explore`) tries 25 times as many random ones and keeps failures in the example
database. Pin every failure it finds with ``@example`` on the property.
"""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
settings.register_profile("explore", deadline=None, print_blob=True)
settings.load_profile(PROFILE)
