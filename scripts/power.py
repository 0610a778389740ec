"""How many held-out problems and training seeds separate a 5-point gain from a 2-point one?

    python scripts/power.py [--gains 0.02 0.05] [--alpha 0.05] [--power 0.8]

Two arms are compared on the same problems, as `rl2f-eval compare` does: per problem, gain is 1
when the problem is solved by turn N but not at turn 1, else 0, and the arms differ by
delta = 0.03. Problems:
the exact McNemar test (what `compare` runs) rejects when the discordant problems (gain in one
arm only) split unevenly enough; its power is computed exactly, summing over the binomial
number of discordant problems. How often the two arms' gains coincide is not known in advance,
so two bounds: independent gains (the most discordant problems, the most needed) and nested
gains (every problem one arm gains the other gains too: the fewest).
Seeds: a trained arm's gain also varies with the training seed (standard deviation tau between
seeds, which one seed cannot show). With k seeds per arm evaluated on the same n problems, the
difference of the seed means has variance 2 tau^2 / k + s^2 / n at worst, where s^2 is the
per-problem variance of the paired difference: the problems are shared, so their part of the
noise does not average out over seeds (fresh problems per seed would let it). Seeds then cannot
stand in for problems; the table gives the k that reaches the power with a two-sided z-test
(normal approximation) once n is large enough, "-" where no k does.
Prints Markdown tables (README: Training, "How many problems and seeds").
"""

from __future__ import annotations

import argparse
import math
from statistics import NormalDist


def binomial_pmf(n: int, p: float) -> list[float]:
    """P(X = x) for x = 0..n, X ~ Binomial(n, p), in log space (stable for large n)."""
    if p <= 0:
        return [1.0] + [0.0] * n
    if p >= 1:
        return [0.0] * n + [1.0]
    log_p, log_q = math.log(p), math.log1p(-p)
    return [
        math.exp(math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1))
        * math.exp(x * log_p + (n - x) * log_q)
        for x in range(n + 1)
    ]


def mcnemar_power(n: int, b_only: float, a_only: float, alpha: float) -> float:
    """Power of the two-sided exact McNemar test on n problems, where a problem gains in B only
    with probability `b_only` and in A only with `a_only`."""
    discordant = b_only + a_only
    if discordant == 0:
        return 0.0
    share = b_only / discordant
    power = 0.0
    for d, p_d in enumerate(binomial_pmf(n, discordant)):
        if p_d < 1e-12 or d == 0:
            continue
        # the exact test's rejection region for d discordant problems: two-sided p <= alpha
        null = binomial_pmf(d, 0.5)
        tail, cumulative = [], 0.0
        for x in range(d + 1):
            cumulative += null[x]
            tail.append(cumulative)
        alternative = binomial_pmf(d, share)
        for x in range(d + 1):
            low = min(x, d - x)
            if min(1.0, 2 * tail[low]) <= alpha:
                power += p_d * alternative[x]
    return power


def problems_needed(b_only: float, a_only: float, alpha: float, power: float) -> int:
    """The smallest n whose exact McNemar power reaches `power` (the power is not monotone in n
    for an exact test: the smallest n from which it stays above, checked over a margin)."""
    n = 10
    while True:
        if all(mcnemar_power(m, b_only, a_only, alpha) >= power for m in (n, n + 5, n + 10)):
            return n
        n += 5 if n < 200 else 20


def seeds_needed(
    tau: float, s2: float, n: int, delta: float, alpha: float, power: float
) -> int | None:
    """Seeds per arm for a z-test of the difference of seed means; None when the n shared
    problems alone leave too much noise."""
    z = NormalDist().inv_cdf(1 - alpha / 2) + NormalDist().inv_cdf(power)
    room = delta**2 / z**2 - s2 / n  # variance left for the seeds' part
    if room <= 0:
        return None
    return max(1, math.ceil(2 * tau**2 / room))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gains", type=float, nargs=2, default=(0.02, 0.05))
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--power", type=float, default=0.8)
    parser.add_argument("--taus", type=float, nargs="+", default=(0.0, 0.01, 0.02, 0.03))
    parser.add_argument("--problems", type=int, nargs="+", default=(128, 640, 1000, 2000))
    args = parser.parse_args()
    low, high = args.gains
    delta = high - low
    cases = {
        "independent gains": (high * (1 - low), low * (1 - high)),
        "nested gains": (delta, 0.0),
    }
    print(f"Gain {high:.0%} against {low:.0%} (delta {delta:.0%}), two-sided alpha {args.alpha}, ")
    print(f"power {args.power:.0%}; exact McNemar test on paired problems, one seed per arm.\n")
    print("| per-problem gains | discordant problems | problems needed |")
    print("|---|---|---|")
    needed = {}
    for name, (b_only, a_only) in cases.items():
        needed[name] = problems_needed(b_only, a_only, args.alpha, args.power)
        share = f"{b_only + a_only:.1%} ({b_only:.1%} B only, {a_only:.1%} A only)"
        print(f"| {name} | {share} | {needed[name]} |")
    print("\nPower at the toy repro's 128 held-out problems: ", end="")
    print(
        ", ".join(
            f"{name} {mcnemar_power(128, b, a, args.alpha):.0%}" for name, (b, a) in cases.items()
        )
    )
    b_only, a_only = cases["independent gains"]
    s2 = b_only + a_only - delta**2  # variance of the paired per-problem difference
    print(
        f"\nSeeds per arm (independent gains, per-problem variance {s2:.4f}), by the standard "
        "deviation tau of an arm's gain between training seeds:\n"
    )
    print("| tau \\ problems | " + " | ".join(str(n) for n in args.problems) + " |")
    print("|---|" + "---|" * len(args.problems))
    for tau in args.taus:
        seeds = [seeds_needed(tau, s2, n, delta, args.alpha, args.power) for n in args.problems]
        cells = ["-" if k is None else str(k) for k in seeds]
        print(f"| {tau:.2f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
