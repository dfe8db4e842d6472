"""The README's scenario example is a valid scenario (the docs cannot drift from the schema)."""

import re
from pathlib import Path

from core.analysis.pillars import score
from core.model import loads_scenario


def test_the_readme_scenario_example_loads_and_scores():
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    example = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    scenario = loads_scenario(example)
    assert scenario.strategy.factor_weights == {"funds.default_alive": 2.0}
    assert set(scenario.risk.inputs) == {"streams[0].churn_monthly", "opex.marketing_per_month"}
    assert set(score(scenario).pillars) == {"technology", "business_model", "funds", "market", "data", "compliance"}
