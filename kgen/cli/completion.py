"""kgen completion: print the shell completion script (click's own machinery, click only)."""

from __future__ import annotations

import click
from click.shell_completion import BashComplete, FishComplete, ShellComplete, ZshComplete

from kgen.cli.streams import echo

PROG_NAME = "kgen"
#: The variable click's completion scripts set when they ask kgen for completions
#: (``_KGEN_COMPLETE=bash_complete kgen ...``); click derives the same name from the program name.
COMPLETE_VAR = "_KGEN_COMPLETE"
SHELLS: dict[str, type[ShellComplete]] = {"bash": BashComplete, "zsh": ZshComplete, "fish": FishComplete}


def completion_script(command: click.Command, shell: str) -> str:
    """The completion script for ``shell``, as click generates it for the program ``kgen``."""
    return SHELLS[shell](command, {}, PROG_NAME, COMPLETE_VAR).source()


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("shell", type=click.Choice(list(SHELLS)), metavar="SHELL")
def completion(shell: str) -> None:
    """Print the completion script for SHELL (bash 4.4 or newer, zsh, fish).

    \b
    Load it in the current shell:
      eval "$(kgen completion bash)"       # bash; zsh likewise, after compinit
      kgen completion fish | source        # fish
    \b
    Or once for every new shell:
      kgen completion bash > ~/.local/share/bash-completion/completions/kgen
      kgen completion zsh > "${fpath[1]}/_kgen"
      kgen completion fish > ~/.config/fish/completions/kgen.fish
    """
    root = click.get_current_context().find_root().command
    script = completion_script(root, shell)
    echo(script, nl=not script.endswith("\n"))


COMMANDS: list[click.Command] = [completion]
