"""Large freed blocks go back to the system in a long-running process (glibc's malloc).

glibc serves blocks of 128 KB or more as mappings of their own, returned when freed, but
once one is freed it raises that threshold (up to 32 MB) and serves such blocks from the
heap, which gives memory back only from its top. A serving process's start allocates many
large blocks and frees them (the lexical index's arrays while it loads, Chroma's first
reads): left as holes in the heap they stayed resident for the life of the process. Fixing
the threshold keeps them separate mappings. ``benchmarks/scale.py`` at 100k chunks: serving
RSS 6.0 → 4.5 KB per chunk (README, Scaling out). Written by hand: Python has no binding
for ``mallopt``.
"""

import ctypes
import sys

_M_MMAP_THRESHOLD = -3  # glibc's malloc.h
_THRESHOLD = 128 * 1024  # glibc's initial value, kept instead of raised


def return_large_blocks() -> bool:
    """Whether the threshold was fixed (False off Linux or without glibc, e.g. musl)."""
    if not sys.platform.startswith("linux"):
        return False
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)  # the C library already loaded
    if mallopt is None:
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _THRESHOLD))
