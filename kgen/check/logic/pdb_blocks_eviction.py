"""pdb-blocks-eviction: a PodDisruptionBudget that allows zero disruptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from kgen.check.index import ObjectEntry, min_replicas_of, replicas_of
from kgen.check.api import Context, Target, Violation
from kgen.model.numbers import percent as parse_percent, scaled_value


def check(target: Target, ctx: Context, params: Mapping[str, Any]) -> Iterator[Violation]:
    spec = target.obj.get("spec")
    if not isinstance(spec, Mapping):
        return
    if spec.get("maxUnavailable") is not None:  # null (as a chart renders an empty value) is unset
        value = spec["maxUnavailable"]
        if (isinstance(value, int) and not isinstance(value, bool) and value == 0) or (
            isinstance(value, str) and _percent(value) == 0
        ):
            yield Violation(
                f"maxUnavailable is {value}: no pod may ever be evicted, so node drains and "
                "cluster upgrades hang",
                ("spec", "maxUnavailable"),
            )
        return
    if "minAvailable" not in spec:
        return
    value = spec["minAvailable"]
    percent = _percent(value) if isinstance(value, str) else None
    if percent is not None and percent >= 100:
        yield Violation(
            f"minAvailable is {value}: no pod may ever be evicted, so node drains and cluster "
            "upgrades hang",
            ("spec", "minAvailable"),
        )
        return
    entry = target.entry  # budgets with one selector and minAvailable share the answer
    key = ("pdb-blocks-eviction", entry.namespace, entry.ref.api_version, spec.get("selector"), value)
    yield from ctx.index.memo(key, lambda: _blocked(value, ctx.index.workloads_for(entry), ctx))


def _blocked(value: Any, workloads: tuple[ObjectEntry, ...], ctx: Context) -> tuple[Violation, ...]:
    for workload in workloads:
        expected = _expected_pods(workload, ctx)
        if not expected:
            continue  # scaled to zero: nothing to evict
        required = _min_available(value, expected)
        if required is not None and required >= expected:
            return (
                Violation(
                    f"minAvailable {value} requires {required} of the {expected} pods of "
                    f"{workload.kind}/{workload.ref.name} to stay up, so none can be evicted",
                    ("spec", "minAvailable"),
                ),
            )
    return ()


def _expected_pods(workload: ObjectEntry, ctx: Context) -> int | None:
    hpas = list(ctx.index.hpas_for(workload))
    if hpas:
        return min(min_replicas_of(hpa) for hpa in hpas)
    return replicas_of(workload)


def _min_available(value: Any, expected: int) -> int | None:
    return scaled_value(value, expected, round_up=True)  # the eviction API rounds a share up


def _percent(value: str) -> int | None:
    return parse_percent(value.strip())
