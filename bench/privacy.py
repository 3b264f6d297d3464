"""The personal-data screen's speed, against one plain regex scan of the same text.

Every free-text value of every write is screened (events/privacy.py), so the
screen sits on the write path. This measures `find_personal_data` on a long
(2,000-character) clean note of what staff type (dates, times, goal codes,
amounts, an ISBN; its euro signs make it non-ASCII, so the Unicode normalisation
runs too) and, in the same process and alternating with it, a baseline:
one compiled regex that finds every run of digits in the note, the least any
screen for numbers has to do. It prints notes/s for both, the time per note, and
the ratio ours / baseline (how many plain scans one screening costs).

Run from the project root:

    .venv/bin/python bench/privacy.py [--runs 200] [--repeat 7]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from events.privacy import find_personal_data  # noqa: E402

SENTENCE = (
    "Voorlezen in groep 7/8 met 23 deelnemers op 14-03-2025 van 10:30-12:00 "
    "in zaal 2.14 (doelen 1.2 en 4.3, week 27, schooljaar 2024-2025), "
    "€ 12,50 per les, ISBN 978-90-414-1780-4, 85% tevreden. "
)
NOTE = (SENTENCE * 20)[:2000]
DIGITS = re.compile(r"\d+")


def baseline(text: str) -> list[str]:
    """Every run of digits: one pass of one regex."""
    return DIGITS.findall(text)


def per_call(call, runs: int) -> float:
    """Seconds per call, timed over `runs` calls."""
    return timeit.timeit(call, number=runs) / runs


def measure(runs: int, repeat: int) -> tuple[list[float], list[float]]:
    """Per-repeat seconds per note, ours and the baseline, taken in turns."""
    ours, plain = [], []
    for _ in range(repeat):
        ours.append(per_call(lambda: find_personal_data(NOTE), runs))
        plain.append(per_call(lambda: baseline(NOTE), runs))
    return ours, plain


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    assert find_personal_data(NOTE) == [], "the note must be clean"
    ours, plain = measure(args.runs, args.repeat)
    ratio = statistics.median(o / p for o, p in zip(ours, plain, strict=True))
    mine, base = statistics.median(ours), statistics.median(plain)
    print(f"note: {len(NOTE)} characters, {args.repeat} x {args.runs} calls")
    print(f"screen:   {1 / mine:>10,.0f} notes/s  {mine * 1e6:8.1f} us per note")
    print(f"baseline: {1 / base:>10,.0f} notes/s  {base * 1e6:8.1f} us per note")
    print(f"ratio screen / baseline: {ratio:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
