"""Training's rollout runs the same episode step: the leak judge and clean accuracy there."""

from __future__ import annotations

from inspect_ai.model import get_model

from rl2f_eval.teachers import LeakJudge, make_teacher
from rl2f_eval.train.monitor import evaluation_metrics
from rl2f_eval.train.rollout import EpisodeRunner
from tests.test_train_rollout import SUITE, chat, problems, student  # noqa: F401 (fixture)


def test_the_judge_guards_training_rollouts_and_eval_metrics_count_clean_solves(chat):  # noqa: F811
    teacher = make_teacher("model", model=get_model("scripted/teacher", feedback="Carry the one."))
    judge = LeakJudge(get_model("scripted/judge", judge="REASON: A giveaway.\nVERDICT: LEAK"))
    runner = EpisodeRunner(SUITE, chat, teacher, turns=2, judge=judge)
    episodes = runner.run(problems(2), student(chat, ["wrong", "right"]))
    for episode in episodes:
        turn = episode.turns[0]
        assert turn.leak and turn.record.judge == "leak" and turn.record.leak_shown
        assert turn.feedback == "Carry the one."  # leak=flag keeps it; the solve is not clean
    metrics = evaluation_metrics(episodes, 2)
    assert metrics["acc_at_2"] == 1 and metrics["clean_acc_at_2"] == 0
