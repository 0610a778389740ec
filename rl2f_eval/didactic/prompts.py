"""What the student is shown: the problem, and after a wrong turn the feedback and the format.

The teachers' own prompts, and how each teacher's feedback is introduced, are in
`rl2f_eval.teachers.prompts`.
"""

from __future__ import annotations

STUDENT_PROMPT = "{problem}\n\n{answer_format}"

RETRY_PROMPT = "{feedback}\n\n{answer_format}"
"""The next user message after a wrong turn: the introduced feedback, then the answer format."""

FORMAT_FEEDBACK = "Your reply did not state a final answer in the required format."
"""After a reply with no answer in it: no teacher is asked, and no verdict is given."""
