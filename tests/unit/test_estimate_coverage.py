"""Issue #10: the visitor interval keeps its promise in a world it does not assume.

The half years come from tests/support/visitor_world.py: rates that change by the
hour and drift from week to week, overdispersed counts, uneven sampling with
parts of the week sampled once or never, and counts on closed days. The true
total of each is known. bench/estimate_coverage.py runs the same over 1,000
half years per plan; docs/ESTIMATES.md quotes those figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.visitor_world import coverage

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, float]]:
    found = {
        # Staff's favourite parts of the week: every period borrows some rates.
        "uneven": coverage(seed=20250701, periods=360, gaps=0.12),
        # A rota: every part of the week sampled at least twice, none borrowed.
        "rota": coverage(seed=20250702, periods=120, gaps=0.0, rota=True),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "estimate_coverage.json").write_text(json.dumps(found, indent=2))
    return found


def test_the_95_percent_interval_holds_the_true_total_93_to_97_percent(figures):
    periods = sum(f["periods"] for f in figures.values())
    covered = sum(f["coverage"] * f["periods"] for f in figures.values())
    assert periods >= 200
    assert 0.93 <= covered / periods <= 0.97, figures


def test_with_and_without_borrowed_rates_alike(figures):
    assert figures["uneven"]["periods_with_borrowed_rates"] == 360
    assert figures["rota"]["periods_with_borrowed_rates"] == 0
    for found in figures.values():  # 120 periods: within two standard errors
        assert found["coverage"] >= 0.90, found


def test_the_estimate_is_unbiased_and_the_interval_not_absurdly_wide(figures):
    periods = sum(f["periods"] for f in figures.values())
    error = sum(f["mean_relative_error"] * f["periods"] for f in figures.values())
    assert abs(error / periods) < 0.03, figures
    # Two samples a week: +/- 25% with a rota, +/- 45% when sampled unevenly.
    assert figures["rota"]["median_relative_half_width"] < 0.3
    assert figures["uneven"]["median_relative_half_width"] < 0.5


def test_samples_on_closed_days_are_never_counted(figures):
    assert all(f["periods_counting_closed_day_samples"] == 0 for f in figures.values())
