"""Exemptions in .kgen.yaml, # kgen:ignore comments, --no-inline-suppressions: which findings each
suppresses (and says so), what an expired or unused exemption reports, and the config's refusals."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from textwrap import dedent

import pytest

from kgen.check.engine import CheckOptions, run_check
from kgen.check.result import CheckResult, Finding
from kgen.check import parallel

from tests.check.test_config_errors import kgen, refused
from tests.check.support import loc

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:latest
        - name: mesh-proxy
          image: envoy:latest
---
apiVersion: v1
kind: Pod
metadata:
  name: tools
  namespace: ops
spec:
  containers:
    - name: tools
      image: busybox:latest
"""
TAG = "image-tag-mutable"


def project(tmp_path: Path, config: str, manifest: str = MANIFEST) -> Path:
    (tmp_path / "app.yaml").write_text(manifest)
    (tmp_path / ".kgen.yaml").write_text(dedent(config))
    return tmp_path


def run(folder: Path, **options: object) -> CheckResult:
    """A check of app.yaml with the folder's .kgen.yaml, named as the user would (.kgen.yaml)."""
    return run_check(
        CheckOptions(paths=(str(folder / "app.yaml"),), config_path=folder / ".kgen.yaml", **options)  # type: ignore[arg-type]
    )


def tags(result: CheckResult) -> list[tuple[str, int, bool, str]]:
    """The image-tag-mutable findings: (object name, line, suppressed, suppressed by) in line order."""
    return [(f.object.name, f.line, f.suppressed, f.suppressed_by) for f in result.findings if f.rule == TAG]


def about_config(result: CheckResult) -> list[tuple[str, str, int, int, str]]:
    return [(f.rule, f.file, f.line, f.column, f.severity) for f in result.findings if f.rule.startswith("exemption-")]


def only(result: CheckResult, rule: str) -> Finding:
    (finding,) = [f for f in result.findings if f.rule == rule]
    return finding


# --- matching -------------------------------------------------------------------------------


def test_an_exemption_suppresses_the_findings_its_globs_match_and_says_so(tmp_path: Path) -> None:
    folder = project(
        tmp_path,
        """\
        exemptions:
          - rule: image-tag-*
            kind: Deploy*
            namespace: sh?p
            name: "[vw]eb"
            reason: the shop images are pinned by digest at deploy time
        """,
    )
    result = run(folder)
    by = "exemption " + str(folder / ".kgen.yaml") + ":2: the shop images are pinned by digest at deploy time"
    assert tags(result) == [("web", 16, True, by), ("web", 18, True, by), ("tools", 28, False, "")]
    assert result.summary.suppressed == 2
    assert result.config_file == str(folder / ".kgen.yaml")


def test_a_container_scoped_exemption_matches_only_that_containers_findings(tmp_path: Path) -> None:
    folder = project(
        tmp_path,
        """\
        exemptions:
          - rule: "*"
            name: web
            container: mesh-*
            reason: the mesh injects and owns its proxy
        """,
    )
    result = run(folder)
    suppressed = {(f.rule, f.container) for f in result.findings if f.suppressed}
    assert suppressed and all(container == "mesh-proxy" for _, container in suppressed)
    assert (TAG, "mesh-proxy") in suppressed and ("liveness-probe-missing", "mesh-proxy") in suppressed
    # the web container's findings, and the object's own (no container), stay active
    assert not only_suppressed(result, container="web") and not only_suppressed(result, container=None)
    assert tags(result)[0] == ("web", 16, False, "")


def only_suppressed(result: CheckResult, container: str | None) -> list[Finding]:
    return [f for f in result.findings if f.suppressed and f.container == container and f.object.name == "web"]


def test_a_namespace_glob_does_not_match_an_object_that_names_no_namespace(tmp_path: Path) -> None:
    manifest = MANIFEST.replace("  namespace: ops\n", "")
    folder = project(tmp_path, "exemptions:\n  - {rule: image-tag-mutable, namespace: '*s*', reason: r}\n", manifest)
    assert [(name, suppressed) for name, _, suppressed, _ in tags(run(folder))] == [
        ("web", True), ("web", True), ("tools", False)
    ]
    (tmp_path / ".kgen.yaml").write_text("exemptions:\n  - {rule: image-tag-mutable, namespace: '*', reason: r}\n")
    assert all(suppressed for _, _, suppressed, _ in tags(run(folder)))


def test_the_first_matching_exemption_suppresses_and_is_named(tmp_path: Path) -> None:
    folder = project(
        tmp_path,
        """\
        exemptions:
          - {rule: image-tag-mutable, name: tools, reason: rebuilt nightly}
          - {rule: "*", reason: everything else}
        """,
    )
    where = str(folder / ".kgen.yaml")
    assert [by for *_, by in tags(run(folder))] == [
        f"exemption {where}:3: everything else",
        f"exemption {where}:3: everything else",
        f"exemption {where}:2: rebuilt nightly",
    ]


# --- until and expiry -----------------------------------------------------------------------

EXPIRING = """\
exemptions:
  - rule: image-tag-mutable
    name: tools
    reason: rebuilt nightly
    until: 2025-06-30
"""


@pytest.mark.parametrize(("today", "live"), [(date(2025, 6, 29), True), (date(2025, 6, 30), True), (date(2025, 7, 1), False)])
def test_an_exemption_applies_through_its_until_day(tmp_path: Path, today: date, live: bool) -> None:
    result = run(project(tmp_path, EXPIRING), today=today)
    assert tags(result)[-1][2] is live
    assert about_config(result) == ([] if live else [("exemption-expired", str(tmp_path / ".kgen.yaml"), 2, 5, "warning")])


def test_an_expired_exemption_is_a_finding_that_says_which_and_why(tmp_path: Path) -> None:
    expired = only(run(project(tmp_path, EXPIRING), today=date(2026, 1, 1)), "exemption-expired")
    assert expired.message == (
        "the exemption of rule image-tag-mutable (name tools) expired on 2025-06-30 and suppresses nothing now "
        "(reason given: rebuilt nightly)"
    )
    assert (expired.object.kind, expired.suppressed) == ("", False)


def test_today_comes_from_kgen_today_on_the_command_line(tmp_path: Path) -> None:
    folder = project(tmp_path, EXPIRING)
    before = kgen(folder, "check", "app.yaml", "--fail-on", "never", env={"KGEN_TODAY": "2025-06-30"})
    after = kgen(folder, "check", "app.yaml", "--fail-on", "never", env={"KGEN_TODAY": "2025-07-01"})
    assert (before.returncode, after.returncode) == (0, 0)
    assert "exemption-expired" not in before.stdout
    assert ".kgen.yaml:2:5: warning exemption-expired the exemption of rule image-tag-mutable (name tools) expired on 2025-06-30" in after.stdout
    assert refused(kgen(folder, "check", "app.yaml", env={"KGEN_TODAY": "July"})) == (
        "kgen: KGEN_TODAY is 'July'; write a day as YYYY-MM-DD\n"
    )


def test_an_expired_exemption_fails_the_run_and_its_findings_count_again(tmp_path: Path) -> None:
    folder = project(tmp_path, "exemptions:\n  - {rule: '*', reason: everything, until: 2020-01-01}\n")
    result = kgen(folder, "check", "app.yaml", "--fail-on", "warning")
    assert result.returncode == 1
    assert ".kgen.yaml:2:5: warning exemption-expired " in result.stdout
    assert "suppressed" not in result.stdout.splitlines()[-1]


def test_no_exemption_applies_to_findings_about_exemptions(tmp_path: Path) -> None:
    config = "exemptions:\n  - {rule: '*', reason: everything, until: 2020-01-01}\n  - {rule: 'exemption-*', reason: hide them}\n"
    result = run(project(tmp_path, config), today=date(2024, 1, 1), report_unused=True)
    where = str(tmp_path / ".kgen.yaml")
    assert about_config(result) == [
        ("exemption-expired", where, 2, 5, "warning"),
        ("exemption-unused", where, 3, 5, "warning"),
    ]


# --- --report-unused -------------------------------------------------------------------------

UNUSED = """\
exemptions:
  - rule: image-tag-mutable
    name: tools
    reason: rebuilt nightly
  - rule: image-tag-mutable
    name: tolls
    reason: a typo in the name
  - rule: liveness-probe-missing
    name: web
    container: sidecar
    reason: no such container
  - rule: image-tag-mutable
    kind: Pod
    reason: shadowed by the first entry
  - rule: replicas-single
    reason: expired before it was unused
    until: 2020-01-01
"""


def test_report_unused_names_each_exemption_that_matched_nothing(tmp_path: Path) -> None:
    folder = project(tmp_path, UNUSED)
    where = str(folder / ".kgen.yaml")
    assert [f for f in about_config(run(folder)) if f[0] == "exemption-unused"] == []  # only when asked
    assert about_config(run(folder, report_unused=True)) == [
        ("exemption-unused", where, 5, 5, "warning"),
        ("exemption-unused", where, 8, 5, "warning"),
        ("exemption-unused", where, 12, 5, "warning"),
        ("exemption-expired", where, 15, 5, "warning"),
    ]
    message = [f.message for f in run(folder, report_unused=True).findings if f.line == 8][0]
    assert message == (
        "the exemption of rule liveness-probe-missing (name web, container sidecar) matched no finding of this run "
        "(reason given: no such container)"
    )


def test_report_unused_on_the_command_line(tmp_path: Path) -> None:
    folder = project(tmp_path, UNUSED)
    result = kgen(folder, "check", "app.yaml", "--report-unused", "--format", "json", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["file"], f["line"]) for f in findings if f["rule"].startswith("exemption-")] == [
        ("exemption-unused", ".kgen.yaml", 5),
        ("exemption-unused", ".kgen.yaml", 8),
        ("exemption-unused", ".kgen.yaml", 12),
        ("exemption-expired", ".kgen.yaml", 15),
    ]


def test_an_exemption_used_alongside_an_annotation_counts_as_used(tmp_path: Path) -> None:
    manifest = MANIFEST.replace("  name: tools\n", "  name: tools\n  annotations: {kgen.dev/ignore: image-tag-mutable}\n")
    result = run(project(tmp_path, "exemptions:\n  - {rule: image-tag-mutable, name: tools, reason: r}\n", manifest), report_unused=True)
    assert about_config(result) == []
    assert tags(result)[-1] == ("tools", 29, True, "annotation kgen.dev/ignore")


# --- # kgen:ignore comments ---------------------------------------------------------------------

COMMENTED = """\
# kgen:ignore replicas-single,pdb-missing a batch of one, restarted by hand
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          # kgen:ignore image-tag-mutable pinned by digest in the release job
          # (see the release notes)
          image: nginx:latest
          imagePullPolicy: Always
        - name: helper
          image: busybox:latest
"""


def check_text(tmp_path: Path, text: str, name: str = "app.yaml", **options: object) -> CheckResult:
    path = tmp_path / name
    path.write_text(text)
    return run_check(CheckOptions(paths=(str(path),), discover_config=False, **options))  # type: ignore[arg-type]


def test_a_comment_before_an_object_suppresses_its_rules_on_the_whole_object(tmp_path: Path) -> None:
    result = check_text(tmp_path, COMMENTED)
    path = str(tmp_path / "app.yaml")
    by = f"comment kgen:ignore at {path}:1: a batch of one, restarted by hand"
    assert {(f.rule, f.suppressed_by) for f in result.findings if f.rule in ("replicas-single", "pdb-missing")} == {
        ("replicas-single", by),
    }  # pdb-missing does not fire on a single replica; replicas-single does, and is suppressed
    assert only(result, "replicas-single").line == loc(COMMENTED, "replicas:")[0]
    assert not only(result, "seccomp-profile").suppressed  # a rule the comment does not name


def test_a_comment_before_a_field_suppresses_only_findings_at_that_line(tmp_path: Path) -> None:
    result = check_text(tmp_path, COMMENTED)
    path = str(tmp_path / "app.yaml")
    found = [(f.line, f.container, f.suppressed_by) for f in result.findings if f.rule == TAG]
    assert found == [
        (18, "web", f"comment kgen:ignore at {path}:16: pinned by digest in the release job"),
        (21, "helper", ""),
    ]
    # the container's other findings (at its name, line 15) are not at the commented line
    at_name = [f for f in result.findings if f.line == 15]
    assert len(at_name) >= 5 and not any(f.suppressed for f in at_name)


def test_comments_work_on_standard_input_and_in_helm_output(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kgen.cli import cli

    helm = "---\n# Source: shop/templates/pod.yaml\n" + COMMENTED
    out = CliRunner().invoke(cli, ["check", "--no-config", "--format", "json", "--show-suppressed", "-"], input=helm)
    assert out.exit_code == 1, out.output
    findings = json.loads(out.stdout)["findings"]
    suppressed = [(f["rule"], f["line"], f["suppressedBy"]) for f in findings if f["suppressed"]]
    assert ("replicas-single", 9, "comment kgen:ignore at <stdin>:3: a batch of one, restarted by hand") in suppressed
    assert (TAG, 20, "comment kgen:ignore at <stdin>:18: pinned by digest in the release job") in suppressed


def test_comments_that_suppress_nothing_are_reported_at_the_comment(tmp_path: Path) -> None:
    text = dedent(
        """\
        apiVersion: v1
        kind: Pod
        metadata:
          name: tools
        spec:
          containers:
            - name: tools
              # kgen:ignore image-tag-mutable
              image: busybox:latest
            - name: other
              # kgen:ignore image-tag-mutabel,image-pull-policy rebuilt nightly
              image: busybox:latest
        """
    )
    result = check_text(tmp_path, text)
    assert [(f.rule, f.line, f.column, f.suppressed) for f in result.findings if f.rule.startswith("ignore-") or f.rule == TAG] == [
        ("ignore-comment-invalid", 8, 7, False),
        (TAG, 9, 7, False),  # a comment without a reason suppresses nothing
        ("ignore-unknown-rule", 11, 21, False),
        (TAG, 12, 7, False),  # the misspelt name suppresses nothing
    ]
    assert only(result, "ignore-unknown-rule").message == (
        "# kgen:ignore names 'image-tag-mutabel', which is not a kgen rule, so it suppresses nothing; "
        "did you mean 'image-tag-mutable'?"
    )


def test_a_comment_marker_needs_its_own_line_and_word() -> None:
    from kgen.check.exemptions import ignore_comments

    text = "a: 1  # kgen:ignore x reason\n# kgen:ignored x y\n  #kgen:ignore  a,b  why not  # note\nb: 2\n"
    (comment,) = ignore_comments(text)
    assert (comment.line, comment.column, comment.rules, comment.reason, comment.target) == (3, 3, (("a", 17), ("b", 19)), "why not", 4)


# --- inline suppressions switched off ------------------------------------------------------------

ANNOTATED = MANIFEST.replace(
    "      labels: {app: web}\n", "      labels: {app: web}\n      annotations: {kgen.dev/ignore: image-tag-mutable}\n"
).replace("  name: tools\n", "  name: tools\n  annotations: {kgen.dev/ignore: no-such-rule}\n")


@pytest.mark.parametrize("how", ["option", "config"])
def test_without_inline_suppressions_only_exemptions_suppress(tmp_path: Path, how: str) -> None:
    text = "# kgen:ignore replicas-single,image-tag-mutable accepted\n" + ANNOTATED
    config = "exemptions:\n  - {rule: image-tag-mutable, name: tools, reason: central}\n"
    if how == "config":
        config += "inlineSuppressions: false\n"
    (tmp_path / ".kgen.yaml").write_text(config)
    (tmp_path / "app.yaml").write_text(text)
    options: dict[str, object] = {"inline_suppressions": False} if how == "option" else {}
    result = run(tmp_path, **options)
    assert [(name, suppressed) for name, _, suppressed, _ in tags(result)] == [("web", False), ("web", False), ("tools", True)]
    assert not [f for f in result.findings if f.rule.startswith("ignore-")]  # the annotations are not read at all
    on = run(tmp_path, inline_suppressions=None) if how == "option" else None
    if on is not None:
        assert [s for _, _, s, _ in tags(on)] == [True, True, True]
        assert [by for *_, by in tags(on)][:2] == ["annotation kgen.dev/ignore"] * 2


def test_no_inline_suppressions_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(ANNOTATED)
    shown = kgen(tmp_path, "check", "app.yaml", "--no-config", "--show-suppressed", "--fail-on", "never")
    off = kgen(tmp_path, "check", "app.yaml", "--no-config", "--show-suppressed", "--no-inline-suppressions", "--fail-on", "never")
    assert "    suppressed by annotation kgen.dev/ignore\n" in shown.stdout
    assert "suppressed" not in off.stdout
    assert "ignore-unknown-rule" in shown.stdout and "ignore-unknown-rule" not in off.stdout


def test_the_text_format_says_what_suppressed_a_shown_finding(tmp_path: Path) -> None:
    folder = project(tmp_path, "exemptions:\n  - {rule: image-tag-mutable, name: tools, reason: rebuilt nightly}\n")
    hidden = kgen(folder, "check", "app.yaml", "--fail-on", "never")
    shown = kgen(folder, "check", "app.yaml", "--show-suppressed", "--fail-on", "never")
    assert "app.yaml:28:7: warning image-tag-mutable" not in hidden.stdout
    line = "app.yaml:28:7: warning image-tag-mutable "
    block = shown.stdout[shown.stdout.index(line) :].splitlines()
    assert block[0].endswith("(suppressed)")
    assert block[1] == "    suppressed by exemption .kgen.yaml:2: rebuilt nightly"


# --- refusals ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("exemptions:\n  - {rule: image-tag-mutable}\n", ".kgen.yaml:2:5: exemptions[0]: missing required key 'reason'"),
        ("exemptions:\n  - {reason: why}\n", ".kgen.yaml:2:5: exemptions[0]: missing required key 'rule'"),
        (
            "exemptions:\n  - rule: image-tag-mutable\n    reason: '  '\n",
            ".kgen.yaml:3:5: exemptions[0].reason: the reason is empty; say why the findings are accepted (it is shown with each of them)",
        ),
        (
            "exemptions:\n  - rule: image-tag-mutable\n    reason: r\n    untill: 2025-01-01\n",
            ".kgen.yaml:4:5: exemptions[0].untill: unknown key 'untill'; did you mean 'until'?",
        ),
        (
            "exemptions:\n  - rule: image-tag-mutable\n    reason: r\n    until: 2025-1-31\n",
            ".kgen.yaml:4:5: exemptions[0].until: '2025-1-31' is not a date written YYYY-MM-DD; write the last day the exemption applies, e.g. 2025-06-30",
        ),
        (
            "exemptions:\n  - rule: image-tag-mutable\n    reason: r\n    until: 20250131\n",
            ".kgen.yaml:4:5: exemptions[0].until: '20250131' is not a date written YYYY-MM-DD; write the last day the exemption applies, e.g. 2025-06-30",
        ),
        (
            "exemptions:\n  - rule: image-tag-mutable\n    reason: r\n    until: 2025-02-30\n",
            ".kgen.yaml:4:5: exemptions[0].until: '2025-02-30' is not a day of the calendar",
        ),
        (
            "exemptions:\n  - rule: image-tag-mutabel\n    reason: r\n",
            ".kgen.yaml:2:5: exemptions[0].rule: unknown rule 'image-tag-mutabel'; did you mean 'image-tag-mutable'?",
        ),
        (
            "exemptions:\n  - rule: imag-*\n    reason: r\n",
            ".kgen.yaml:2:5: exemptions[0].rule: rule 'imag-*' matches no rule (see `kgen rules`)",
        ),
        ("exemptions: {rule: x}\n", ".kgen.yaml:1:1: exemptions: expected a list of mappings, got a mapping"),
        ("inlineSuppressions: sometimes\n", ".kgen.yaml:1:1: inlineSuppressions: expected true or false, got the string 'sometimes'"),
        ("inlineSupressions: false\n", ".kgen.yaml:1:1: inlineSupressions: unknown key 'inlineSupressions'; did you mean 'inlineSuppressions'?"),
    ],
    ids=[
        "no-reason", "no-rule", "blank-reason", "until-typo", "until-not-padded", "until-a-number", "until-no-such-day",
        "unknown-rule", "glob-matches-nothing", "not-a-list", "inline-not-boolean", "inline-typo",
    ],
)
def test_bad_exemptions_are_refused_at_their_line(tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "app.yaml").write_text(MANIFEST)
    (tmp_path / ".kgen.yaml").write_text(config)
    assert refused(kgen(tmp_path, "check", "app.yaml")) == f"kgen: {message}\n"


def test_json_names_the_config_applied_as_found(tmp_path: Path) -> None:
    folder = project(tmp_path, "exemptions: []\n")
    assert json.loads(kgen(folder, "check", "app.yaml", "-f", "json").stdout)["config"] == ".kgen.yaml"
    assert json.loads(kgen(folder, "check", "app.yaml", "-f", "json", "--no-config").stdout)["config"] is None


def test_worker_processes_suppress_alike(tmp_path: Path) -> None:
    for number in range(parallel.MIN_FILES + 4):
        (tmp_path / f"app{number:02}.yaml").write_text(COMMENTED)
    (tmp_path / ".kgen.yaml").write_text("exemptions:\n  - {rule: image-tag-mutable, container: help*, reason: r}\n")

    def findings(jobs: int) -> list[tuple[str, int, str, str]]:
        options = CheckOptions(paths=(str(tmp_path),), config_path=tmp_path / ".kgen.yaml", jobs=jobs)
        return [(f.file, f.line, f.rule, f.suppressed_by) for f in run_check(options).findings]

    serial = findings(1)
    assert sum(1 for *_, by in serial if by) == (parallel.MIN_FILES + 4) * 3  # replicas-single and both mutable tags, in each file
    assert findings(2) == serial


def test_explain_shows_a_config_rules_examples_as_kgen_yaml_files() -> None:
    from kgen.check.docs import explain_rule

    text = explain_rule("exemption-expired", None, (), discover=False)
    assert "\nChecking:\n\n  apiVersion: v1\n" in text
    assert "\nFails with:\n\n  # .kgen.yaml\n  exemptions:\n" in text and "      until: 2020-01-31\n" in text
    assert text.endswith("Switch it off in .kgen.yaml: rules: {exemption-expired: off} (no exemption applies to it)\n")
    plain = explain_rule("image-tag-mutable", None, (), discover=False)
    assert "  or above the object or the reported line: # kgen:ignore image-tag-mutable <reason>\n" in plain
