"""probe-port-unknown: every probe port judged as the kubelet dials it (TCP), with exact findings."""

from __future__ import annotations

from pathlib import Path

from tests.check.support import check, loc, of

RULE = "probe-port-unknown"


def pod(ports: str, probes: str) -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: nginx:1.27
      ports: {ports}
{probes}"""


def findings(tmp_path: Path, text: str, **options: object) -> list[tuple[str, int, int, str, str]]:
    result = check(tmp_path, text, **options)
    return [(f.rule, f.line, f.column, f.severity, f.message) for f in result.findings if f.rule == RULE]


def test_a_port_declared_only_for_udp_can_never_answer_a_tcp_probe(tmp_path: Path) -> None:
    text = pod(
        "[{name: stats, containerPort: 8125, protocol: UDP}]",
        "      livenessProbe:\n        tcpSocket: {port: stats}\n"
        "      readinessProbe:\n        httpGet: {path: /, port: 8125}\n",
    )
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "port: stats"), "error",
         'container "app": livenessProbe tcpSocket port "stats" (8125) is declared only for UDP; '
         "the probe connects over TCP, so it can never succeed"),
        (RULE, *loc(text, "port: 8125"), "error",
         'container "app": readinessProbe httpGet port 8125 is declared only for UDP; '
         "the probe connects over TCP, so it can never succeed"),
    ]


def test_sctp_only_is_an_error_for_grpc_too(tmp_path: Path) -> None:
    text = pod("[{containerPort: 9000, protocol: SCTP}]", "      startupProbe:\n        grpc: {port: 9000}\n")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "port: 9000"), "error",
         'container "app": startupProbe grpc port 9000 is declared only for SCTP; '
         "the probe connects over TCP, so it can never succeed"),
    ]


def test_a_number_also_declared_for_tcp_is_fine_whichever_name_is_used(tmp_path: Path) -> None:
    text = pod(
        "[{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53, protocol: TCP}]",
        "      livenessProbe:\n        tcpSocket: {port: dns}\n",
    )
    assert findings(tmp_path, text) == []


def test_an_undeclared_number_works_and_is_only_info(tmp_path: Path) -> None:
    text = pod("[]", "      readinessProbe:\n        httpGet: {path: /ready, port: 9411}\n")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "port: 9411"), "info",
         'container "app": readinessProbe httpGet port 9411 is not declared in the container\'s ports; '
         "the probe still connects (Kubernetes does not require it), but declaring it, with a name, documents it"),
    ]


def test_a_configured_severity_applies_to_every_case(tmp_path: Path) -> None:
    (tmp_path / ".kgen.yaml").write_text(f"rules:\n  {RULE}:\n    severity: warning\n")
    text = pod("[]", "      readinessProbe:\n        httpGet: {path: /ready, port: 9411}\n")
    got = findings(tmp_path, text, config_path=tmp_path / ".kgen.yaml")
    assert [(severity) for *_, severity, _ in got] == ["warning"]


def test_a_name_the_container_does_not_declare_cannot_be_resolved(tmp_path: Path) -> None:
    text = pod("[{name: http, containerPort: 8080}]", "      livenessProbe:\n        httpGet: {path: /, port: web}\n")
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, "port: web"), "error",
         'container "app": livenessProbe httpGet port "web" names no port of this container '
         "(its ports: http=8080); the kubelet cannot resolve it, so the probe always fails"),
    ]


def test_a_string_of_digits_is_refused_by_the_api_server(tmp_path: Path) -> None:
    text = pod("[{containerPort: 8080}]", '      livenessProbe:\n        tcpSocket: {port: "8080"}\n')
    assert findings(tmp_path, text) == [
        (RULE, *loc(text, 'port: "8080"'), "error",
         'container "app": livenessProbe tcpSocket port "8080" is a string of digits, which the API server '
         "refuses (a port name needs a letter); write the number 8080"),
    ]


def test_a_port_without_protocol_is_tcp_and_exec_probes_have_no_port(tmp_path: Path) -> None:
    text = pod(
        "[{name: http, containerPort: 8080}, {containerPort: 9090, protocol: TCP}]",
        "      livenessProbe:\n        httpGet: {path: /, port: http}\n"
        "      readinessProbe:\n        grpc: {port: 9090}\n"
        "      startupProbe:\n        exec: {command: [true]}\n",
    )
    assert findings(tmp_path, text) == []


def test_the_corpus_manifests_that_work_get_no_error(tmp_path: Path) -> None:
    """The corpus shapes: a tcpSocket or httpGet probe on a port the container never lists (argo-cd, jaeger, zipkin)."""
    text = pod("", "      livenessProbe:\n        tcpSocket: {port: 9001}\n").replace("      ports: \n", "")
    assert [severity for *_, severity, _ in findings(tmp_path, text)] == ["info"]


def test_probe_ports_by_name_and_number(tmp_path: Path) -> None:
    text = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - {name: http, containerPort: 8080}
            - {name: metrics, containerPort: 9090}
          startupProbe:
            httpGet: {path: /healthz, port: http}
          readinessProbe:
            httpGet: {path: /ready, port: 9090}
          livenessProbe:
            tcpSocket: {port: htpp}
        - name: bare
          image: nginx:1.27
          livenessProbe:
            httpGet: {path: /healthz, port: 80}
    """
    result = check(tmp_path, text)
    named, bare = of(result, "probe-port-unknown")
    assert (named.line, named.column, named.severity) == (*loc(text, "port: htpp"), "error")
    assert named.message == (
        'container "web": livenessProbe tcpSocket port "htpp" names no port of this container '
        "(its ports: http=8080, metrics=9090); the kubelet cannot resolve it, so the probe always fails"
    )
    assert named.path == "spec.containers[0].livenessProbe.tcpSocket.port"
    assert (bare.line, bare.column, bare.severity) == (*loc(text, "port: 80}"), "info")  # works: only info
    assert "port 80 is not declared in the container's ports; the probe still connects" in bare.message
