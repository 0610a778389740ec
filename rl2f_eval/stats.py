"""Confidence intervals and paired tests over problems (numpy only).

Every metric here is a ratio of per-problem sums: a mean is sum(values) / sum(ones), the turn of
first success is sum(solved turns) / sum(solved), the leak rate is sum(leaks) / sum(feedback), the
fix rate at turn k is sum(newly solved) / sum(still open). One resampling scheme then serves all:
bootstrap over problems (the unit a benchmark samples), or the standard error, which for a mean is
Inspect's stderr and for a ratio its delta-method extension.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

Z95 = 1.959963984540054
MAX_CELLS = 4_000_000  # resamples x problems per matrix product: bounds memory on large runs


class CIMethod(StrEnum):
    bootstrap = "bootstrap"
    stderr = "stderr"


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float


def seed_for(seed: int, key: str) -> np.random.Generator:
    """A generator seeded by `seed` and a stable key, so each row's resamples are reproducible."""
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def pooled(pair: tuple[np.ndarray, np.ndarray]) -> float:
    """sum(num) / sum(den) of one metric's (numerator, denominator) per problem; NaN if empty."""
    num, den = pair
    return float(_ratio(num.sum(), den.sum()))


def resampled_sums(columns: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Column sums of `resamples` bootstrap resamples of the rows (problems) of `columns`."""
    n = len(columns)
    chunk = max(1, MAX_CELLS // max(n, 1))
    sums = []
    for start in range(0, resamples, chunk):
        counts = rng.multinomial(n, np.full(n, 1 / n), size=min(chunk, resamples - start))
        sums.append(counts @ columns)
    return np.vstack(sums)


def _influence(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Per-problem linearisation of sum(num)/sum(den) (delta method; for a mean: value - mean)."""
    mean_den = den.mean()
    return (num - pooled((num, den)) * den) / mean_den


def ratio_stderr(pair: tuple[np.ndarray, np.ndarray]) -> float:
    """Delta-method standard error of sum(num)/sum(den) over problems (for a mean, Inspect's
    stderr); NaN with fewer than two problems or nothing in the denominator."""
    num, den = pair
    n = len(num)
    if n < 2 or den.sum() <= 0:
        return math.nan
    return float(_influence(num, den).std(ddof=1) / math.sqrt(n))


def ratio_estimates(
    pairs: dict[str, tuple[np.ndarray, np.ndarray]],
    method: CIMethod,
    resamples: int,
    rng: np.random.Generator,
) -> dict[str, Estimate]:
    """Each named ratio sum(num)/sum(den) over problems with its 95% interval."""
    names = list(pairs)
    if not names:
        return {}
    num = np.column_stack([pairs[name][0] for name in names]).astype(float)
    den = np.column_stack([pairs[name][1] for name in names]).astype(float)
    values = _ratio(num.sum(0), den.sum(0))
    n = len(num)
    if method is CIMethod.bootstrap and n > 0:
        sums = resampled_sums(np.hstack([num, den]), resamples, rng)
        ratios = _ratio(sums[:, : len(names)], sums[:, len(names) :])
        with np.errstate(all="ignore"):
            low, high = _nan_percentiles(ratios)
    else:
        low, high = np.full(len(names), np.nan), np.full(len(names), np.nan)
        for i in range(len(names)):
            se = ratio_stderr((num[:, i], den[:, i]))
            if not math.isnan(se):
                low[i], high[i] = values[i] - Z95 * se, values[i] + Z95 * se
    return {
        name: Estimate(float(values[i]), float(low[i]), float(high[i]))
        for i, name in enumerate(names)
    }


def _nan_percentiles(ratios: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low, high = np.full(ratios.shape[1], np.nan), np.full(ratios.shape[1], np.nan)
    for i in range(ratios.shape[1]):
        column = ratios[:, i][~np.isnan(ratios[:, i])]
        if len(column):
            low[i], high[i] = np.percentile(column, [2.5, 97.5])
    return low, high


def paired_difference(
    a: tuple[np.ndarray, np.ndarray],
    b: tuple[np.ndarray, np.ndarray],
    method: CIMethod,
    resamples: int,
    rng: np.random.Generator,
) -> Estimate:
    """ratio(b) - ratio(a) over the same problems, resampled jointly (pairs stay together)."""
    (num_a, den_a), (num_b, den_b) = a, b
    value = pooled(b) - pooled(a)
    n = len(num_a)
    if method is CIMethod.bootstrap and n > 0:
        sums = resampled_sums(np.column_stack([num_a, den_a, num_b, den_b]), resamples, rng)
        diffs = _ratio(sums[:, 2], sums[:, 3]) - _ratio(sums[:, 0], sums[:, 1])
        diffs = diffs[~np.isnan(diffs)]
        if len(diffs):
            low, high = np.percentile(diffs, [2.5, 97.5])
            return Estimate(value, float(low), float(high))
        return Estimate(value, math.nan, math.nan)
    if n < 2 or den_a.sum() == 0 or den_b.sum() == 0:
        return Estimate(value, math.nan, math.nan)
    se = (_influence(num_b, den_b) - _influence(num_a, den_a)).std(ddof=1) / math.sqrt(n)
    return Estimate(value, value - Z95 * se, value + Z95 * se)


def mcnemar_exact(a_only: int, b_only: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pairs (a right, b wrong; the reverse)."""
    n = a_only + b_only
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(a_only, b_only) + 1)) / 2**n
    return min(1.0, 2 * tail)


def sign_flip_p(differences: np.ndarray, resamples: int, rng: np.random.Generator) -> float:
    """Two-sided paired permutation test of a zero mean difference (random sign flips).

    Exact (all sign patterns) up to 16 non-zero differences, Monte Carlo beyond. On 0/1 outcomes
    it is the exact McNemar test."""
    d = differences[differences != 0].astype(float)
    if len(d) == 0:
        return 1.0
    observed = abs(d.sum()) - 1e-9
    if len(d) <= 16:
        patterns = ((np.arange(2 ** len(d))[:, None] >> np.arange(len(d))) & 1) * 2 - 1
        return float(np.mean(np.abs(patterns @ d) >= observed))
    signs = rng.choice([-1.0, 1.0], size=(resamples, len(d)))
    return float((1 + np.sum(np.abs(signs @ d) >= observed)) / (1 + resamples))


def _binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), summed in log space (no overflow at large n)."""
    if p <= 0:
        return 1.0
    if p >= 1:
        return 1.0 if k >= n else 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    terms = [
        math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p
        + (n - i) * log_q
        for i in range(k + 1)
    ]  # fmt: skip
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))


def clopper_pearson(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper-Pearson) interval of a binomial proportion, by bisection on the
    binomial tails; (0, 1) without trials."""
    if trials == 0:
        return 0.0, 1.0
    tail = (1 - level) / 2

    def solve(below: Callable[[float], bool]) -> float:
        low, high = 0.0, 1.0
        for _ in range(60):
            middle = (low + high) / 2
            low, high = (middle, high) if below(middle) else (low, middle)
        return (low + high) / 2

    # lower bound: the p at which P(X >= successes) = tail; upper: P(X <= successes) = tail
    lower = (
        0.0
        if successes == 0
        else solve(lambda p: 1 - _binomial_cdf(successes - 1, trials, p) < tail)
    )
    upper = (
        1.0 if successes == trials else solve(lambda p: _binomial_cdf(successes, trials, p) > tail)
    )
    return lower, upper


def mcnemar_interval(a_only: int, b_only: int, n: int) -> tuple[float, float]:
    """95% interval of acc(B) - acc(A) = (b_only - a_only) / n over n paired problems, exact
    given the discordant ones (those only one run solved), as the exact McNemar test is: the
    Clopper-Pearson interval of B's share of them, scaled. NaN bounds when no problem is
    discordant: nothing then bounds the difference."""
    discordant = a_only + b_only
    if discordant == 0 or n == 0:
        return math.nan, math.nan
    low, high = clopper_pearson(b_only, discordant)
    return discordant * (2 * low - 1) / n, discordant * (2 * high - 1) / n
