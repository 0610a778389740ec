"""`rl2f-eval repro`: RL2F against single-turn RL from one base checkpoint, end to end.

config    the repro YAML (arms, N, evaluation)
pipeline  the jobs (trainings, Inspect evaluations), resumable, side by side
report    paired comparisons, the figure, summary.json
cli       the `rl2f-eval repro` command
"""
