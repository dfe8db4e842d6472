"""Every string a user reads, by key, in English and 简体中文 (``core/i18n/locales/``)."""

from __future__ import annotations

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
    return text.format(**values) if values else text
