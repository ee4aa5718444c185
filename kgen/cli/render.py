"""kgen render and kgen presets (click only; the core lives in kgen.render)."""

from __future__ import annotations

import click

from kgen.cli.streams import echo, yaml_for
from kgen.errors import ExitCode
from kgen.load.files import MAX_FILE_SIZE_MIB
from kgen.safetext import escape_unsafe


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PROFILE...")
@click.option(
    "-o",
    "--output",
    "output",
    metavar="DIR",
    help="Write one file per object into DIR (created if missing) instead of printing.",
)
@click.option("--env", "env", metavar="NAME", help="Apply the profile's `environments.NAME` overlay.")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="PATH=VALUE",
    help="Override a profile field, e.g. --set replicas.min=3 (repeatable; applied after --env).",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="With -o: write nothing; exit 0 when DIR holds exactly what the profiles render, "
    "else exit 1 and print what differs (the CI guard for committed manifests).",
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the --check diff.",
)
@click.option(
    "--kubernetes-version",
    "kubernetes_version",
    metavar="VERSION",
    help="Validate against this Kubernetes version (default: the newest kgen ships).",
)
@click.option(
    "--max-file-size",
    type=click.IntRange(min=1, max=MAX_FILE_SIZE_MIB),
    default=64,
    show_default=True,
    metavar="MIB",
    help=f"Refuse profile files larger than this many MiB (at most {MAX_FILE_SIZE_MIB}).",
)
@click.option("--follow-symlinks", is_flag=True, help="Also read symbolic links found below a profiles folder that lead outside it (by default they are reported and not read; see SECURITY.md).")
def render(
    paths: tuple[str, ...],
    output: str | None,
    env: str | None,
    sets: tuple[str, ...],
    check_only: bool,
    color: str,
    kubernetes_version: str | None,
    max_file_size: int,
    follow_symlinks: bool,
) -> None:
    """Render app profiles (files, or folders of them) into Kubernetes manifests.

    \b
    Examples:
      kgen render fixtures/profiles/shop-api.yaml
      kgen render profiles/ -o k8s/ --env prod
      kgen render shop-api.yaml --set image=ghcr.io/acme/shop-api:3f2a9c1-dev
      kgen render profiles/ -o k8s/ --env prod --check     # in CI: fail on stale manifests
    """
    from kgen.load.yamlload import Limits
    from kgen.render.api import RenderOptions, render_paths, write_output_dir

    context = click.get_current_context()
    if output == "":
        raise click.UsageError("-o names the output folder; an empty name is not one")
    if check_only and output is None:
        raise click.UsageError("--check compares with a folder: give it with -o DIR")
    limits = Limits(max_file_bytes=max_file_size * 1024 * 1024)
    result = render_paths(RenderOptions(paths, env, sets, kubernetes_version, limits, follow_symlinks))
    if output is None:
        echo(yaml_for(result.stream_text), nl=False)
        context.exit(ExitCode.OK)
    if check_only:
        from kgen.cli.check import use_color
        from kgen.render.guard import guard_report

        colored = use_color(color)
        up_to_date, text = guard_report(result, output, colored)
        echo(text, nl=False, err=up_to_date, color=colored or None)  # click strips colour from pipes unless told
        context.exit(ExitCode.OK if up_to_date else ExitCode.FINDINGS)
    report = write_output_dir(result, output)
    echo(
        f"kgen: {escape_unsafe(output, one_line=True)}: {len(report.written)} written, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed",
        err=True,
    )


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def presets(fmt: str) -> None:
    """Print the resource presets (requests and limits per type and size).

    \b
    Example:
      kgen presets --format markdown
    """
    from kgen.render.presets import preset_table

    echo(preset_table(fmt), nl=False)


@click.command()
@click.argument("name")
@click.option(
    "--type",
    "app_type",
    type=click.Choice(["web", "batch", "database"]),
    required=True,
    help="The kind of app: web (Deployment behind a Service), batch (Job or CronJob), database (StatefulSet).",
)
@click.option("--image", metavar="IMAGE", help="The app's pinned image (default: a placeholder to replace).")
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE",
    help="Where to write the profile (default: NAME.yaml here); never overwritten.",
)
@click.option(
    "--schema",
    metavar="PATH|URL",
    help="What the editor-schema line points at (default: the schema kgen validates with, "
    "relative to the profile).",
)
def init(name: str, app_type: str, image: str | None, output: str | None, schema: str | None) -> None:
    """Write a commented starter profile that renders and checks clean.

    \b
    Examples:
      kgen init shop-api --type web --image ghcr.io/acme/shop-api:1.0.0
      kgen init nightly-report --type batch -o profiles/nightly-report.yaml
    """
    from kgen.render.starter import starter, write_new

    if output == "":
        raise click.UsageError("-o names the profile file; an empty name is not one")
    item = starter(name, app_type, image, output or f"{name}.yaml", schema)
    write_new(item)
    shown = escape_unsafe(str(item.path), one_line=True)
    echo(f"kgen: wrote {shown}; render it with: kgen render {shown}", err=True)


COMMANDS: list[click.Command] = [render, presets, init]
