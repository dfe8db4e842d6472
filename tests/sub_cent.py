"""A company priced below a cent, as AI companies price: an API call at $0.004 (0.002 M tokens a call) and
tokens sold at $0.0000015 each, served at $0.30 per 1M tokens. Pages, tables, charts and exports must show
these prices with their digits: "$0.00" (a price rounded to cents; nothing is zero in this company but the
costs it has none of, and zero reads "$0") is a defect, and so are two ticks of one axis that read the same."""

import re

from core.model import parse_scenario

SUB_CENT = parse_scenario({
    "company": {"name": "Tiny Prices AI", "currency": "USD", "starting_cash": 2_000_000},
    "streams": [
        {"kind": "usage", "name": "API calls", "unit": "call", "volume_per_month": 3_000_000, "volume_growth_monthly": 0.05,
         "price_per_unit": 0.004, "mtok_per_unit": 0.002, "demand": {"model": "linear", "choke_price": 0.012}},
        {"kind": "usage", "name": "Tokens", "unit": "token", "volume_per_month": 2e9, "price_per_unit": 0.0000015,
         "mtok_per_unit": 0.000001},
    ],
    "ai_costs": {"cost_per_million_tokens": 0.3},
    "opex": {"team": [{"role": "Engineers", "function": "rd", "headcount": 4, "cost_per_head_month": 12_000}]},
    "funding": [{"name": "Seed", "month": 6, "amount": 1_000_000}],
})

ROUNDED = re.compile(r"[$¥€]0\.00(?!\d)|(?<![\d.])0\.00元")


def rounded_away(text: str) -> list[str]:
    """Each price in ``text`` that reads as if rounded to cents, with its surroundings."""
    return [text[max(0, m.start() - 40): m.end() + 10] for m in ROUNDED.finditer(text)]
