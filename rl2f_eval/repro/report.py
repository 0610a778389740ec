"""The repro's results, rewritten from the evaluation logs and training metrics at every run:

- `compare/B_vs_A.md` and `.csv`: paired comparisons (`rl2f-eval compare`'s code) of rl2f and
  single_turn against the base, rl2f against single_turn, critique_self against base_self;
- `curves.png` and `.svg`: left, acc@k against turn k of every evaluation (95% bands); right,
  held-out acc@1 and acc@N of every trained arm against the optimiser step;
- `training.csv`: the held-out evaluations during training behind the right panel;
- `summary.json`: {"arms": {NAME: {n, acc_at_1..acc_at_N, gain, aulc, ...}}, "comparisons",
  "budget", "command", ...}, every metric as {"value", "low", "high"} (95% interval), and
  `summary.md`, the same as tables.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from rl2f_eval.repro.pipeline import EVALS, Plan, evaluation_spec, finished_log, metrics

COMPARISONS = [  # (A, B): B - A
    ("base", "rl2f"),
    ("base", "single_turn"),
    ("single_turn", "rl2f"),
    ("base_self", "critique_self"),
]
LABELS = {
    "base": "base",
    "rl2f": "RL2F",
    "single_turn": "single-turn RL",
    "base_self": "base, teacher=self",
    "critique_self": "RL2F + critique, teacher=self",
    "critique": "RL2F + critique",
}
BUDGET_WHY = (
    "Every trained arm takes the same optimiser steps on the same number of episodes (steps x "
    "batch x generations), drawn from the same training problems with the same seed: the same "
    "number of binary rewards and of problem presentations. A multi-turn episode costs more "
    "student tokens than a single-turn one (its feedback turns are the method), so student "
    "tokens and attempts are measured and reported, not equalised; an arm's overrides can "
    "scale the single-turn arm's episodes for a token-matched variant."
)


def _estimate(value: float, low: float, high: float) -> dict[str, float | None]:
    def clean(x: float) -> float | None:
        return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)

    return {"value": clean(value), "low": clean(low), "high": clean(high)}


def arm_summary(log: Path, turns: int) -> dict[str, Any]:
    """n, acc@1..N, gain, AULC, turns to solve and leak rate of one evaluation, with 95%
    intervals (bootstrap over problems, as `rl2f-eval leaderboard`)."""
    from rl2f_eval.results.boards import summarise
    from rl2f_eval.results.load import load_results

    summary = summarise(load_results([log]))
    [row] = summary.leaderboard.to_dict("records")
    curves = summary.curves[summary.curves["metric"] == "acc"].sort_values("k")
    out: dict[str, Any] = {"n": int(row["n"])}
    for _, point in curves.iterrows():
        out[f"acc_at_{int(point['k'])}"] = _estimate(point["value"], point["low"], point["high"])
    for metric in ("gain", "aulc", "turns_to_solve", "leak_rate"):
        out[metric] = _estimate(row[metric], row[f"{metric}_low"], row[f"{metric}_high"])
    assert f"acc_at_{turns}" in out, f"{log} has fewer than {turns} turns"
    return out


def comparison(a: Path, b: Path, out: Path) -> dict[str, Any]:
    """B against A, paired on their problems; written as Markdown and CSV to `out`."""
    from rl2f_eval.results.compare import ComparisonError, compare_runs
    from rl2f_eval.results.load import load_results

    try:
        result = compare_runs(load_results([a]), load_results([b]))
    except ComparisonError as error:  # e.g. logs of problems that changed between runs
        return {"n": 0, "file": None, "diff": {}, "notes": [str(error)]}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(result.markdown())
    result.table.to_csv(out.with_suffix(".csv"), index=False)
    metrics_ = {
        row["metric"]: {
            **_estimate(row["diff"], row["diff_low"], row["diff_high"]),
            "a": _estimate(row["a"], math.nan, math.nan)["value"],
            "b": _estimate(row["b"], math.nan, math.nan)["value"],
            "p": None if math.isnan(row["p"]) else float(row["p"]),
        }
        for row in result.table.to_dict("records")
    }
    return {"n": result.n, "file": str(out), "diff": metrics_, "notes": result.notes}


def budget(plan: Plan) -> dict[str, Any]:
    """What each trained arm spent, summed from its metrics log (steps, episodes, attempts,
    student tokens), and which of them are equal across the arms."""
    arms: dict[str, dict[str, Any]] = {}
    for arm, config in plan.arms.items():
        train, _ = metrics(config.output_dir)
        arms[arm] = {
            "steps": max(train, default=0),
            "planned_steps": config.steps,
            "episodes_per_step": config.batch * config.generations,
            "turns": config.turns,
            **{
                key: int(sum(record.get(key, 0) for record in train.values()))
                for key in ("episodes", "attempts", "student_tokens", "episodes_cut")
            },
        }
    units = ("steps", "episodes", "attempts", "student_tokens")
    equal = [unit for unit in units if len({a[unit] for a in arms.values()}) == 1]
    return {"unit": ["steps", "episodes"], "why": BUDGET_WHY, "equal": equal, "arms": arms}


def base_record(plan: Plan) -> dict[str, Any]:
    """The checkpoint every arm starts from, and the warm-up that made it, if any."""
    record: dict[str, Any] = {"checkpoint": plan.checkpoint(None)}
    warmup = plan.config.warm_base / "warmup.json"
    if plan.config.warmup is not None and warmup.exists():
        record["warmup"] = json.loads(warmup.read_text())
    return record


def training_curves(plan: Plan) -> pd.DataFrame:
    rows = []
    for arm, config in plan.arms.items():
        _, evals = metrics(config.output_dir)
        for step, record in sorted(evals.items()):
            keys = {k: v for k, v in record.items() if k.startswith("acc_at_") or k == "gain"}
            rows.append({"arm": arm, "step": step, "n": record.get("n"), **keys})
    return pd.DataFrame(rows)


def base_point(plan: Plan, log: Path) -> pd.DataFrame:
    """The base's held-out scores on the problems the evaluations during training use (the first
    `eval.during` of the held-out set), as step 0 of every arm's training curve."""
    from rl2f_eval.results.load import load_results
    from rl2f_eval.train.config import split_problems

    config = plan.arms["rl2f"]
    _, _, _, held_out = split_problems(config)
    ids = {str(p.id) for p in held_out[: config.eval.during or None]}
    samples = load_results([log]).samples
    samples = samples[samples["id"].astype(str).isin(ids)]
    keys = [f"acc_at_{k}" for k in range(1, plan.config.turns + 1)] + ["gain"]
    means = {key: float(samples[key].mean()) for key in keys}
    return pd.DataFrame([{"arm": arm, "step": 0, "n": len(samples), **means} for arm in plan.arms])


def write_report(plan: Plan, command: str) -> dict[str, Any]:
    """Write the results (see the module docstring) from whatever has finished; returns the
    summary."""
    out = plan.config.out_dir
    out.mkdir(parents=True, exist_ok=True)
    turns = plan.config.turns
    logs = {name: finished_log(plan.log_dir(name)) for name in plan.evals()}
    arms: dict[str, Any] = {}
    for name, log in logs.items():
        if log is None:
            continue
        spec = evaluation_spec(plan, name)
        teacher = EVALS[name][1]
        arms[name] = {
            **arm_summary(log, turns),
            "checkpoint": spec["checkpoint"],
            "teacher": teacher or plan.arms["rl2f"].teacher.name,
            "log": str(log),
            "reproduce": spec["command"],
        }
    comparisons = {
        f"{b}_vs_{a}": comparison(logs[a], logs[b], out / "compare" / f"{b}_vs_{a}.md")
        for a, b in COMPARISONS
        if logs.get(a) and logs.get(b)
    }
    curves = training_curves(plan)
    if logs.get("base") is not None:  # every arm starts from the base: its step 0
        curves = pd.concat([base_point(plan, logs["base"]), curves], ignore_index=True)
    curves.to_csv(out / "training.csv", index=False)
    figure = write_figure(plan, arms, curves, out / "curves")
    summary = {
        "name": plan.config.name,
        "turns": turns,
        "base": base_record(plan),
        "arms": arms,
        "comparisons": comparisons,
        "budget": budget(plan),
        "command": command,
        "figure": [str(p) for p in figure],
        "missing": [name for name, log in logs.items() if log is None],
        "config": plan.config.model_dump(mode="json"),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    (out / "summary.md").write_text(summary_markdown(summary))
    return summary


def _cell(estimate: dict[str, float | None] | None, signed: bool = False) -> str:
    if not estimate or estimate["value"] is None:
        return "—"
    form = "+.3f" if signed else ".3f"
    text = format(estimate["value"], form)
    if estimate["low"] is not None and estimate["high"] is not None:
        text += f" [{estimate['low']:{form}}, {estimate['high']:{form}}]"
    return text


def summary_markdown(summary: dict[str, Any]) -> str:
    turns = summary["turns"]
    accs = [f"acc_at_{k}" for k in range(1, turns + 1)]
    head = ["arm", "teacher", "n", *(f"acc@{k}" for k in range(1, turns + 1)), "gain"]
    lines = [
        f"# Repro `{summary['name']}`: RL2F against single-turn RL",
        "",
        f"`{summary['command']}`. Held-out problems, {turns} turns, greedy student; 95% "
        "intervals by percentile bootstrap over problems.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for name, arm in summary["arms"].items():
        cells = [LABELS.get(name, name), arm["teacher"], str(arm["n"])]
        cells += [_cell(arm.get(acc)) for acc in accs] + [_cell(arm["gain"], signed=True)]
        lines.append("| " + " | ".join(cells) + " |")
    if summary["comparisons"]:
        lines += [
            "",
            "Paired differences (B − A) on the same problems; p: exact McNemar (acc@k), "
            "sign-flip permutation (gain).",
            "",
            "| B − A | n | acc@1 | acc@" + str(turns) + " | gain | p (gain) |",
            "|---|---|---|---|---|---|",
        ]
        for key, comp in summary["comparisons"].items():
            b, a = key.split("_vs_")
            diff = comp["diff"]
            if not diff:
                lines.append(f"| {key}: not compared ({'; '.join(comp['notes'])}) |||||")
                continue
            p = diff.get("gain", {}).get("p")
            cells = [
                f"{LABELS.get(b, b)} − {LABELS.get(a, a)}",
                str(comp["n"]),
                _cell(diff.get("acc_at_1"), True),
                _cell(diff.get(f"acc_at_{turns}"), True),
                _cell(diff.get("gain"), True),
                "—" if p is None else f"{p:.4f}",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    budget = summary["budget"]
    lines += [
        "",
        "Budget (equal across the trained arms: " + (", ".join(budget["equal"]) or "none") + ")",
        "",
        "| arm | steps | episodes | attempts | student tokens |",
        "|---|---|---|---|---|",
    ]
    for arm, spent in budget["arms"].items():
        cells = [LABELS.get(arm, arm), str(spent["steps"]), str(spent["episodes"])]
        cells += [str(spent["attempts"]), str(spent["student_tokens"])]
        lines.append("| " + " | ".join(cells) + " |")
    if summary["missing"]:
        lines += ["", f"Not evaluated yet: {', '.join(summary['missing'])}."]
    return "\n".join(lines) + "\n"


def write_figure(plan: Plan, arms: dict[str, Any], curves: pd.DataFrame, stem: Path) -> list[Path]:
    """Left: acc@k against k of every evaluation; right: held-out acc@1 (dashed) and acc@N
    (solid) of the trained arms against the optimiser step (`curves`, the base at step 0)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    turns = plan.config.turns
    figure = Figure(figsize=(12, 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)
    colours: dict[str, str] = {}
    for i, (name, arm) in enumerate(arms.items()):
        ks = list(range(1, turns + 1))
        points = [arm[f"acc_at_{k}"] for k in ks]
        x = [k + (i - (len(arms) - 1) / 2) * 0.03 for k in ks]  # dodge identical curves
        line = left.plot(x, [p["value"] for p in points], marker="o", label=LABELS.get(name, name))
        colours[name] = line[0].get_color()
        low = [p["low"] if p["low"] is not None else p["value"] for p in points]
        high = [p["high"] if p["high"] is not None else p["value"] for p in points]
        left.fill_between(x, low, high, alpha=0.12, color=colours[name])
    left.set_xticks(range(1, turns + 1))
    left.set_ylim(-0.03, 1.03)
    left.set_xlabel("turn k")
    left.set_ylabel("acc@k: share of held-out problems solved by turn k")
    left.set_title("after training (95% bootstrap bands)")
    left.grid(alpha=0.3)
    left.legend(fontsize=8)
    for arm in plan.arms:
        data = curves[curves["arm"] == arm].sort_values("step") if not curves.empty else None
        if data is None or data.empty:
            continue
        steps, first = list(data["step"]), list(data["acc_at_1"])
        last = list(data[f"acc_at_{turns}"])
        colour = colours.get(arm, colours.get(f"{arm}_self"))  # the critique arm: its self row
        label = LABELS[arm]
        drawn = right.plot(steps, last, marker="o", color=colour, label=f"{label}: acc@{turns}")
        right.plot(
            steps,
            first,
            marker=".",
            linestyle="--",
            color=drawn[0].get_color(),
            label=f"{label}: acc@1",
        )
    right.set_ylim(-0.03, 1.03)
    right.set_xlabel("optimiser step (same episodes per step in every arm)")
    during = plan.arms["rl2f"].eval.during or plan.arms["rl2f"].eval.n
    right.set_ylabel(f"accuracy on {during} held-out problems ({turns} turns, greedy)")
    right.set_title("during training")
    right.grid(alpha=0.3)
    right.legend(fontsize=8)
    figure.suptitle(f"repro {plan.config.name}: RL2F against single-turn RL")
    written = []
    for fmt in ("png", "svg"):
        path = stem.with_suffix(f".{fmt}")
        figure.savefig(path, dpi=150)
        written.append(path)
    return written
