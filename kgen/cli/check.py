"""kgen check, rules and explain commands (click only)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
