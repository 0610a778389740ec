"""Inspect entry point: registers our model providers (imported lazily: no torch at start-up)."""

from inspect_ai.model import ModelAPI, modelapi


@modelapi(name="embedded")
def embedded() -> type[ModelAPI]:
    from rl2f_eval.models.embedded import EmbeddedModel

    return EmbeddedModel


@modelapi(name="scripted")
def scripted() -> type[ModelAPI]:
    from rl2f_eval.models.scripted import ScriptedModel

    return ScriptedModel
