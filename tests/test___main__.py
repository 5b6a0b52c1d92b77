"""``python -m citebot`` is the ``citebot`` command."""

import subprocess
import sys


def test_python_m_citebot_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "citebot", "--help"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: citebot") and "ingest" in done.stdout
