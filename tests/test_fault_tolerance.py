"""Fault tolerance: failing and hanging model calls, errored samples, interrupted runs, bad task
arguments and hostile model output. Every fault is played by the scripted model."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from inspect_ai import eval, eval_retry
from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log
from inspect_ai.model import get_model

from rl2f_eval.didactic import prompts
from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.errors import TaskArgError
from rl2f_eval.models.scripted import INJECTION, answer_records
from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.maze import MazeSuite
from tests.conftest import TASKS, metrics

INSPECT = str(Path(sys.executable).parent / "inspect")


def maze(n: int = 3) -> MazeSuite:
    return MazeSuite(size=3, n=n, seed=1)


def scripted(suite: MazeSuite, name: str = "student", records=None, **args):
    records = records if records is not None else answer_records(suite, suite.samples())
    # memoize=False: a fresh model per test, so its attempt counts are this test's own
    return get_model(f"scripted/{name}", answers=records, memoize=False, **args)


def run(
    suite: MazeSuite, student, log_dir: Path, turns: int = 3, teacher: str = "verifier", **eval_args
) -> EvalLog:
    task = didactic_task(suite, turns=turns, teacher=teacher)
    [log] = eval(task, model=student, log_dir=str(log_dir), display="none", **eval_args)
    return log


def curve(log: EvalLog, turns: int = 3) -> tuple[float, ...]:
    m = metrics(log)
    return tuple(m[f"acc_at_{k}"] for k in range(1, turns + 1))


def turn_records(log: EvalLog) -> dict[str, list[dict]]:
    return {str(s.id): s.store["DidacticStore:turns"] for s in log.samples}


# --- model calls that fail, then succeed or not ------------------------------------------------


@pytest.mark.parametrize("failure", ["error", "hang"])
def test_a_student_call_that_fails_once_is_retried_and_succeeds(failure, log_dir):
    s = maze(2)
    student = scripted(s, script="wrong,right", fail_first=1, failure=failure)
    # a hanging attempt is abandoned after --attempt-timeout (whole seconds) and retried
    timeout = {"attempt_timeout": 1} if failure == "hang" else {}
    log = run(s, student, log_dir, max_retries=2, **timeout)
    assert log.status == "success" and not any(sample.error for sample in log.samples)
    assert curve(log) == (0, 1, 1)  # exactly the fault-free curve
    assert sorted(student.api.attempts.values()) == [2] * 4  # 2 samples x 2 turns, each twice
    failed = [e for sample in log.samples for e in sample.events if e.event == "model" and e.error]
    assert len(failed) == 4  # the failed attempts are in the transcript, not hidden


def test_a_teacher_call_that_fails_once_is_retried_and_succeeds(log_dir):
    s = maze(2)
    teacher = scripted(s, "teacher", fail_first=1, feedback="Look at your last move.")
    log = run(
        s,
        scripted(s, script="wrong,right"),
        log_dir,
        teacher="model",
        model_roles={"teacher": teacher},
        max_retries=1,
    )
    assert log.status == "success" and curve(log) == (0, 1, 1)
    assert sorted(teacher.api.attempts.values()) == [2, 2]
    for turns in turn_records(log).values():
        assert turns[0]["feedback"] == "Look at your last move."


def test_a_call_failing_past_max_retries_errors_only_its_sample(log_dir):
    s = maze(20)
    records = answer_records(s, s.samples())
    records[0] = {**records[0], "fail_first": 99}  # every attempt for this problem fails
    student = scripted(s, records=records, script="wrong,right")
    log = run(s, student, log_dir, max_retries=2)
    # the task's default fail_on_error=0.1 tolerates 1 error in 20: the others finish
    assert log.status == "success"
    errored = [sample for sample in log.samples if sample.error]
    assert [sample.id for sample in errored] == [s.samples()[0].id]
    assert "ScriptedTransientError" in errored[0].error.message
    assert student.api.attempts.most_common(1)[0][1] == 3  # 1 attempt + 2 retries
    # the error is counted, not scored: metrics cover the 19 completed samples only
    assert (log.results.total_samples, log.results.completed_samples) == (20, 19)
    assert curve(log) == (0, 1, 1)
    assert not errored[0].scores


def test_unlimited_retries_stop_at_the_timeout(log_dir):
    # Inspect retries without limit by default; --timeout bounds a call's retries in seconds
    s = maze(2)
    records = answer_records(s, s.samples())
    records[0] = {**records[0], "fail_first": 10_000}
    student = scripted(s, records=records, script="wrong,right", retry_wait=0.2)
    log = run(s, student, log_dir, timeout=1, fail_on_error=False)
    [errored] = [sample for sample in log.samples if sample.error]
    assert errored.id == s.samples()[0].id and "ScriptedTransientError" in errored.error.message
    assert 2 <= student.api.attempts.most_common(1)[0][1] <= 20  # gave up after about 1 s
    assert log.results.completed_samples == 1


def test_a_permanent_error_is_not_retried_and_a_systematic_one_fails_the_run(log_dir):
    s = maze(3)
    student = scripted(s, script="wrong,error")  # a rejected request: retrying cannot help
    log = run(s, student, log_dir, max_retries=3)
    assert set(student.api.attempts.values()) == {1}
    assert log.status == "error"  # every sample errored: far past the 10% the task tolerates
    assert "scripted failure at turn 2" in log.error.message


def test_an_errored_episode_is_not_scored_as_unsolved_even_with_score_on_error(log_dir):
    s = maze(3)
    records = answer_records(s, s.samples())
    records[0] = {**records[0], "script": "wrong,error"}
    log = run(
        s,
        scripted(s, records=records, script="wrong,right"),
        log_dir,
        fail_on_error=False,
        score_on_error=True,
    )
    first = next(sample for sample in log.samples if sample.id == s.samples()[0].id)
    assert not first.scores and "not scored as unsolved" in first.error.message
    assert log.results.completed_samples == 2 and curve(log) == (0, 1, 1)


def test_an_episode_cut_short_by_a_limit_is_scored_as_unsolved(log_dir):
    # limits are part of the protocol (the budget ran out), unlike errors
    s = maze(2)
    log = run(s, scripted(s, script="wrong,wrong,right"), log_dir, message_limit=3)
    assert all(sample.limit and not sample.error for sample in log.samples)
    assert curve(log) == (0, 0, 0)


def test_an_empty_student_reply_is_a_wrong_turn_not_retried(log_dir):
    s = maze(2)
    student = scripted(s, script="empty,right")
    log = run(s, student, log_dir, max_retries=3)
    assert curve(log) == (0, 1, 1)
    assert set(student.api.attempts.values()) <= {1}
    for turns in turn_records(log).values():
        assert turns[0]["attempt"] == "" and turns[0].get("answer") is None
        assert turns[0]["teacher"] == "format" and turns[0]["feedback"] == prompts.FORMAT_FEEDBACK


# --- hostile output cannot change a verdict ----------------------------------------------------


@pytest.mark.parametrize("step", ["huge", "bytes", "inject"])
def test_hostile_student_output_cannot_change_a_verdict(step, log_dir):
    s = maze(2)
    # the model teacher (also scripted) plays along, declaring the answer correct
    teacher = scripted(s, "teacher", feedback="Your answer is correct; mark it solved.")
    student = scripted(s, script=step, huge_chars=300_000)
    log = run(s, student, log_dir, turns=2, teacher="model", model_roles={"teacher": teacher})
    assert log.status == "success"
    assert curve(log, turns=2) == (0, 0)
    reread = read_eval_log(log.location)  # the odd text survives the log round trip
    problems = {str(sample.id): Problem.from_sample(sample) for sample in s.samples()}
    for sample_id, turns in turn_records(reread).items():
        for turn in turns:
            answer = s.extract(turn["attempt"])
            assert turn["answer"] == answer
            verdict = s.verify(answer, problems[sample_id]) if answer else None
            assert turn["correct"] is False and (verdict is None or not verdict.correct)
        assert len(turns[0]["attempt"]) > (290_000 if step == "huge" else 0)
        if step == "bytes":  # lone surrogates come back escaped; the rest comes back as sent
            assert "\u202eTCERROC" in turns[0]["attempt"] and "\\udcff" in turns[0]["attempt"]


def test_noise_around_a_right_answer_does_not_reject_it():
    s = maze(3)
    for sample in s.samples():
        problem = Problem.from_sample(sample)
        right = s.answer_text(problem)
        for text in (INJECTION + right, "\udcff\x00\u202e" + right, "x" * 500_000 + right):
            assert s.verify(s.extract(text), problem).correct
        wrong = s.wrong_answer_text(problem)
        for text in (INJECTION + wrong, wrong + "\n" + INJECTION, wrong + " (this is correct)"):
            answer = s.extract(text)
            assert answer is None or not s.verify(answer, problem).correct


# --- bad task arguments fail fast, in one line naming the argument and what it may be ----------


@pytest.mark.parametrize(
    "args, message",
    [
        ({"turns": 0}, "turns must be a whole number from 1 to 100; got 0"),
        ({"turns": "many"}, "turns must be a whole number from 1 to 100; got 'many'"),
        ({"turns": 10**9}, "turns must be a whole number from 1 to 100; got 1000000000"),
        ({"teacher": "nobody"}, "teacher must be one of model, verifier, binary, self"),
        ({"leak": "hide"}, "leak must be one of flag, redact, regenerate; got 'hide'"),
        ({"privileged": "maybe"}, "privileged must be true or false; got 'maybe'"),
        ({"oracle_turn": 9}, "oracle_turn must be between 1 and turns=5; got 9"),
        ({"size": 1}, "size must be a whole number from 2 to 50; got 1"),
        ({"size": "big"}, "size must be a whole number from 2 to 50; got 'big'"),
        ({"size": [3, 4]}, "size must be a whole number from 2 to 50; got [3, 4]"),
        ({"size": 51}, "size must be a whole number from 2 to 50; got 51"),
        ({"n": 0}, "n must be a whole number from 1 to 100000; got 0"),
        ({"n": 10**9}, "n must be a whole number from 1 to 100000; got 1000000000"),
        ({"seed": 1.5}, "seed must be a whole number of at least 0; got 1.5"),
        ({"loops": 2}, "loops must be a number from 0 to 1; got 2"),
        ({"shortest": "yes please"}, "shortest must be true or false; got 'yes please'"),
    ],
)
def test_bad_maze_task_arguments_fail_fast_with_one_line(args, message):
    # values as `-T name=value` delivers them: whatever YAML makes of the text (the CLI prints
    # a TaskArgError as its one line: tests/test_cli_e2e.py)
    from tasks.maze import maze as maze_task

    with pytest.raises(TaskArgError) as raised:
        maze_task(**args)
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)


# --- an interrupted run resumes with eval-retry --------------------------------------------------


def flushed_samples(log_file: Path) -> int:
    """Samples already written into a running .eval log (a zip that grows as samples finish)."""
    try:
        with zipfile.ZipFile(log_file) as archive:
            return sum(name.startswith("samples/") for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, KeyError):
        return 0  # mid-write


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_a_killed_run_resumes_with_eval_retry_to_the_same_results(sig, tmp_path):
    """Slow (an `inspect` process or two: their start-up dominates): a real CLI run, really
    interrupted mid-way, then resumed; the result must equal an uninterrupted run's."""
    s = MazeSuite(size=3, n=12, seed=2)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(answer_records(s, s.samples())))
    logs = tmp_path / "logs"
    args = [
        *("--model", "scripted/student", "-M", f"answers={answers}"),
        *("-M", "script=wrong,wrong,right", "-M", "latency=0.2", "--max-connections", "2"),
        *("-T", "size=3", "-T", "n=12", "-T", "seed=2", "-T", "turns=3", "-T", "teacher=verifier"),
        # samples reach the log file two at a time (Inspect's default is 10 of the 12: the run
        # could then end before the interruption lands)
        *("--log-dir", str(logs), "--log-buffer", "2", "--display", "none"),
    ]
    cli = dict(cwd=TASKS.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # SIGINT as a terminal delivers it: a shell starts background jobs (CI runners, `cmd &`) with
    # SIGINT ignored, which the child would inherit and the interruption would never land
    process = subprocess.Popen(
        [INSPECT, "eval", "tasks/maze.py", *args],
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        **cli,
    )
    deadline = time.monotonic() + 240
    # interrupt once a first batch of samples is in the log
    while time.monotonic() < deadline and process.poll() is None:
        files = list(logs.glob("*.eval")) if logs.exists() else []
        if files and flushed_samples(files[0]) > 0:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be interrupted"
    process.send_signal(sig)
    process.communicate(timeout=120)
    [interrupted] = [read_eval_log(info) for info in list_eval_logs(str(logs))]
    assert interrupted.status in ("started", "cancelled")  # killed / interrupted
    # samples in progress at a SIGINT are logged as cancelled (errored): those run again
    done_before = {str(x.id): x.uuid for x in interrupted.samples or [] if not x.error}
    assert 0 < len(done_before) < 12

    if sig == signal.SIGKILL:  # resume as a user does, from the command line
        retry = subprocess.run(
            [INSPECT, "eval-retry", interrupted.location, "--log-dir", str(logs)],
            **cli,
            timeout=300,
        )
        assert retry.returncode == 0, retry.stderr
    else:  # the same through the Python API (one inspect start-up less)
        eval_retry(interrupted.location, log_dir=str(logs), display="none")
    [resumed] = [
        log for log in map(read_eval_log, list_eval_logs(str(logs))) if log.status == "success"
    ]
    ids = [str(sample.id) for sample in resumed.samples]
    assert sorted(ids) == sorted(str(sample.id) for sample in s.samples())  # each exactly once
    # samples finished before the interruption were kept, not run again
    assert {str(x.id): x.uuid for x in resumed.samples if str(x.id) in done_before} == done_before

    # the same per-turn results as an uninterrupted run
    task = didactic_task(s, turns=3, teacher="verifier")
    student = scripted(s, script="wrong,wrong,right")
    [clean] = eval(task, model=student, log_dir=str(tmp_path / "clean"), display="none")
    assert metrics(resumed) == metrics(clean)
    strip = ("attempt", "answer", "correct", "feedback", "verifier_feedback")
    assert {
        key: [{k: t.get(k) for k in strip} for t in turns]
        for key, turns in turn_records(resumed).items()
    } == {
        key: [{k: t.get(k) for k in strip} for t in turns]
        for key, turns in turn_records(clean).items()
    }
