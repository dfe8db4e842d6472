"""How numbers read on screen: money with its currency and scale, percentages, months."""

from __future__ import annotations

import math

SYMBOLS = {"USD": "$", "EUR": "€", "CNY": "¥"}
SCALES = ((1e9, "B"), (1e6, "M"), (1e3, "k"))


def money(value: float, currency: str, digits: int = 2) -> str:
    """Compact money: ``money(1_234_567, "USD") == "$1.23M"``; negatives get a minus sign.

    >>> money(-48_500, "CNY")
    '-¥48.50k'
    """
    if not math.isfinite(value):
        return "—"
    sign = "-" if value < 0 else ""
    size = abs(value)
    for scale, suffix in SCALES:
        if size >= scale:
            return f"{sign}{SYMBOLS[currency]}{size / scale:,.{digits}f}{suffix}"
    return f"{sign}{SYMBOLS[currency]}{size:,.0f}"


def price(value: float, currency: str) -> str:
    """A unit price: cents below 1,000 (``price(1.145, "USD") == "$1.15"``), compact above.

    >>> price(99, "CNY"), price(25_000, "USD")
    ('¥99.00', '$25.00k')
    """
    if math.isfinite(value) and abs(value) < 1000:
        return f"{'-' if value < 0 else ''}{SYMBOLS[currency]}{abs(value):,.2f}"
    return money(value, currency)


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
