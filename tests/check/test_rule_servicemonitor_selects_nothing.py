"""servicemonitor-selects-nothing: selection and ports as prometheus-operator reads them, exact findings."""

from __future__ import annotations

from pathlib import Path

from kgen.check.engine import CheckOptions, run_check

from tests.check.support import check, loc, write

RULE = "servicemonitor-selects-nothing"

SERVICE = """
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: front}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: 8080}
"""


def monitor(spec: str, namespace: str = "shop", kind: str = "ServiceMonitor") -> str:
    return f"""---
apiVersion: monitoring.coreos.com/v1
kind: {kind}
metadata:
  name: web
  namespace: {namespace}
spec:
{spec}"""


Found = list[tuple[int, int, str, str]]


def findings(tmp_path: Path, text: str, complete: bool = False) -> Found:
    if complete:
        path = write(tmp_path, text, "all.yaml")
        config = write(tmp_path, "complete: true\n", ".kgen.yaml")
        result = run_check(CheckOptions(paths=(str(path),), config_path=config, discover_config=False))
    else:
        result = check(tmp_path, text)
    return [(f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


def test_the_selector_matches_the_services_own_labels_in_the_monitors_namespace(tmp_path: Path) -> None:
    spec = "  selector:\n    matchLabels: {app: web}\n  endpoints: [{port: http}]\n"
    assert findings(tmp_path, SERVICE + monitor(spec)) == []
    text = SERVICE + monitor(spec, namespace="monitoring")
    assert findings(tmp_path, text) == [
        (*loc(text, "selector:", 2), "warning",
         "ServiceMonitor selects no Service: no checked Service in namespace monitoring has labels matching "
         "app=web (the selector matches the Services' labels); Prometheus gets no target from it"),
    ]


def test_namespace_selector_any_and_match_names(tmp_path: Path) -> None:
    base = "  selector:\n    matchLabels: {app: web}\n  endpoints: [{port: http}]\n"
    assert findings(tmp_path, SERVICE + monitor("  namespaceSelector: {any: true}\n" + base, "monitoring")) == []
    names = "  namespaceSelector:\n    matchNames: [shop, ops]\n"
    assert findings(tmp_path, SERVICE + monitor(names + base, "monitoring")) == []
    text = SERVICE + monitor("  namespaceSelector:\n    matchNames: [ops, dev]\n" + base, "monitoring")
    assert [f[3] for f in findings(tmp_path, text)] == [
        "ServiceMonitor selects no Service: no checked Service in namespaces dev, ops has labels matching app=web "
        "(the selector matches the Services' labels); Prometheus gets no target from it",
    ]


def test_match_expressions_select_without_match_labels(tmp_path: Path) -> None:
    spec = "  selector:\n    matchExpressions:\n      - {key: tier, operator: In, values: [back, front]}\n"
    assert findings(tmp_path, SERVICE + monitor(spec)) == []
    text = SERVICE + monitor("  selector:\n    matchExpressions:\n      - {key: tier, operator: NotIn, values: [front]}\n")
    assert [f[:3] for f in findings(tmp_path, text)] == [(*loc(text, "selector:", 2), "warning")]


def test_an_endpoint_port_is_a_service_port_name(tmp_path: Path) -> None:
    text = SERVICE + monitor("  selector:\n    matchLabels: {app: web}\n  endpoints:\n    - port: metrics\n    - port: http\n")
    assert findings(tmp_path, text) == [
        (*loc(text, "port: metrics"), "warning",
         "endpoint port metrics is no port name of the selected Service web (its port names: http); "
         "the endpoint gives Prometheus no target"),
    ]


def test_a_target_port_is_the_port_behind_the_service(tmp_path: Path) -> None:
    spec = "  selector:\n    matchLabels: {app: web}\n  endpoints:\n    - targetPort: 8080\n    - targetPort: 80\n"
    text = SERVICE + monitor(spec)
    assert findings(tmp_path, text) == [
        (*loc(text, "targetPort: 80", 3), "warning",
         "endpoint targetPort 80 is no targetPort of the selected Service web; the endpoint gives Prometheus no target"),
    ]
    named = SERVICE.replace("targetPort: 8080", "targetPort: web")
    assert findings(tmp_path, named + monitor(spec)) == []  # a named targetPort may resolve to either number


def test_not_judged_without_any_service_unless_the_set_is_complete(tmp_path: Path) -> None:
    text = monitor("  selector:\n    matchLabels: {app: web}\n").lstrip("-\n")
    assert findings(tmp_path, text) == []
    assert [f[:3] for f in findings(tmp_path, text, complete=True)] == [(*loc(text, "selector:"), "warning")]


def test_the_clusters_own_services(tmp_path: Path) -> None:
    apiserver = monitor(
        "  namespaceSelector: {matchNames: [default]}\n"
        "  selector:\n    matchLabels: {component: apiserver, provider: kubernetes}\n"
        "  endpoints: [{port: https}]\n",
        "monitoring",
    )
    assert findings(tmp_path, SERVICE + apiserver) == []
    wrong_port = apiserver.replace("port: https", "port: http")
    assert [f[3] for f in findings(tmp_path, SERVICE + wrong_port)] == [
        "endpoint port http is no port name of the selected Service kubernetes (its port names: https); "
        "the endpoint gives Prometheus no target",
    ]
    kube_dns = monitor("  namespaceSelector: {matchNames: [kube-system]}\n  selector:\n    matchLabels: {k8s-app: kube-dns}\n")
    assert findings(tmp_path, SERVICE + kube_dns) == []
    assert len(findings(tmp_path, SERVICE + kube_dns, complete=True)) == 1


DEPLOYMENT = """
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
      containers:
        - name: web
          image: nginx:1.27
          ports: [{name: http, containerPort: 8080}]
"""


def test_a_podmonitor_names_container_ports(tmp_path: Path) -> None:
    spec = (
        "  selector:\n    matchLabels: {app: web}\n  podMetricsEndpoints:\n"
        "    - port: http\n    - port: metrics\n    - portNumber: 8080\n    - portNumber: 9090\n    - targetPort: 8080\n"
    )
    text = DEPLOYMENT + monitor(spec, kind="PodMonitor")
    assert findings(tmp_path, text) == [
        (*loc(text, "port: metrics"), "warning",
         "podMetricsEndpoints port metrics is no container port name of the pods of Deployment web (their port "
         "names: http); the endpoint gives Prometheus no target"),
        (*loc(text, "portNumber: 9090"), "warning",
         "podMetricsEndpoints portNumber 9090 is no containerPort of the pods of Deployment web; "
         "the endpoint gives Prometheus no target"),
    ]


def test_a_podmonitor_selecting_no_pods(tmp_path: Path) -> None:
    text = DEPLOYMENT + monitor("  selector:\n    matchLabels: {app: api}\n", kind="PodMonitor")
    assert findings(tmp_path, text) == [
        (*loc(text, "selector:", 2), "warning",
         "PodMonitor selects no pod: no checked pod in namespace shop has labels matching app=api (the selector "
         "matches the pod templates' labels); Prometheus gets no target from it"),
    ]
    empty = DEPLOYMENT + monitor("  podMetricsEndpoints: [{port: http}]\n", "ops", kind="PodMonitor")
    assert findings(tmp_path, empty) == [
        (*loc(empty, "spec:", 3), "warning",
         "PodMonitor selects no pod: there is no checked pod in namespace ops (its empty selector selects every "
         "one); Prometheus gets no target from it"),
    ]


def test_only_prometheus_operators_group_is_judged(tmp_path: Path) -> None:
    text = SERVICE + monitor("  selector:\n    matchLabels: {app: api}\n").replace("monitoring.coreos.com/v1", "example.com/v1")
    assert findings(tmp_path, text) == []


def test_a_malformed_selector_is_left_to_the_crds_schema(tmp_path: Path) -> None:
    for selector in ("[app]", "{matchLabels: [app]}", "{matchExpressions: [{key: 1, operator: In}]}", "{matchExpressions: x}"):
        assert findings(tmp_path, SERVICE + monitor(f"  selector: {selector}\n  endpoints: {{port: x}}\n")) == []
