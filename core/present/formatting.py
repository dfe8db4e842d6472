"""How numbers and months read on screen, in one place: money in the reader's units, prices, percentages, months.

Money is compact. An English reader gets the currency's symbol with k / M / B ("$3.30M", "¥48.50k").
A Chinese reader gets every currency the way a Chinese financial statement counts it: 万 (10⁴) / 亿 (10⁸)
with the currency's word after the number and no trailing zeros ("330万美元", "79.2万美元", "2.5亿美元",
"600万元", "5,600元"). Both languages group thousands with commas and use a point for decimals;
percentages read the same everywhere. Chart axes use :func:`axis_money`; in Chinese a money axis puts its
万 / 亿 in the axis title ("现金（万美元）", :func:`axis_scale`). A calendar month reads "2027-03" in English and
"2027年3月" in Chinese (:func:`month_text`, :func:`month_range`).

Spacing in Chinese sentences (``core.i18n.t`` applies it to every placeholder): an amount, a count, a
percentage or a date sits against the Chinese beside it with no space ("还需113.11万元才能", "每股4.44元",
"第15个月", "2030年12月之后"); a Latin word keeps a space on each side ("在 Series A 中").
"""

from __future__ import annotations

import html
import math
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date

from core.i18n import currency_unit, t

SYMBOLS = {"USD": "$", "EUR": "€", "CNY": "¥"}
SCALES = ((1e9, "B"), (1e6, "M"), (1e3, "k"))
CHINESE_SCALES = ((1e8, "亿"), (1e4, "万"))


def plot_text(name: str) -> str:
    """A founder's name (a stream, a round, a scenario) as chart text: Plotly reads ``<b>``, ``<a href>`` and
    entities in text as markup, so ``<`` ``>`` ``&`` are written as entities it shows as themselves.

    >>> plot_text('<a href="https://x.example">API</a> & <b>co</b>')
    '&lt;a href="https://x.example"&gt;API&lt;/a&gt; &amp; &lt;b&gt;co&lt;/b&gt;'
    """
    return html.escape(name, quote=False)


def _unit(currency: str) -> str:
    """The currency's word a Chinese amount ends with: 元, 美元, 欧元."""
    return currency_unit(currency, "zh")


def _trim(text: str) -> str:
    """Drop trailing decimal zeros: ``"600.00"`` → ``"600"``, ``"1.50"`` → ``"1.5"``."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: float, currency: str, lang: str = "en", digits: int = 2) -> str:
    """Compact money: ``money(1_234_567, "USD") == "$1.23M"``; negatives get a minus sign.

    >>> money(-48_500, "CNY"), money(123_456_789, "CNY", "zh"), money(56_000, "CNY", "zh"), money(2_500_000, "USD", "zh")
    ('-¥48.50k', '1.23亿元', '5.6万元', '250万美元')
    >>> money(6_000_000, "CNY", "zh"), money(-1_469_934, "CNY", "zh"), money(5_600, "CNY", "zh")
    ('600万元', '-146.99万元', '5,600元')
    >>> money(3_300_000, "USD", "zh"), money(792_000, "USD", "zh"), money(-4_050_000, "USD", "zh"), money(12_000, "EUR", "zh")
    ('330万美元', '79.2万美元', '-405万美元', '1.2万欧元')
    """
    if not math.isfinite(value):
        return "—"
    sign = "-" if value < 0 else ""
    size = abs(value)
    if lang == "zh":
        for scale, suffix in CHINESE_SCALES:
            if size >= scale:
                return f"{sign}{_trim(f'{size / scale:,.{digits}f}')}{suffix}{_unit(currency)}"
        return f"{sign}{size:,.0f}{_unit(currency)}"
    for scale, suffix in SCALES:
        if size >= scale:
            return f"{sign}{SYMBOLS[currency]}{size / scale:,.{digits}f}{suffix}"
    return f"{sign}{SYMBOLS[currency]}{size:,.0f}"


def axis_money(value: float, currency: str, lang: str = "en", digits: int = 2) -> str:
    """A money tick on a chart axis: short (``digits`` decimals once scaled, ``digits + 2`` significant ones below 1),
    no trailing zeros; in Chinese 万 / 亿 without the currency's word (the axis title names it).

    >>> axis_money(30_000_000, "CNY", "zh"), axis_money(1.5e8, "CNY", "zh"), axis_money(-2_500, "CNY", "zh")
    ('3,000万', '1.5亿', '-2,500')
    >>> axis_money(30_000_000, "CNY"), axis_money(1.25e9, "USD", "zh"), axis_money(0, "EUR"), axis_money(2.5, "USD")
    ('¥30M', '12.5亿', '€0', '$2.5')
    >>> axis_money(-1_785_000, "USD"), axis_money(-1_785_000, "USD", digits=3)
    ('-$1.78M', '-$1.785M')
    >>> axis_money(0.0035000000000000005, "USD"), axis_money(0.5, "USD"), axis_money(1.5e-6, "CNY", "zh")
    ('$0.0035', '$0.5', '0.0000015')
    """
    sign = "-" if value < 0 else ""
    size = abs(value)
    chinese = lang == "zh"
    symbol = "" if chinese else SYMBOLS[currency]
    for scale, suffix in CHINESE_SCALES if chinese else SCALES:
        if size >= scale:
            return f"{sign}{symbol}{_trim(f'{size / scale:,.{digits}f}')}{suffix}"
    return f"{sign}{symbol}{_trim(f'{size:,.{digits}f}') if size >= 1 else significant(size, digits + 2)}"


def axis_scale(values: Sequence[float], lang: str) -> tuple[float, str]:
    """The unit a Chinese money axis over ``values`` counts in, for its title: 亿 from 1亿, 万 from 1万, else the
    currency itself (1, ""); an English axis always counts in the currency (its ticks carry k / M / B).

    >>> axis_scale([-4e6, 6e6], "zh"), axis_scale([0, 2.5e9], "zh"), axis_scale([-2, 8], "zh"), axis_scale([6e6], "en")
    ((10000.0, '万'), (100000000.0, '亿'), (1, ''), (1, ''))
    """
    high = max((abs(v) for v in values), default=0.0)
    return next(((scale, suffix) for scale, suffix in CHINESE_SCALES if lang == "zh" and high >= scale), (1, ""))


def significant(size: float, digits: int = 3, least: int = 0) -> str:
    """``size`` (≥ 0) to ``digits`` significant digits with at least ``least`` decimals, thousands grouped, the
    zeros after the last significant digit dropped: a price of a fraction of a cent keeps its digits.

    >>> significant(0.004, 3, 2), significant(0.00025), significant(0.0000015), significant(0.5, 3, 2), significant(1234.5)
    ('0.004', '0.00025', '0.0000015', '0.50', '1,234')
    """
    decimals = least if size == 0 or size >= 10 ** (digits - 1) else max(least, digits - 1 - math.floor(math.log10(size)))
    whole, _, fraction = f"{size:,.{decimals}f}".partition(".")
    fraction = fraction.rstrip("0").ljust(least, "0")
    return f"{whole}.{fraction}" if fraction else whole


def price(value: float, currency: str, lang: str = "en") -> str:
    """A unit price: cents from 1 to 1,000 (``price(1.145, "USD") == "$1.15"``), compact above, and below 1 at
    least cents with three significant digits (a token or an API call costs a fraction of a cent).

    >>> price(99, "CNY"), price(25_000, "USD"), price(25_000, "CNY", "zh"), price(1.145, "CNY", "zh"), price(1.5, "USD", "zh")
    ('¥99.00', '$25.00k', '2.5万元', '1.15元', '1.5美元')
    >>> price(0.004, "USD"), price(-0.00025, "USD"), price(0.0000015, "CNY"), price(0.0000015, "CNY", "zh"), price(0.5, "EUR")
    ('$0.004', '-$0.00025', '¥0.0000015', '0.0000015元', '€0.50')
    >>> price(0, "USD"), price(0, "CNY", "zh")
    ('$0', '0元')
    """
    if math.isfinite(value) and abs(value) < 1000:
        sign = "-" if value < 0 else ""
        size = abs(value)
        digits = _price_digits(size)
        if lang == "zh":
            return f"{sign}{_trim(digits) if size >= 1 else digits}{_unit(currency)}"
        return f"{sign}{SYMBOLS[currency]}{digits}"
    return money(value, currency, lang)


def table_unit(values: Iterable[float], currency: str, lang: str = "en") -> tuple[float, str]:
    """The unit a money table counts in and its scale, for the table's header: for a Chinese reader 万 of the currency
    once its largest amount reaches 1万 ("万美元"), else the currency itself ("元"); an English table writes the unit
    in every cell (1, "").

    >>> table_unit([12_000, -3e6], "USD", "zh"), table_unit([5_600, float("nan")], "CNY", "zh"), table_unit([3e6], "USD")
    ((10000.0, '万美元'), (1, '元'), (1, ''))
    """
    if lang != "zh":
        return 1, ""
    high = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    wan, word = CHINESE_SCALES[1]
    return (wan, word + _unit(currency)) if high >= wan else (1, _unit(currency))


def table_money(value: float, scale: float, currency: str, lang: str = "en") -> str:
    """A money cell of a table in :func:`table_unit`: for a Chinese reader a plain number in the table's unit with two
    decimals, aligned down a column ("89.42"); for an English one compact money with its symbol.

    >>> table_money(894_200, 1e4, "CNY", "zh"), table_money(-0.001, 1e4, "USD", "zh"), table_money(894_200, 1, "CNY")
    ('89.42', '0.00', '¥894.20k')
    """
    if lang != "zh":
        return money(value, currency, lang)
    return f"{rounded(value / scale, 2):,.2f}" if math.isfinite(value) else "—"


def with_unit(name: str, unit: str, lang: str = "en") -> str:
    """A column's name with the unit its cells count in (:func:`table_unit`), or alone when the cells carry it.

    >>> with_unit("营业收入", "万美元", "zh"), with_unit("Revenue", "")
    ('营业收入（万美元）', 'Revenue')
    """
    return t("table.with_unit", lang, name=name, unit=unit) if unit else name


def _price_digits(size: float) -> str:
    """A unit price's digits (``size`` ≥ 0): cents from 1, three significant digits below (a fraction of a cent)."""
    return f"{size:,.2f}" if size >= 1 else significant(size, 3, 2) if size else "0"


def table_price(value: float, scale: float, currency: str, lang: str = "en") -> str:
    """A price cell of a table in :func:`table_unit`: for a Chinese reader a plain number in the table's unit (cents,
    or a fraction of a cent's significant digits: "1.50", "0.00025"); for an English one :func:`price`.

    >>> table_price(1.5, 1, "USD", "zh"), table_price(0.00025, 1, "USD", "zh"), table_price(52_100, 1e4, "CNY", "zh")
    ('1.50', '0.00025', '5.21')
    """
    if lang != "zh":
        return price(value, currency, lang)
    if scale != 1 or not math.isfinite(value):
        return table_money(value, scale, currency, lang)
    return ("-" if value < 0 else "") + _price_digits(abs(value))


def quantity(value: float) -> str:
    """A volume or a per-unit amount (calls, tokens, seats): three significant digits, k / M / B above 1,000.

    >>> quantity(3_162_855), quantity(0.002), quantity(12.5), quantity(60), quantity(-1_500), quantity(float("nan"))
    ('3.16M', '0.002', '12.5', '60', '-1.5k', '—')
    """
    if not math.isfinite(value):
        return "—"
    sign = "-" if value < 0 else ""
    size = abs(value)
    for scale, suffix in SCALES:
        if size >= scale:
            return f"{sign}{significant(size / scale)}{suffix}"
    return f"{sign}{significant(size)}"


def percent(value: float | None, digits: int = 1) -> str:
    """``percent(0.125) == "12.5%"``; None or NaN reads as a dash."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{100 * value:.{digits}f}%"


def ratio(value: float | None, digits: int = 2, lang: str = "en") -> str:
    """A multiple: ``ratio(1.5) == "1.50×"``, ``ratio(3.23, lang="zh") == "3.23倍"``; infinite reads as ∞, None or NaN
    as a dash."""
    if value is None or math.isnan(value):
        return "—"
    return "∞" if math.isinf(value) else f"{value:.{digits}f}{'倍' if lang == 'zh' else '×'}"


def number(value: float, digits: int = 1, lang: str = "en") -> str:
    """A plain number to ``digits`` decimals; a Chinese reader gets no needless zeros and never a negative zero.

    >>> number(60.0), number(60.0, lang="zh"), number(7.25, lang="zh"), number(-0.04, lang="zh")
    ('60.0', '60', '7.2', '0')
    """
    text = f"{rounded(value, digits):.{digits}f}"
    return _trim(text) if lang == "zh" else text


def rounded(value: float, digits: int = 0) -> float:
    """``value`` rounded to ``digits`` decimals, with no negative zero (``-0.3`` shows as ``+0``, not ``-0``).

    >>> f"{rounded(-0.3):+.0f}", f"{rounded(-0.04, 1):+.1f}", f"{rounded(-0.6):+.0f}"
    ('+0', '+0.0', '-1')
    """
    return round(value, digits) + 0.0


def text_width(text: str) -> int:
    """How many columns ``text`` takes in a fixed-width layout: a wide (CJK) character two, any other one.

    >>> text_width("Cash"), text_width("现金 B")
    (4, 6)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def month_text(day: date, lang: str = "en") -> str:
    """A calendar month as a card, a table or a sentence writes it: ``2027-03`` in English, ``2027年3月`` in Chinese.

    >>> month_text(date(2031, 12, 1)), month_text(date(2031, 12, 1), "zh"), month_text(date(2027, 3, 1), "zh")
    ('2031-12', '2031年12月', '2027年3月')
    """
    return t("month.label", lang, year=day.year, month=day.month)


def month_range(first: date, last: date, lang: str = "en") -> str:
    """The months from ``first`` to ``last``: one month alone, and in Chinese the year once when both share it.

    >>> month_range(date(2026, 1, 1), date(2026, 6, 1), "zh"), month_range(date(2026, 1, 1), date(2027, 2, 1), "zh")
    ('2026年1月至6月', '2026年1月至2027年2月')
    >>> month_range(date(2026, 1, 1), date(2026, 6, 1)), month_range(date(2026, 3, 1), date(2026, 3, 31), "zh")
    ('2026-01 to 2026-06', '2026年3月')
    """
    a, b = month_text(first, lang), month_text(last, lang)
    if a == b:
        return a
    if lang == "zh" and first.year == last.year:
        b = t("month.of_year", lang, month=last.month)
    return t("month.range", lang, first=a, last=b)


def day_text(day: date, lang: str = "en") -> str:
    """A calendar day: ``8 December 2026`` in English, ``2026年12月8日`` in Chinese.

    >>> day_text(date(2026, 12, 8)), day_text(date(2026, 12, 8), "zh")
    ('8 December 2026', '2026年12月8日')
    """
    return t("date.day", lang, when=day)
