"""Every string a user reads, by key, in English and 简体中文 (``core/i18n/locales/``)."""

from __future__ import annotations

import functools
import re

from core.i18n.locales import en, zh

LANGUAGES = {"en": "English", "zh": "简体中文"}
STRINGS: dict[str, dict[str, str]] = {"en": en.STRINGS, "zh": zh.STRINGS}


def currency_unit(code: str, lang: str = "en") -> str:
    """A currency code, or codes joined by "/", as the reader's unit (``currency.<code>``): "元" for CNY in Chinese."""
    return "/".join(STRINGS[lang].get(f"currency.{c}", c) for c in code.split("/"))


def t(key: str, lang: str = "en", **values: object) -> str:
    """The string for ``key`` in ``lang``, formatted with ``values``; KeyError if missing.

    A ``currency`` value is a code ("CNY") and reads as the language's unit (元 in Chinese).
    """
    text = STRINGS[lang][key]
    if isinstance(values.get("currency"), str):
        values["currency"] = currency_unit(str(values["currency"]), lang)
    if lang == "zh":
        text = _tight(text)
        if values:
            text = _PLACEHOLDER_SPACE.sub(lambda m: _joined(m, values), text)
    return text.format(**values) if values else text


_CJK = re.compile(r"[\u4e00-\u9fff（）]")
_NUMBER = r"[+\-−]?\d[\d,.]*+"
"""A number's digits (possessive: a number is read whole)."""
_LEADS_NUMBER = re.compile(rf"{_NUMBER}(?!\s*[A-Za-z])")
"""Text that begins with a number that is no Latin word's start ("1 MB" is a Latin unit's)."""
_ENDS_NUMBER = re.compile(rf"(?<![A-Za-z\d,.\-_]){_NUMBER}%?$")
"""Text that ends with a number (or a percentage) that is no Latin word's end ("UTF-8", "GPT-4")."""
_PLACEHOLDER_SPACE = re.compile(r"(?P<before>[\u4e00-\u9fff] )?\{(?P<name>\w+)(?P<spec>[^}]*)\}(?P<after> [\u4e00-\u9fff])?")
_NUMBER_GAP = re.compile(rf"(?<=[\u4e00-\u9fff]) (?={_LEADS_NUMBER.pattern})|(?<![A-Za-z\d,.\-_])({_NUMBER}%?) (?=[\u4e00-\u9fff])")


@functools.cache
def _tight(text: str) -> str:
    """A Chinese template's own numbers against the Chinese beside them (the rule in ``core/present/formatting.py``),
    a Latin word's digits keeping their space.

    >>> _tight("通常以 3 倍为标准，增长 5% 的客户；CSV 可为 UTF-8 或 GBK 编码，不超过 1 MB")
    '通常以3倍为标准，增长5%的客户；CSV 可为 UTF-8 或 GBK 编码，不超过 1 MB'
    """
    return _NUMBER_GAP.sub(lambda m: m[1] or "", text)


def _joined(m: re.Match[str], values: dict[str, object]) -> str:
    """A placeholder of a Chinese template without the space beside it where its value meets a Chinese character
    and is Chinese or a number there ("第15个月", "还需113.11万元才能", "在 Pre-A 轮中"); a space stays beside a Latin
    word ("在 Series A 中", "GPT-4 模型")."""
    value = str(values.get(m["name"], ""))
    before, after = m["before"] or "", m["after"] or ""
    if before and value and (_CJK.match(value[0]) or _LEADS_NUMBER.match(value)):
        before = before[0]
    if after and value and (_CJK.match(value[-1]) or _ENDS_NUMBER.search(value)):
        after = after[1]
    return f"{before}{{{m['name']}{m['spec']}}}{after}"
