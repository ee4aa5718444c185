"""Where the check finds CustomResourceDefinitions, and what it asks of a custom resource's metadata.

CRDs come from two places: the checked objects themselves (any file, any
order: custom resources are validated once every file is read), and the
files or folders named by ``.kgen.yaml`` ``crds:`` or ``--crds``, which are
read for their CRDs only (nothing else in them is checked). A CRD among the
checked objects replaces one of the same kind from those folders.
"""

from __future__ import annotations

import re
from pathlib import Path
from collections.abc import Mapping
from typing import Any, Iterable

from kgen.errors import ConfigError, InputError, LoadError
from kgen.load.discover import discover, read_text
from kgen.load.yamlload import FieldPath, Limits, load_text
from kgen.model.crdschema import CustomResources, Problems, is_crd
from kgen.model.k8s import objects_in
from kgen.model.kubeschema import KubeSchemas, SchemaProblem

OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# k8s.io/apimachinery/pkg/util/validation: DNS-1123 subdomain names, qualified label keys, label values.
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_QUALIFIED = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def load_crd_paths(paths: Iterable[Path], limits: Limits) -> list[tuple[Mapping[str, Any], str]]:
    """Every CRD in the files below ``paths``, with where it is (``file:line``), in a stable order.

    A path that does not exist, or a file that is not YAML, is the user's
    configuration problem (exit 2), named with its file and line.
    """
    found: list[tuple[Mapping[str, Any], str]] = []
    names = [str(path) for path in paths]
    try:
        sources = list(discover(names))
    except InputError as exc:
        raise ConfigError(f"crds: {exc.message}") from None
    for source in sources:
        try:
            text = read_text(source, limits)
        except LoadError as exc:
            raise ConfigError(f"crds: {exc.message}", exc.location) from None
        if "CustomResourceDefinition" not in text:
            continue  # a folder of whole bundles: only CRDs are read, and cheaply skipped otherwise
        for document in load_text(text, source.name, limits, keep_nulls=False):
            if isinstance(document, LoadError):
                raise ConfigError(f"crds: {document.message}", document.location)
            for base, data in objects_in(document.data):
                if data is not None and is_crd(data):
                    found.append((data, f"{source.name}:{document.position(base)[0]}"))
    return found


def registry(schemas: KubeSchemas, crds: Iterable[tuple[Mapping[str, Any], str]] = ()) -> CustomResources:
    """A registry whose ObjectMeta checks use the built-in schema of ``schemas``' Kubernetes version."""

    def meta(value: Any, at: FieldPath, out: Problems) -> None:
        out.extend(schemas.definition_problems(OBJECT_META, value, at))

    found = CustomResources(meta, name_problems)
    for data, origin in crds:
        found.add(data, origin)
    return found


def name_problems(metadata: Any, at: FieldPath, out: Problems) -> None:
    """A custom resource's name (a DNS-1123 subdomain) and its labels, as the API server validates them."""
    if not isinstance(metadata, Mapping):
        return
    for field in ("name", "generateName"):
        name = metadata.get(field)
        if not isinstance(name, str) or not name:
            continue
        checked = name[:-1] if field == "generateName" and name.endswith("-") else name
        if len(name) > 253:
            out.append(_problem(at + (field,), f"must be no more than 253 characters (it has {len(name)})"))
        elif checked and not _SUBDOMAIN.match(checked):
            out.append(
                _problem(
                    at + (field,),
                    f"{name!r}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                    "'-' or '.', and must start and end with an alphanumeric character",
                )
            )
    labels = metadata.get("labels")
    if not isinstance(labels, Mapping):
        return
    for key, value in labels.items():
        path = at + ("labels", key)
        what = _label_key_problem(str(key))
        if what is not None:
            out.append(_problem(path, what))
        if isinstance(value, str) and (len(value) > 63 or not _LABEL_VALUE.match(value)):
            out.append(
                _problem(
                    path,
                    f"{value!r}: a valid label must be an empty string or consist of alphanumeric characters, "
                    "'-', '_' or '.', and must start and end with an alphanumeric character (at most 63)",
                )
            )


def _label_key_problem(key: str) -> str | None:
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not _SUBDOMAIN.match(prefix)):
        return f"label key {key!r}: the prefix part must be a lowercase RFC 1123 subdomain"
    if not name or len(name) > 63 or not _QUALIFIED.match(name):
        return (
            f"label key {key!r}: name part must consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character (at most 63)"
        )
    return None


def _problem(path: FieldPath, message: str) -> SchemaProblem:
    return SchemaProblem(path, message, None, message)

