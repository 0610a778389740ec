"""Knights and knaves: who always tells the truth and who always lies.

The checker evaluates every inhabitant's statement under the student's assignment: a knight's
statement must be true and a knave's false. Feedback names the inhabitant whose claimed role
contradicts their statement. reasoning-gym keeps only puzzles with exactly one consistent
assignment, so a contradiction-free answer is the solution.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from reasoning_gym.logic.knights_knaves import VALID_ROLES, KKProblemFormatter

from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.puzzles.common import Generated, partial_credit, rg_dataset, summarise

_TRUTHFUL = {"knight", "truth-teller", "truthteller"}
_LIAR = {"knave", "liar"}
_ROLE_WORDS = sorted(VALID_ROLES | _TRUTHFUL | _LIAR, key=len, reverse=True)
_CLAIM = re.compile(
    r"(?P<name>[A-Za-z][A-Za-z'-]*)\s*(?:\bis\b|\bas\b|:|=|-|–|—|\()?\s*(?:(?:a|an)\s+)?"
    r"(?P<neg>not\s+(?:(?:a|an)\s+)?)?(?P<role>" + "|".join(_ROLE_WORDS) + r")s?\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”")

PEOPLE = {"easy": 2, "medium": 3, "hard": 4}


def claims(text: str) -> list[tuple[str, str, bool, str]]:
    """(name, role word, negated, matched text) for every "X is a knight"-like phrase."""
    return [
        (m["name"], m["role"].lower(), bool(m["neg"]), m.group(0)) for m in _CLAIM.finditer(text)
    ]


def holds(statement: Any, truthful: list[bool]) -> bool:
    """Whether a reasoning-gym statement tree is true under an assignment (True = knight)."""
    op = statement[0]
    if op == "telling-truth":
        return truthful[statement[1]]
    if op == "lying":
        return not truthful[statement[1]]
    if op == "not":
        return not holds(statement[1], truthful)
    parts = [holds(s, truthful) for s in statement[1:]]
    if op == "and":
        return all(parts)
    if op == "or":
        return any(parts)
    if op == "->":
        return not parts[0] or parts[1]
    if op == "<=>":
        return parts[0] == parts[1]
    raise ValueError(f"unknown statement operator {op!r}")


def _plain(value: Any) -> Any:
    """Nested tuples and numpy scalars -> JSON-ready lists, ints and strs."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, int)):
        return value
    return str(value)


class KnightsKnaves(Generated):
    name = "knights_knaves"
    rg_name = "knights_knaves"
    size_meaning = "number of inhabitants"
    sizes = range(2, 7)

    def config(self, difficulty: str, size: int | None) -> dict[str, Any]:
        return {
            "n_people": size or PEOPLE[difficulty],
            "depth_constraint": 2,
            "width_constraint": 3 if difficulty == "hard" else 2,
        }

    def build(self, entry: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        meta = entry["metadata"]
        names = [str(name) for name in meta["names"]]
        terms = {key: str(value) for key, value in meta["knight_knave_terms"].items()}
        # reasoning-gym's own format hint is replaced by ours (it differs per puzzle's role words)
        quiz = entry["question"].split(" (Format your answer like:")[0]
        example = ", ".join(f"{n} is {terms['a_knight']}/{terms['knave']}" for n in names)
        statement = (
            f"{quiz}\n\nAnswer format: after `ANSWER:`, one line that gives every inhabitant's "
            f"role, choosing one word for each: ANSWER: {example}"
        )
        metadata = {
            "names": names,
            "terms": terms,
            "statements": _plain(meta["statements"]),
            "solution": [bool(x) for x in meta["solution"]],
        }
        return statement, str(entry["answer"]), metadata

    def shape(self, block: str) -> Any | None:
        return claims(block) or None

    def _assignment(self, block: str, problem: Problem) -> tuple[list[bool] | None, str]:
        meta = problem.metadata
        names, terms = meta["names"], meta["terms"]
        truthful_words = _TRUTHFUL | {terms["knight"]}
        liar_words = _LIAR | {terms["knave"]}
        index = {name.lower(): i for i, name in enumerate(names)}
        if re.search(rf"{terms['knight']}\s*/\s*{terms['knave']}", block, re.IGNORECASE):
            both = f"{terms['knight']}/{terms['knave']}"
            return None, f"Choose one role for each inhabitant instead of writing '{both}'."
        found: dict[int, bool] = {}
        for name, role, negated, _ in claims(block):
            i = index.get(name.lower())
            if i is None:
                continue  # "so she is a knave", "therefore ...": not an inhabitant
            if role not in truthful_words | liar_words:
                return None, (
                    f"Use this puzzle's words for the roles: {terms['knight']} or {terms['knave']}."
                )
            truthful = (role in truthful_words) != negated
            if found.get(i, truthful) != truthful:
                return None, f"Your answer gives {names[i]} two different roles."
            found[i] = truthful
        missing = [names[i] for i in range(len(names)) if i not in found]
        if missing:
            return None, (
                f"Your answer gives no role for {' and '.join(missing)}; state the role of "
                f"every inhabitant ({', '.join(names)})."
            )
        return [found[i] for i in range(len(names))], ""

    def check(self, block: str, problem: Problem) -> Verdict:
        truthful, error = self._assignment(block, problem)
        if truthful is None:
            return Verdict(False, error, report=error)
        meta = problem.metadata
        names, terms = meta["names"], meta["terms"]
        contradictions = []
        for i, statement in enumerate(meta["statements"]):
            true = holds(statement, truthful)
            if truthful[i] == true:
                continue
            said = f'{names[i]}\'s statement "{self.render(statement, problem)}"'
            if truthful[i]:
                contradictions.append(
                    f"Your claim that {names[i]} is {terms['a_knight']} contradicts "
                    f"{names[i]}'s statement: under your assignment {said} is false, and "
                    f"{terms['knight']}s always tell the truth."
                )
            else:
                contradictions.append(
                    f"Your claim that {names[i]} is {terms['a_knave']} contradicts "
                    f"{names[i]}'s statement: under your assignment {said} is true, and "
                    f"{terms['knave']}s always lie."
                )
        canonical = self.sentence(truthful, problem)
        score = rg_dataset(self.rg_name).score_answer(canonical, {"answer": problem.target})
        if not contradictions:
            return Verdict(True, "Every statement is consistent with your assignment.", score=1.0)
        wrong = [names[i] for i, t in enumerate(truthful) if t != meta["solution"][i]]
        report = " ".join(contradictions) + (
            f" Inhabitants whose role is wrong: {', '.join(wrong)}. Solution: {problem.target}"
        )
        return Verdict(
            False, summarise(contradictions), report=report, score=partial_credit(score, False)
        )

    def render(self, statement: Any, problem: Problem) -> str:
        """A statement in the puzzle's words (reasoning-gym's formatter, as in the question)."""
        meta = problem.metadata
        return KKProblemFormatter(0, {})._format_statement(meta["names"], meta["terms"], statement)

    def sentence(self, truthful: list[bool], problem: Problem) -> str:
        names, terms = problem.metadata["names"], problem.metadata["terms"]
        return ", ".join(
            f"{name} is {terms['a_knight'] if t else terms['a_knave']}"
            for name, t in zip(names, truthful, strict=True)
        )

    def solution_text(self, problem: Problem) -> str:
        meta = problem.metadata
        lines = [f"Solution: {self.sentence(meta['solution'], problem)}.", "Check:"]
        for name, statement, truthful in zip(
            meta["names"], meta["statements"], meta["solution"], strict=True
        ):
            role = meta["terms"]["a_knight" if truthful else "a_knave"]
            value = "true" if holds(statement, meta["solution"]) else "false"
            lines.append(f'- {name} is {role}; "{self.render(statement, problem)}" is {value}.')
        return "\n".join(lines)

    def wrong_answers(self, problem: Problem) -> Iterable[str]:
        solution = problem.metadata["solution"]
        for i in range(len(solution)):
            flipped = [t != (j == i) for j, t in enumerate(solution)]
            yield self.sentence(flipped, problem)

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """The full role assignment: every inhabitant's correct role stated (and no other role
        for them). Quotes of the puzzle's own statements do not count."""
        meta = problem.metadata
        names, solution = meta["names"], meta["solution"]
        text = _QUOTED.sub(
            lambda m: "" if (m[1] or m[2]) in problem.input else m.group(0), feedback
        )
        truthful_words = _TRUTHFUL | {meta["terms"]["knight"]}
        liar_words = _LIAR | {meta["terms"]["knave"]}
        index = {name.lower(): i for i, name in enumerate(names)}
        said: dict[int, set[bool]] = {}
        spans: list[str] = []
        for name, role, negated, span in claims(text):
            i = index.get(name.lower())
            if i is None or role not in truthful_words | liar_words:
                continue
            said.setdefault(i, set()).add((role in truthful_words) != negated)
            spans.append(span)
        if all(said.get(i) == {solution[i]} for i in range(len(names))):
            return spans
        return []
