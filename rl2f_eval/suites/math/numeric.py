"""Numeric values of SymPy formulas at sample points, with mpmath (runs in a checker worker).

The formula tree is walked directly, and every subformula's value at a point is remembered:
the checker evaluates a reference, then the reference with each term left out, then answers
that share most of it, so an expensive piece (an error function, an integral) is computed once
per point. Integrands are compiled (lambdify) since quadrature calls them hundreds of times.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import mpmath
import sympy

DIGITS = 20
"""Working precision of every evaluation."""
QUAD_DIGITS = 12
"""Precision of numerical integrals: a relative error near 1e-12, far below the tolerance, and
several times faster than DIGITS for nested integrals."""

Point = dict[str, sympy.Float | sympy.Integer]

_FUNCTIONS: dict[str, Callable] = {
    name: getattr(mpmath, name)
    for name in (
        *("exp", "sqrt", "sin", "cos", "tan", "sec", "csc", "cot", "asin", "acos", "atan"),
        *("acot", "asec", "acsc", "sinh", "cosh", "tanh", "sech", "csch", "coth", "asinh"),
        *("acosh", "atanh", "acoth", "asech", "acsch", "erf", "erfc", "erfi", "gamma"),
        *("loggamma", "beta", "airyai", "airybi", "besselj", "bessely", "besseli", "besselk"),
        *("floor", "factorial", "binomial", "sign", "re", "im"),
    )
}
_FUNCTIONS.update(
    log=lambda x, base=None: mpmath.log(x) if base is None else mpmath.log(x, base),
    Ei=mpmath.ei,
    Si=mpmath.si,
    Ci=mpmath.ci,
    li=mpmath.li,
    betainc=lambda a, b, x1, x2: mpmath.betainc(a, b, x1, x2),
    Abs=abs,
    ceiling=mpmath.ceil,
    atan2=mpmath.atan2,
    Max=lambda *v: max(v),
    Min=lambda *v: min(v),
    LambertW=mpmath.lambertw,
    polygamma=mpmath.polygamma,
    digamma=mpmath.digamma,
    zeta=mpmath.zeta,
    conjugate=mpmath.conj,
)
_CONSTANTS = {
    sympy.pi: lambda: mpmath.pi,
    sympy.E: lambda: mpmath.e,
    sympy.I: lambda: mpmath.mpc(0, 1),
    sympy.oo: lambda: mpmath.inf,
    -sympy.oo: lambda: -mpmath.inf,
    sympy.EulerGamma: lambda: mpmath.euler,
    sympy.Catalan: lambda: mpmath.catalan,
    sympy.GoldenRatio: lambda: mpmath.phi,
}
_VALUES: dict[tuple, object] = {}
"""Values of subformulas by (subformula, point): shared by every evaluation in the worker."""
_QUADRATURES: dict[tuple, object] = {}
_INTEGRANDS: dict[sympy.Integral, Callable] = {}
_LIMIT = 200_000


def evaluator(expr: sympy.Basic, names: list[str]) -> Callable[[Point], complex | None]:
    """A numeric function of the sample values: None where the value is not a finite number
    (outside the domain, a pole, an object mpmath cannot evaluate)."""

    def value(point: Point) -> complex | None:
        env = {n: _number(point[n]) for n in names if n in point}
        key = tuple(sorted(env.items()))
        try:
            with mpmath.workdps(DIGITS):
                result = complex(_value(expr, env, key))
        except Exception:  # a domain error, a pole, an unknown function: no value here
            return None
        return result if math.isfinite(result.real) and math.isfinite(result.imag) else None

    return value


def _number(value: sympy.Basic) -> object:
    return int(value) if value.is_Integer else mpmath.mpf(value._mpf_)


def _value(node: sympy.Basic, env: dict, key: tuple | None) -> object:
    """`node` at the point `env` (names to mpmath numbers). `key`: the point, for the memo
    (None inside an integrand, whose variable changes with every call)."""
    if node.is_Symbol:
        return env[str(node)]
    if node.is_Integer:
        return int(node)
    if node.is_Rational:
        return mpmath.mpf(node.p) / node.q
    if node.is_Float:
        return mpmath.mpf(node._mpf_)
    if node in _CONSTANTS:
        return _CONSTANTS[node]()
    if key is not None:
        memo = (node, key)
        if memo in _VALUES:
            return _VALUES[memo]
    result = _compute(node, env, key)
    if key is not None:
        if len(_VALUES) > _LIMIT:
            _VALUES.clear()
        _VALUES[memo] = result
    return result


def _compute(node: sympy.Basic, env: dict, key: tuple | None) -> object:
    if isinstance(node, sympy.Add):
        return mpmath.fsum(_value(a, env, key) for a in node.args)
    if isinstance(node, sympy.Mul):
        result = 1
        for arg in node.args:
            result = result * _value(arg, env, key)
        return result
    if isinstance(node, sympy.Pow):
        base = _value(node.base, env, key)
        if node.exp.is_Integer:  # exact powers, negative bases included
            return (mpmath.mpf(base) if isinstance(base, int) else base) ** int(node.exp)
        return mpmath.power(base, _value(node.exp, env, key))
    if isinstance(node, sympy.UnevaluatedExpr):
        return _value(node.args[0], env, key)
    if isinstance(node, sympy.Integral):
        return _integral(node, env)
    if isinstance(node, sympy.Sum):
        return _sum(node, env)
    if node.func.__name__ in _FUNCTIONS:
        return _FUNCTIONS[node.func.__name__](*(_value(a, env, key) for a in node.args))
    # anything else (a Piecewise, a rare function): SymPy's own evaluation, slowly
    values = {s: env[str(s)] for s in node.free_symbols if str(s) in env}
    number = sympy.N(node.subs({s: sympy.Float(str(v), DIGITS) for s, v in values.items()}))
    return mpmath.mpc(complex(number))


def _integral(node: sympy.Integral, env: dict) -> object:
    (variable, *bounds), *more = node.limits
    if more or len(bounds) != 2:
        raise ValueError("only single definite integrals are evaluated numerically")
    outer = sorted((s for s in node.free_symbols), key=str)
    values = [env[str(s)] for s in outer]
    a, b = (_value(bound, env, None) for bound in bounds)
    at = (node, a, b, *values)
    if at not in _QUADRATURES:
        if node not in _INTEGRANDS:
            _INTEGRANDS[node] = _compiled(node.function, [variable, *outer])
        f = _INTEGRANDS[node]
        with mpmath.workdps(QUAD_DIGITS):
            value = mpmath.quad(lambda t: f(t, *values), [a, b])
        if len(_QUADRATURES) > _LIMIT:
            _QUADRATURES.clear()
        _QUADRATURES[at] = value
    return _QUADRATURES[at]


def _sum(node: sympy.Sum, env: dict) -> object:
    (variable, low, high), *more = node.limits
    if more:
        raise ValueError("only single sums are evaluated numerically")
    low, high = _value(low, env, None), _value(high, env, None)

    def term(k: object) -> object:
        return _value(node.function, {**env, str(variable): k}, None)

    if high == mpmath.inf or high - low > 10_000:
        return mpmath.nsum(term, [low, high])
    return mpmath.fsum(term(k) for k in range(int(low), int(high) + 1))


def _compiled(expr: sympy.Basic, args: list[sympy.Symbol]) -> Callable:
    """`expr` as a compiled mpmath function of `args` (an integrand, called for every node of
    the quadrature). An integral inside it is evaluated by the tree walk above."""
    dummies = [sympy.Dummy() for _ in args]  # a symbol name is not always an identifier
    inner = {i: sympy.Function(f"integral{k}")(*sorted(i.free_symbols, key=str))
             for k, i in enumerate(expr.atoms(sympy.Integral))}  # fmt: skip
    functions = {
        str(call.func): (
            lambda *values, i=i: _integral(
                i, dict(zip((str(s) for s in sorted(i.free_symbols, key=str)), values, strict=True))
            )
        )
        for i, call in inner.items()
    }
    expr = expr.xreplace(inner).xreplace(dict(zip(args, dummies, strict=True)))
    return sympy.lambdify(dummies, expr, modules=[functions, "mpmath"])
