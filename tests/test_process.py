"""exit_now: the exit code, buffered output and atexit functions survive the quick exit."""

import subprocess
import sys

import pytest

SCRIPT = """
import atexit, sys
from declaratiemonitor.lib.process import exit_now
atexit.register(lambda: open(sys.argv[1], "w").write("opgeruimd"))
print("uitvoer", end="")  # buffered: a pipe is not a terminal
sys.stderr.write("melding")
exit_now({code})
"""


@pytest.mark.parametrize(("code", "expected"), [(0, 0), (3, 3), (None, 0), ("'tekst'", 1)])
def test_exit_now_keeps_code_output_and_exit_functions(tmp_path, code, expected):
    marker = tmp_path / "atexit.txt"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(code=code), str(marker)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == expected
    assert done.stdout == "uitvoer"
    assert done.stderr.startswith("melding")
    assert marker.read_text() == "opgeruimd"
