"""Inspect logs -> leaderboard tables, learning curves, paired comparisons, transcripts.

load      logs -> pandas (headers and sample summaries only; what a run is, from its metadata)
problems  one row per problem of a run; the metrics of `rl2f_eval.didactic.metrics` over them
boards    leaderboard rows and curves per task, on the problems a task's runs share
tables    leaderboard Markdown and CSV
plots     learning-curve and fix-rate figures (PNG, SVG)
compare   paired comparison of two runs
export    student-only transcripts as JSONL
commands  the `rl2f-eval` commands built on the above
Intervals and tests come from `rl2f_eval.stats`.
"""
