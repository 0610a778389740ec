"""The README's API-model commands, run as written against a local fake of the OpenAI,
Anthropic, Gemini and vLLM (OpenAI-compatible) APIs: what reaches each model, student and bound
teacher, and that the run succeeds. No network."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_api import TEACHER_REPLY, FakeAPI, Request, serve
from inspect_ai._cli.main import inspect as inspect_cli
from inspect_ai.log import read_eval_log

README = Path(__file__).parent.parent / "README.md"
LOCAL_SERVER = "http://localhost:8000/v1"


def readme_commands() -> list[str]:
    """The `inspect eval` commands of the README's "API models and local servers" block."""
    text = README.read_text()
    section = text[text.index("### API models and local servers") :]
    block = section[
        section.index("```bash") + 7 : section.index("```", section.index("```bash") + 7)
    ]
    joined = re.sub(r"\\\n\s*", "", block)
    return [line.strip() for line in joined.splitlines() if line.startswith("inspect eval")]


def students(api: FakeAPI) -> list[Request]:
    return [r for r in api.requests if not r.teacher and not r.probe]


def teachers(api: FakeAPI) -> list[Request]:
    return [r for r in api.requests if r.teacher]


def gpt5_and_claude(api: FakeAPI) -> None:
    assert {r.path for r in students(api)} == {"/v1/responses"}
    for r in students(api):
        assert r.body["reasoning"]["effort"] == "low" and r.body["max_output_tokens"] == 4096
    assert {r.path for r in teachers(api)} == {"/v1/messages"}
    assert {r.body["max_tokens"] for r in teachers(api)} == {1024}


def gemini_thinking(api: FakeAPI) -> None:
    calls = students(api) + teachers(api)  # the student is its own teacher
    assert teachers(api) and all(":generateContent" in r.path for r in calls)
    for r in calls:
        assert r.body["generationConfig"]["thinkingConfig"]["thinking_budget"] == 1024


def claude_and_gpt5(api: FakeAPI) -> None:
    assert {r.path for r in students(api)} == {"/v1/messages"}
    assert {r.body["max_tokens"] for r in students(api)} == {2048}
    assert teachers(api) and {r.path for r in teachers(api)} == {"/v1/responses"}
    for r in teachers(api):
        assert r.body["reasoning"]["effort"] == "minimal" and r.body["max_output_tokens"] == 2000


def vllm_teacher(api: FakeAPI) -> None:
    assert {r.path for r in students(api)} == {"/v1/responses"}
    assert teachers(api) and {r.path for r in teachers(api)} == {"/v1/chat/completions"}
    assert {r.body["max_tokens"] for r in teachers(api)} == {512}
    assert {r.body["model"] for r in teachers(api)} == {"Qwen/Qwen2.5-7B-Instruct"}


def vllm_student(api: FakeAPI) -> None:
    assert {r.path for r in students(api)} == {"/v1/chat/completions"} and not teachers(api)


CHECKS: dict[str, Callable[[FakeAPI], None]] = {
    "--model openai/gpt-5 ": gpt5_and_claude,
    "--model google/gemini-2.5-pro": gemini_thinking,
    "--model anthropic/claude-sonnet-5-5": claude_and_gpt5,
    "teacher={model: vllm/": vllm_teacher,
    "--model vllm/": vllm_student,
}


@pytest.fixture(scope="module")
def api():
    server = serve()
    yield server
    server.close()


@pytest.fixture
def keys(api, monkeypatch):
    for name, url in {
        "OPENAI": f"{api.url}/v1",
        "ANTHROPIC": api.url,
        "GOOGLE": api.url,
    }.items():
        monkeypatch.setenv(f"{name}_API_KEY", "test-key")
        monkeypatch.setenv(f"{name}_BASE_URL", url)
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(api.url.replace(":", "_")))


def test_every_readme_command_has_a_check():
    commands = readme_commands()
    assert len(commands) == 5
    assert all(sum(key in c for key in CHECKS) >= 1 for c in commands)


@pytest.mark.parametrize("command", readme_commands(), ids=lambda c: c.split("--model ")[1][:30])
def test_readme_command_runs_against_a_fake_server(command, api, keys, tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    args = shlex.split(command.replace(LOCAL_SERVER, f"{api.url}/v1"))[1:]  # after `inspect`
    api.requests.clear()
    result = CliRunner().invoke(
        inspect_cli, [*args, "--limit", "1", "--log-dir", str(tmp_path), "--display", "none"]
    )
    assert result.exit_code == 0, result.output
    [log_file] = tmp_path.glob("*.eval")
    log = read_eval_log(str(log_file))
    assert log.status == "success", log.error
    assert len(log.samples) == 1 and log.samples[0].error is None
    check = next(check for key, check in CHECKS.items() if key in command)
    check(api)
    if teachers(api):  # the feedback reached the student
        assert TEACHER_REPLY in log.samples[0].messages[2].text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--model", "openai-api/vllm/q", "-M", "base_url=http://localhost:8000/v1"],
            "got multiple values for keyword argument 'base_url'",
        ),
        (
            ["--model", "openai/gpt-5", "--model-role", "teacher={model: vllm/q, base_url: x}"],
            "Unknown GenerateConfig field(s): base_url",
        ),
    ],
)
def test_what_the_readme_says_inspect_refuses_it_refuses(args, message, keys, tmp_path):
    """The README's table names two base-URL spellings Inspect 0.3.285 refuses: still true?"""
    result = CliRunner().invoke(inspect_cli, ["eval", "rl2f_eval/maze", *args, "--limit", "1"])
    assert result.exit_code != 0
    assert message in f"{result.output} {result.exception}"


def test_a_setting_the_bound_teacher_does_not_get_is_warned_about(tmp_path):
    import logging

    from inspect_ai import eval as inspect_eval

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("rl2f_eval.teachers.strategies")
    logger.addHandler(handler)
    try:
        for roles in ({"teacher": "scripted/teacher"}, None):
            inspect_eval(
                "rl2f_eval/maze",
                model="scripted/student",
                model_roles=roles,
                task_args={"n": 1, "turns": 2},
                max_tokens=77,
                log_dir=str(tmp_path),
                display="none",
            )
    finally:
        logger.removeHandler(handler)
    [warning] = [r.getMessage() for r in records]  # bound: warned; unbound: it is the student
    assert warning.startswith("--max-tokens 77: Inspect applies these to the student only")
    assert "--model-role 'teacher={model: scripted/teacher, max_tokens: 77}'" in warning
