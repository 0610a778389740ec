"""rl2f-eval: measure and train how language models learn from corrective feedback (RL2F)."""

__version__ = "0.1.0"
