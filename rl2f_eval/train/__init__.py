"""RL2F training: GRPO (TRL) on multi-turn didactic episodes, with critique prediction.

config (YAML) -> rollout (token-level episodes, verifier + teacher feedback) -> rewards ->
trl_adapter (the only module touching TRL internals) -> monitor (eval, metrics log) -> export.
Entry points: `rl2f-eval train --config FILE` (cli.py) and `rl2f_eval.train.run.train`.
"""
