"""The didactic interaction: episode solver, per-turn record, prompts and task builder."""
