"""The server process's allocator: keep freed heap for the next Monte Carlo run instead of handing it back, in at
most :data:`ARENAS` arenas (so that many sessions' threads do not each keep their own).

glibc returns the top of a heap to the kernel as soon as more than 128 kB of it is free, so every
projection faults its pages in again: a tornado (21 projections of 2,000 paths) takes ~60,000 page
faults, ~2.5 µs each on the project's VM, more than half of its time (BENCHMARKS.md, Pages). Padding
each heap by :data:`TOP_PAD` (``mallopt(M_TOP_PAD)``, as ``MALLOC_TOP_PAD_`` would) keeps that much
freed memory per glibc arena; arrays above the mmap threshold (at most 32 MB) are still returned.
Elsewhere than glibc (macOS, musl) this does nothing.

Heavy work (Monte Carlo runs, tornadoes, stress tables, the financing comparison) is also bounded per process:
each run stays within ``core.analysis.risk.WORK_BUDGET`` path-months, and at most :data:`HEAVY_AT_ONCE` run at
once (:data:`HEAVY`), so that concurrent sessions — a share link's guest with a large private copy as much as a
user — cannot together drive the server's memory up; a run that finds no free slot within :data:`HEAVY_WAIT`
seconds says the server is busy (a ScenarioError, shown where the work budget's message is).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from core.model import Problem, ScenarioError

M_TOP_PAD, M_ARENA_MAX = -2, -8  # glibc's malloc.h
TOP_PAD = 64 * 2**20
ARENAS = 2
"""glibc arenas in the process. Each session's thread would otherwise get one of its own (up to 8 per core), each
keeping its top pad and its fragments: 8 concurrent Risk labs of large scenarios peaked at 1.4-1.9 GB and left
1.3-1.5 GB held when idle; with ``MALLOC_ARENA_MAX=2`` in the environment from the start (``make run`` and the image
set it) 1.0 GB and 0.7 GB (issue 32). Set here at the first page it only stops further arenas: those Streamlit's
threads made already stay."""


@functools.cache
def keep_freed_heap() -> bool:
    """Set glibc's top pad and arena limit once for this process; False where there is no glibc ``mallopt``."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, ARENAS)) and bool(libc.mallopt(M_TOP_PAD, TOP_PAD))
    except (OSError, AttributeError):
        return False


HEAVY_AT_ONCE = 2
"""Heavy runs at once in one server process (about 220 MB each at the work budget: issue 32)."""
HEAVY_WAIT = 20.0
"""Seconds a heavy run waits for a slot before it says the server is busy."""
F = TypeVar("F", bound=Callable[..., Any])


class Slots:
    """At most ``slots`` heavy runs at once in this process; a run inside another (a stress table's base run) uses
    its caller's slot. A run that finds none free within ``wait`` seconds raises ScenarioError ``busy``."""

    def __init__(self, slots: int, wait: float):
        self._free = threading.BoundedSemaphore(slots)
        self._depth = threading.local()
        self.wait = wait

    @contextmanager
    def slot(self) -> Iterator[None]:
        depth = getattr(self._depth, "n", 0)
        if depth == 0 and not self._free.acquire(timeout=self.wait):
            raise ScenarioError.of(Problem("risk.paths", "busy", {"seconds": round(self.wait)}))
        self._depth.n = depth + 1
        try:
            yield
        finally:
            self._depth.n = depth
            if depth == 0:
                self._free.release()

    def bounded(self, work: F) -> F:
        """``work`` run in a slot."""
        @functools.wraps(work)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self.slot():
                return work(*args, **kwargs)

        return run  # type: ignore[return-value]


HEAVY = Slots(HEAVY_AT_ONCE, HEAVY_WAIT)
"""The heavy-work slots of this server process."""
