"""service-selects-no-pods: a Service's selector against the pod labels of the checked workloads of its namespace."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of, write

from kgen.check.engine import CheckOptions, run_check

RULE = "service-selects-no-pods"

WEB = """
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
      labels: {app: web, tier: frontend}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""


def service(selector: str, namespace: str = "shop", name: str = "web", extra: str = "") -> str:
    return f"""
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {namespace}
spec:{extra}
  selector: {selector}
  ports: [{{port: 80}}]
"""


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, int, str, str]]:
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in of(check(tmp_path, text), RULE)]


def test_a_label_the_pods_lack_is_reported_at_the_selector_naming_the_service(tmp_path: Path) -> None:
    text = WEB + service("{app: web, tier: backend}")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "selector: {app: web, tier"), "warning",
         "Service web selects app=web, tier=backend, and no pod template among the checked objects of namespace "
         "shop carries all of these labels, so the Service has no endpoints and routes nothing"),
    ]


def test_a_subset_of_the_template_labels_selects_the_pods(tmp_path: Path) -> None:
    assert findings(tmp_path, WEB + service("{tier: frontend}")) == []


def test_pods_of_another_namespace_are_not_selected(tmp_path: Path) -> None:
    text = WEB + service("{app: web}", namespace="default")
    assert [f[:4] for f in findings(tmp_path, text)] == [(RULE, *loc(text, "selector: {app: web}"), "warning")]


def test_an_unset_namespace_is_default(tmp_path: Path) -> None:
    text = WEB.replace("  namespace: shop\n", "") + service("{app: web}", namespace="default")
    assert findings(tmp_path, text) == []


def test_label_values_compare_as_strings_after_yaml_resolution(tmp_path: Path) -> None:
    text = WEB.replace("tier: frontend", 'version: "2"') + service('{version: "2"}')
    assert findings(tmp_path, text) == []


def test_without_selector_or_as_external_name_the_service_is_not_judged(tmp_path: Path) -> None:
    text = WEB + """
---
apiVersion: v1
kind: Service
metadata: {name: manual, namespace: shop}
spec:
  ports: [{port: 80}]
""" + service("{app: mail}", name="mail", extra="\n  type: ExternalName\n  externalName: mail.example.com")
    assert findings(tmp_path, text) == []


def test_no_workload_at_all_is_not_judged_unless_the_set_is_complete(tmp_path: Path) -> None:
    text = service("{app: api}")
    assert findings(tmp_path, text) == []
    path = write(tmp_path, text, "svc.yaml")
    config = write(tmp_path, "complete: true\n", ".kgen.yaml")
    result = run_check(CheckOptions(paths=(str(path),), config_path=config, discover_config=False))
    assert [(f.line, f.column, f.severity) for f in of(result, RULE)] == [loc(text, "selector:") + ("warning",)]


def test_a_knative_service_is_not_a_core_service(tmp_path: Path) -> None:
    text = WEB + """
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello, namespace: shop}
spec:
  selector: {app: hello}
"""
    assert findings(tmp_path, text) == []


def test_statefulset_pod_name_labels_follow_replicas_and_ordinals_start(tmp_path: Path) -> None:
    text = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  ordinals: {start: 1}
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: postgres:16.1
""" + service("{statefulset.kubernetes.io/pod-name: db-0}", "default", "db-0") + service(
        "{statefulset.kubernetes.io/pod-name: db-2}", "default", "db-2"
    ) + service("{app: db, apps.kubernetes.io/pod-index: '1'}", "default", "db-1")
    assert [f[:3] for f in findings(tmp_path, text)] == [(RULE, *loc(text, "selector: {statefulset"))]


def test_a_job_name_label_selects_the_jobs_pods(tmp_path: Path) -> None:
    text = """
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: ghcr.io/acme/migrate:1.0.0
""" + service("{job-name: migrate}", "default", "migrate") + service("{job-name: other}", "default", "other")
    assert [f[:3] for f in findings(tmp_path, text)] == [(RULE, *loc(text, "selector: {job-name: other}"))]
