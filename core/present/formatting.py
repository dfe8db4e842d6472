"""How numbers read on screen, in one place: money in the reader's units, prices, percentages.

Money is compact: USD and EUR use k / M / B in every language; CNY uses k / M / B for an
English reader and 万 (10⁴) / 亿 (10⁸) for a Chinese one. Both languages group thousands with
commas and use a point for decimals; percentages read the same everywhere.
"""

from __future__ import annotations

import math

SYMBOLS = {"USD": "$", "EUR": "€", "CNY": "¥"}
SCALES = ((1e9, "B"), (1e6, "M"), (1e3, "k"))
CHINESE_SCALES = ((1e8, "亿"), (1e4, "万"))


def money(value: float, currency: str, lang: str = "en", digits: int = 2) -> str:
    """Compact money: ``money(1_234_567, "USD") == "$1.23M"``; negatives get a minus sign.

    >>> money(-48_500, "CNY"), money(123_456_789, "CNY", "zh"), money(56_000, "CNY", "zh"), money(2_500_000, "USD", "zh")
    ('-¥48.50k', '¥1.23亿', '¥5.60万', '$2.50M')
    """
    if not math.isfinite(value):
        return "—"
    sign = "-" if value < 0 else ""
    size = abs(value)
    scales = CHINESE_SCALES if currency == "CNY" and lang == "zh" else SCALES
    for scale, suffix in scales:
        if size >= scale:
            return f"{sign}{SYMBOLS[currency]}{size / scale:,.{digits}f}{suffix}"
    return f"{sign}{SYMBOLS[currency]}{size:,.0f}"


def price(value: float, currency: str, lang: str = "en") -> str:
    """A unit price: cents below 1,000 (``price(1.145, "USD") == "$1.15"``), compact above.

    >>> price(99, "CNY"), price(25_000, "USD"), price(25_000, "CNY", "zh")
    ('¥99.00', '$25.00k', '¥2.50万')
    """
    if math.isfinite(value) and abs(value) < 1000:
        return f"{'-' if value < 0 else ''}{SYMBOLS[currency]}{abs(value):,.2f}"
    return money(value, currency, lang)


def percent(value: float | None, digits: int = 1) -> str:
    """``percent(0.125) == "12.5%"``; None or NaN reads as a dash."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{100 * value:.{digits}f}%"


def ratio(value: float | None, digits: int = 2) -> str:
    """``ratio(1.5) == "1.50×"``; infinite reads as ∞, None or NaN as a dash."""
    if value is None or math.isnan(value):
        return "—"
    return "∞" if math.isinf(value) else f"{value:.{digits}f}×"
