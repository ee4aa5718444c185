"""pod-security-rejected: a checked Namespace's enforce, warn and audit labels against its workloads."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of

RULE = "pod-security-rejected"


def namespace(**labels: str) -> str:
    body = "".join(f"\n    pod-security.kubernetes.io/{k.replace('_', '-')}: {v}" for k, v in labels.items())
    return f"""
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:{body}
---"""


RUN_AS_ROOT_USER = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 0
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
"""


def found(tmp_path: Path, text: str, **options: object) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.severity, f.message) for f in of(check(tmp_path, text, **options), RULE)]


def test_enforce_version_decides_which_controls_apply(tmp_path: Path) -> None:
    old = namespace(enforce="restricted", enforce_version="v1.22") + RUN_AS_ROOT_USER
    assert found(tmp_path, old) == []  # runAsUser joined restricted in 1.23
    new = namespace(enforce="restricted", enforce_version="v1.23") + RUN_AS_ROOT_USER
    assert found(tmp_path, new) == [
        (*loc(new, "namespace: shop"), "error",
         'namespace "shop" enforces Pod Security "restricted:v1.23"; admission refuses the pods of its ReplicaSet, '
         "so the rollout never progresses: it violates Running as Non-root user (run-as-root)"),
    ]


def test_latest_and_newer_versions_are_the_target_version(tmp_path: Path) -> None:
    text = namespace(enforce="restricted", enforce_version="v1.99") + RUN_AS_ROOT_USER
    (finding,) = found(tmp_path, text, kubernetes_version="1.30")
    assert '"restricted:v1.30"' in finding[3]
    bad = namespace(enforce="restricted", enforce_version="1.23") + RUN_AS_ROOT_USER
    (finding,) = found(tmp_path, bad, kubernetes_version="1.30")
    assert finding[3].startswith(
        'namespace "shop" enforces Pod Security "restricted:v1.30" (enforce-version \'1.23\' is not latest or '
        "v1.<minor>, so it is latest);"
    )


def test_warn_and_audit_have_their_own_messages(tmp_path: Path) -> None:
    text = namespace(warn="restricted", audit="restricted") + RUN_AS_ROOT_USER
    assert found(tmp_path, text) == [
        (*loc(text, "namespace: shop"), "warning",
         'namespace "shop" audits at Pod Security "restricted:v1.37"; the API server\'s audit log records this '
         "Deployment and its pods: they violate Running as Non-root user (run-as-root)"),
        (*loc(text, "namespace: shop"), "warning",
         'namespace "shop" warns at Pod Security "restricted:v1.37"; kubectl shows a warning when this Deployment '
         "is applied: it violates Running as Non-root user (run-as-root)"),
    ]


def test_an_invalid_warn_level_fails_open_and_privileged_checks_nothing(tmp_path: Path) -> None:
    text = namespace(enforce="privileged", warn="strict", audit="Baseline") + RUN_AS_ROOT_USER
    assert found(tmp_path, text) == []


def test_host_probes_are_a_baseline_control_from_1_34(tmp_path: Path) -> None:
    text = namespace(enforce="baseline") + """
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: web
      image: nginx:1.27
      readinessProbe:
        httpGet: {host: 10.0.0.1, path: /, port: 80}
"""
    assert found(tmp_path, text, kubernetes_version="1.33") == []
    assert [m for *_, m in found(tmp_path, text, kubernetes_version="1.34")] == [
        'namespace "shop" enforces Pod Security "baseline:v1.34"; admission refuses this Pod: it violates '
        "Host Probes / Lifecycle Hooks"
    ]


def test_the_namespace_object_need_not_come_first_and_other_namespaces_are_not_judged(tmp_path: Path) -> None:
    pod = """
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: {namespace}
spec:
  hostIPC: true
  containers:
    - name: web
      image: nginx:1.27
---"""
    text = pod.format(namespace="shop") + pod.format(namespace="other") + namespace(enforce="baseline").rstrip("-")
    result = check(tmp_path, text)
    assert [(f.line, f.object.namespace) for f in of(result, RULE)] == [(loc(text, "namespace: shop")[0], "shop")]
