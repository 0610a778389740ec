"""The tests of one coding problem, as the judge runs them: `TestSpec` of `Step`s or `StdinCase`s.

Test code is split into steps with `ast`: each statement of a HumanEval `check` function or an
MBPP assert is one step, and a single comparison (`assert f(x) == y`) keeps its two sides apart
so the feedback can show what the code returned. Calls of the function under test are renamed to
`candidate`, which the judge binds to a recorder of the outermost call.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

CANDIDATE = "candidate"


@dataclass(frozen=True)
class Step:
    """One test statement. `compare` = (left, op, right, expected_side) for a single comparison
    whose sides can be shown separately; `expected_side` is the side without the candidate."""

    source: str
    compare: tuple[str, str, str, str | None] | None = None
    check: bool = True
    """False for set-up statements (imports, assignments): they do not count as tests."""


@dataclass(frozen=True)
class StdinCase:
    input: str
    output: str


@dataclass(frozen=True)
class TestSpec:
    """The tests of one problem, in the harness's terms."""

    __test__ = False  # a name pytest would otherwise try to collect

    steps: tuple[Step, ...] = ()
    stdin_cases: tuple[StdinCase, ...] = ()
    candidate: str | None = None
    """Expression for the function under test, bound to `candidate` in every step."""
    display: str | None = None
    """The name the feedback shows for calls (`find_zero(...)`)."""
    context: str = ""
    """Problem-side code run before the solution (imports and helpers from the statement)."""
    prelude: str = ""
    """Test-side code run after the solution (imports, helper functions, constants)."""

    @property
    def solution_names(self) -> tuple[str, ...]:
        """The names the tests take from the solution (a function they call by name, a class
        the problem asks for): every name the tests and the problem's code read but do not
        define, except builtins. Only these reach the tests from the candidate's process; a
        solution that defines `sum` or `set` changes nothing in the tests."""
        read: set[str] = set()
        bound: set[str] = set()
        for source in (self.context, self.prelude, *(step.source for step in self.steps)):
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Name):
                    (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    bound.add(node.name)
                elif isinstance(node, ast.alias):
                    bound.add((node.asname or node.name).split(".")[0])
                elif isinstance(node, ast.arg):
                    bound.add(node.arg)
        return tuple(sorted(read - bound - set(dir(builtins)) - {CANDIDATE}))

    @property
    def total(self) -> int:
        return len(self.stdin_cases) or sum(step.check for step in self.steps)

    def to_dict(self) -> dict:
        """Plain JSON data (it travels in the sample's metadata, so the log holds the tests)."""
        return {
            "steps": [
                [s.source, list(s.compare) if s.compare else None, s.check] for s in self.steps
            ],
            "stdin_cases": [[c.input, c.output] for c in self.stdin_cases],
            "candidate": self.candidate,
            "display": self.display,
            "context": self.context,
            "prelude": self.prelude,
        }

    @classmethod
    def from_dict(cls, data: dict) -> TestSpec:
        return cls(
            steps=tuple(
                Step(source, tuple(compare) if compare else None, check)  # type: ignore[arg-type]
                for source, compare, check in data.get("steps", [])
            ),
            stdin_cases=tuple(StdinCase(i, o) for i, o in data.get("stdin_cases", [])),
            candidate=data.get("candidate"),
            display=data.get("display"),
            context=data.get("context", ""),
            prelude=data.get("prelude", ""),
        )


# ---------------------------------------------------------------- test code as steps (ast)


def _uses(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _has_assert(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Assert) for n in ast.walk(node))


_OPS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}


def step_of(statement: ast.stmt) -> Step | None:
    """One test statement as a harness step (None: a no-op such as `assert True`)."""
    source = ast.unparse(statement)
    if isinstance(statement, ast.Assert):
        test = statement.test
        if isinstance(test, ast.Constant):
            return None if test.value else Step(source)
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _OPS:
            left, right = test.left, test.comparators[0]
            in_left, in_right = _uses(left, CANDIDATE), _uses(right, CANDIDATE)
            side = (
                "right"
                if in_left and not in_right
                else "left"
                if in_right and not in_left
                else None
            )
            compare = (ast.unparse(left), _OPS[type(test.ops[0])], ast.unparse(right), side)
            return Step(source, compare)
        return Step(source)
    return Step(source, check=_has_assert(statement))


class _Rename(ast.NodeTransformer):
    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id == self.old:
            return ast.copy_location(ast.Name(id=self.new, ctx=node.ctx), node)
        return node


def steps_of(statements: list[ast.stmt], name: str | None = None) -> tuple[Step, ...]:
    """Steps for `statements`, with calls of `name` rewritten to `candidate`."""
    steps = []
    for statement in statements:
        if name and name != CANDIDATE:
            statement = ast.fix_missing_locations(_Rename(name, CANDIDATE).visit(statement))
        step = step_of(statement)
        if step is not None:
            steps.append(step)
    return tuple(steps)


def without_function(source: str, name: str) -> str:
    """`source` minus the top-level definition of `name` (what stays is the problem's context)."""
    lines = source.splitlines(keepends=True)
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            return "".join(lines[:first] + lines[node.end_lineno or len(lines) :])
    return source
