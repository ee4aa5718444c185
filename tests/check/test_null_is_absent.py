"""An explicit null is an unset field, for every rule, as the API server decodes it.

``resources:`` (empty), ``securityContext: null``, ``limits: ~`` and
``livenessProbe: null`` are absent fields to Kubernetes; the rules that
look for a missing field must fire, and ``privileged: null`` is not
privileged. Custom policies get the same view.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from kgen.check.engine import CheckOptions, run_check
from kgen.check.result import CheckResult

from tests.conftest import REPO

NULLS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    team: ~
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext: null
      containers:
        - name: web
          image: nginx:1.27.1
          resources:
          livenessProbe: null
          readinessProbe: ~
          securityContext:
            privileged: null
            allowPrivilegeEscalation: Null
            readOnlyRootFilesystem: NULL
            capabilities:
        - name: side
          image: nginx:1.27.1
          resources:
            limits: ~
            requests: {cpu: 100m, memory: null}
"""


#: The rules whose verdict depends on the null fields above (others, such as the service-account rules, do not).
JUDGED = frozenset({
    "cpu-limits-missing", "cpu-requests-missing", "memory-limits-missing", "memory-requests-missing",
    "liveness-probe-missing", "readiness-probe-missing", "run-as-root", "privilege-escalation",
    "writable-root-filesystem", "capabilities-not-dropped", "privileged-container", "pdb-missing", "schema-invalid",
})


def check_text(tmp_path: Path, text: str, **options: object) -> CheckResult:
    path = tmp_path / "nulls.yaml"
    path.write_text(dedent(text), encoding="utf-8")
    return run_check(CheckOptions(paths=(str(path),), discover_config=False, **options))  # type: ignore[arg-type]


def test_every_rule_reads_null_as_absent(tmp_path: Path) -> None:
    result = check_text(tmp_path, NULLS)
    got = sorted((f.rule, f.line, f.column, f.severity, f.container) for f in result.findings if f.rule in JUDGED)
    web = [
        ("cpu-limits-missing", 19, 11, "info", "web"),  # at the empty resources key
        ("cpu-requests-missing", 19, 11, "warning", "web"),
        ("memory-limits-missing", 19, 11, "warning", "web"),
        ("memory-requests-missing", 19, 11, "warning", "web"),
        ("liveness-probe-missing", 20, 11, "warning", "web"),  # at livenessProbe: null
        ("readiness-probe-missing", 21, 11, "warning", "web"),
        ("run-as-root", 22, 11, "warning", "web"),  # the pod's securityContext is null
        ("privilege-escalation", 24, 13, "warning", "web"),  # at allowPrivilegeEscalation: Null
        ("writable-root-filesystem", 25, 13, "warning", "web"),
        ("capabilities-not-dropped", 26, 13, "warning", "web"),  # at the empty capabilities key
    ]
    side = [
        ("capabilities-not-dropped", 27, 11, "warning", "side"),
        ("liveness-probe-missing", 27, 11, "warning", "side"),
        ("privilege-escalation", 27, 11, "warning", "side"),
        ("readiness-probe-missing", 27, 11, "warning", "side"),
        ("run-as-root", 27, 11, "warning", "side"),
        ("writable-root-filesystem", 27, 11, "warning", "side"),
        ("cpu-limits-missing", 30, 13, "info", "side"),  # at limits: ~
        ("memory-limits-missing", 30, 13, "warning", "side"),
        ("memory-requests-missing", 31, 35, "warning", "side"),  # at memory: null
    ]
    expected = sorted([("pdb-missing", 13, 7, "warning", None), *web, *side])
    assert got == expected
    assert not [f for f in result.findings if f.rule == "privileged-container"]
    assert not [f for f in result.findings if f.rule == "schema-invalid"]


def test_custom_policies_read_null_as_absent(tmp_path: Path) -> None:
    result = check_text(tmp_path, NULLS, policy_dirs=(REPO / "fixtures" / "custom-policies" / "policies",))
    (team,) = [f for f in result.findings if f.rule == "team-label-missing"]
    assert (team.line, team.column, team.severity) == (6, 5, "warning")  # at team: ~


def test_null_list_items_are_not_containers(tmp_path: Path) -> None:
    text = """\
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      containers:
        - null
    """
    result = check_text(tmp_path, text)
    assert [f for f in result.findings if f.container is not None] == []
