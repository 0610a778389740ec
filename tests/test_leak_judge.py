"""The LLM leak judge behind the string guard, `leak=regenerate` telling the teacher what leaked,
and clean accuracy, end to end on the scripted models."""

from __future__ import annotations

import anyio
import pytest
from inspect_ai.log import EvalLog, read_eval_log, resolve_sample_attachments
from inspect_ai.model import get_model
from results_logs import _run

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.models.scripted import answer_records
from rl2f_eval.results.load import run_identity
from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.maze import MazeSuite
from rl2f_eval.teachers import FeedbackRequest, LeakJudge, guarded_feedback, make_teacher
from rl2f_eval.teachers import prompts as teacher_prompts
from rl2f_eval.teachers.judge import LEAK, NO_LEAK, UNPARSABLE, parse_verdict
from rl2f_eval.teachers.leak import WITHHELD
from tests.conftest import metrics, run_scripted

JUDGE_SAYS_LEAK = "REASON: It describes every move of the path.\nVERDICT: LEAK"
INNOCENT = "Look again at where your path meets a wall."


def suite() -> MazeSuite:
    return MazeSuite(size=3, n=2, seed=1)


def turn_records(log: EvalLog) -> list[list[dict]]:
    return [sample.store["DidacticStore:turns"] for sample in log.samples]


def calls(log: EvalLog, system: str) -> list:
    """The model events of every call whose system prompt is `system`."""
    return [
        event
        for sample in map(resolve_sample_attachments, log.samples)
        for event in sample.events
        if event.event == "model" and event.input and event.input[0].text == system
    ]


@pytest.mark.parametrize(
    "reply, parsed",
    [
        ("REASON: It names the answer.\nVERDICT: LEAK", (LEAK, "It names the answer.")),
        ("Reason: only a hint\n**Verdict:** no leak", (NO_LEAK, "only a hint")),
        ("VERDICT: NO_LEAK", (NO_LEAK, "")),
        ("It states 35 outright.\n\nLEAK", (LEAK, "It states 35 outright.")),
        # an echo of the instructions is no verdict, nor are two different ones, nor none
        ("REASON: <one sentence>\nVERDICT: LEAK or VERDICT: NO LEAK", None),
        ("VERDICT: LEAK\nVERDICT: NO LEAK", None),
        ("I am not sure this leaks anything.", None),
        ("", None),
    ],
)
def test_judge_replies_are_parsed_strictly(reply, parsed):
    assert parse_verdict(reply) == parsed


def test_the_judge_flags_what_the_strings_let_pass(log_dir):
    s = suite()
    task = didactic_task(s, turns=3, leak_judge=True)
    log = run_scripted(task, s, log_dir, "wrong,right", feedback=INNOCENT, judge=JUDGE_SAYS_LEAK)
    m = metrics(log)
    assert m["leak_rate"] == 1 and m["acc_at_2"] == 1
    # the student read the flagged feedback (leak=flag) before solving: not a clean solve
    assert m["clean_acc_at_1"] == 0 and m["clean_acc_at_2"] == 0 and m["clean_acc_at_3"] == 0
    for turns in turn_records(log):
        first = turns[0]
        assert first["feedback"] == INNOCENT and first["leaked"] == []
        assert first["leak"] and first["leak_shown"]
        assert first["judge"] == LEAK
        assert first["judge_reason"] == "It describes every move of the path."
    [judge_call, *_] = calls(log, teacher_prompts.JUDGE_SYSTEM)
    # the judge is given the reference and the feedback; unbound, it is the teacher's model
    # (here the student, as the teacher role is unbound too), accounted as the judge role
    assert s.reference(problem_of(log.samples[0])) in judge_call.input[1].text
    assert INNOCENT in judge_call.input[1].text
    assert judge_call.role == "judge"


def problem_of(sample) -> Problem:
    return Problem(sample.id, str(sample.input), str(sample.target), dict(sample.metadata))


def test_the_string_guard_goes_first_and_a_clean_verdict_is_recorded(log_dir):
    s = suite()
    leaky = didactic_task(s, turns=2, leak_judge=True)
    log = run_scripted(leaky, s, log_dir, "wrong", feedback="Walk {answer}.", judge="VERDICT: LEAK")
    assert calls(log, teacher_prompts.JUDGE_SYSTEM) == []  # the strings caught it: no judge call
    assert all(
        t[0]["leak"] and t[0]["leaked"] and t[0].get("judge") is None for t in turn_records(log)
    )
    clean = run_scripted(didactic_task(s, turns=2, leak_judge=True), s, log_dir, "wrong")
    assert metrics(clean)["leak_rate"] == 0
    for turns in turn_records(clean):
        assert turns[0]["judge"] == NO_LEAK and not turns[0]["leak"]
        assert turns[0]["judge_tokens"] > 0


def maze_task(log_dir, model_roles, **model_args) -> EvalLog:
    """tasks/maze.py on `suite()`'s problems with the judge on (its arguments in the log)."""
    answers = answer_records(suite(), suite().samples())
    path = _run(
        log_dir,
        "scripted/student",
        task_args={"n": 2, "seed": 1, "turns": 2, "leak_judge": True},
        model_args={"script": "wrong", "answers": answers, **model_args},
        model_roles=model_roles,
    )
    return read_eval_log(str(path))


def test_an_unbound_judge_is_the_teachers_model_not_the_student(log_dir):
    teacher = get_model("scripted/teacher", feedback=INNOCENT, judge=JUDGE_SAYS_LEAK)
    # the student model would find no leak
    log = maze_task(log_dir, {"teacher": teacher}, judge="VERDICT: NO LEAK")
    judge_calls = calls(log, teacher_prompts.JUDGE_SYSTEM)
    assert judge_calls and {(e.model, e.role) for e in judge_calls} == {
        ("scripted/teacher", "judge")
    }
    assert all(t[0]["judge"] == LEAK for t in turn_records(log))
    assert run_identity(log)["teacher"] == "model: scripted/teacher, leak judge: the teacher"
    # bound, the judge role answers
    judge = get_model("scripted/judge", judge="VERDICT: NO LEAK")
    bound = maze_task(log_dir, {"teacher": teacher, "judge": judge})
    assert {e.model for e in calls(bound, teacher_prompts.JUDGE_SYSTEM)} == {"scripted/judge"}
    assert all(t[0]["judge"] == NO_LEAK for t in turn_records(bound))
    identity = run_identity(bound)
    assert identity["teacher"] == "model: scripted/teacher, leak judge: scripted/judge"
    assert identity["run"] != run_identity(log)["run"]


def test_an_unparsable_judge_is_asked_again_then_counts_as_a_leak(log_dir):
    s = suite()
    task = didactic_task(s, turns=2, leak_judge=True)
    log = run_scripted(task, s, log_dir, "wrong", judge=["It seems fine to me.", "Fine.", "OK."])
    # one judge conversation per sample: the first request and two asking for the verdict line
    judge_calls = calls(log, teacher_prompts.JUDGE_SYSTEM)
    assert len(judge_calls) == 3 * len(log.samples)
    assert teacher_prompts.JUDGE_REFORMAT in judge_calls[-1].input[-1].text
    for turns in turn_records(log):
        assert turns[0]["judge"] == UNPARSABLE and turns[0]["leak"]
        assert "OK." in turns[0]["judge_reason"]
    assert metrics(log)["leak_rate"] == 1


def test_programmatic_feedback_is_not_judged(log_dir):
    s = suite()
    task = didactic_task(s, turns=2, teacher="verifier", leak_judge=True)
    log = run_scripted(task, s, log_dir, "wrong", judge=JUDGE_SAYS_LEAK)
    assert calls(log, teacher_prompts.JUDGE_SYSTEM) == []
    assert all(t[0].get("judge") is None and not t[0]["leak"] for t in turn_records(log))


def test_regenerate_tells_the_teacher_what_leaked(log_dir):
    s = suite()
    task = didactic_task(s, turns=3, leak="regenerate")
    feedback = ["The path is {answer}.", INNOCENT]
    log = run_scripted(task, s, log_dir, "wrong,right", feedback=feedback)
    for sample, turns in zip(log.samples, turn_records(log), strict=True):
        first = turns[0]
        assert first["feedback"] == INNOCENT and first["regenerations"] == 1
        assert first["leak"] and not first["leak_shown"]
        assert first["original_feedback"] == f"The path is {sample.target}."
    asked_again = [
        e for e in calls(log, teacher_prompts.TEACHER_SYSTEM) if len(e.input) > 2
    ]  # the teacher's first feedback, then the guard's notice
    assert len(asked_again) == len(log.samples)
    notice = asked_again[0].input[-1].text
    assert notice.startswith("That feedback gives the answer away: it states")
    assert any(f'"{sample.target}"' in notice for sample in log.samples)
    # the student read only feedback that passed the guard: its solves are clean
    m = metrics(log)
    assert m["leak_rate"] == 1 and m["acc_at_2"] == m["clean_acc_at_2"] == 1


def test_regenerate_passes_the_judges_reason_on_and_withholds_what_it_keeps_flagging(log_dir):
    s = suite()
    task = didactic_task(s, turns=2, leak="regenerate", leak_judge=True)
    log = run_scripted(task, s, log_dir, "wrong", feedback=INNOCENT, judge=JUDGE_SAYS_LEAK)
    for turns in turn_records(log):
        assert turns[0]["feedback"] == WITHHELD and turns[0]["regenerations"] == 2
        assert turns[0]["judge"] == LEAK and not turns[0]["leak_shown"]
    notices = [e.input[-1].text for e in calls(log, teacher_prompts.TEACHER_SYSTEM)]
    assert any("a reviewer found that it does (It describes every move" in n for n in notices)


def test_a_cache_does_not_answer_the_regenerate_request_with_the_leak(tmp_path, monkeypatch):
    """Under a cache the first request's reply is stored; the regenerate request must reach the
    model (a different request), and a second run is served from the cache entirely."""
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    s = suite()
    [sample] = s.samples()[:1]
    problem = Problem.from_sample(sample)
    records = answer_records(s, [sample])
    feedback = ["The path is {answer}.", INNOCENT]
    model = get_model("scripted/cached", feedback=feedback, answers=records, memoize=False)
    judge_model = get_model("scripted/judge", answers=records, memoize=False)
    teacher = make_teacher("model", model=model, cache=True)
    judge = LeakJudge(judge_model)
    request = FeedbackRequest(s, problem, "ANSWER: L", "L", Verdict(False, "wrong"))

    def guarded():
        return anyio.run(guarded_feedback, teacher, request, "regenerate", 2, judge)

    first = guarded()
    assert first.text == INNOCENT and first.regenerations == 1
    assert first.judge is None  # the strings flagged the first feedback
    assert len(model.api.attempts) == 2  # the first request and the regenerate request
    assert sum(judge_model.api.attempts.values()) == 1  # the regenerated text was judged
    again = guarded()  # all from the cache: the teacher's two calls and the judge's
    assert again.text == INNOCENT
    assert sum(model.api.attempts.values()) == 2
    assert sum(judge_model.api.attempts.values()) == 1
