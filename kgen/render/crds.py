"""The CustomResourceDefinitions kgen renders against, shipped in ``schemas/crds/``.

A custom resource kgen renders (ServiceMonitor, PrometheusRule, HTTPRoute) is
validated before anything is written, as built-in kinds are, against the CRD
of the project that defines it (schemas/crds/SOURCES.md names the versions),
by the same validator ``kgen check --crds`` uses (kgen.model.crdschema).

Each CRD file is read and its schema compiled on first use only: a render
that has no custom resource reads none of them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping

import yaml

from kgen.load.yamlload import FieldPath
from kgen.model.crdschema import CustomResources, Problems
from kgen.model.kubeschema import KubeSchemas
from kgen.resources import data_dir

OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

#: (group, kind) -> the CRD file under schemas/crds/.
SHIPPED: Mapping[tuple[str, str], str] = {
    ("monitoring.coreos.com", "ServiceMonitor"): "prometheus-operator/monitoring.coreos.com_servicemonitors.yaml",
    ("monitoring.coreos.com", "PrometheusRule"): "prometheus-operator/monitoring.coreos.com_prometheusrules.yaml",
    ("gateway.networking.k8s.io", "HTTPRoute"): "gateway-api/gateway.networking.k8s.io_httproutes.yaml",
}

#: One registry per Kubernetes version (its ObjectMeta is that release's), filled kind by kind.
_REGISTRIES: dict[str, tuple[CustomResources, set[str]]] = {}


def crd_file(group: str, kind: str) -> str | None:
    """The shipped CRD's path under schemas/crds/ for a kind, or None when kgen ships none."""
    return SHIPPED.get((group, kind))


@lru_cache(maxsize=None)
def _crd(relative: str) -> Mapping[str, Any]:
    path = data_dir("schemas") / "crds" / relative
    with open(path, encoding="utf-8") as handle:
        loaded: Mapping[str, Any] = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return loaded


def custom_problems(obj: Mapping[str, Any], schemas: KubeSchemas) -> tuple[str, Problems] | None:
    """A rendered custom resource's CRD file and problems against it; None when kgen ships no CRD for its kind."""
    group = str(obj["apiVersion"]).rpartition("/")[0]
    relative = crd_file(group, str(obj["kind"]))
    if relative is None:
        return None
    origin = f"schemas/crds/{relative}"
    registry, added = _registry(schemas)
    if relative not in added:
        registry.add(_crd(relative), origin)
        added.add(relative)
    found = registry.problems(obj, check_names=False)
    return origin, [] if found is None else found


def _registry(schemas: KubeSchemas) -> tuple[CustomResources, set[str]]:
    found = _REGISTRIES.get(schemas.version)
    if found is None:

        def meta(value: Any, at: FieldPath, out: Problems) -> None:
            out.extend(schemas.definition_problems(OBJECT_META, value, at))

        found = (CustomResources(meta), set())
        _REGISTRIES[schemas.version] = found
    return found
