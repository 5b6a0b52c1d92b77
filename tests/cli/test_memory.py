"""A serving process gives large freed blocks back to the system (glibc's malloc)."""

import subprocess
import sys

import pytest

# 200 blocks of 1 MB freed while a small block allocated after each stays: from the heap
# (glibc's threshold raised by one large block freed before) they stay resident as holes
HOLES = """
import sys
from citebot.cli.memory import return_large_blocks

def rss_mb():
    line = next(l for l in open("/proc/self/status") if l.startswith("VmRSS"))
    return int(line.split()[1]) // 1024

if sys.argv[1] == "fixed":
    assert return_large_blocks()
big = bytearray(8 << 20); del big
before = rss_mb()
blocks, keep = [], []
for _ in range(200):
    blocks.append(bytearray(1 << 20))
    keep.append(bytearray(2000))
del blocks
print(rss_mb() - before)
"""


def _retained_mb(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", HOLES, mode], capture_output=True, text=True,
                         check=True)
    return int(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_freed_large_blocks_leave_the_process() -> None:
    assert _retained_mb("plain") >= 150  # what serving processes kept before
    assert _retained_mb("fixed") <= 20
