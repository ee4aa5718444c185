"""``helm template`` output: a finding names the chart file its document was rendered from.

fixtures/helm/shop-template.yaml is written by hand exactly as ``helm template shop ./shop
--include-crds`` prints (helm's pkg/action: ``---``, ``# Source: <path>``, the document): a CRD
file of two documents printed as written (so with a blank line after it), a template that renders
two documents (each with its own comment), a subchart's template, and the hooks, which helm prints
after the manifests (a pre-install Job and a ``helm test`` Pod).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kgen.check.engine import CheckOptions, run_check
from kgen.check.result import Finding
from kgen.cli import cli
from kgen.load.helm import HelmSource, helm_sources
from kgen.check import parallel

from tests.check.support import write
from tests.conftest import REPO

FIXTURE = REPO / "fixtures" / "helm" / "shop-template.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")


def stream_line(needle: str, after: str = "") -> int:
    """1-based line of the stream where ``needle`` first occurs (after the line holding ``after``)."""
    lines = TEXT.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines[start:], start=start + 1) if needle in line)


def origin_of(findings: tuple[Finding, ...], rule: str, container: str | None = None) -> list[tuple[str, int, int, str, int, bool]]:
    return [
        (f.file, f.line, f.column, f.origin, f.origin_line, f.origin_rendered)
        for f in findings
        if f.rule == rule and (container is None or f.container == container)
    ]


def check_file(path: Path, **options: object) -> tuple[Finding, ...]:
    return run_check(CheckOptions(paths=(str(path),), discover_config=False, jobs=1, **options)).findings  # type: ignore[arg-type]


def test_a_template_finding_names_the_template_and_its_rendered_line() -> None:
    findings = check_file(FIXTURE)
    replicas = stream_line("replicas: 1", after="# Source: shop/templates/deployment.yaml")
    # line 12 of the rendered Deployment: apiVersion, kind, metadata, name, labels + 5, spec, replicas
    assert origin_of(findings, "replicas-single") == [
        (str(FIXTURE), replicas, 3, "shop/templates/deployment.yaml", 12, True),
        (str(FIXTURE), stream_line("replicas: 1", after="redis/templates/master.yaml"), 3,
         "shop/charts/redis/templates/master.yaml", 10, True),
    ]


def test_each_document_of_a_template_counts_from_its_own_comment() -> None:
    findings = check_file(FIXTURE)
    rules = stream_line("- apiGroups:", after="# Source: shop/templates/rbac.yaml")
    role = [f for f in findings if f.rule == "rbac-wildcard"]
    assert [(f.line, f.origin, f.origin_line) for f in role] == [(rules, "shop/templates/rbac.yaml", 6)]


def test_hooks_and_tests_are_mapped_like_any_template() -> None:
    findings = check_file(FIXTURE)
    image = stream_line("image: busybox")
    assert origin_of(findings, "image-tag-mutable") == [
        (str(FIXTURE), image, 7, "shop/templates/tests/test-connection.yaml", 16, True)
    ]
    job = [f for f in findings if f.rule == "memory-limits-missing" and f.container == "migrate"]
    assert [(f.origin, f.origin_line) for f in job] == [("shop/templates/migrate-job.yaml", 13)]


def test_a_crd_file_is_printed_as_written_so_its_lines_are_the_files_own() -> None:
    findings = check_file(FIXTURE)
    # the second CRD of shop/crds/crontabs.yaml has no comment of its own: it is the same file
    [finding] = [f for f in findings if f.rule == "schema-invalid"]
    crd = (REPO / "fixtures" / "helm" / "shop-template.yaml").read_text().split("# Source: shop/crds/crontabs.yaml\n")[1]
    crd_line = next(i for i, line in enumerate(crd.splitlines(), start=1) if "served: false" in line) - 1
    assert (finding.origin, finding.origin_line, finding.origin_rendered) == ("shop/crds/crontabs.yaml", crd_line, False)
    assert finding.object.name == "backups.stable.example.com"


def test_cross_object_findings_are_mapped_too() -> None:
    findings = check_file(FIXTURE)
    [port] = [f for f in findings if f.rule == "service-port-unknown"]
    assert (port.origin, port.origin_line) == ("shop/templates/service.yaml", 15)  # targetPort: http's item


def test_piped_through_stdin_the_text_names_stdin_and_the_template() -> None:
    result = CliRunner().invoke(cli, ["check", "-", "--no-config", "--enable", "replicas-single"], input=TEXT)
    assert result.exit_code == 1
    line = stream_line("replicas: 1", after="# Source: shop/templates/deployment.yaml")
    expected = (
        f"<stdin>:{line}:3: warning replicas-single Deployment runs 1 replica and has no autoscaler; every rollout, "
        "crash or node drain is downtime [Deployment release-name-shop] "
        "(from shop/templates/deployment.yaml, rendered line 12)\n"
    )
    assert expected in result.output
    crd_line = f"(from shop/crds/crontabs.yaml:46)\n"
    assert [l for l in result.output.splitlines(keepends=True) if "schema-invalid" in l][0].endswith(crd_line)


def test_as_a_file_the_text_names_the_file_and_the_template() -> None:
    result = CliRunner().invoke(cli, ["check", str(FIXTURE), "--no-config", "-j", "1"])
    assert result.exit_code == 1
    heads = [l for l in result.output.splitlines() if not l.startswith(" ") and l]
    assert all(l.startswith(f"{FIXTURE}:") for l in heads[:-1])
    assert all(" (from shop/" in l for l in heads[:-1])  # every finding of this stream is in a chart file
    assert heads[-1].startswith("1 error, ")


def test_worker_processes_carry_the_sources_back(tmp_path: Path) -> None:
    paths = []
    for number in range(parallel.MIN_FILES + 4):  # enough files for the worker pool
        paths.append(write(tmp_path, TEXT, f"release-{number:02}.yaml"))
    result = run_check(CheckOptions(paths=(str(tmp_path),), discover_config=False, jobs=2))
    mapped = {(Path(f.file).name, f.rule, f.origin, f.origin_line) for f in result.findings if f.rule == "replicas-single"}
    assert ("release-17.yaml", "replicas-single", "shop/templates/deployment.yaml", 12) in mapped
    assert all(f.origin for f in result.findings)


def test_a_yaml_error_in_a_rendered_template_names_the_template(tmp_path: Path) -> None:
    path = write(tmp_path, "---\n# Source: shop/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n")
    [finding] = check_file(path)
    assert (finding.rule, finding.line, finding.origin, finding.origin_line) == ("yaml-invalid", 7, "shop/templates/cm.yaml", 5)


def test_documents_without_a_comment_have_no_origin(tmp_path: Path) -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: before\nspec:\n  containers: [{name: a, image: 'a:1'}]\n"
        "---\n# Source: shop/templates/pod.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: inside\n"
        "spec:\n  containers: [{name: a, image: 'a:1'}]\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: after\nspec:\n  containers: [{name: a, image: 'a:1'}]\n"
    )
    findings = check_file(write(tmp_path, text))
    origins = {(f.object.name, f.origin) for f in findings if f.rule == "naked-pod"}
    assert origins == {("before", ""), ("inside", "shop/templates/pod.yaml"), ("after", "")}


def test_the_table_of_sources() -> None:
    text = (
        "---\n# Source: crds/a.yaml\nkind: A\n---\nkind: B\n\n"  # an older helm's CRD path, two documents
        "---\n# Source: c/templates/x.yaml\n# HIDDEN: The Secret output has been suppressed\n"
        "---\n# Source: c/templates/y.yaml\nkind: Y\n"
        "---\nkind: Z\n"
    )
    table = helm_sources(text)
    assert table is not None
    crd = HelmSource("crds/a.yaml", 2, rendered=False)
    assert [table.at(n) for n in range(1, 7)] == [None, crd, crd, crd, crd, crd]
    assert table.at(9) == HelmSource("c/templates/x.yaml", 8, rendered=True)
    assert table.at(10) is None  # the separator after a template's document
    assert table.origin(12, "kind") == ("c/templates/y.yaml", 1, True)
    assert table.at(14) is None and table.at(15) is None  # a document of no template
    assert helm_sources("kind: A\n") is None
    assert helm_sources("data:\n  x: '# Source: quoted'\n") is None
