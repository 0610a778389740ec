"""Inspect logs -> leaderboard tables, learning curves, paired comparisons, transcripts.

load     logs -> pandas (headers and sample summaries only)
metrics  per-problem outcomes; each metric as a ratio of per-problem sums
stats    bootstrap / standard-error intervals, exact McNemar, sign-flip permutation test
boards   leaderboard rows and curves per task, on the problems a task's runs share
tables   leaderboard Markdown and CSV
plots    learning-curve and fix-rate figures (PNG, SVG)
compare  paired comparison of two runs
export   student-only transcripts as JSONL
commands the `rl2f-eval` commands built on the above
"""
