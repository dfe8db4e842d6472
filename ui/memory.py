"""The server process's allocator: keep freed heap for the next Monte Carlo run instead of handing it back.

glibc returns the top of a heap to the kernel as soon as more than 128 kB of it is free, so every
projection faults its pages in again: a tornado (21 projections of 2,000 paths) takes ~60,000 page
faults, ~2.5 µs each on the project's VM, more than half of its time (BENCHMARKS.md, Pages). Padding
each heap by :data:`TOP_PAD` (``mallopt(M_TOP_PAD)``, as ``MALLOC_TOP_PAD_`` would) keeps that much
freed memory per glibc arena; arrays above the mmap threshold (at most 32 MB) are still returned.
Elsewhere than glibc (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_TOP_PAD = -2  # glibc's malloc.h
TOP_PAD = 64 * 2**20


@functools.cache
def keep_freed_heap() -> bool:
    """Set glibc's top pad once for this process; False where there is no glibc ``mallopt``."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_TOP_PAD, TOP_PAD))
    except (OSError, AttributeError):
        return False
