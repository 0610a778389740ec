"""Where formulas are compared: the sample points, and numeric evaluation at them.

Declared parameters (HARDMath2's `x; \\epsilon`) are drawn from [1, 2], as HARDMath2's grader does.
That alone can miss a whole term: a boundary-layer term like e^{-100(x+1)/\\epsilon} is about
e^-130 there, so an answer without it would pass. So the points are chosen for each reference
(`reference_points`): the [1, 2] points first, then, for every term of the reference that changes
its value by less than `MARGIN` times the tolerance at all of them, further points (small
parameters, values near 0, ±1 and 2, negative values), taken in a fixed order until every term
counts somewhere. A term no point exercises is reported, not hidden.

Undeclared variables are sampled by name (`undeclared_points`): count-like names (n, m, k, ...)
at integers, any other at positive and negative non-integers.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Iterator

import sympy

from rl2f_eval.suites.math.numeric import DIGITS, Point, evaluator

RTOL = 1e-6  # HARDMath2's grader: numpy.allclose(rtol=1e-6, atol=1e-12)
ATOL = 1e-12
POINTS = 3
"""Points drawn from [1, 2] for declared parameters, as HARDMath2."""
MARGIN = 10.0
"""A term counts at a point where dropping it changes the value by MARGIN x the tolerance."""
CANDIDATES = 240
"""Further points tried for terms the [1, 2] points miss (a fixed list: the same every run)."""


def is_real(value: complex | None) -> bool:
    return value is not None and abs(value.imag) <= RTOL * abs(value.real) + ATOL


def differ(reference: complex, value: complex | None, rtol: float) -> bool:
    return value is None or abs(value - reference) > rtol * abs(reference) + ATOL


COUNT_NAMES = re.compile(r"[nmkrijlNMK](?:_.*)?")
"""Undeclared variables with these names are counts or indices (CHAMP's n, m, k, r): integers."""


def is_count(name: str) -> bool:
    return bool(COUNT_NAMES.fullmatch(name))


_REAL_POINTS = (
    ((0.2, 3.8, 1),) * 3 + ((4.2, 14.8, 1),) * 2 + ((0.2, 3.8, -1),) * 3 + ((0.2, 3.8, 0),) * 2
)
"""(low, high, sign) of the values of undeclared real variables at each sample point."""


def undeclared_points(names: list[str]) -> list[Point]:
    """Points for variables no problem declared: counts at distinct small integers; other
    variables at positive and negative non-integers (|x| is not x, floor(x) is not x,
    sin(pi x) is not 0), small and larger; the last points mix signs."""
    rng = random.Random(42)  # fixed: the same points for every answer
    counts = [v for v in names if is_count(v)]
    reals = [v for v in names if not is_count(v)]
    if not reals:
        return [{v: sympy.Integer(rng.randint(3, 14)) for v in names} for _ in range(2 * POINTS)]
    points = []
    for low, high, sign in _REAL_POINTS:
        point: Point = {v: sympy.Integer(rng.randint(3, 14)) for v in counts}
        for v in reals:
            point[v] = sympy.Float(rng.uniform(low, high) * (sign or rng.choice((1, -1))), DIGITS)
        points.append(point)
    return points


SMALL_PARAMETER = re.compile(r"epsilon|delta(?:_.*)?")
"""The small parameter of a perturbation problem: positive (`\\epsilon \\ll 1`, `0 < \\delta`), so
only positive values are tried (an answer may take roots of it)."""


def _candidates(names: list[str]) -> Iterator[dict[str, float]]:
    """The fixed sequence of points tried: [1, 2] first (HARDMath2's), then three tiers that
    reach further: small positive values and (0, 1); values near the usual boundaries (0, ±1,
    2: inside a boundary layer); any sign and larger values."""
    rng = random.Random(42)
    for _ in range(POINTS):
        yield {n: rng.uniform(1, 2) for n in names}
    rng = random.Random(7)

    def near_boundary() -> float:
        offset = 10 ** rng.uniform(-4, math.log10(0.5))
        return rng.choice((-1.0, 0.0, 1.0, 2.0)) + rng.choice((1, -1)) * offset

    tiers = (
        lambda: rng.choice((rng.uniform(1, 2), 10 ** rng.uniform(-3, 0), rng.uniform(0, 1))),
        lambda: rng.choice((near_boundary(), near_boundary(), 10 ** rng.uniform(-4, 0))),
        lambda: rng.choice((rng.uniform(-3, 3), 10 ** rng.uniform(-3, 0), 10 ** rng.uniform(0, 2))),
    )
    for i in range(CANDIDATES):
        draw = tiers[i * len(tiers) // CANDIDATES]
        point = {n: draw() for n in names}
        yield {n: abs(v) if SMALL_PARAMETER.fullmatch(n) else v for n, v in point.items()}


def term_variants(expr: sympy.Basic) -> list[tuple[sympy.Basic, sympy.Basic]]:
    """(term, `expr` without it) for every additive term reachable through sums, products and
    the bases of powers: the reference with one term dropped. Likewise each branch of a
    maximum, minimum or absolute value (`max(0, u)` with `u` alone, `|u|` as `u`): a point
    where the branch is taken must be among the sample points too."""
    found: list[tuple[sympy.Basic, sympy.Basic]] = []

    def walk(node: sympy.Basic, rebuild: Callable[[sympy.Basic], sympy.Basic]) -> None:
        if isinstance(node, sympy.Add):
            for i, arg in enumerate(node.args):
                rest = node.args[:i] + node.args[i + 1 :]
                found.append((arg, rebuild(sympy.Add(*rest, evaluate=False))))

                def inner(new, i=i):
                    args = (*node.args[:i], new, *node.args[i + 1 :])
                    return rebuild(sympy.Add(*args, evaluate=False))

                walk(arg, inner)
        elif isinstance(node, sympy.Mul):
            for i, arg in enumerate(node.args):

                def inner(new, i=i):
                    args = (*node.args[:i], new, *node.args[i + 1 :])
                    return rebuild(sympy.Mul(*args, evaluate=False))

                walk(arg, inner)
        elif isinstance(node, sympy.Pow):
            walk(node.base, lambda new: rebuild(sympy.Pow(new, node.exp, evaluate=False)))
        elif isinstance(node, sympy.Max | sympy.Min | sympy.Abs):
            for arg in node.args:
                found.append((node, rebuild(arg)))

    walk(expr, lambda new: new)
    return found


def to_point(values: dict[str, float]) -> Point:
    return {n: sympy.Float(repr(float(v)), DIGITS) for n, v in values.items()}


class UncheckableReference(ValueError):
    """The reference cannot be checked numerically (the reason is its message)."""


def reference_points(
    references: list[sympy.Basic], names: list[str], rtol: float
) -> tuple[list[dict[str, float]], list[str]]:
    """Points at which the references are finite and every one of their terms counts, and the
    terms that count at none of the points tried (as text)."""
    values = [evaluator(r, names) for r in references]
    variants = [
        (k, term, evaluator(variant, names))
        for k, r in enumerate(references)
        for term, variant in term_variants(r)
    ]
    chosen: list[dict[str, float]] = []
    pending = list(range(len(variants)))
    real: bool | None = None  # real at the first usable point: then only where real
    for candidate in _candidates(names):
        if len(chosen) >= POINTS and not pending:
            break
        point = to_point(candidate)
        at = [value(point) for value in values]
        if any(v is None for v in at):
            continue
        if real is None:
            real = all(is_real(v) for v in at)
        elif real and not all(is_real(v) for v in at):
            continue
        hit = {i for i in pending if _counts(variants[i], at, point, rtol)}
        if len(chosen) < POINTS or hit:
            chosen.append(candidate)
            pending = [i for i in pending if i not in hit]
    if not chosen:
        raise UncheckableReference("it has no finite value at any sample point")
    return chosen, [sympy.sstr(variants[i][1], order="none") for i in pending]


def _counts(variant, at: list[complex], point: Point, rtol: float) -> bool:
    k, _, without = variant
    value = without(point)
    return value is None or abs(value - at[k]) > MARGIN * (rtol * abs(at[k]) + ATOL)
