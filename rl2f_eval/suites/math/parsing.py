"""LaTeX -> SymPy for the checker (runs in the worker processes).

`latex2sympy2_extended` (math-verify's parser) does the parsing. Before it, the pieces it reads
wrongly or not at all are lifted out and parsed on their own:
- special functions it does not know (erf, Ei, Airy, sech, ...), Bessel functions `J_\\nu(x)`
  (and Y, I, K) and HARDMath2's beta functions `B(a, b)` and `B_z(a, b)`, in formula mode: each
  call becomes a placeholder *call* (`\\arctan(q_{900})`), so that
  `\\sin 1 \\erf(x)` stays sin(1)·erf(x) as it does for known functions;
- integrals are put in parentheses up to their differential, so that `\\int_0^x f ds - \\int_0^x
  g ds` is two integrals, not one whose integrand runs on to the last `ds`.
After it, placeholders are replaced, names the parser mangles are restored (`E_1`), and in
formula mode `i` is the imaginary unit, as `I` already is.
"""

from __future__ import annotations

import re

import sympy
from latex2sympy2_extended import latex2sympy
from latex2sympy2_extended.math_normalization import NormalizationConfig, normalize_latex

from rl2f_eval.suites.math.latex import SPECIAL_FUNCTIONS, split_top_level

SPECIAL = {
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
assert set(SPECIAL) == set(SPECIAL_FUNCTIONS)

_NORMALISATION = NormalizationConfig(
    basic_latex=True, units=False, malformed_operators=True, nits=True, boxed="none"
)
_PLACEHOLDER = "q_{{{}}}"  # parses as the symbol named exactly this
_POWER = r"(\^\s*(?:\{[^{}]*\}|\\?\w))?"


def _group_end(s: str, i: int) -> int:
    """`s[i]` opens a bracket: the index just past its match (len(s) if it has none)."""
    close, depth = {"(": ")", "{": "}", "[": "]"}[s[i]], 0
    for j in range(i, len(s)):
        depth += (s[j] == s[i]) - (s[j] == close)
        if depth == 0:
            return j + 1
    raise ValueError("unbalanced brackets")


def _argument(s: str, i: int) -> tuple[str, int]:
    """The argument of a function name ending at `s[i]`: a bracketed group, `\\frac{..}{..}`, or
    one token (`\\sech x`); returns it and the index after it."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i < len(s) and s[i] in "({":
        end = _group_end(s, i)
        return s[i + 1 : end - 1], end
    if m := re.match(r"\\frac\s*", s[i:]):
        end = i + m.end()
        for _ in range(2):
            end = _group_end(s, end) if end < len(s) and s[end] == "{" else end + 1
        return s[i:end], end
    if m := re.match(r"\\?[A-Za-z0-9.]+", s[i:]):
        return m.group(0), i + m.end()
    raise ValueError("a function without an argument")


def _lift_calls(latex: str, expressions: bool) -> tuple[str, dict[str, tuple[str, list[str]]]]:
    """Replace special-function and beta-function calls by placeholder calls; return the
    placeholders with their function name and argument(s) (LaTeX, parsed separately)."""
    lifted: dict[str, tuple[str, list[str]]] = {}

    def placeholder(function: str, args: list[str]) -> str:
        name = _PLACEHOLDER.format(900 + len(lifted))
        lifted[name] = (function, args)
        return f"\\arctan({name})"

    special = re.compile(rf"\\({'|'.join(SPECIAL_FUNCTIONS)})(?![A-Za-z])\s*{_POWER}\s*")
    while m := special.search(latex):
        arg, end = _argument(latex, m.end())
        call = placeholder(m.group(1), [arg])
        latex = f"{latex[: m.start()]} {call}{m.group(2) or ''} {latex[end:]}"
    if expressions:  # Bessel functions J_\nu(x), Y_\nu(x), I_\nu(x), K_\nu(x): with an argument
        bessel = re.compile(r"(?<![\\A-Za-z])([JYIK])\s*_\s*(\{(?:[^{}]|\{[^{}]*\})*\}|\w)\s*\(")
        while m := bessel.search(latex):
            end = _group_end(latex, m.end() - 1)
            order = m.group(2)[1:-1] if m.group(2).startswith("{") else m.group(2)
            call = placeholder(f"bessel{m.group(1).lower()}", [order, latex[m.end() : end - 1]])
            latex = f"{latex[: m.start()]} {call} {latex[end:]}"
    if expressions:  # HARDMath2's B(a, b) and B_{z}(a, b); B alone stays a variable
        beta = re.compile(r"(?<![\\A-Za-z])B\s*(?:_\s*(\{(?:[^{}]|\{[^{}]*\})*\}|\w))?\s*\(")
        start = 0
        while m := beta.search(latex, start):
            end = _group_end(latex, m.end() - 1)
            args = split_top_level(latex[m.end() : end - 1], ",")
            if len(args) != 2:
                start = m.end()
                continue
            if m.group(1):  # B_z(a, b): the incomplete beta function, betainc(a, b, 0, z)
                bound = m.group(1)[1:-1] if m.group(1).startswith("{") else m.group(1)
                call = placeholder("betainc", [*args, bound])
            else:
                call = placeholder("beta", args)
            latex = f"{latex[: m.start()]} {call} {latex[end:]}"
    return latex, lifted


_DIFFERENTIAL = re.compile(r"(?<![A-Za-z\\])d\s*(?:[A-Za-z]|\\[A-Za-z]+)(?![A-Za-z])")


def _group_integrals(latex: str) -> str:
    """Put each `\\int ... dv` in parentheses (innermost and rightmost first)."""
    starts = [m.start() for m in re.finditer(r"\\int(?![A-Za-z])", latex)]
    for start in reversed(starts):
        i = start + len("\\int")
        # the limits: _a^b, _{a}^{b}, in either order
        while m := re.match(r"\s*[_^]\s*", latex[i:]):
            i += m.end()
            if i < len(latex) and latex[i] in "{(":
                i = _group_end(latex, i)
            elif t := re.match(r"\\[A-Za-z]+|-?\w", latex[i:]):
                i += t.end()
        depth, j = 0, i
        while j < len(latex):
            ch = latex[j]
            if ch in "({[":
                depth += 1
            elif ch in ")}]":
                depth -= 1
                if depth < 0:
                    break  # the enclosing group ends: the integral runs to it
            elif depth == 0 and (d := _DIFFERENTIAL.match(latex, j)):
                latex = f"{latex[:start]}({latex[start : d.end()]}){latex[d.end() :]}"
                break
            j += 1
    return latex


def _restore_names(expr: sympy.Basic, expressions: bool) -> sympy.Basic:
    renames = {}
    for symbol in expr.free_symbols:
        name = str(symbol)
        if m := re.fullmatch(r"math\{(\w+)\}(.*)", name):  # \mathrm{E}_1 (our E_1) -> e_1
            renames[symbol] = sympy.Symbol(m.group(1) + m.group(2))
        elif expressions and name == "i":
            renames[symbol] = sympy.I
    return expr.xreplace(renames) if renames else expr


def to_sympy(latex: str, expressions: bool = False) -> object:
    """Parse one LaTeX answer (after `strip_name`/`normalise`) to a SymPy object."""
    latex = normalize_latex(latex, _NORMALISATION)
    # the parser rejects E_1 and e_1; \mathrm{E}_1 parses (as math{e}_1, renamed below)
    latex = re.sub(r"(?<![\\A-Za-z])[Ee]_", r"\\mathrm{E}_", latex)
    latex, lifted = _lift_calls(_group_integrals(latex), expressions)
    expr = latex2sympy(latex, normalization_config=None)
    if lifted:
        values = {}
        for name, (function, args) in lifted.items():
            parsed = [to_sympy(arg, expressions) for arg in args]
            if function == "beta":
                values[name] = sympy.beta(*parsed)
            elif function.startswith("bessel"):
                values[name] = getattr(sympy, function)(*parsed)
            elif function == "betainc":
                values[name] = sympy.betainc(parsed[0], parsed[1], 0, parsed[2])
            else:
                values[name] = SPECIAL[function](*parsed)
        calls = {
            node: values[str(node.args[0])]
            for node in expr.atoms(sympy.atan)
            if str(node.args[0]) in values
        }
        if len(calls) != len(values):
            raise ValueError("a function call was lost in parsing")
        expr = expr.xreplace(calls)
    return _restore_names(expr, expressions) if isinstance(expr, sympy.Basic) else expr
