"""Today's date for the pages, in one place so tests can set it (``monkeypatch.setattr(ui.clock, "today", …)``)."""

from datetime import date


def today() -> date:
    return date.today()
