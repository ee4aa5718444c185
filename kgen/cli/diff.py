"""kgen diff command (click only)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
