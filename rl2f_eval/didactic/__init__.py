"""The didactic interaction, between suites and teachers below and tasks, results and training
above.

episode  the episode arguments and the step every turn takes (shared with training)
solver   the episode as an Inspect solver
store    the per-turn record kept in the sample store
metrics  the metric definitions (numpy only: results recompute them from the log)
scoring  the scorer and the log's metrics
task     suite -> Inspect task
prompts  what the student is shown (the teachers' prompts are `rl2f_eval.teachers.prompts`)
"""
