"""service-port-unknown: targetPorts resolved in every selected pod as the endpoints controller resolves them."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of

RULE = "service-port-unknown"


def pods(name: str, ports: str, labels: str = "{app: web}", init: str = "") -> str:
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  selector:
    matchLabels: {labels}
  template:
    metadata:
      labels: {labels}
    spec:{init}
      containers:
        - name: app
          image: nginx:1.27
          ports: {ports}
---
"""


SERVICE = """
apiVersion: v1
kind: Service
metadata: {{name: web}}
spec:
  selector: {{app: web}}
  ports:
    - {port}
"""


def findings(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.severity, f.message) for f in of(check(tmp_path, text), RULE)]


def test_a_name_declared_nowhere_is_an_error_naming_the_pods(tmp_path: Path) -> None:
    text = pods("web", "[{name: http, containerPort: 8080}]") + SERVICE.format(port="{port: 80, targetPort: web}")
    assert findings(tmp_path, text) == [
        (*loc(text, "targetPort"), "error",
         "targetPort web names a port that no container of the selected pods (Deployment/web) declares for TCP; "
         "the endpoints controller resolves it in no pod, so port 80 routes nothing"),
    ]


def test_the_protocol_must_match_as_well_as_the_name(tmp_path: Path) -> None:
    text = pods("web", "[{name: dns, containerPort: 53, protocol: UDP}]")
    assert [f[2] for f in findings(tmp_path, text + SERVICE.format(port="{port: 53, targetPort: dns}"))] == ["error"]
    udp = text + SERVICE.format(port="{port: 53, protocol: UDP, targetPort: dns}")
    assert findings(tmp_path, udp) == []


def test_a_name_some_selected_pods_lack_is_a_warning(tmp_path: Path) -> None:
    text = (
        pods("stable", "[{name: http, containerPort: 8080}]", "{app: web, track: stable}")
        + pods("canary", "[{name: web, containerPort: 8080}]", "{app: web, track: canary}")
        + SERVICE.format(port="{port: 80, targetPort: http}")
    )
    assert findings(tmp_path, text) == [
        (*loc(text, "targetPort"), "warning",
         "targetPort http is not declared for TCP by the pods of Deployment/canary; those pods get no endpoint for "
         "port 80, only the pods of Deployment/stable receive its traffic"),
    ]


def test_native_sidecars_count_and_plain_init_containers_do_not(tmp_path: Path) -> None:
    init = """
      initContainers:
        - name: proxy
          image: envoyproxy/envoy:v1.30.1
          restartPolicy: Always
          ports: [{name: proxy, containerPort: 15001}]
        - name: setup
          image: busybox:1.36
          ports: [{name: setup, containerPort: 9000}]"""
    base = pods("web", "[{name: http, containerPort: 8080}]", init=init)
    assert findings(tmp_path, base + SERVICE.format(port="{port: 15001, targetPort: proxy}")) == []
    assert [f[2] for f in findings(tmp_path, base + SERVICE.format(port="{port: 9000, targetPort: setup}"))] == ["error"]


def test_an_undeclared_number_is_info_and_an_unset_target_port_is_the_port(tmp_path: Path) -> None:
    text = pods("web", "[{name: http, containerPort: 8080}]") + SERVICE.format(port="{port: 8081}")
    assert findings(tmp_path, text) == [
        (*loc(text, "port: 8081"), "info",
         "port 8081 (targetPort unset: the same number) is not declared for TCP by the containers of Deployment/web; "
         "traffic is sent to that number anyway, but nothing says a container listens there"),
    ]
    assert findings(tmp_path, pods("web", "[{name: http, containerPort: 8080}]") + SERVICE.format(port="{port: 8080}")) == []


def test_a_service_selecting_no_pods_is_left_to_service_selects_no_pods(tmp_path: Path) -> None:
    text = pods("api", "[]", "{app: api}") + SERVICE.format(port="{port: 80, targetPort: web}")
    assert findings(tmp_path, text) == []


def test_services_sharing_a_selector_are_each_judged_by_their_own_ports(tmp_path: Path) -> None:
    """What one Service's port finds is kept for others with the same selector, never for a different port."""
    declared = pods("web", "[{name: http, containerPort: 8080}]")
    services = [
        SERVICE.replace("name: web}", f"name: {name}}}").format(port=f"{{port: 80, targetPort: {target}}}")
        for name, target in (("a", "http"), ("b", "web"), ("c", "http"), ("d", 8080), ("e", 9090))
    ]
    text = declared + "---".join(services)
    assert [(line, severity) for line, _, severity, _ in findings(tmp_path, text)] == [
        (loc(text, "targetPort: web")[0], "error"), (loc(text, "targetPort: 9090")[0], "info"),
    ]
