"""Is a LaTeX answer equivalent to the reference? Runs inside a worker process (see `bounded.py`).

Formulas in declared parameters (HARDMath2) are compared numerically, as HARDMath2's grader does:
both sides parsed to SymPy (`parsing.py`) and evaluated at the reference's sample points
(`points.py`), equal within a relative tolerance at every point. The reference is read by our
parser only, never reduced to whatever part of it another parser manages to read.

Everything else goes through `math-verify` (symbolic equivalence, sets, tuples, intervals,
equations; its SIGALRM timeouts off: the caller bounds the whole check), except numbers: two
numbers, or sets, tuples and intervals of numbers, are compared with the relative tolerance
(math-verify rounds floats to 6 decimals, which makes 1.0e-6 equal 1.28e-6). Where math-verify
says no, the comparison explains why: the form differs, or the value is off and by how much.

`prepare_reference` is the load-time side: it finds references that cannot be checked, and
chooses the sample points of each formula.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from itertools import permutations

import sympy
from math_verify import LatexExtractionConfig, parse, verify

from rl2f_eval.suites.math.latex import (
    comma_thousands,
    is_structured,
    normalise,
    perturbed,
    split_top_level,
    strip_name,
)
from rl2f_eval.suites.math.numeric import Point, evaluator
from rl2f_eval.suites.math.parsing import to_sympy
from rl2f_eval.suites.math.points import (
    ATOL,
    RTOL,
    UncheckableReference,
    differ,
    is_count,
    is_real,
    reference_points,
    to_point,
    undeclared_points,
)

__all__ = ["RTOL", "Check", "UncheckableReference", "check", "equivalent", "prepare_reference"]

# math-verify warns once that its timeouts are off: we bound every call from outside
logging.getLogger("math_verify").setLevel(logging.ERROR)

MIN_REAL_POINTS = 2
"""With undeclared real variables, at least this many points where both sides are real."""
ZERO = 1e-20
"""A decimal answer this close to a reference of exactly 0 is 0 (evaluation noise)."""
EXACT = 1e-40
"""Exact irrational numbers (roots, pi) are compared at 60 digits: equal within this."""
MV_ROUNDING = 12
"""Decimals math-verify rounds floats to (its default, 6, is an absolute tolerance)."""

Points = tuple[tuple[tuple[str, float], ...], ...]
"""Sample points as stored with a problem: hashable, one (name, value) tuple per point."""


@dataclass(frozen=True)
class Check:
    """The outcome of one check (picklable: it crosses the process boundary)."""

    correct: bool
    kind: str
    """"equivalent", "numeric" (equal at every sample point), "unparsable", "form", "value", or
    "error" (the checker failed on this answer)."""
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


def _prepare(latex: str, expressions: bool) -> str:
    return normalise(strip_name(normalise(latex, expressions)), expressions)


def _parts(latex: str, expressions: bool) -> list[str]:
    return [_prepare(p, expressions) for p in split_top_level(latex, ";") if p.strip()]


@functools.lru_cache(maxsize=4096)
def _parse(latex: str, expressions: bool) -> object:
    """Our parse (cached: references and repeated answers are parsed once per worker)."""
    return to_sympy(latex, expressions)


def _read(latex: str, expressions: bool, fallback: list | None = None) -> object | None:
    """Our parse, else math-verify's (for answers only), else None."""
    try:
        return _parse(latex, expressions)
    except Exception:  # the LaTeX parser raises many kinds: any failure means "cannot read"
        if fallback is None:
            fallback = _mv_parse(latex)
        return fallback[0] if fallback and not isinstance(fallback[0], str) else None


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


_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi",
    "psi", "omega",
}  # fmt: skip


def _words(expr: object) -> list[str]:
    """Multi-letter symbol names that are not Greek letters: prose the parser read as symbols."""
    if not isinstance(expr, sympy.Basic):
        return []
    return sorted(
        n for n in _names(expr) if re.fullmatch(r"[A-Za-z]{2,}", n) and n.lower() not in _GREEK
    )


def _parse_params(params: tuple[str, ...]) -> set[str]:
    names: set[str] = set()
    for name in params:
        try:
            obj = _parse(normalise(name, True), True)
        except Exception:  # a name the parser cannot read: its plain spelling
            names.add(name.strip("\\"))
            continue
        names |= _names(obj) if isinstance(obj, sympy.Basic) else set()
    return names


# ---------------------------------------------------------------------------------------------
# the entry points


def check(
    gold: str,
    pred: str,
    params: list[str] | None = None,
    rtol: float = RTOL,
    points: Points | list[dict[str, float]] | None = None,
) -> Check:
    """Check the answer `pred` against the reference `gold` (both LaTeX, without `\\boxed`).

    `params`: the problem's declared variables (HARDMath2's `parameters`), or None. With them,
    answers are formulas in those variables and may list several solutions separated by `;`
    (or by commas, as the answer format asks). `points`: the reference's sample points, as
    `prepare_reference` chose them (chosen here when not given).
    """
    try:
        return _check(gold, pred, params, rtol, _hashable(points))
    except UncheckableReference as error:
        return Check(False, "error", report=f"the reference cannot be checked: {error}")
    except Exception as error:  # a checker bug is a wrong turn for this answer, not a crash
        return Check(False, "error", report=f"the checker failed on this answer: {error!r}")


def equivalent(
    gold: str,
    candidates: list[str],
    params: list[str] | None,
    rtol: float,
    points: Points | list[dict[str, float]] | None = None,
) -> list[bool]:
    """For the leak guard: which candidate expressions are equivalent to the reference."""
    return [check(gold, candidate, params, rtol, points).correct for candidate in candidates]


def prepare_reference(gold: str, params: list[str] | None, rtol: float = RTOL) -> dict:
    """Run once per problem at load: what to store with it, or why it cannot be checked.

    Returns {"excluded": reason} for a reference the checker cannot read, evaluate or tell
    apart from a changed answer. Otherwise, for formulas, `check_points` (the sample points)
    and `unchecked_terms` (terms of the reference that no sample point tried could tell
    apart: usually none); {} for other answers."""
    try:
        return _prepare_reference(gold, params, rtol)
    except UncheckableReference as error:
        return {"excluded": str(error)}
    except Exception as error:  # a reference that breaks the checker is left out, not a crash
        return {"excluded": f"the checker fails on it ({error!r})"}


def _prepare_reference(gold: str, params: list[str] | None, rtol: float) -> dict:
    expressions = params is not None
    golds = _parts(gold, expressions)
    if not golds:
        raise UncheckableReference("the reference answer is empty")
    prepared: dict = {}
    if expressions:
        formulas = _formulas(tuple(golds), tuple(params), rtol, None)
        if formulas is not None:
            prepared = {
                "check_points": [dict(p) for p in formulas.stored],
                "unchecked_terms": list(formulas.unchecked),
            }
    unreadable = [g for g in golds if _read(g, expressions) is None]
    if unreadable:  # math-verify would match it as text only: every other answer is wrong
        raise UncheckableReference(f"the parser cannot read {unreadable[0]!r}")
    points = _hashable(prepared.get("check_points"))
    own = _check(gold, gold, params, rtol, points)
    if not own.correct:
        raise UncheckableReference(f"the checker does not accept it as itself ({own.report})")
    # math-verify may read part of a reference (`[\frac{..}{..}]^\frac12` as 1/2): then a
    # changed answer passes too. Formulas are read by our parser only, which fails instead.
    if not prepared and _check(gold, perturbed(gold), params, rtol, points).correct:
        raise UncheckableReference("the checker cannot tell it from a changed answer")
    return prepared


def _hashable(points) -> Points | None:
    if points is None:
        return None
    return tuple(tuple(sorted(dict(p).items())) for p in points)


# ---------------------------------------------------------------------------------------------
# formulas in declared parameters


@dataclass(frozen=True)
class _Formulas:
    """The references of a problem whose answers are formulas, and where they are compared."""

    names: tuple[str, ...]
    """Every variable sampled: the declared parameters and any other the references use."""
    points: tuple[Point, ...]
    stored: Points
    unchecked: tuple[str, ...]


@functools.lru_cache(maxsize=1024)
def _formulas(
    golds: tuple[str, ...], params: tuple[str, ...], rtol: float, points: Points | None
) -> _Formulas | None:
    """None when a reference is not a single formula (a set, a tuple: the general checks)."""
    objects = []
    for latex in golds:
        try:
            objects.append(_parse(latex, True))
        except Exception as error:
            message = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise UncheckableReference(f"the parser cannot read {latex!r} ({message})") from error
    if any(_shape(obj) != "expression" for obj in objects):
        return None
    names = sorted(_parse_params(params).union(*(_names(obj) for obj in objects)))
    unchecked: list[str] = []
    if points is None:
        chosen, unchecked = reference_points(objects, names, rtol)
        points = _hashable(chosen)
    missing = set(names) - {name for name, _ in points[0]} if points else set(names)
    if missing:
        raise UncheckableReference(
            f"the sample points give no value to {', '.join(sorted(missing))}"
        )
    return _Formulas(
        tuple(names),
        tuple(to_point(dict(p)) for p in points),
        points,
        tuple(unchecked),
    )


def _compare_formula(gold: sympy.Expr, pred: sympy.Expr, formulas: _Formulas, rtol: float):
    extra = _names(pred) - set(formulas.names)
    if extra:
        return _undefined(extra)
    names = list(formulas.names)
    return _at_points(gold, pred, names, formulas.points, rtol, real_only=False)


def _undefined(extra: set[str]) -> Check:
    return Check(
        False,
        "form",
        f"it uses {', '.join(sorted(extra))}, which the problem does not define; use only "
        "the problem's variables and constants",
    )


def _at_points(gold, pred, names, points, rtol, real_only: bool) -> Check | None:
    """Compare at the points; None when too few points give the reference a value.
    `real_only`: count only points where both sides are real (undeclared variables range
    over negative numbers too, outside many a formula's domain)."""
    gold_at, pred_at = evaluator(gold, names), evaluator(pred, names)
    worst, used, samples = 0.0, 0, []
    for point in points:
        g = gold_at(point)
        if g is None or (real_only and not is_real(g)):
            continue
        p = pred_at(point)
        if real_only and not is_real(p):
            continue
        used += 1
        at = ", ".join(f"{k}={float(v):.6g}" for k, v in point.items())
        shown = "undefined" if p is None else f"{p:.6g}"
        samples.append(f"at {at}: reference {g:.6g}, answer {shown}")
        if differ(g, p, rtol):
            # relative to the reference; where it vanishes, relative to the answer's size
            scale = abs(g) if abs(g) > ATOL else max(abs(p) if p is not None else 0.0, ATOL)
            worst = max(worst, float("inf") if p is None else abs(p - g) / scale)
    if used < (MIN_REAL_POINTS if real_only else 1):
        return None
    report = "; ".join(samples)
    if worst == 0.0:
        return Check(True, "numeric", variables=tuple(names), report=report)
    return Check(False, "value", rel_error=worst, variables=tuple(names), report=report)


# ---------------------------------------------------------------------------------------------
# one check


def _check(gold, pred, params, rtol, points: Points | None) -> Check:
    expressions = params is not None
    golds, preds = _parts(gold, expressions), _parts(pred, expressions)
    if not preds:
        return Check(False, "unparsable", "the box is empty")
    if expressions and len(golds) > 1 and len(preds) == 1:
        # several solutions: the answer format asks for commas, HARDMath2's prompts for `;`
        preds = [p.strip() for p in split_top_level(preds[0], ",") if p.strip()]
    if len(golds) == 1 and len(preds) == 1:
        # `4,000` is a number where the reference is one; where it is a list, `1,234` is one too
        golds = [comma_thousands(golds[0]) or golds[0]]
        if (number := comma_thousands(preds[0])) is not None:
            preds = [preds[0].replace(",", ", ") if is_structured(golds[0]) else number]
    formulas = _formulas(tuple(golds), tuple(params), rtol, points) if expressions else None
    if len(golds) > 1 or len(preds) > 1:
        return _check_solutions(golds, preds, formulas, rtol)
    return _check_one(golds[0], preds[0], formulas, rtol)


def _check_solutions(golds: list[str], preds: list[str], formulas, rtol) -> Check:
    """Several solutions (`u = A; u = B`): each reference solution must be matched by its own
    answer, in any order."""
    if len(golds) != len(preds):
        return Check(False, "form", "it gives the wrong number of solutions")
    remaining = list(preds)
    for g in golds:
        match = next((p for p in remaining if _check_one(g, p, formulas, rtol).correct), None)
        if match is None:
            return Check(False, "value", "at least one of the solutions is wrong")
        remaining.remove(match)
    return Check(True, "equivalent")


def _check_one(gold: str, pred: str, formulas: _Formulas | None, rtol: float) -> Check:
    if formulas is not None:
        pred_obj = _read(pred, True)
        if pred_obj is None:
            return Check(False, "unparsable", "it could not be read as a mathematical expression")
        if words := _words(pred_obj):
            return Check(
                False, "unparsable", f"it contains words ({', '.join(words)}), not only math"
            )
        if (shape := _shape(pred_obj)) != "expression":
            return Check(
                False, "form", f"it is {_SHAPE_WORDS[shape]}, but the answer is a single expression"
            )
        return _compare_formula(_parse(gold, True), pred_obj, formulas, rtol)
    gold_mv, pred_mv = _mv_parse(gold), _mv_parse(pred)
    gold_obj, pred_obj = _read(gold, False, gold_mv), _read(pred, False, pred_mv)
    constant = all(isinstance(o, sympy.Basic) and not o.free_symbols for o in (gold_obj, pred_obj))
    if (
        not constant  # numbers: only with the relative tolerance below
        and gold_mv
        and pred_mv
        and verify(
            gold_mv,
            pred_mv,
            float_rounding=MV_ROUNDING,
            timeout_seconds=None,
            allow_set_relation_comp=True,
        )
    ):
        return Check(True, "equivalent")
    if pred_obj is None:
        return Check(False, "unparsable", "it could not be read as a mathematical expression")
    if words := _words(pred_obj):
        return Check(False, "unparsable", f"it contains words ({', '.join(words)}), not only math")
    if gold_obj is None:
        return Check(False, "error", report="the reference answer could not be parsed")
    return _compare(gold_obj, pred_obj, rtol)


# ---------------------------------------------------------------------------------------------
# structures and numbers, with the relative tolerance


def _pair_like(obj: object) -> bool:
    """An open interval with finite ends, `(a, b)`: it may as well be an ordered pair."""
    return (
        isinstance(obj, sympy.Interval)
        and obj.left_open
        and obj.right_open
        and all(end.is_finite is not False for end in (obj.left, obj.right))
    )


def _list_like(obj: object) -> bool:
    """A closed interval with finite ends, `[a, b]`: it may as well be the list of a and b."""
    return (
        isinstance(obj, sympy.Interval)
        and not obj.left_open
        and not obj.right_open
        and all(end.is_finite is not False for end in (obj.left, obj.right))
    )


def _as_pairs(obj: object) -> object:
    """`obj` with every open interval `(a, b)` (at the top level or in a set) read as a pair."""
    if _pair_like(obj):
        return sympy.Tuple(obj.left, obj.right)
    if isinstance(obj, sympy.FiniteSet):
        return sympy.FiniteSet(*(_as_pairs(e) for e in obj.args))
    return obj


def _compare(gold: object, pred: object, rtol: float) -> Check:
    """Equal within the tolerance, or not equivalent: say how (the form differs, or the value is
    off and by how much)."""
    gold_shape, pred_shape = _shape(gold), _shape(pred)
    gold_word, pred_word = _SHAPE_WORDS[gold_shape], _SHAPE_WORDS[pred_shape]
    if gold_shape != pred_shape and {gold_shape, pred_shape} == {"interval", "set"}:
        # `[0, 5]` is a closed interval or the list of 0 and 5; a list written as the answer
        # format asks (`0, 5`, or `\{0, 5\}`) matches the list reading
        if _list_like(gold) and isinstance(pred, sympy.FiniteSet):
            gold, gold_shape = sympy.FiniteSet(gold.left, gold.right), "set"
        elif _list_like(pred) and isinstance(gold, sympy.FiniteSet):
            pred, pred_shape = sympy.FiniteSet(pred.left, pred.right), "set"
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
        pred = _unwrap_assignments(pred, gold)
        if not isinstance(pred, sympy.FiniteSet) or len(gold) != len(pred):
            return Check(False, "form", "it has the wrong number of elements")
        if _sets_equal(gold, pred, rtol):
            return Check(True, "numeric")
        return Check(False, "value", "at least one element is wrong")
    if gold_shape == "tuple":
        if len(gold) != len(pred):
            return Check(False, "form", "it has the wrong number of components")
        if all(_equal(g, p, rtol) for g, p in zip(gold, pred, strict=True)):
            return Check(True, "numeric")
        return Check(False, "value")
    if gold_shape == "interval":
        return Check(True, "numeric") if _equal(gold, pred, rtol) else Check(False, "value")
    if gold_shape != "expression":
        return Check(False, "value")
    if gold.free_symbols:
        return _compare_undeclared(gold, pred, rtol) or Check(False, "value")
    if pred.free_symbols:
        names = ", ".join(sorted(_names(pred)))
        return Check(False, "form", f"it depends on {names}, but the answer is a number")
    if _numbers_equal(gold, pred, rtol):
        return Check(True, "numeric")
    g, p = _value(gold), _value(pred)
    if g is None or p is None:
        return Check(False, "value")
    return Check(False, "value", rel_error=abs(p - g) / max(abs(g), ATOL))


def _unwrap_assignments(pred: object, gold: sympy.FiniteSet) -> object:
    """`x = 0, x = 5` as the list 0, 5 (where the reference lists values, not equations)."""
    if not isinstance(pred, sympy.FiniteSet) or any(_shape(g) == "relation" for g in gold.args):
        return pred
    values = [
        e.rhs if isinstance(e, sympy.Eq) and isinstance(e.lhs, sympy.Symbol) else e
        for e in pred.args
    ]
    return sympy.FiniteSet(*values)


def _compare_undeclared(gold: sympy.Expr, pred: sympy.Expr, rtol: float) -> Check | None:
    """A formula in variables no problem declared (CHAMP's n, x): sampled by name."""
    extra = _names(pred) - _names(gold)
    if extra:
        return _undefined(extra)
    names = sorted(_names(gold))
    real_only = not all(is_count(n) for n in names)
    return _at_points(gold, pred, names, undeclared_points(names), rtol, real_only)


def _value(expr: sympy.Basic) -> complex | None:
    return evaluator(expr, [])({})


def _numbers_equal(gold: sympy.Basic, pred: sympy.Basic, rtol: float) -> bool:
    """Exact numbers (integers, fractions, roots, pi) must be equal; where either side is a
    decimal, within the relative tolerance. `50\\%` is 0.5, and 50 where the other side is a
    bare number (a percentage asked for, written with or without its sign)."""
    if _number_equal(gold, pred, rtol):
        return True
    plain_gold, plain_pred = _without_percent(gold), _without_percent(pred)
    if (plain_gold == gold) == (plain_pred == pred):  # both or neither written as a percentage
        return False
    return _number_equal(plain_gold, plain_pred, rtol)


def _without_percent(expr: sympy.Basic) -> sympy.Basic:
    percent = sympy.UnevaluatedExpr(sympy.Rational(1, 100))
    return expr.xreplace({percent: sympy.Integer(1)})


def _number_equal(gold: sympy.Basic, pred: sympy.Basic, rtol: float) -> bool:
    if _has_decimal(gold) or _has_decimal(pred):
        g, p = _value(gold), _value(pred)
        return g is not None and p is not None and abs(p - g) <= (rtol * abs(g) if g else ZERO)
    difference = sympy.Add(gold, -pred).doit()
    if difference.is_Rational:  # exact: 2001000 is not 2001001, however close
        return difference == 0
    size = abs(sympy.N(gold.doit(), 60))
    return bool(abs(sympy.N(difference, 60)) <= EXACT * size) if size else False


def _has_decimal(expr: sympy.Basic) -> bool:
    return any(isinstance(atom, sympy.Float) for atom in expr.atoms(sympy.Number))


def _equal(gold: object, pred: object, rtol: float) -> bool:
    """Components of a tuple, elements of a set, ends of an interval."""
    gold, pred = _as_pairs(gold), _as_pairs(pred)
    if isinstance(gold, sympy.Interval) and isinstance(pred, sympy.Interval):
        return (
            gold.left_open == pred.left_open
            and gold.right_open == pred.right_open
            and _equal(gold.left, pred.left, rtol)
            and _equal(gold.right, pred.right, rtol)
        )
    if isinstance(gold, sympy.Tuple) and isinstance(pred, sympy.Tuple):
        return len(gold) == len(pred) and all(
            _equal(g, p, rtol) for g, p in zip(gold, pred, strict=True)
        )
    if isinstance(gold, sympy.FiniteSet) and isinstance(pred, sympy.FiniteSet):
        return len(gold) == len(pred) and _sets_equal(gold, pred, rtol)
    if _shape(gold) != "expression" or _shape(pred) != "expression":
        return False
    if gold in (sympy.oo, -sympy.oo) or pred in (sympy.oo, -sympy.oo):
        return gold == pred
    if gold.free_symbols:
        result = _compare_undeclared(gold, pred, rtol)
        return bool(result and result.correct)
    if pred.free_symbols:
        return False
    return _numbers_equal(gold, pred, rtol)


def _sets_equal(gold: sympy.FiniteSet, pred: sympy.FiniteSet, rtol: float) -> bool:
    """Every element matched by its own element of the other set."""
    golds, preds = list(gold.args), list(pred.args)
    matches = [[_equal(g, p, rtol) for p in preds] for g in golds]
    if len(golds) <= 6:
        return any(
            all(matches[i][j] for i, j in enumerate(order))
            for order in permutations(range(len(preds)))
        )
    free = set(range(len(preds)))  # larger sets: greedy (the tolerance makes matches unique)
    for row in matches:
        j = next((j for j in free if row[j]), None)
        if j is None:
            return False
        free.remove(j)
    return True
