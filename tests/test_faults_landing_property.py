"""Property: random corruptions of a claims CSV (stray and doubled quotes, separators inside
values, short and long rows, NUL bytes, blank lines) never lose a line and never change the
staged values of the lines they did not touch. Seeded, so a failure names its seed."""

import random
import shutil
from pathlib import Path

import pytest
from landing_faults import PEILDATUM, connect, land, quarantined, staged

from declaratiemonitor.lib.generate import generate

LINES = 150
EXAMPLES = 30


def _stray_quote(line: str, rng: random.Random) -> str:
    at = rng.randrange(len(line) + 1)
    return line[:at] + '"' + line[at:]


def _doubled_quote(line: str, rng: random.Random) -> str:
    at = rng.randrange(len(line) + 1)
    return line[:at] + '""' + line[at:]


def _separator(line: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(line))
    return line[:at] + "," + line[at:]


def _short(line: str, rng: random.Random) -> str:
    return line.rsplit(",", rng.randint(1, 3))[0]


def _long(line: str, rng: random.Random) -> str:
    return line + ",x" * rng.randint(1, 3)


def _nul(line: str, rng: random.Random) -> str:
    at = rng.randrange(len(line) + 1)
    return line[:at] + "\x00" + line[at:]


CORRUPTIONS = [_stray_quote, _doubled_quote, _separator, _short, _long, _nul]


@pytest.fixture(scope="module")
def con():
    return connect()


@pytest.fixture(scope="module")
def clean(tmp_path_factory, con) -> tuple[Path, dict]:
    """The first LINES claim lines of a generated landing folder, and their staged rows."""
    root = tmp_path_factory.mktemp("eigenschap")
    generate(root / "gen", clients=10, seed=11, peildatum=PEILDATUM, fmt="csv")
    text = (root / "gen" / "declaraties.csv").read_text(encoding="utf-8")
    folder = root / "schoon"
    folder.mkdir()
    (folder / "declaraties.csv").write_text(
        "".join(text.splitlines(keepends=True)[: LINES + 1]), encoding="utf-8"
    )
    land(con, folder, "declaraties")
    rows = staged(con, "declaraties")
    assert len(rows) == LINES
    return folder, rows


def _corrupt(lines: list[str], rng: random.Random) -> tuple[list[str], dict[int, int], set[int]]:
    """Corrupted lines (header first), where each clean line number went, and which clean
    line numbers were touched. Blank lines may be inserted, shifting the numbers after them."""
    touched = set(rng.sample(range(2, LINES + 2), rng.randint(1, 4)))
    out, moved = [lines[0]], {}
    for number in range(2, LINES + 2):
        if rng.random() < 0.02:
            out.append("")
        line = lines[number - 1]
        if number in touched:
            line = rng.choice(CORRUPTIONS)(line, rng)
        out.append(line)
        moved[number] = len(out)
    return out, moved, touched


@pytest.mark.parametrize("seed", range(EXAMPLES))
def test_corruptions_lose_no_line_and_leave_other_lines_alone(con, clean, tmp_path, seed) -> None:
    folder, clean_rows = clean
    rng = random.Random(seed)
    lines = (folder / "declaraties.csv").read_text(encoding="utf-8").split("\n")[: LINES + 1]
    corrupted, moved, touched = _corrupt(lines, rng)
    shutil.copytree(folder, tmp_path / "l")
    (tmp_path / "l" / "declaraties.csv").write_text("\n".join(corrupted) + "\n", encoding="utf-8")
    stats = land(con, tmp_path / "l", "declaraties")
    rows, rejected = staged(con, "declaraties"), quarantined(con, "declaraties")
    for number, now in moved.items():
        if number in touched:
            assert str(now) in rows or str(now) in rejected, (seed, number)
        else:
            assert rows.get(str(now)) == clean_rows[str(number)], (seed, number)
    # every line accounted for, by the reader and by the file's own count
    assert len(rows) + len(rejected) == stats.rows + stats.unreadable == LINES
    assert stats.expected == LINES


def test_two_stray_quotes_do_not_join_the_lines_between(con, clean, tmp_path) -> None:
    """Stray quotes on lines 3 and 6, placed so that lines 3-6 would make one record of the
    right width: lines 4 and 5 are whole records by themselves and are kept as such."""
    folder, clean_rows = clean
    lines = (folder / "declaraties.csv").read_text(encoding="utf-8").split("\n")
    first, last = lines[2].split(","), lines[5].split(",")
    first[1] = '"' + first[1]
    last[1] += '"'
    lines[2], lines[5] = ",".join(first), ",".join(last)
    (tmp_path / "declaraties.csv").write_text("\n".join(lines), encoding="utf-8")
    land(con, tmp_path, "declaraties")
    rows, rejected = staged(con, "declaraties"), quarantined(con, "declaraties")
    assert "aanhalingsteken vanaf regel 3" in rejected["3"]
    assert rows["4"] == clean_rows["4"] and rows["5"] == clean_rows["5"]
    assert len(rows) + len(rejected) == LINES
