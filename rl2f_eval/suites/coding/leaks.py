"""The coding suite's leak guard: feedback gives the answer away when it holds code that solves
the problem. Two checks:

- **The reference, re-typed.** The statements of the reference solution's body (what the
  problem statement does not already show) are looked for in the feedback's tokens, up to
  renaming (`for i, x in enumerate(xs):` is `for j, y in enumerate(values):`), spacing and
  quotes, in code blocks, inline code or plain prose. Feedback that holds at least half of the
  body (by tokens) leaks, and so does the single statement of a one-statement body
  (`return number % 1.0`). Quoting one loop header of a longer solution does not.
- **Another solution.** Code in the feedback that could be a solution (a fenced block, inline
  code or a `return ...` in prose, defining the function or using its parameters) is run
  against the problem's tests in the sandbox, as the function's body where it is not a whole
  function: a pass leaks.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import keyword
import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?P<string>[rbuf]*(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"))"
    r"|(?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)"
    r"|(?P<name>[A-Za-z_]\w*)"
    r"|(?P<op>\*\*=?|//=?|>>=?|<<=?|->|:=|[-+*/%&|^@<>=!]=|[-+*/%&|^~<>=@()\[\]{}:,.;])",
)
_BUILTINS = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | {"self", "cls"}
MIN_SHARE = 0.5
"""Feedback that holds this share of the reference body's tokens gives the solution away."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """Python-like tokens of any text (prose tokenises too: words are names)."""
    found = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "op"
        value = m.group(0)
        if kind in ("string", "number"):  # 'a' and "a", 1.0 and 1.00 are the same
            with contextlib.suppress(ValueError, SyntaxError):
                value = repr(ast.literal_eval(value))
        found.append(Token(kind, value, m.start(), m.end()))
    return found


def _renamable(statement: list[Token], i: int, fixed: frozenset[str]) -> bool:
    """Whether token i is a local name (renaming it keeps the code the same)."""
    token = statement[i]
    if token.kind != "name" or token.text in _BUILTINS or token.text in fixed:
        return False
    return not (i > 0 and statement[i - 1].text == ".")  # an attribute: .append


def _matches(statement: list[Token], text: list[Token], at: int, fixed: frozenset[str]) -> bool:
    """`statement` at text[at:], up to a consistent renaming of local names."""
    if at + len(statement) > len(text):
        return False
    forward: dict[str, str] = {}
    backward: dict[str, str] = {}
    for i, token in enumerate(statement):
        other = text[at + i]
        if _renamable(statement, i, fixed):
            if other.kind != "name" or other.text in _BUILTINS:
                return False
            if forward.setdefault(token.text, other.text) != other.text:
                return False
            if backward.setdefault(other.text, token.text) != token.text:
                return False
        elif other.text != token.text:
            return False
    return True


def body_statements(reference: str, statement_text: str) -> list[list[Token]]:
    """The reference's logical lines that the problem statement does not show (its body),
    each as tokens; comments and docstrings left out."""
    shown = {re.sub(r"\s+", " ", line.strip()) for line in statement_text.splitlines()}
    lines = []
    for line in _logical_lines(reference):
        if re.sub(r"\s+", " ", line.strip()) in shown:
            continue
        found = tokens(line)
        if found and found[-1].text == ":":  # "for x in xs" is the loop with or without it
            found.pop()
        if found and not (len(found) == 1 and found[0].kind == "string"):  # a docstring
            lines.append(found)
    return lines


def _logical_lines(code: str) -> list[str]:
    """Source lines joined where brackets stay open; comments dropped."""
    lines, current, depth = [], "", 0
    for raw in code.splitlines():
        line = re.sub(r"(?<![\"'])#.*$", "", raw) if "#" in raw else raw
        current = f"{current} {line.strip()}" if current else line.strip()
        depth += sum(line.count(c) for c in "([{") - sum(line.count(c) for c in ")]}")
        if depth <= 0:
            if current:
                lines.append(current)
            current, depth = "", 0
    if current:
        lines.append(current)
    # docstrings: drop the lines between triple quotes
    kept, inside = [], False
    for line in lines:
        quotes = line.count('"""') + line.count("'''")
        if inside or (quotes and line.lstrip().startswith(('"""', "'''", 'r"""'))):
            inside = inside != (quotes % 2 == 1)
            continue
        kept.append(line)
    return kept


def retyped(feedback: str, body: list[list[Token]], fixed: frozenset[str]) -> list[str]:
    """Spans of `feedback` that re-type the body: the statements found (each stretch of the
    feedback counts for one statement), when they hold at least MIN_SHARE of its tokens."""
    text = tokens(feedback)
    total = sum(len(statement) for statement in body)
    used: set[int] = set()
    found, covered = [], 0
    for statement in sorted(body, key=len, reverse=True):  # longest first: the most specific
        if len(statement) < 2:
            continue
        for at in range(len(text)):
            stretch = range(at, at + len(statement))
            if used.isdisjoint(stretch) and _matches(statement, text, at, fixed):
                used.update(stretch)
                covered += len(statement)
                found.append(feedback[text[at].start : text[stretch[-1]].end])
                break
    if total and covered / total >= MIN_SHARE:
        return found
    return []


# --- code that could be a solution, run against the tests ---------------------------------------

_FENCED = re.compile(r"```[\w+-]*[ \t]*\n(.*?)```", re.DOTALL)
_INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_RETURN = re.compile(r"\breturn\b[^\n]*")
_CALL = re.compile(r"[A-Za-z_][\w.]*\((?:[^()\n]|\((?:[^()\n]|\([^()\n]*\))*\))*\)")
_LIST = re.compile(r"\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]")  # [s for s in xs if ...]
_NAME = r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*"
_OPERAND = rf"(?:{_NAME}(?:\([^()\n]*\)|\[[^\[\]\n]*\])?|\d+(?:\.\d+)?|\([^()\n]*\))"
_OPERATION = re.compile(  # x + y, a * h / 2, n * (n + 1) // 2
    rf"{_OPERAND}(?:\s*(?://|\*\*|==|!=|<=|>=|[-+*/%<>])\s*{_OPERAND})+"
)
_INDENTED = re.compile(r"(?:^(?: {4}|\t).*\n?)+", re.MULTILINE)  # a Markdown code block
# where prose strings statements together: "a, b = 0, 1; for _ in range(n): ...; return a"
_JOINS = re.compile(r";\s*|,?\s+and\s+then\s+|,\s+then\s+|\s+then\s+|,\s+and\s+")


def candidates(feedback: str) -> list[tuple[str, list[str]]]:
    """Code in the feedback that could be a solution, with the spans of the feedback that hold
    it: fenced and indented blocks, inline code (each span alone, and the spans of a line together:
    "`m = mean(xs)`, then `return ...`"), statements strung together in a sentence ("total =
    0; for x in xs: total += x; return total"), `return` clauses and calls in prose (the
    longest prefix of each that parses as Python), and calls, list displays and operations in
    prose (`x + y`)."""
    found: list[tuple[str, list[str]]] = [(b, [b]) for b in _FENCED.findall(feedback)]
    prose = _FENCED.sub(" ", feedback)
    found += [(b.group(0), [b.group(0)]) for b in _INDENTED.finditer(prose)]
    found += [(code, [code]) for code in _INLINE.findall(prose)]
    for line in prose.splitlines():
        spans = _INLINE.findall(line)
        if len(spans) > 1:
            found.append(("\n".join(spans), spans))
    plain = _INLINE.sub(lambda i: i.group(1), prose)
    for line in plain.splitlines():
        code = re.sub(r"^[A-Za-z ]{0,40}:\s+(?=\S)", "", line.strip())  # "Iterate: ..."
        pieces = [p.strip().rstrip(".") for p in _JOINS.split(code)]
        # pieces that parse as code (plain words parse too: only "return x" counts of those)
        statements = [
            p for p in pieces if _parses(p) and not re.fullmatch(r"(?!return\b)[\w\s]+", p)
        ]
        if len(statements) >= 2 and any(p.startswith("return") for p in statements):
            found.append(("\n".join(statements), [line.strip()]))
    for m in _RETURN.finditer(plain):
        words = m.group(0).rstrip(". ").split(" ")
        for k in range(len(words), 1, -1):
            clause = " ".join(words[:k]).rstrip(".,;:")
            if _parses(clause):
                found.append((clause, [clause]))
                break
    for pattern in (_CALL, _LIST, _OPERATION):
        found += [(code, [code]) for code in pattern.findall(plain)]
    unique: dict[str, list[str]] = {}
    for code, spans in found:
        if code.strip():
            unique.setdefault(code.strip("\n"), [span.strip("\n") for span in spans])
    return list(unique.items())


def _parses(code: str) -> bool:
    try:
        ast.parse(textwrap.dedent(code))
    except (SyntaxError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Signature:
    name: str
    parameters: list[str]
    header: str
    """`def name(a, b):` as the problem writes it (types and defaults kept)."""
    prelude: str
    """Imports and helpers of the statement that come before the function."""


def signature(reference: str, entry: str) -> Signature | None:
    """The function to write, read from the reference (or the statement)."""
    try:
        tree = ast.parse(reference)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == entry:
            arguments = node.args
            names = [
                a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            ]
            header = f"def {entry}({ast.unparse(arguments)}):"
            prelude = "\n".join(
                ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))
            )
            return Signature(entry, names, header, prelude)
    return None


def program(code: str, sig: Signature) -> str | None:
    """`code` as a whole solution: as it is when it defines the function, else as the body of
    the function (an expression is returned). None when it cannot be one: it parses not, or it
    reads names that neither the function's parameters, the code itself nor Python define."""
    code = textwrap.dedent(code).strip("\n")
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    if any(isinstance(n, ast.FunctionDef) and n.name == sig.name for n in ast.walk(tree)):
        read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        imports = "".join(
            f"import {name}\n" for name in sorted(read) if name in sys.stdlib_module_names
        )
        return f"{sig.prelude}\n{imports}{code}\n"
    defined = set(sig.parameters) | _BUILTINS | {sig.name}
    imports = ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    modules = {name for name in read - defined if name in sys.stdlib_module_names}
    imports = "".join(f"import {name}\n" for name in sorted(modules))  # "use math.floor"
    if read - defined - modules or not read & set(sig.parameters):
        return None
    if len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr):
        code = f"return {code}"
    elif not any(isinstance(n, ast.Return) for n in ast.walk(tree)):
        return None
    return f"{sig.prelude}\n{imports}{sig.header}\n{textwrap.indent(code, '    ')}\n"


def solving_code(
    feedback: str, sig: Signature, passes: Callable[[str], bool], limit: int = 4
) -> list[str]:
    """Code in the feedback that passes the tests when run (at most `limit` runs)."""
    runs = 0
    for code, spans in candidates(feedback):
        whole = program(code, sig)
        if whole is None:
            continue
        if passes(whole):
            return spans
        runs += 1
        if runs >= limit:
            break
    return []
