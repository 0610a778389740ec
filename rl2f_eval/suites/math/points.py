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

import mpmath
import sympy

RTOL = 1e-6  # HARDMath2's grader: numpy.allclose(rtol=1e-6, atol=1e-12)
ATOL = 1e-12
POINTS = 3
"""Points drawn from [1, 2] for declared parameters, as HARDMath2."""
MARGIN = 10.0
"""A term counts at a point where dropping it changes the value by MARGIN x the tolerance."""
CANDIDATES = 240
"""Further points tried for terms the [1, 2] points miss (a fixed list: the same every run)."""
DIGITS = 20
"""Working precision of every evaluation."""
QUAD_DIGITS = 12
"""Precision of numerical integrals: a relative error near 1e-12, far below the tolerance."""

Point = dict[str, sympy.Float | sympy.Integer]
_QUADRATURES: dict[tuple, object] = {}


def _fast(expr: sympy.Basic, args: list[sympy.Symbol], functions: dict | None = None):
    """`expr` as an mpmath function of `args`. Integrals become calls to `mpmath.quad`, hidden
    behind opaque function names first: SymPy's printer would otherwise evaluate constant
    integrals symbolically just to order the terms (minutes, not milliseconds)."""
    functions = {} if functions is None else functions

    def lift(integral: sympy.Integral) -> sympy.Basic:
        (variable, *bounds), *more = integral.limits
        if more or len(bounds) != 2:
            raise ValueError("only single definite integrals are evaluated numerically")
        outer = sorted(integral.free_symbols, key=str)
        integrand = _fast(integral.function, [variable, *outer], functions)
        name = f"quad{len(functions)}"

        def quad(a, b, *values, f=integrand, key=integral):
            # the same integral at the same point is needed again and again (each term of the
            # reference is left out in turn, answers repeat it): computed once per worker
            at = (key, a, b, *values)
            if at not in _QUADRATURES:
                if len(_QUADRATURES) > 20000:
                    _QUADRATURES.clear()
                with mpmath.workdps(QUAD_DIGITS):  # enough for a 1e-6 tolerance, and 3-5x
                    value = mpmath.quad(lambda t: f(t, *values), [a, b])  # faster nested
                _QUADRATURES[at] = value
            return _QUADRATURES[at]

        functions[name] = quad
        return sympy.Function(name)(*bounds, *outer)

    def outermost(node: sympy.Basic) -> Iterator[sympy.Integral]:
        if isinstance(node, sympy.Integral):
            yield node  # an integral inside it is lifted with its integrand
        else:
            for arg in node.args:
                yield from outermost(arg)

    expr = expr.xreplace({integral: lift(integral) for integral in set(outermost(expr))})
    # dummy argument names: a SymPy symbol name is not always a Python identifier (`e_{1}`)
    dummies = [sympy.Dummy() for _ in args]
    expr = expr.xreplace(dict(zip(args, dummies, strict=True)))
    return sympy.lambdify(dummies, expr, modules=[functions, "mpmath"])


def evaluator(expr: sympy.Basic, names: list[str]) -> Callable[[Point], complex | None]:
    """A numeric function of the sample values: mpmath through lambdify (quadrature for
    integrals, special functions); SymPy's evalf where that fails. None where the value is
    not a finite number."""
    symbols = {str(s): s for s in expr.free_symbols}
    args = [symbols.get(n, sympy.Symbol(n)) for n in names]
    try:
        fast = _fast(expr, args)
    except Exception:  # lambdify cannot print some SymPy objects
        fast = None

    def value(point: Point) -> complex | None:
        values = [point[n] for n in names]
        result = None
        if fast is not None:
            try:  # integers stay integers: sums need them as range bounds
                with mpmath.workdps(DIGITS):
                    numbers = (int(v) if v.is_Integer else mpmath.mpf(str(v)) for v in values)
                    result = complex(fast(*numbers))
            except Exception:  # evaluate it the slow way below
                result = None
        if result is None:
            try:
                result = complex(sympy.N(expr.subs(dict(zip(args, values, strict=True))), 20))
            except Exception:  # outside the domain, a pole, an unevaluable object: no value
                return None
        return result if math.isfinite(result.real) and math.isfinite(result.imag) else None

    return value


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


def _candidates(names: list[str]) -> Iterator[dict[str, float]]:
    """The fixed sequence of points tried: [1, 2] first (HARDMath2's), then three tiers that
    reach further: small positive values and (0, 1); any sign; near the usual boundaries."""
    rng = random.Random(42)
    for _ in range(POINTS):
        yield {n: rng.uniform(1, 2) for n in names}
    rng = random.Random(7)

    def near_boundary() -> float:
        offset = 10 ** rng.uniform(-4, math.log10(0.5))
        return rng.choice((-1.0, 0.0, 1.0, 2.0)) + rng.choice((1, -1)) * offset

    tiers = (
        lambda: rng.choice((rng.uniform(1, 2), 10 ** rng.uniform(-3, 0), rng.uniform(0, 1))),
        lambda: rng.choice((rng.uniform(-3, 3), 10 ** rng.uniform(-3, 0), 10 ** rng.uniform(0, 2))),
        lambda: rng.choice((near_boundary(), near_boundary(), 10 ** rng.uniform(-4, 0))),
    )
    for i in range(CANDIDATES):
        draw = tiers[i * len(tiers) // CANDIDATES]
        yield {n: draw() for n in names}


def term_variants(expr: sympy.Basic) -> list[tuple[sympy.Basic, sympy.Basic]]:
    """(term, `expr` without it) for every additive term reachable through sums, products and
    the bases of powers: the reference with one term dropped."""
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
    return chosen, [str(variants[i][1]) for i in pending]


def _counts(variant, at: list[complex], point: Point, rtol: float) -> bool:
    k, _, without = variant
    value = without(point)
    return value is None or abs(value - at[k]) > MARGIN * (rtol * abs(at[k]) + ATOL)
