"""Ignore presets for ``kgen diff``: the fields a tool writes on every object that say nothing about
what runs, named once so that a reviewer sees the change and not the noise.

Each entry is a field pattern (the ``--ignore`` syntax: ``**`` spans any depth, ``*`` inside a
key is a glob, ``key==value`` names the field only while it holds that value, so a default
written out on one side is no change while a real change still shows) and why it is noise. The README's table is generated from this module
(``python -m kgen.diff.presets``).
"""

from __future__ import annotations

import sys
from typing import Mapping

#: preset -> ((pattern, why), ...)
PRESETS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "helm": (
        ('**.labels["helm.sh/chart"]', "the chart's name and version: changes with every chart release"),
        ("**.labels.chart", "the same, in charts written before the helm.sh/chart convention"),
        ('**.labels["app.kubernetes.io/version"]', "the app version the chart declares: changes with every release"),
        ("**.labels.heritage", "Helm 2's `Tiller` / Helm 3's `Helm`: the tool that rendered it"),
        ('**.annotations["meta.helm.sh/*"]', "the release name and namespace Helm records for adoption"),
    ),
    "kustomize": (
        ('**.annotations["config.kubernetes.io/origin"]', "buildMetadata: [originAnnotations]: the file an object came from"),
        (
            '**.annotations["alpha.config.kubernetes.io/transformations"]',
            "buildMetadata: [transformerAnnotations]: the transformers that touched it",
        ),
        ('**.annotations["internal.config.kubernetes.io/*"]', "kustomize's internal bookkeeping, when it leaks into output"),
        (
            '**.labels["app.kubernetes.io/managed-by"]',
            "buildMetadata: [managedByLabel] sets kustomize-v<version>: changes with every kustomize release",
        ),
    ),
    "cluster": (
        (
            'metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]',
            "kubectl apply's record of the previous apply (an object read back from a cluster)",
        ),
        ('metadata.annotations["deployment.kubernetes.io/revision"]', "the Deployment controller's rollout counter"),
        ("**.caBundle", "webhook and APIService CA bundles that cert-manager or a controller injects"),
        ("spec.clusterIP", "a Service's address, assigned by the API server"),
        ("spec.clusterIPs", "the same, for dual-stack"),
        ("spec.ipFamilies", "defaulted by the API server from the cluster's network"),
        ("spec.ipFamilyPolicy", "likewise"),
        ("spec.**.terminationMessagePath==/dev/termination-log", "the API server's default for every container, written out"),
        ("spec.**.terminationMessagePolicy==File", "likewise"),
        (
            "spec.**.imagePullPolicy==IfNotPresent",
            "the default for an image pinned by a tag other than latest or by a digest, written out (not for other images, "
            "whose default is Always)",
        ),
        ("spec.**.dnsPolicy==ClusterFirst", "the default, written out"),
        ("spec.**.schedulerName==default-scheduler", "the default, written out"),
        ("spec.**.restartPolicy==Always", "the default for a Deployment's, StatefulSet's or DaemonSet's pods, written out"),
        ("spec.revisionHistoryLimit==10", "the default, written out"),
        ("spec.progressDeadlineSeconds==600", "the default, written out"),
        ("spec.**.securityContext.seLinuxOptions", "set by OpenShift's security context constraints"),
        ('metadata.annotations["openshift.io/*"]', "OpenShift's namespace and SCC bookkeeping"),
    ),
}


def preset_patterns(names: tuple[str, ...]) -> tuple[str, ...]:
    """The patterns of the named presets, in order, each once."""
    seen: dict[str, None] = {}
    for name in names:
        for pattern, _ in PRESETS[name]:
            seen.setdefault(pattern)
    return tuple(seen)


def markdown_table() -> str:
    """The README's table of every preset, field by field."""
    lines = ["| preset | field | why it is noise |", "|---|---|---|"]
    for name, entries in PRESETS.items():
        for pattern, why in entries:
            lines.append(f"| `{name}` | `{pattern}` | {why} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - the README generator
    sys.stdout.write(markdown_table())
