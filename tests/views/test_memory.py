import platform

import pytest

from ui.memory import keep_freed_heap


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_the_server_pads_glibc_heaps_once():
    assert keep_freed_heap() is True
    assert keep_freed_heap() is True  # cached: set once a process
