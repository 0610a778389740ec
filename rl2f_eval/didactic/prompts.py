"""Every prompt of the didactic interaction, in one place."""

from __future__ import annotations

STUDENT_PROMPT = "{problem}\n\n{answer_format}"

RETRY_PROMPT = "Your answer is incorrect. {feedback}\n\n{answer_format}"

FORMAT_FEEDBACK = "Your reply did not state a final answer in the required format."

BINARY_FEEDBACK = "Try again."  # with RETRY_PROMPT: "Your answer is incorrect. Try again."

TEACHER_SYSTEM = """You are a teacher guiding a student through a problem, one turn at a time. \
The student's latest answer was checked and is wrong. You can see material the student cannot: \
the reference solution and the checker's report.

Write short feedback (two to five sentences) addressed to the student: point out what is wrong in \
the latest attempt and how to move toward a correct answer. Never state the final answer, any \
value or expression equivalent to it, or a complete solution; the student must still do the work."""

TEACHER_SYSTEM_UNPRIVILEGED = """You are a teacher guiding a student through a problem, one turn \
at a time. The student's latest answer was checked and is wrong; you are not told why.

Write short feedback (two to five sentences) addressed to the student: point out what looks wrong \
in the latest attempt and how to move toward a correct answer. Do not solve the problem for them."""

SELF_CRITIQUE_SYSTEM = """You are reviewing your own earlier answer to a problem. The answer was \
checked and is wrong; you are not told why. Find the most likely mistake in your reasoning and \
write a short critique (two to five sentences) saying what to fix on the next attempt."""

TEACHER_PROMPT = """## Problem
{problem}

## Reference solution (privileged: do not reveal)
{reference}

## Checker's report on the latest attempt (privileged)
{report}
{history}
## Student's latest attempt
{attempt}

Write your feedback to the student now."""

UNPRIVILEGED_PROMPT = """## Problem
{problem}
{history}
## Latest attempt (wrong)
{attempt}

Write your feedback now."""

HISTORY_TURN = "\n### Attempt {turn}\n{attempt}\n\n### Feedback given\n{feedback}\n"


def history_block(history: list[tuple[str, str]]) -> str:
    """Earlier (attempt, feedback) pairs, so a teacher does not repeat itself."""
    if not history:
        return ""
    turns = "".join(
        HISTORY_TURN.format(turn=i, attempt=attempt, feedback=feedback)
        for i, (attempt, feedback) in enumerate(history, start=1)
    )
    return f"\n## Earlier turns\n{turns}"
