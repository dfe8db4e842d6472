import platform
import threading

import pytest

from core.model import ScenarioError
from ui.memory import HEAVY, HEAVY_AT_ONCE, Slots, keep_freed_heap


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_the_server_pads_glibc_heaps_once():
    assert keep_freed_heap() is True
    assert keep_freed_heap() is True  # cached: set once a process


def test_heavy_runs_take_a_slot_nested_ones_share_it_and_a_third_is_told_the_server_is_busy():
    slots = Slots(2, wait=0.05)
    holding, release = threading.Barrier(3), threading.Event()

    def hold():
        with slots.slot():
            holding.wait()
            release.wait(5)

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for thread in threads:
        thread.start()
    holding.wait()                                                  # both slots taken
    with pytest.raises(ScenarioError) as busy:
        slots.bounded(lambda: "ran")()
    assert busy.value.localized("en") == [
        "risk.paths: the server is busy with other simulations (no slot came free within 0 s): try again in a moment"]
    release.set()
    for thread in threads:
        thread.join()
    nested = slots.bounded(lambda: slots.bounded(lambda: slots.bounded(lambda: "ran")())())
    assert nested() == "ran"                                        # one slot for a run and the runs inside it
    with slots.slot(), slots.slot():                                # and both free again afterwards
        pass


def test_the_risk_page_says_the_server_is_busy_while_every_slot_is_taken(tmp_path, monkeypatch):
    from tests.views.test_pages import fresh_app

    at = fresh_app(tmp_path, monkeypatch)
    monkeypatch.setattr(HEAVY, "wait", 0.05)
    for _ in range(HEAVY_AT_ONCE):
        assert HEAVY._free.acquire(timeout=1)
    try:
        at.switch_page("views/risk.py").run()
    finally:
        for _ in range(HEAVY_AT_ONCE):
            HEAVY._free.release()
    assert not at.exception
    assert any("the server is busy with other simulations" in w.value for w in at.warning)
    at.run()                                                        # the refusal was not cached: now it runs
    assert not any("busy" in w.value for w in at.warning) and at.metric
