"""Coverage of the visitor estimate's 95% interval in a world it does not assume.

Generated half years (tests/support/visitor_world.py): rates that change by the
hour and drift from week to week, overdispersed counts, staff who sample some
parts of the week once or never, and samples on closed days. Two sampling plans:
`uneven` (every period has parts of the week with a borrowed rate) and `rota`
(every part of the week sampled at least twice, nothing borrowed).

    .venv/bin/python bench/estimate_coverage.py [--periods 1000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.visitor_world import coverage  # noqa: E402

PLANS = {
    "uneven": {"samples_per_week": 2.0, "gaps": 0.12},
    "rota": {"samples_per_week": 2.0, "gaps": 0.0, "rota": True},
    "uneven_few": {"samples_per_week": 1.0, "gaps": 0.12},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--periods", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--out", default=str(ROOT / "bench/results/estimate_coverage.json")
    )
    args = parser.parse_args()
    began = time.perf_counter()
    results = {
        name: coverage(args.seed, args.periods, **plan) for name, plan in PLANS.items()
    }
    report = {
        "parameters": {"periods": args.periods, "seed": args.seed, "plans": PLANS},
        "results": results,
        "seconds": round(time.perf_counter() - began, 1),
    }
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
