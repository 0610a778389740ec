"""Benchmarks of the rl2f-eval harness (`make bench`): see benchmarks/run.py."""
