"""kgen check, rules and explain commands (click only)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Callable

import click

from kgen.cli.streams import echo
from kgen.errors import ExitCode
from kgen.load.files import MAX_FILE_SIZE_MIB

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")


def use_color(choice: str) -> bool:
    """Colour on a terminal unless NO_COLOR is set; --color always|never overrides."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _progress() -> Callable[[int], None]:
    """A files-checked counter on the terminal, redrawn at most every half second."""
    last = [0.0]

    def show(files: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5:
            last[0] = now
            echo(f"\rkgen: checked {files} files", err=True, nl=False)

    return show


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1)
@click.option("-f", "--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file instead of stdout.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), help="Lowest severity that makes the exit code 1 (default: warning, or failOn in .kgen.yaml).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Config file (default: .kgen.yaml in this folder or its parents).")
@click.option("--no-config", is_flag=True, help="Ignore any .kgen.yaml.")
@click.option("--policies", "policy_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path), help="Folder of extra policy files (repeatable).")
@click.option("--enable", multiple=True, metavar="RULE", help="Run this rule even if the config disables it (repeatable).")
@click.option("--disable", multiple=True, metavar="RULE", help="Do not run this rule (repeatable).")
@click.option("--kubernetes-version", help="Validate against this Kubernetes version (default: the newest known).")
@click.option("--strict/--no-strict", default=None, help="Report objects of unknown kinds as schema-invalid instead of skipping them.")
@click.option("--no-schema", is_flag=True, help="Skip validation against the Kubernetes API schemas.")
@click.option("--crds", "crd_paths", multiple=True, type=click.Path(path_type=Path), metavar="PATH", help="File or folder read for its CustomResourceDefinitions only: custom resources of those kinds are validated against them (repeatable; crds: in .kgen.yaml). CRDs among the checked files are used too.")
@click.option("--kustomize", "kustomize_dirs", multiple=True, metavar="DIR", help="Build this kustomization with `kustomize build` (or `kubectl kustomize`) and check the output; findings name the resource file each object came from (repeatable).")
@click.option("--dockerfile", "dockerfiles", multiple=True, metavar="PATH", help="Read this file as a Dockerfile, whatever its name (repeatable). Files named Dockerfile, *.Dockerfile, Dockerfile.* or Containerfile are read as Dockerfiles anyway.")
@click.option("--show-suppressed", is_flag=True, help="Also show suppressed findings (kgen.dev/ignore annotations, kgen:ignore comments, exemptions), each with what suppressed it.")
@click.option("--no-inline-suppressions", is_flag=True, help="Ignore kgen.dev/ignore annotations and kgen:ignore comments: only the exemptions in .kgen.yaml suppress (inlineSuppressions: false).")
@click.option("--report-unused", is_flag=True, help="Report each exemption in .kgen.yaml that matched no finding (exemption-unused); use on a run over everything the exemptions cover.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True, help="Colour the text output.")
@click.option("--max-file-size", type=click.IntRange(min=1, max=MAX_FILE_SIZE_MIB), default=64, show_default=True, metavar="MIB", help=f"Refuse files larger than this many MiB, at most {MAX_FILE_SIZE_MIB} (a yaml-invalid finding).")
@click.option("--follow-symlinks", is_flag=True, help="Also read symbolic links found below a folder that lead outside it (by default they are reported and not read; see SECURITY.md).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes for large trees (default, and at most: the number of CPU cores kgen may run on).")
def check(
    paths: tuple[str, ...],
    output_format: str,
    output: str | None,
    fail_on: str | None,
    config_path: Path | None,
    no_config: bool,
    policy_dirs: tuple[Path, ...],
    enable: tuple[str, ...],
    disable: tuple[str, ...],
    kubernetes_version: str | None,
    strict: bool | None,
    no_schema: bool,
    crd_paths: tuple[Path, ...],
    kustomize_dirs: tuple[str, ...],
    dockerfiles: tuple[str, ...],
    show_suppressed: bool,
    no_inline_suppressions: bool,
    report_unused: bool,
    color: str,
    max_file_size: int,
    follow_symlinks: bool,
    jobs: int | None,
) -> None:
    """Check Kubernetes manifests and Dockerfiles for production readiness.

    PATHS are files, folders (searched recursively for .yaml, .yml and .json,
    and for Dockerfiles: Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile)
    or - for standard input. Exit status: 0 nothing at or above --fail-on,
    1 findings at or above it, 2 could not run.

    \b
    Examples:
      kgen check k8s/
      helm template . | kgen check -
      kgen check k8s/ --format sarif -o kgen.sarif
      kgen check k8s/ --fail-on error --disable cpu-limits-missing
      kgen check k8s/ --crds vendor/crds/
      kgen check --kustomize overlays/prod
      kgen check k8s/ --dockerfile build/api.docker
    """
    if not paths and not kustomize_dirs and not dockerfiles:
        raise click.UsageError("Missing argument 'PATHS...' (or --kustomize DIR).")
    if output is not None and (not Path(output).name or output.endswith(("/", os.sep))):
        raise click.UsageError("-o names the report file; an empty name, or a folder, is not one")
    from kgen.check.engine import CheckOptions, run_check, usable_cores
    from kgen.load.repository import repository_root
    from kgen.load.yamlload import Limits
    from kgen.report import REPORTERS
    from kgen.report.base import ReportOptions
    from kgen.report.common import nothing_checked

    options = CheckOptions(
        paths=paths,
        kustomize=kustomize_dirs,
        dockerfiles=dockerfiles,
        config_path=config_path,
        discover_config=not no_config,
        fail_on=fail_on,
        kubernetes_version=kubernetes_version,
        strict=strict,
        schema_validation=not no_schema,
        crd_paths=crd_paths,
        policy_dirs=policy_dirs,
        enable=enable,
        disable=disable,
        jobs=min(jobs, usable_cores()) if jobs else usable_cores(),
        limits=Limits(max_file_bytes=max_file_size * 1024 * 1024),
        follow_symlinks=follow_symlinks,
        collect_objects=output_format == "junit",
        inline_suppressions=False if no_inline_suppressions else None,
        report_unused=report_unused,
    )
    result = run_check(options, _progress() if sys.stderr.isatty() else None)
    if sys.stderr.isatty():
        echo("\r\033[K", err=True, nl=False)
    colored = output is None and use_color(color)
    cwd = os.path.abspath(os.curdir)
    report_options = ReportOptions(color=colored, show_suppressed=show_suppressed, root=repository_root(paths, cwd), cwd=cwd)
    report = REPORTERS[output_format](result, report_options)
    if output is not None:
        from kgen.output import write_file_atomic

        write_file_atomic(Path(output), report)
    else:
        echo(report, nl=False, color=colored or None, xml=output_format == "junit")  # click strips colour from pipes unless told
    nothing = nothing_checked(result.summary)
    if nothing is not None and (output_format != "text" or output is not None):
        echo(f"kgen: {nothing}", err=True)  # the text summary says it already
    click.get_current_context().exit(ExitCode.FINDINGS if result.failed() else ExitCode.OK)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Config file (default: .kgen.yaml in this folder or its parents).")
@click.option("--policies", "policy_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path), help="Folder of extra policy files (repeatable).")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
def rules(config_path: Path | None, policy_dirs: tuple[Path, ...], output_format: str) -> None:
    """List the rules: id, severity (after config) and title.

    \b
    Examples:
      kgen rules
      kgen rules --format markdown > docs/rules.md
    """
    from kgen.check.docs import list_rules

    echo(list_rules(config_path, policy_dirs, output_format), nl=False)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("rule")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Config file (default: .kgen.yaml in this folder or its parents).")
@click.option("--no-config", is_flag=True, help="Ignore any .kgen.yaml: show the rule's defaults.")
@click.option("--policies", "policy_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path), help="Folder of extra policy files (repeatable).")
def explain(rule: str, config_path: Path | None, no_config: bool, policy_dirs: tuple[Path, ...]) -> None:
    """Explain one rule: what it checks, why, how to fix it, its parameters
    (as the config sets them), and a failing and a passing example.

    \b
    Examples:
      kgen explain probe-over-sensitive
      kgen explain hpa-max-replicas-high --config ci/.kgen.yaml
    """
    from kgen.check.docs import explain_rule

    echo(explain_rule(rule, config_path, policy_dirs, discover=not no_config), nl=False)


COMMANDS: list[click.Command] = [check, rules, explain]
