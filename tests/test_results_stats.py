"""Intervals and paired tests on hand-checkable data."""

import math

import numpy as np
import pytest

from rl2f_eval.stats import (
    CIMethod,
    mcnemar_exact,
    paired_difference,
    ratio_estimates,
    seed_for,
    sign_flip_p,
)


def test_mcnemar_exact_matches_the_binomial_tail():
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(0, 6) == pytest.approx(2 / 2**6)  # all 6 discordant pairs one way
    assert mcnemar_exact(1, 5) == pytest.approx(2 * (1 + 6) / 2**6)
    assert mcnemar_exact(3, 3) == 1.0
    assert mcnemar_exact(2, 9) == mcnemar_exact(9, 2)


def test_sign_flip_is_exact_mcnemar_on_binary_outcomes():
    rng = np.random.default_rng(0)
    a = np.array([1, 1, 1, 0, 0, 1, 0, 1, 1, 0])
    b = np.array([0, 0, 1, 0, 1, 0, 0, 0, 1, 0])
    a_only, b_only = int(((a == 1) & (b == 0)).sum()), int(((a == 0) & (b == 1)).sum())
    assert sign_flip_p(b - a, 1000, rng) == pytest.approx(mcnemar_exact(a_only, b_only))
    assert sign_flip_p(np.zeros(5), 1000, rng) == 1.0


def test_sign_flip_monte_carlo_on_many_differences():
    rng = np.random.default_rng(1)
    assert sign_flip_p(np.ones(40), 2000, rng) < 0.01  # every problem better: significant
    balanced = np.array([1.0, -1.0] * 20)
    assert sign_flip_p(balanced, 2000, rng) > 0.5


def test_stderr_interval_of_a_mean_is_inspects_stderr():
    values = np.array([1, 0, 1, 1, 0, 1, 0, 1.0])
    [estimate] = ratio_estimates(
        {"m": (values, np.ones(8))}, CIMethod.stderr, 0, np.random.default_rng(0)
    ).values()
    stderr = values.std(ddof=1) / math.sqrt(len(values))  # what inspect_ai.scorer.stderr reports
    assert estimate.value == pytest.approx(values.mean())
    assert (estimate.high - estimate.value) / 1.96 == pytest.approx(stderr, rel=1e-3)


def test_bootstrap_interval_of_a_proportion():
    values = np.array([1.0] * 50 + [0.0] * 50)
    estimates = ratio_estimates(
        {"m": (values, np.ones(100))}, CIMethod.bootstrap, 4000, seed_for(0, "row")
    )
    e = estimates["m"]
    assert e.value == 0.5
    # normal theory: 0.5 ± 1.96 * 0.05
    assert e.low == pytest.approx(0.402, abs=0.02)
    assert e.high == pytest.approx(0.598, abs=0.02)


def test_bootstrap_is_reproducible_per_seed_and_key():
    values = np.random.default_rng(3).integers(0, 2, 30).astype(float)
    pairs = {"m": (values, np.ones(30))}

    def run(seed, key):
        return ratio_estimates(pairs, CIMethod.bootstrap, 500, seed_for(seed, key))["m"]

    assert run(0, "a") == run(0, "a")
    assert run(0, "a") != run(1, "a")


def test_ratio_metric_undefined_without_denominator():
    e = ratio_estimates(
        {"r": (np.zeros(4), np.zeros(4))}, CIMethod.bootstrap, 200, np.random.default_rng(0)
    )["r"]
    assert math.isnan(e.value) and math.isnan(e.low) and math.isnan(e.high)


def test_ratio_of_sums_weights_by_denominator():
    # leak rate: 1 leak in 1 feedback message and 0 in 3 -> 1/4, not the mean of 1 and 0
    e = ratio_estimates(
        {"r": (np.array([1.0, 0.0]), np.array([1.0, 3.0]))},
        CIMethod.stderr,
        0,
        np.random.default_rng(0),
    )["r"]
    assert e.value == 0.25


def test_paired_difference_keeps_pairs_together():
    a = np.array([0, 0, 0, 0, 1, 1, 1, 1.0])
    b = a.copy()  # identical runs: every resample has a difference of exactly 0
    ones = np.ones(8)
    for method in CIMethod:
        d = paired_difference((a, ones), (b, ones), method, 300, np.random.default_rng(0))
        assert (d.value, d.low, d.high) == (0.0, 0.0, 0.0)
    better = np.ones(8)
    d = paired_difference((a, ones), (better, ones), CIMethod.bootstrap, 1000, seed_for(0, "x"))
    assert d.value == 0.5 and 0 < d.low <= 0.5 <= d.high <= 1
