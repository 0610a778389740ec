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
        """The full role assignment, however it is said: "Ann is a knight", "Ann tells the
        truth", "Bob lies", "the knave is Bob", "Ann and Cid are knights", "they are both
        knights", "neither is a knave", "only Ann is a knight", "Ann is a knight, Bob isn't".
        Every inhabitant's right role must follow, and none a wrong one. Quotes of the
        puzzle's own statements and hypotheses ("suppose Ann is a knave") do not count."""
        meta = problem.metadata
        names, solution = meta["names"], meta["solution"]
        text = _QUOTED.sub(
            lambda m: "" if (m[1] or m[2]) in problem.input else m.group(0), feedback
        )
        roles = (_TRUTHFUL | {meta["terms"]["knight"]}, _LIAR | {meta["terms"]["knave"]})
        said, spans = stated_roles(text, names, *roles)
        if all(said.get(i) == {solution[i]} for i in range(len(names))):
            return spans
        return []


_HYPOTHESIS = re.compile(
    r"\b(?:if|suppose|supposing|assume|assuming|what\s+if|were|whether|in\s+case|imagine|"
    r"claims?\s+that|claimed|think|thought|you\s+said|you\s+wrote|you\s+have|you\s+had|"
    r"your\s+(?:claim|answer|assignment)|would\s+mean|either|could|might|maybe|perhaps)\b",
    re.IGNORECASE,
)
_HONEST = (
    r"(?:tells?\s+the\s+truth|is\s+telling\s+the\s+truth|speaks?\s+the\s+truth|is\s+honest"
    r"|is\s+truthful|(?:'s|is)\s+true)"
)
_LYING = r"(?:lies|is\s+lying|is\s+dishonest|tells?\s+lies|(?:'s|is)\s+false)"


def stated_roles(
    text: str, names: list[str], truthful: set[str], liar: set[str]
) -> tuple[dict[int, set[bool]], list[str]]:
    """What `text` says of each inhabitant: {index: {True for the truthful role, False for
    the lying one}} and the spans that say it. Clauses that state a hypothesis are skipped."""
    index = {name.lower(): i for i, name in enumerate(names)}
    everyone = list(range(len(names)))
    words = sorted(truthful | liar, key=len, reverse=True)
    role = r"(?P<role>" + "|".join(map(re.escape, words)) + r")(?:e?s)?\b"
    name = r"(?:" + "|".join(re.escape(n) for n in names) + r")"
    group = (
        r"(?P<group>they(?:'re|\s+are)?|both(?:\s+of\s+them)?|all(?:\s+of\s+them)?|"
        r"all\s+(?:two|three|four|five|six)(?:\s+of\s+them)?|every\s*one(?:\s+of\s+them)?|"
        r"everybody|each(?:\s+one)?(?:\s+of\s+them)?|the\s+(?:two|three|four|five|six)\s+of\s+them)"
        r"(?:\s+(?:here|there|on\s+(?:the|this)\s+island|in\s+(?:the|this)\s+puzzle))?"
    )
    people = rf"(?P<names>{name}(?:\s*(?:,|and|,\s*and)\s*{name})*)"
    a_ = r"(?:(?:a|an|the)\s+)?"
    be = (
        r"(?:\bis\b|\bare\b|'s|\bas\b|:|=|-|–|—|\(|\b(?:must|would|should|will|has\s+to|have\s+to)"
        r"\s+be\b|\bis\s+(?:actually|definitely|clearly|really)\b)?"
    )
    patterns = (  # (pattern, who the role is said of: names, group (everyone), nobody, only)
        (rf"{people}\s*{be}\s*(?:(?:both|all)\s+)?{a_}(?P<neg>not\s+{a_})?{role}", "names"),
        (rf"\bthe\s+{role}\s+(?:is|are|must\s+be|would\s+be)\s+{people}", "names"),
        (  # "it's Victoria who's the knight"
            rf"\bit(?:'s|\s+is|\s+was)\s+{people}\s+who(?:'s|\s+is|\s+are)\s+{a_}"
            rf"(?P<neg>not\s+{a_})?{role}",
            "names",
        ),
        (rf"{people}\s+(?:both\s+|all\s+)?(?P<honest>{_HONEST})", "names"),
        (rf"{people}(?:'s\s+statement)?\s+(?:both\s+|all\s+)?(?P<lying>{_LYING})", "names"),
        (rf"{group}\s+(?:are\s+|is\s+)?(?:both\s+|all\s+)?(?:(?:a|an)\s+)?{role}", "group"),
        (
            rf"{group}\s+(?:both\s+|all\s+)?"
            r"(?P<honest>tells?\s+the\s+truth|(?:are|is)\s+honest|(?:are|is)\s+truthful)",
            "group",
        ),
        (
            rf"{group}\s+(?:both\s+|all\s+)?(?P<lying>lies?|(?:are|is)\s+lying|(?:are|is)\s+liars?)",
            "group",
        ),
        (
            r"\b(?:neither(?:\s+of\s+them)?|no\s*one|nobody|none\s+of\s+them)"
            r"(?:\s+(?:here|there|on\s+(?:the|this)\s+island))?\s+(?:is|are)\s+"
            rf"(?:(?:a|an)\s+)?(?P<neg>){role}",
            "nobody",
        ),
        (rf"\bthere\s+(?:are|is)\s+no\s+(?P<neg>){role}", "nobody"),
        (rf"\b(?:only|just)\s+(?P<names>{name})\s+(?:is|tells)\s+{a_}{role}", "only"),
        (rf"\b(?P<names>{name})\s+is\s+the\s+only\s+{role}", "only"),
        (
            rf"\bexactly\s+one\s+(?:of\s+them\s+)?is\s+{a_}{role}\s*[-–—:,]?\s*"
            rf"(?:namely\s+|and\s+that(?:'s|\s+is)\s+)?(?P<names>{name})\b",
            "only",
        ),
    )
    said: dict[int, set[bool]] = {}
    spans: list[str] = []
    last: tuple[int, bool] | None = None
    for clause in re.split(r"(?<=[.;!?])\s+|\n|,\s*(?:but|and|so|while|whereas)\s+|\bbut\b", text):
        start_hypothesis = _HYPOTHESIS.search(clause)
        found: list[tuple[int, list[int], bool, str]] = []
        for pattern, who in patterns:
            for m in re.finditer(pattern, clause, re.IGNORECASE):
                if start_hypothesis and start_hypothesis.start() < m.start() + 1:
                    continue
                groups = m.groupdict()
                if groups.get("honest"):
                    truth = True
                elif groups.get("lying"):
                    truth = False
                else:
                    truth = m.group("role").lower() in truthful
                if groups.get("neg"):
                    truth = not truth
                if who == "nobody":
                    found.append((m.start(), everyone, not truth, m.group(0)))
                    continue
                if who == "group":
                    found.append((m.start(), everyone, truth, m.group(0)))
                    continue
                people = [index[n.lower()] for n in re.findall(name, m.group("names"), re.I)]
                if who == "only":
                    found.append((m.start(), people, truth, m.group(0)))
                    others = [i for i in everyone if i not in people]
                    found.append((m.start(), others, not truth, m.group(0)))
                else:
                    found.append((m.start(), people, truth, m.group(0)))
        for _, people, truth, span in sorted(found, key=lambda f: f[0]):
            for i in people:
                said.setdefault(i, set()).add(truth)
                last = (i, truth)
            spans.append(span)
        # "Ann is a knight, Bob isn't": the other role for Bob
        for m in re.finditer(
            rf"(?P<names>{name})\s+(?:isn't|is\s+not|is\s+n't)\s*(?:[.,;]|$)", clause, re.I
        ):
            if last is not None and not start_hypothesis:
                said.setdefault(index[m.group("names").lower()], set()).add(not last[1])
                spans.append(m.group(0))
    return said, spans
