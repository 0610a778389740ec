"""Feedback strategies behind one interface, and the leak guard every feedback passes through
(the suite's string guard, then optionally the LLM leak judge)."""

from rl2f_eval.teachers.base import Feedback, FeedbackRequest, Teacher, TeacherError
from rl2f_eval.teachers.judge import JudgeVerdict, LeakJudge
from rl2f_eval.teachers.leak import LEAK_MODES, GuardedFeedback, guarded_feedback, redact
from rl2f_eval.teachers.strategies import TEACHERS, make_teacher

__all__ = [
    "LEAK_MODES",
    "TEACHERS",
    "Feedback",
    "FeedbackRequest",
    "GuardedFeedback",
    "JudgeVerdict",
    "LeakJudge",
    "Teacher",
    "TeacherError",
    "guarded_feedback",
    "make_teacher",
    "redact",
]
