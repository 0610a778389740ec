"""Is a LaTeX answer equivalent to the reference? Runs inside a worker process (see `bounded.py`).

Two stages:
1. `math-verify` (symbolic and numeric equivalence, sets, tuples, intervals, equations), with its
   own SIGALRM timeouts off: the caller bounds the whole check from outside.
2. A numeric fallback in the style of HARDMath2's grader for formulas: take the right-hand side
   (`y(x) \\sim ...`), parse it to SymPy, substitute sampled values for the variables (the
   problem's declared parameters, drawn from [1, 2] as HARDMath2 does) and compare with a
   relative tolerance. Undeclared variables are sampled by name: count-like names (n, m, k, r,
   i, j, l, N, M, K, subscripted or not) at integers, as CHAMP uses them for sizes and indices;
   any other (x, a, b) at positive and negative non-integers, where a point at which the
   reference or the answer is not a finite real number is skipped. It also measures how far off
   a wrong formula is, and says why an answer has the wrong form.
"""

from __future__ import annotations

import logging
import math
import random
import re
from dataclasses import dataclass

import mpmath
import sympy
from latex2sympy2_extended import latex2sympy
from latex2sympy2_extended.math_normalization import NormalizationConfig, normalize_latex
from math_verify import LatexExtractionConfig, parse, verify

from rl2f_eval.suites.math.latex import (
    SPECIAL_FUNCTIONS,
    normalise,
    split_top_level,
    strip_name,
)

# math-verify warns once that its timeouts are off: we bound every call from outside
logging.getLogger("math_verify").setLevel(logging.ERROR)

RTOL = 1e-6  # HARDMath2's grader: numpy.allclose(rtol=1e-6, atol=1e-12)
ATOL = 1e-12
POINTS = 3

_SPECIAL = {
    "erf": sympy.erf,
    "erfc": sympy.erfc,
    "erfi": sympy.erfi,
    "Ei": sympy.Ei,
    "Si": sympy.Si,
    "Ci": sympy.Ci,
    "li": sympy.li,
    "Ai": sympy.airyai,
    "Bi": sympy.airybi,
    "sech": sympy.sech,
    "csch": sympy.csch,
}
assert set(_SPECIAL) == set(SPECIAL_FUNCTIONS)


@dataclass(frozen=True)
class Check:
    """The outcome of one check (picklable: it crosses the process boundary)."""

    correct: bool
    kind: str
    """"equivalent", "numeric" (equal at every sample point), "unparsable", "form" or "value"."""
    detail: str = ""
    """Student-safe: what is wrong with the form."""
    rel_error: float | None = None
    """For a wrong value: the largest relative error over the sample points."""
    variables: tuple[str, ...] = ()
    """Names of the variables that were sampled (student-safe)."""
    report: str = ""
    """Privileged technical detail (the values at the sample points)."""


def _mv_parse(latex: str) -> list:
    return parse(
        "\\boxed{" + latex + "}",
        extraction_config=[LatexExtractionConfig()],
        parsing_timeout=None,
    )


def _lift_special(latex: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """Replace calls like `\\erf(x/2)` by placeholder symbols the LaTeX parser accepts; return
    the placeholders with their function and argument (parsed separately)."""
    lifted: dict[str, tuple[str, str]] = {}
    pattern = re.compile(rf"\\({'|'.join(SPECIAL_FUNCTIONS)})(?![A-Za-z])\s*(\^\s*\{{?\d+\}}?)?\s*")
    while m := pattern.search(latex):
        i = m.end()
        if i >= len(latex) or latex[i] not in "({":
            arg_match = re.match(r"\\?[A-Za-z0-9]+", latex[i:])  # `\sech x`
            if not arg_match:
                raise ValueError(f"{m.group(1)} without an argument")
            arg, end = arg_match.group(0), i + arg_match.end()
        else:
            close, depth = {"(": ")", "{": "}"}[latex[i]], 0
            for j in range(i, len(latex)):
                depth += (latex[j] == latex[i]) - (latex[j] == close)
                if depth == 0:
                    break
            else:
                raise ValueError("unbalanced brackets")
            arg, end = latex[i + 1 : j], j + 1
        name = f"q_{{{900 + len(lifted)}}}"  # parses as the symbol named exactly this
        lifted[name] = (m.group(1), arg)
        latex = f"{latex[: m.start()]} {name}{m.group(2) or ''} {latex[end:]}"
    return latex, lifted


_MV_NORMALISATION = NormalizationConfig(
    basic_latex=True, units=False, malformed_operators=True, nits=True, boxed="none"
)


def to_sympy(latex: str, expressions: bool = False) -> object:
    """Parse one LaTeX answer (after `strip_name`/`normalise`) to a SymPy object."""
    latex, lifted = _lift_special(normalize_latex(latex, _MV_NORMALISATION))
    expr = latex2sympy(latex, normalization_config=None)
    for name, (function, arg) in lifted.items():
        value = _SPECIAL[function](to_sympy(arg, expressions))
        expr = expr.subs(sympy.Symbol(name), value)
    return expr


def _prepare(latex: str, expressions: bool) -> str:
    return normalise(strip_name(normalise(latex, expressions)), expressions)


def _shape(obj: object) -> str:
    if isinstance(obj, sympy.Expr) and not isinstance(obj, sympy.Tuple):
        return "expression"
    if isinstance(obj, sympy.Set | sympy.FiniteSet) and not isinstance(obj, sympy.Interval):
        return "set"
    if isinstance(obj, sympy.Interval):
        return "interval"
    if isinstance(obj, sympy.Tuple | tuple):
        return "tuple"
    if isinstance(obj, sympy.Basic) and (obj.is_Relational or isinstance(obj, sympy.And)):
        return "relation"
    return "other"


_SHAPE_WORDS = {
    "expression": "a single expression",
    "set": "a set or list of values",
    "interval": "an interval",
    "tuple": "a tuple",
    "relation": "an equation or inequality",
    "other": "something else",
}


def _names(expr: sympy.Basic) -> set[str]:
    # by name: the parsers may attach different assumptions to the "same" symbol
    return {str(s) for s in expr.free_symbols}


COUNT_NAMES = re.compile(r"[nmkrijlNMK](?:_.*)?")
"""Undeclared variables with these names are counts or indices (CHAMP's n, m, k, r): integers."""


def _is_count(name: str) -> bool:
    return bool(COUNT_NAMES.fullmatch(name))


_REAL_POINTS = (
    ((0.2, 3.8, 1),) * 3 + ((4.2, 14.8, 1),) * 2 + ((0.2, 3.8, -1),) * 3 + ((0.2, 3.8, 0),) * 2
)
"""(low, high, sign) of the values of undeclared real variables at each sample point."""
MIN_REAL_POINTS = 2
"""With real variables, at least this many points where both sides are finite real numbers."""


def _points(names: list[str], declared: bool, count: int) -> list[dict[str, sympy.Number]]:
    rng = random.Random(42)  # fixed, as HARDMath2's grader: the same points for every answer
    if declared:
        return [{v: sympy.Float(rng.uniform(1, 2), 30) for v in names} for _ in range(count)]
    counts = [v for v in names if _is_count(v)]
    reals = [v for v in names if not _is_count(v)]
    if not reals:  # counts (n, k, m): distinct small integers, spread out
        return [{v: sympy.Integer(rng.randint(3, 14)) for v in names} for _ in range(2 * count)]
    # other variables are real: positive and negative non-integers (|x| is not x, floor(x) is
    # not x, sin(pi x) is not 0), small and larger; the last points mix signs (sign 0: random)
    points = []
    for low, high, sign in _REAL_POINTS:
        point: dict[str, sympy.Number] = {v: sympy.Integer(rng.randint(3, 14)) for v in counts}
        for v in reals:
            point[v] = sympy.Float(rng.uniform(low, high) * (sign or rng.choice((1, -1))), 30)
        points.append(point)
    return points


def _real(value: complex | None) -> bool:
    return value is not None and abs(value.imag) <= RTOL * abs(value.real) + ATOL


def _fast(expr: sympy.Basic, args: list[sympy.Symbol]):
    """`expr` as an mpmath function of `args`. Integrals become calls to `mpmath.quad`, hidden
    behind opaque function names first: SymPy's printer would otherwise evaluate constant
    integrals symbolically just to order the terms (minutes, not milliseconds)."""
    functions: dict[str, object] = {}

    def lift(integral: sympy.Integral) -> sympy.Basic:
        (variable, *bounds), *more = integral.limits
        if more or len(bounds) != 2:
            raise ValueError("only single definite integrals are evaluated numerically")
        outer = sorted(integral.free_symbols, key=str)
        integrand = _fast(integral.function, [variable, *outer])
        name = f"quad{len(functions)}"
        functions[name] = lambda a, b, *values, f=integrand: mpmath.quad(
            lambda t: f(t, *values), [a, b]
        )
        return sympy.Function(name)(*bounds, *outer)

    expr = expr.replace(lambda e: isinstance(e, sympy.Integral), lift)
    return sympy.lambdify(args, expr, modules=[functions, "mpmath"])


def _evaluator(expr: sympy.Basic, names: list[str]):
    """A numeric function of the sample values: mpmath through lambdify (quadrature for
    integrals, special functions); SymPy's evalf where that fails."""
    symbols = {str(s): s for s in expr.free_symbols}
    args = [symbols.get(n, sympy.Symbol(n)) for n in names]
    try:
        fast = _fast(expr, args)
    except Exception:  # lambdify cannot print some SymPy objects
        fast = None

    def value(point: dict[str, sympy.Number]) -> complex | None:
        values = [point[n] for n in names]
        result = None
        if fast is not None:
            try:  # integers stay integers: sums need them as range bounds
                with mpmath.workdps(20):
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


def _numeric(
    gold: sympy.Expr, pred: sympy.Expr, params: set[str] | None, rtol: float
) -> Check | None:
    """Compare two formulas at sample points; None when no sample point gives the reference a
    finite value (nothing can be said numerically)."""
    allowed = (params or set()) | _names(gold)
    extra = _names(pred) - allowed
    if extra:
        return Check(
            False,
            "form",
            f"it uses {', '.join(sorted(extra))}, which the problem does not define; use only "
            "the problem's variables and constants",
        )
    names = sorted(allowed)
    gold_at, pred_at = _evaluator(gold, names), _evaluator(pred, names)
    # undeclared real variables range over negative numbers too, outside many a formula's domain:
    # only points where both sides are real count (the reference's domain, not the answer's)
    real = params is None and not all(_is_count(n) for n in names)
    worst, used, samples = 0.0, 0, []
    for point in _points(names, params is not None, POINTS):
        g = gold_at(point)
        if g is None or (real and not _real(g)):
            continue
        p = pred_at(point)
        if real and not _real(p):
            continue
        used += 1
        at = ", ".join(f"{k}={float(v):.6g}" for k, v in point.items())
        shown = "undefined" if p is None else f"{p:.6g}"
        samples.append(f"at {at}: reference {g:.6g}, answer {shown}")
        if p is None or abs(p - g) > rtol * abs(g) + ATOL:
            # relative to the reference; where it vanishes, relative to the answer's size
            scale = abs(g) if abs(g) > ATOL else max(abs(p) if p is not None else 0.0, ATOL)
            worst = max(worst, math.inf if p is None else abs(p - g) / scale)
    if used < (MIN_REAL_POINTS if real else 1):
        return None
    report = "; ".join(samples)
    if worst == 0.0:
        return Check(True, "numeric", variables=tuple(names), report=report)
    return Check(False, "value", rel_error=worst, variables=tuple(names), report=report)


def _parse_params(params: list[str] | None) -> set[str] | None:
    if params is None:
        return None
    names: set[str] = set()
    for name in params:
        obj = to_sympy(normalise(name, True), True)
        names |= _names(obj) if isinstance(obj, sympy.Basic) else set()
    return names


_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi",
    "psi", "omega",
}  # fmt: skip


def _words(expr: sympy.Basic) -> list[str]:
    """Multi-letter symbol names that are not Greek letters: prose the parser read as symbols."""
    return sorted(
        n for n in _names(expr) if re.fullmatch(r"[A-Za-z]{2,}", n) and n.lower() not in _GREEK
    )


def check(gold: str, pred: str, params: list[str] | None = None, rtol: float = RTOL) -> Check:
    """Check the answer `pred` against the reference `gold` (both LaTeX, without `\\boxed`).

    `params`: the problem's declared variables (HARDMath2's `parameters`), or None. With them,
    answers are formulas in those variables and may list several solutions separated by `;`.
    """
    expressions = params is not None
    gold_parts = [_prepare(g, expressions) for g in split_top_level(gold, ";") if g.strip()]
    pred_parts = [_prepare(p, expressions) for p in split_top_level(pred, ";") if p.strip()]
    if not pred_parts:
        return Check(False, "unparsable", "the box is empty")
    if len(gold_parts) > 1 or len(pred_parts) > 1:
        return _check_solutions(gold_parts, pred_parts, params, rtol)
    return _check_one(gold_parts[0], pred_parts[0], params, rtol)


def _check_solutions(gold: list[str], pred: list[str], params, rtol) -> Check:
    """Several solutions (`u = A; u = B`): each reference solution must be matched by its own
    answer, in any order."""
    if len(gold) != len(pred):
        return Check(False, "form", "it gives the wrong number of solutions")
    remaining = list(pred)
    for g in gold:
        match = next((p for p in remaining if _check_one(g, p, params, rtol).correct), None)
        if match is None:
            return Check(False, "value", "at least one of the solutions is wrong")
        remaining.remove(match)
    return Check(True, "equivalent")


def _parsed(latex: str, expressions: bool, fallback: list) -> object | None:
    try:
        return to_sympy(latex, expressions)
    except Exception:  # the LaTeX parser raises many kinds: any failure means "cannot read"
        return fallback[0] if fallback and not isinstance(fallback[0], str) else None


def _check_one(gold: str, pred: str, params: list[str] | None, rtol: float) -> Check:
    expressions = params is not None
    gold_obj = pred_obj = None
    if expressions:
        # formulas in declared parameters: the numeric comparison is the grader (as HARDMath2's)
        # and it is fast, where symbolic simplification of integrals can take minutes
        gold_obj, pred_obj = _parsed(gold, True, []), _parsed(pred, True, [])
        if _shape(gold_obj) == _shape(pred_obj) == "expression" and not _words(pred_obj):
            result = _numeric(gold_obj, pred_obj, _parse_params(params), rtol)
            if result is not None:
                return result
    gold_mv, pred_mv = _mv_parse(gold), _mv_parse(pred)
    if (
        gold_mv
        and pred_mv
        and verify(gold_mv, pred_mv, timeout_seconds=None, allow_set_relation_comp=True)
    ):
        return Check(True, "equivalent")
    if pred_obj is None:
        pred_obj = _parsed(pred, expressions, pred_mv)
    if pred_obj is None:
        return Check(False, "unparsable", "it could not be read as a mathematical expression")
    if isinstance(pred_obj, sympy.Basic) and (words := _words(pred_obj)):
        return Check(False, "unparsable", f"it contains words ({', '.join(words)}), not only math")
    if gold_obj is None:
        gold_obj = _parsed(gold, expressions, gold_mv)
    if gold_obj is None:  # nothing more to say than math-verify did
        return Check(False, "value", report="the reference answer could not be parsed")
    return _explain(gold_obj, pred_obj, params, rtol)


def _pair_like(obj: object) -> bool:
    """An open interval with finite ends, `(a, b)`: it may as well be an ordered pair."""
    return (
        isinstance(obj, sympy.Interval)
        and obj.left_open
        and obj.right_open
        and all(end.is_finite is not False for end in (obj.left, obj.right))
    )


def _as_pairs(obj: object) -> object:
    """`obj` with every open interval `(a, b)` (at the top level or in a set) read as a pair."""
    if _pair_like(obj):
        return sympy.Tuple(obj.left, obj.right)
    if isinstance(obj, sympy.FiniteSet):
        return sympy.FiniteSet(*(_as_pairs(e) for e in obj.args))
    return obj


def _explain(gold: object, pred: object, params: list[str] | None, rtol: float) -> Check:
    """Not equivalent: say how (the form differs, or the value is off and by how much)."""
    gold_shape, pred_shape = _shape(gold), _shape(pred)
    gold_word, pred_word = _SHAPE_WORDS[gold_shape], _SHAPE_WORDS[pred_shape]
    if gold_shape != pred_shape and (_pair_like(gold) or _pair_like(pred)):
        # `(1, 2)` parses as an interval, `(2, 1)` as a pair: before saying the form differs,
        # read every such interval as the pair it may be (a swapped pair is a wrong value)
        gold_word = "an interval or a pair" if _pair_like(gold) else gold_word
        pred_word = "an interval or a pair" if _pair_like(pred) else pred_word
        gold, pred = _as_pairs(gold), _as_pairs(pred)
        gold_shape, pred_shape = _shape(gold), _shape(pred)
    if gold_shape != pred_shape:
        return Check(False, "form", f"it is {pred_word}, but the answer is {gold_word}")
    if gold_shape == "set" and isinstance(gold, sympy.FiniteSet):
        if len(gold) != len(pred):
            return Check(False, "form", "it has the wrong number of elements")
        return Check(False, "value", "at least one element is wrong")
    if gold_shape == "tuple" and len(gold) != len(pred):
        return Check(False, "form", "it has the wrong number of components")
    if gold_shape != "expression":
        return Check(False, "value")
    declared = _parse_params(params)
    if declared is not None or gold.free_symbols:
        return _numeric(gold, pred, declared, rtol) or Check(False, "value")
    if pred.free_symbols:
        names = ", ".join(sorted(_names(pred)))
        return Check(False, "form", f"it depends on {names}, but the answer is a number")
    g, p = _evaluator(gold, [])({}), _evaluator(pred, [])({})
    if g is None or p is None:
        return Check(False, "value")
    return Check(False, "value", rel_error=abs(p - g) / max(abs(g), ATOL))


def equivalent(
    gold: str, candidates: list[str], params: list[str] | None, rtol: float
) -> list[bool]:
    """For the leak guard: which candidate expressions are equivalent to the reference."""
    results = []
    for candidate in candidates:
        try:
            results.append(check(gold, candidate, params, rtol).correct)
        except Exception:  # a candidate that breaks the parser is simply not the answer
            results.append(False)
    return results
