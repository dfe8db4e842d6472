"""Hypothesis profiles: ``ci`` (the default, and what `make test` and CI run) is derandomised
with a fixed example budget, so every run of the suite tries the same examples; ``explore``
(`make test-explore`) tries 25 times as many random ones and keeps failures in the example
database. Pin every failure it finds with ``@example`` on the property.

Also sets ``WINTERPROOF_DEBUG`` (see below), and points the default library at a fresh file of the test session.
"""

from __future__ import annotations

import os
import tempfile

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
# A page that raises must fail its test (AppTest and the browser servers inherit this): app.py then re-raises
# instead of showing its incident message. tests/views/test_pages.py turns it off to test that message.
os.environ["WINTERPROOF_DEBUG"] = "1"
# No test reads or writes the user's own library (the user data dir): a page test without a database of its own
# gets this session's, and a machine's real library (another version's, perhaps) cannot fail the suite.
os.environ["WINTERPROOF_DB"] = os.path.join(tempfile.mkdtemp(prefix="winterproof-tests-"), "library.db")
os.environ.pop("WINTERPROOF_DATABASE_URL", None)

# too_slow times the drawing of examples: on a busy shared machine it fails a property that passes (seen in a full
# run beside two other test runs); the suite's example budgets are fixed, so nothing is lost by not timing them.
settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", deadline=None, print_blob=True)
settings.load_profile(PROFILE)
