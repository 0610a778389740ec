"""`python -m rl2f_eval.train --config FILE`: the train command without the main CLI."""

import typer

from rl2f_eval.train.cli import train_command

if __name__ == "__main__":
    typer.run(train_command)
