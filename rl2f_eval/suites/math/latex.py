"""String work on LaTeX answers: find the boxed answer, take the right-hand side of
`y(x) \\sim ...`, normalise spellings a parser trips on, and pick math out of teacher feedback.

Pure string functions (no SymPy): the parent process uses them without paying for SymPy imports;
the checker (`checking.py`, in a worker process) builds on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN, CLOSE = "{([", "})]"


def last_boxed(text: str) -> str | None:
    """The content of the last `\\boxed{...}` (or `\\fbox{...}`) in `text`, braces balanced."""
    starts = [m for m in re.finditer(r"\\(?:boxed|fbox)\s*", text)]
    for match in reversed(starts):
        i = match.end()
        if i < len(text) and text[i] == "{":
            depth = 0
            for j in range(i, len(text)):
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                if depth == 0:
                    content = text[i + 1 : j].strip()
                    return content or None
            return None  # unbalanced: the reply was cut off
        # `\boxed 5`: TeX takes a single token as the argument
        token = re.match(r"[\w.\-]+", text[i:])
        if token and match.group(0).endswith(" "):
            return token.group(0)
    return None


def top_level(s: str) -> list[int]:
    """Bracket depth at every position of `s` (braces, parentheses, brackets)."""
    depth, depths = 0, []
    for ch in s:
        if ch in CLOSE:
            depth -= 1
        depths.append(depth)
        if ch in OPEN:
            depth += 1
    return depths


def split_top_level(s: str, separator: str) -> list[str]:
    """Split `s` on a one-character `separator` outside any brackets."""
    parts, start = [], 0
    for i, depth in enumerate(top_level(s)):
        if depth == 0 and s[i] == separator:
            parts.append(s[start:i])
            start = i + 1
    parts.append(s[start:])
    return parts


_RELATION = re.compile(r"\\(?:sim|approx|simeq|asymp)(?![A-Za-z])|(?<![<>!\\:])=(?!=)")
_GROUP = r"\{(?:[^{}]|\{[^{}]*\})*\}"
_FUNCTION = rf"(?:[A-Za-z]|\\[A-Za-z]+)(?:_(?:{_GROUP}|\w))?(?:\^(?:{_GROUP}|\w))?'*"
# a function or variable name as the left side of an answer: y, y(x), I(x), y_{\text{WKB}}(x),
# u(x, t \to \infty), y''(x); or the integral the answer approximates (\int_x^\infty ... dt)
_NAME = re.compile(rf"^\s*(?:{_FUNCTION}\s*(?:\([^()]*\))?|\\int(?![A-Za-z]).*)\s*$", re.DOTALL)
# the same name with its parenthesis left open (`y(x, \epsilon = ...`, a typo in HARDMath2)
_OPEN_NAME = re.compile(rf"^\s*{_FUNCTION}\s*\([^()=]*?(?:=|\\sim|\\approx)(?![A-Za-z])")


def strip_name(s: str) -> str:
    """`y(x) \\sim e^{-x}` -> `e^{-x}`: drop a leading `name =`/`\\sim`/`\\approx` (HARDMath2
    writes answers that way, or `\\int_x^\\infty f(t) dt \\sim ...`). Anything else (`x=6, y=5`,
    `(x,y)=(1,2)`) stays as it is."""
    if (m := _OPEN_NAME.match(s)) and s.count("(") == s.count(")") + 1:
        rest = s[m.end() :]
        if rest.count("(") == rest.count(")"):
            return strip_name(rest.strip())
    depths = top_level(s)
    relations = [m for m in _RELATION.finditer(s) if depths[m.start()] == 0]
    if not relations or not _NAME.match(s[: relations[0].start()]):
        return s
    if any(depths[i] == 0 and s[i] == "," and s[i - 1 : i] != "\\" for i in range(len(s))):
        return s
    return s[relations[-1].end() :].strip()


# functions the LaTeX parser knows when written with a backslash
KNOWN_FUNCTIONS = (
    "arcsinh|arccosh|arctanh|arcsin|arccos|arctan|sinh|cosh|tanh|coth|sin|cos|tan|sec|csc|cot"
    "|exp|ln|log"
)
# functions it does not know: the checker lifts them out before parsing
SPECIAL_FUNCTIONS = ("erfc", "erfi", "erf", "Ei", "Si", "Ci", "li", "Ai", "Bi", "sech", "csch")
_FUNCTION_NAMES = rf"(?:{KNOWN_FUNCTIONS}|{'|'.join(SPECIAL_FUNCTIONS)})"
_SIZING = re.compile(r"\\(?:[bB]igg?[lr]?|left\.|right\.|displaystyle)(?![A-Za-z])")


_UNICODE = {
    "×": " \\times ", "·": " \\cdot ", "⋅": " \\cdot ", "−": "-", "–": "-", "∞": "\\infty ",
    "π": "\\pi ", "ε": "\\epsilon ", "≈": "\\approx ", "≤": "\\le ", "≥": "\\ge ",
    "√": "\\sqrt", "\u2009": " ", "\u202f": " ", "\u00a0": " ",
}  # fmt: skip
"""Characters a model writes in place of their LaTeX (thin and no-break spaces included)."""


def normalise(s: str, expressions: bool = False) -> str:
    """Spellings the parser trips on, made uniform. Safe for every dataset.

    `expressions=True` is for answers that are formulas in declared parameters (HARDMath2):
    there `[...]` only groups, `\\log` is the natural logarithm and `E^{...}` is e^{...}.
    """
    s = s.strip().strip("$").strip()
    s = re.sub(r"(?<!\\)[.,]\s*$", "", s).rstrip()  # the sentence's full stop inside the box
    for char, latex in _UNICODE.items():
        s = s.replace(char, latex)
    s = re.sub(r"\^\s*-\s*(\d+|[A-Za-z])", r"^{-\1}", s)  # 10^-6: TeX would take only the sign
    s = _SIZING.sub("", s)
    s = re.sub(r"\\(?:mathrm|text|operatorname|mathit)\s*\{\s*([edi])\s*\}", r"\1", s)  # \mathrm{e}
    s = s.replace("\\\\", " ")  # a line break inside the formula (`\\i` in HARDMath2)
    s = join_thousands(s)
    s = re.sub(r"\\(?:[,;:!]|quad|qquad|thinspace)(?![A-Za-z])|\\ |~", " ", s)
    s = re.sub(r"\\var(epsilon|theta|phi)", r"\\\1", s)
    s = re.sub(r"\\[dt]frac", r"\\frac", s)
    s = _scientific(s)
    s = _brace_scripts(s)
    s = _max_min_braces(s)
    # \text{erf}, \mathrm{sin}, \operatorname{sin} and bare sin( -> \erf, \sin
    s = re.sub(rf"\\(?:text|mathrm|operatorname)\s*\{{\s*({_FUNCTION_NAMES})\s*\}}", r"\\\1", s)
    s = re.sub(rf"(?<![\\A-Za-z])({_FUNCTION_NAMES})(?![A-Za-z])", r"\\\1", s)
    s = re.sub(r"(?<![\\A-Za-z])pi(?![A-Za-z])", r"\\pi", s)
    if expressions:
        s = _drop_order_terms(s)
        s = re.sub(r"\\left\s*\[", r"\\left(", s)
        s = re.sub(r"\\right\s*\]", r"\\right)", s)
        s = _brackets_to_parentheses(s)
        s = re.sub(r"\\log(?![A-Za-z_])", r"\\ln", s)
        s = re.sub(r"(?<![\\A-Za-z])E(?=\s*\^)", "e", s)
    return re.sub(r"\s+", " ", s).strip()


_ORDER_TERM = re.compile(r"\s*[+-]\s*(?:\\mathcal\s*\{\s*O\s*\}|O|o)\s*(?:\\left\s*)?\(")


def _drop_order_terms(s: str) -> str:
    """`... + O(\\epsilon^2)` and `... + \\cdots` at the end of an asymptotic answer: the written
    terms are the answer."""
    s = re.sub(r"\s*[+-]\s*\\[lc]?dots\s*$", "", s)
    m = next((m for m in _ORDER_TERM.finditer(s) if top_level(s)[m.start()] == 0), None)
    if m and s.rstrip().endswith(")") and _closes_at_end(s, m.end() - 1):
        return s[: m.start()].rstrip()
    return s


def _closes_at_end(s: str, i: int) -> bool:
    """The bracket opened at `s[i]` is closed by the last character of `s`."""
    depth = 0
    end = len(s.rstrip()) - 1
    for j in range(i, end + 1):
        depth += (s[j] in OPEN) - (s[j] in CLOSE)
        if depth == 0:
            return j == end
    return False


_SEPARATOR = r"(?:\\[,;:]|\\thinspace(?![A-Za-z])|\{,\}|\\ |~| )"
_THOUSANDS = re.compile(rf"(?<![\w.^_{{}}\\])\d{{1,3}}(?:{_SEPARATOR}\d{{3}})+(?![\d])")


def join_thousands(s: str) -> str:
    """`4\\,000`, `4{,}000`, `4~000`, `4 000` -> `4000`: digit groups of three after a thin
    space (or any space TeX ignores in math) are one number. A comma alone is left to the
    checker, which knows whether a list is expected."""
    return _THOUSANDS.sub(lambda m: re.sub(r"\D", "", m.group(0)), s)


_COMMA_THOUSANDS = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def comma_thousands(s: str) -> str | None:
    """`4,000` (nothing but digit groups) -> `4000`; None if `s` is not written that way."""
    return s.replace(",", "") if _COMMA_THOUSANDS.fullmatch(s.strip()) else None


_E_NOTATION = re.compile(r"(?<![\w.\\])(\d+(?:\.\d+)?)([eE])([+-]?)(\d+)(?![\w.])")


def _scientific(s: str) -> str:
    """`1.28e-6`, `1e-06`, `1E+16` -> `1.28 \\times 10^{-6}`: computer notation for a number.
    `2e-1` stays 2e - 1 (Euler's number): an integer mantissa other than 1 is read as
    notation only with a signed exponent of two digits or more, or `E`, as programs print."""

    def replace(m: re.Match) -> str:
        mantissa, letter, sign, exponent = m.groups()
        if not (
            "." in mantissa
            or mantissa == "1"
            or letter == "E"
            or sign == "+"
            or (sign and len(exponent) > 1)
        ):
            return m.group(0)
        power = f"10^{{{'-' if sign == '-' else ''}{int(exponent)}}}"
        return f"({mantissa} \\times {power})"

    return _E_NOTATION.sub(replace, s)


def _argument_end(s: str, i: int) -> int:
    """End of the TeX argument starting at `s[i]` (a `{...}` group, a command or one character)."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return i
    if s[i] == "{":
        depth = 0
        for j in range(i, len(s)):
            depth += {"{": 1, "}": -1}.get(s[j], 0)
            if depth == 0:
                return j + 1
        return len(s)
    if m := re.match(r"\\[A-Za-z]+", s[i:]):
        return i + m.end()
    return i + 1


def _brace_scripts(s: str) -> str:
    """`x^\\frac{1}{2}` -> `x^{\\frac{1}{2}}`, `a^\\sqrt2` -> `a^{\\sqrt2}`: TeX takes the whole
    command as the exponent; the parser wants braces."""
    out, i = [], 0
    for m in re.finditer(r"([\^_])\s*\\(frac|sqrt)(?![A-Za-z])", s):
        if m.start() < i:
            continue
        end = m.end()
        if m.group(2) == "sqrt":
            if end < len(s) and s[end] == "[":
                end = s.index("]", end) + 1 if "]" in s[end:] else end
            end = _argument_end(s, end)
        else:
            end = _argument_end(s, _argument_end(s, end))
        out.append(s[i : m.start()] + m.group(1) + "{" + s[m.start() + 1 : end].strip() + "}")
        i = end
    return "".join(out) + s[i:]


def _max_min_braces(s: str) -> str:
    """`\\max\\{a, b\\}` -> `\\max(a, b)` (the parser reads only parentheses there)."""
    while m := re.search(r"\\(max|min)\s*\\\{", s):
        depth, j = 1, m.end()
        while j < len(s) and depth:
            if s.startswith("\\{", j):
                depth, j = depth + 1, j + 2
            elif s.startswith("\\}", j):
                depth, j = depth - 1, j + 2
            else:
                j += 1
        if depth:
            break  # unbalanced: leave it to the parser to reject
        s = f"{s[: m.start()]}\\{m.group(1)}({s[m.end() : j - 2]}){s[j:]}"
    return s


def _brackets_to_parentheses(s: str) -> str:
    """`[...]` -> `(...)`, except the index of `\\sqrt[3]{x}`."""
    out, kept = [], []
    for i, ch in enumerate(s):
        if ch == "[":
            keep = s[:i].rstrip().endswith("\\sqrt")
            kept.append(keep)
            out.append("[" if keep else "(")
        elif ch == "]" and kept:
            out.append("]" if kept.pop() else ")")
        else:
            out.append(ch)
    return "".join(out)


def is_structured(s: str) -> bool:
    """A set, list, tuple or interval rather than one expression."""
    s = re.sub(r"\\(?:left|right)(?![A-Za-z])", "", s).strip()
    return (
        len(split_top_level(s, ",")) > 1
        or s.startswith("\\{")
        or "\\pm" in s
        or bool(re.match(r"^[\[(].*,.*[\])]$", s))
    )


def perturbed(target: str) -> str:
    """A well-formed answer that is certainly not equivalent to `target` (oracle mode)."""
    rhs = strip_name(target)
    if is_structured(rhs) or "\\infty" in rhs or ";" in rhs:
        return "-\\frac{7919}{3}"
    return f"\\left({rhs}\\right) + 1"


@dataclass(frozen=True)
class Candidate:
    """A piece of teacher feedback that might state the answer."""

    text: str
    """The span as it appears in the feedback (what the leak guard redacts)."""
    latex: str
    """What to check for equivalence with the answer."""
    in_math: bool
    """Written as math ($...$, \\boxed, after '=' or 'the answer is'): a number there is a value."""


_MATH_SPANS = re.compile(
    r"\$\$(.+?)\$\$|\$(.+?)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]|\\boxed\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}",
    re.DOTALL,
)
_NUMBER = re.compile(r"(?<![\w.^_/\\])-?\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)?(?![\w^]|\.\d)")
_LATEX_ATOM = re.compile(
    rf"-?\\frac\s*(?:{_GROUP}|\d)\s*(?:{_GROUP}|\d)|-?\d*\s*\\sqrt\s*(?:\[\d+\])?\s*(?:{_GROUP}|\d)"
)
# plain-text math as a student or teacher types it: 2^(n-1), n(n-3)/2, sqrt(2), 3*2**n
_ASCII_ATOM = r"(?:\d+(?:\.\d+)?|[A-Za-z]+|\((?:[^()]|\([^()]*\))*\))"
_ASCII_MATH = re.compile(
    rf"(?<![\w\\.]){_ASCII_ATOM}(?:\s*(?:\*\*|[-+*/^])\s*{_ASCII_ATOM}|{_ASCII_ATOM}|!)*"
)
_ASCII_WORDS = re.compile(rf"(?:{KNOWN_FUNCTIONS}|sqrt|binom|pi)")
_VALUE_CUE = re.compile(
    r"(?:answer|result|value|equals?|equal to|should be|must be|is|get|gives?|obtain|=|≈)\W{0,3}$",
    re.IGNORECASE,
)


def candidates(feedback: str) -> list[Candidate]:
    """Math spans, LaTeX fractions/roots and bare numbers of `feedback` (deduplicated)."""
    found: dict[str, Candidate] = {}

    def add(text: str, latex: str, in_math: bool) -> None:
        text, latex = text.strip(), latex.strip()
        if latex and (text not in found or in_math):
            found[text] = Candidate(text, latex, in_math)

    for m in _MATH_SPANS.finditer(feedback):
        inner = next(g for g in m.groups() if g is not None)
        add(m.group(0), inner, True)
        # the right side of `y = ...`, and each side of a chain `a = b = c`
        for part in re.split(r"=|\\approx|\\sim", inner)[1:]:
            add(part, part, True)
    for m in _LATEX_ATOM.finditer(feedback):
        add(m.group(0), m.group(0), True)
    # outside math spans, runs of plain-text math: with an operator or a function call, and no
    # word but function names and one-letter variables (`n-th`, `well-known` are prose)
    plain = _MATH_SPANS.sub(lambda m: " " * len(m.group(0)), feedback)
    for m in _ASCII_MATH.finditer(plain):
        run = m.group(0)
        words = re.findall(r"[A-Za-z]+", run)
        call = any(w != "pi" and re.match(rf"{w}\s*\(", run[run.index(w) :]) for w in words)
        if not (re.search(r"[-+*/^!]", run) or call) or not re.search(r"[\w)]$", run):
            continue
        if all(len(w) == 1 or _ASCII_WORDS.fullmatch(w) for w in words):
            add(run, run.replace("**", "^"), True)
    for m in _NUMBER.finditer(feedback):
        before = feedback[max(0, m.start() - 30) : m.start()]
        add(m.group(0), m.group(0), bool(_VALUE_CUE.search(before)))
    return list(found.values())
