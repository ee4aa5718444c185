"""rolling-update-unsafe: an update strategy that can take every pod of a served workload down at once.

The numbers are resolved as the controllers resolve them: a Deployment's
maxUnavailable percentage rounds down and maxSurge up, and when both come
to 0 the controller lets one pod go (ResolveFenceposts); a StatefulSet's
maxUnavailable rounds down to at least 1; a DaemonSet's is a share of nodes
kgen cannot count, so only 100% is known to cover all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.api import Context, ObjectEntry, Target, Violation
from kgen.check.index import min_replicas_of, pod_labels, replicas_of
from kgen.check.logic._refs import NAMED
from kgen.check.logic._workloads import version_at_least
from kgen.load.yamlload import FieldPath
from kgen.model.numbers import scaled_value as scaled

#: StatefulSet rollingUpdate.maxUnavailable: beta and on by default from this version (MaxUnavailableStatefulSet).
STATEFULSET_MAX_UNAVAILABLE = (1, 35)
_DEPLOYMENT_DEFAULT = "25%"


def _is_zero(value: Any) -> bool:
    return value in (0, "0%") and not isinstance(value, bool)


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    entry = target.entry
    spec = entry.data.get("spec")
    if not isinstance(spec, Mapping):
        return
    found = _deployment(spec, entry, ctx) if entry.kind == "Deployment" else (
        _statefulset(spec, entry, ctx) if entry.kind == "StatefulSet" else _daemonset(spec)
    )
    if found is None:
        return
    labels = {str(k): str(v) for k, v in pod_labels(entry).items()}  # what services_for answers by
    services: list[str] = ctx.index.memo(
        ("rolling-update-unsafe", entry.namespace, labels),
        lambda: sorted({service.ref.name for service in ctx.index.services_for(entry)}),
    )
    if not services:
        return  # no Service sends traffic to it among the checked objects
    what, path = found
    names = ", ".join(f'"{name}"' for name in services[:NAMED])
    names += f" and {len(services) - NAMED} more" if len(services) > NAMED else ""
    served = f"Service {names} then has" if len(services) == 1 else f"Services {names} then have"
    yield Violation(f"{what}; {served} no ready endpoint: each rollout is an outage", path)


def _all(replicas: int, source: str) -> str:
    return f"its only replica{source}" if replicas == 1 else f"all {replicas} replicas{source}"


def _replicas(entry: ObjectEntry, ctx: Context) -> tuple[int, str] | None:
    """The fewest pods it runs: the autoscaler's minimum when one scales it, else spec.replicas (default 1)."""
    minimums = [min_replicas_of(hpa) for hpa in ctx.index.hpas_for(entry)]
    if minimums:
        return min(minimums), " (the autoscaler's minimum)"
    replicas = replicas_of(entry)
    return (replicas, "") if replicas is not None else None


def _deployment(spec: Mapping[str, Any], entry: ObjectEntry, ctx: Context) -> tuple[str, FieldPath] | None:
    strategy = spec.get("strategy")
    strategy = strategy if isinstance(strategy, Mapping) else {}
    kind = strategy.get("type", "RollingUpdate")
    counted = _replicas(entry, ctx)
    if counted is None or counted[0] < 1:
        return None
    replicas, source = counted
    if kind == "Recreate":
        return (
            f"strategy Recreate stops {_all(replicas, source)} before it starts new ones",
            ("spec", "strategy", "type"),
        )
    if kind != "RollingUpdate":
        return None  # not a strategy the API server accepts: schema-invalid reports it
    rolling = strategy.get("rollingUpdate")
    rolling = rolling if isinstance(rolling, Mapping) else {}
    raw_unavailable = rolling.get("maxUnavailable", _DEPLOYMENT_DEFAULT)
    raw_surge = rolling.get("maxSurge", _DEPLOYMENT_DEFAULT)
    if _is_zero(raw_unavailable) and _is_zero(raw_surge):
        return None  # both 0: the API server refuses the Deployment
    unavailable = scaled(raw_unavailable, replicas, round_up=False)
    surge = scaled(raw_surge, replicas, round_up=True)
    if unavailable is None or surge is None:
        return None
    if unavailable == 0 and surge == 0:
        unavailable = 1  # the controller's fencepost: a rounded-down 0 with no surge lets one pod go
    if unavailable < replicas:
        return None
    return (
        f"rollingUpdate.maxUnavailable {raw_unavailable} lets {_all(replicas, source)} "
        "be unavailable at once",
        ("spec", "strategy", "rollingUpdate", "maxUnavailable"),
    )


def _statefulset(spec: Mapping[str, Any], entry: ObjectEntry, ctx: Context) -> tuple[str, FieldPath] | None:
    if not version_at_least(ctx.kubernetes_version, STATEFULSET_MAX_UNAVAILABLE):
        return None  # the API server drops the field: one pod at a time
    strategy = spec.get("updateStrategy")
    strategy = strategy if isinstance(strategy, Mapping) else {}
    rolling = strategy.get("rollingUpdate")
    if strategy.get("type", "RollingUpdate") != "RollingUpdate" or not isinstance(rolling, Mapping):
        return None  # OnDelete: pods are replaced by hand
    raw = rolling.get("maxUnavailable")
    partition = rolling.get("partition", 0)
    counted = _replicas(entry, ctx)
    if raw is None or counted is None or counted[0] < 2 or partition not in (0, None):
        return None  # a single pod is down in any update; a partition keeps the pods below it
    replicas, source = counted
    unavailable = scaled(raw, replicas, round_up=False)
    if unavailable is None or max(unavailable, 1) < replicas:
        return None
    return (
        f"updateStrategy.rollingUpdate.maxUnavailable {raw} lets {_all(replicas, source)} "
        "be replaced at once",
        ("spec", "updateStrategy", "rollingUpdate", "maxUnavailable"),
    )


def _daemonset(spec: Mapping[str, Any]) -> tuple[str, FieldPath] | None:
    strategy = spec.get("updateStrategy")
    strategy = strategy if isinstance(strategy, Mapping) else {}
    rolling = strategy.get("rollingUpdate")
    if strategy.get("type", "RollingUpdate") != "RollingUpdate" or not isinstance(rolling, Mapping):
        return None
    raw = rolling.get("maxUnavailable")
    if scaled(raw, 100, round_up=True) != 100 or isinstance(raw, int):
        return None  # a count of nodes kgen cannot know, or less than all of them
    if scaled(rolling.get("maxSurge", 0), 100, round_up=True) not in (0, None):
        return None  # refused beside a non-zero maxUnavailable (API validation)
    return (
        f"updateStrategy.rollingUpdate.maxUnavailable {raw} replaces its pod on every node at once",
        ("spec", "updateStrategy", "rollingUpdate", "maxUnavailable"),
    )
