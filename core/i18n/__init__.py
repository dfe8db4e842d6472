"""Every string a user reads, by key, in English and 简体中文 (``core/i18n/locales/``)."""

from __future__ import annotations

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
    if lang == "zh" and values:
        text = _PLACEHOLDER_SPACE.sub(lambda m: _joined(m, values), text)
    return text.format(**values) if values else text


_CJK = re.compile(r"[\u4e00-\u9fff（）]")
_PLACEHOLDER_SPACE = re.compile(r"(?P<before>[\u4e00-\u9fff] )?\{(?P<name>\w+)(?P<spec>[^}]*)\}(?P<after> [\u4e00-\u9fff])?")


def _joined(m: re.Match[str], values: dict[str, object]) -> str:
    """A placeholder of a Chinese template without the space beside it where its value meets a Chinese character
    (a space stays between Chinese and Latin or digits: "在 Series A 中", but "在 Pre-A 轮中")."""
    value = str(values.get(m["name"], ""))
    before, after = m["before"] or "", m["after"] or ""
    if before and value and _CJK.match(value[0]):
        before = before[0]
    if after and value and _CJK.match(value[-1]):
        after = after[1]
    return f"{before}{{{m['name']}{m['spec']}}}{after}"
