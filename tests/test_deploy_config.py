"""deploy/nginx.conf's Content-Security-Policy lets the app's inline scripts run by their hashes and nothing else
inline or evaluated (tests/browser/test_deploy.py proves the whole config in Chromium; this says which hash is
missing without nginx)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import streamlit

from ui.widgets import FOLD_SIDEBAR

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "nginx.conf"
INDEX = Path(streamlit.__file__).parent / "static" / "index.html"


def script_src() -> list[str]:
    policy = re.search(r'add_header Content-Security-Policy "([^"]+)"', CONFIG.read_text())
    assert policy, "deploy/nginx.conf sends no Content-Security-Policy"
    directives = dict(part.strip().split(" ", 1) for part in policy.group(1).split(";"))
    return directives["script-src"].split()


def inline_scripts(html: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", html, re.S)


def csp_hash(script: str) -> str:
    """A CSP source for one inline script: its text's SHA-256, base64 (CSP Level 2)."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"


def test_every_inline_script_the_app_runs_is_allowed_by_its_hash():
    sources = [path for folder in ("ui", "views") for path in sorted((ROOT / folder).glob("*.py"))] + [ROOT / "app.py"]
    written = [path.name for path in sources if "<script" in path.read_text()]
    assert written == ["widgets.py"], "a new inline script: add it to this test, and its hash to deploy/nginx.conf"
    scripts = inline_scripts(INDEX.read_text()) + inline_scripts(FOLD_SIDEBAR)
    assert len(scripts) == 2  # Streamlit's index.html has one (a Streamlit upgrade may change it)
    assert sorted(s for s in script_src() if s.startswith("'sha256-")) == sorted(map(csp_hash, scripts))


def test_no_javascript_runs_inline_or_from_text():
    assert {"'unsafe-inline'", "'unsafe-eval'"}.isdisjoint(script_src())


def test_csp_hash_is_the_specification_s():
    # The example of the CSP Level 2 specification (and MDN): <script>alert('Hello, world.');</script>
    assert csp_hash("alert('Hello, world.');") == "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
