"""The index's keyed lookups answer what a plain scan with selector_matches answers, for any labels and
selectors: the budgets of a workload, the Services serving it, the workloads of a budget, the pods a
selector selects, asked once or many times."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kgen.check.index import ObjectEntry, ObjectIndex, pod_labels, selector_matches
from kgen.check.result import ObjectRef
from kgen.model.k8s import BUILTIN_SHAPES

KEYS = st.sampled_from(["app", "tier", "team"])
VALUES = st.sampled_from(["a", "b", "1"]) | st.just(1)
LABELS = st.dictionaries(KEYS, VALUES, max_size=3)
EXPRESSION = st.fixed_dictionaries(
    {"key": KEYS, "operator": st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"])},
    optional={"values": st.lists(VALUES, max_size=2)},
)
SELECTOR = st.fixed_dictionaries({}, optional={"matchLabels": LABELS, "matchExpressions": st.lists(EXPRESSION, max_size=2)})


def entry(kind: str, api_version: str, name: str, data: dict[str, Any]) -> ObjectEntry:
    return ObjectEntry(
        ref=ObjectRef(api_version, kind, "ns", name), data={"metadata": {"name": name, "namespace": "ns"}, **data},
        source="tree.yaml", doc_index=0, base=(), line_span=(1, 1), line=1, column=1,
        workload=BUILTIN_SHAPES.get(kind),
    )


def deployment(number: int, labels: dict[str, Any]) -> ObjectEntry:
    return entry("Deployment", "apps/v1", f"d{number}", {"spec": {"template": {"metadata": {"labels": labels}, "spec": {}}}})


@settings(max_examples=300, deadline=None)
@example(  # an In expression's values taken one after another listed d1 before d0
    workload_labels=[{"app": "a"}, {"app": 1}],
    budgets=[({"matchExpressions": [{"key": "app", "operator": "In", "values": [1, "a"]}]}, False)],
    services=[],
)
@given(
    st.lists(LABELS, min_size=1, max_size=6),
    st.lists(st.tuples(SELECTOR, st.booleans()), max_size=5),
    st.lists(LABELS, max_size=5),
)
def test_keyed_lookups_equal_a_scan(
    workload_labels: list[dict[str, Any]], budgets: list[tuple[dict[str, Any], bool]], services: list[dict[str, Any]]
) -> None:
    index = ObjectIndex()
    workloads = [deployment(n, labels) for n, labels in enumerate(workload_labels)]
    pdbs = [
        entry("PodDisruptionBudget", "policy/v1" if v1 else "policy/v1beta1", f"p{n}", {"spec": {"selector": selector}})
        for n, (selector, v1) in enumerate(budgets)
    ]
    served = [entry("Service", "v1", f"s{n}", {"spec": {"selector": selector}}) for n, selector in enumerate(services)]
    for item in [*workloads, *pdbs, *served]:
        index.add(item)
    for _ in range(2):  # answers kept for the run are the answers
        for workload in workloads:
            labels = pod_labels(workload)
            wanted = [p for p in pdbs if selector_matches(p.data["spec"]["selector"], labels, p.ref.api_version == "policy/v1")]
            assert list(index.pdbs_for(workload)) == wanted
            text = {str(k): str(v) for k, v in labels.items()}
            serving = [s for s in served if s.data["spec"]["selector"] and all(text.get(str(k)) == str(v) for k, v in s.data["spec"]["selector"].items())]
            assert list(index.services_for(workload)) == serving
        for pdb in pdbs:
            selector, v1 = pdb.data["spec"]["selector"], pdb.ref.api_version == "policy/v1"
            assert list(index.workloads_for(pdb)) == [w for w in workloads if selector_matches(selector, pod_labels(w), v1)]
            assert list(index.pods_selected("ns", selector, v1)) == [w for w in workloads if selector_matches(selector, pod_labels(w), v1)]
