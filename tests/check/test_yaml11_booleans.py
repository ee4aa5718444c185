"""`on`, `off`, `yes`, `no`, `y`, `n` in a boolean field mean what the API server reads
(sigs.k8s.io/yaml follows YAML 1.1 for plain scalars): true and false, checked end to end."""

from __future__ import annotations

from pathlib import Path

from kgen.check.engine import CheckOptions, run_check

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext: {runAsNonRoot: on}
  containers:
    - name: web
      image: nginx:1.27
      securityContext:
        privileged: on
        readOnlyRootFilesystem: yes
    - name: side
      image: nginx:1.27
      securityContext:
        allowPrivilegeEscalation: off
        readOnlyRootFilesystem: On
        privileged: n
        capabilities: {drop: [ALL]}
    - name: tools
      image: nginx:1.27
      securityContext:
        allowPrivilegeEscalation: Y
        readOnlyRootFilesystem: NO
        capabilities: {drop: [ALL]}
"""
RULES = ("privileged-container", "privilege-escalation", "writable-root-filesystem", "run-as-root")


def test_yaml_1_1_booleans_are_booleans(tmp_path: Path) -> None:
    path = tmp_path / "pod.yaml"
    path.write_text(POD, encoding="utf-8")
    result = run_check(CheckOptions(paths=(str(path),), discover_config=False))
    got = [(f.rule, f.line, f.column, f.severity) for f in result.findings if f.rule in RULES]
    assert got == [
        ("privileged-container", 10, 9, "error"),  # privileged: on
        ("privilege-escalation", 22, 9, "warning"),  # allowPrivilegeEscalation: Y
        ("writable-root-filesystem", 23, 9, "warning"),  # readOnlyRootFilesystem: NO
    ]
