"""Every string a user reads, by key, in English and 简体中文 (``core/i18n/locales/``)."""

from __future__ import annotations

from core.i18n.locales import en, zh

LANGUAGES = {"en": "English", "zh": "简体中文"}
STRINGS: dict[str, dict[str, str]] = {"en": en.STRINGS, "zh": zh.STRINGS}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The string for ``key`` in ``lang``, formatted with ``values``; KeyError if missing."""
    text = STRINGS[lang][key]
    return text.format(**values) if values else text
