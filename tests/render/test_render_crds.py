"""Custom resources kgen renders are validated against the CRDs shipped in schemas/crds/ before anything is written."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from kgen.errors import InternalError
from kgen.model.kubeschema import KubeSchemas, latest_version
from kgen.render import crds
from kgen.render.api import _validate

ROOT = Path(__file__).resolve().parents[2]

SERVICE_MONITOR: dict[str, Any] = {
    "apiVersion": "monitoring.coreos.com/v1",
    "kind": "ServiceMonitor",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app.kubernetes.io/name": "web"}},
    "spec": {
        "selector": {"matchLabels": {"app.kubernetes.io/name": "web"}},
        "endpoints": [{"port": "http", "path": "/metrics", "interval": "30s"}],
    },
}

PROMETHEUS_RULE: dict[str, Any] = {
    "apiVersion": "monitoring.coreos.com/v1",
    "kind": "PrometheusRule",
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {
        "groups": [
            {
                "name": "web",
                "rules": [
                    {
                        "alert": "WebRestarting",
                        "expr": "increase(kube_pod_container_status_restarts_total[15m]) > 3",
                        "labels": {"severity": "warning"},
                        "annotations": {"summary": "restarts"},
                    }
                ],
            }
        ]
    },
}

HTTP_ROUTE: dict[str, Any] = {
    "apiVersion": "gateway.networking.k8s.io/v1",
    "kind": "HTTPRoute",
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {
        "parentRefs": [{"name": "public", "namespace": "gateways"}],
        "hostnames": ["shop.example.com"],
        "rules": [
            {
                "matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
                "backendRefs": [{"name": "web", "port": 80}],
            }
        ],
    },
}


@pytest.fixture(scope="module")
def schemas() -> KubeSchemas:
    return KubeSchemas(latest_version())


@pytest.mark.parametrize("obj", [SERVICE_MONITOR, PROMETHEUS_RULE, HTTP_ROUTE], ids=lambda o: o["kind"])
def test_a_valid_custom_resource_passes(obj: dict[str, Any], schemas: KubeSchemas) -> None:
    _validate(obj, schemas)


def test_a_service_monitor_with_a_field_of_the_wrong_type_is_a_bug_naming_the_field(schemas: KubeSchemas) -> None:
    broken = copy.deepcopy(SERVICE_MONITOR)
    broken["spec"]["endpoints"][0]["interval"] = 30  # the CRD says string (a Prometheus duration)
    with pytest.raises(InternalError) as caught:
        _validate(broken, schemas)
    assert caught.value.message == (
        "rendered ServiceMonitor/web is not valid for its CustomResourceDefinition "
        "(schemas/crds/prometheus-operator/monitoring.coreos.com_servicemonitors.yaml): spec.endpoints[0].interval: "
        "30 is not of type string; this is a bug in kgen, please report it with the profile"
    )


def test_a_service_monitor_with_an_unknown_field_is_a_bug_naming_it(schemas: KubeSchemas) -> None:
    broken = copy.deepcopy(SERVICE_MONITOR)
    broken["spec"]["endpoints"][0]["targetPorts"] = "http"  # a misspelling of targetPort
    with pytest.raises(InternalError, match=r": spec\.endpoints\[0\]\.targetPorts: "):
        _validate(broken, schemas)


def test_a_prometheus_rule_without_its_expression_is_a_bug(schemas: KubeSchemas) -> None:
    broken = copy.deepcopy(PROMETHEUS_RULE)
    del broken["spec"]["groups"][0]["rules"][0]["expr"]
    with pytest.raises(InternalError, match=r"_prometheusrules\.yaml\): spec\.groups\[0\]\.rules\[0\]: 'expr' is required;"):
        _validate(broken, schemas)


def test_an_http_route_with_a_bad_path_type_is_a_bug(schemas: KubeSchemas) -> None:
    broken = copy.deepcopy(HTTP_ROUTE)
    broken["spec"]["rules"][0]["matches"][0]["path"]["type"] = "Prefix"  # Ingress's spelling, not Gateway API's
    with pytest.raises(InternalError, match=r"spec\.rules\[0\]\.matches\[0\]\.path\.type: "):
        _validate(broken, schemas)


def test_the_custom_resource_metadata_is_object_meta(schemas: KubeSchemas) -> None:
    broken = copy.deepcopy(SERVICE_MONITOR)
    broken["metadata"]["labels"] = {"app.kubernetes.io/name": 5}
    with pytest.raises(InternalError, match=r"metadata\.labels\.app\.kubernetes\.io/name: "):
        _validate(broken, schemas)


def test_every_shipped_crd_is_in_the_package_data_with_its_licence_and_source() -> None:
    sources = (ROOT / "schemas" / "crds" / "SOURCES.md").read_text(encoding="utf-8")
    for relative in crds.SHIPPED.values():
        assert (ROOT / "schemas" / "crds" / relative).is_file()
        assert (ROOT / "schemas" / "crds" / relative).parent.joinpath("LICENSE").is_file()
        assert f"`{relative}`" in sources
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"crds/*/*.yaml", "crds/*/LICENSE"' in pyproject
