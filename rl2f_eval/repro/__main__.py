"""`python -m rl2f_eval.repro job RUN_DIR JOB`: one repro job in a worker process (what
`rl2f-eval repro` starts when it runs jobs side by side)."""

from __future__ import annotations

import sys
from pathlib import Path

from rl2f_eval.repro.pipeline import run_job

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "job":
        sys.exit("usage: python -m rl2f_eval.repro job RUN_DIR JOB")
    run_job(Path(sys.argv[2]), sys.argv[3])
