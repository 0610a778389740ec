"""Feedback strategies behind one interface, and the leak guard every feedback passes through."""

from rl2f_eval.teachers.base import Feedback, FeedbackRequest, Teacher, TeacherError
from rl2f_eval.teachers.leak import LEAK_MODES, GuardedFeedback, guarded_feedback, redact
from rl2f_eval.teachers.strategies import TEACHERS, make_teacher

__all__ = [
    "LEAK_MODES",
    "TEACHERS",
    "Feedback",
    "FeedbackRequest",
    "GuardedFeedback",
    "Teacher",
    "TeacherError",
    "guarded_feedback",
    "make_teacher",
    "redact",
]
