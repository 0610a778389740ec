"""Cost and power of the hard_math checker, on the shipped datasets and the real HARDMath2 release.

    .venv/bin/python benchmarks/math_checker.py [--datasets champ,aime,math500,hardmath2]
                                                [--hardmath2 DIR]

Each check runs the way an evaluation runs it: in the bounded worker pool (bounded.py), uncached,
one at a time. Reported per dataset: median, 90th percentile and maximum seconds per check, for
the reference answer and for a perturbed (wrong) answer, plus the pool's round-trip overhead.
For HARDMath2 (the release at ../shared/data/hardmath2 where it exists, else the test fixture),
also: the load (every reference prepared in the pool: parsed, sample points chosen), the problems
kept and left out with their reasons, and the audit: references accepted as their own answer,
and perturbed references (a number, a sign, an exponent, a factor 2, one term dropped) rejected.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from pathlib import Path

from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.math import bounded
from rl2f_eval.suites.math.checking import RTOL
from rl2f_eval.suites.math.latex import perturbed
from rl2f_eval.suites.registry import build_suite

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT.parent / "shared" / "data" / "hardmath2"
FIXTURE = ROOT / "tests" / "fixtures" / "hardmath2"


def timed(gold: str, answer: str, params: list[str] | None, points: list | None) -> float:
    start = time.perf_counter()
    bounded.run("check", gold, answer, params, RTOL, points, timeout=120)
    return time.perf_counter() - start


def summary(times: list[float]) -> str:
    times = sorted(times)
    p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
    median = statistics.median(times)
    return f"median {median * 1000:7.1f} ms  p90 {p90 * 1000:7.1f} ms  max {times[-1]:6.2f} s"


def audit_release(data_path: Path) -> None:
    from rl2f_eval.suites.math.datasets import hardmath2

    loaded = hardmath2.load(str(data_path))
    calls = [(str(s.target), s.metadata["parameters"], RTOL) for s in loaded.samples]
    start = time.perf_counter()
    results = bounded.run_many("audit.audit", calls, timeout=300)
    seconds = time.perf_counter() - start
    left_out = dict(loaded.excluded)
    tried, rejected, accepted_wrong, not_accepted = Counter(), Counter(), [], []
    for sample, result in zip(loaded.samples, results, strict=True):
        if isinstance(result, BaseException) or "accepted" not in result:
            reason = result if isinstance(result, BaseException) else result["prepared"]
            left_out[str(sample.id)] = str(reason)
            continue
        if not result["accepted"]:
            not_accepted.append(sample.id)
        for kind, wrong, was_rejected in result["perturbations"]:
            tried[kind] += 1
            rejected[kind] += was_rejected
            if not was_rejected:
                accepted_wrong.append((sample.id, kind, wrong))
    total = len(loaded.samples) + len(loaded.excluded)
    print(f"hardmath2 audit ({data_path}): {total - len(left_out)}/{total} kept")
    for sample_id, reason in left_out.items():
        print(f"  left out {sample_id}: {reason}")
    print(f"  references accepted: {total - len(left_out) - len(not_accepted)} "
          f"(rejected: {not_accepted or 'none'})")  # fmt: skip
    all_tried, all_rejected = sum(tried.values()), sum(rejected.values())
    print(f"  perturbations rejected: {all_rejected}/{all_tried} "
          f"({all_rejected / max(all_tried, 1):.2%}): "
          + ", ".join(f"{k} {rejected[k]}/{n}" for k, n in tried.items()))  # fmt: skip
    for sample_id, kind, wrong in accepted_wrong:
        print(f"  accepted wrong: {sample_id} {kind}: {wrong[:120]}")
    print(f"  prepare + audit in the pool ({bounded.WORKERS} workers): {seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="champ,aime,math500,hardmath2")
    parser.add_argument(
        "--hardmath2",
        type=Path,
        default=RELEASE if RELEASE.is_dir() else FIXTURE,
        help="the HARDMath2 data directory (default: the release if present, else the fixture)",
    )
    args = parser.parse_args()
    timed("1", "1", None, None)  # start the workers: their SymPy import is not a per-check cost
    overhead = [timed("1", "1", None, None) for _ in range(50)]
    print(f"pool round trip (trivial check): {summary(overhead)}")
    for name in args.datasets.split(","):
        extra = {"data_path": str(args.hardmath2)} if name == "hardmath2" else {}
        suite = build_suite("hard_math", {"dataset": name, **extra})
        start = time.perf_counter()
        problems = [Problem.from_sample(s) for s in suite.samples()]
        loading = time.perf_counter() - start
        right, wrong = [], []
        for p in problems:
            params, points = p.metadata.get("parameters"), p.metadata.get("check_points")
            right.append(timed(p.target, p.target, params, points))
            wrong.append(timed(p.target, perturbed(p.target), params, points))
        print(f"{name:10} n={len(problems):3}  load {loading:5.1f} s")
        print(f"{'':10} {'':5}  reference: {summary(right)}")
        print(f"{'':10} {'':5}  perturbed: {summary(wrong)}")
    if "hardmath2" in args.datasets.split(","):
        audit_release(args.hardmath2)
    bounded.shutdown()


if __name__ == "__main__":
    main()
