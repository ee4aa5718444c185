"""kgen diff command (click only)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kgen.cli.streams import echo
from kgen.errors import ExitCode
from kgen.load.files import MAX_FILE_SIZE_MIB

#: --exit-code choice -> when the command exits 1.
EXIT_WHEN = ("changes", "risks", "never")


@click.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option(
    "--format", "-f", "output_format",
    type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
    help="text for a terminal, markdown for a pull-request comment, json for scripts.",
)
@click.option(
    "--ignore", "ignore", multiple=True, metavar="PATH",
    help="Drop this field on both sides before comparing (repeatable), e.g. "
    "metadata.annotations or spec.template.spec.containers[*].image.",
)
@click.option(
    "--ignore-preset", "presets", multiple=True, type=click.Choice(["helm", "kustomize", "cluster"]),
    help="Drop a family of noise fields (repeatable): helm (chart and version labels, meta.helm.sh "
    "annotations), kustomize (build metadata), cluster (server-set fields and defaults written out); "
    "the README lists them field by field.",
)
@click.option(
    "--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
    help="Colour the text format; auto: when stdout is a terminal and NO_COLOR is not set.",
)
@click.option(
    "--exit-code", "exit_when", type=click.Choice(EXIT_WHEN), default="changes", show_default=True,
    help="When to exit 1: on any change (like diff), only on changes with risk notes, or never.",
)
@click.option(
    "--max-bytes", type=click.IntRange(min=1024), metavar="N",
    help="markdown: keep the output within N bytes (default: GitHub's comment limit, 65,536 characters); "
    "the summary and every risk note stay, field changes are cut with a note.",
)
@click.option(
    "--max-file-size", type=click.IntRange(min=1, max=MAX_FILE_SIZE_MIB), default=64, show_default=True, metavar="MIB",
    help=f"Refuse files larger than this many MiB (at most {MAX_FILE_SIZE_MIB}).",
)
@click.option("--follow-symlinks", is_flag=True, help="Also read symbolic links found below a folder that lead outside it (by default they are reported and not read; see SECURITY.md).")
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Config file whose workloads: section declares custom workload kinds (default: .kgen.yaml in this folder or its parents).",
)
@click.option("--no-config", is_flag=True, help="Ignore any .kgen.yaml.")
def diff_command(
    old: str,
    new: str,
    output_format: str,
    ignore: tuple[str, ...],
    presets: tuple[str, ...],
    color: str,
    exit_when: str,
    max_bytes: int | None,
    max_file_size: int,
    follow_symlinks: bool,
    config_path: Path | None,
    no_config: bool,
) -> None:
    """Show what changes in the cluster between two sets of manifests.

    OLD and NEW are each a file, a folder (read recursively) or - for stdin.
    Objects are matched by API group, kind, namespace and name; named lists
    (containers, env, ports, volumes, ...) by name; equal quantities are
    equal. Risk notes flag changes the API server will reject, deletions,
    lowered memory limits and replicas, stricter probes and mutable image tags;
    custom workload kinds declared in .kgen.yaml (workloads:, as for kgen
    check) get the notes a Deployment gets.

    \b
    Exit codes:
      0  no changes (or none that --exit-code counts)
      1  changes (--exit-code changes, the default), or changes with risk
         notes (--exit-code risks); never with --exit-code never
      2  could not run: unreadable path, invalid YAML, bad --ignore path,
         an object defined twice on one side, an invalid config file
      3  internal error (a bug in kgen)

    \b
    Examples:
      kgen diff k8s-main/ k8s/
      helm template charts/shop | kgen diff k8s/ -
      kgen diff old/ new/ --format markdown --exit-code never > comment.md
    """
    from kgen.check.config import find_config, load_config
    from kgen.diff.api import DiffOptions, checked_ignores, diff_paths, format_json, format_markdown, format_text
    from kgen.load.yamlload import Limits

    if config_path is None and not no_config:
        config_path = find_config(Path.cwd())
    config = load_config(config_path)
    configured = checked_ignores(config.diff_ignore, config.diff_ignore_locations)
    limits = Limits(max_file_bytes=max_file_size * 1024 * 1024)
    options = DiffOptions(
        ignore=(*configured, *ignore),
        limits=limits,
        follow_symlinks=follow_symlinks,
        workloads=config.workloads,
        presets=tuple(dict.fromkeys((*config.diff_presets, *presets))),
    )
    result = diff_paths(old, new, options)
    use_color = color == "always" or (color == "auto" and _terminal())
    if output_format == "json":
        output = format_json(result)
    elif output_format == "markdown":
        output = format_markdown(result, max_chars=None, max_bytes=max_bytes) if max_bytes else format_markdown(result)
    else:
        output = format_text(result, color=use_color)
    echo(output, nl=False, color=use_color)
    failed = {"changes": result.changed, "risks": result.risky, "never": False}[exit_when]
    click.get_current_context().exit(ExitCode.FINDINGS if failed else ExitCode.OK)


def _terminal() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


COMMANDS: list[click.Command] = [diff_command]
