"""The hostile corpus (tests/hostile/, written by scripts/hostile_corpus.py): every file is refused with a
message naming its field, through the upload/import path and the CLI, with no traceback, in a stated time."""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path

import pytest

from core.__main__ import main
from core.model import ScenarioError
from core.storage.exports import import_scenario

CORPUS = Path(__file__).resolve().parent / "hostile"
EXPECTED = dict(line.split("\t") for line in (CORPUS / "EXPECTED.tsv").read_text().splitlines())
BUDGET_S = 20  # generous for a loaded 2-core machine: it catches a blow-up (the 1 MB survey once took 82 s), not jitter


def test_the_corpus_is_large_and_every_file_has_its_expected_field():
    assert len(EXPECTED) >= 40
    assert set(EXPECTED) == {p.name for p in CORPUS.iterdir()} - {"EXPECTED.tsv"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_upload_refuses_the_file_naming_its_field(name):
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as refused:
        import_scenario(name, (CORPUS / name).read_bytes())
    assert time.perf_counter() - start < BUDGET_S
    lines = refused.value.localized("en") + refused.value.localized("zh")
    assert any(line.startswith(EXPECTED[name]) for line in lines), lines
    assert all(len(line) < 1000 for line in lines)  # a hostile value is quoted short (80 characters), never echoed whole


@pytest.mark.parametrize("name", sorted(EXPECTED))  # workbooks too: the CLI reads them as the upload does
def test_the_cli_refuses_the_file_with_exit_code_2_and_no_traceback(name):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()), pytest.raises(SystemExit) as done:
        main(["validate", str(CORPUS / name)])
    assert done.value.code == 2
    assert EXPECTED[name] in err.getvalue() and "Traceback" not in err.getvalue()
