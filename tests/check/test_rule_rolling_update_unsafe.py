"""rolling-update-unsafe: strategies resolved as the controllers resolve them, only for workloads a Service selects."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.support import check, loc

RULE = "rolling-update-unsafe"
SERVICE = """
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def deployment(replicas: str, strategy: str) -> str:
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:{replicas}
  strategy:
{strategy}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""


def findings(tmp_path: Path, text: str, **options: object) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text, **options)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


def test_recreate_on_a_served_deployment_names_the_service(tmp_path: Path) -> None:
    text = deployment("\n  replicas: 3", "    type: Recreate") + SERVICE
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "type: Recreate"), "warning",
         'strategy Recreate stops all 3 replicas before it starts new ones; Service "web" then has no ready '
         "endpoint: each rollout is an outage"),
    ]


def test_recreate_with_no_service_among_the_objects_is_not_reported(tmp_path: Path) -> None:
    assert findings(tmp_path, deployment("\n  replicas: 3", "    type: Recreate")) == []


@pytest.mark.parametrize(
    ("replicas", "unavailable", "surge", "fires"),
    [
        (4, "100%", None, True),
        (4, "75%", None, False),  # 3 of 4
        (3, "99%", None, False),  # 2.97 rounds down to 2
        (3, 3, 1, True),
        (3, 2, 0, False),
        (1, 1, None, True),  # maxSurge 25% rounds up to 1, but the old pod may go first
        (1, "10%", 0, True),  # both resolve to 0: the controller lets one pod go
        (2, "10%", "10%", False),  # maxSurge 10% of 2 rounds up to 1, maxUnavailable down to 0
        (2, 0, 0, False),  # refused by the API server: not this rule's finding
    ],
)
def test_max_unavailable_resolves_against_the_replicas(
    tmp_path: Path, replicas: int, unavailable: object, surge: object, fires: bool
) -> None:
    rolling = f"      maxUnavailable: {unavailable}\n" + (f"      maxSurge: {surge}\n" if surge is not None else "")
    text = deployment(f"\n  replicas: {replicas}", "    rollingUpdate:\n" + rolling.rstrip("\n")) + SERVICE
    got = findings(tmp_path, text)
    assert [(line, column) for _, line, column, _, _ in got] == ([loc(text, "maxUnavailable")] if fires else [])


def test_the_autoscalers_minimum_is_the_replica_count(tmp_path: Path) -> None:
    text = deployment("", "    rollingUpdate:\n      maxUnavailable: 2") + SERVICE + """
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6
"""
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "maxUnavailable"), "warning",
         "rollingUpdate.maxUnavailable 2 lets all 2 replicas (the autoscaler's minimum) be unavailable at once; "
         'Service "web" then has no ready endpoint: each rollout is an outage'),
    ]


STATEFULSET = """
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 3
  serviceName: web
  updateStrategy:
    rollingUpdate:
      maxUnavailable: 100%
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
""" + SERVICE


def test_statefulset_max_unavailable_counts_from_1_35_where_the_field_is_on(tmp_path: Path) -> None:
    assert findings(tmp_path, STATEFULSET, kubernetes_version="1.35") == [
        (RULE, *loc(STATEFULSET, "maxUnavailable"), "warning",
         "updateStrategy.rollingUpdate.maxUnavailable 100% lets all 3 replicas be replaced at once; "
         'Service "web" then has no ready endpoint: each rollout is an outage'),
    ]
    assert findings(tmp_path, STATEFULSET, kubernetes_version="1.34") == []


def test_two_services_are_named_in_order(tmp_path: Path) -> None:
    text = deployment("\n  replicas: 2", "    type: Recreate") + SERVICE.replace("name: web", "name: web-public") + SERVICE
    (message,) = [m for *_, m in findings(tmp_path, text)]
    assert message == (
        'strategy Recreate stops all 2 replicas before it starts new ones; Services "web", "web-public" then have '
        "no ready endpoint: each rollout is an outage"
    )


def test_a_knative_service_is_not_a_core_service(tmp_path: Path) -> None:
    text = deployment("\n  replicas: 2", "    type: Recreate") + SERVICE.replace("apiVersion: v1", "apiVersion: serving.knative.dev/v1")
    assert findings(tmp_path, text) == []


def test_a_service_serves_only_its_own_namespace(tmp_path: Path) -> None:
    served = deployment("\n  replicas: 3", "    type: Recreate").replace("  name: web\n", "  name: web\n  namespace: shop\n", 1)
    alone = deployment("\n  replicas: 3", "    type: Recreate").replace("  name: web\n", "  name: web\n  namespace: lab\n", 1)
    service = SERVICE.replace("  name: web\n", "  name: web\n  namespace: shop\n", 1)
    text = served + service + "---\n" + alone  # same pod labels in both namespaces; the Service is in shop only
    assert [(line, column) for _, line, column, _, _ in findings(tmp_path, text)] == [loc(text, "type: Recreate")]


def test_many_services_are_counted_after_the_first_three(tmp_path: Path) -> None:
    services = "".join(SERVICE.replace("  name: web\n", f"  name: web-{n}\n", 1) for n in range(5))
    text = deployment("\n  replicas: 3", "    type: Recreate") + services
    assert [message for *_, message in findings(tmp_path, text)] == [
        'strategy Recreate stops all 3 replicas before it starts new ones; Services "web-0", "web-1", "web-2" '
        "and 2 more then have no ready endpoint: each rollout is an outage"
    ]
