"""Inspect entry point: our model providers and tasks (`inspect eval rl2f_eval/<suite>`).

Inspect imports this module whenever it starts, so everything here stays light: the model
providers import torch only when used, and the tasks' suites import SymPy, reasoning-gym and
their data only when a task is built.
"""

from inspect_ai.model import ModelAPI, modelapi

from rl2f_eval.tasks import TASKS  # noqa: F401  (registers one task per suite)


@modelapi(name="embedded")
def embedded() -> type[ModelAPI]:
    from rl2f_eval.models.embedded import EmbeddedModel

    return EmbeddedModel


@modelapi(name="scripted")
def scripted() -> type[ModelAPI]:
    from rl2f_eval.models.scripted import ScriptedModel

    return ScriptedModel
