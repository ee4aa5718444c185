"""network (NetworkPolicy), config (ConfigMap and its checksum), expose (HTTPRoute or Ingress):
the exact objects, and bad input refused at its position with nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kgen.render.api import render_text

WEB = "name: shop-api\ntype: web\nimage: ghcr.io/acme/shop-api:1.4.2\nnamespace: shop\n"
SELECTOR = {"matchLabels": {"app.kubernetes.io/name": "shop-api", "app.kubernetes.io/instance": "shop-api"}}
DNS = {
    "to": [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
        }
    ],
    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
}


def one(text: str, kind: str) -> dict[str, Any]:
    (found,) = [dict(o.data) for o in render_text(text, "p.yaml").objects if o.kind == kind]
    return found


def kinds(text: str) -> list[str]:
    return [o.kind for o in render_text(text, "p.yaml").objects]


def template(text: str, kind: str = "Deployment") -> dict[str, Any]:
    result: dict[str, Any] = one(text, kind)["spec"]["template"]
    return result


# -- network ------------------------------------------------------------------------


def test_no_network_no_policy() -> None:
    assert "NetworkPolicy" not in kinds(WEB)


def test_by_default_the_namespace_may_reach_the_declared_ports_and_egress_is_open() -> None:
    text = WEB + "extraPorts: [{name: metrics, port: 9090}, {name: gossip, port: 7946, protocol: UDP}]\nnetwork: {}\n"
    policy = one(text, "NetworkPolicy")
    assert policy["apiVersion"] == "networking.k8s.io/v1"
    assert policy["metadata"]["name"] == "shop-api"
    assert policy["spec"] == {
        "podSelector": SELECTOR,
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [{"podSelector": {}}],
                "ports": [
                    {"protocol": "TCP", "port": 8080},
                    {"protocol": "TCP", "port": 9090},
                    {"protocol": "UDP", "port": 7946},
                ],
            }
        ],
    }


def test_peers_and_destinations() -> None:
    text = WEB + (
        "network:\n"
        "  ingressFrom:\n"
        "    - {namespace: ingress-nginx}\n"
        "    - {podLabels: {app.kubernetes.io/name: shop-web}}\n"
        "    - {namespace: monitoring, podLabels: {app: prometheus}}\n"
        "    - {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}\n"
        "  egress: [dns, {cidr: 10.0.0.0/8, ports: [5432]}, {namespace: cache, podLabels: {app: redis},"
        " ports: [6379, {port: 8125, protocol: UDP}]}, {ports: [443]}]\n"
    )
    spec = one(text, "NetworkPolicy")["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    assert spec["ingress"] == [
        {
            "from": [
                {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}},
                {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "shop-web"}}},
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
                    "podSelector": {"matchLabels": {"app": "prometheus"}},
                },
                {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}},
            ],
            "ports": [{"protocol": "TCP", "port": 8080}],
        }
    ]
    assert spec["egress"] == [
        DNS,
        {"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}], "ports": [{"protocol": "TCP", "port": 5432}]},
        {
            "to": [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "cache"}},
                    "podSelector": {"matchLabels": {"app": "redis"}},
                }
            ],
            "ports": [{"protocol": "TCP", "port": 6379}, {"protocol": "UDP", "port": 8125}],
        },
        {"ports": [{"protocol": "TCP", "port": 443}]},
    ]


def test_dns_is_allowed_once_egress_is_listed_even_when_not_named() -> None:
    assert one(WEB + "network: {egress: []}\n", "NetworkPolicy")["spec"]["egress"] == [DNS]
    assert one(WEB + "network: {egress: [dns, dns]}\n", "NetworkPolicy")["spec"]["egress"] == [DNS]


def test_an_empty_ingress_from_lets_nothing_in() -> None:
    spec = one(WEB + "network: {ingressFrom: []}\n", "NetworkPolicy")["spec"]
    assert spec == {"podSelector": SELECTOR, "policyTypes": ["Ingress"]}


def test_a_batch_app_has_no_port_so_nothing_gets_in() -> None:
    text = "name: report\ntype: batch\nimage: ghcr.io/acme/report:1.0.0\nnetwork: {egress: [dns]}\n"
    spec = one(text, "NetworkPolicy")["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"] and "ingress" not in spec
    assert spec["egress"] == [DNS]


def check_findings(tmp_path: Path, text: str) -> list[str]:
    from kgen.check.engine import CheckOptions, run_check
    from kgen.render.api import write_output_dir

    write_output_dir(render_text(text, "p.yaml"), str(tmp_path / "out"))
    checked = run_check(CheckOptions(paths=(str(tmp_path / "out"),), discover_config=False, fail_on="info"))
    return [f"{f.rule}: {f.message}" for f in checked.active]


def test_a_policy_with_egress_checks_clean(tmp_path: Path) -> None:
    assert check_findings(tmp_path, WEB + "network: {ingressFrom: [{namespace: web}], egress: [dns]}\n") == []


def test_egress_left_open_is_acknowledged_where_the_workload_says_so(tmp_path: Path) -> None:
    """Egress not restricted is the profile's choice: the workload carries the suppression of the one
    finding it leads to, and a comment says why; the finding is still there, suppressed."""
    from kgen.check.engine import CheckOptions, run_check
    from kgen.render.api import write_output_dir

    result = render_text(WEB + "network: {}\nannotations: {kgen.dev/ignore: replicas-single}\n", "p.yaml")
    deployment = next(o for o in result.objects if o.kind == "Deployment")
    assert deployment.data["metadata"]["annotations"] == {"kgen.dev/ignore": "replicas-single,pod-not-isolated"}
    assert deployment.yaml.startswith(
        "# Egress is not restricted (the profile's network lists no egress), so the NetworkPolicy isolates\n"
        "# these pods for Ingress only; kgen check's pod-not-isolated is acknowledged for that below.\n"
        "apiVersion: apps/v1\n"
    )
    service = next(o for o in result.objects if o.kind == "Service")
    assert service.data["metadata"]["annotations"] == {"kgen.dev/ignore": "replicas-single"}  # the profile's only
    write_output_dir(result, str(tmp_path / "out"))
    checked = run_check(CheckOptions(paths=(str(tmp_path / "out"),), discover_config=False, fail_on="info"))
    assert [f"{f.rule}: {f.message}" for f in checked.active] == []
    assert [(f.rule, f.message.split(" for ")[-1]) for f in checked.findings if f.suppressed] == [
        ("pod-not-isolated", "Egress, so they may open connections to anything")
    ]
    assert check_findings(tmp_path, WEB + "network: {egress: [dns]}\n") == []
    listed = render_text(WEB + "network: {egress: [dns]}\n", "p.yaml")
    assert "annotations" not in next(o for o in listed.objects if o.kind == "Deployment").data["metadata"]


# -- config -------------------------------------------------------------------------

CONFIG = WEB + "config:\n  files:\n    app.yaml: |\n      listen: 8080\n    VERSION: 1.10\n"


def test_config_files_are_a_configmap_mounted_read_only() -> None:
    config_map = one(CONFIG, "ConfigMap")
    assert config_map["metadata"]["name"] == "shop-api"
    assert config_map["data"] == {"VERSION": "1.10", "app.yaml": "listen: 8080\n"}
    pod = template(CONFIG)
    container = pod["spec"]["containers"][0]
    assert container["volumeMounts"][0] == {"name": "config", "mountPath": "/etc/shop-api", "readOnly": True}
    assert pod["spec"]["volumes"][0] == {"name": "config", "configMap": {"name": "shop-api"}}
    assert "envFrom" not in container


def test_config_as_env() -> None:
    text = WEB + "env: {A: b}\nconfig:\n  as: env\n  files: {LOG_LEVEL: info}\n"
    container = template(text)["spec"]["containers"][0]
    assert container["envFrom"] == [{"configMapRef": {"name": "shop-api"}}]
    assert [mount["name"] for mount in container["volumeMounts"]] == ["tmp"]


def checksum(text: str) -> str:
    value: str = template(text)["metadata"]["annotations"]["checksum/config"]
    return value


def test_the_checksum_changes_when_and_only_when_the_config_changes() -> None:
    base = checksum(CONFIG)
    assert len(base) == 64 and int(base, 16) >= 0
    assert checksum(WEB + "config:\n  files:\n    VERSION: '1.10'\n    app.yaml: \"listen: 8080\\n\"\n") == base
    assert checksum(CONFIG + "env: {A: b}\nreplicas: {min: 3, max: 5}\n") == base
    assert checksum(CONFIG.replace("8080", "8081")) != base
    assert checksum(CONFIG.replace("VERSION", "RELEASE")) != base
    assert checksum(CONFIG + "    extra: ''\n") != base
    assert "annotations" not in template(WEB)["metadata"]


def test_config_checks_clean(tmp_path: Path) -> None:
    text = WEB + "env: {A: {configMap: shop-api, key: LOG_LEVEL}}\nconfig:\n  as: env\n  files: {LOG_LEVEL: info}\n"
    assert check_findings(tmp_path, text) == []


# -- expose -------------------------------------------------------------------------


def test_expose_on_a_gateway_is_an_httproute_to_the_main_port() -> None:
    text = WEB + "port: 3000\nexpose:\n  host: shop.example.com\n  path: /api\n  gateway: {name: public, namespace: gateways}\n"
    route = one(text, "HTTPRoute")
    assert route["apiVersion"] == "gateway.networking.k8s.io/v1"
    assert route["spec"] == {
        "parentRefs": [{"name": "public", "namespace": "gateways"}],
        "hostnames": ["shop.example.com"],
        "rules": [
            {
                "matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
                "backendRefs": [{"name": "shop-api", "port": 3000}],
            }
        ],
    }
    assert "Ingress" not in kinds(text)


def test_expose_with_ingress() -> None:
    text = WEB + "expose:\n  host: '*.example.com'\n  ingress: {className: nginx}\n  tls: {secret: shop-tls}\n"
    assert one(text, "Ingress")["spec"] == {
        "ingressClassName": "nginx",
        "tls": [{"hosts": ["*.example.com"], "secretName": "shop-tls"}],
        "rules": [
            {
                "host": "*.example.com",
                "http": {
                    "paths": [
                        {
                            "path": "/",
                            "pathType": "Prefix",
                            "backend": {"service": {"name": "shop-api", "port": {"number": 8080}}},
                        }
                    ]
                },
            }
        ],
    }


def test_exposed_output_checks_clean_with_the_route_rules(tmp_path: Path) -> None:
    from kgen.check.engine import CheckOptions, run_check
    from kgen.render.api import write_output_dir

    for index, how in enumerate(("gateway: {name: public}", "ingress: {}")):
        folder = tmp_path / str(index)
        write_output_dir(render_text(WEB + f"expose: {{host: shop.example.com, {how}}}\n"), str(folder))
        crds = Path(__file__).resolve().parents[2] / "schemas" / "crds"
        checked = run_check(
            CheckOptions(paths=(str(folder),), discover_config=False, fail_on="info", crd_paths=(crds,))
        )
        assert [f"{f.rule}: {f.message}" for f in checked.active] == []
        assert checked.summary.objects == 6


# -- bad input ----------------------------------------------------------------------

BAD = [
    (
        "peer-namespace-and-cidr",
        WEB + "network:\n  ingressFrom:\n    - {namespace: web, cidr: 10.0.0.0/8}\n",
        "p.yaml:7:24: network.ingressFrom[0].cidr: an entry is either addresses (cidr) or pods (namespace), not "
        "both; write them as two entries",
    ),
    (
        "bad-cidr",
        WEB + "network:\n  egress: [{cidr: 10.0.0/8}]\n",
        "p.yaml:6:13: network.egress[0].cidr: '10.0.0/8' is not a CIDR; write an address block like 10.0.0.0/8 "
        "or 2001:db8::/32",
    ),
    (
        "cidr-host-bits",
        WEB + "network:\n  egress: [{cidr: 10.1.2.3/8}]\n",
        "p.yaml:6:13: network.egress[0].cidr: '10.1.2.3/8' has bits set past its prefix; did you mean '10.0.0.0/8'?",
    ),
    (
        "except-outside",
        WEB + "network:\n  ingressFrom: [{cidr: 10.0.0.0/8, except: [192.168.0.0/16]}]\n",
        "p.yaml:6:45: network.ingressFrom[0].except[0]: '192.168.0.0/16' is not inside '10.0.0.0/8'; except "
        "lists parts of the cidr block",
    ),
    (
        "port-out-of-range",
        WEB + "network:\n  egress: [{cidr: 10.0.0.0/8, ports: [70000]}]\n",
        "p.yaml:6:39: network.egress[0].ports[0]: is 70000; the most allowed is 65535",
    ),
    (
        "egress-word",
        WEB + "network:\n  egress: [dsn]\n",
        "p.yaml:6:12: network.egress[0]: expected dns, or a destination {cidr: ..., ports: [...]} or "
        "{namespace: ..., podLabels: {...}, ports: [...]}",
    ),
    (
        "config-key",
        WEB + "config:\n  files:\n    'app config.yaml': x\n",
        "p.yaml:7:5: config.files.app config.yaml: the key 'app config.yaml' is not a ConfigMap key: letters, "
        "digits, '-', '_' and '.' (not . or ..), at most 253 characters",
    ),
    (
        "config-env-name",
        WEB + "config:\n  as: env\n  files: {log-level: info}\n",
        "p.yaml:7:11: config.files.log-level: with as: env each key becomes an environment variable, and "
        "'log-level' is not a valid name (letters, digits and _, not starting with a digit); rename it or mount "
        "the files (as: files)",
    ),
    (
        "config-too-big",
        WEB + "config:\n  files:\n    big: '" + "x" * (1024 * 1024) + "'\n",
        "p.yaml:6:3: config.files: holds 1048579 bytes; a ConfigMap holds at most 1048576 (1 MiB): mount large "
        "files from a volume",
    ),
    (
        "expose-batch",
        "name: report\ntype: batch\nimage: ghcr.io/acme/report:1.0.0\nexpose: {host: a.example.com}\n",
        "p.yaml:4:1: expose: applies only to type web (an HTTPRoute or Ingress sends HTTP requests to a web "
        "app's Service)",
    ),
    (
        "expose-both",
        WEB + "expose: {host: a.example.com, gateway: {name: public}, ingress: {}}\n",
        "p.yaml:5:56: expose.ingress: expose takes one of gateway and ingress, not both: gateway: {name, "
        "namespace} for a Gateway API HTTPRoute, or ingress: {className: nginx} for an Ingress",
    ),
    (
        "expose-neither",
        WEB + "expose: {host: a.example.com}\n",
        "p.yaml:5:1: expose: says how the app is reached: add gateway: {name, namespace} for a Gateway API "
        "HTTPRoute, or ingress: {className: nginx} for an Ingress",
    ),
    (
        "tls-with-gateway",
        WEB + "expose: {host: a.example.com, gateway: {name: public}, tls: {secret: s}}\n",
        "p.yaml:5:56: expose.tls: applies only to an Ingress: with a gateway, TLS is set on the Gateway's "
        "listener (its certificateRefs)",
    ),
    (
        "bad-host",
        WEB + "expose: {host: Shop.Example.com, ingress: {}}\n",
        "p.yaml:5:10: expose.host: 'Shop.Example.com' is not a DNS name: lowercase letters, digits, '-' and '.', "
        "optionally starting with *. for a wildcard",
    ),
    (
        "ip-host",
        WEB + "expose: {host: 10.0.0.1, ingress: {}}\n",
        "p.yaml:5:10: expose.host: '10.0.0.1' is an IP address; a host is a DNS name like shop.example.com",
    ),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_traffic_fields(kgen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.yaml").write_text(text, encoding="utf-8")
    outcome = kgen("render", "p.yaml", "-o", "out")
    assert (outcome.code, outcome.stderr, outcome.stdout) == (2, f"kgen: {message}\n", "")
    assert not Path("out").exists()
