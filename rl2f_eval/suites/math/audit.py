"""Can the checker tell a reference from wrong answers? For the real-data test and the benchmark.

The reference must pass as its own answer; each perturbed reference (one number changed, one
sign flipped, one exponent changed, the whole multiplied by 2, one term dropped) must fail. For
formulas the perturbations are made on the parsed reference and compared at its sample points,
exactly as a parsed answer is: what they test is whether those points and the tolerance tell
the formulas apart (the parsing of answers is tested elsewhere). Runs in a checker worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import sympy

from rl2f_eval.suites.math.checking import (
    RTOL,
    _compare_formula,
    _formulas,
    _hashable,
    _parse,
    _parts,
    check,
    prepare_reference,
)
from rl2f_eval.suites.math.latex import perturbed

Path = tuple[int, ...]


def _nodes(expr: sympy.Basic, path: Path = ()) -> Iterator[tuple[Path, sympy.Basic]]:
    yield path, expr
    for i, arg in enumerate(expr.args):
        yield from _nodes(arg, (*path, i))


def _replace(expr: sympy.Basic, path: Path, new: sympy.Basic) -> sympy.Basic:
    """`expr` with the node at `path` (and only that one) replaced."""
    if not path:
        return new
    args = list(expr.args)
    args[path[0]] = _replace(args[path[0]], path[1:], new)
    if isinstance(expr, sympy.Add | sympy.Mul | sympy.Pow):
        return expr.func(*args, evaluate=False)  # keep the parsed form otherwise
    return expr.func(*args)


def _changed_number(number: sympy.Number) -> sympy.Number:
    if number.is_Integer:
        return number + 1
    if number.is_Rational:
        return sympy.Rational(number.p + 1, number.q)
    # a float: its leading digit up by one (0.99 -> 1.99, 0.005 -> 0.006)
    value = float(number)
    return sympy.Float(value + 10 ** sympy.floor(sympy.log(abs(value), 10)), 15)


def _top_terms(expr: sympy.Basic) -> tuple[Path, tuple[sympy.Basic, ...]] | None:
    """The outermost sum and its terms: the formula itself, or the sum in a product such as
    `\\frac{1}{2}(a + b)` or `(a + b)/c`."""
    if isinstance(expr, sympy.Add):
        return (), expr.args
    if isinstance(expr, sympy.Mul):
        for i, arg in enumerate(expr.args):
            if isinstance(arg, sympy.Add):
                return (i,), arg.args
    return None


def perturbations(expr: sympy.Basic) -> list[tuple[str, sympy.Basic]]:
    """(kind, wrong formula) for each kind that applies to `expr`."""
    found: list[tuple[str, sympy.Basic]] = []
    numbers = [
        (p, n) for p, n in _nodes(expr) if isinstance(n, sympy.Number) and abs(n) not in (0, 1)
    ]
    if numbers:
        path, number = numbers[0]
        found.append(("digit", _replace(expr, path, _changed_number(number))))
    terms = _top_terms(expr)
    if terms is not None:
        path, args = terms
        flipped = (*args[:-1], -args[-1])
        found.append(("sign", _replace(expr, path, sympy.Add(*flipped, evaluate=False))))
    else:
        found.append(("sign", -expr))
    for path, node in _nodes(expr):
        if isinstance(node, sympy.Pow) and node.exp.is_Number and node.exp != -1:
            found.append(("exponent", _replace(expr, path, sympy.Pow(node.base, node.exp + 1))))
            break
        if isinstance(node, sympy.exp):
            found.append(("exponent", _replace(expr, path, sympy.exp(2 * node.args[0]))))
            break
    found.append(("factor 2", 2 * expr))
    if terms is not None:
        path, args = terms
        for i in range(len(args)):
            rest = args[:i] + args[i + 1 :]
            found.append(("term dropped", _replace(expr, path, sympy.Add(*rest, evaluate=False))))
    return found


def audit(gold: str, params: list[str] | None, rtol: float = RTOL) -> dict:
    """Prepare the reference as loading does, then try it and its perturbations:
    {"prepared": what `prepare_reference` returned, "accepted": the reference passes as its
    own answer, "perturbations": [(kind, wrong formula, rejected), ...]} (the last two only
    for a reference that is not left out)."""
    prepared = prepare_reference(gold, params, rtol)
    if "excluded" in prepared:
        return {"prepared": prepared}
    points = prepared.get("check_points")
    accepted = check(gold, gold, params, rtol, points).correct
    results: list[tuple[str, str, bool]] = []
    golds = _parts(gold, params is not None)
    formulas = None
    if params is not None:
        formulas = _formulas(tuple(golds), tuple(params), rtol, _hashable(points))
    if formulas is None:  # not formulas: the oracle's wrong answer, through the whole checker
        wrong = perturbed(gold)
        results.append(("perturbed", wrong, not check(gold, wrong, params, rtol, points).correct))
        return {"prepared": prepared, "accepted": accepted, "perturbations": results}
    objects = [_parse(g, True) for g in golds]

    def same(g: sympy.Basic, p: sympy.Basic) -> bool:
        result = _compare_formula(g, p, formulas, rtol)
        return bool(result and result.correct)

    for k, obj in enumerate(objects):
        for kind, wrong in perturbations(obj):
            if wrong == obj or obj.is_zero:
                continue  # no change at all (a sign or factor on a reference of 0)
            answer = [*objects[:k], wrong, *objects[k + 1 :]]
            results.append((kind, _text(wrong), not _match(objects, answer, same)))
    return {"prepared": prepared, "accepted": accepted, "perturbations": results}


def _match(golds: list, answers: list, same: Callable[[object, object], bool]) -> bool:
    """Each reference solution matched by its own answer, in any order (as the checker)."""
    remaining = list(answers)
    for g in golds:
        found = next((a for a in remaining if same(g, a)), None)
        if found is None:
            return False
        remaining.remove(found)
    return True


def _text(expr: sympy.Basic) -> str:
    # unordered: to order terms, SymPy's printer evaluates constant integrals (minutes)
    return sympy.sstr(expr, order="none")
